import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeskSync, OutboxItem, ScreenPop, SeatView, TicketCreated, TicketCreateInput } from '../../shared/contract';
import type { TestApp } from '../../test/support/app';
import { spawnHostFromSource, type SpawnedHost } from '../../test/security/spawn-host';
import type { TcpProxy } from '../../test/support/tcp-proxy';
import { startCenterBehindProxy, type CenterBehindProxy } from '../../test/support/desk-center';
import { WireClient, until } from '../../test/support/wire-client';
import Database from 'better-sqlite3';
import type { Connection } from '../rpc/dispatcher';

/**
 * A desk (host mode with --center, its own process) reaches its center through a TCP proxy this
 * test controls: the network is cut while the agent registers appeals, replies are lost in a
 * silent cut, and a write the center refuses on replay waits for the agent. Counted in the
 * center's store: every appeal exactly once, with its timeline and audit line.
 */

let fixture: CenterBehindProxy;
let center: TestApp;
/** The knowledge list as the center answered it online, to compare with the desk's offline answer. */
let knowledgeOnline: unknown;
let proxy: TcpProxy;
let desk: SpawnedHost;
let deskDir = '';
let agent: WireClient;
let leaf = '';
const CALLER = '13912345678';

const appeal = (title: string, extra: Partial<TicketCreateInput> = {}): TicketCreateInput => ({
  channel: 'phone', citizen: { phone: CALLER, confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
  title, content: `${title}，来电人要求尽快处理并回复。`, ...extra,
});
const status = async () => { const r = await agent.call<DeskSync>('desk.status', {}); if (!r.ok) throw new Error(r.error.code); return r.value; };
const lastSync = () => [...agent.events].reverse().find((e) => e.event === 'desk.sync')?.payload as DeskSync | undefined;
async function centerCounts(ids: string[]) {
  const db = center.app.store.db;
  const n = async (q: Promise<{ n: string | number | bigint }>) => Number((await q).n);
  return {
    tickets: await n(db.selectFrom('tickets').select((eb) => eb.fn.countAll().as('n')).where('id', 'in', ids).executeTakeFirstOrThrow()),
    registrations: await n(db.selectFrom('ticket_events').select((eb) => eb.fn.countAll().as('n')).where('ticket_id', 'in', ids).where('action', '=', 'register').executeTakeFirstOrThrow()),
    audits: await n(db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).where('subject_id', 'in', ids).where('action', '=', 'ticket.registered').executeTakeFirstOrThrow()),
  };
}

beforeAll(async () => {
  // The center's console server (npm run server's code) behind a proxy this test cuts.
  fixture = await startCenterBehindProxy();
  ({ app: center, proxy, leaf } = fixture);
  deskDir = mkdtempSync(join(tmpdir(), 'hotline-desk-'));
  desk = spawnHostFromSource(deskDir, ['--center', `ws://127.0.0.1:${proxy.port}/rpc`]);
  const out = await desk.outcome;
  if (!out.ready) throw new Error(`desk did not start: ${out.stderr}`);
  agent = await WireClient.open(out.port, new URL(out.url).hash.replace('#token=', ''));
  const login = await agent.call('session.login', { username: 'agent01', password: 'Demo-12345' });
  if (!login.ok) throw new Error(JSON.stringify(login) + desk.stderr() + desk.stdout());
}, 60_000);

afterAll(async () => {
  agent?.ws.close();
  await desk?.stop();
  await fixture?.close();
});

describe('a desk whose network to the center fails', () => {
  it('online: the header says so, nothing waits, and a save answers with the center\'s number', async () => {
    expect(await status()).toMatchObject({ mode: 'center', online: true, waiting: 0, failed: 0 });
    const r = await agent.call<TicketCreated>('tickets.create', appeal('楼道灯坏了'));
    expect(r).toMatchObject({ ok: true, value: { number: expect.stringMatching(/^JC\d{13}$/) } });
    // What the desk needs offline is cached from these answers.
    expect((await agent.call('reference.get', {})).ok).toBe(true);
    expect((await agent.call<ScreenPop>('phone.screenPop', { phone: CALLER })).ok).toBe(true);
    knowledgeOnline = await agent.call('knowledge.search', { query: '', limit: 20 });
    expect(knowledgeOnline).toMatchObject({ ok: true, value: expect.arrayContaining([expect.objectContaining({ title: expect.any(String) })]) });
    expect(await agent.call('scripts.list', {})).toMatchObject({ ok: true });
  });

  it('cut for 30 s: 5 appeals wait in the outbox, cached history and reference data still show, the rest says it needs the center', async () => {
    proxy.cut();
    await until(async () => !(await status()).online);
    expect(lastSync()).toMatchObject({ online: false });
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      await agent.call('drafts.save', { key: 'intake:new', data: `{"title":"第${i}件"}` });
      const r = await agent.call<TicketCreated>('tickets.create', appeal(`离线登记第${i}件：路面塌陷`, { draftKey: 'intake:new' }));
      expect(r).toMatchObject({ ok: true, value: { queued: true, number: null } });
      if (r.ok) ids.push(r.value.id);
      // Saved into the outbox, out of the drafts: what was typed is in one place.
      expect(await agent.call('drafts.get', { key: 'intake:new' })).toEqual({ ok: true, value: null });
    }
    expect(await status()).toMatchObject({ online: false, waiting: 5, failed: 0 });
    const outbox = await agent.call<OutboxItem[]>('desk.outbox', {});
    expect(outbox.ok && outbox.value.map((o) => o.summary)).toEqual(ids.map((_, i) => `离线登记第${i + 1}件：路面塌陷`));
    const pop = await agent.call<ScreenPop>('phone.screenPop', { phone: CALLER });
    expect(pop).toMatchObject({ ok: true, value: { phone: expect.any(String), cachedAt: expect.any(String) } });
    expect((await agent.call('reference.get', {})).ok).toBe(true);
    expect(await agent.call('tickets.search', { text: '路面', limit: 10 })).toMatchObject({ ok: false, error: { code: 'center_unreachable' } });
    // The knowledge base and scripts as the center last answered them; a search never made online needs the center.
    expect(await agent.call('knowledge.search', { query: '', limit: 20 })).toEqual(knowledgeOnline);
    expect(await agent.call('scripts.list', {})).toMatchObject({ ok: true });
    expect(await agent.call('knowledge.search', { query: '从未查过的问题', limit: 20 })).toMatchObject({ ok: false, error: { code: 'center_unreachable' } });
    expect(await centerCounts(ids)).toEqual({ tickets: 0, registrations: 0, audits: 0 });

    await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - started))));
    proxy.restore();
    await until(async () => { const s = await status(); return s.online && s.waiting === 0; }, 30_000).catch(async (e) => {
      console.log(JSON.stringify(await status()), JSON.stringify(await agent.call('desk.outbox', {})), desk.stdout().slice(-3000));
      throw e;
    });
    expect(await centerCounts(ids)).toEqual({ tickets: 5, registrations: 5, audits: 5 });
    // In the order they were taken, each numbered by the center.
    const rows = await center.app.store.db.selectFrom('tickets').select(['id', 'number', 'created_at']).where('id', 'in', ids).orderBy('number').execute();
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(lastSync()).toMatchObject({ online: true, waiting: 0, lastSyncAt: expect.any(String) });
    expect(agent.events.filter((e) => e.event === 'app.notice' && (e.payload as { code: string }).code === 'desk.synced')).toHaveLength(5);
  }, 90_000);

  it('replies lost in a silent cut: the write is kept, sent again later, and exists once', async () => {
    proxy.blackhole();
    const r = await agent.call<TicketCreated>('tickets.create', appeal('回复丢失的一件：噪音扰民'));
    // The center got it and committed; the desk never heard back, so it keeps it.
    expect(r).toMatchObject({ ok: true, value: { queued: true } });
    const id = r.ok ? r.value.id : '';
    expect((await centerCounts([id])).tickets).toBe(1);
    expect((await status()).waiting).toBe(1);
    proxy.cut();
    proxy.restore();
    await until(async () => { const s = await status(); return s.online && s.waiting === 0; }, 45_000);
    expect(await centerCounts([id])).toEqual({ tickets: 1, registrations: 1, audits: 1 });
  }, 90_000);

  it('a write the center refuses on replay waits for the agent, with the reason; later ones still go; the agent takes it back', async () => {
    proxy.cut();
    await until(async () => !(await status()).online);
    const bad = await agent.call<TicketCreated>('tickets.create', appeal('分类已不存在的一件', { categoryId: 'no-such-category' }));
    const good = await agent.call<TicketCreated>('tickets.create', appeal('排在后面的一件：占道经营'));
    expect(bad.ok && good.ok).toBe(true);
    const [badId, goodId] = [bad.ok ? bad.value.id : '', good.ok ? good.value.id : ''];
    proxy.restore();
    await until(async () => { const s = await status(); return s.online && s.waiting === 1 && s.failed === 1; }, 30_000);
    expect((await centerCounts([goodId])).tickets).toBe(1);
    const outbox = await agent.call<OutboxItem[]>('desk.outbox', {});
    expect(outbox).toMatchObject({ ok: true, value: [{ id: badId, state: 'failed', error: { code: 'invalid_input', issues: [{ path: 'categoryId' }] } }] });
    const input = await agent.call<TicketCreateInput>('desk.outboxInput', { id: badId });
    expect(input).toMatchObject({ ok: true, value: { title: '分类已不存在的一件', categoryId: 'no-such-category' } });
    expect(await agent.call('desk.outboxDiscard', { id: badId })).toEqual({ ok: true, value: null });
    expect(await status()).toMatchObject({ waiting: 0, failed: 0 });
    expect((await centerCounts([badId])).tickets).toBe(0);
  }, 60_000);

  it('a window reloaded while offline keeps its sign-in; another user\'s outbox is not shown', async () => {
    const token = (await agent.call<{ token: string }>('session.login', { username: 'agent01', password: 'Demo-12345' }));
    expect(token.ok).toBe(true);
    proxy.cut();
    await until(async () => !(await status()).online);
    const out = await desk.outcome;
    const reloaded = await WireClient.open(out.ready ? out.port : 0, out.ready ? new URL(out.url).hash.replace('#token=', '') : '');
    const resumed = await reloaded.call('session.resume', { token: token.ok ? token.value.token : '' });
    expect(resumed).toMatchObject({ ok: true, value: { user: { username: 'agent01' } } });
    expect((await reloaded.call<DeskSync>('desk.status', {}))).toMatchObject({ ok: true, value: { online: false } });
    const stranger = await WireClient.open(out.ready ? out.port : 0, out.ready ? new URL(out.url).hash.replace('#token=', '') : '');
    expect(await stranger.call('desk.outbox', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(await stranger.call('session.resume', { token: 'x'.repeat(43) })).toMatchObject({ ok: false, error: { code: 'center_unreachable' } });
    reloaded.ws.close();
    stranger.ws.close();
    proxy.restore();
  }, 60_000);
});

describe('the phone of a desk registers with the account the center has for its user', () => {
  it('phone.signIn takes the account from the center into the desk\'s own store; the password never reaches a renderer', async () => {
    await until(async () => (await status()).online, 30_000);
    const admin: Connection = { id: 'center-admin', session: null, send: () => {} };
    center.app.dispatcher.attach(admin);
    await center.app.dispatcher.dispatch(admin, 'session.login', { username: 'admin', password: 'Demo-12345' });
    const userId = (await center.app.store.db.selectFrom('users').select('id').where('username', '=', 'agent01').executeTakeFirstOrThrow()).id;
    const set = await center.app.dispatcher.dispatch(admin, 'sip.setAccount', {
      userId, wsUrl: 'ws://127.0.0.1:9/ws', aor: '1001@center.test', authUser: '1001', password: 'sip-secret-1001', displayName: '王晓燕', media: 'null',
    });
    expect(set.ok).toBe(true);
    // Asking for the phone's status takes the account already, so that the window offers 签入话机.
    expect(await agent.call('phone.status', {})).toMatchObject({ ok: true, value: { configured: true } });
    const signIn = await agent.call('phone.signIn', {});
    expect(signIn, JSON.stringify(signIn)).toMatchObject({ ok: true, value: { configured: true } });
    const db = new Database(join(deskDir, 'hotline.sqlite'), { readonly: true });
    try {
      expect(db.prepare('select aor, auth_user, media_mode from sip_accounts where user_id = ?').get(userId)).toEqual({ aor: '1001@center.test', auth_user: '1001', media_mode: 'null' });
      // Stored sealed, as every SIP secret; the mirrored user can never sign in at the desk.
      expect(JSON.stringify(db.prepare('select * from sip_accounts').all())).not.toContain('sip-secret-1001');
      expect(db.prepare('select username, password_hash, disabled from users where id = ?').get(userId)).toEqual({ username: `center:${userId}`, password_hash: '!', disabled: 1 });
    } finally {
      db.close();
    }
    // The center hears how this seat's phone is: the desk reports the agent state it keeps.
    await until(async () => (await center.app.phone.presence([userId])).get(userId)?.agent !== 'logged_out');
    const seat = await center.app.store.db.selectFrom('seat_presence').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();
    const local = await agent.call<{ agent: { name: string } }>('phone.status', {});
    expect(seat.agent).toBe(local.ok ? local.value.agent.name : 'no status');
    // A shift lead at the center sees the seat on the wallboard and each change as it happens.
    const seen: SeatView[] = [];
    const lead: Connection = { id: 'center-lead', session: null, send: (name, payload) => { if (name === 'seat.changed') seen.push(payload as SeatView); } };
    center.app.dispatcher.attach(lead);
    await center.app.dispatcher.dispatch(lead, 'session.login', { username: 'lead01', password: 'Demo-12345' });
    const board = await center.app.dispatcher.dispatch(lead, 'wallboard.seats', {});
    expect(board.ok && (board.value as SeatView[]).find((s) => s.userId === userId)).toMatchObject({ extension: '1001', where: 'desk', activity: 'not_ready', reason: null, call: null });
    await agent.call('phone.setNotReady', { reason: 'meal' });
    await until(async () => seen.some((s) => s.userId === userId && s.activity === 'not_ready' && s.reason === '用餐'));
    // Nothing listens at the account's address, so the phone never registers: 就绪 leaves the agent not
    // ready, and the board says why (an agent who cannot receive calls is not ready).
    await agent.call('phone.setReady', {});
    await until(async () => seen.at(-1)?.activity === 'not_ready' && seen.at(-1)?.reason === '电话未注册，不能接听');
    // The lead puts the seat on a break from the board: the desk carries it out, the agent is told, the audit keeps why.
    const stale = await center.app.dispatcher.dispatch(lead, 'wallboard.seatAction', { userId, action: 'not_ready', reason: 'meeting', note: '班前会', expectedSince: '2020-01-01T00:00:00.000Z' });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'seat_changed' } } });
    const acted = await center.app.dispatcher.dispatch(lead, 'wallboard.seatAction', { userId, action: 'not_ready', reason: 'meeting', note: '班前会，请到会议室', expectedSince: seen.at(-1)!.since });
    expect(acted.ok, JSON.stringify(acted)).toBe(true);
    await until(async () => seen.at(-1)?.activity === 'not_ready' && seen.at(-1)?.reason === '会议');
    expect(agent.events.find((e) => e.event === 'seat.command')?.payload).toMatchObject({ action: 'not_ready', reasonLabel: '会议', note: '班前会，请到会议室', byName: '陈班长', apply: true });
    const audit = await center.app.store.db.selectFrom('audit_events').select(['actor_id', 'data']).where('action', '=', 'seat.lead_action').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ action: 'not_ready', reason: 'meeting', note: '班前会，请到会议室', where: 'desk' });
    await agent.call('phone.signOut', {});
    await until(async () => (await center.app.phone.presence([userId])).get(userId)?.agent === 'logged_out');
    await until(async () => seen.at(-1)?.activity === 'offline');
    // An agent may not read the board.
    expect(await agent.call('wallboard.seats', {})).toEqual({ ok: false, error: { code: 'forbidden' } });
    // A renderer asking the desk for it, or a page's connection at the center: refused.
    expect(await agent.call('sip.myAccount', {})).toEqual({ ok: false, error: { code: 'forbidden' } });
    const page: Connection = { id: 'center-page', session: null, send: () => {}, program: false };
    center.app.dispatcher.attach(page);
    await center.app.dispatcher.dispatch(page, 'session.login', { username: 'agent01', password: 'Demo-12345' });
    expect(await center.app.dispatcher.dispatch(page, 'sip.myAccount', {})).toEqual({ ok: false, error: { code: 'forbidden' } });
    expect(await center.app.dispatcher.dispatch({ ...page, id: 'center-program', program: true }, 'sip.myAccount', {})).toMatchObject({ ok: true, value: { password: 'sip-secret-1001' } });
  }, 60_000);
});

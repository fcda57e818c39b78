import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeskSync, OutboxItem, OutreachEventDetail, OutreachOverview, Result, TicketCreated, TicketCreateInput } from '../../shared/contract';
import { chinaDateKey } from '../../shared/domain/china-time';
import type { TestApp } from '../../test/support/app';
import { spawnHostFromSource, type SpawnedHost } from '../../test/security/spawn-host';
import type { TcpProxy } from '../../test/support/tcp-proxy';
import { startCenterBehindProxy, type CenterBehindProxy } from '../../test/support/desk-center';
import { WireClient, until } from '../../test/support/wire-client';
import type { Connection } from '../rpc/dispatcher';

/**
 * The outreach laptop (便民服务进小区, issue 14.5) is a desk (host mode with --center, its own
 * process) whose network to the center fails while the team registers appeals at an event: the
 * event stays readable from the desk's cache, the fast intake's appeals wait in the outbox, and
 * once the center answers again each reaches it exactly once with its event link, the one fixed on
 * the spot (立行立改) closed by its lifecycle. An appeal by someone not on the team, saved offline,
 * is refused by the center on replay and waits, marked, for its author. An event the center
 * cancels while the laptop is offline: the appeal saved for it is refused on replay with the
 * reason (outreach_cancelled), and once back the desk offers the event no more.
 */

let fixture: CenterBehindProxy;
let center: TestApp;
let proxy: TcpProxy;
let desk: SpawnedHost;
let agent: WireClient;
let stranger: WireClient;
let leaf = '';
let event: OutreachEventDetail;
let lead: Connection;
let planInput: Record<string, unknown>;

const status = async (c: WireClient = agent) => { const r = await c.call<DeskSync>('desk.status', {}); if (!r.ok) throw new Error(r.error.code); return r.value; };

function appeal(content: string, extra: Partial<TicketCreateInput> = {}, at: OutreachEventDetail = event): TicketCreateInput {
  const event = at;
  return {
    channel: 'outreach', citizen: { confidential: false }, appealType: 'help', categoryId: leaf, urgency: 'normal',
    title: content.slice(0, 20), content, communityCode: event.communityCode, streetCode: event.streetCode ?? undefined,
    districtCode: event.districtCode ?? undefined, address: event.address, outreachEventId: event.id, ...extra,
  };
}

async function centerAs(username: string): Promise<Connection> {
  const c: Connection = { id: `center-${username}`, session: null, send: () => {} };
  center.app.dispatcher.attach(c);
  const r = await center.app.dispatcher.dispatch(c, 'session.login', { username, password: 'Demo-12345' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return c;
}

beforeAll(async () => {
  fixture = await startCenterBehindProxy();
  ({ app: center, proxy, leaf } = fixture);
  const deskDir = mkdtempSync(join(tmpdir(), 'hotline-outreach-desk-'));
  desk = spawnHostFromSource(deskDir, ['--center', `ws://127.0.0.1:${proxy.port}/rpc`]);
  const out = await desk.outcome;
  if (!out.ready) throw new Error(`desk did not start: ${out.stderr}`);
  const key = new URL(out.url).hash.replace('#token=', '');
  agent = await WireClient.open(out.port, key);
  stranger = await WireClient.open(out.port, key);
  for (const [c, u] of [[agent, 'agent01'], [stranger, 'agent02']] as const) {
    const login = await c.call('session.login', { username: u, password: 'Demo-12345' });
    if (!login.ok) throw new Error(JSON.stringify(login) + desk.stderr());
  }
  // A shift lead at the center plans today's event: agent01 on the team, a CPPCC member taking part.
  lead = await centerAs('lead01');
  const db = center.app.store.db;
  const community = await db.selectFrom('divisions').select('code').where('level', '=', 3).where('retired', '=', 0).orderBy('code').executeTakeFirstOrThrow();
  const ids = await db.selectFrom('users').select(['id', 'username']).where('username', 'in', ['agent01', 'member01']).execute();
  const idOf = (u: string) => ids.find((x) => x.username === u)!.id;
  planInput = { title: '便民服务进小区', communityCode: community.code, address: '社区广场', date: chinaDateKey(new Date()), teamIds: [idOf('agent01')], memberIds: [idOf('member01')] };
  const planned = await center.app.dispatcher.dispatch(lead, 'outreach.plan', planInput);
  if (!planned.ok) throw new Error(JSON.stringify(planned.error));
  event = planned.value as OutreachEventDetail;
}, 60_000);

afterAll(async () => {
  agent?.ws.close();
  stranger?.ws.close();
  await desk?.stop();
  await fixture?.close();
});

describe('the outreach laptop without its network', () => {
  it('online: the team member reads the event and is offered the fast intake', async () => {
    expect(await status()).toMatchObject({ online: true, waiting: 0 });
    const list = await agent.call<OutreachOverview>('outreach.list', {});
    expect(list.ok && list.value.events.map((e) => e.id)).toEqual([event.id]);
    const d = await agent.call<OutreachEventDetail>('outreach.get', { id: event.id });
    expect(d).toMatchObject({ ok: true, value: { allowed: { register: true }, figures: { appeals: 0 } } });
    expect((await agent.call('reference.get', {})).ok).toBe(true);
  });

  it('cut: the event is shown as last read, appeals wait in the outbox; back: each reaches the center once, linked to the event', async () => {
    proxy.cut();
    await until(async () => !(await status()).online);
    // The event as the center last answered it, so the form still knows where it is.
    expect(await agent.call<OutreachEventDetail>('outreach.get', { id: event.id })).toMatchObject({ ok: true, value: { id: event.id, allowed: { register: true } } });
    expect(await agent.call<OutreachOverview>('outreach.list', {})).toMatchObject({ ok: true, value: { events: [{ id: event.id }] } });
    const fixed = await agent.call<TicketCreated>('tickets.create', appeal('楼道声控灯不亮，现场更换灯泡', {
      citizen: { confidential: false, phone: '13800138011' }, resolveDirectly: { summary: '立行立改：现场更换楼道灯泡' },
    }));
    const dispatched = await agent.call<TicketCreated>('tickets.create', appeal('小区门口道路坑洼，雨天积水严重'));
    // agent02 is not on the team: the desk cannot know offline, the center refuses it on replay.
    const foreign = await stranger.call<TicketCreated>('tickets.create', appeal('不在工作队的人员离线登记的诉求'));
    for (const r of [fixed, dispatched, foreign]) expect(r).toMatchObject({ ok: true, value: { queued: true, number: null } });
    const ids = [fixed, dispatched].map((r) => (r as Result<TicketCreated> & { ok: true }).value.id);
    const foreignId = (foreign as Result<TicketCreated> & { ok: true }).value.id;
    expect(await status()).toMatchObject({ online: false, waiting: 2 });
    const db = center.app.store.db;
    expect(await db.selectFrom('outreach_event_tickets').selectAll().where('event_id', '=', event.id).execute()).toEqual([]);

    proxy.restore();
    await until(async () => { const s = await status(); return s.online && s.waiting === 0; }, 30_000);
    await until(async () => { const s = await status(stranger); return s.online && s.failed === 1; }, 30_000);
    const links = await db.selectFrom('outreach_event_tickets').select(['ticket_id', 'fixed_on_spot']).where('event_id', '=', event.id).orderBy('registered_at').execute();
    expect(links.map((l) => [l.ticket_id, l.fixed_on_spot]).sort()).toEqual([[ids[0], 1], [ids[1], 0]].sort());
    const tickets = await db.selectFrom('tickets').select(['id', 'channel', 'status']).where('id', 'in', [...ids, foreignId]).execute();
    expect(tickets.map((t) => [t.id, t.channel, t.status]).sort()).toEqual([[ids[0], 'outreach', 'resolved_directly'], [ids[1], 'outreach', 'registered']].sort());
    // The refused one waits on the desk with the center's reason, for agent02 only.
    const outbox = await stranger.call<OutboxItem[]>('desk.outbox', {});
    expect(outbox).toMatchObject({ ok: true, value: [{ id: foreignId, state: 'failed', error: { code: 'forbidden', details: { reason: 'outreach_not_on_team' } } }] });
    // The event's figures at the center, read through the desk now that it is back.
    const d = await agent.call<OutreachEventDetail>('outreach.get', { id: event.id });
    expect(d).toMatchObject({ ok: true, value: { figures: { appeals: 2, fixedOnSpot: 1, dispatched: 1, citizens: 2 } } });
  }, 90_000);
});

describe('an event cancelled at the center while the laptop is offline', () => {
  it('the appeal saved for it is refused on replay with the reason; back online the desk no longer offers it', async () => {
    const planned = await center.app.dispatcher.dispatch(lead, 'outreach.plan', { ...planInput, title: '便民服务进小区（下午场）', address: '社区北门' });
    if (!planned.ok) throw new Error(JSON.stringify(planned.error));
    const second = planned.value as OutreachEventDetail;
    // Read online: the desk keeps the answer, fast intake offered.
    expect(await agent.call<OutreachEventDetail>('outreach.get', { id: second.id })).toMatchObject({ ok: true, value: { allowed: { register: true }, cancelled: null } });
    const before = await status();
    proxy.cut();
    await until(async () => !(await status()).online);
    const cancelled = await center.app.dispatcher.dispatch(lead, 'outreach.cancel', { id: second.id, expectedVersion: second.version, reason: '工作队临时调整' });
    expect(cancelled.ok).toBe(true);
    const saved = await agent.call<TicketCreated>('tickets.create', appeal('活动取消后离线登记的诉求：小区路灯不亮', {}, second));
    expect(saved).toMatchObject({ ok: true, value: { queued: true } });
    const savedId = (saved as Result<TicketCreated> & { ok: true }).value.id;

    proxy.restore();
    await until(async () => { const s = await status(); return s.online && s.failed === before.failed + 1; }, 30_000);
    const outbox = await agent.call<OutboxItem[]>('desk.outbox', {});
    expect(outbox.ok && outbox.value.find((o) => o.id === savedId)).toMatchObject({ state: 'failed', error: { code: 'conflict', details: { reason: 'outreach_cancelled' } } });
    const db = center.app.store.db;
    expect(await db.selectFrom('tickets').select('id').where('id', '=', savedId).execute()).toEqual([]);
    expect(await db.selectFrom('outreach_event_tickets').selectAll().where('event_id', '=', second.id).execute()).toEqual([]);
    // Online again: the center's answer, cancelled, no fast intake; gone from the team's list.
    expect(await agent.call<OutreachEventDetail>('outreach.get', { id: second.id })).toMatchObject({ ok: true, value: { allowed: { register: false }, cancelled: { reason: '工作队临时调整' } } });
    const list = await agent.call<OutreachOverview>('outreach.list', {});
    expect(list.ok && list.value.events.map((e) => e.id)).toEqual([event.id]);
  }, 90_000);
});

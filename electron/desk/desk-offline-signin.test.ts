import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { OutboxItem, Result, SignedIn, TicketCreated, TicketCreateInput } from '../../shared/contract';
import { silentLogger } from '../log';
import type { TestApp } from '../../test/support/app';
import type { TcpProxy } from '../../test/support/tcp-proxy';
import { noLocalPhone, startCenterBehindProxy, type CenterBehindProxy } from '../../test/support/desk-center';
import { until } from '../../test/support/wire-client';
import type { Connection } from '../rpc/dispatcher';
import { DeskStore } from '../store/desk-store';
import { CenterForwarder } from './forwarder';

/**
 * Offline sign-in (issue 12 C): a desk whose center is cut at sign-in lets in an agent who signed
 * in on this desk within 7 days, with the same password; not an unknown user, not a wrong
 * password, not a sign-in older than that. When the center is back the desk signs in to it for
 * real: accepted, the window goes on and its saved appeals are sent; refused (account disabled
 * meanwhile), the offline session ends with its reason and its appeals are held, never sent.
 * A password reset at the center drops the desk's verifier; a desk restarted during the outage
 * (no password in memory) asks the window to sign in again.
 */
const PASSWORD = 'Demo-12345';
const DAY = 86_400_000;

let fixture: CenterBehindProxy;
let center: TestApp;
let proxy: TcpProxy;
let deskDir = '';
let store: DeskStore;
let forwarder: CenterForwarder;
let leaf = '';
/** The desk's clock runs this far from the real one (its verifiers are dated by it). */
let skew = 0;
const admin: Connection = { id: 'center-admin', session: null, send: () => {} };

type Window = Connection & { events: { name: string; payload: unknown }[] };
const windows: Window[] = [];
function openWindow(): Window {
  const events: Window['events'] = [];
  const w: Window = { id: `window-${windows.length + 1}`, session: null, events, send: (name, payload) => { events.push({ name, payload }); } };
  forwarder.attach(w);
  windows.push(w);
  return w;
}
const call = <T,>(w: Connection, name: string, input: unknown) => forwarder.dispatch(w, name, input) as Promise<Result<T>>;
const online = () => forwarder.offline!.status(null, null).online;
const appeal = (title: string): TicketCreateInput => ({
  channel: 'phone', citizen: { phone: '13912345678', confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
  title, content: `${title}，来电人要求尽快处理并回复。`,
});
const centerTickets = async (ids: string[]) => (await center.app.store.db.selectFrom('tickets').select('id').where('id', 'in', ids).execute()).length;
const userId = async (username: string) => (await center.app.store.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

/** Signs a user in at the (reachable) center through the desk, then out again: the desk now knows them. */
async function signInOnline(username: string) {
  const w = openWindow();
  const r = await call<SignedIn>(w, 'session.login', { username, password: PASSWORD });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  await until(() => store.verifier(username) !== null && Date.parse(store.verifier(username)!.refreshedAt) > Date.now() + skew - 60_000);
  expect((await call(w, 'session.logout', {})).ok).toBe(true);
  forwarder.detach(w.id);
}

async function cut() {
  proxy.cut();
  await until(() => !online());
}

beforeAll(async () => {
  fixture = await startCenterBehindProxy();
  ({ app: center, proxy, leaf } = fixture);
  deskDir = mkdtempSync(join(tmpdir(), 'hotline-desk-'));
  store = DeskStore.open(deskDir, () => new Date(Date.now() + skew));
  forwarder = new CenterForwarder(noLocalPhone, { url: `ws://127.0.0.1:${proxy.port}/rpc`, heartbeatMs: 1000, maxRetryMs: 500 }, silentLogger, store);
  center.app.dispatcher.attach(admin);
  await center.app.dispatcher.dispatch(admin, 'session.login', { username: 'admin', password: PASSWORD });
  // agent02 last signed in online here 8 days ago; agent01 just now.
  skew = -8 * DAY;
  await signInOnline('agent02');
  skew = 0;
  await signInOnline('agent01');
}, 60_000);

afterAll(async () => {
  forwarder?.close();
  store?.close();
  await fixture?.close();
});

describe('signing in on a desk whose center is unreachable', () => {
  it('the desk keeps a salted verifier, not the password nor the center\'s hash', async () => {
    const db = new Database(join(deskDir, 'desk.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('select * from offline_verifiers').all();
      expect(rows).toHaveLength(2);
      const centerHashes = (await center.app.store.db.selectFrom('users').select('password_hash').where('username', 'in', ['agent01', 'agent02']).execute()).map((u) => u.password_hash);
      const text = JSON.stringify(rows);
      expect(text).not.toContain(PASSWORD);
      for (const h of centerHashes) expect(text).not.toContain(h.split('$').at(-1)!);
      expect(db.pragma('user_version', { simple: true })).toBe(4);
    } finally {
      db.close();
    }
  });

  it('lets in an agent who signed in here before, with limits; refuses a wrong password, an unknown user and a sign-in too old', async () => {
    await cut();
    const w = openWindow();
    expect(await call(w, 'session.login', { username: 'agent01', password: 'Wrong-12345' })).toEqual({ ok: false, error: { code: 'login_failed' } });
    expect(await call(w, 'session.login', { username: 'lead01', password: PASSWORD }))
      .toMatchObject({ ok: false, error: { code: 'offline_signin_unavailable', details: { reason: 'offline_unknown_here' } } });
    expect(await call(w, 'session.login', { username: 'agent02', password: PASSWORD }))
      .toMatchObject({ ok: false, error: { code: 'offline_signin_unavailable', details: { reason: 'offline_too_old' } } });
    // Guessing is limited on the desk too: the sixth try in a row is refused whatever it is.
    for (let i = 0; i < 5; i++) expect((await call(w, 'session.login', { username: 'nobody', password: `Guess-${i}0000` })).ok).toBe(false);
    expect(await call(w, 'session.login', { username: 'nobody', password: 'Guess-60000' })).toMatchObject({ ok: false, error: { code: 'too_many_attempts' } });
    expect(w.session).toBeNull();

    const r = await call<SignedIn>(w, 'session.login', { username: 'Agent01', password: PASSWORD });
    expect(r).toMatchObject({ ok: true, value: { user: { username: 'agent01' }, token: expect.any(String) } });
    expect(await call(w, 'session.current', {})).toMatchObject({ ok: true, value: { user: { username: 'agent01' } } });
    // Limited: what needs the center says so; an appeal is kept in the outbox; drafts work.
    expect(await call(w, 'tickets.search', { text: '路面', limit: 10 })).toMatchObject({ ok: false, error: { code: 'center_unreachable' } });
    expect((await call(w, 'drafts.save', { key: 'intake:new', data: '{}' })).ok).toBe(true);
    const saved = await call<TicketCreated>(w, 'tickets.create', appeal('离线登录后登记：井盖缺失'));
    expect(saved).toMatchObject({ ok: true, value: { queued: true } });
    expect(store.auditLines().map((l) => l.action)).toEqual(expect.arrayContaining(['offline.signin_refused', 'offline.signin']));
    // The header says so (离线登录) for this window only.
    expect(await call(w, 'desk.status', {})).toMatchObject({ ok: true, value: { online: false, offlineSignIn: true } });
  }, 30_000);

  it('when the center is back, the desk signs in for real: the window goes on and what was saved is sent', async () => {
    const w = windows.at(-1)!;
    const outbox = await call<OutboxItem[]>(w, 'desk.outbox', {});
    const ids = outbox.ok ? outbox.value.map((o) => o.id) : [];
    expect(ids).toHaveLength(1);
    proxy.restore();
    await until(async () => (await centerTickets(ids)) === 1, 30_000);
    expect(w.events.some((e) => e.name === 'session.changed')).toBe(true);
    expect(w.events.some((e) => e.name === 'session.ended')).toBe(false);
    expect(await call(w, 'tickets.search', { text: '井盖', limit: 10 })).toMatchObject({ ok: true });
    // The center has a real session for it now: its audit shows the sign-in.
    const signIns = await center.app.store.db.selectFrom('audit_events').select('actor_id').where('action', '=', 'session.login').where('actor_id', '=', await userId('agent01')).execute();
    expect(signIns.length).toBeGreaterThanOrEqual(2);
    expect(store.auditLines().map((l) => l.action)).toContain('offline.confirmed');
    // Confirmed by the center: no longer an offline sign-in, in the answer and in the last pushed line.
    expect(await call(w, 'desk.status', {})).toMatchObject({ ok: true, value: { online: true, offlineSignIn: false } });
    expect(w.events.filter((e) => e.name === 'desk.sync').at(-1)?.payload).toMatchObject({ offlineSignIn: false });
  }, 60_000);

  it('a center that refuses the sign-in later (account disabled meanwhile) ends the offline session; its appeals are held, not sent', async () => {
    await cut();
    const w = openWindow();
    expect((await call(w, 'session.login', { username: 'agent01', password: PASSWORD })).ok).toBe(true);
    const saved = await call<TicketCreated>(w, 'tickets.create', appeal('离线期间登记：账号随后被停用'));
    const id = saved.ok ? saved.value.id : '';
    const agent01 = await userId('agent01');
    expect((await center.app.dispatcher.dispatch(admin, 'users.setDisabled', { userId: agent01, disabled: true })).ok).toBe(true);
    proxy.restore();
    await until(() => w.events.some((e) => e.name === 'session.ended'), 30_000);
    expect(w.events.find((e) => e.name === 'session.ended')?.payload).toEqual({ reason: 'offline_refused' });
    expect(w.session).toBeNull();
    expect(await call(w, 'tickets.create', appeal('退出之后再登记：路灯不亮'))).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await centerTickets([id])).toBe(0);
    // The desk no longer lets that password in offline.
    expect(store.verifier('agent01')).toBeNull();
    expect(store.auditLines().at(-1)).toMatchObject({ userId: agent01, action: 'offline.offline_refused', data: { code: 'account_disabled', heldWrites: 1 } });

    // Enabled again and signed in for real: the held appeal is shown with why, still not sent.
    expect((await center.app.dispatcher.dispatch(admin, 'users.setDisabled', { userId: agent01, disabled: false })).ok).toBe(true);
    expect((await call(w, 'session.login', { username: 'agent01', password: PASSWORD })).ok).toBe(true);
    const outbox = await call<OutboxItem[]>(w, 'desk.outbox', {});
    expect(outbox).toMatchObject({ ok: true, value: [{ id, state: 'failed', error: { code: 'offline_session_refused' } }] });
    await new Promise((r) => setTimeout(r, 500));
    expect(await centerTickets([id])).toBe(0);
    const status = await call<{ failed: number }>(w, 'desk.status', {});
    expect(status).toMatchObject({ ok: true, value: { failed: 1 } });
  }, 60_000);
});

describe('what the desk knows of a password is dropped or not trusted', () => {
  it('an admin resetting the password at the center: the desk drops its verifier at once', async () => {
    await until(online, 30_000);
    const w = openWindow();
    expect((await call(w, 'session.login', { username: 'member01', password: PASSWORD })).ok).toBe(true);
    await until(() => store.verifier('member01') !== null);
    const member = await userId('member01');
    expect((await center.app.dispatcher.dispatch(admin, 'users.resetPassword', { userId: member, password: 'Reset-54321' })).ok).toBe(true);
    await until(() => w.events.some((e) => e.name === 'session.ended'));
    expect(store.verifier('member01')).toBeNull();
    await cut();
    const again = openWindow();
    expect(await call(again, 'session.login', { username: 'member01', password: PASSWORD }))
      .toMatchObject({ ok: false, error: { code: 'offline_signin_unavailable', details: { reason: 'offline_unknown_here' } } });
    proxy.restore();
  }, 60_000);

  it('a desk restarted during the outage keeps no password: when the center is back the window must sign in again', async () => {
    await until(online, 30_000);
    await signInOnline('expert01');
    await cut();
    const before = openWindow();
    const r = await call<SignedIn>(before, 'session.login', { username: 'expert01', password: PASSWORD });
    expect(r.ok).toBe(true);
    // The desk program restarts (the same desk.sqlite, nothing in memory); the window reloads with its token.
    forwarder.detach(before.id);
    const restarted = new CenterForwarder(noLocalPhone, { url: `ws://127.0.0.1:${proxy.port}/rpc`, heartbeatMs: 1000, maxRetryMs: 500 }, silentLogger, store);
    try {
      const events: Window['events'] = [];
      const w: Window = { id: 'after-restart', session: null, events, send: (name, payload) => { events.push({ name, payload }); } };
      restarted.attach(w);
      const resumed = await restarted.dispatch(w, 'session.resume', { token: r.ok ? r.value.token : '' });
      expect(resumed).toMatchObject({ ok: true, value: { user: { username: 'expert01' } } });
      proxy.restore();
      await until(() => events.some((e) => e.name === 'session.ended'), 30_000);
      expect(events.find((e) => e.name === 'session.ended')?.payload).toEqual({ reason: 'offline_unconfirmed' });
      expect(w.session).toBeNull();
      // The password itself is still good: an online sign-in works.
      expect((await restarted.dispatch(w, 'session.login', { username: 'expert01', password: PASSWORD })).ok).toBe(true);
    } finally {
      restarted.close();
    }
  }, 60_000);
});

describe('the desk\'s file', () => {
  it('a file of the first desk release is upgraded in place, its outbox kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-desk-v1-'));
    const old = new Database(join(dir, 'desk.sqlite'));
    old.exec(`create table outbox (seq integer primary key autoincrement, id text not null unique, user_id text not null, name text not null, input text not null,
      summary text not null, created_at text not null, state text not null default 'waiting', error text, attempts integer not null default 0);
      create table sessions (token_hash text primary key, user_id text not null, session text not null, seen_at text not null);
      insert into outbox (id, user_id, name, input, summary, created_at) values ('0190f000-0000-7000-8000-000000000001', 'u1', 'tickets.create', '{}', '旧的一件', '2026-01-01T00:00:00.000Z');`);
    old.pragma('user_version = 1');
    old.close();
    const upgraded = DeskStore.open(dir);
    try {
      expect(upgraded.outbox('u1').map((o) => o.summary)).toEqual(['旧的一件']);
      expect(upgraded.verifier('agent01')).toBeNull();
    } finally {
      upgraded.close();
    }
    const db = new Database(join(dir, 'desk.sqlite'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    db.close();
  });
});

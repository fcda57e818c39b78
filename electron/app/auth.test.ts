import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventName, EventPayload, RequestInput, RequestName, Result, SessionInfo, SignedIn } from '../../shared/contract';
import type { Connection } from '../rpc/dispatcher';
import { demoAccounts } from './demo-accounts';
import { DEFAULT_SESSION_POLICY } from '../services/sessions';
import { createTestApp, type TestApp } from '../../test/support/app';
import type * as Passwords from '../services/passwords';

// Counts scrypt verifications, to show every login answer costs the same hash work.
const hashWork = vi.hoisted(() => ({ verifications: 0 }));
vi.mock('../services/passwords', async (importOriginal) => {
  const real = await importOriginal<typeof Passwords>();
  return { ...real, verifyPassword: async (p: string, h: string) => { hashWork.verifications++; return real.verifyPassword(p, h); } };
});

type Sent = { name: EventName; payload: unknown };
interface TestConnection extends Connection { events: Sent[] }

let seq = 0;
function connection(): TestConnection {
  const events: Sent[] = [];
  return { id: `c${++seq}`, session: null, events, send: <E extends EventName>(name: E, payload: EventPayload<E>) => { events.push({ name, payload }); } };
}

let t: TestApp;
let clock: Date;
const call = <N extends RequestName>(c: Connection, name: N, input: RequestInput<N>) => t.app.dispatcher.dispatch(c, name, input);
const errorOf = (r: Result<unknown>) => (r.ok ? 'ok' : r.error.code);
const open = () => { const c = connection(); t.app.dispatcher.attach(c); return c; };
async function signIn(username: string, password: string): Promise<{ c: TestConnection; s: SignedIn }> {
  const c = open();
  const r = await call(c, 'session.login', { username, password });
  if (!r.ok) throw new Error(`login ${username}: ${r.error.code}`);
  return { c, s: r.value as SignedIn };
}
const auditCount = async (action: string) =>
  (await t.app.store.db.selectFrom('audit_events').select('id').where('action', '=', action).execute()).length;

let adminId: string;
let agentId: string;
beforeEach(async () => {
  clock = new Date('2026-03-02T01:00:00Z');
  t = await createTestApp({ now: () => clock, sessions: DEFAULT_SESSION_POLICY });
  adminId = await t.app.users.create({ username: 'root', displayName: '管理员', password: 'Admin-pass1', roles: ['admin'] }, null);
  agentId = await t.app.users.create({ username: 'agent01', displayName: '王晓燕', password: 'Right-pass1', roles: ['agent'] }, null);
});
afterEach(async () => { await t.dispose(); });

describe('lockout under parallel guessing', () => {
  it('500 parallel wrong guesses lock the account once, and the right password is then refused', async () => {
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => call(open(), 'session.login', { username: 'agent01', password: `guess-${i}` })));
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(results.filter((r) => errorOf(r) === 'account_locked').length).toBeGreaterThanOrEqual(495);
    expect(errorOf(await call(open(), 'session.login', { username: 'agent01', password: 'Right-pass1' }))).toBe('account_locked');
    expect(await auditCount('user.locked')).toBe(1);
    // Exactly the five guesses before the lock were counted as wrong passwords; the rest met the lock.
    const failed = await t.app.store.db.selectFrom('audit_events').select('data').where('action', '=', 'session.login_failed').execute();
    expect(failed.filter((f) => f.data.includes('wrong_password'))).toHaveLength(5);
    expect(failed).toHaveLength(501);
  });

  it('does the same hash work for an unknown user, a locked account, a wrong and a right password', async () => {
    const work = async (username: string, password: string) => {
      const before = hashWork.verifications;
      await call(open(), 'session.login', { username, password });
      return hashWork.verifications - before;
    };
    expect(await work('nobody', 'Whatever-1')).toBe(1);
    expect(await work('agent01', 'Wrong-pass1')).toBe(1);
    expect(await work('agent01', 'Right-pass1')).toBe(1);
    for (let i = 0; i < 5; i++) await call(open(), 'session.login', { username: 'agent01', password: 'bad' });
    expect(await work('agent01', 'Right-pass1')).toBe(1);
    expect(await work('agent01', 'Wrong-pass1')).toBe(1);
  });
});

describe('sessions as rows with tokens', () => {
  it('a new connection resumes with the token; logout revokes it and signs out its other connections', async () => {
    const { c, s } = await signIn('agent01', 'Right-pass1');
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await t.app.store.db.selectFrom('sessions').select('token_hash').executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(s.token);

    const reloaded = open();
    const resumed = await call(reloaded, 'session.resume', { token: s.token });
    expect(resumed).toMatchObject({ ok: true, value: { user: { username: 'agent01' }, frames: ['agent_desk', 'outreach'] } });
    expect(errorOf(await call(reloaded, 'tickets.recent', { limit: 5 }))).toBe('ok');

    expect(errorOf(await call(c, 'session.logout', {}))).toBe('ok');
    expect(reloaded.events).toContainEqual({ name: 'session.ended', payload: { reason: 'logout' } });
    expect(errorOf(await call(reloaded, 'tickets.recent', { limit: 5 }))).toBe('unauthenticated');
    const again = await call(open(), 'session.resume', { token: s.token });
    expect(again).toEqual({ ok: false, error: { code: 'session_expired', details: { reason: 'session_logout' } } });
  });

  it('refuses an unknown or expired token with the reason, and ends an idle session in use', async () => {
    expect(await call(open(), 'session.resume', { token: 'x'.repeat(43) })).toMatchObject({ ok: false, error: { code: 'session_expired', details: { reason: 'session_unknown' } } });
    const { c, s } = await signIn('agent01', 'Right-pass1');
    clock = new Date(clock.getTime() + 13 * 3_600_000);
    expect(await call(open(), 'session.resume', { token: s.token })).toMatchObject({ ok: false, error: { code: 'session_expired', details: { reason: 'session_expired' } } });
    expect(errorOf(await call(c, 'tickets.recent', { limit: 5 }))).toBe('unauthenticated');
    expect(c.events).toContainEqual({ name: 'session.ended', payload: { reason: 'expired' } });
  });

  it('keeps a session in use alive past the idle time', async () => {
    const { c, s } = await signIn('agent01', 'Right-pass1');
    for (let h = 0; h < 3; h++) {
      clock = new Date(clock.getTime() + 8 * 3_600_000);
      expect(errorOf(await call(c, 'tickets.recent', { limit: 5 }))).toBe('ok');
    }
    expect(errorOf(await call(open(), 'session.resume', { token: s.token }))).toBe('ok');
  });

  it('a role change refreshes every open session of that user at once', async () => {
    const admin = await signIn('root', 'Admin-pass1');
    const a = await signIn('agent01', 'Right-pass1');
    const b = open();
    await call(b, 'session.resume', { token: a.s.token });
    expect(errorOf(await call(a.c, 'phone.status', {}))).not.toBe('forbidden');
    expect(errorOf(await call(admin.c, 'users.setRoles', { userId: agentId, roles: ['shift_lead'] }))).toBe('ok');
    for (const c of [a.c, b]) {
      const changed = c.events.find((e) => e.name === 'session.changed')?.payload as SessionInfo;
      expect(changed.user.roles).toEqual(['shift_lead']);
      expect(changed.frames).toContain('wallboard');
    }
    expect(errorOf(await call(a.c, 'stats.kpis', { days: 30 }))).toBe('ok');
    // A department account is bound to a department (issue 10.1); a store without reference data gets one here.
    const deptId = (await t.app.store.db.selectFrom('departments').select('id').executeTakeFirst())?.id
      ?? (await t.app.store.db.insertInto('departments').values({ id: 'dept-auth-test', code: 'AUTH01', name: '测试承办单位', kind: 'bureau', district_code: null }).returning('id').executeTakeFirstOrThrow()).id;
    expect(errorOf(await call(admin.c, 'users.setRoles', { userId: agentId, roles: ['department'], departmentId: deptId }))).toBe('ok');
    expect(errorOf(await call(b, 'stats.kpis', { days: 30 }))).toBe('forbidden');
    expect(errorOf(await call(b, 'phone.status', {}))).toBe('forbidden');
    // A reload after the change resumes with the new roles, not the ones at sign-in.
    expect(await call(open(), 'session.resume', { token: a.s.token })).toMatchObject({ ok: true, value: { user: { roles: ['department'] } } });
  });

  it("changing one's password ends the other sessions and keeps this one", async () => {
    const here = await signIn('agent01', 'Right-pass1');
    const elsewhere = await signIn('agent01', 'Right-pass1');
    const r = await call(here.c, 'session.changePassword', { currentPassword: 'Right-pass1', newPassword: 'Newer-pass2' });
    expect(r).toMatchObject({ ok: true, value: { user: { username: 'agent01' }, mustChangePassword: false } });
    expect(elsewhere.c.events).toContainEqual({ name: 'session.ended', payload: { reason: 'password_changed' } });
    expect(errorOf(await call(elsewhere.c, 'tickets.recent', { limit: 5 }))).toBe('unauthenticated');
    expect(await call(open(), 'session.resume', { token: elsewhere.s.token })).toMatchObject({ ok: false, error: { details: { reason: 'session_password_changed' } } });
    expect(errorOf(await call(here.c, 'tickets.recent', { limit: 5 }))).toBe('ok');
    expect(errorOf(await call(open(), 'session.resume', { token: here.s.token }))).toBe('ok');
    expect(errorOf(await call(open(), 'session.login', { username: 'agent01', password: 'Right-pass1' }))).toBe('login_failed');
  });

  it('refuses a new password that is weak or the same as the current one, and changes nothing', async () => {
    const { c } = await signIn('agent01', 'Right-pass1');
    expect(await call(c, 'session.changePassword', { currentPassword: 'Right-pass1', newPassword: 'Right-pass1' }))
      .toMatchObject({ ok: false, error: { code: 'weak_password', details: { reason: 'same_as_current' } } });
    expect(await call(c, 'session.changePassword', { currentPassword: 'Right-pass1', newPassword: 'abcdefgh' }))
      .toMatchObject({ ok: false, error: { code: 'weak_password', details: { reason: 'too_simple' } } });
    expect(await call(c, 'session.changePassword', { currentPassword: 'Wrong-pass1', newPassword: 'Newer-pass2' }))
      .toMatchObject({ ok: false, error: { code: 'login_failed', details: { reason: 'wrong_current_password' } } });
    expect(errorOf(await call(open(), 'session.login', { username: 'agent01', password: 'Right-pass1' }))).toBe('ok');
  });

  it('disabling an account ends its sessions for good', async () => {
    const admin = await signIn('root', 'Admin-pass1');
    const a = await signIn('agent01', 'Right-pass1');
    await call(admin.c, 'users.setDisabled', { userId: agentId, disabled: true });
    expect(a.c.events).toContainEqual({ name: 'session.ended', payload: { reason: 'disabled' } });
    await call(admin.c, 'users.setDisabled', { userId: agentId, disabled: false });
    expect(await call(open(), 'session.resume', { token: a.s.token })).toMatchObject({ ok: false, error: { details: { reason: 'session_disabled' } } });
  });
});

describe('passwords set by an admin', () => {
  it('an admin-created account must change its password before anything else', async () => {
    const admin = await signIn('root', 'Admin-pass1');
    expect(errorOf(await call(admin.c, 'users.create', { username: 'new01', displayName: '孙丽', password: 'Initial-123', roles: ['agent'] }))).toBe('ok');
    const { c, s } = await signIn('new01', 'Initial-123');
    expect(s.mustChangePassword).toBe(true);
    expect(errorOf(await call(c, 'tickets.recent', { limit: 5 }))).toBe('password_change_required');
    expect(errorOf(await call(open(), 'session.resume', { token: s.token }))).toBe('ok');
    const changed = await call(c, 'session.changePassword', { currentPassword: 'Initial-123', newPassword: 'Mine-456789' });
    expect(changed).toMatchObject({ ok: true, value: { mustChangePassword: false } });
    expect(errorOf(await call(c, 'tickets.recent', { limit: 5 }))).toBe('ok');
    expect((await signIn('new01', 'Mine-456789')).s.mustChangePassword).toBe(false);
  });

  it('an admin reset ends every session of the user, unlocks, and forces a change', async () => {
    const admin = await signIn('root', 'Admin-pass1');
    const a = await signIn('agent01', 'Right-pass1');
    for (let i = 0; i < 5; i++) await call(open(), 'session.login', { username: 'agent01', password: 'bad' });
    const r = await call(admin.c, 'users.resetPassword', { userId: agentId, password: 'Reset-12345' });
    expect(r).toMatchObject({ ok: true, value: { username: 'agent01', lockedUntil: null } });
    expect(a.c.events).toContainEqual({ name: 'session.ended', payload: { reason: 'password_reset' } });
    expect(await call(open(), 'session.resume', { token: a.s.token })).toMatchObject({ ok: false, error: { details: { reason: 'session_password_reset' } } });
    const again = await signIn('agent01', 'Reset-12345');
    expect(again.s.mustChangePassword).toBe(true);
    expect(await auditCount('user.password_reset')).toBe(1);
    expect(await call(admin.c, 'users.resetPassword', { userId: agentId, password: 'weak' })).toMatchObject({ ok: false, error: { code: 'weak_password' } });
    expect(await call(admin.c, 'users.resetPassword', { userId: adminId, password: 'Reset-12345' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('the first admin and demo accounts are not asked to change their password', async () => {
    expect((await signIn('root', 'Admin-pass1')).s.mustChangePassword).toBe(false);
  });
});

describe('first-time setup races', () => {
  beforeEach(async () => {
    await t.dispose();
    t = await createTestApp({ now: () => clock });
  });

  it('20 parallel createFirstAdmin calls make exactly one admin', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      call(open(), 'setup.createFirstAdmin', { username: `admin${i}`, displayName: `管理员${i}`, password: 'First-admin1' })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => errorOf(r) === 'setup_already_done')).toHaveLength(19);
    expect(await t.app.users.count()).toBe(1);
  });

  it('setup and demo loading at once: exactly one of them happens', async () => {
    const results = await Promise.all([
      call(open(), 'setup.loadDemoData', {}),
      ...Array.from({ length: 10 }, (_, i) => call(open(), 'setup.createFirstAdmin', { username: `admin${i}`, displayName: '管理员', password: 'First-admin1' })),
      call(open(), 'setup.loadDemoData', {}),
    ]);
    const admins = results.slice(1, 11).filter((r) => r.ok).length;
    const demo = results[0]!.ok;
    const users = await t.app.users.count();
    if (demo) {
      expect(admins).toBe(0);
      expect(users).toBe(demoAccounts.length);
    } else {
      expect(admins).toBe(1);
      expect(users).toBe(1);
      expect(errorOf(results[11]!)).toBe('setup_already_done');
    }
    // Whatever won, setup is over.
    expect(errorOf(await call(open(), 'setup.createFirstAdmin', { username: 'late', displayName: '迟到', password: 'First-admin1' }))).toBe('setup_already_done');
    expect(errorOf(await call(open(), 'setup.loadDemoData', {}))).toBe('setup_already_done');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContractFailure } from '../../shared/contract';
import { createTestApp, type TestApp } from '../../test/support/app';
import { hashPassword, verifyPassword, passwordProblem } from './passwords';

let t: TestApp;
let clock = new Date('2026-03-02T01:00:00Z');
beforeEach(async () => {
  clock = new Date('2026-03-02T01:00:00Z');
  t = await createTestApp({ now: () => clock });
  await t.app.users.create({ username: 'Agent01', displayName: '王晓燕', password: 'Right-pass1', roles: ['agent'] }, null);
});
afterEach(async () => { await t.dispose(); });

const code = async (p: Promise<unknown>) => {
  try { await p; return 'ok'; } catch (e) { return e instanceof ContractFailure ? e.error.code : String(e); }
};
const auditActions = async () => (await t.app.store.db.selectFrom('audit_events').select('action').orderBy('id').execute()).map((r) => r.action);

describe('login', () => {
  it('signs in with the right password, case-insensitive username, and lands on the role frame', async () => {
    const s = await t.app.users.login('agent01', 'Right-pass1');
    expect(s.user).toMatchObject({ username: 'agent01', displayName: '王晓燕', roles: ['agent'] });
    expect(s.frames).toEqual(['agent_desk', 'outreach']);
    expect(await auditActions()).toContain('session.login');
  });

  it('answers an unknown user and a wrong password with the same error', async () => {
    expect(await code(t.app.users.login('agent01', 'Xq7-guess'))).toBe('login_failed');
    expect(await code(t.app.users.login('nobody', 'Xq7-guess'))).toBe('login_failed');
    const failures = await t.app.store.db.selectFrom('audit_events').select('data').where('action', '=', 'session.login_failed').execute();
    expect(failures).toHaveLength(2);
    // The attempted password never reaches the audit trail.
    for (const f of failures) expect(f.data).not.toContain('Xq7-guess');
  });

  it('locks the account after five failures, even against the right password, until the lock ends', async () => {
    for (let i = 0; i < 4; i++) expect(await code(t.app.users.login('agent01', `bad${i}`))).toBe('login_failed');
    expect(await code(t.app.users.login('agent01', 'bad4'))).toBe('account_locked');
    expect(await code(t.app.users.login('agent01', 'Right-pass1'))).toBe('account_locked');
    expect(await auditActions()).toContain('user.locked');
    clock = new Date(clock.getTime() + 16 * 60_000);
    expect(await code(t.app.users.login('agent01', 'Right-pass1'))).toBe('ok');
  });

  it('lets an admin unlock a locked account at once', async () => {
    const adminId = await t.app.users.create({ username: 'root', displayName: '管理员', password: 'Admin-pass1', roles: ['admin'] }, null);
    for (let i = 0; i < 5; i++) await code(t.app.users.login('agent01', 'bad'));
    const agent = (await t.app.users.list()).find((u) => u.username === 'agent01')!;
    expect(agent.lockedUntil).not.toBeNull();
    await t.app.users.unlock(agent.id, adminId);
    expect(await code(t.app.users.login('agent01', 'Right-pass1'))).toBe('ok');
  });

  it('refuses a disabled account and audits it', async () => {
    const adminId = await t.app.users.create({ username: 'root', displayName: '管理员', password: 'Admin-pass1', roles: ['admin'] }, null);
    const agent = (await t.app.users.list()).find((u) => u.username === 'agent01')!;
    await t.app.users.setDisabled(agent.id, true, adminId);
    expect(await code(t.app.users.login('agent01', 'Right-pass1'))).toBe('account_disabled');
    expect(await code(t.app.users.setDisabled(adminId, true, adminId))).toBe('forbidden');
  });

  it('records logout', async () => {
    const s = await t.app.users.login('agent01', 'Right-pass1');
    await t.app.users.logout(s.user.id);
    expect(await auditActions()).toEqual(expect.arrayContaining(['session.login', 'session.logout']));
  });
});

describe('users', () => {
  it('refuses a taken username, whatever its case, and writes nothing', async () => {
    const before = await t.app.users.count();
    expect(await code(t.app.users.create({ username: 'AGENT01', displayName: 'x', password: 'Other-pass1', roles: ['agent'] }, null))).toBe('username_taken');
    expect(await t.app.users.count()).toBe(before);
  });

  it('refuses a weak password with the reason', async () => {
    expect(await code(t.app.users.create({ username: 'new', displayName: 'x', password: 'short', roles: ['agent'] }, null))).toBe('weak_password');
    expect(passwordProblem('abcdefgh')).toBe('too_simple');
    expect(passwordProblem('abcdefg1')).toBeNull();
  });

  it('keeps several roles per user and opens each role frame', async () => {
    const id = await t.app.users.create({ username: 'lead', displayName: '陈班长', password: 'Lead-pass1', roles: ['shift_lead', 'cppcc_member'] }, null);
    const s = await t.app.users.session(id);
    expect(s.user.roles).toEqual(['cppcc_member', 'shift_lead']);
    expect(s.frames).toEqual(['consultation_queue', 'agent_desk', 'proactive', 'outreach', 'wallboard', 'hotspots']);
  });
});

describe('password hashes', () => {
  it('are salted scrypt hashes that verify only the right password', async () => {
    const cost = { N: 1024, r: 8, p: 1 };
    const a = await hashPassword('Same-pass1', cost);
    const b = await hashPassword('Same-pass1', cost);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Same-pass1', a)).toBe(true);
    expect(await verifyPassword('same-pass1', a)).toBe(false);
    expect(await verifyPassword('Same-pass1', 'garbage')).toBe(false);
  });
});

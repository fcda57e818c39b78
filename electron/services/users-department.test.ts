/**
 * Binding department users to their department (issue 10.1): through the contract, as the admin's
 * 新建用户 / 修改角色 dialogs send it. A bad binding is refused with the field and the reason, and
 * changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminUserRow, ContractError, Result, SessionInfo } from '../../shared/contract';
import type { Connection } from '../rpc/dispatcher';
import { createTestApp, type TestApp } from '../../test/support/app';

let t: TestApp;
const admin: Connection = { id: 'admin', session: null, send: () => {} };
let deptA = '';
let deptB = '';

async function call<T>(name: string, input: unknown, c: Connection = admin): Promise<Result<T>> {
  return (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;
}
async function ok<T>(name: string, input: unknown, c: Connection = admin): Promise<T> {
  const r = await call<T>(name, input, c);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
  return r.value;
}
async function refused(name: string, input: unknown): Promise<ContractError> {
  const r = await call(name, input);
  if (r.ok) throw new Error(`${name} should have been refused`);
  return r.error;
}
const userCount = async () => (await t.app.store.db.selectFrom('users').select('id').execute()).length;

beforeAll(async () => {
  t = await createTestApp();
  t.app.dispatcher.attach(admin);
  await ok('setup.createFirstAdmin', { username: 'admin', displayName: '管理员', password: 'Admin-pass-2025' });
  await t.app.store.db.insertInto('departments').values([
    { id: 'dep-a', code: 'JC-ZJ', name: '市住建局', kind: 'bureau', district_code: null },
    { id: 'dep-b', code: 'JC-JT', name: '市交通局', kind: 'bureau', district_code: null },
  ]).execute();
  deptA = 'dep-a';
  deptB = 'dep-b';
});
afterAll(async () => { await t?.dispose(); });

describe('users.create with a department', () => {
  it('creates a department user bound to its department; the list and the session show it', async () => {
    const row = await ok<AdminUserRow>('users.create', { username: 'zj01', displayName: '住建局联络员', password: 'Dept-pass-2025', roles: ['department'], departmentId: deptA });
    expect(row).toMatchObject({ departmentId: deptA, departmentName: '市住建局', roles: ['department'] });
    const me: Connection = { id: 'zj01', session: null, send: () => {} };
    t.app.dispatcher.attach(me);
    const s = await ok<SessionInfo>('session.login', { username: 'zj01', password: 'Dept-pass-2025' }, me);
    expect(s.user.departmentId).toBe(deptA);
  });

  it('refuses a department user without a department, or with one that does not exist, and creates nothing', async () => {
    const before = await userCount();
    expect(await refused('users.create', { username: 'zj02', displayName: '联络员', password: 'Dept-pass-2025', roles: ['department'] }))
      .toMatchObject({ code: 'invalid_input', issues: [{ path: 'departmentId', problem: 'required' }] });
    expect(await refused('users.create', { username: 'zj02', displayName: '联络员', password: 'Dept-pass-2025', roles: ['department'], departmentId: 'no-such' }))
      .toMatchObject({ code: 'invalid_input', issues: [{ path: 'departmentId', problem: 'unknown' }] });
    expect(await refused('users.create', { username: 'ag09', displayName: '话务员', password: 'Agent-pass-2025', roles: ['agent'], departmentId: deptA }))
      .toMatchObject({ code: 'invalid_input', issues: [{ path: 'departmentId', problem: 'department_role_required' }] });
    expect(await userCount()).toBe(before);
  });
});

describe('users.setRoles with a department', () => {
  it('binds, moves and unbinds with the role; a bad department changes nothing', async () => {
    const agent = await ok<AdminUserRow>('users.create', { username: 'ag01', displayName: '话务员', password: 'Agent-pass-2025', roles: ['agent'] });
    expect(agent.departmentId).toBeNull();
    expect(await refused('users.setRoles', { userId: agent.id, roles: ['department'] }))
      .toMatchObject({ issues: [{ path: 'departmentId', problem: 'required' }] });
    expect(await refused('users.setRoles', { userId: agent.id, roles: ['department'], departmentId: 'no-such' }))
      .toMatchObject({ issues: [{ path: 'departmentId', problem: 'unknown' }] });
    const unchanged = (await ok<AdminUserRow[]>('users.list', {})).find((u) => u.id === agent.id)!;
    expect(unchanged).toMatchObject({ roles: ['agent'], departmentId: null });

    expect(await ok<AdminUserRow>('users.setRoles', { userId: agent.id, roles: ['department'], departmentId: deptA })).toMatchObject({ roles: ['department'], departmentId: deptA });
    // Left out, the binding stays; given, it moves.
    expect(await ok<AdminUserRow>('users.setRoles', { userId: agent.id, roles: ['department', 'agent'] })).toMatchObject({ departmentId: deptA });
    expect(await ok<AdminUserRow>('users.setRoles', { userId: agent.id, roles: ['department'], departmentId: deptB })).toMatchObject({ departmentName: '市交通局' });
    // Without the department role the binding goes.
    expect(await ok<AdminUserRow>('users.setRoles', { userId: agent.id, roles: ['agent'] })).toMatchObject({ departmentId: null, departmentName: null });
    const audit = await t.app.store.db.selectFrom('audit_events').select('data').where('action', '=', 'user.roles_changed').where('subject_id', '=', agent.id).execute();
    expect(audit.map((a) => JSON.parse(a.data) as { departmentTo?: string | null }).map((d) => d.departmentTo)).toEqual([deptA, undefined, deptB, null]);
  });
});

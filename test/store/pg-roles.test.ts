/**
 * The database protects itself (issue 11, build 6): the runtime role the console servers use is
 * refused, through plain SQL, everything the schema owner alone may do, and the day's work still
 * runs as it (sign in, register and dispatch a ticket, sessions). PostgreSQL only: SQLite has no roles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sql } from 'kysely';
import type { SessionInfo } from '../../shared/contract';
import { generateReferenceData } from '../../electron/demo';
import { openPostgresStore } from '../../electron/store/postgres';
import { provisionRoles } from '../../electron/store/pg-roles';
import { StoreError } from '../../electron/store/errors';
import { pgConnectionFromEnv } from '../../electron/store/pg-settings';
import { SessionStore } from '../../electron/services/sessions';
import type { Store } from '../../electron/store/sqlite';
import { asRole as as, createDatabaseOn, sqlOutcome as outcome, withClient } from '../support/postgres';
import { buildServices, type Services } from './services';
import { writeReference } from './seed';

const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 7)}`;
const owner = { name: `hl_owner_${suffix}`, password: 'owner-secret-1' };
const runtime = { name: `hl_app_${suffix}`, password: 'runtime-secret-1' };

describe('PostgreSQL roles: owner and runtime', () => {
  let dbUrl: string;
  let runtimeUrl: string;
  let ownerUrl: string;
  let store: Store;
  let s: Services;
  const clock = new Date('2025-09-30T02:00:00Z');
  let agent: SessionInfo;
  let ticketId: string;

  beforeAll(async () => {
    dbUrl = await createDatabaseOn(inject('postgresAdminUrl'));
    await provisionRoles(dbUrl, { owner, runtime });
    runtimeUrl = as(dbUrl, runtime);
    ownerUrl = as(dbUrl, owner);
    store = await openPostgresStore(runtimeUrl, { ownerUrl });
    const ref = generateReferenceData(12345);
    await writeReference(store.db, ref);
    s = await buildServices(store, () => clock);
    const bureau = ref.departments.find((d) => d.kind === 'bureau')!;
    const parents = new Set(ref.categories.map((c) => c.parent_id));
    const leafId = ref.categories.find((c) => !parents.has(c.id))!.id;
    await s.users.create({ username: 'admin', displayName: '管理员', password: 'Hotline-2025!', roles: ['admin'] }, null);
    await s.users.create({ username: 'agent01', displayName: '话务员一', password: 'Hotline-2025!', roles: ['agent'] }, null);
    agent = await s.users.login('agent01', 'Hotline-2025!');
    const created = await s.intake.create({
      channel: 'phone', citizen: { phone: '13800138000', name: '张先生', confidential: false }, appealType: 'complaint', categoryId: leafId,
      urgency: 'normal', title: '小区门口夜间施工噪音', content: '来电人反映小区门口工地每晚十一点后仍在施工。',
    }, agent);
    ticketId = created.id;
    const detail = await s.intake.detail(ticketId, agent, s.workflow);
    await s.workflow.act(ticketId, detail.version, { type: 'dispatch', leadDepartmentId: bureau.id, coDepartmentIds: [], instructions: '请核实后依法处理' }, agent);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('the store talks as the runtime role, and the owner owns every table', async () => {
    expect((await sql<{ u: string }>`select current_user as u`.execute(store.db)).rows[0]!.u).toBe(runtime.name);
    const owners = await withClient(dbUrl, async (c) => (await c.query(`select distinct tableowner as o from pg_tables where schemaname = 'public'`)).rows.map((r) => r.o));
    expect(owners).toEqual([owner.name]);
  });

  it('the day\'s work runs as the runtime role: sign in, wrong password counted, register, dispatch, change password, sessions', async () => {
    await expect(s.users.login('agent01', 'wrong-pass-1')).rejects.toMatchObject({ error: { code: 'login_failed' } });
    const detail = await s.intake.detail(ticketId, agent, s.workflow);
    expect(detail.status).toBe('dispatched');
    expect(detail.timeline.map((e) => e.action)).toEqual(['register', 'dispatch']);
    await s.users.changePassword(agent.user.id, 'Hotline-2025!', 'Hotline-2026!');
    expect((await s.users.login('agent01', 'Hotline-2026!')).user.username).toBe('agent01');
    const sessions = new SessionStore(store.db, () => clock);
    const { id, token } = await sessions.create(agent.user.id);
    expect((await sessions.resume(token)).id).toBe(id);
    await sessions.revoke(id, 'logout');
    await expect(sessions.resume(token)).rejects.toMatchObject({ error: { code: 'session_expired' } });
    expect((await s.users.list()).map((u) => u.username)).toEqual(['admin', 'agent01']);
  });

  it.each([
    ['UPDATE audit_events', `update audit_events set action = 'session.logout'`],
    ['DELETE audit_events', 'delete from audit_events'],
    ['TRUNCATE audit_events', 'truncate audit_events'],
    ['UPDATE ticket_events', `update ticket_events set action = 'register'`],
    ['DELETE ticket_events', 'delete from ticket_events'],
    ['DROP TABLE', 'drop table tickets'],
    ['ALTER TABLE', 'alter table tickets add column note text'],
    ['CREATE TABLE', 'create table extra (id int)'],
    ['SELECT password_hash', 'select password_hash from users'],
    ['SELECT * from users', 'select * from users'],
    ['write schema_migrations', `delete from schema_migrations`],
    ['change the login function', `create or replace function console_password_hash(p_username text) returns text language sql as $$ select 'x' $$`],
  ])('the runtime role may not %s (insufficient privilege)', async (_what, text) => {
    expect(await outcome(runtimeUrl, text)).toBe('42501');
  });

  it('the same statements are the owner\'s to run (the refusals above are about the role, not the SQL)', async () => {
    expect(await outcome(ownerUrl, 'select password_hash from users')).toBe('ok');
    expect(await outcome(ownerUrl, 'begin; delete from ticket_events; rollback')).toBe('ok');
    expect(await outcome(ownerUrl, 'begin; alter table tickets add column note text; rollback')).toBe('ok');
  });

  it('rows of the audit log and the history stay as written; new ones are added', async () => {
    const before = await withClient(dbUrl, async (c) => Number((await c.query('select count(*) as n from audit_events')).rows[0].n));
    expect(await outcome(runtimeUrl, `insert into audit_events (id, at, actor_id, action, subject_type, subject_id, data)
      values ('x1', '2025-09-30T02:00:00Z', null, 'session.logout', 'user', null, '{}')`)).toBe('ok');
    expect(await withClient(dbUrl, async (c) => Number((await c.query('select count(*) as n from audit_events')).rows[0].n))).toBe(before + 1);
  });

  it('the hash is readable only through the login path, one user at a time, and only by the runtime role', async () => {
    const hash = await withClient(runtimeUrl, async (c) => (await c.query(`select console_password_hash('agent01') as h`)).rows[0].h as string);
    expect(hash).toMatch(/^scrypt\$/);
    expect(await outcome(ownerUrl, `select console_password_hash('agent01')`)).toBe('ok');
    const stranger = `hl_other_${suffix}`;
    await withClient(dbUrl, (c) => c.query(`create role ${stranger} login; grant usage on schema public to ${stranger}`));
    expect(await outcome(as(dbUrl, { name: stranger, password: '' }), `select console_password_hash('agent01')`)).toBe('42501');
  });

  it('opens from validated settings (environment): runtime role for the store, owner for migrations', async () => {
    const u = new URL(dbUrl);
    const { url, options } = pgConnectionFromEnv({
      HOTLINE_PG_HOST: u.hostname, HOTLINE_PG_PORT: u.port, HOTLINE_PG_DATABASE: u.pathname.slice(1), HOTLINE_PG_USER: runtime.name,
      HOTLINE_PG_PASSWORD: runtime.password, HOTLINE_PG_OWNER_USER: owner.name, HOTLINE_PG_OWNER_PASSWORD: owner.password, HOTLINE_PG_POOL_SIZE: '2',
    });
    const viaSettings = await openPostgresStore(url, options);
    try {
      expect((await sql<{ u: string }>`select current_user as u`.execute(viaSettings.db)).rows[0]!.u).toBe(runtime.name);
    } finally {
      await viaSettings.close();
    }
  });

  it('the runtime role alone cannot open a store that needs migrating: a clear refusal, nothing written', async () => {
    const fresh = await createDatabaseOn(inject('postgresAdminUrl'));
    await provisionRoles(fresh, { owner, runtime });
    const e = await openPostgresStore(as(fresh, runtime)).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).message).toMatch(/需要升级，而运行角色“hl_app_.*”无权修改表结构。请配置架构所有者的连接/);
    expect(await withClient(fresh, async (c) => (await c.query(`select count(*)::int as n from pg_tables where schemaname = 'public'`)).rows[0].n)).toBe(0);
  });

  it('a table a later migration adds is granted to the runtime role at the next start; the runtime role alone opens a migrated store', async () => {
    await withClient(ownerUrl, (c) => c.query('create table later_table (id text primary key)'));
    expect(await outcome(runtimeUrl, `insert into later_table values ('a')`)).toBe('42501');
    const again = await openPostgresStore(runtimeUrl, { ownerUrl });
    await again.close();
    expect(await outcome(runtimeUrl, `insert into later_table values ('a')`)).toBe('ok');
    const runtimeOnly = await openPostgresStore(runtimeUrl);
    try {
      await expect((await buildServices(runtimeOnly, () => clock)).users.login('admin', 'Hotline-2025!')).resolves.toMatchObject({ user: { username: 'admin' } });
    } finally {
      await runtimeOnly.close();
    }
  });
});

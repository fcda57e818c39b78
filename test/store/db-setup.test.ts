/**
 * `npm run db:setup` (electron/server/db-setup.ts) as an operator runs it: a process of its own,
 * settings from HOTLINE_PG_* and password files, Chinese lines out, exit code. Run twice on a new
 * database, then the runtime role alone does the day's work and still cannot rewrite the audit log.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateReferenceData } from '../../electron/demo';
import { openPostgresStore } from '../../electron/store/postgres';
import { migrations } from '../../electron/store/migrations';
import { asRole as as, createDatabaseOn, sqlOutcome, withClient } from '../support/postgres';
import { buildServices } from './services';
import { writeReference } from './seed';

const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 7)}`;
const owner = { name: `hs_owner_${suffix}`, password: 'owner-secret-2' };
const runtime = { name: `hs_app_${suffix}`, password: 'runtime-secret-2' };
const dir = mkdtempSync(join(tmpdir(), 'db-setup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run { code: number | null; stdout: string; stderr: string }

/** The command from source, with only the HOTLINE_* settings given here (none of the caller's). */
function dbSetup(env: Record<string, string>, args: string[] = []): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOTLINE_') && !k.startsWith('PG')));
  return new Promise((res) => {
    execFile(process.execPath, ['--import', 'tsx', resolve('electron/server/db-setup.ts'), ...args], { env: { ...clean, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => res({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
  });
}

describe('npm run db:setup', () => {
  let dbUrl: string;
  let env: Record<string, string>;
  const runs: Run[] = [];

  beforeAll(async () => {
    dbUrl = await createDatabaseOn(inject('postgresAdminUrl'));
    const u = new URL(dbUrl);
    const ownerPasswordFile = join(dir, 'owner-password');
    writeFileSync(ownerPasswordFile, `${owner.password}\n`);
    env = {
      HOTLINE_PG_HOST: u.hostname, HOTLINE_PG_PORT: u.port, HOTLINE_PG_DATABASE: u.pathname.slice(1),
      HOTLINE_PG_USER: runtime.name, HOTLINE_PG_PASSWORD: runtime.password,
      HOTLINE_PG_OWNER_USER: owner.name, HOTLINE_PG_OWNER_PASSWORD_FILE: ownerPasswordFile,
    };
    runs.push(await dbSetup(env));
    runs.push(await dbSetup(env, ['--admin-user', 'postgres']));
  }, 120_000);

  it('first run creates both roles, migrates as the owner, grants the runtime role, and says so in Chinese', () => {
    const [first] = runs;
    expect(first!.stderr).toBe('');
    expect(first!.code).toBe(0);
    expect(first!.stdout).toContain(`已创建架构所有者“${owner.name}”`);
    expect(first!.stdout).toContain(`已创建运行角色“${runtime.name}”`);
    expect(first!.stdout).toContain(`已由“${owner.name}”将表结构从版本 0 升级到 ${migrations.length}`);
    expect(first!.stdout).toContain(`已授予运行角色“${runtime.name}”读写权限`);
    expect(first!.stdout).toMatch(/完成。\n$/);
  });

  it('a second run is harmless: roles updated, nothing to migrate, the same owner of every table', async () => {
    const second = runs[1]!;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`架构所有者“${owner.name}”已存在：已重设其密码和属性`);
    expect(second.stdout).toContain(`表结构已是最新版本（${migrations.length}），无需升级`);
    expect(second.stdout).not.toContain('已移交');
    await withClient(dbUrl, async (c) => {
      expect((await c.query(`select distinct tableowner as o from pg_tables where schemaname = 'public'`)).rows.map((r) => r.o)).toEqual([owner.name]);
      const roles = (await c.query(`select rolname, rolsuper, rolcreaterole, rolpassword is not null as has_password from pg_authid
        where rolname = any($1) order by rolname`, [[owner.name, runtime.name]])).rows;
      expect(roles).toEqual([
        { rolname: runtime.name, rolsuper: false, rolcreaterole: false, has_password: true },
        { rolname: owner.name, rolsuper: false, rolcreaterole: false, has_password: true },
      ].sort((a, b) => (a.rolname < b.rolname ? -1 : 1)));
      expect(Number((await c.query('select count(*) from schema_migrations')).rows[0].count)).toBe(migrations.length);
    });
  });

  it('then the runtime role alone signs in and registers an appeal, and cannot UPDATE audit_events', async () => {
    const store = await openPostgresStore(as(dbUrl, runtime));
    try {
      const clock = new Date('2025-10-09T01:00:00Z');
      const ref = generateReferenceData(54321);
      await writeReference(store.db, ref);
      const s = await buildServices(store, () => clock);
      await s.users.create({ username: 'agent07', displayName: '话务员七', password: 'Hotline-2025!', roles: ['agent'] }, null);
      const agent = await s.users.login('agent07', 'Hotline-2025!');
      const parents = new Set(ref.categories.map((c) => c.parent_id));
      const created = await s.intake.create({
        channel: 'phone', citizen: { phone: '13900139000', name: '李女士', confidential: false }, appealType: 'consultation',
        categoryId: ref.categories.find((c) => !parents.has(c.id))!.id, urgency: 'normal', title: '咨询社保卡补办', content: '来电人咨询社保卡丢失后如何补办。',
      }, agent);
      expect((await s.intake.detail(created.id, agent, s.workflow)).timeline.map((e) => e.action)).toEqual(['register']);
    } finally {
      await store.close();
    }
    expect(await sqlOutcome(as(dbUrl, runtime), `update audit_events set action = 'session.logout'`)).toBe('42501');
    expect(await withClient(dbUrl, async (c) => Number((await c.query('select count(*) from audit_events')).rows[0].count))).toBeGreaterThan(0);
  });

  it('refuses bad settings with one Chinese sentence and exit code 1, changing nothing', async () => {
    const noOwner = await dbSetup({ ...env, HOTLINE_PG_OWNER_USER: '', HOTLINE_PG_OWNER_PASSWORD_FILE: '' });
    expect(noOwner).toMatchObject({ code: 1, stdout: '' });
    expect(noOwner.stderr).toMatch(/^未配置架构所有者：请设置 HOTLINE_PG_OWNER_USER/);
    const badArg = await dbSetup(env, ['--owner', 'x']);
    expect(badArg.code).toBe(1);
    expect(badArg.stderr).toMatch(/^命令行参数有误/);
    const badPort = await dbSetup({ ...env, HOTLINE_PG_PORT: 'five' });
    expect(badPort).toMatchObject({ code: 1, stderr: 'PostgreSQL 连接设置 HOTLINE_PG_PORT 有误：端口号应为整数\n' });
    const down = await dbSetup({ ...env, HOTLINE_PG_PORT: '1' });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^无法连接 PostgreSQL 数据库 .*:1\//);
    // An admin that is not a superuser: refused by the server, rolled back, said in Chinese.
    const plain = `hs_plain_${suffix}`;
    await withClient(dbUrl, (c) => c.query(`create role ${plain} login`));
    const weak = await dbSetup(env, ['--admin-user', plain]);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(new RegExp(`^管理员角色“${plain}”权限不足.*数据库未作任何改动`));
    expect(await withClient(dbUrl, async (c) => (await c.query(`select nspowner::regrole::text as o from pg_namespace where nspname = 'public'`)).rows[0].o)).toBe(owner.name);
  });
});

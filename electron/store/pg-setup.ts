import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { DB } from './schema';
import { StoreError, connectFailure } from './errors';
import { currentVersion } from './migrate';
import { migrations } from './migrations';
import { provisionRoles } from './pg-roles';
import { checkPostgresDatabase, describePostgresUrl, openPostgresStore, postgresClientConfig, type PostgresOptions } from './postgres';

/** The store a center's servers will open (pg-settings.ts pgConnection) and the superuser that prepares it. */
export interface SetupTarget {
  /** The runtime role's URL (no password), and its options with the owner's URL and password. */
  url: string;
  options: PostgresOptions;
  admin: { user: string; password: string | undefined };
}

const userOf = (url: string) => decodeURIComponent(new URL(url).username);
const withUser = (url: string, user: string) => {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  return u.toString();
};

async function schemaVersion(admin: pg.ClientConfig): Promise<number> {
  const pool = new pg.Pool({ ...admin, max: 1 });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    const t = await sql<{ t: string | null }>`select to_regclass('public.schema_migrations')::text as t`.execute(db);
    return t.rows[0]?.t ? await currentVersion(db) : 0;
  } finally {
    await db.destroy();
  }
}

/**
 * `npm run db:setup`: as the superuser, creates the schema owner and the runtime role (or resets
 * their passwords and attributes), migrates as the owner and grants the runtime role its rights
 * (pg-roles.ts), then opens the store as the runtime role alone to prove it can. Running it again
 * changes nothing but the passwords. Each step is reported to `say` in Chinese.
 */
export async function setupCenterDatabase(t: SetupTarget, say: (line: string) => void): Promise<void> {
  const { ownerUrl, ownerPassword } = t.options;
  if (!ownerUrl || ownerPassword === undefined) {
    throw new StoreError('misconfigured', '未配置架构所有者：请设置 HOTLINE_PG_OWNER_USER 及其密码（HOTLINE_PG_OWNER_PASSWORD 或 HOTLINE_PG_OWNER_PASSWORD_FILE）。');
  }
  if (t.options.password === undefined) throw new StoreError('misconfigured', '未配置运行角色的密码：请设置 HOTLINE_PG_PASSWORD 或 HOTLINE_PG_PASSWORD_FILE。');
  const where = describePostgresUrl(t.url);
  const owner = userOf(ownerUrl);
  const runtime = userOf(t.url);
  if (t.admin.user === owner || t.admin.user === runtime) {
    throw new StoreError('misconfigured', `管理员角色“${t.admin.user}”不能同时是架构所有者或运行角色：请用超级用户（例如 postgres）执行。`);
  }
  const adminUrl = withUser(t.url, t.admin.user);
  // Without a password given, node-postgres takes PGPASSWORD or ~/.pgpass.
  const admin = postgresClientConfig(adminUrl, { password: t.admin.password, ssl: t.options.ssl });
  say(`数据库 ${where}，以管理员“${t.admin.user}”连接。`);
  await checkPostgresDatabase(adminUrl, { ...t.options, password: t.admin.password });

  let done;
  try {
    done = await provisionRoles(admin, { owner: { name: owner, password: ownerPassword }, runtime: { name: runtime, password: t.options.password } });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === '42501') {
      throw new StoreError('misconfigured', `管理员角色“${t.admin.user}”权限不足，无法建立角色或移交 public 架构（${(e as Error).message}）。请用超级用户执行；数据库未作任何改动。`);
    }
    if (!code) throw new StoreError('misconfigured', (e as Error).message);
    throw e;
  }
  const what = (name: string) => (name === owner ? '架构所有者' : '运行角色');
  for (const name of done.created) say(`已创建${what(name)}“${name}”。`);
  for (const name of done.updated) say(`${what(name)}“${name}”已存在：已重设其密码和属性（可登录，非超级用户，不能建库或建角色）。`);
  if (done.adopted > 0) say(`public 架构中原属其他角色的 ${done.adopted} 个表、序列或函数已移交给“${owner}”。`);

  const before = await schemaVersion(admin);
  const store = await openPostgresStore(t.url, { ...t.options, poolSize: 1 });
  await store.close();
  const latest = migrations.length;
  say(before === latest ? `表结构已是最新版本（${latest}），无需升级。` : `已由“${owner}”将表结构从版本 ${before} 升级到 ${latest}。`);
  say(`已授予运行角色“${runtime}”读写权限：审计日志（audit_events）和工单历史（ticket_events）只能追加，不能修改或删除；不能建表、改表或删表；密码摘要只能经 console_password_hash() 读取。`);
  // The runtime role alone, as a server without the owner's settings would open it.
  const check = await openPostgresStore(t.url, { ...t.options, ownerUrl: undefined, ownerPassword: undefined, poolSize: 1 }).catch((e: unknown) => {
    throw e instanceof StoreError ? e : connectFailure(e, where, runtime);
  });
  await check.close();
  say(`已验证：运行角色“${runtime}”可以登录并使用该数据库。完成。`);
}

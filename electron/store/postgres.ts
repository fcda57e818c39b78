import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { DB } from './schema';
import { StoreError, connectFailure } from './errors';
import { MIGRATION_LOCK_KEY, currentVersion, migrate, refuseNewer } from './migrate';
import { ensureLoginPath, grantRuntime } from './pg-roles';
import { migrations } from './migrations';
import type { Store } from './sqlite';

export interface PostgresOptions {
  /** Connections kept by this process. @default 10 */
  poolSize?: number;
  /** A statement running longer is cancelled by the server. @default 30000 */
  statementTimeoutMs?: number;
  /** The password, kept out of the URL (see pg-settings.ts); the URL's own password otherwise. */
  password?: string;
  /** TLS to the server: off, or node's TLS options (require: no verification; verify-full: the center's CA). @default false */
  ssl?: false | { rejectUnauthorized: boolean; ca?: string };
  /**
   * The schema owner's connection (see pg-roles.ts): migrations run there and then grant the
   * runtime role (this URL's user) its rights. Without it, this URL's user migrates (one role).
   */
  ownerUrl?: string;
  ownerPassword?: string;
}

/**
 * What the services read back must be what SQLite gives them: `count(*)`, `sum()` and `bigint`
 * columns are numbers there, and node-postgres returns int8 as a string (it may exceed 2^53). Every
 * int8 this schema holds (counts, search document keys < 2^53) fits a double; a value that does not
 * is an error, never a rounded number. `numeric` (avg, sum of bigint) is read as a double.
 */
const INT8 = pg.types.builtins.INT8;
const NUMERIC = pg.types.builtins.NUMERIC;
const readInt8 = (text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${text} does not fit a JavaScript number`);
  return n;
};
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((id: number, format?: 'text' | 'binary') => {
    if (id === INT8 && format !== 'binary') return readInt8;
    if (id === NUMERIC && format !== 'binary') return Number.parseFloat;
    return pg.types.getTypeParser(id, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

interface DatabaseSettings { encoding: string; collate: string; ctype: string; provider: string | null }

/**
 * Strings must sort by code point as on SQLite (lists ordered by title or number), a ticket-number
 * prefix (LIKE 'JC20250930%') must be an index range scan, and ILIKE must fold ASCII only: that is
 * PostgreSQL's C locale. (C.UTF-8 sorts the same but the planner treats only C/POSIX as C.)
 */
function settingsProblem(d: DatabaseSettings): string | null {
  if (d.encoding !== 'UTF8') return `的编码为 ${d.encoding}`;
  if (d.provider && d.provider !== 'c') return '使用 ICU 排序规则';
  const isC = (v: string) => v === 'C' || v === 'POSIX';
  if (!isC(d.collate) || !isC(d.ctype)) return `的排序规则为 ${d.collate}/${d.ctype}`;
  return null;
}

/** The URL without its password, for messages and logs. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(无效的连接地址)';
  }
}

/** Why a configured store URL cannot be a PostgreSQL address (a sentence for the start-up refusal), or null. */
export function postgresUrlProblem(url: string): string | null {
  if (/^postgres(ql)?:\/\/[^\s]+$/.test(url)) return null;
  return `数据库连接地址无效：应以 postgres:// 开头，例如 postgres://hotline@db.example:5432/hotline（收到 ${describePostgresUrl(url)}）`;
}

/**
 * Where to connect: the URL as is, or, with a password given apart from it (pg-settings.ts keeps it
 * out of the URL), the URL's parts and that password (node-postgres would let the URL's win).
 */
function target(url: string, password: string | undefined): pg.PoolConfig {
  if (password === undefined) return { connectionString: url };
  const u = new URL(url);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(u.port || 5432), database: decodeURIComponent(u.pathname.slice(1)),
    user: decodeURIComponent(u.username), password,
  };
}

/** How a client reaches the database with these options (the store's pools and the event bus alike). */
export function postgresClientConfig(url: string, opts: Pick<PostgresOptions, 'password' | 'ssl'> = {}): pg.ClientConfig {
  return { ...target(url, opts.password), ssl: opts.ssl ?? false };
}

/**
 * The planner settings of the ticket-search pool (pg-search.ts), set once per connection: a search
 * reads the documents from the GIN index or newest-first by key and probes each hit's ticket by id.
 * PostgreSQL does not price reading a tsvector from TOAST and, with ticket filters, chose plans that
 * check `tsv @@` on every document (a sequential scan: district + closed 0.6 s at 50k documents; a merge
 * join over all documents by ticket_id 0.3 s; a hash join 0.28 s), where the nested loop takes 28 ms.
 * Nor parallel workers: starting them cost more than these short reads (62–128 ms with 2 workers,
 * 13–23 ms without). Set per connection, not per search: a transaction and SET LOCAL per search cost
 * three more round trips; no other statement runs on these connections.
 *
 * work_mem 32 MB and no JIT (1M tickets): a term in 15 % of the tickets ("山区", 148,819 hits) built a
 * bitmap that did not fit the default 4 MB, 33,091 heap pages went lossy and 264,947 rows were
 * rechecked against their TOASTed tsvector (2.0 s); and the plan's cost set off JIT compilation on
 * every such search. With both, the same search took 1.3 s instead of 4.4–12 s.
 */
const SEARCH_SESSION = '-c enable_seqscan=off -c enable_mergejoin=off -c enable_hashjoin=off -c max_parallel_workers_per_gather=0 -c work_mem=32MB -c jit=off';

/** Connections of the search pool: a search takes at most two at once (its page and its count). */
const SEARCH_POOL_SIZE = 4;

function makePool(url: string, password: string | undefined, opts: PostgresOptions, max: number, session?: string): pg.Pool {
  const pool = new pg.Pool({
    ...target(url, password),
    ssl: opts.ssl ?? false,
    max,
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    application_name: session ? 'hotline-console-search' : 'hotline-console',
    ...(session ? { options: session } : {}),
    connectionTimeoutMillis: 10_000,
    types: typeParsers,
  });
  // An idle connection dropped by the server (restart, network) must not crash the process; the
  // pool replaces it and the next query reports its own error.
  pool.on('error', () => {});
  // A connection in use that the server drops (restart) also emits 'error' after its query has
  // failed: the query's caller handles that one, and the pool discards the client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** Connects once and checks encoding and collation; a refusal closes the pool and says why. */
async function checkDatabase(pool: pg.Pool, url: string): Promise<void> {
  const where = describePostgresUrl(url);
  let settings: DatabaseSettings;
  try {
    settings = (await pool.query<DatabaseSettings>(`select pg_encoding_to_char(encoding) as encoding, datcollate as collate, datctype as ctype,
      to_jsonb(d) ->> 'datlocprovider' as provider from pg_database d where datname = current_database()`)).rows[0]!;
  } catch (e) {
    await pool.end().catch(() => {});
    throw connectFailure(e, where, userOf(url));
  }
  const problem = settingsProblem(settings);
  if (problem) {
    await pool.end().catch(() => {});
    throw new StoreError('misconfigured', `PostgreSQL 数据库 ${where} ${problem}。坐席台需要 UTF8 编码和 C 排序规则（字符串按码位排序，与单机版一致；工单编号按前缀查找才能走索引）。`
      + `数据库未作任何改动。请这样建库：CREATE DATABASE 库名 TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';`, { where });
  }
}

/** Connects once as `url`'s user and refuses a database of the wrong encoding or collation (checkDatabase). */
export async function checkPostgresDatabase(url: string, opts: PostgresOptions = {}): Promise<void> {
  const pool = makePool(url, opts.password, opts, 1);
  await checkDatabase(pool, url);
  await pool.end();
}

function userOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username);
  } catch {
    return '';
  }
}

/** Migrates as the connected role, then creates the login path and, with a runtime role, grants it its rights. */
async function migrateAndGrant(db: Kysely<DB>, runtimeRole: string | null): Promise<void> {
  await migrate(db, 'postgres', migrations);
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(trx);
    await ensureLoginPath(trx);
    if (runtimeRole) await grantRuntime(trx, runtimeRole);
  });
}

/**
 * A role that may not migrate (the runtime role opened without the owner's URL): the schema must
 * already be at this console's version; one from a newer console is refused as always.
 */
async function upToDate(db: Kysely<DB>): Promise<boolean> {
  const found = await sql<{ t: string | null; f: string | null }>`select to_regclass('schema_migrations')::text as t,
    to_regprocedure('console_password_hash(text)')::text as f`.execute(db);
  if (!found.rows[0]?.t) return false;
  const version = await currentVersion(db);
  if (version > migrations.length) refuseNewer(version, migrations.length);
  return version === migrations.length && found.rows[0].f !== null;
}

/**
 * Opens the center's PostgreSQL store: the same `Store` as the embedded SQLite one, the same
 * numbered migrations (branched on `dialect` where the SQL differs). Two servers starting at once
 * migrate one after the other (see migrate.ts); a schema from a newer console is refused untouched.
 * With `ownerUrl`, migrations run as the schema owner, which then grants this URL's role the
 * runtime rights (pg-roles.ts); the store itself talks as the runtime role.
 */
export async function openPostgresStore(url: string, opts: PostgresOptions = {}): Promise<Store> {
  if (opts.ownerUrl) {
    const runtimeRole = userOf(url);
    if (!runtimeRole) throw new StoreError('misconfigured', `PostgreSQL 连接地址 ${describePostgresUrl(url)} 没有用户名：使用单独的架构所有者时必须指明运行角色。`);
    const ownerPool = makePool(opts.ownerUrl, opts.ownerPassword, opts, 2);
    await checkDatabase(ownerPool, opts.ownerUrl);
    const owner = new Kysely<DB>({ dialect: new PostgresDialect({ pool: ownerPool }) });
    try {
      await migrateAndGrant(owner, runtimeRole);
    } finally {
      await owner.destroy();
    }
  }
  const pool = makePool(url, opts.password, opts, opts.poolSize ?? 10);
  await checkDatabase(pool, url);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (!(await upToDate(db))) {
      if (opts.ownerUrl) throw new StoreError('migration_failed', `PostgreSQL 数据库 ${describePostgresUrl(url)} 升级后版本仍不一致，请检查架构所有者与运行角色是否连接同一个数据库。`);
      const may = await sql<{ c: boolean }>`select has_schema_privilege('public', 'CREATE') as c`.execute(db);
      if (!may.rows[0]?.c) {
        throw new StoreError('misconfigured', `PostgreSQL 数据库 ${describePostgresUrl(url)} 需要升级，而运行角色“${userOf(url)}”无权修改表结构。`
          + '请配置架构所有者的连接（HOTLINE_PG_OWNER_USER 与其密码）后再启动，由它完成升级。数据库未作任何改动。', { where: describePostgresUrl(url) });
      }
      await migrateAndGrant(db, null);
    }
  } catch (e) {
    await db.destroy();
    throw e;
  }
  const searchPool = makePool(url, opts.password, opts, SEARCH_POOL_SIZE, SEARCH_SESSION);
  let closing: Promise<void> | null = null;
  return {
    db, dialect: 'postgres', sqlite: null, searchPool,
    // Closing twice (a restart in a test, then its teardown) closes once: pg refuses a second end().
    close: () => (closing ??= (async () => {
      await db.destroy();
      await searchPool.end();
    })()),
  };
}

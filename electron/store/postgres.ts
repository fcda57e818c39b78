import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { DB } from './schema';
import { StoreError } from './errors';
import { migrate } from './migrate';
import { migrations } from './migrations';
import type { Store } from './sqlite';

export interface PostgresOptions {
  /** Connections kept by this process. @default 10 */
  poolSize?: number;
  /** A statement running longer is cancelled by the server. @default 30000 */
  statementTimeoutMs?: number;
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

/**
 * Opens the center's PostgreSQL store: the same `Store` as the embedded SQLite one, the same
 * numbered migrations (branched on `dialect` where the SQL differs). Two servers starting at once
 * migrate one after the other (see migrate.ts); a schema from a newer console is refused untouched.
 */
export async function openPostgresStore(url: string, opts: PostgresOptions = {}): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    application_name: 'hotline-console',
    connectionTimeoutMillis: 10_000,
    types: typeParsers,
  });
  // An idle connection dropped by the server (restart, network) must not crash the process; the
  // pool replaces it and the next query reports its own error.
  pool.on('error', () => {});
  const where = describePostgresUrl(url);
  let settings: DatabaseSettings;
  try {
    settings = (await pool.query<DatabaseSettings>(`select pg_encoding_to_char(encoding) as encoding, datcollate as collate, datctype as ctype,
      to_jsonb(d) ->> 'datlocprovider' as provider from pg_database d where datname = current_database()`)).rows[0]!;
  } catch (e) {
    await pool.end().catch(() => {});
    throw new StoreError('unreachable', `无法连接 PostgreSQL 数据库 ${where}：${(e as Error).message}`, { where });
  }
  const problem = settingsProblem(settings);
  if (problem) {
    await pool.end().catch(() => {});
    throw new StoreError('misconfigured', `PostgreSQL 数据库 ${where} ${problem}。坐席台需要 UTF8 编码和 C 排序规则（字符串按码位排序，与单机版一致；工单编号按前缀查找才能走索引）。`
      + `数据库未作任何改动。请这样建库：CREATE DATABASE 库名 TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';`, { where });
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db, 'postgres', migrations);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return { db, dialect: 'postgres', sqlite: null, close: () => db.destroy() };
}

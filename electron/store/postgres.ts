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
  try {
    const client = await pool.connect();
    client.release();
  } catch (e) {
    await pool.end().catch(() => {});
    throw new StoreError('unreachable', `无法连接 PostgreSQL 数据库 ${where}：${(e as Error).message}`, { where });
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

import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../schema';

/**
 * What every repository function takes: the store's Kysely instance or a transaction on it.
 * Services hold one and pass it on; they never build SQL themselves.
 */
export type Db = Kysely<DB> | Transaction<DB>;

/** A transaction, as handed to the body of `inTransaction`. */
export type Trx = Transaction<DB>;

/**
 * Runs `fn` in one transaction: a new one on the store, or the caller's when `db` already is one
 * (Kysely does not nest them). Everything written through `trx` commits or rolls back together.
 */
export function inTransaction<T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as Trx) : db.transaction().execute(fn);
}

/** Whether a write failed on a unique constraint (SQLite or PostgreSQL). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** How many rows a table holds (overview counters). */
export async function countRows(db: Db, table: 'tickets' | 'citizens' | 'departments' | 'users'): Promise<number> {
  const r = await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

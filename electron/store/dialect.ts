import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';
import type { Dialect } from './migrations/types';
import type { DB } from './schema';

/**
 * The few places SQL differs between SQLite and PostgreSQL, in one file. Services build queries
 * with Kysely and call these for the dialect-specific fragment.
 */
export function jsonText(dialect: Dialect, column: string, key: string): RawBuilder<string | null> {
  if (!/^[a-z_.]+$/i.test(column) || !/^[a-zA-Z_]+$/.test(key)) throw new Error('jsonText: unsafe identifier');
  return dialect === 'sqlite' ? sql<string | null>`json_extract(${sql.ref(column)}, ${`$.${key}`})` : sql<string | null>`(${sql.ref(column)}::json ->> ${key})`;
}

/** A condition on a boolean stored in a JSON text column (SQLite reads JSON true as 1). */
export function jsonFlag(dialect: Dialect, column: string, key: string, value: boolean): RawBuilder<boolean> {
  const field = jsonText(dialect, column, key);
  return dialect === 'sqlite' ? sql<boolean>`${field} = ${sql.lit(value ? 1 : 0)}` : sql<boolean>`${field} = ${sql.lit(value ? 'true' : 'false')}`;
}

/**
 * The dialect a Kysely instance or transaction talks to, for the few helpers that are handed a
 * `db` and no Store (the search indexer inside intake and import transactions).
 */
export function dialectOf(db: Kysely<DB>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * `column` contains `term`, taken literally (% _ \ are no wildcards) and ignoring ASCII case, with
 * the same answers on both stores: SQLite's LIKE folds ASCII case but has no escape character
 * unless given one; PostgreSQL's LIKE escapes with \ but is case-sensitive, and its ILIKE folds
 * ASCII only under the C collation the center's database is created with.
 */
export function containsText(db: Kysely<DB>, column: string, term: string): RawBuilder<boolean> {
  const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const op = dialectOf(db) === 'postgres' ? sql`ilike` : sql`like`;
  return sql<boolean>`${sql.ref(column)} ${op} ${pattern} escape '\\'`;
}

/**
 * Text PostgreSQL cannot store (a NUL character, bytes that are not UTF-8), which SQLite takes as
 * it is: SQLSTATE 22021 / 22P05. The statement failed and its transaction rolled back, so the
 * request is refused as bad input rather than reported as a fault.
 */
export function isUnstorableText(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}

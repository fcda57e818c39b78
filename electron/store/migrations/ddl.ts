import { sql, type Kysely, type CreateTableBuilder } from 'kysely';
import type { DB } from '../schema';
import type { Dialect } from './types';

/** SQLite tables are STRICT so a wrong type is an error, not a silent coercion. */
export function strict<T extends string, C extends string>(builder: CreateTableBuilder<T, C>, dialect: Dialect) {
  return dialect === 'sqlite' ? builder.modifyEnd(sql`strict`) : builder;
}

export async function createIndex(db: Kysely<DB>, name: string, table: string, columns: string[], unique = false) {
  let b = db.schema.createIndex(name).on(table).columns(columns);
  if (unique) b = b.unique();
  await b.execute();
}

/** A double: SQLite's REAL is 8 bytes, PostgreSQL's `real` only 4 (a coordinate would lose its sixth decimal). */
export const doubleType = (dialect: Dialect) => (dialect === 'sqlite' ? 'real' : 'double precision');

/** Bytes: SQLite BLOB, PostgreSQL bytea (there is no `blob` type). */
export const bytesType = (dialect: Dialect) => (dialect === 'sqlite' ? 'blob' : 'bytea');

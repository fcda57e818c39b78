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

import type { Db } from './db';

/** The `meta` key/value table: small pieces of state the console keeps under a key. */

export async function readMeta(db: Db, key: string): Promise<string | null> {
  return (await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst())?.value ?? null;
}

/** Sets a key's value, creating the key if needed. */
export async function writeMeta(db: Db, key: string, value: string): Promise<void> {
  await db.insertInto('meta').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

export async function deleteMeta(db: Db, key: string): Promise<void> {
  await db.deleteFrom('meta').where('key', '=', key).execute();
}

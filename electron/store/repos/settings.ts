import type { Db } from './db';

/** Per-scope preferences (`settings`): one row per key, the value as JSON text. */

export async function settingRows(db: Db, scope: string): Promise<{ key: string; value: string }[]> {
  return db.selectFrom('settings').select(['key', 'value']).where('scope', '=', scope).execute();
}

/** Sets these keys of a scope, each value already JSON text; other keys stay. */
export async function upsertSettings(db: Db, scope: string, entries: readonly { key: string; value: string }[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insertInto('settings').values(entries.map((e) => ({ scope, key: e.key, value: e.value })))
    .onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
    .execute();
}

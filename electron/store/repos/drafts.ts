import type { Db } from './db';

/** Drops a user's saved form draft (e.g. once the form it holds is submitted). */
export async function deleteDraft(db: Db, userId: string, key: string): Promise<void> {
  await db.deleteFrom('drafts').where('user_id', '=', userId).where('key', '=', key).execute();
}

export async function readDraft(db: Db, userId: string, key: string) {
  return db.selectFrom('drafts').select(['key', 'data', 'saved_at']).where('user_id', '=', userId).where('key', '=', key).executeTakeFirst();
}

/** Writes a user's draft under a key, replacing what was saved there. */
export async function upsertDraft(db: Db, row: { userId: string; key: string; data: string; savedAt: string }): Promise<void> {
  await db.insertInto('drafts').values({ user_id: row.userId, key: row.key, data: row.data, saved_at: row.savedAt })
    .onConflict((oc) => oc.columns(['user_id', 'key']).doUpdateSet({ data: row.data, saved_at: row.savedAt })).execute();
}

import type { Db } from './db';

/** The citizens aggregate: one row per phone number that called. */

/**
 * The citizen with this phone number: created with `newId` when there is none, and renamed when a
 * name is given. Returns the citizen's id.
 */
export async function upsertCitizenByPhone(db: Db, c: { phone: string; name: string | null; newId: string; at: string }): Promise<string> {
  const found = await db.selectFrom('citizens').select('id').where('phone', '=', c.phone).executeTakeFirst();
  if (!found) {
    await db.insertInto('citizens').values({ id: c.newId, phone: c.phone, name: c.name, created_at: c.at }).execute();
    return c.newId;
  }
  if (c.name) await db.updateTable('citizens').set({ name: c.name }).where('id', '=', found.id).execute();
  return found.id;
}

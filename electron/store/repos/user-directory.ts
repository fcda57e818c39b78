import type { Db } from './db';

/** Who is who, for showing names beside ids (not accounts, roles or passwords). */

export async function userDisplayNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('users').select(['id', 'display_name']).execute();
  return new Map(rows.map((u) => [u.id, u.display_name]));
}

export async function userDisplayName(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom('users').select('display_name').where('id', '=', id).executeTakeFirst())?.display_name;
}

/** Ids of the users with these usernames. */
export async function userIdsByUsername(db: Db, usernames: readonly string[]): Promise<Set<string>> {
  if (usernames.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('id').where('username', 'in', [...usernames]).execute();
  return new Set(rows.map((u) => u.id));
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema';
import { dialectOf } from '../dialect';

/**
 * What the composition root reads and writes while it sets a store up (first-time setup, the demo
 * load): nothing here belongs to a service.
 */

/** Key of the PostgreSQL advisory lock held while a process sets the store up (migrate.ts holds 12345_0001). */
export const SETUP_LOCK_KEY = 12345_0002;

/**
 * Runs `work` while holding the store's setup lock: on PostgreSQL a session advisory lock on a
 * connection of its own, so that of two servers starting at once on an empty database one loads
 * the demo and the other waits, then finds it loaded. SQLite: one process per data folder
 * (data-dir.ts locks it), nothing to take.
 */
export async function withSetupLock<T>(db: Kysely<DB>, work: () => Promise<T>): Promise<T> {
  if (dialectOf(db) !== 'postgres') return work();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${sql.lit(SETUP_LOCK_KEY)})`.execute(conn);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(SETUP_LOCK_KEY)})`.execute(conn);
    }
  });
}

/** Is there any department yet (an empty store gets the demo reference data)? */
export async function hasDepartments(db: Kysely<DB>): Promise<boolean> {
  return (await db.selectFrom('departments').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** Bureau ids in code order (the first is the fallback binding of demo department accounts). */
export async function bureauIds(db: Kysely<DB>): Promise<string[]> {
  return (await db.selectFrom('departments').select('id').where('kind', '=', 'bureau').orderBy('code').execute()).map((d) => d.id);
}

/** The id of the department with this code, or null. */
export async function departmentIdByCode(db: Kysely<DB>, code: string): Promise<string | null> {
  return (await db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirst())?.id ?? null;
}

/** The id of the user with this user name, or null. */
export async function userIdByUsername(db: Kysely<DB>, username: string): Promise<string | null> {
  return (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst())?.id ?? null;
}

/**
 * Drops a setup claim left by a demo load that never finished (a process killed mid-way), so the
 * store can still be set up. Call only with no accounts and under the setup lock.
 */
export async function dropStaleDemoClaim(db: Kysely<DB>, claimKey: string): Promise<void> {
  await db.deleteFrom('meta').where('key', '=', claimKey).where('value', 'like', 'demo:%').execute();
}

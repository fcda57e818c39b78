import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB, SessionsTable } from '../schema';

/** Sign-in session rows (electron/services/sessions.ts holds the policy, this the SQL). */
type Db = Kysely<DB> | Transaction<DB>;

/** Deletes rows that ended before `before` (kept until then so a late resume can say why). */
export async function pruneSessions(db: Db, before: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', before).execute();
}

export async function insertSession(db: Db, row: Insertable<SessionsTable>): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function sessionByTokenHash(db: Db, tokenHash: string) {
  return db.selectFrom('sessions').select(['id', 'revoked_reason', 'revoked_at', 'expires_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function sessionCreatedAt(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom('sessions').select('created_at').where('id', '=', id).executeTakeFirst())?.created_at;
}

/** Marks a live session used; one conditional UPDATE, so a revocation at the same moment is never undone. */
export async function touchSession(db: Db, id: string, nowIso: string, expiresAt: string) {
  return db.updateTable('sessions').set({ last_seen_at: nowIso, expires_at: expiresAt })
    .where('id', '=', id).where('revoked_at', 'is', null).where('expires_at', '>', nowIso)
    .returning(['id', 'user_id']).executeTakeFirst();
}

export async function revokeSession(db: Db, id: string, reason: string, nowIso: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: nowIso, revoked_reason: reason }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** Revokes a user's live sessions except one; the ids revoked. */
export async function revokeUserSessions(db: Db, userId: string, reason: string, nowIso: string, exceptId: string | null): Promise<string[]> {
  let q = db.updateTable('sessions').set({ revoked_at: nowIso, revoked_reason: reason }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return (await q.returning('id').execute()).map((r) => r.id);
}

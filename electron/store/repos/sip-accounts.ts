import type { Insertable } from 'kysely';
import type { SipAccountsTable } from '../schema';
import type { Db } from './db';

/** Each user's SIP account (one per user), with its secret encrypted by the caller. */

export async function sipAccount(db: Db, userId: string) {
  return db.selectFrom('sip_accounts').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** The encrypted secret of a user's account, or null when the user has none. */
export async function sipSecret(db: Db, userId: string): Promise<string | null> {
  return (await db.selectFrom('sip_accounts').select('secret_enc').where('user_id', '=', userId).executeTakeFirst())?.secret_enc ?? null;
}

export async function upsertSipAccount(db: Db, userId: string, row: Omit<Insertable<SipAccountsTable>, 'user_id'>): Promise<void> {
  await db.insertInto('sip_accounts').values({ user_id: userId, ...row }).onConflict((oc) => oc.column('user_id').doUpdateSet(row)).execute();
}

/** The SIP addresses of those of these users who have an account. */
export async function sipAddresses(db: Db, userIds: readonly string[]) {
  return db.selectFrom('sip_accounts').select(['user_id', 'aor']).where('user_id', 'in', [...userIds]).execute();
}

/** Whether a user exists, to give a SIP account to. */
export async function sipAccountUserExists(db: Db, userId: string): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()) !== undefined;
}

export async function deleteSipAccount(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('sip_accounts').where('user_id', '=', userId).execute();
}

import { sql, type ExpressionBuilder, type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { DB, UsersTable } from '../schema';
import { dialectOf } from '../dialect';

/**
 * Accounts, roles and the setup claim: the SQL of electron/services/users.ts and sessions.ts lives
 * here. On PostgreSQL the runtime role cannot select `users.password_hash` (pg-roles.ts): the two
 * reads of a hash go through `console_password_hash(username)`; SQLite reads the column.
 */
type Db = Kysely<DB> | Transaction<DB>;

/** What a user row shows outside the login path: every column but the hash. */
const PUBLIC_COLUMNS = ['id', 'username', 'display_name', 'department_id', 'disabled', 'failed_attempts', 'locked_until',
  'last_login_at', 'created_at', 'updated_at', 'must_change_password'] as const;

/** The meta row whose insertion claims first-time setup. */
export const SETUP_CLAIM_KEY = 'setup.claimed';

/** True when this call inserted the one setup claim row (the unique key decides across transactions). */
export async function insertSetupClaim(db: Db, by: string): Promise<boolean> {
  const row = await db.insertInto('meta').values({ key: SETUP_CLAIM_KEY, value: by })
    .onConflict((oc) => oc.column('key').doNothing()).returning('key').executeTakeFirst();
  return row !== undefined;
}

export async function deleteSetupClaim(db: Db, by: string): Promise<void> {
  await db.deleteFrom('meta').where('key', '=', SETUP_CLAIM_KEY).where('value', '=', by).execute();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function userById(db: Db, id: string) {
  return db.selectFrom('users').select(PUBLIC_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function userIdByUsername(db: Db, username: string): Promise<string | undefined> {
  return (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst())?.id;
}

export async function roleNamesOf(db: Db, userId: string): Promise<string[]> {
  return (await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute()).map((r) => r.role);
}

export async function allUserRoles(db: Db): Promise<{ user_id: string; role: string }[]> {
  return db.selectFrom('user_roles').select(['user_id', 'role']).execute();
}

export async function departmentExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('departments').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** Every user with the name of their department, by user name. */
export async function listUsers(db: Db) {
  return db.selectFrom('users as u').leftJoin('departments as d', 'd.id', 'u.department_id')
    .select(PUBLIC_COLUMNS.map((c) => `u.${c}` as const)).select('d.name as department_name').orderBy('u.username').execute();
}

export async function insertUser(db: Db, row: Insertable<UsersTable>, roles: readonly string[]): Promise<void> {
  await db.insertInto('users').values(row).execute();
  await db.insertInto('user_roles').values(roles.map((role) => ({ user_id: row.id, role }))).execute();
}

export async function replaceRoles(db: Db, userId: string, roles: readonly string[]): Promise<void> {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  await db.insertInto('user_roles').values(roles.map((role) => ({ user_id: userId, role }))).execute();
}

export type UserChange = Pick<Updateable<UsersTable>, 'password_hash' | 'must_change_password' | 'failed_attempts' | 'locked_until' | 'department_id' | 'disabled'>;

export async function updateUser(db: Db, userId: string, change: UserChange, at: string): Promise<void> {
  await db.updateTable('users').set({ ...change, updated_at: at }).where('id', '=', userId).execute();
}

/**
 * The login path: id, disabled flag and stored hash of a user name. On PostgreSQL the hash comes
 * from the SECURITY DEFINER function, the only way the runtime role can read one.
 */
export async function loginRecord(db: Db, username: string): Promise<{ id: string; disabled: number; password_hash: string } | undefined> {
  if (dialectOf(db) === 'postgres') {
    const row = await db.selectFrom('users').select(['id', 'disabled', sql<string>`console_password_hash(username)`.as('password_hash')])
      .where('username', '=', username).executeTakeFirst();
    return row;
  }
  return db.selectFrom('users').select(['id', 'disabled', 'password_hash']).where('username', '=', username).executeTakeFirst();
}

/** A user's stored hash by id (changing one's own password checks the current one), through the same path. */
export async function passwordHashOf(db: Db, userId: string): Promise<string | undefined> {
  const u = await db.selectFrom('users').select('username').where('id', '=', userId).executeTakeFirst();
  return u ? (await loginRecord(db, u.username))?.password_hash : undefined;
}

export async function lockedUntilOf(db: Db, userId: string): Promise<string | null> {
  return (await db.selectFrom('users').select('locked_until').where('id', '=', userId).executeTakeFirst())?.locked_until ?? null;
}

const notLocked = (nowIso: string) => (eb: ExpressionBuilder<DB, 'users'>) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowIso)]);

/**
 * Counts one failed attempt in one atomic UPDATE (parallel guesses each count, exactly one locks):
 * at `max` failures the count restarts and the account is locked until `lockUntil`. Undefined when
 * the account is locked already (attempts against a lock are not counted).
 */
export async function countFailedAttempt(db: Db, userId: string, nowIso: string, max: number, lockUntil: string) {
  const reaches = sql<boolean>`failed_attempts + 1 >= ${max}`;
  return db.updateTable('users').set({
    failed_attempts: sql<number>`case when ${reaches} then 0 else failed_attempts + 1 end`,
    locked_until: sql<string | null>`case when ${reaches} then ${lockUntil} else locked_until end`,
    updated_at: nowIso,
  }).where('id', '=', userId).where(notLocked(nowIso)).returning(['failed_attempts', 'locked_until']).executeTakeFirst();
}

/** Clears the failure count of a sign-in, in the statement that checks the lock; false when locked. */
export async function recordSignIn(db: Db, userId: string, nowIso: string): Promise<boolean> {
  const row = await db.updateTable('users').set({ failed_attempts: 0, locked_until: null, last_login_at: nowIso })
    .where('id', '=', userId).where(notLocked(nowIso)).returning('id').executeTakeFirst();
  return row !== undefined;
}

/**
 * A center's user mirrored into a desk's own store (for the rows this seat keeps: its SIP account,
 * agent states, call log). Its password hash is no hash at all, so it can never sign in locally,
 * and its user name is marked so as not to meet a local account's.
 */
export async function upsertMirroredUser(db: Db, user: { id: string; displayName: string; roles: readonly string[] }, at: string): Promise<void> {
  const row = { display_name: user.displayName, updated_at: at };
  await db.insertInto('users').values({
    id: user.id, username: `center:${user.id}`, display_name: user.displayName, password_hash: '!', department_id: null, disabled: 1,
    failed_attempts: 0, locked_until: null, last_login_at: null, created_at: at, updated_at: at,
  }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
  await replaceRoles(db, user.id, user.roles);
}

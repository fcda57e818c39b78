import type { Kysely, Transaction } from 'kysely';
import { fail, framesFor, roles as allRoles, type AdminUserRow, type Role, type SessionInfo, type UserInfo } from '../../shared/contract';
import type { DB } from '../store/schema';
import { uuidv7 } from '../util/ids';
import {
  allUserRoles, countFailedAttempt, countUsers, deleteSetupClaim, departmentExists, insertSetupClaim, insertUser, listUsers, lockedUntilOf,
  loginRecord, passwordHashOf, recordSignIn, replaceRoles, roleNamesOf, updateUser, userById, userIdByUsername,
} from '../store/repos/users';
import { writeAudit } from './audit';

export { SETUP_CLAIM_KEY } from '../store/repos/users';
import { DEFAULT_COST, hashPassword, passwordProblem, verifyPassword, type ScryptCost } from './passwords';

export interface LockoutPolicy {
  /** Consecutive failures that lock the account. @default 5 */
  maxFailures: number;
  /** How long a lock lasts. @default 15 minutes */
  lockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 15 * 60_000 };

export interface UserServiceOptions {
  lockout?: LockoutPolicy;
  cost?: ScryptCost;
  now?: () => Date;
}

/**
 * First-time setup happens once: whoever inserts the claim row first (creating the first admin, or
 * loading demo data) wins; everyone after gets setup_already_done. The unique key makes this hold
 * across concurrent transactions on SQLite and PostgreSQL alike.
 */
export async function claimSetup(db: Kysely<DB> | Transaction<DB>, by: string): Promise<void> {
  if (!(await insertSetupClaim(db, by))) fail('setup_already_done');
}

/** Gives the claim back after a demo load that failed, so setup can be tried again. */
export async function releaseSetupClaim(db: Kysely<DB>, by: string): Promise<void> {
  await deleteSetupClaim(db, by);
}

const isRole = (r: string): r is Role => (allRoles as readonly string[]).includes(r);

export class UserService {
  private readonly lockout: LockoutPolicy;
  private readonly cost: ScryptCost;
  private readonly now: () => Date;
  /** Hash compared against when the user does not exist, so both cases take the same time. */
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly db: Kysely<DB>, opts: UserServiceOptions = {}) {
    this.lockout = opts.lockout ?? DEFAULT_LOCKOUT;
    this.cost = opts.cost ?? DEFAULT_COST;
    this.now = opts.now ?? (() => new Date());
  }

  async count(): Promise<number> {
    return countUsers(this.db);
  }

  private async rolesOf(userId: string): Promise<Role[]> {
    const set = new Set((await roleNamesOf(this.db, userId)).filter(isRole));
    return allRoles.filter((r) => set.has(r));
  }

  async info(userId: string): Promise<UserInfo> {
    const u = await userById(this.db, userId);
    if (!u) fail('not_found');
    return { id: u.id, username: u.username, displayName: u.display_name, roles: await this.rolesOf(u.id), departmentId: u.department_id };
  }

  async session(userId: string): Promise<SessionInfo> {
    const user = await this.info(userId);
    const flags = await userById(this.db, userId);
    return { user, frames: framesFor(user.roles), mustChangePassword: flags?.must_change_password === 1 };
  }

  /**
   * The department binding a set of roles needs: a department user works for exactly one existing
   * department; other roles carry none. `allowUnbound` lets the system (demo data without
   * departments) create a department account that is not bound yet; its desk says so.
   */
  private async departmentBinding(roles: readonly Role[], departmentId: string | null, allowUnbound = false): Promise<string | null> {
    if (!roles.includes('department')) {
      if (departmentId) fail('invalid_input', { issues: [{ path: 'departmentId', problem: 'department_role_required' }] });
      return null;
    }
    if (!departmentId) {
      if (allowUnbound) return null;
      fail('invalid_input', { issues: [{ path: 'departmentId', problem: 'required' }] });
    }
    if (!(await departmentExists(this.db, departmentId))) fail('invalid_input', { issues: [{ path: 'departmentId', problem: 'unknown' }] });
    return departmentId;
  }

  /** Creates a user; `actorId` null means the system (first run, demo data). */
  async create(input: { username: string; displayName: string; password: string; roles: Role[]; departmentId?: string | null },
    actorId: string | null, opts: { skipStrength?: boolean; claimSetup?: string } = {}): Promise<string> {
    const departmentId = await this.departmentBinding(input.roles, input.departmentId ?? null, actorId === null);
    if (!opts.skipStrength) {
      const problem = passwordProblem(input.password);
      if (problem) fail('weak_password', { details: { reason: problem } });
    }
    const username = input.username.toLowerCase();
    const hash = await hashPassword(input.password, this.cost);
    const at = this.now();
    const id = uuidv7(at.getTime());
    await this.db.transaction().execute(async (trx) => {
      if (opts.claimSetup) await claimSetup(trx, opts.claimSetup);
      if (await userIdByUsername(trx, username)) fail('username_taken', { issues: [{ path: 'username', problem: 'taken' }] });
      const uniq = [...new Set(input.roles)];
      await insertUser(trx, {
        id, username, display_name: input.displayName, password_hash: hash, department_id: departmentId,
        disabled: 0, failed_attempts: 0, locked_until: null, last_login_at: null, created_at: at.toISOString(), updated_at: at.toISOString(),
        // A password an admin chose is known to the admin: the user replaces it at the first sign-in.
        must_change_password: actorId ? 1 : 0,
      }, uniq);
      await writeAudit(trx, { actorId, action: 'user.created', subjectType: 'user', subjectId: id, data: { username, roles: uniq, departmentId } }, at);
    });
    return id;
  }

  /**
   * Checks credentials. An unknown user, a locked account and a wrong password cost the same hash
   * work, so timing tells nothing; every attempt is audited. Failures are counted by one atomic
   * UPDATE, so parallel guesses each count and exactly one of them locks the account.
   */
  async login(usernameRaw: string, password: string): Promise<SessionInfo> {
    const username = usernameRaw.trim().toLowerCase();
    const at = this.now();
    const nowIso = at.toISOString();
    this.dummyHash ??= hashPassword('not-a-password', this.cost);
    const dummy = await this.dummyHash;
    const u = await loginRecord(this.db, username);
    const good = await verifyPassword(password, u?.password_hash ?? dummy);
    if (!u) {
      await writeAudit(this.db, { actorId: null, action: 'session.login_failed', subjectType: 'user', data: { username, reason: 'unknown_user' } }, at);
      fail('login_failed');
    }
    const lockedFail = async (): Promise<never> => {
      const lockedUntil = await lockedUntilOf(this.db, u.id);
      await writeAudit(this.db, { actorId: null, action: 'session.login_failed', subjectType: 'user', subjectId: u.id, data: { reason: 'locked' } }, at);
      const until = lockedUntil ? Date.parse(lockedUntil) : at.getTime() + this.lockout.lockMs;
      fail('account_locked', { details: { minutes: Math.max(1, Math.ceil((until - at.getTime()) / 60_000)) } });
    };
    if (!good) {
      const max = this.lockout.maxFailures;
      const lockUntil = new Date(at.getTime() + this.lockout.lockMs).toISOString();
      const counted = await this.db.transaction().execute(async (trx) => {
        // Attempts against a locked account are refused without counting: the lock is not extended by them.
        const row = await countFailedAttempt(trx, u.id, nowIso, max, lockUntil);
        if (!row) return null;
        const lockedNow = row.locked_until !== null && row.locked_until > nowIso;
        await writeAudit(trx, { actorId: null, action: 'session.login_failed', subjectType: 'user', subjectId: u.id,
          data: { reason: 'wrong_password', failures: lockedNow ? max : row.failed_attempts } }, at);
        if (lockedNow) await writeAudit(trx, { actorId: null, action: 'user.locked', subjectType: 'user', subjectId: u.id, data: { minutes: this.lockout.lockMs / 60_000 } }, at);
        return { lockedNow };
      });
      if (!counted) return lockedFail();
      if (counted.lockedNow) fail('account_locked', { details: { minutes: Math.ceil(this.lockout.lockMs / 60_000) } });
      fail('login_failed');
    }
    if (u.disabled) {
      await writeAudit(this.db, { actorId: null, action: 'session.login_failed', subjectType: 'user', subjectId: u.id, data: { reason: 'disabled' } }, at);
      fail('account_disabled');
    }
    const signedIn = await this.db.transaction().execute(async (trx) => {
      // The lock is checked in the same statement that clears the count: a guess that locked the
      // account a moment ago wins over the right password arriving with it.
      const ok = await recordSignIn(trx, u.id, nowIso);
      if (ok) await writeAudit(trx, { actorId: u.id, action: 'session.login', subjectType: 'user', subjectId: u.id }, at);
      return ok;
    });
    if (!signedIn) return lockedFail();
    return this.session(u.id);
  }

  async logout(userId: string): Promise<void> {
    await writeAudit(this.db, { actorId: userId, action: 'session.logout', subjectType: 'user', subjectId: userId }, this.now());
  }

  /** The user's own change: needs the current password; clears "must change" set by an admin. */
  async changePassword(userId: string, current: string, next: string): Promise<void> {
    const stored = await passwordHashOf(this.db, userId);
    if (stored === undefined) fail('not_found');
    if (!(await verifyPassword(current, stored))) fail('login_failed', { issues: [{ path: 'currentPassword', problem: 'wrong' }], details: { reason: 'wrong_current_password' } });
    const problem = passwordProblem(next);
    if (problem) fail('weak_password', { issues: [{ path: 'newPassword', problem }], details: { reason: problem } });
    if (next === current) fail('weak_password', { issues: [{ path: 'newPassword', problem: 'same_as_current' }], details: { reason: 'same_as_current' } });
    const hash = await hashPassword(next, this.cost);
    const at = this.now();
    await this.db.transaction().execute(async (trx) => {
      await updateUser(trx, userId, { password_hash: hash, must_change_password: 0 }, at.toISOString());
      await writeAudit(trx, { actorId: userId, action: 'user.password_changed', subjectType: 'user', subjectId: userId }, at);
    });
  }

  /** An admin sets a new initial password: the account is unlocked and must change it at sign-in. */
  async resetPassword(userId: string, password: string, actorId: string): Promise<AdminUserRow> {
    if (userId === actorId) fail('forbidden', { details: { reason: 'reset_self' } });
    await this.row(userId);
    const problem = passwordProblem(password);
    if (problem) fail('weak_password', { issues: [{ path: 'password', problem }], details: { reason: problem } });
    const hash = await hashPassword(password, this.cost);
    const at = this.now();
    await this.db.transaction().execute(async (trx) => {
      await updateUser(trx, userId, { password_hash: hash, must_change_password: 1, failed_attempts: 0, locked_until: null }, at.toISOString());
      await writeAudit(trx, { actorId, action: 'user.password_reset', subjectType: 'user', subjectId: userId }, at);
    });
    return this.row(userId);
  }

  async list(): Promise<AdminUserRow[]> {
    const users = await listUsers(this.db);
    const roleRows = await allUserRoles(this.db);
    const byUser = new Map<string, Set<string>>();
    for (const r of roleRows) (byUser.get(r.user_id) ?? byUser.set(r.user_id, new Set()).get(r.user_id)!).add(r.role);
    const nowIso = this.now().toISOString();
    return users.map((u) => ({
      id: u.id, username: u.username, displayName: u.display_name,
      roles: allRoles.filter((r) => byUser.get(u.id)?.has(r)),
      departmentId: u.department_id, departmentName: u.department_name,
      disabled: u.disabled === 1,
      lockedUntil: u.locked_until && u.locked_until > nowIso ? u.locked_until : null,
      lastLoginAt: u.last_login_at,
    }));
  }

  async row(userId: string): Promise<AdminUserRow> {
    const row = (await this.list()).find((u) => u.id === userId);
    if (!row) fail('not_found');
    return row;
  }

  /** Roles and, for a department user, the department; `departmentId` undefined keeps the binding where the roles still need one. */
  async setRoles(userId: string, roles: Role[], actorId: string, departmentId?: string | null): Promise<AdminUserRow> {
    const before = await this.row(userId);
    const uniq = [...new Set(roles)];
    if (userId === actorId && !uniq.includes('admin')) fail('forbidden', { details: { reason: 'own_admin_role' } });
    const keep = uniq.includes('department') ? before.departmentId : null;
    const binding = await this.departmentBinding(uniq, departmentId === undefined ? keep : departmentId);
    await this.db.transaction().execute(async (trx) => {
      await replaceRoles(trx, userId, uniq);
      if (binding !== before.departmentId) await updateUser(trx, userId, { department_id: binding }, this.now().toISOString());
      await writeAudit(trx, { actorId, action: 'user.roles_changed', subjectType: 'user', subjectId: userId,
        data: { from: before.roles, to: uniq, ...(binding !== before.departmentId ? { departmentFrom: before.departmentId, departmentTo: binding } : {}) } }, this.now());
    });
    return this.row(userId);
  }

  async setDisabled(userId: string, disabled: boolean, actorId: string): Promise<AdminUserRow> {
    if (userId === actorId && disabled) fail('forbidden', { details: { reason: 'disable_self' } });
    await this.row(userId);
    await this.db.transaction().execute(async (trx) => {
      await updateUser(trx, userId, { disabled: disabled ? 1 : 0 }, this.now().toISOString());
      await writeAudit(trx, { actorId, action: disabled ? 'user.disabled' : 'user.enabled', subjectType: 'user', subjectId: userId }, this.now());
    });
    return this.row(userId);
  }

  async unlock(userId: string, actorId: string): Promise<AdminUserRow> {
    await this.row(userId);
    await this.db.transaction().execute(async (trx) => {
      await updateUser(trx, userId, { locked_until: null, failed_attempts: 0 }, this.now().toISOString());
      await writeAudit(trx, { actorId, action: 'user.unlocked', subjectType: 'user', subjectId: userId }, this.now());
    });
    return this.row(userId);
  }
}

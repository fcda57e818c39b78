import type { Kysely } from 'kysely';
import { fail, framesFor, roles as allRoles, type AdminUserRow, type Role, type SessionInfo, type UserInfo } from '../../shared/contract';
import type { DB } from '../store/schema';
import { uuidv7 } from '../util/ids';
import { writeAudit } from './audit';
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
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private async rolesOf(userId: string): Promise<Role[]> {
    const rows = await this.db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute();
    const set = new Set(rows.map((r) => r.role).filter(isRole));
    return allRoles.filter((r) => set.has(r));
  }

  async info(userId: string): Promise<UserInfo> {
    const u = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!u) fail('not_found');
    return { id: u.id, username: u.username, displayName: u.display_name, roles: await this.rolesOf(u.id), departmentId: u.department_id };
  }

  async session(userId: string): Promise<SessionInfo> {
    const user = await this.info(userId);
    return { user, frames: framesFor(user.roles) };
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
    const found = await this.db.selectFrom('departments').select('id').where('id', '=', departmentId).executeTakeFirst();
    if (!found) fail('invalid_input', { issues: [{ path: 'departmentId', problem: 'unknown' }] });
    return departmentId;
  }

  /** Creates a user; `actorId` null means the system (first run, demo data). */
  async create(input: { username: string; displayName: string; password: string; roles: Role[]; departmentId?: string | null },
    actorId: string | null, opts: { skipStrength?: boolean } = {}): Promise<string> {
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
      const taken = await trx.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
      if (taken) fail('username_taken', { issues: [{ path: 'username', problem: 'taken' }] });
      await trx.insertInto('users').values({
        id, username, display_name: input.displayName, password_hash: hash, department_id: departmentId,
        disabled: 0, failed_attempts: 0, locked_until: null, last_login_at: null, created_at: at.toISOString(), updated_at: at.toISOString(),
      }).execute();
      const uniq = [...new Set(input.roles)];
      await trx.insertInto('user_roles').values(uniq.map((role) => ({ user_id: id, role }))).execute();
      await writeAudit(trx, { actorId, action: 'user.created', subjectType: 'user', subjectId: id, data: { username, roles: uniq, departmentId } }, at);
    });
    return id;
  }

  /**
   * Checks credentials. An unknown user and a wrong password fail the same way and take the same
   * time; every attempt is audited; repeated failures lock the account for a while.
   */
  async login(usernameRaw: string, password: string): Promise<SessionInfo> {
    const username = usernameRaw.trim().toLowerCase();
    const at = this.now();
    const u = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    if (!u) {
      this.dummyHash ??= hashPassword('not-a-password', this.cost);
      await verifyPassword(password, await this.dummyHash);
      await writeAudit(this.db, { actorId: null, action: 'session.login_failed', subjectType: 'user', data: { username, reason: 'unknown_user' } }, at);
      fail('login_failed');
    }
    if (u.locked_until && u.locked_until > at.toISOString()) {
      await writeAudit(this.db, { actorId: null, action: 'session.login_failed', subjectType: 'user', subjectId: u.id, data: { reason: 'locked' } }, at);
      const minutes = Math.ceil((Date.parse(u.locked_until) - at.getTime()) / 60_000);
      fail('account_locked', { details: { minutes } });
    }
    const good = await verifyPassword(password, u.password_hash);
    if (!good) {
      const failures = u.failed_attempts + 1;
      const lock = failures >= this.lockout.maxFailures;
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({
          failed_attempts: lock ? 0 : failures,
          locked_until: lock ? new Date(at.getTime() + this.lockout.lockMs).toISOString() : u.locked_until,
          updated_at: at.toISOString(),
        }).where('id', '=', u.id).execute();
        await writeAudit(trx, { actorId: null, action: 'session.login_failed', subjectType: 'user', subjectId: u.id, data: { reason: 'wrong_password', failures } }, at);
        if (lock) await writeAudit(trx, { actorId: null, action: 'user.locked', subjectType: 'user', subjectId: u.id, data: { minutes: this.lockout.lockMs / 60_000 } }, at);
      });
      if (lock) fail('account_locked', { details: { minutes: Math.ceil(this.lockout.lockMs / 60_000) } });
      fail('login_failed');
    }
    if (u.disabled) {
      await writeAudit(this.db, { actorId: null, action: 'session.login_failed', subjectType: 'user', subjectId: u.id, data: { reason: 'disabled' } }, at);
      fail('account_disabled');
    }
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ failed_attempts: 0, locked_until: null, last_login_at: at.toISOString() }).where('id', '=', u.id).execute();
      await writeAudit(trx, { actorId: u.id, action: 'session.login', subjectType: 'user', subjectId: u.id }, at);
    });
    return this.session(u.id);
  }

  async logout(userId: string): Promise<void> {
    await writeAudit(this.db, { actorId: userId, action: 'session.logout', subjectType: 'user', subjectId: userId }, this.now());
  }

  async changePassword(userId: string, current: string, next: string): Promise<void> {
    const u = await this.db.selectFrom('users').select(['password_hash']).where('id', '=', userId).executeTakeFirst();
    if (!u) fail('not_found');
    if (!(await verifyPassword(current, u.password_hash))) fail('login_failed', { issues: [{ path: 'currentPassword', problem: 'wrong' }] });
    const problem = passwordProblem(next);
    if (problem) fail('weak_password', { issues: [{ path: 'newPassword', problem }], details: { reason: problem } });
    const hash = await hashPassword(next, this.cost);
    const at = this.now();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: hash, updated_at: at.toISOString() }).where('id', '=', userId).execute();
      await writeAudit(trx, { actorId: userId, action: 'user.password_changed', subjectType: 'user', subjectId: userId }, at);
    });
  }

  async list(): Promise<AdminUserRow[]> {
    const users = await this.db.selectFrom('users as u').leftJoin('departments as d', 'd.id', 'u.department_id')
      .selectAll('u').select('d.name as department_name').orderBy('u.username').execute();
    const roleRows = await this.db.selectFrom('user_roles').selectAll().execute();
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
      await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
      await trx.insertInto('user_roles').values(uniq.map((role) => ({ user_id: userId, role }))).execute();
      if (binding !== before.departmentId) {
        await trx.updateTable('users').set({ department_id: binding, updated_at: this.now().toISOString() }).where('id', '=', userId).execute();
      }
      await writeAudit(trx, { actorId, action: 'user.roles_changed', subjectType: 'user', subjectId: userId,
        data: { from: before.roles, to: uniq, ...(binding !== before.departmentId ? { departmentFrom: before.departmentId, departmentTo: binding } : {}) } }, this.now());
    });
    return this.row(userId);
  }

  async setDisabled(userId: string, disabled: boolean, actorId: string): Promise<AdminUserRow> {
    if (userId === actorId && disabled) fail('forbidden', { details: { reason: 'disable_self' } });
    await this.row(userId);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ disabled: disabled ? 1 : 0, updated_at: this.now().toISOString() }).where('id', '=', userId).execute();
      await writeAudit(trx, { actorId, action: disabled ? 'user.disabled' : 'user.enabled', subjectType: 'user', subjectId: userId }, this.now());
    });
    return this.row(userId);
  }

  async unlock(userId: string, actorId: string): Promise<AdminUserRow> {
    await this.row(userId);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ locked_until: null, failed_attempts: 0, updated_at: this.now().toISOString() }).where('id', '=', userId).execute();
      await writeAudit(trx, { actorId, action: 'user.unlocked', subjectType: 'user', subjectId: userId }, this.now());
    });
    return this.row(userId);
  }
}

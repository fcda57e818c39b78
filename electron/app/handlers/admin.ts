import type { Kysely } from 'kysely';
import type { UserService } from '../../services/users';
import type { DB } from '../../store/schema';
import { listAuditEvents } from '../../store/repos/audit-log';
import type { SessionHub } from '../session-hub';
import { userOf, type HandlerSlice } from './context';

/** User accounts and the audit log (admin only, by the contract). */
export function adminHandlers(users: UserService, hub: SessionHub, db: Kysely<DB>): HandlerSlice<`users.${string}` | 'audit.list'> {
  return {
    'users.list': () => users.list(),
    'users.create': async (input, ctx) => users.row(await users.create(input, userOf(ctx))),
    'users.setRoles': async (input, ctx) => {
      const row = await users.setRoles(input.userId, input.roles, userOf(ctx), input.departmentId);
      // Roles and the department binding decide what the user may read: open sessions follow at once.
      await hub.refreshUser(input.userId);
      return row;
    },
    'users.setDisabled': async (input, ctx) => {
      const row = await users.setDisabled(input.userId, input.disabled, userOf(ctx));
      if (input.disabled) await hub.endUser(input.userId, 'disabled');
      return row;
    },
    'users.resetPassword': async (input, ctx) => {
      const row = await users.resetPassword(input.userId, input.password, userOf(ctx));
      await hub.endUser(input.userId, 'password_reset');
      return row;
    },
    'users.unlock': (input, ctx) => users.unlock(input.userId, userOf(ctx)),
    'audit.list': (input) => listAuditEvents(db, input),
  };
}

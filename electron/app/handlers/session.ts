import { fail, type AppInfo } from '../../../shared/contract';
import type { UserService } from '../../services/users';
import type { LoginLimiter } from '../../services/login-limits';
import type { SessionHub } from '../session-hub';
import { userOf, type HandlerSlice } from './context';

export interface SessionHandlerDeps {
  users: UserService;
  hub: SessionHub;
  info: () => Promise<AppInfo>;
  /** Loads the demo data once into a store nobody has set up yet. */
  loadDemoOnce: () => Promise<void>;
  /** Limits sign-in attempts per user name and per address (the console server). */
  loginLimiter?: LoginLimiter;
}

/** First-time setup, sign-in, sign-out and the signed-in user's password. */
export function sessionHandlers({ users, hub, info, loadDemoOnce, loginLimiter }: SessionHandlerDeps): HandlerSlice<'app.info' | `setup.${string}` | `session.${string}`> {
  return {
    'app.info': () => info(),
    'setup.createFirstAdmin': async (input, ctx) => {
      if ((await users.count()) > 0) fail('setup_already_done');
      // The claim and the admin are written in one transaction: of parallel calls exactly one wins.
      const id = await users.create({ ...input, roles: ['admin'] }, null, { claimSetup: `admin:${input.username.toLowerCase()}` });
      return hub.signIn(ctx.connection, await users.session(id));
    },
    'setup.loadDemoData': async () => {
      await loadDemoOnce();
      return info();
    },
    'session.login': async (input, ctx) => {
      const login = () => users.login(input.username, input.password);
      const info = loginLimiter ? await loginLimiter.attempt(input.username, ctx.connection.remoteAddress, login) : await login();
      return hub.signIn(ctx.connection, info);
    },
    'session.resume': (input, ctx) => hub.resume(ctx.connection, input.token),
    'session.logout': async (_input, ctx) => {
      await users.logout(userOf(ctx));
      await hub.logout(ctx.connection);
      return null;
    },
    'session.current': (_input, ctx) => ctx.session,
    'session.changePassword': async (input, ctx) => {
      const userId = userOf(ctx);
      await users.changePassword(userId, input.currentPassword, input.newPassword);
      // Whoever knew the old password is signed out everywhere else; this session goes on.
      await hub.endUser(userId, 'password_changed', ctx.connection);
      await hub.refreshUser(userId);
      return ctx.connection.session ?? fail('unauthenticated');
    },
  };
}

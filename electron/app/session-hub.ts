import type { Kysely } from 'kysely';
import { fail, type SessionEndReason, type SessionInfo, type SignedIn } from '../../shared/contract';
import type { Connection, Dispatcher } from '../rpc/dispatcher';
import type { DB } from '../store/schema';
import type { SessionStore } from '../services/sessions';
import type { UserService } from '../services/users';
import { jitteredMs } from '../util/jitter';

/**
 * How often a busy connection re-reads its session row (expiry, revocation by another process):
 * every 45–75 s, drawn anew each time, so that hundreds of desks that came back together (a
 * server restart) do not all touch their session in the same second, minute after minute.
 */
export const RECHECK_MIN_MS = 45_000;
export const RECHECK_MAX_MS = 75_000;

/**
 * Joins session rows to connections: signs a connection in or resumes it from a token, and when
 * an account changes (roles, password, disabled) ends or refreshes every connection of that user
 * and tells each of them with an event.
 */
export class SessionHub {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly users: UserService,
    private readonly sessions: SessionStore,
    private readonly dispatcher: () => Dispatcher | undefined,
    private readonly now: () => Date,
    private readonly random: () => number = Math.random,
  ) {}

  private checked(c: Connection, at: number): void {
    c.sessionCheckedAt = at;
    c.sessionRecheckAt = at + jitteredMs(RECHECK_MIN_MS, RECHECK_MAX_MS, this.random);
  }

  private bind(c: Connection, info: SessionInfo | null, sessionId: string | null): void {
    c.session = info;
    c.sessionId = sessionId;
    this.checked(c, this.now().getTime());
  }

  /** After a successful sign-in on this connection: a new session row and its token. */
  async signIn(c: Connection, info: SessionInfo): Promise<SignedIn> {
    if (c.sessionId) await this.sessions.revoke(c.sessionId, 'logout');
    const { id, token, expiresAt } = await this.sessions.create(info.user.id);
    this.bind(c, info, id);
    return { ...info, token, expiresAt };
  }

  async resume(c: Connection, token: string): Promise<SessionInfo> {
    const row = await this.sessions.resume(token);
    const user = await this.db.selectFrom('users').select('disabled').where('id', '=', row.userId).executeTakeFirst();
    if (!user || user.disabled) {
      await this.sessions.revoke(row.id, 'disabled');
      fail('session_expired', { details: { reason: 'session_disabled' } });
    }
    const info = await this.users.session(row.userId);
    this.bind(c, info, row.id);
    return info;
  }

  /** Ends this connection's session, and every other connection that resumed the same one. */
  async logout(c: Connection): Promise<void> {
    const sessionId = c.sessionId;
    this.bind(c, null, null);
    if (!sessionId) return;
    await this.sessions.revoke(sessionId, 'logout');
    for (const other of this.connections()) {
      if (other !== c && other.sessionId === sessionId) this.end(other, 'logout');
    }
  }

  /** Revokes every session of the user (but `keep`) and signs out their connections, saying why. */
  async endUser(userId: string, reason: SessionEndReason, keep: Connection | null = null): Promise<void> {
    const keepId = keep?.sessionId ?? null;
    await this.sessions.revokeUser(userId, reason, keepId);
    for (const c of this.connections()) {
      if (c.session?.user.id !== userId || c === keep) continue;
      if (keepId && c.sessionId === keepId) continue;
      this.end(c, reason);
    }
  }

  /** Gives every connection of the user their current roles, department and frames. */
  async refreshUser(userId: string): Promise<void> {
    const info = await this.users.session(userId);
    for (const c of this.connections()) {
      if (c.session?.user.id !== userId) continue;
      c.session = info;
      c.send('session.changed', info);
    }
  }

  /** For the dispatcher: a session row that expired or was revoked elsewhere signs the connection out. */
  readonly guard = async (c: Connection): Promise<void> => {
    if (!c.sessionId) return;
    const at = this.now().getTime();
    if (c.sessionRecheckAt !== undefined && at < c.sessionRecheckAt) return;
    if (await this.sessions.touch(c.sessionId)) this.checked(c, at);
    else this.end(c, 'expired');
  };

  private end(c: Connection, reason: SessionEndReason): void {
    this.bind(c, null, null);
    c.send('session.ended', { reason });
  }

  private connections(): Connection[] {
    return this.dispatcher()?.allConnections() ?? [];
  }
}

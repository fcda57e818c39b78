import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { fail, type SessionEndReason } from '../../shared/contract';
import type { DB } from '../store/schema';
import {
  insertSession, pruneSessions, revokeSession, revokeUserSessions, sessionByTokenHash, sessionCreatedAt, touchSession,
} from '../store/repos/sessions';
import { uuidv7 } from '../util/ids';

export interface SessionPolicy {
  /** A session nobody used for this long ends. @default 12 hours (a long shift) */
  idleMs: number;
  /** No session lives longer than this, used or not. @default 7 days */
  maxMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 12 * 3_600_000, maxMs: 7 * 86_400_000 };

/** How long revoked and expired rows are kept (so a late resume can say why), then deleted. */
const KEEP_ENDED_MS = 30 * 86_400_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SessionRow { id: string; userId: string }

/**
 * Sign-in sessions as rows with opaque tokens. The token is random and shown once; only its hash
 * is stored, so a copy of the store does not let anyone sign in. Connections hold the row's id;
 * the row decides whether the session is still alive (expiry, logout, revocation by an admin).
 */
export class SessionStore {
  constructor(private readonly db: Kysely<DB>, private readonly now: () => Date, private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY) {}

  private expiry(createdAt: number, seenAt: number): string {
    return new Date(Math.min(createdAt + this.policy.maxMs, seenAt + this.policy.idleMs)).toISOString();
  }

  async create(userId: string): Promise<{ id: string; token: string; expiresAt: string }> {
    const at = this.now();
    const token = randomBytes(32).toString('base64url');
    const id = uuidv7(at.getTime());
    const iso = at.toISOString();
    const expiresAt = this.expiry(at.getTime(), at.getTime());
    await pruneSessions(this.db, new Date(at.getTime() - KEEP_ENDED_MS).toISOString());
    await insertSession(this.db, {
      id, user_id: userId, token_hash: hashToken(token), created_at: iso, last_seen_at: iso,
      expires_at: expiresAt, revoked_at: null, revoked_reason: null,
    });
    return { id, token, expiresAt };
  }

  /** The live session a token names, seen now; fails with session_expired and the reason otherwise. */
  async resume(token: string): Promise<SessionRow> {
    const row = await sessionByTokenHash(this.db, hashToken(token));
    if (!row) fail('session_expired', { details: { reason: 'session_unknown' } });
    if (row.revoked_at) fail('session_expired', { details: { reason: `session_${row.revoked_reason ?? 'logout'}` } });
    const live = await this.touch(row.id);
    if (!live) fail('session_expired', { details: { reason: 'session_expired' } });
    return live;
  }

  /**
   * Marks the session used now and moves its idle expiry; null when it has expired or was revoked.
   * One conditional UPDATE, so a revocation running at the same moment is never undone.
   */
  async touch(sessionId: string): Promise<SessionRow | null> {
    const at = this.now();
    const iso = at.toISOString();
    const createdAt = await sessionCreatedAt(this.db, sessionId);
    if (!createdAt) return null;
    const updated = await touchSession(this.db, sessionId, iso, this.expiry(Date.parse(createdAt), at.getTime()));
    return updated ? { id: updated.id, userId: updated.user_id } : null;
  }

  async revoke(sessionId: string, reason: SessionEndReason): Promise<void> {
    await revokeSession(this.db, sessionId, reason, this.now().toISOString());
  }

  /** Ends every live session of a user, except one (the session that changed its own password). */
  async revokeUser(userId: string, reason: SessionEndReason, exceptSessionId: string | null = null): Promise<string[]> {
    return revokeUserSessions(this.db, userId, reason, this.now().toISOString(), exceptSessionId);
  }
}

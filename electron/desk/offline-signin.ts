import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ContractError, SessionInfo } from '../../shared/contract';
import type { DeskStore } from '../store/desk-store';

/**
 * Offline sign-in on a desk whose center cannot be reached (issue 12 C).
 *
 * At each sign-in the center accepts, the desk keeps a salted scrypt verifier of the password
 * (never the password, never the center's hash) with the session the center gave, per user name.
 * While the center is out of reach, a user who signed in on THIS desk within `maxAgeMs` may sign in
 * with the same password; the session is the desk's own, limited to what works offline (drafts,
 * the outbox, the cached screen pops and reference data, the phone registered from here).
 * The verifier is dropped when the desk learns the account was disabled or its password changed or
 * reset (the center's answer to a sign-in, or its session.ended event), and replaced by each online
 * sign-in and each password change made on this desk. Failed attempts are limited per user name.
 */

/** scrypt cost: about 50 ms per sign-in on a desk PC, run off the event loop (libuv pool). */
const SCRYPT = { N: 16_384, r: 8, p: 1, keylen: 32 } as const;
/** An agent who has not signed in online on this desk for this long must wait for the center. */
export const OFFLINE_SIGNIN_MAX_AGE_MS = 7 * 24 * 3600_000;
/** Failed offline attempts allowed per user name in a window, before too_many_attempts. */
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;

export type OfflineCheck = { ok: true; session: SessionInfo } | { ok: false; error: ContractError };

const derive = (password: string, salt: Buffer) => new Promise<Buffer>((resolve, reject) => {
  scrypt(password.normalize('NFC'), salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 }, (e, key) => (e ? reject(e) : resolve(key)));
});

export const normalizeUsername = (raw: string) => raw.trim().toLowerCase();

export class OfflineSignIn {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly store: DeskStore, private readonly now: () => Date = () => new Date(), private readonly maxAgeMs = OFFLINE_SIGNIN_MAX_AGE_MS) {}

  /** After a sign-in the center accepted (or a password changed through it): the verifier for next time. */
  async remember(username: string, password: string, session: SessionInfo): Promise<void> {
    // A password set by an admin is to be changed at the center first: nothing to keep for it.
    if (session.mustChangePassword) return this.store.forgetVerifier(session.user.id);
    const salt = randomBytes(16);
    const key = await derive(password, salt);
    this.store.keepVerifier({ username: normalizeUsername(username), userId: session.user.id, salt: salt.toString('base64'), verifier: key.toString('base64'), params: JSON.stringify(SCRYPT), session });
  }

  /** The center ended this user's right to sign in with what the desk knows (disabled, password changed or reset). */
  forget(userId: string): void {
    this.store.forgetVerifier(userId);
  }

  forgetUsername(username: string): void {
    this.store.forgetVerifierByUsername(normalizeUsername(username));
  }

  /** An offline sign-in attempt: the session to give, or why not. */
  async check(usernameRaw: string, password: string): Promise<OfflineCheck> {
    const username = normalizeUsername(usernameRaw);
    const at = this.now().getTime();
    const recent = (this.failures.get(username) ?? []).filter((t) => at - t < FAILURE_WINDOW_MS);
    this.failures.set(username, recent);
    if (recent.length >= MAX_FAILURES) {
      return { ok: false, error: { code: 'too_many_attempts', details: { scope: 'user', seconds: Math.ceil((recent[0]! + FAILURE_WINDOW_MS - at) / 1000) } } };
    }
    const v = this.store.verifier(username);
    const failed = (error: ContractError): OfflineCheck => {
      recent.push(at);
      return { ok: false, error };
    };
    if (!v) return failed({ code: 'offline_signin_unavailable', details: { reason: 'offline_unknown_here' } });
    const params = JSON.parse(v.params) as typeof SCRYPT;
    if (params.N !== SCRYPT.N || params.r !== SCRYPT.r || params.p !== SCRYPT.p) return failed({ code: 'offline_signin_unavailable', details: { reason: 'offline_unknown_here' } });
    const key = await derive(password, Buffer.from(v.salt, 'base64'));
    const expected = Buffer.from(v.verifier, 'base64');
    if (key.length !== expected.length || !timingSafeEqual(key, expected)) return failed({ code: 'login_failed' });
    // Checked after the password, so that the age of a sign-in is told only to who knows it.
    if (at - Date.parse(v.refreshedAt) > this.maxAgeMs) return failed({ code: 'offline_signin_unavailable', details: { reason: 'offline_too_old', days: Math.round(this.maxAgeMs / 86_400_000) } });
    this.failures.delete(username);
    return { ok: true, session: v.session };
  }
}

import { fail } from '../../shared/contract';

/** At most `max` attempts in any `windowMs`. */
export interface WindowLimit { max: number; windowMs: number }

export type Admission = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Sliding-window counter per key, in this process's memory. `take` counts an attempt before it
 * runs, so a burst of parallel attempts cannot slip past the limit; `release` gives the latest one
 * back. Keys are bounded: past `maxKeys`, expired keys are dropped, then the oldest.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly limit: WindowLimit, private readonly now: () => number = Date.now, private readonly maxKeys = 100_000) {
    if (!(Number.isInteger(limit.max) && limit.max > 0 && limit.windowMs > 0)) throw new RangeError(`invalid limit ${JSON.stringify(limit)}`);
  }

  private live(key: string, at: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => t > at - this.limit.windowMs);
    if (list.length) this.hits.set(key, list);
    else this.hits.delete(key);
    return list;
  }

  take(key: string): Admission {
    const at = this.now();
    const list = this.live(key, at);
    if (list.length >= this.limit.max) return { ok: false, retryAfterMs: list[0]! + this.limit.windowMs - at };
    if (!this.hits.has(key) && this.hits.size >= this.maxKeys) this.evict(at);
    list.push(at);
    this.hits.set(key, list);
    return { ok: true };
  }

  release(key: string): void {
    const list = this.hits.get(key);
    list?.pop();
    if (list && list.length === 0) this.hits.delete(key);
  }

  /** Keys with attempts still inside the window (for tests and metrics). */
  size(): number {
    return this.hits.size;
  }

  private evict(at: number): void {
    for (const key of [...this.hits.keys()]) this.live(key, at);
    while (this.hits.size >= this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
  }
}

export interface LoginLimitPolicy {
  /** Attempts per user name. @default 5 a minute */
  perUser: WindowLimit;
  /** Attempts per network address, whatever the user name. @default 20 a minute */
  perAddress: WindowLimit;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimitPolicy = {
  perUser: { max: 5, windowMs: 60_000 },
  perAddress: { max: 20, windowMs: 60_000 },
};

/**
 * Sign-in attempts limited per user name and per address; a refused attempt fails with
 * `too_many_attempts` (details: scope user|address, seconds to wait) before any password work.
 * A successful sign-in does not count. Complements the account lockout, which is kept in the store.
 */
export class LoginLimiter {
  private readonly users: SlidingWindowLimiter;
  private readonly addresses: SlidingWindowLimiter;

  constructor(policy: LoginLimitPolicy = DEFAULT_LOGIN_LIMITS, now: () => number = Date.now) {
    this.users = new SlidingWindowLimiter(policy.perUser, now);
    this.addresses = new SlidingWindowLimiter(policy.perAddress, now);
  }

  async attempt<T>(username: string, address: string | undefined, signIn: () => Promise<T>): Promise<T> {
    const userKey = username.trim().toLowerCase();
    const addressKey = address ?? 'local';
    const byUser = this.users.take(userKey);
    if (!byUser.ok) refuse('user', byUser.retryAfterMs);
    const byAddress = this.addresses.take(addressKey);
    if (!byAddress.ok) {
      this.users.release(userKey);
      refuse('address', byAddress.retryAfterMs);
    }
    const result = await signIn();
    this.users.release(userKey);
    this.addresses.release(addressKey);
    return result;
  }
}

function refuse(scope: 'user' | 'address', retryAfterMs: number): never {
  fail('too_many_attempts', { details: { scope, seconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) } });
}

import { describe, expect, it } from 'vitest';
import { ContractFailure } from '../../shared/contract';
import { LoginLimiter, SlidingWindowLimiter } from './login-limits';

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof ContractFailure ? `${e.error.code}:${String(e.error.details?.scope)}:${String(e.error.details?.seconds)}` : String(e);
  }
};

describe('SlidingWindowLimiter', () => {
  it('admits max attempts per window, then says how long to wait; the window slides', () => {
    let t = 1_000_000;
    const l = new SlidingWindowLimiter({ max: 3, windowMs: 10_000 }, () => t);
    for (let i = 0; i < 3; i++, t += 1_000) expect(l.take('a').ok).toBe(true);
    expect(l.take('a')).toEqual({ ok: false, retryAfterMs: 7_000 });
    expect(l.take('b').ok).toBe(true);
    t = 1_004_000;
    expect(l.take('a')).toEqual({ ok: false, retryAfterMs: 6_000 });
    t = 1_010_000;
    // The first attempt left the window: one slot, then refused again.
    expect(l.take('a').ok).toBe(true);
    expect(l.take('a')).toEqual({ ok: false, retryAfterMs: 1_000 });
  });

  it('gives back a released attempt and forgets keys whose attempts expired', () => {
    let t = 0;
    const l = new SlidingWindowLimiter({ max: 1, windowMs: 1_000 }, () => t);
    expect(l.take('a').ok).toBe(true);
    l.release('a');
    expect(l.size()).toBe(0);
    expect(l.take('a').ok).toBe(true);
    expect(l.take('a').ok).toBe(false);
    t = 5_000;
    expect(l.take('a').ok).toBe(true);
  });

  it('keeps at most maxKeys keys, dropping expired ones first, then the oldest', () => {
    let t = 0;
    const l = new SlidingWindowLimiter({ max: 1, windowMs: 1_000 }, () => t, 3);
    for (const k of ['a', 'b', 'c']) l.take(k);
    t = 500;
    l.take('d');
    expect(l.size()).toBe(3);
    // 'a' was the oldest: dropped, so it is admitted again; 'c' is still counted.
    expect(l.take('a').ok).toBe(true);
    expect(l.take('c').ok).toBe(false);
    t = 2_000;
    for (const k of ['x', 'y', 'z']) expect(l.take(k).ok).toBe(true);
    expect(l.size()).toBe(3);
  });

  it('refuses a limit that admits nothing', () => {
    expect(() => new SlidingWindowLimiter({ max: 0, windowMs: 1_000 })).toThrow(RangeError);
    expect(() => new SlidingWindowLimiter({ max: 1.5, windowMs: 1_000 })).toThrow(RangeError);
  });
});

describe('LoginLimiter', () => {
  const wrong = () => Promise.reject(new ContractFailure({ code: 'login_failed' }));

  it('refuses the 6th attempt for one user name (any case, any address) before checking the password', async () => {
    const l = new LoginLimiter({ perUser: { max: 5, windowMs: 60_000 }, perAddress: { max: 100, windowMs: 60_000 } }, () => 0);
    for (let i = 0; i < 5; i++) expect(await codeOf(l.attempt('Agent01', `10.0.0.${i}`, wrong))).toBe('login_failed:undefined:undefined');
    let checked = false;
    expect(await codeOf(l.attempt(' agent01 ', '10.0.0.9', () => { checked = true; return Promise.resolve(1); }))).toBe('too_many_attempts:user:60');
    expect(checked).toBe(false);
    expect(await codeOf(l.attempt('agent02', '10.0.0.1', () => Promise.resolve(1)))).toBe('ok');
  });

  it('refuses the 6th attempt from one address whatever the user names, and does not charge those users', async () => {
    const l = new LoginLimiter({ perUser: { max: 2, windowMs: 60_000 }, perAddress: { max: 5, windowMs: 60_000 } }, () => 0);
    for (let i = 0; i < 5; i++) expect(await codeOf(l.attempt(`user${i}`, '10.0.0.1', wrong))).toBe('login_failed:undefined:undefined');
    expect(await codeOf(l.attempt('user9', '10.0.0.1', wrong))).toBe('too_many_attempts:address:60');
    // user9 was refused by its address: its own count was given back (two attempts left elsewhere).
    expect(await codeOf(l.attempt('user9', '10.0.0.2', wrong))).toBe('login_failed:undefined:undefined');
    expect(await codeOf(l.attempt('user9', '10.0.0.3', wrong))).toBe('login_failed:undefined:undefined');
    expect(await codeOf(l.attempt('user9', '10.0.0.4', wrong))).toBe('too_many_attempts:user:60');
  });

  it('counts parallel attempts as they start, and does not count a successful sign-in', async () => {
    const l = new LoginLimiter({ perUser: { max: 3, windowMs: 60_000 }, perAddress: { max: 100, windowMs: 60_000 } }, () => 0);
    const results = await Promise.all(Array.from({ length: 6 }, () => codeOf(l.attempt('lead01', 'a', wrong))));
    expect(results.filter((r) => r.startsWith('too_many_attempts')).length).toBe(3);
    const ok = new LoginLimiter({ perUser: { max: 2, windowMs: 60_000 }, perAddress: { max: 2, windowMs: 60_000 } }, () => 0);
    for (let i = 0; i < 5; i++) expect(await codeOf(ok.attempt('lead01', 'a', () => Promise.resolve('in')))).toBe('ok');
  });
});

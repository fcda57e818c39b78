import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { SessionInfo } from '../../shared/contract';
import type { Connection } from '../rpc/dispatcher';
import type { DB } from '../store/schema';
import type { SessionStore } from '../services/sessions';
import type { UserService } from '../services/users';
import { RECHECK_MAX_MS, RECHECK_MIN_MS, SessionHub } from './session-hub';

/**
 * Session re-checks are spread (issue 12 B): a center restart brings hundreds of desks back in the
 * same second, and each then touches its session row on its next request after the re-check
 * interval. With a fixed interval they would keep hitting the store together, minute after minute.
 * The hub's clock and random source are injected; each connection makes a request every second.
 */
const DESKS = 300;
const session = { user: { id: 'u' } } as unknown as SessionInfo;

/** A small deterministic generator (mulberry32), so that the spread is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function setup(random: () => number) {
  let clock = 0;
  const touches: { at: number; sessionId: string }[] = [];
  const sessions = {
    resume: async (token: string) => ({ id: `s-${token}`, userId: 'u' }),
    touch: async (sessionId: string) => { touches.push({ at: clock, sessionId }); return true; },
  } as unknown as SessionStore;
  const db = { selectFrom: () => ({ select: () => ({ where: () => ({ executeTakeFirst: async () => ({ disabled: 0 }) }) }) }) } as unknown as Kysely<DB>;
  const users = { session: async () => session } as unknown as UserService;
  const hub = new SessionHub(db, users, sessions, () => undefined, () => new Date(clock), random);
  const conns: Connection[] = Array.from({ length: DESKS }, (_, i) => ({ id: `c${i}`, session: null, send: () => {} }));
  return { hub, conns, touches, setClock: (ms: number) => { clock = ms; } };
}

/** Every desk resumes at t = 0 (the center came back), then makes a request each second for `seconds`. */
async function run(random: () => number, seconds: number) {
  const s = setup(random);
  for (const [i, c] of s.conns.entries()) await s.hub.resume(c, `t${i}`);
  for (let sec = 1; sec <= seconds; sec++) {
    s.setClock(sec * 1000);
    for (const c of s.conns) await s.hub.guard(c);
  }
  return s.touches;
}

describe('session re-check timing', () => {
  it('waits at least 45 s and at most 75 s after the last check, whatever the random draw', async () => {
    for (const [draw, first] of [[0, RECHECK_MIN_MS], [0.999999, RECHECK_MAX_MS]] as const) {
      const touches = await run(() => draw, 80);
      const firstOf = new Map<string, number>();
      for (const t of touches) if (!firstOf.has(t.sessionId)) firstOf.set(t.sessionId, t.at);
      expect(firstOf.size).toBe(DESKS);
      // Requests come each second: the first re-check is at the first request at or after the drawn instant.
      expect(new Set(firstOf.values())).toEqual(new Set([Math.ceil(first / 1000) * 1000]));
    }
  });

  it('300 desks that came back together do not re-check together', async () => {
    const touches = await run(seeded(12345), 10 * 60);
    const perSecond = new Map<number, number>();
    for (const t of touches) perSecond.set(t.at, (perSecond.get(t.at) ?? 0) + 1);
    // A fixed 60 s interval would put all 300 in one second every minute; spread over 30 s they
    // come about 10 a second (the busiest second of ten minutes stays well under a tenth of them).
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(DESKS / 10);
    const firstRound = touches.slice(0, DESKS).map((t) => t.at);
    expect(Math.min(...firstRound)).toBeGreaterThanOrEqual(RECHECK_MIN_MS);
    expect(Math.max(...firstRound)).toBeLessThanOrEqual(RECHECK_MAX_MS + 1000);
    expect(new Set(firstRound).size).toBeGreaterThanOrEqual(25);
    // And every session is still confirmed within 76 s of the last time.
    const bySession = new Map<string, number[]>();
    for (const t of touches) bySession.set(t.sessionId, [...(bySession.get(t.sessionId) ?? [0]), t.at]);
    for (const ats of bySession.values()) for (let i = 1; i < ats.length; i++) expect(ats[i]! - ats[i - 1]!).toBeLessThanOrEqual(RECHECK_MAX_MS + 1000);
  });
});

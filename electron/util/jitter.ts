/**
 * A wait drawn evenly from [minMs, maxMs): work that every desk or connection repeats on a timer
 * (re-checking a session, reporting a seat) is spread out instead of arriving at the center in the
 * same second after a restart brought them all back at once. `random` is injectable for tests.
 */
export function jitteredMs(minMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.floor(minMs + Math.min(Math.max(random(), 0), 1 - Number.EPSILON) * (maxMs - minMs));
}

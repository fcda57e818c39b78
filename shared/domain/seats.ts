import type { AgentState } from './agent-state';

/**
 * What a seat is doing, as the shift lead's wallboard shows it: the agent state refined by the
 * call on the line (the ACD state says on_call for ringing out, talking and holding alike; a call
 * rings while the agent is still ready).
 */
export type SeatActivity = 'ringing' | 'talking' | 'held' | 'after_call_work' | 'ready' | 'not_ready' | 'offline';

/** The seat's call as far as its activity needs it. */
export interface SeatCallState { state: 'ringing' | 'dialing' | 'early' | 'active' | 'ended'; held: boolean }

export function seatActivity(agent: AgentState['name'], call: SeatCallState | null): SeatActivity {
  if (agent === 'logged_out') return 'offline';
  if (call && call.state !== 'ended') {
    if (call.state === 'active') return call.held ? 'held' : 'talking';
    // Ringing in, or dialling out and waiting for the far end.
    return 'ringing';
  }
  if (agent === 'on_call') return 'talking';
  return agent;
}

/** Busiest first, as a lead scans the board: who is on a call, who is wrapping up, who is free. */
export const SEAT_ACTIVITY_ORDER: readonly SeatActivity[] = ['ringing', 'talking', 'held', 'after_call_work', 'ready', 'not_ready', 'offline'];

const ACTIVITY_RANK = Object.fromEntries(SEAT_ACTIVITY_ORDER.map((a, i) => [a, i])) as Record<SeatActivity, number>;
/**
 * One collator for every comparison: `localeCompare(…, 'zh-CN')` looks the locale up on each call,
 * which made sorting a center's 300 seats tens of milliseconds on every redraw of the wallboard.
 */
const BY_NAME = new Intl.Collator('zh-CN');

/** Orders seats by activity, then by name in Chinese collation. */
export function compareSeats(a: { activity: SeatActivity; name: string }, b: { activity: SeatActivity; name: string }): number {
  return ACTIVITY_RANK[a.activity] - ACTIVITY_RANK[b.activity] || BY_NAME.compare(a.name, b.name);
}

/** Counts per activity, every activity present (zero when none). */
export function countSeats(seats: readonly { activity: SeatActivity }[]): Record<SeatActivity, number> {
  const out = Object.fromEntries(SEAT_ACTIVITY_ORDER.map((a) => [a, 0])) as Record<SeatActivity, number>;
  for (const s of seats) out[s.activity] += 1;
  return out;
}

import { chinaHour } from './china-time';

/**
 * The wallboard's call figures for a day, from the calls' records: pure, so the same rules serve
 * any store. Citizens' calls only: a colleague's consult call (from a seat's extension) and
 * outbound calls are left out of offered, answered and abandoned.
 *
 * - offered: citizens' calls that reached a seat;
 * - answered: of those, answered;
 * - abandoned: the caller hung up while it rang;
 * - service level: answered within the threshold, over offered (a call not answered at all is
 *   not answered in time); null with nothing offered;
 * - ASA: mean ring time of answered calls; AHT: mean talk plus hold of answered calls;
 * - ACW: mean length of the after-call work spells that began that day.
 */
export interface CallRecordLike {
  direction: string; remote_number: string; invited_at: string; answered_at: string | null;
  ring_ms: number; talk_ms: number; hold_ms: number; end_reason: string;
  /** 1: the call's audio was poor (audio-health.ts poorAudio); 0 or null: not, or not measured. */
  poor_audio?: number | null;
}
export interface AgentStateLike { user_id: string; at: string; state: string }

export interface CallFigures { offered: number; answered: number; abandoned: number; answeredInTime: number; serviceLevel: number | null }
export interface CallStatsOfDay extends CallFigures {
  serviceLevelSeconds: number;
  asaMs: number | null;
  ahtMs: number | null;
  acwMs: number | null;
  /** Calls of the day (any direction, colleagues' too: audio is audio) whose audio was poor. */
  poorAudio: number;
  /** China hours 0–23 with any call, in order. */
  byHour: (CallFigures & { hour: number })[];
}

const empty = (): CallFigures => ({ offered: 0, answered: 0, abandoned: 0, answeredInTime: 0, serviceLevel: null });
const mean = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

export function callStatsOfDay(calls: readonly CallRecordLike[], states: readonly AgentStateLike[], extensions: ReadonlySet<string>, serviceLevelSeconds: number, now: Date): CallStatsOfDay {
  const total = empty();
  const hours = new Map<number, CallFigures>();
  const ring: number[] = [];
  const handle: number[] = [];
  let poorAudio = 0;
  for (const c of calls) {
    if (c.poor_audio === 1) poorAudio += 1;
    if (c.direction !== 'inbound' || extensions.has(c.remote_number)) continue;
    const hour = chinaHour(new Date(c.invited_at));
    const h = hours.get(hour) ?? empty();
    hours.set(hour, h);
    for (const f of [total, h]) {
      f.offered += 1;
      if (c.answered_at) {
        f.answered += 1;
        if (c.ring_ms <= serviceLevelSeconds * 1000) f.answeredInTime += 1;
      } else if (c.end_reason === 'caller-cancelled') f.abandoned += 1;
    }
    if (c.answered_at) { ring.push(c.ring_ms); handle.push(c.talk_ms + c.hold_ms); }
  }
  const level = (f: CallFigures) => ({ ...f, serviceLevel: f.offered ? f.answeredInTime / f.offered : null });
  // After-call work: from entering it to the user's next state change (or now, while still in it).
  const acw: number[] = [];
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    if (s.state !== 'after_call_work') continue;
    const next = states[i + 1];
    const end = next && next.user_id === s.user_id ? Date.parse(next.at) : now.getTime();
    acw.push(Math.max(0, end - Date.parse(s.at)));
  }
  return {
    ...level(total), serviceLevelSeconds, asaMs: mean(ring), ahtMs: mean(handle), acwMs: mean(acw), poorAudio,
    byHour: [...hours.entries()].sort((a, b) => a[0] - b[0]).map(([hour, f]) => ({ hour, ...level(f) })),
  };
}

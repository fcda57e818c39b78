import { describe, expect, it } from 'vitest';
import { callStatsOfDay, type CallRecordLike } from './call-stats';

const at = (hhmm: string) => `2026-12-05T${hhmm}:00.000+08:00`;
const call = (hhmm: string, extra: Partial<CallRecordLike> = {}): CallRecordLike => ({
  direction: 'inbound', remote_number: '13812345678', invited_at: new Date(at(hhmm)).toISOString(), answered_at: new Date(at(hhmm)).toISOString(),
  ring_ms: 5_000, talk_ms: 120_000, hold_ms: 0, end_reason: 'remote-hangup', ...extra,
});
const now = new Date(at('12:00'));

describe('callStatsOfDay', () => {
  it('counts citizens\' calls offered, answered in time, late and abandoned, by China hour', () => {
    const s = callStatsOfDay([
      call('09:05'), call('09:40', { ring_ms: 31_000, talk_ms: 60_000, hold_ms: 30_000 }),
      call('10:10', { answered_at: null, ring_ms: 12_000, talk_ms: 0, end_reason: 'caller-cancelled' }),
      call('10:20', { answered_at: null, ring_ms: 0, talk_ms: 0, end_reason: 'rejected-busy' }),
      // Neither counts: a colleague's consult call and an outbound call.
      call('10:30', { remote_number: '1001' }), call('10:40', { direction: 'outbound' }),
    ], [], new Set(['1001']), 20, now);
    expect(s).toMatchObject({ offered: 4, answered: 2, abandoned: 1, answeredInTime: 1, serviceLevel: 0.25, asaMs: 18_000, ahtMs: 105_000, acwMs: null });
    expect(s.byHour).toEqual([
      { hour: 9, offered: 2, answered: 2, abandoned: 0, answeredInTime: 1, serviceLevel: 0.5 },
      { hour: 10, offered: 2, answered: 0, abandoned: 1, answeredInTime: 0, serviceLevel: 0 },
    ]);
  });

  it('measures after-call work to the next state, and to now while it lasts', () => {
    const s = callStatsOfDay([], [
      { user_id: 'a', at: at('09:00'), state: 'after_call_work' }, { user_id: 'a', at: at('09:01'), state: 'ready' },
      { user_id: 'b', at: at('11:59'), state: 'after_call_work' },
    ], new Set(), 20, now);
    expect(s.acwMs).toBe(60_000);
    expect(s.serviceLevel).toBeNull();
  });
});

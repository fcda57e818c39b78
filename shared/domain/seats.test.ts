import { describe, expect, it } from 'vitest';
import { compareSeats, countSeats, seatActivity } from './seats';

describe('seatActivity', () => {
  it('tells ringing, talking and holding apart although the ACD state is on_call for all three', () => {
    expect(seatActivity('ready', { state: 'ringing', held: false })).toBe('ringing');
    expect(seatActivity('on_call', { state: 'dialing', held: false })).toBe('ringing');
    expect(seatActivity('on_call', { state: 'active', held: false })).toBe('talking');
    expect(seatActivity('on_call', { state: 'active', held: true })).toBe('held');
  });

  it('follows the agent state without a call, and a signed-out seat is offline whatever it last had', () => {
    expect(seatActivity('ready', null)).toBe('ready');
    expect(seatActivity('not_ready', null)).toBe('not_ready');
    expect(seatActivity('after_call_work', { state: 'ended', held: false })).toBe('after_call_work');
    expect(seatActivity('on_call', null)).toBe('talking');
    expect(seatActivity('logged_out', { state: 'active', held: false })).toBe('offline');
  });

  it('orders the busiest first and counts every activity', () => {
    const seats = [
      { activity: 'ready' as const, name: '王晓燕' }, { activity: 'offline' as const, name: '李明' },
      { activity: 'talking' as const, name: '张建国委员' }, { activity: 'ready' as const, name: '陈班长' },
    ];
    expect([...seats].sort(compareSeats).map((s) => s.name)).toEqual(['张建国委员', '陈班长', '王晓燕', '李明']);
    expect(countSeats(seats)).toEqual({ ringing: 0, talking: 1, held: 0, after_call_work: 0, ready: 2, not_ready: 0, offline: 1 });
  });
});

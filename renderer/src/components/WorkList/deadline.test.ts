import { describe, expect, it } from 'vitest';
import { formatMonthDay, remaining } from './deadline';

const now = new Date('2026-12-02T01:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms).toISOString();

describe('remaining time to a deadline', () => {
  it.each([
    [30 * 60_000, 'desk.remaining.minutes', 30, false],
    [3 * 3_600_000 + 5 * 60_000, 'desk.remaining.hours', 3, false],
    [47 * 3_600_000, 'desk.remaining.hours', 47, false],
    [5 * 86_400_000, 'desk.remaining.days', 5, false],
    [-2 * 3_600_000, 'desk.overdueBy.hours', 2, true],
    [-20_000, 'desk.overdueBy.minutes', 1, true],
  ])('%d ms ahead reads %s %d', (ms, key, n, overdue) => {
    expect(remaining(later(ms), now)).toEqual({ key, n, overdue });
  });

  it('shows the date in China time: 16:30 UTC is already the next day in Beijing', () => {
    expect(formatMonthDay('2026-12-17T16:30:00Z')).toBe('12月18日');
  });
});

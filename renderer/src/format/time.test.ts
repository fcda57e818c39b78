import { describe, expect, it } from 'vitest';
import { formatClock, formatDateTime, formatElapsed } from './time';

describe('formatDateTime', () => {
  it('shows China time whatever the machine zone (the draft banner uses it)', () => {
    expect(formatDateTime('2026-11-28T02:05:00.000Z')).toBe('2026-11-28 10:05');
  });
});

describe('formatClock', () => {
  it('shows the hour and minute for today in China, the date too for another day', () => {
    expect(formatClock('2026-11-28T02:42:10.000Z', new Date('2026-11-28T15:00:00.000Z'))).toBe('10:42');
    // 23:30 on the 28th in UTC is already the 29th in China: a new day there.
    expect(formatClock('2026-11-28T02:42:10.000Z', new Date('2026-11-28T16:30:00.000Z'))).toBe('2026-11-28 10:42');
  });
});

describe('formatElapsed', () => {
  const now = new Date('2026-12-05T10:00:00.000Z');
  it('shows minutes and seconds, hours once past one, and never a negative time', () => {
    expect(formatElapsed('2026-12-05T09:55:55.000Z', now)).toBe('4:05');
    expect(formatElapsed('2026-12-05T08:57:51.000Z', now)).toBe('1:02:09');
    expect(formatElapsed('2026-12-05T10:00:07.000Z', now)).toBe('0:00');
  });
});

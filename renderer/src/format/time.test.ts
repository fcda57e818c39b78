import { describe, expect, it } from 'vitest';
import { formatDateTime } from './time';

describe('formatDateTime', () => {
  it('shows China time whatever the machine zone (the draft banner uses it)', () => {
    expect(formatDateTime('2026-11-28T02:05:00.000Z')).toBe('2026-11-28 10:05');
  });
});

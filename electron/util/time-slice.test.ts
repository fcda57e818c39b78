import { describe, expect, it } from 'vitest';
import { nextBatchSize, timeSlicer } from './time-slice';

describe('nextBatchSize: batches that each take about the budget', () => {
  it('grows a batch that took less than the budget and shrinks one that took more, at most doubling or halving', () => {
    expect(nextBatchSize({ size: 16, ms: 1 }, 4, 1, 1000)).toBe(32);
    expect(nextBatchSize({ size: 16, ms: 4 }, 4, 1, 1000)).toBe(16);
    expect(nextBatchSize({ size: 16, ms: 400 }, 4, 1, 1000)).toBe(8);
    // Half way to the target: 100 units took 8 ms, 50 would take 4 → 75.
    expect(nextBatchSize({ size: 100, ms: 8 }, 4, 1, 1000)).toBe(75);
  });

  it('stays within its bounds; no budget means the largest batch', () => {
    expect(nextBatchSize({ size: 1, ms: 50 }, 4, 1, 1000)).toBe(1);
    expect(nextBatchSize({ size: 900, ms: 0.1 }, 4, 1, 1000)).toBe(1000);
    expect(nextBatchSize({ size: 10, ms: 999 }, Infinity, 1, 300)).toBe(300);
  });
});

describe('timeSlicer', () => {
  it('is not due within its budget, is due past it, and starts a new slice after yielding', async () => {
    const slice = timeSlicer(1e9);
    expect(slice.due()).toBe(false);
    const spent = timeSlicer(0);
    expect(spent.due()).toBe(true);
    await spent.yieldNow();
    const never = timeSlicer(Infinity);
    expect(never.due()).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { CallQualityTracker } from './call-quality';

const second = { received: 50, lost: 0, jitterMs: 5, rttMs: 40 };

describe('CallQualityTracker', () => {
  it('tells a change of warnings once, counts warnings raised, and summarises the call once at its end', () => {
    let now = 0;
    const q = new CallQualityTracker(() => now);
    expect(q.report('c1', [], second)).toBeNull();
    now += 1000;
    expect(q.report('c1', ['no_inbound'], { ...second, received: 0 })).toEqual(['no_inbound']);
    now += 1000;
    expect(q.report('c1', ['no_inbound'], { ...second, received: 0 })).toBeNull();
    now += 1000;
    expect(q.report('c1', [], second)).toEqual([]);
    expect(q.live('c1')).toMatchObject({ warnings: [] });
    expect(q.take('c1')).toMatchObject({ warnings: 1, jitterMs: 5, rttMs: 40, lossPermille: 0 });
    expect(q.take('c1')).toBeNull();
  });

  it('a renderer reporting too often adds at most two readings a second', () => {
    const q = new CallQualityTracker(() => 0);
    for (let i = 0; i < 100; i++) q.report('c1', [], { ...second, lost: 50 });
    // One reading kept: 50 lost of 100 expected.
    expect(q.take('c1')?.lossPermille).toBe(500);
  });
});

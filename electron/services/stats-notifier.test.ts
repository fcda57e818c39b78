import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventPublisher } from '../events/bus';
import { createStatsNotifier } from './stats-notifier';

function recorder() {
  const sent: { name: string; payload: unknown }[] = [];
  const bus: EventPublisher = { publish: (name, payload, ..._audience) => { sent.push({ name, payload }); } };
  return { bus, sent };
}

describe('stats.changed coalescing', () => {
  beforeEach(() => { vi.useFakeTimers({ now: new Date('2026-12-05T02:00:00.000Z') }); });
  afterEach(() => { vi.useRealTimers(); });

  it('tells the first change at once and a burst in one more event a second later, not one per ticket', () => {
    const { bus, sent } = recorder();
    const n = createStatsNotifier(bus, () => new Date());
    n.touched();
    expect(sent).toEqual([{ name: 'stats.changed', payload: { at: '2026-12-05T02:00:00.000Z' } }]);
    for (let i = 0; i < 50; i++) { vi.advanceTimersByTime(15); n.touched(); }
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
    // Quiet afterwards: nothing more.
    vi.advanceTimersByTime(10_000);
    expect(sent).toHaveLength(2);
  });

  it('sends at most one a second under a steady stream of changes', () => {
    const { bus, sent } = recorder();
    const n = createStatsNotifier(bus, () => new Date());
    for (let ms = 0; ms < 10_000; ms += 20) { n.touched(); vi.advanceTimersByTime(20); }
    vi.advanceTimersByTime(2000);
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(sent.length).toBeLessThanOrEqual(11);
  });

  it('drops a pending event when closed', () => {
    const { bus, sent } = recorder();
    const n = createStatsNotifier(bus, () => new Date());
    n.touched();
    n.touched();
    n.close();
    vi.advanceTimersByTime(5000);
    n.touched();
    expect(sent).toHaveLength(1);
  });
});

import { afterAll, describe, expect, it } from 'vitest';

import { synthMessages } from '../../test/support/hotspot-synth';
import { detectHotspots } from './engine';
import { HotspotIndex } from './hotspot-index';
import { HotspotWorkerClient } from './worker-client';

const { messages } = synthMessages({ seed: 51, background: 600, planted: 3, days: 60, fields: true });
const sorted = [...messages].sort((a, b) => a.time! - b.time!);
const now = sorted.at(-1)!.time!;

describe('incremental hotspots', () => {
  it('equal a full recompute after tickets arrive in batches, and again after more arrive', () => {
    const index = new HotspotIndex({}, 90);
    const half = Math.floor(sorted.length / 2);
    for (let i = 0; i < half; i += 50) index.add(sorted.slice(i, Math.min(i + 50, half)));
    const t1 = sorted[half - 1]!.time!;
    expect(index.hotspots(t1)).toEqual(detectHotspots(sorted.slice(0, half), { now: t1 }));
    for (let i = half; i < sorted.length; i++) index.add([sorted[i]!]);
    const full = detectHotspots(sorted, { now });
    expect(full.length).toBeGreaterThan(0);
    expect(index.hotspots(now)).toEqual(full);
  });

  it('leaves tickets past the horizon out', () => {
    const index = new HotspotIndex({}, 10);
    index.add(sorted);
    const recent = sorted.filter((m) => m.time! >= now - 10 * 86_400_000);
    expect(index.hotspots(now)).toEqual(detectHotspots(recent, { now }));
  });
});

describe('hotspot worker thread', () => {
  const client = new HotspotWorkerClient({ horizonDays: 90, tzOffsetMinutes: 480 });
  afterAll(() => client.close());

  it('computes in the worker what the engine computes in process, after incremental adds', async () => {
    const half = Math.floor(sorted.length / 2);
    client.add(sorted.slice(0, half));
    const first = await client.compute(sorted[half - 1]!.time!);
    expect(first.hotspots).toEqual(detectHotspots(sorted.slice(0, half), { now: sorted[half - 1]!.time! }));
    for (let i = half; i < sorted.length; i += 7) client.add(sorted.slice(i, i + 7));
    const second = await client.compute(now);
    expect(second.size).toBe(sorted.length);
    expect(second.hotspots).toEqual(detectHotspots(sorted, { now }));
  });
});

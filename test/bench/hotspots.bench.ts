/**
 * BENCH_ONLY=hotspots (BENCH_HOTSPOT_TICKETS, default 1,000,000): generated tickets with planted
 * hotspots over a year, handed to the hotspot worker as the app does (in pages), then
 *  - full recompute time in the worker (90-day horizon, as the app: the rest is held but left out),
 *  - incremental cost per new ticket (the worker's add: tokenising one ticket; measured in process
 *    on 10,000 tickets, since a postMessage costs the main thread nothing comparable),
 *  - the main process's event-loop delay p99 while the worker recomputes.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { HotspotIndex } from '../../electron/hotspots/hotspot-index';
import { HotspotWorkerClient } from '../../electron/hotspots/worker-client';
import { synthMessages } from '../support/hotspot-synth';

export async function benchHotspots(tickets: number, log: (s: string) => void): Promise<string> {
  const days = 365;
  const t0 = performance.now();
  const { messages } = synthMessages({ seed: 99, background: tickets, planted: 40, days, fields: true });
  log(`generated ${messages.length} tickets in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const now = messages.reduce((max, m) => Math.max(max, m.time ?? 0), 0);

  // Incremental: one ticket's add, in process.
  const index = new HotspotIndex({}, 90);
  const sample = messages.slice(0, 10_000);
  const a0 = performance.now();
  for (const m of sample) index.add([m]);
  const perTicketMs = (performance.now() - a0) / sample.length;

  const client = new HotspotWorkerClient({ horizonDays: 90, tzOffsetMinutes: 480 });
  // The worker does not keep a process alive (the app has its own handles); the bench must.
  const keep = setInterval(() => undefined, 1000);
  try {
    for (let i = 0; i < messages.length; i += 5000) client.add(messages.slice(i, i + 5000));
    // Warm-up compute (the worker tokenises what it was sent before it answers).
    const warm = await client.compute(now);
    log(`worker holds ${warm.size} tickets; first compute ${(warm.ms / 1000).toFixed(1)} s`);
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const wall0 = performance.now();
    const r = await client.compute(now);
    const wall = performance.now() - wall0;
    h.disable();
    const inHorizon = messages.filter((m) => m.time! >= now - 90 * 86_400_000).length;
    return [
      `| hotspots, ${messages.length.toLocaleString('en')} tickets (${inHorizon.toLocaleString('en')} in the 90-day horizon) | measured | budget |`,
      '|---|---|---|',
      `| full recompute in the worker | ${(r.ms / 1000).toFixed(2)} s (wall ${(wall / 1000).toFixed(2)} s), ${r.hotspots.length} hotspots | ≤ 2 s |`,
      `| incremental cost per new ticket (add) | ${perTicketMs.toFixed(3)} ms | ≤ 1 ms |`,
      `| main event-loop delay p99 during recompute | ${(h.percentile(99) / 1e6).toFixed(1)} ms (max ${(h.max / 1e6).toFixed(1)} ms) | ≤ 20 ms |`,
    ].join('\n');
  } finally {
    clearInterval(keep);
    await client.close();
  }
}

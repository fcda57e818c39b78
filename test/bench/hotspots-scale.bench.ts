/**
 * BENCH_ONLY=hotspots-scale (BENCH_HOTSPOT_SIZES, default "100000,1000000"): how the hotspot
 * recompute scales with the ticket count. Per size, generated tickets with planted hotspots over a
 * year, of which the 90-day horizon is computed (as the app does):
 *  - in process: mining the terms, then the clustering step, new (rare-term index) against the
 *    former pairwise comparison in the same run, with a check that both give the same clusters.
 *    The pairwise one runs only up to BENCH_HOTSPOT_OLD_MAX documents in the horizon (default
 *    40,000): it is quadratic in a common term's document frequency, minutes beyond that;
 *  - in the worker: the full recompute as the app runs it, and the main thread's event-loop delay
 *    (p99, max) while waiting for it;
 *  - the cost of adding one new ticket to the worker's index (its tokenisation), over 10,000.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { buildCorpus, cluster, linkWeights, prepareDoc } from '../../electron/hotspots/engine';
import { HotspotIndex } from '../../electron/hotspots/hotspot-index';
import { DEFAULT_PARAMS, type HotspotInput } from '../../electron/hotspots/types';
import { HotspotWorkerClient } from '../../electron/hotspots/worker-client';
import { clusterPairwise } from '../support/hotspot-pairwise';
import { synthMessages } from '../support/hotspot-synth';

const DAY = 86_400_000;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** The 90-day horizon of a year of generated tickets (the rest is dropped here, as the app never sends it). */
function horizonOf(n: number): HotspotInput[] {
  const { messages } = synthMessages({ seed: 99, background: n, planted: 40, days: 365, fields: true });
  const now = messages.reduce((a, m) => Math.max(a, m.time ?? 0), 0);
  return messages.filter((m) => m.time! >= now - 90 * DAY);
}

export async function benchHotspotsScale(sizes: number[], oldMax: number, log: (s: string) => void): Promise<string> {
  const rows = [
    '| tickets (in 90-day horizon) | mining terms | clustering, pairwise (before) | clustering, rare-term index (after) | ratio | full recompute in worker | main event-loop delay p99 / max | add one ticket |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const n of sizes) {
    const held = horizonOf(n);
    const now = held.reduce((a, m) => Math.max(a, m.time ?? 0), 0);
    log(`${n}: generated, ${held.length} in the horizon`);

    // The worker first, while the main thread holds only the tickets (as the app's main process
    // does): the in-process runs below leave garbage whose collection would show in the delay.
    const client = new HotspotWorkerClient({ horizonDays: 90, tzOffsetMinutes: 480 });
    const keep = setInterval(() => undefined, 1000); // the worker does not keep the process alive
    let worker: { ms: number; p99: number; max: number };
    try {
      for (let i = 0; i < held.length; i += 5000) client.add(held.slice(i, i + 5000));
      const h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      const r = await client.compute(now);
      h.disable();
      worker = { ms: r.ms, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
      log(`${n}: worker recompute ${s(r.ms)}, ${r.hotspots.length} hotspots`);
    } finally {
      clearInterval(keep);
      await client.close();
    }

    const index = new HotspotIndex({}, 90);
    const sample = held.slice(0, 10_000);
    const a0 = performance.now();
    for (const m of sample) index.add([m]);
    const perTicket = (performance.now() - a0) / sample.length;

    const p = { ...DEFAULT_PARAMS, now };
    const m0 = performance.now();
    const corpus = buildCorpus(
      held.map((m) => prepareDoc(m, p)),
      p,
    );
    const mining = performance.now() - m0;
    const { weight, norm, days } = linkWeights(corpus);
    const all = corpus.docs.map((_, i) => i);
    const c0 = performance.now();
    const after = cluster(all, corpus.docTerms, weight, norm, days, p.linkThreshold, p);
    const newMs = performance.now() - c0;
    log(`${n}: mining ${s(mining)}, clustering (index) ${s(newMs)}`);
    let oldCell = `not run (> ${oldMax.toLocaleString('en')} documents)`;
    let ratio = '–';
    if (held.length <= oldMax) {
      const o0 = performance.now();
      const before = clusterPairwise(all, corpus.docTerms, weight, norm, days, p.linkThreshold, p, 0);
      const oldMs = performance.now() - o0;
      const same = JSON.stringify(before) === JSON.stringify(after);
      oldCell = `${s(oldMs)}${same ? ' (same clusters)' : ' (**DIFFERENT clusters**)'}`;
      ratio = `${(oldMs / newMs).toFixed(1)}×`;
      log(`${n}: clustering (pairwise) ${s(oldMs)}, same: ${same}`);
    }
    rows.push(
      `| ${n.toLocaleString('en')} (${held.length.toLocaleString('en')}) | ${s(mining)} | ${oldCell} | ${s(newMs)} | ${ratio} | ${s(worker.ms)} | ${worker.p99.toFixed(1)} / ${worker.max.toFixed(1)} ms | ${perTicket.toFixed(3)} ms |`,
    );
  }
  return rows.join('\n');
}

/**
 * BENCH_ONLY=hotspots-scale (BENCH_HOTSPOT_SIZES, default "100000,1000000"): how the hotspot
 * recompute scales with the ticket count. Per size, generated tickets with planted hotspots over a
 * year, of which the 90-day horizon is computed (as the app does):
 *  - in the worker: the full recompute as the app runs it, its time in garbage collection and per
 *    step (a second table), and the main thread's event-loop delay (p99, max) while waiting for it;
 *  - the cost of adding one new ticket to the worker's index (its tokenisation), over 10,000;
 *  - in process, the engine before the speed-up (test/support/hotspot-before, main at 5941844)
 *    and now, on the same tickets (each engine tokenises them its own way beforehand, untimed, as
 *    the worker does when they arrive): mining the terms, the clustering step alone, and the
 *    whole recompute (mining + clustering + ranking), with a check that both give the same terms,
 *    document vectors and hotspots. The former engine runs only up to BENCH_HOTSPOT_BEFORE_MAX
 *    documents in the horizon (default: all; it takes minutes at 1M tickets).
 * The former pairwise clustering is compared in cluster.test (same clusters).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import * as current from '../../electron/hotspots/engine';
import { HotspotIndex } from '../../electron/hotspots/hotspot-index';
import { DEFAULT_PARAMS, type Hotspot, type HotspotInput, type HotspotParams } from '../../electron/hotspots/types';
import { HotspotWorkerClient } from '../../electron/hotspots/worker-client';
import * as before from '../support/hotspot-before/engine';
import { synthMessages } from '../support/hotspot-synth';

const DAY = 86_400_000;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** The 90-day horizon of a year of generated tickets (the rest is dropped here, as the app never sends it). */
function horizonOf(n: number): HotspotInput[] {
  const { messages } = synthMessages({ seed: 99, background: n, planted: 40, days: 365, fields: true });
  const now = messages.reduce((a, m) => Math.max(a, m.time ?? 0), 0);
  return messages.filter((m) => m.time! >= now - 90 * DAY);
}

interface Run {
  mining: number;
  clustering: number;
  total: number;
  /** CPU time of the whole recompute (this thread and the collector's): steadier than wall time on a shared machine. */
  cpu: number;
  corpus: string;
  hotspots: string;
}

interface Engine<D, C> {
  prepareDoc(i: HotspotInput, p: HotspotParams): D;
  buildCorpus(docs: readonly D[], p: HotspotParams): C;
  detectFromCorpus(c: C, p: HotspotParams): Hotspot[];
  linkWeights(c: C): { weight: number[]; norm: number[]; days: (number | null)[] };
  cluster: typeof current.cluster;
}

/** One engine on the tickets, prepared by its own prepareDoc (not timed: the worker does it as tickets arrive): the whole recompute (mining, then clustering and ranking), then the clustering step alone. */
function runEngine<D, C extends { docs: D[]; terms: unknown; docTerms: number[][]; concentration: number[] }>(engine: Engine<D, C>, held: HotspotInput[], now: number): Run {
  const p = { ...DEFAULT_PARAMS, now };
  // The two engines' documents differ (token strings before, token ids now): each prepares its own.
  const docs = held.map((m) => engine.prepareDoc(m, p));
  const m0 = performance.now();
  const u0 = process.cpuUsage();
  const corpus = engine.buildCorpus(docs, p);
  const mining = performance.now() - m0;
  const hotspots = engine.detectFromCorpus(corpus, p);
  const total = performance.now() - m0;
  const u = process.cpuUsage(u0);
  const cpu = (u.user + u.system) / 1000;
  const { weight, norm, days } = engine.linkWeights(corpus);
  const c0 = performance.now();
  engine.cluster(
    corpus.docs.map((_, i) => i),
    corpus.docTerms,
    weight,
    norm,
    days,
    p.linkThreshold,
    p,
  );
  const clustering = performance.now() - c0;
  return { mining, clustering, total, cpu, corpus: JSON.stringify([corpus.terms, corpus.docTerms, corpus.concentration]), hotspots: JSON.stringify(hotspots) };
}

const pair = (a: number | undefined, b: number): string => (a === undefined ? `– → ${s(b)}` : `${s(a)} → ${s(b)} (${(a / b).toFixed(1)}×)`);

export async function benchHotspotsScale(sizes: number[], beforeMax: number, log: (s: string) => void): Promise<string> {
  const rows = [
    '| tickets (in 90-day horizon) | mining terms, before → now | clustering step, before → now | whole recompute in process, before → now | its CPU time, before → now | same terms, vectors, hotspots | full recompute in worker (now) | of which garbage collection | main event-loop delay p99 / max | add one ticket |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const stepRows = new Map<string, string[]>();
  for (const n of sizes) {
    const held = horizonOf(n);
    const now = held.reduce((a, m) => Math.max(a, m.time ?? 0), 0);
    log(`${n}: generated, ${held.length} in the horizon`);

    // The worker first, while the main thread holds only the tickets (as the app's main process
    // does): the in-process runs below leave garbage whose collection would show in the delay.
    const client = new HotspotWorkerClient({ horizonDays: 90, tzOffsetMinutes: 480 });
    const keep = setInterval(() => undefined, 1000); // the worker does not keep the process alive
    let worker: { ms: number; gcMs: number; p99: number; max: number };
    try {
      for (let i = 0; i < held.length; i += 5000) client.add(held.slice(i, i + 5000));
      const h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      const r = await client.compute(now);
      h.disable();
      worker = { ms: r.ms, gcMs: r.gcMs, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
      log(`${n}: worker recompute ${s(r.ms)} (garbage collection ${s(r.gcMs)}), ${r.hotspots.length} hotspots`);
      for (const [step, ms] of Object.entries(r.steps)) {
        const row = stepRows.get(step) ?? [];
        row[sizes.indexOf(n)] = s(ms);
        stepRows.set(step, row);
      }
    } finally {
      clearInterval(keep);
      await client.close();
    }

    const index = new HotspotIndex({}, 90);
    const sample = held.slice(0, 10_000);
    const a0 = performance.now();
    for (const m of sample) index.add([m]);
    const perTicket = (performance.now() - a0) / sample.length;

    const after = runEngine(current, held, now);
    log(`${n}: now: mining ${s(after.mining)}, clustering ${s(after.clustering)}, whole ${s(after.total)} (CPU ${s(after.cpu)})`);
    let old: Run | undefined;
    let same = `not run (> ${beforeMax.toLocaleString('en')} documents)`;
    if (held.length <= beforeMax) {
      old = runEngine(before, held, now);
      same = old.corpus === after.corpus && old.hotspots === after.hotspots ? 'same' : '**DIFFERENT**';
      log(`${n}: before: mining ${s(old.mining)}, clustering ${s(old.clustering)}, whole ${s(old.total)} (CPU ${s(old.cpu)}); ${same}`);
    }
    rows.push(
      `| ${n.toLocaleString('en')} (${held.length.toLocaleString('en')}) | ${pair(old?.mining, after.mining)} | ${pair(old?.clustering, after.clustering)} | ${pair(old?.total, after.total)} | ${pair(old?.cpu, after.cpu)} | ${same} | ${s(worker.ms)} | ${s(worker.gcMs)} | ${worker.p99.toFixed(1)} / ${worker.max.toFixed(1)} ms | ${perTicket.toFixed(3)} ms |`,
    );
  }
  const breakdown = [
    `| step of the worker's recompute (wall time, garbage collection included) | ${sizes.map((n) => n.toLocaleString('en')).join(' | ')} |`,
    `|---|${sizes.map(() => '---').join('|')}|`,
    ...[...stepRows].map(([step, row]) => `| ${step} | ${sizes.map((_, i) => row[i] ?? '–').join(' | ')} |`),
  ];
  return `${rows.join('\n')}\n\n${breakdown.join('\n')}`;
}

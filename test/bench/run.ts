/**
 * Store benchmarks on generated data of realistic size: `npm run bench`
 * (BENCH_TICKETS=100000 for a quicker run; BENCH_CACHE_DIR to keep the built stores elsewhere;
 * BENCH_ONLY=both for the SQLite/PostgreSQL comparison alone; BENCH_ITER, BENCH_CLAIM_ROUNDS,
 * BENCH_PINGS for its sample sizes; BENCH_SEARCH_TICKETS for the search comparison, which fills its own
 * index: default the smaller of BENCH_TICKETS and 200,000, 0 skips it). Prints markdown tables:
 * percentiles and throughput, each beside its baseline; the second puts both stores side by side
 * (both-stores.bench.ts), the third compares search (search-both.bench.ts).
 *
 * BENCH_ONLY=desks: a center with many desks (center-desks.bench.ts) alone: BENCH_DESKS WebSocket
 * desks (default 200) against one, then two console servers on one PostgreSQL, BENCH_DESK_SECONDS
 * (default 60) of work each, BENCH_DESK_TICKETS demo tickets (default 20,000). It takes five to six
 * minutes (demo load, two 60 s runs, sign-ins, replays), so the default run leaves it out.
 *
 * BENCH_ONLY=intake-sqlite: intake save and screen pop on SQLite at BENCH_TICKETS (default 1,000,000):
 * the store without its search index, with it built and each save's document in the main index
 * (before migration 0030), and with saves writing the fresh index (after), alternating (intake-sqlite.bench.ts).
 *
 * BENCH_ONLY=routing: 智能派单 suggest and learn p50/p99 alone (routing.bench.ts) on the counts of
 * BENCH_ROUTING_TICKETS generated dispatches (default 1,000,000) against 10,000.
 *
 * BENCH_ONLY=wallboard: the wallboard's KPI read alone (wallboard.bench.ts), old history scan against
 * the daily counts, and an agent's wait while wallboards read, on BENCH_WALLBOARD_TICKETS stores
 * (comma-separated sizes, default 200000,1000000). The default run measures it at BENCH_TICKETS.
 *
 * BENCH_ONLY=wallboard-live: the live wallboard in Debian Chromium against a host-mode console
 * (wallboard-live.bench.ts; `npm run build` first): BENCH_WALL_AGENTS signed-in agents (300),
 * BENCH_WALL_RATE seat events a second (50) for BENCH_WALL_SECONDS (60), then BENCH_WALL_HOUR_EVENTS
 * (rate × 3600) sent compressed at BENCH_WALL_SOAK_RATE (400) a second before memory is read.
 * Event-to-screen percentiles on what the lead sees (seat rows in view, and the 示忙 count walked by
 * BENCH_WALL_PROBES agents at BENCH_WALL_PROBE_RATE a second), where the time goes, frame time, main CPU
 * per event, memory; BENCH_WALL_ALL_ROWS=1 renders every seat row (a heavier page). BENCH_WALL_APP_DIR runs another
 * checkout's build instead (a baseline commit: `git worktree add --detach DIR COMMIT`, `npm run build`
 * there); BENCH_WALL_BASELINE_DIR=DIR runs such a baseline build and this one alternately for
 * BENCH_WALL_ROUNDS rounds (default 2) and prints both side by side, pooled (the same machine load for
 * both); BENCH_WALL_HOST_ARGS passes node flags to the host (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
 * Not in the default run.
 * BENCH_ONLY=analysis: the monthly analysis (monthly-analysis.bench.ts), one month's report and its
 * Word file on a BENCH_ANALYSIS_TICKETS store (default 1000000).
 * BENCH_ONLY=hotspots: the hotspot worker alone (hotspots.bench.ts) on BENCH_HOTSPOT_TICKETS
 * generated tickets (default 1,000,000): full recompute, cost per new ticket, event-loop delay.
 * BENCH_ONLY=hotspots-scale: the hotspot recompute at BENCH_HOTSPOT_SIZES generated tickets (default
 * 100000,1000000; hotspots-scale.bench.ts): mining, the clustering step and the whole recompute in
 * process, the engine before its speed-up (only up to BENCH_HOTSPOT_BEFORE_MAX documents in the
 * horizon) beside the current one with a check that they agree, the full recompute in the worker
 * with the main thread's event-loop delay, and one ticket's add.
 * BENCH_ONLY=recording: the cost of recording a call (recording.bench.ts): CPU of the agent's
 * renderer and the host's main process during a recorded WebRTC call through Kamailio, beside the
 * seat idle, and bytes per minute; BENCH_RECORDING_SECONDS (default 60). Needs `npm run build`.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REFERENCE_DATE, generateReferenceData, generateTickets, type TicketBundle } from '../../electron/demo';
import { createDemoWriter } from '../../electron/store/demo-writer';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
import { markdownTable, measure, type Row, type Sample } from './harness';
import { SCREEN_POP_SCAN_SQL, SCREEN_POP_SQL } from './queries';
import { BENCH_SEED, ensureBenchStore, ensureIndexedBenchStore } from './store-cache';
import { benchSearch, searchBothTable } from './search-both.bench';
import { benchCategory } from './category.bench';
import { benchBothStores } from './both-stores.bench';
import { benchDesks } from './center-desks.bench';
import { benchWallboard, type WallboardBench } from './wallboard.bench';
import { benchRouting } from './routing.bench';
import { benchIntakeSqlite } from './intake-sqlite.bench';
import { benchWallboardLive, compareWallboardLive } from './wallboard-live.bench';
import { benchMonthlyAnalysis } from './monthly-analysis.bench';
import { benchHotspots } from './hotspots.bench';
import { benchHotspotsScale } from './hotspots-scale.bench';
import { benchRecording } from './recording.bench';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const SEARCH_TICKETS = Number(process.env.BENCH_SEARCH_TICKETS ?? Math.min(TICKETS, 200_000));
const BATCH = 10_000;
const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'recording') {
    const seconds = Number(process.env.BENCH_RECORDING_SECONDS ?? 60);
    if (!Number.isInteger(seconds) || seconds < 5) throw new Error('BENCH_RECORDING_SECONDS must be an integer ≥ 5');
    console.log(`\n${await benchRecording(seconds, log)}`);
    console.log(`\nNode ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores.`);
    return;
  }
  if (process.env.BENCH_ONLY === 'desks') {
    const t0 = performance.now();
    const int = (name: string, fallback: number, min: number) => {
      const v = Number(process.env[name] ?? fallback);
      if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer ≥ ${min}`);
      return v;
    };
    console.log(`\n${await benchDesks({
      desks: int('BENCH_DESKS', 200, 2), seconds: int('BENCH_DESK_SECONDS', 60, 5), tickets: int('BENCH_DESK_TICKETS', 20_000, 100),
      replayDesks: 20, replayWrites: 10, log,
    })}`);
    console.log(`\nNode ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores; total ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
    return;
  }
  if (process.env.BENCH_ONLY === 'wallboard-live') {
    const t0 = performance.now();
    const num = (name: string, fallback: number, min: number) => {
      const v = Number(process.env[name] ?? fallback);
      if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer ≥ ${min}`);
      return v;
    };
    const rate = num('BENCH_WALL_RATE', 50, 1);
    const options = {
      agents: num('BENCH_WALL_AGENTS', 300, 4), rate, seconds: num('BENCH_WALL_SECONDS', 60, 5),
      hourEvents: num('BENCH_WALL_HOUR_EVENTS', rate * 3600, 0), soakRate: num('BENCH_WALL_SOAK_RATE', 400, 1), allRows: process.env.BENCH_WALL_ALL_ROWS === '1', log,
      probes: num('BENCH_WALL_PROBES', 12, 0), probeRate: num('BENCH_WALL_PROBE_RATE', 4, 0), margin: num('BENCH_WALL_MARGIN', 3, 0),
      appDir: process.env.BENCH_WALL_APP_DIR, hostArgs: process.env.BENCH_WALL_HOST_ARGS?.split(' ').filter(Boolean),
    };
    const baseline = process.env.BENCH_WALL_BASELINE_DIR;
    console.log(`\n${baseline ? await compareWallboardLive(options, baseline, num('BENCH_WALL_ROUNDS', 2, 1)) : (await benchWallboardLive(options)).report}`);
    console.log(`\nNode ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores; total ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
    return;
  }
  if (!Number.isInteger(TICKETS) || TICKETS < 1000) throw new Error('BENCH_TICKETS must be an integer ≥ 1000');
  const t0 = performance.now();
  if (process.env.BENCH_ONLY === 'intake-sqlite') {
    const n = Number(process.env.BENCH_TICKETS ?? 1_000_000);
    const plain = (await ensureBenchStore(n, BENCH_SEED, log)).file;
    const indexed = await ensureIndexedBenchStore(n, BENCH_SEED, log);
    const work = mkdtempSync(join(tmpdir(), 'hotline-bench-intake-'));
    try {
      const r = await benchIntakeSqlite(plain, indexed, work, Number(process.env.BENCH_ITER ?? 2000), log);
      console.log(`\n### SQLite intake save and screen pop, ${n.toLocaleString('en')} demo tickets (seed ${BENCH_SEED}), without and with the search index, alternating\n\n${markdownTable(r.rows)}\n\n${r.note}`);
    } finally { rmSync(work, { recursive: true, force: true }); }
    return;
  }
  if (process.env.BENCH_ONLY === 'routing') {
    const n = Number(process.env.BENCH_ROUTING_TICKETS ?? 1_000_000);
    if (!Number.isInteger(n) || n < 10_000) throw new Error('BENCH_ROUTING_TICKETS must be an integer ≥ 10000');
    const r = await benchRouting(n, log);
    console.log(`\n${markdownTable(r.rows)}\n\n${r.note}`);
    return;
  }
  if (process.env.BENCH_ONLY === 'analysis') {
    const n = Number(process.env.BENCH_ANALYSIS_TICKETS ?? '1000000');
    if (!Number.isInteger(n) || n < 1000) throw new Error('BENCH_ANALYSIS_TICKETS must be an integer ≥ 1000');
    const work = mkdtempSync(join(tmpdir(), 'hotline-bench-analysis-'));
    try {
      const r = await benchMonthlyAnalysis(n, work, log);
      console.log(`\n### Monthly analysis (每月分析研判), ${n.toLocaleString('en')} demo tickets (seed ${BENCH_SEED}), SQLite\n`);
      console.log(markdownTable(r.rows));
      for (const note of r.notes) console.log(`\n${note}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return;
  }
  if (process.env.BENCH_ONLY === 'hotspots') {
    const n = Number(process.env.BENCH_HOTSPOT_TICKETS ?? 1_000_000);
    if (!Number.isInteger(n) || n < 1000) throw new Error('BENCH_HOTSPOT_TICKETS must be an integer ≥ 1000');
    console.log(`\n${await benchHotspots(n, log)}`);
    console.log(`\nNode ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores; total ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
    return;
  }
  if (process.env.BENCH_ONLY === 'hotspots-scale') {
    const sizes = (process.env.BENCH_HOTSPOT_SIZES ?? '100000,1000000').split(',').map(Number);
    if (sizes.some((n) => !Number.isInteger(n) || n < 1000)) throw new Error('BENCH_HOTSPOT_SIZES: sizes must be integers ≥ 1000');
    const beforeMax = Number(process.env.BENCH_HOTSPOT_BEFORE_MAX ?? Infinity);
    console.log(`\n${await benchHotspotsScale(sizes, beforeMax, log)}`);
    console.log(`\nNode ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores; total ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
    return;
  }
  if (process.env.BENCH_ONLY === 'wallboard') {
    const sizes = (process.env.BENCH_WALLBOARD_TICKETS ?? '200000,1000000').split(',').map(Number);
    if (sizes.some((n) => !Number.isInteger(n) || n < 1000)) throw new Error('BENCH_WALLBOARD_TICKETS: sizes must be integers ≥ 1000');
    const work = mkdtempSync(join(tmpdir(), 'hotline-bench-wallboard-'));
    try {
      for (const n of sizes) printWallboard(n, await benchWallboard(n, work, log));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    console.log(`\nNode ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores; total ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
    return;
  }
  const built = await ensureBenchStore(TICKETS, BENCH_SEED, log);
  log(built.builtMs === null ? `using cached ${built.file}` : `built ${built.file} in ${(built.builtMs / 1000).toFixed(1)} s`);
  const work = mkdtempSync(join(tmpdir(), 'hotline-bench-run-'));
  const rows: Row[] = [];
  let both: Awaited<ReturnType<typeof benchBothStores>>;
  let search: Awaited<ReturnType<typeof benchSearch>> | null = null;
  let wallboard: WallboardBench | null = null;
  try {
    // BENCH_ONLY=both: the SQLite/PostgreSQL comparison alone (the SQLite-only rows take a while at 1M).
    if (process.env.BENCH_ONLY !== 'both') {
      rows.push(...await benchOpen(built.file, work));
      rows.push(...await benchScreenPop(built.file));
      rows.push(...await benchBulkInsert(built.file, work));
      rows.push(...await benchCategory(built.file, work, BENCH_SEED, log));
      wallboard = await benchWallboard(TICKETS, work, log);
    }
    both = await benchBothStores(built.file, work, TICKETS, BENCH_SEED, log);
    // Search fills its own PostgreSQL index (minutes per 100k tickets): BENCH_SEARCH_TICKETS, 0 to skip.
    if (SEARCH_TICKETS > 0) search = await benchSearch({ tickets: SEARCH_TICKETS, log });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (rows.length) {
    console.log(`\n### Store benchmarks: ${TICKETS.toLocaleString('en')} demo tickets (seed ${BENCH_SEED})\n`);
    console.log(markdownTable(rows));
  }
  if (wallboard) printWallboard(TICKETS, wallboard);
  console.log(`\n### SQLite and PostgreSQL side by side: ${TICKETS.toLocaleString('en')} demo tickets each (seed ${BENCH_SEED})\n`);
  console.log(markdownTable(both.rows));
  for (const note of both.notes) console.log(`\n${note}`);
  if (search) console.log(`\n${searchBothTable(search, SEARCH_TICKETS)}`);
  console.log(`\nNode ${process.version}, ${process.platform}/${process.arch}; total ${((performance.now() - t0) / 1000).toFixed(0)} s.`
    + ' Opens run with a warm OS page cache (dropping it needs root).');
}

function printWallboard(tickets: number, r: WallboardBench): void {
  console.log(`\n### Wallboard KPIs: history scan (old) against daily counts (new), ${tickets.toLocaleString('en')} demo tickets (seed ${BENCH_SEED})\n`);
  console.log(markdownTable(r.rows));
  for (const note of r.notes) console.log(`\n${note}`);
}

/** Open (header check, pragmas, migration check) and close: the big store against an empty one. */
async function benchOpen(file: string, work: string): Promise<Row[]> {
  log('open ...');
  const emptyFile = join(work, 'empty.sqlite');
  await (await openSqliteStore(emptyFile)).close();
  const openClose = (f: string) => async () => { const s = await openSqliteStore(f); await s.close(); };
  const big = await measure(30, openClose(file), { warmup: 2, unit: 'opens' });
  const empty = await measure(30, openClose(emptyFile), { warmup: 2, unit: 'opens' });
  // What the first screen pop after start-up costs, on top of the open.
  const firstQuery = await measure(10, async () => {
    const s = await openSqliteStore(file);
    s.sqlite!.prepare(SCREEN_POP_SQL).all('13800000000');
    await s.close();
  }, { warmup: 1, unit: 'opens' });
  return [
    { name: `open + close the ${TICKETS.toLocaleString('en')}-ticket store`, sample: big, baseline: { name: 'empty store', sample: empty } },
    { name: 'open + first screen pop + close', sample: firstQuery, baseline: { name: 'empty store', sample: empty } },
  ];
}

/** The screen pop: a caller's last 20 tickets by phone, via the index, raw and through Kysely. */
async function benchScreenPop(file: string): Promise<Row[]> {
  log('screen pop ...');
  const store = await openSqliteStore(file);
  try {
    const db = store.sqlite!;
    const total = db.prepare('select count(*) from citizens').pluck().get() as number;
    const step = Math.max(1, Math.floor(total / 1000));
    // Every step-th citizen: a deterministic spread over one-time and frequent callers.
    const phones = db.prepare('select phone from citizens where rowid % ? = 0 limit 1000').pluck().all(step) as string[];
    const indexed = db.prepare(SCREEN_POP_SQL);
    const scan = db.prepare(SCREEN_POP_SCAN_SQL);
    const pick = (i: number) => phones[(i + phones.length) % phones.length]!;
    const seek = await measure(phones.length, (i) => indexed.all(pick(i)), { warmup: 50, unit: 'queries' });
    const viaKysely = await measure(phones.length, (i) => store.db.selectFrom('tickets')
      .select(['id', 'number', 'created_at', 'status', 'appeal_type', 'title'])
      .where('phone', '=', pick(i)).orderBy('created_at', 'desc').limit(20).execute(), { warmup: 50, unit: 'queries' });
    const scanIterations = TICKETS >= 500_000 ? 15 : 50;
    const full = await measure(scanIterations, (i) => scan.all(pick(i * 61)), { warmup: 1, unit: 'queries' });
    const heavy = db.prepare('select phone from tickets where phone is not null group by phone order by count(*) desc limit 1').pluck().get() as string;
    const frequent = await measure(200, () => indexed.all(heavy), { warmup: 10, unit: 'queries' });
    const base = { name: 'same query, NOT INDEXED (full scan)', sample: full };
    return [
      { name: 'screen pop: last 20 tickets by phone (index)', sample: seek, baseline: base },
      { name: 'screen pop via Kysely (service path)', sample: viaKysely, baseline: base },
      { name: 'screen pop, most frequent caller', sample: frequent, baseline: base },
    ];
  } finally {
    await store.close();
  }
}

/**
 * Inserting a 10k-ticket batch (with its callers and events) in one transaction at the store's
 * production settings (WAL, synchronous=NORMAL): into a copy of the big store against an empty one.
 */
async function benchBulkInsert(file: string, work: string): Promise<Row[]> {
  log('bulk insert ...');
  const ref = generateReferenceData(BENCH_SEED);
  const iterations = 5;
  const batches: TicketBundle[][] = [];
  for (let i = 0; i < iterations + 1; i++) {
    // Own seeds, number prefixes and caller ranges: nothing collides with the stored rows' unique keys.
    batches.push([...generateTickets({
      seed: 1000 + i, count: BATCH, referenceDate: DEFAULT_REFERENCE_DATE, days: 30, reference: ref,
      numberPrefix: `B${String.fromCharCode(65 + i)}`, citizenBase: 50_000_000 + i * 100_000,
    })]);
  }
  const rowsPerBatch = batches[0]!.reduce((n, b) => n + 1 + b.events.length + (b.citizen ? 1 : 0), 0);
  const run = async (target: string, prepare: (s: Store) => void): Promise<Sample> => {
    const store = await openSqliteStore(target);
    try {
      prepare(store);
      const writer = createDemoWriter(store.sqlite!);
      const insert = store.sqlite!.transaction((batch: TicketBundle[]) => { for (const b of batch) writer.writeBundle(b); writer.endBatch(); });
      return await measure(iterations, (i) => insert(batches[i < 0 ? iterations : i]!), { warmup: 1, unitsPerIteration: rowsPerBatch, unit: 'rows' });
    } finally {
      await store.close();
    }
  };
  const copy = join(work, 'big-copy.sqlite');
  log('  copying the store ...');
  copyFileSync(file, copy);
  const big = await run(copy, () => {});
  rmSync(copy, { force: true });
  const empty = await run(join(work, 'empty-insert.sqlite'), (s) => {
    const w = createDemoWriter(s.sqlite!);
    s.sqlite!.transaction(() => w.writeReference(ref))();
  });
  return [{ name: `bulk insert ${BATCH.toLocaleString('en')} tickets (${rowsPerBatch.toLocaleString('en')} rows) into the big store`, sample: big,
    baseline: { name: 'same batch into an empty store', sample: empty } }];
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

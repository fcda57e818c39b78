/**
 * Store benchmarks on generated data of realistic size: `npx tsx test/bench/run.ts`
 * (BENCH_TICKETS=20000 for a quick run; BENCH_CACHE_DIR to keep the built store elsewhere).
 * Prints one markdown table: percentiles and throughput, each beside its baseline.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoWriter, DEFAULT_REFERENCE_DATE, generateReferenceData, generateTickets, type TicketBundle } from '../../electron/demo';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
import { markdownTable, measure, type Row, type Sample } from './harness';
import { SCREEN_POP_SCAN_SQL, SCREEN_POP_SQL } from './queries';
import { BENCH_SEED, ensureBenchStore } from './store-cache';
import { benchCategory } from './category.bench';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const BATCH = 10_000;
const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  if (!Number.isInteger(TICKETS) || TICKETS < 1000) throw new Error('BENCH_TICKETS must be an integer ≥ 1000');
  const t0 = performance.now();
  const built = await ensureBenchStore(TICKETS, BENCH_SEED, log);
  log(built.builtMs === null ? `using cached ${built.file}` : `built ${built.file} in ${(built.builtMs / 1000).toFixed(1)} s`);
  const work = mkdtempSync(join(tmpdir(), 'hotline-bench-run-'));
  const rows: Row[] = [];
  try {
    rows.push(...await benchOpen(built.file, work));
    rows.push(...await benchScreenPop(built.file));
    rows.push(...await benchBulkInsert(built.file, work));
    rows.push(...await benchCategory(built.file, work, BENCH_SEED, log));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`\n### Store benchmarks: ${TICKETS.toLocaleString('en')} demo tickets (seed ${BENCH_SEED})\n`);
  console.log(markdownTable(rows));
  console.log(`\nNode ${process.version}, ${process.platform}/${process.arch}; total ${((performance.now() - t0) / 1000).toFixed(0)} s.`
    + ' Opens run with a warm OS page cache (dropping it needs root).');
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
      const insert = store.sqlite!.transaction((batch: TicketBundle[]) => { for (const b of batch) writer.writeBundle(b); });
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

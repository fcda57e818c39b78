/**
 * Ticket full-text search on generated data: `npx tsx test/bench/search.bench.ts`
 * (BENCH_TICKETS, default 1000000; BENCH_BASELINE_QUERIES, default 20, substring scans per length).
 *
 * Uses the demo store test/bench builds (store-cache.ts); a cached store of an older schema (before
 * migration 0005) is copied and migrated rather than regenerated. The indexed copy is kept beside it,
 * so a second run skips the index build (delete it to measure the build again).
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { GENERATOR_VERSION } from '../../electron/demo';
import { reindexAll, searchIndexStatus } from '../../electron/store/search/indexer';
import { SearchClient } from '../../electron/search/search-client';
import { createSearchEngine } from '../../electron/store/search/sqlite-search';
import { searchWorkerLocation } from '../../electron/store/search/search-index';
import type { SearchInput } from '../../electron/search/query';
import { mulberry32, removeStoreFiles } from '../../electron/store/search/testing';
import { TOKENIZER_VERSION } from '../../electron/search/tokenize';
import { migrations } from '../../electron/store/migrations';
import { openSqliteStore } from '../../electron/store/sqlite';
import { fmtMs, percentile } from './harness';
import { BENCH_SEED, benchCacheDir, cachedStorePath, ensureBenchStore } from './store-cache';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const QUERIES = 200;
const BASELINE_QUERIES = Number(process.env.BENCH_BASELINE_QUERIES ?? 20);
const log = (s: string) => process.stderr.write(`${s}\n`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** A demo store without the search index: the current schema's cache, or an older one migrated. */
async function sourceStore(): Promise<string> {
  const current = cachedStorePath(BENCH_SEED, TICKETS);
  if (existsSync(current)) return current;
  const older = readdirSync(benchCacheDir())
    .map((f) => /^demo-s(\d+)-n(\d+)-schema(\d+)-gen(\d+)\.sqlite$/.exec(f))
    .filter((m): m is RegExpExecArray => !!m && Number(m[1]) === BENCH_SEED && Number(m[2]) === TICKETS
      && Number(m[4]) === GENERATOR_VERSION && Number(m[3]) < migrations.length)
    .sort((a, b) => Number(b[3]) - Number(a[3]))[0];
  if (!older) return (await ensureBenchStore(TICKETS, BENCH_SEED, log)).file;
  const src = join(benchCacheDir(), older[0]);
  if (existsSync(`${src}-wal`) && statSync(`${src}-wal`).size > 0) return (await ensureBenchStore(TICKETS, BENCH_SEED, log)).file;
  log(`copying ${src} (schema ${older[3]}) to migrate it`);
  return src;
}

async function indexedStore(): Promise<{ file: string; buildMs: number | null; sizeBefore: number; sizeAfter: number }> {
  const file = join(benchCacheDir(), `search-s${BENCH_SEED}-n${TICKETS}-schema${migrations.length}-gen${GENERATOR_VERSION}-tok${TOKENIZER_VERSION}.sqlite`);
  const sizesFile = `${file}.sizes.json`;
  if (existsSync(file) && existsSync(sizesFile)) {
    const { sizeBefore, sizeAfter, buildMs } = JSON.parse((await import('node:fs')).readFileSync(sizesFile, 'utf8')) as { sizeBefore: number; sizeAfter: number; buildMs: number };
    log(`using indexed ${file}`);
    return { file, buildMs, sizeBefore, sizeAfter };
  }
  const src = await sourceStore();
  const partial = `${file}.partial`;
  removeStoreFiles(partial);
  copyFileSync(src, partial);
  const store = await openSqliteStore(partial);
  const sqlite = store.sqlite!;
  const pages = () => (sqlite.pragma('page_count', { simple: true }) as number) * (sqlite.pragma('page_size', { simple: true }) as number);
  const sizeBefore = pages();
  let last = 0;
  const r = await reindexAll(store, {
    batchSize: 2000,
    // A build for the bench, nothing else waits on this thread: whole batches, the fastest rebuild.
    sliceMs: Infinity,
    onProgress(done, total) {
      if (performance.now() - last > 10_000) {
        last = performance.now();
        log(`  indexing ${done}/${total}`);
      }
    },
  });
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const sizeAfter = pages();
  await store.close();
  renameSync(partial, file);
  (await import('node:fs')).writeFileSync(sizesFile, JSON.stringify({ sizeBefore, sizeAfter, buildMs: r.ms }));
  return { file, buildMs: r.ms, sizeBefore, sizeAfter };
}

/** Random substrings of ticket text of `len` characters, letters and digits only (what agents type). */
function drawQueries(db: Database.Database, len: number, n: number, seed: number): string[] {
  const rnd = mulberry32(seed);
  const maxRow = db.prepare('select max(rowid) from tickets').pluck().get() as number;
  const get = db.prepare('select title, content from tickets where rowid = ?');
  const out: string[] = [];
  while (out.length < n) {
    const row = get.get(1 + Math.floor(rnd() * maxRow)) as { title: string; content: string } | undefined;
    if (!row) continue;
    const chars = [...(rnd() < 0.2 ? row.title : row.content)];
    if (chars.length < len) continue;
    const at = Math.floor(rnd() * (chars.length - len + 1));
    const q = chars.slice(at, at + len).join('');
    if (/^[\p{L}\p{N}]+$/u.test(q)) out.push(q);
  }
  return out;
}

interface Line {
  name: string;
  n: number;
  p50: number;
  p99: number;
  base?: { n: number; p50: number; max: number };
}

function timeAll(fn: (q: string) => unknown, queries: string[]): number[] {
  const ms: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    fn(q);
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b);
}

async function eventLoopDelay(run: () => Promise<void>): Promise<{ p99: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  // A 1 ms timer stands in for SIP timers and IPC: it measures how late the loop gets to them.
  const tick = setInterval(() => {}, 1);
  h.enable();
  await run();
  h.disable();
  clearInterval(tick);
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
}

async function main(): Promise<void> {
  if (!Number.isInteger(TICKETS) || TICKETS < 1000) throw new Error('BENCH_TICKETS must be an integer ≥ 1000');
  const t0 = performance.now();
  const idx = await indexedStore();
  const db = new Database(idx.file, { readonly: true });
  db.pragma('cache_size = -65536');
  const status = searchIndexStatus(db);
  if (!status.upToDate) throw new Error(`index incomplete: ${JSON.stringify(status)}`);
  const engine = createSearchEngine(db);
  // The baseline is the same request answered by a scan: newest 50 containing the text, and the count up to 1000.
  const scanRows = db.prepare(`select id from tickets where instr(title, @q) > 0 or instr(content, @q) > 0 order by created_at desc limit 50`);
  const scanCount = db.prepare(`select count(*) from (select 1 from tickets where instr(title, @q) > 0 or instr(content, @q) > 0 limit 1001)`);
  const lines: Line[] = [];
  const queriesByLen = new Map<number, string[]>();
  for (const len of [2, 3, 4]) {
    const queries = drawQueries(db, len, QUERIES, 1000 + len);
    queriesByLen.set(len, queries);
    for (const q of queries.slice(0, 10)) engine.search({ text: q }); // warm-up
    const ms = timeAll((q) => engine.search({ text: q, limit: 50 }), queries);
    log(`  ${len}-char: search p50 ${fmtMs(percentile(ms, 50))}; running ${BASELINE_QUERIES} scans`);
    const base = timeAll((q) => {
      scanRows.all({ q });
      scanCount.get({ q });
    }, queries.slice(0, BASELINE_QUERIES));
    lines.push({ name: `${len}-char query, top 50 + count ≤ 1000`, n: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99),
      base: { n: base.length, p50: percentile(base, 50), max: base[base.length - 1]! } });
    const noCount = timeAll((q) => engine.search({ text: q, limit: 50, countCap: 0 }), queries);
    lines.push({ name: `${len}-char query, top 50, no count`, n: noCount.length, p50: percentile(noCount, 50), p99: percentile(noCount, 99) });
  }
  // Filters force the join per hit: a common 2-character text restricted to one district and closed tickets.
  const district = db.prepare(`select district_code from tickets where district_code is not null limit 1`).pluck().get() as string;
  const filtered = queriesByLen.get(2)!.map((text): SearchInput => ({ text, districtCode: district, status: ['closed'], limit: 50 }));
  const fms = timeAll((q) => engine.search(filtered.find((f) => f.text === q)!), filtered.map((f) => f.text!));
  lines.push({ name: '2-char query + district + status filters', n: fms.length, p50: percentile(fms, 50), p99: percentile(fms, 99) });

  // Event-loop delay on the main thread: 50 searches through the worker vs. on the main thread.
  const mix: SearchInput[] = [];
  for (let i = 0; i < 50; i++) {
    const len = 2 + (i % 3);
    const text = queriesByLen.get(len)![i]!;
    mix.push(i % 5 === 0 ? { text, districtCode: district, status: ['closed'], countCap: 10_000 } : { text, countCap: 10_000 });
  }
  const client = new SearchClient({ file: idx.file, workerUrl: searchWorkerLocation() });
  await client.search({ text: '来电' }); // worker start-up is not part of the measurement
  const viaWorker = await eventLoopDelay(async () => {
    for (const input of mix) await client.search(input);
  });
  const inProcess = await eventLoopDelay(async () => {
    for (const input of mix) {
      engine.search(input);
      await new Promise<void>((r) => setImmediate(r));
    }
  });
  await client.close();
  db.close();

  console.log(`\n### Ticket search: ${TICKETS.toLocaleString('en')} demo tickets (seed ${BENCH_SEED}), ${QUERIES} random queries per length\n`);
  console.log('| benchmark | n | p50 | p99 | substring scan (n) | scan p50 | scan max | p50 speed-up |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const l of lines) {
    const b = l.base;
    console.log(`| ${l.name} | ${l.n} | ${fmtMs(l.p50)} | ${fmtMs(l.p99)} | ${b ? b.n : ''} | ${b ? fmtMs(b.p50) : ''} | ${b ? fmtMs(b.max) : ''} | ${b ? `${(b.p50 / l.p50).toFixed(0)}×` : ''} |`);
  }
  console.log('\n| index | value |');
  console.log('|---|---:|');
  console.log(`| build time (reindexAll, ${TICKETS.toLocaleString('en')} tickets) | ${idx.buildMs === null ? 'n/a' : fmtMs(idx.buildMs)} |`);
  console.log(`| DB size without index | ${mb(idx.sizeBefore)} |`);
  console.log(`| DB size with index | ${mb(idx.sizeAfter)} (+${mb(idx.sizeAfter - idx.sizeBefore)}, +${(((idx.sizeAfter - idx.sizeBefore) / idx.sizeBefore) * 100).toFixed(0)}%) |`);
  console.log('\n| main-thread event-loop delay while 50 searches run (count ≤ 10000) | p99 | max |');
  console.log('|---|---:|---:|');
  console.log(`| through the worker (SearchClient) | ${fmtMs(viaWorker.p99)} | ${fmtMs(viaWorker.max)} |`);
  console.log(`| in-process on the main thread | ${fmtMs(inProcess.p99)} | ${fmtMs(inProcess.max)} |`);
  console.log(`\nNode ${process.version}, ${process.platform}/${process.arch}; warm OS page cache; total ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
}

await main();

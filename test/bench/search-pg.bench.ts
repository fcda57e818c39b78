/**
 * Ticket full-text search, SQLite FTS5 against PostgreSQL's tsvector index (the two SearchIndex
 * implementations), side by side on the same generated tickets and the same queries: random 2-, 3-
 * and 4-character substrings of ticket text, newest 50 plus the count up to 1000, as the search box
 * asks. PostgreSQL runs as a private cluster with its default durability (test/support/postgres.ts).
 * Run: npx tsx test/bench/search-pg.bench.ts  (BENCH_TICKETS=100000, BENCH_QUERIES=200)
 *
 * 2026-12-02, 100k tickets, 200 queries per length, on a 2-core machine shared with other jobs
 * (both stores found the same number of matches for every length):
 *   2 chars: SQLite p50 0.97 ms / p99 6.4 ms   PostgreSQL p50 9.7 ms / p99 89 ms
 *   3 chars: SQLite p50 1.75 ms / p99 30 ms    PostgreSQL p50 18.3 ms / p99 159 ms
 *   4 chars: SQLite p50 2.13 ms / p99 15 ms    PostgreSQL p50 15.5 ms / p99 167 ms
 *   index build: SQLite 69.5 s, PostgreSQL 132 s (batches of 2000 in one statement each).
 * PostgreSQL pays a network round trip per query (two with a count) and rechecks phrase positions
 * in each candidate row; FTS5 reads positions from the index itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REFERENCE_DATE, generateReferenceData, generateTickets } from '../../electron/demo';
import type { SearchIndex } from '../../electron/search';
import { createSearchIndex } from '../../electron/store/search';
import { mulberry32 } from '../../electron/store/search/testing';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
import { openPostgresStore } from '../../electron/store/postgres';
import { startPostgres } from '../support/postgres';
import { writeReference, writeTickets } from '../store/seed';
import { fmtMs, percentile } from './harness';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const SEED = 4243;
const log = (s: string) => process.stderr.write(`${s}\n`);

async function fill(store: Store): Promise<SearchIndex> {
  const ref = generateReferenceData(SEED);
  await writeReference(store.db, ref);
  let t0 = performance.now();
  await writeTickets(store.db, generateTickets({ seed: SEED, count: TICKETS, referenceDate: DEFAULT_REFERENCE_DATE, reference: ref }));
  log(`${store.dialect}: ${TICKETS} tickets written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const index = createSearchIndex(store, { inProcess: true });
  t0 = performance.now();
  await index.reindex({ batchSize: 2000 });
  log(`${store.dialect}: indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return index;
}

function drawQueries(texts: string[], len: number, n: number, seed: number): string[] {
  const rnd = mulberry32(seed);
  const out: string[] = [];
  while (out.length < n) {
    const chars = [...texts[Math.floor(rnd() * texts.length)]!];
    if (chars.length < len) continue;
    const at = Math.floor(rnd() * (chars.length - len + 1));
    const q = chars.slice(at, at + len).join('');
    if (/^[\p{L}\p{N}]+$/u.test(q)) out.push(q);
  }
  return out;
}

async function time(index: SearchIndex, queries: string[]): Promise<{ ms: number[]; hits: number }> {
  for (const q of queries.slice(0, 10)) await index.search({ text: q, limit: 50 });
  const ms: number[] = [];
  let hits = 0;
  for (const q of queries) {
    const t0 = performance.now();
    const r = await index.search({ text: q, limit: 50 });
    ms.push(performance.now() - t0);
    hits += r.total.count;
  }
  return { ms: ms.sort((a, b) => a - b), hits };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'search-pg-bench-'));
  const server = await startPostgres({ durable: true });
  try {
    const sqliteStore = await openSqliteStore(join(dir, 'bench.sqlite'));
    const pgStore = await openPostgresStore(await server.createDatabase());
    const sqliteIndex = await fill(sqliteStore);
    const pgIndex = await fill(pgStore);
    const sample = await sqliteStore.db.selectFrom('tickets').select(['title', 'content']).orderBy('id').limit(5000).execute();
    const texts = sample.flatMap((r) => [r.title, r.content, r.content]);
    console.log(`\n| query | n | matches (mean, cap 1000) | SQLite FTS5 p50 | p99 | PostgreSQL tsvector p50 | p99 |`);
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const len of [2, 3, 4]) {
      const queries = drawQueries(texts, len, QUERIES, 700 + len);
      const a = await time(sqliteIndex, queries);
      const b = await time(pgIndex, queries);
      if (a.hits !== b.hits) throw new Error(`stores disagree on ${len}-character queries: ${a.hits} vs ${b.hits} matches`);
      console.log(`| ${len} characters | ${queries.length} | ${(a.hits / queries.length).toFixed(0)} | ${fmtMs(percentile(a.ms, 50))} | ${fmtMs(percentile(a.ms, 99))} | ${fmtMs(percentile(b.ms, 50))} | ${fmtMs(percentile(b.ms, 99))} |`);
    }
    console.log(`\n${TICKETS.toLocaleString('en')} generated tickets, newest 50 + count up to 1000, one process, in-process SQLite engine, PostgreSQL over a local socket (pool of 10).`);
    await sqliteIndex.close();
    await pgIndex.close();
    await sqliteStore.close();
    await pgStore.close();
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

/**
 * Ticket search on both stores side by side: SQLite FTS5 (in-process engine) and PostgreSQL's
 * tsvector index, the same generated tickets and the same queries, newest 50 + the count up to 1000
 * as the search box asks. Query sets: random 2/3/4-character substrings; awkward terms (a run plus a
 * lone character across punctuation or a space, "12#楼", a character with punctuation); 2-character
 * text under filter mixes (district + open states, district + closed, open states + last 30 days,
 * one category). Every query must find the same count on both stores, or the bench fails.
 *
 * Run alone: npx tsx test/bench/search-both.bench.ts (BENCH_TICKETS=100000, BENCH_QUERIES=200).
 * SQLite runs twice on every query as well: as shipped, and "before" (two exact terms in different index tables never meet
 * their posting lists: sqlite-search.ts forceIntersect false), one planner sample for both.
 * The unified runner (test/bench/run.ts) calls benchSearchBoth().
 * BENCH_PG_URL: use this database instead of a private cluster (kept between runs: filled once).
 * The SQLite store is kept in the bench cache (store-cache.ts) and reused when complete.
 * PostgreSQL runs twice on every query, the order alternating: as shipped, and "before" (the district
 * and street left to the ticket filters, no division lexemes in the GIN lookup: migration 0032). On
 * the rows without a district the two are the same engine, and their difference is the run's noise.
 * Earlier "before" columns: every count exact (forceThin false), and before that a sample without
 * text (walkChoice by the lead estimate), which the 2026-12-07 figures below compare.
 *
 * 2026-12-07 (late; issue 11, tokenizer v4 and the meeting of two posting lists on SQLite), 1M tickets (seed 4243), 400 queries
 * a row (40 awkward), second of two runs back to back, both stores re-indexed with v4. SQLite p99 before → after in the run
 * ("before": the lists never met, forceIntersect false, one planner sample): "小区 楼" 161.5 → 43.1 ms (p50 10.6 → 5.62);
 * "12#楼" 2.67 → 0.52 ms; other rows the same engine (0.7–1.1×, noise). SQLite p99 / PostgreSQL p99: 2 characters 1.81 /
 * 54.3 ms, 3 characters 6.15 / 42.5, 4 characters 8.59 / 28.2; "情况。来" 33.1 / 39.8; "年，" 18.9 / 93.9; district + closed
 * 116.2 / 124.8; open + last 30 days 68.1 / 129.5; one category 30.2 / 32.0 ms. PostgreSQL is slower in every row than the
 * evening run (2 characters 22.5 ms there): this machine held both stores twice over (v3 and v4 copies, 31 GB on 24 GB of
 * memory), and the un-rebuilt v3 database answered the same 2-character queries no faster (p50 16.6–24.8 ms, v4 19.7–21.3).
 * Tokenizer v3 → v4 (the separator's class in END and START edges), engines alternating on the same queries, each store
 * indexed by its version (a scratch script importing the v3 engine from a checkout of 99ccd2d), second round, p99: SQLite "年，"
 * 348.4 → 41.8 ms ("道，" 348 → 22.7), "12#楼" 7.64 → 1.55 ms, "情况。来" 61.0 → 54.6 ms; PostgreSQL "年，" 429.0 → 71.7 ms
 * ("查。" 429 → 33.3), "情况。来" and "12#楼" the same (noise). Index: SQLite file 6,554.7 → 6,562.7 MB (+0.1 %; no edges
 * across white space any more), re-index of 1M 713 s (SQLite, beside PostgreSQL's fill) and 1,082 s (PostgreSQL, with VACUUM).
 * 2026-12-07 (evening; issue 11, division lexemes, migration 0032), 1M tickets (seed 4243), 400 queries a row (40 awkward),
 * quiet machine, second run (the first, right after a CI run, found SQLite's file out of the page cache). PostgreSQL p99
 * before → after (the same engine without → with the district in the GIN lookup, alternating on the same queries):
 *   2 chars + district + closed 268.8 → 104.5 ms (p50 64.7 → 44.5; SQLite 98.9 ms); district + open states 27.0 → 23.3 ms;
 *   rows without a district 0.9–1.4× (the run's noise: the same engine twice). p99 SQLite / PostgreSQL: 2 characters
 *   3.28 / 22.5 ms (6.9×), 3 characters 5.55 / 36.0 (6.5×), 4 characters 10.6 / 27.6 (2.6×); "年，" 243.8 / 100.5;
 *   "小区 楼" 175.1 / 41.8; open + last 30 days 79.2 / 82.8; one category 12.8 / 24.2 ms.
 * 2026-12-07 (issue 11, filters first, migration 0031), 1M tickets (seed 4243), 400 queries a row (40 awkward), quiet machine,
 * p99 SQLite / PostgreSQL, against the 1M run of the same day before the change (a different run, same stores):
 *   district + open states 39.2 / 21.6 ms (was 180 / 117); open + last 30 days 70.3 / 98.9 ms (290 / 131); one category
 *   22.4 / 31.0 ms (55.0 / 26.5); district + closed 96.0 / 891 ms (96.4 / 951: "山区", in 15 % of tickets and in none of
 *   the district's, still reads all its 148,819 hits); "年，" 306 / 105 ms (405 / 685); 2 characters 6.35 / 31.1 ms (4.9×;
 *   8.18 / 21.7, 2.6×: SQLite's file warmer in this run, PostgreSQL unchanged with the old session settings in a check run).
 * 2026-12-07 (later), 200k tickets, 400 queries a row (40 awkward), quiet machine, SQLite's file in the page cache; PostgreSQL
 * p99 without → with the thinned count (pg-search.ts walkChoice `thin`), the same queries alternating in one run:
 *   2 chars 21.6 → 21.8 ms (p50 6.44 → 5.77; SQLite 1.18 / 2.37 ms); 3 chars 18.9 → 12.3 ms; 4 chars 19.0 → 10.4 ms;
 *   "情况。来" 23.0 → 18.1; "小区 楼" 17.6 → 13.0; district + closed 116.7 → 77.0 ms. A third to two fifths of the
 *   counts were thinned, none fell back to the exact count. The run before it (SQLite's file not yet cached) gave 2 chars
 *   19.4 → 11.5, 3 chars 23.3 → 14.1, 4 chars 23.8 → 12.8 ms. PostgreSQL's p50 for 2–4 characters stays 5–6 ms against
 *   SQLite's 1.2–1.8 ms: two statements, each a round trip and a plan, where FTS5 answers in-process.
 * 2026-12-07, 200k tickets (100 queries a row, 20 awkward), load average ~3 from other jobs, p99 SQLite /
 * PostgreSQL (PostgreSQL before → after in the same run):
 *   2 chars 4.3 / 16.5 ms (3.8×; before 56 ms); 3 chars 6.5 / 22.7 ms (3.5×; 114 ms); 4 chars 14.8 / 23.7 ms (67 ms);
 *   "情况。来" 55 / 38 ms (98 ms); "小区 楼" 231 / 25 ms (386 ms); "12#楼" 3.6 / 7.5 ms (4.0 ms); "年，" 61 / 27 ms (74 ms);
 *   district + open 28 / 29 ms (26 ms); district + closed 35 / 119 ms (3.4×; 336 ms); open + 30 days 76 / 37 ms; one category 11.5 / 13.9 ms.
 *   The run before it (same data and load): 2 chars 1.9×, 3 chars 3.4×, district + closed 1.8×: around 3× either way.
 *   Quiet machine (load ~1), warm caches: 2 chars 5.7 / 12.9 ms (2.3×; before 74 ms); 3 chars 6.2 / 16.2 ms (2.6×; 86 ms);
 *   4 chars 5.7 / 18.8 ms (3.3×; 55 ms); district + closed 34.5 / 86.1 ms (2.5×; 297 ms); "12#楼" 1.0 / 5.7 ms (20 queries, one slow
 *   round trip: each statement runs in 0.1–0.2 ms); every other row ≤ 1×.
 *   What is left is the price of a GIN index, which cannot give its hits newest-first: a count to 1,000 of a
 *   term in 20 % of tickets reads 41,000 hits into the bitmap (10 ms) or walks 4,800 documents (3–14 ms), where
 *   FTS5 reads 1,000 postings.
 *
 * 2026-12-05, 200k tickets, 2-core machine shared with other jobs (load average 4-9), p99 SQLite / PostgreSQL:
 *   2 chars 36 / 117 ms (3.3×); 3 chars 20 / 264 ms; 4 chars 7.6 / 104 ms;
 *   district + open states 47 / 47 ms; district + closed 74 / 846 ms; open + last 30 days 234 / 87 ms; one category 24 / 24 ms;
 *   "情况。来" 0.97 / 3.4 s; "小区 楼" 104 ms / 1.2 s; "12#楼" 1.8 / 15.4 s; "年，" 232 ms / 1.6 s.
 * Before the plans (same data, previous engines, an earlier run under load average ~15): "情况。来" p99 81 s / 11 s; interleaved
 * old/new on the same queries, SQLite p50/max: district + open 388 ms/2.8 s → 82/338 ms, one category
 * 891 ms/4.2 s → 50/230 ms, "小区 楼" 35 s/183 s → 308/315 ms; PostgreSQL 2 chars max 1.8 s → 325 ms,
 * 4 chars p90 1.9 s → 209 ms, district + open max 1.2 s → 196 ms; one category p50 3 s in that run
 * → 31 ms (20 queries) once the category list is read before the search (PostgreSQL misjudged the recursive subquery).
 * 2026-12-05, 50k tickets (100 queries, 20 awkward), PostgreSQL p50/p99 before → after migration 0018 (stored normalised
 * text, bigrams ANDed in GIN with strpos for the order, tsvector in TOAST, text-first as a nested loop):
 *   2 chars 16/270 → 7.2/19 ms; 3 chars 17/106 → 7.1/13 ms; 4 chars 26/240 → 6.0/13 ms; district + closed 113/371 → 20/50 ms;
 *   "情况。来" 395 ms/3.8 s → 12/38 ms; "12#楼" 0.7/2.7 s → 44/48 ms; "年，" 239 ms/1.1 s → 11/24 ms
 *   (SQLite in the after run: 1.5/4.5, 1.6/4.1, 1.7/4.0, 6.6/14 ms; 15/267, 99/303, 18/90 ms).
 * 2026-12-06, 100k tickets (100 queries per row, 20 awkward), tokenizer v2 → v3 (edges around separators
 * in `uni`), two runs back to back on a quiet machine, p99 SQLite / PostgreSQL:
 *   "12#楼" 1.19 s / 819 ms → 0.70 / 4.2 ms; "情况。来" 679 / 171 → 46 / 74 ms; "年，" 279 / 78 → 74 / 27 ms;
 *   "小区 楼" (two terms, no edge) 55 / 21 → 60 / 24 ms; plain 2/3/4 characters unchanged (noise).
 *   Index cost: SQLite file 652.6 → 673.5 MB (+3.2 %), indexing 27.4 → 28.7 s.
 * Before v3, terms whose every index condition was common but whose whole is rare ("1#电": the digit
 * and the character are each in most tickets) read every candidate ticket; the edge "1␁电" is rare.
 */
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { DEFAULT_REFERENCE_DATE, GENERATOR_VERSION, generateReferenceData, generateTickets } from '../../electron/demo';
import type { SearchIndex, SearchInput } from '../../electron/search';
import { createPostgresSearchEngine, createSearchIndex } from '../../electron/store/search';
import type { CountWay } from '../../electron/store/search/pg-search';
import { createSearchEngine, loadSqliteStats } from '../../electron/store/search/sqlite-search';
import { mulberry32, removeStoreFiles } from '../../electron/store/search/testing';
import { TOKENIZER_VERSION } from '../../electron/search/tokenize';
import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import { migrations } from '../../electron/store/migrations';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
import { openPostgresStore } from '../../electron/store/postgres';
import { startPostgres } from '../support/postgres';
import { writeReference, writeTickets } from '../store/seed';
import { fmtMs, percentile } from './harness';
import { benchCacheDir } from './store-cache';

export interface SearchBothOptions {
  tickets?: number;
  /** Queries per random-substring length and per filter mix. @default 200 */
  queries?: number;
  /** Awkward queries per kind. @default 40 */
  awkward?: number;
  /** An existing PostgreSQL database (filled on first use) instead of a private cluster. */
  pgUrl?: string;
  log?: (s: string) => void;
}

export interface SearchBothLine {
  name: string;
  n: number;
  meanMatches: number;
  sqlite: { p50: number; p99: number; timeouts: number };
  /** SQLite with two index tables' posting lists never met (before bothIndexes). */
  sqliteBefore: { p50: number; p99: number; timeouts: number };
  postgres: { p50: number; p99: number; timeouts: number };
  /** PostgreSQL without the division lexemes (before migration 0032). */
  postgresBefore: { p50: number; p99: number; timeouts: number };
  /** How the shipped PostgreSQL engine took its counts (pg-search.ts CountWay). */
  pgCounts: Partial<Record<CountWay, number>>;
}

const SEED = 4243;

async function ticketCount(store: Store): Promise<number> {
  return Number((await store.db.selectFrom('tickets').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

async function fill(store: Store, tickets: number, log: (s: string) => void): Promise<SearchIndex> {
  const index = createSearchIndex(store, { inProcess: true });
  const have = await ticketCount(store);
  if (have === tickets) {
    // A store from an earlier schema (its documents without `plain`, migration 0031) is brought up to date, as the console does.
    if (!(await index.status()).upToDate) {
      const t0 = performance.now();
      await index.reindex({ batchSize: 2000 });
      log(`${store.dialect}: index brought up to date in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    log(`${store.dialect}: reusing ${tickets} indexed tickets`);
    if (store.dialect === 'postgres') await settle(store);
    return index;
  }
  if (have !== 0) throw new Error(`${store.dialect} store holds ${have} tickets, not ${tickets}: use an empty database`);
  const ref = generateReferenceData(SEED);
  await writeReference(store.db, ref);
  let t0 = performance.now();
  await writeTickets(store.db, generateTickets({ seed: SEED, count: tickets, referenceDate: DEFAULT_REFERENCE_DATE, reference: ref }), 2000);
  log(`${store.dialect}: ${tickets} tickets written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  let last = 0;
  await index.reindex({
    batchSize: 2000,
    onProgress(done, total) {
      if (performance.now() - last > 15_000) {
        last = performance.now();
        log(`  ${store.dialect}: indexing ${done}/${total}`);
      }
    },
  });
  log(`${store.dialect}: indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (store.dialect === 'postgres') await settle(store);
  return index;
}

/**
 * VACUUM ANALYZE, as autovacuum leaves a live database: right after the bulk load every tuple's first
 * read sets its hint bits (a write) and the visibility map is empty, which made walks newest-first
 * 3–10× slower than on a settled table (2 characters p99 172 ms against 13.6 ms, same data, one run
 * apart). The search engine cannot do this itself: VACUUM needs the table's owner, not the runtime role.
 */
async function settle(store: Store): Promise<void> {
  await sql`vacuum analyze`.execute(store.db);
}

/** The SQLite store, built once per size into the bench cache (side file renamed when complete). */
async function sqliteStore(tickets: number, log: (s: string) => void): Promise<{ store: Store; index: SearchIndex }> {
  const file = join(benchCacheDir(), `search-both-s${SEED}-n${tickets}-schema${migrations.length}-gen${GENERATOR_VERSION}-tok${TOKENIZER_VERSION}.sqlite`);
  if (!existsSync(file)) {
    const partial = `${file}.partial`;
    removeStoreFiles(partial);
    // SQLite's own checkpoint: the background checkpointer's connection makes the bulk FTS5 writes fail with SQLITE_BUSY.
    const s = await openSqliteStore(partial, { walCheckpoint: 'auto' });
    const i = await fill(s, tickets, log);
    await i.close();
    s.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
    await s.close();
    renameSync(partial, file);
  }
  const store = await openSqliteStore(file);
  store.sqlite!.pragma('cache_size = -65536');
  return { store, index: await fill(store, tickets, log) };
}

const LETTERS = /^[\p{L}\p{N}]+$/u;
const PUNCT = /^[，。、；：！？,.;:!?#（）()-]$/u;

/** Random substrings of `len` letters/digits. */
export function substrings(texts: readonly string[], len: number, n: number, seed: number): string[] {
  const rnd = mulberry32(seed);
  const out: string[] = [];
  for (let tries = 0; out.length < n && tries < n * 1000; tries++) {
    const chars = [...texts[Math.floor(rnd() * texts.length)]!];
    if (chars.length < len) continue;
    const at = Math.floor(rnd() * (chars.length - len + 1));
    const q = chars.slice(at, at + len).join('');
    if (LETTERS.test(q)) out.push(q);
  }
  return out;
}

/**
 * Terms that split into a run plus a lone character, as agents type them: "情况。来" (two letters,
 * punctuation, one letter, taken from ticket text), "小区 楼" (a 2-character substring and a
 * character of another ticket), "12#楼" (digits, a symbol, a letter) and "年，" (a character and the
 * punctuation after it in ticket text).
 */
export function awkwardQueries(texts: readonly string[], n: number, seed: number): Map<string, string[]> {
  const rnd = mulberry32(seed);
  const pick = () => [...texts[Math.floor(rnd() * texts.length)]!];
  const across: string[] = [];
  const charPunct: string[] = [];
  for (let tries = 0; (across.length < n || charPunct.length < n) && tries < n * 5000; tries++) {
    const chars = pick();
    const at = chars.findIndex((c, i) => i >= 1 && PUNCT.test(c) && Math.floor(rnd() * 4) === 0);
    if (at < 1) continue;
    if (charPunct.length < n && LETTERS.test(chars[at - 1]!)) charPunct.push(chars[at - 1]! + chars[at]!);
    if (across.length < n && at >= 2 && at + 1 < chars.length && LETTERS.test(chars.slice(at - 2, at).join('')) && LETTERS.test(chars[at + 1]!)) {
      across.push(chars.slice(at - 2, at + 2).join(''));
    }
  }
  const words = substrings(texts, 2, n, seed + 1);
  const singles = substrings(texts, 1, n, seed + 2);
  const digits = ['1', '2', '3', '5', '12', '13', '21', '7'];
  return new Map([
    ['run + punctuation + character ("情况。来")', across],
    ['word + space + character ("小区 楼")', words.map((w, i) => `${w} ${singles[i]!}`)],
    ['digits + symbol + character ("12#楼")', singles.map((c, i) => `${digits[i % digits.length]!}#${c}`)],
    ['character + punctuation ("年，")', charPunct],
  ]);
}

/** Searches slower than this are cancelled (PostgreSQL) and counted at this time; SQLite's in-process engine cannot be stopped. */
const TIMEOUT_MS = 30_000;

type Searcher = Pick<SearchIndex, 'search'>;

type Timed = { ms: number[]; hits: (number | null)[]; timeouts: number };

/**
 * Each input on every searcher, the order rotating from one input to the next (no searcher always
 * runs on a cache the other warmed); times sorted per searcher, hits in input order.
 */
async function time(searchers: readonly Searcher[], inputs: readonly SearchInput[]): Promise<Timed[]> {
  for (const x of searchers) for (const i of inputs.slice(0, 3)) await x.search(i, { timeoutMs: TIMEOUT_MS }).catch(() => null);
  const out: Timed[] = searchers.map(() => ({ ms: [], hits: [], timeouts: 0 }));
  for (const [n, i] of inputs.entries()) {
    for (let k = 0; k < searchers.length; k++) {
      const j = (n + k) % searchers.length;
      const o = out[j]!;
      const t0 = performance.now();
      try {
        o.hits[n] = (await searchers[j]!.search(i, { timeoutMs: TIMEOUT_MS })).total.count;
      } catch (e) {
        if ((e as { code?: string }).code !== 'timeout') throw e;
        o.timeouts++;
        o.hits[n] = null;
      }
      o.ms.push(performance.now() - t0);
    }
  }
  for (const o of out) o.ms.sort((a, b) => a - b);
  return out;
}

export async function benchSearch(opts: SearchBothOptions = {}): Promise<SearchBothLine[]> {
  const tickets = opts.tickets ?? 100_000;
  const queries = opts.queries ?? 200;
  const awkwardN = opts.awkward ?? 40;
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const server = opts.pgUrl ? null : await startPostgres({ durable: true });
  const lines: SearchBothLine[] = [];
  try {
    const lite = await sqliteStore(tickets, log);
    const pgStore = await openPostgresStore(opts.pgUrl ?? await server!.createDatabase());
    const pgIndex = await fill(pgStore, tickets, log);
    // Before: the same engine with the district and street left to the ticket filters (no division
    // lexemes in the GIN lookup, as until migration 0032); timed on the same queries in the same run.
    // How the shipped engine counted is tallied.
    const pgBefore = createPostgresSearchEngine(pgStore.db, pgStore.searchPool!, { divisionLexemes: false });
    let ways: Partial<Record<CountWay, number>> = {};
    const pgAfter = createPostgresSearchEngine(pgStore.db, pgStore.searchPool!, { onCount: (w) => { ways[w] = (ways[w] ?? 0) + 1; } });
    // SQLite as shipped, and "before": exact terms in both index tables ("小区 楼") never meet the two
    // posting lists (the second term checked on each of the lead's hits); one planner sample for both.
    const liteStats = loadSqliteStats(lite.store.sqlite!);
    const liteEngine = (o: { forceIntersect?: boolean }) => {
      const e = createSearchEngine(lite.store.sqlite!, { ...o, statsSteps: function* () { yield; return liteStats; } });
      return { search: async (i: unknown) => e.search(i) };
    };
    const liteAfter = liteEngine({});
    const liteBefore = liteEngine({ forceIntersect: false });
    const sample = await lite.store.db.selectFrom('tickets').select(['title', 'content']).orderBy('id').limit(5000).execute();
    const texts = sample.flatMap((r) => [r.title, r.content, r.content]);
    const district = (await lite.store.db.selectFrom('tickets').select('district_code').where('district_code', 'is not', null)
      .groupBy('district_code').orderBy(sql`count(*)`, 'desc').limit(1).executeTakeFirstOrThrow()).district_code!;
    const category = (await lite.store.db.selectFrom('tickets').select('category_id').where('category_id', 'is not', null)
      .groupBy('category_id').orderBy(sql`count(*)`, 'asc').limit(1).executeTakeFirstOrThrow()).category_id!;
    const latest = (await lite.store.db.selectFrom('tickets').select((eb) => eb.fn.max('created_at').as('m')).executeTakeFirstOrThrow()).m as string;
    const monthAgo = new Date(Date.parse(latest) - 30 * 86_400_000).toISOString();

    const sets: { name: string; inputs: SearchInput[] }[] = [];
    for (const len of [2, 3, 4]) {
      sets.push({ name: `${len} characters`, inputs: substrings(texts, len, queries, 700 + len).map((text) => ({ text, limit: 50 })) });
    }
    for (const [name, qs] of awkwardQueries(texts, awkwardN, 900)) sets.push({ name, inputs: qs.map((text) => ({ text, limit: 50 })) });
    const two = substrings(texts, 2, queries, 702);
    const mixes: [string, Omit<SearchInput, 'text'>][] = [
      ['2 chars + district + open states', { districtCode: district, status: [...OPEN_TICKET_STATES] }],
      ['2 chars + district + closed', { districtCode: district, status: ['closed'] }],
      ['2 chars + open states + last 30 days', { status: [...OPEN_TICKET_STATES], from: monthAgo }],
      ['2 chars + one category', { categoryIds: [category] }],
    ];
    for (const [name, f] of mixes) sets.push({ name, inputs: two.map((text) => ({ text, limit: 50, ...f })) });

    for (const s of sets) {
      const [a, liteOld] = (await time([liteAfter, liteBefore], s.inputs)) as [Timed, Timed];
      ways = {};
      const [before, b] = (await time([pgBefore, pgAfter], s.inputs)) as [Timed, Timed];
      const bad = a.hits.findIndex((h, i) => h !== null && ((b.hits[i] !== null && h !== b.hits[i]) || (before.hits[i] !== null && h !== before.hits[i]) || h !== liteOld.hits[i]));
      if (bad >= 0) throw new Error(`stores disagree on ${JSON.stringify(s.inputs[bad])}: SQLite ${a.hits[bad]}, PostgreSQL ${b.hits[bad]} (before: ${before.hits[bad]})`);
      const line: SearchBothLine = {
        name: s.name, n: s.inputs.length, meanMatches: a.hits.reduce<number>((x, y) => x + (y ?? 0), 0) / Math.max(1, a.hits.length),
        sqlite: { p50: percentile(a.ms, 50), p99: percentile(a.ms, 99), timeouts: a.timeouts },
        sqliteBefore: { p50: percentile(liteOld.ms, 50), p99: percentile(liteOld.ms, 99), timeouts: liteOld.timeouts },
        postgres: { p50: percentile(b.ms, 50), p99: percentile(b.ms, 99), timeouts: b.timeouts },
        postgresBefore: { p50: percentile(before.ms, 50), p99: percentile(before.ms, 99), timeouts: before.timeouts },
        pgCounts: ways,
      };
      log(`  ${line.name}: SQLite p99 ${fmtMs(line.sqlite.p99)}, PostgreSQL p99 ${fmtMs(line.postgres.p99)}`);
      lines.push(line);
    }
    await lite.index.close();
    await pgIndex.close();
    await lite.store.close();
    await pgStore.close();
  } finally {
    await server?.stop();
  }
  return lines;
}

export function searchBothTable(lines: readonly SearchBothLine[], tickets: number): string {
  const out = [
    `### Ticket search, SQLite FTS5 vs PostgreSQL tsvector: ${tickets.toLocaleString('en')} generated tickets, top 50 + count ≤ 1000 (PostgreSQL cancelled after ${TIMEOUT_MS / 1000} s)`,
    '',
    '| query | n | matches (mean) | SQLite p50 | SQLite p99 | PostgreSQL p50 | PostgreSQL p99 | p99 PG / SQLite | PG timeouts | PG counts thinned / fell back / exact | SQLite before: p50 / p99 (lists never met) | SQLite p99 before / after | PG before: p50 / p99 (no division lexemes) | PG p99 before / after |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const l of lines) {
    out.push(`| ${l.name} | ${l.n} | ${l.meanMatches.toFixed(0)} | ${fmtMs(l.sqlite.p50)} | ${fmtMs(l.sqlite.p99)} | ${fmtMs(l.postgres.p50)} | ${fmtMs(l.postgres.p99)} | ${(l.postgres.p99 / l.sqlite.p99).toFixed(1)}× | ${l.postgres.timeouts} | ${l.pgCounts.thinned ?? 0} / ${l.pgCounts['thinned-short'] ?? 0} / ${(l.pgCounts.exact ?? 0) - (l.pgCounts['thinned-short'] ?? 0)} | ${fmtMs(l.sqliteBefore.p50)} / ${fmtMs(l.sqliteBefore.p99)} | ${(l.sqliteBefore.p99 / l.sqlite.p99).toFixed(1)}× | ${fmtMs(l.postgresBefore.p50)} / ${fmtMs(l.postgresBefore.p99)} | ${(l.postgresBefore.p99 / l.postgres.p99).toFixed(1)}× |`);
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tickets = Number(process.env.BENCH_TICKETS ?? 100_000);
  const lines = await benchSearch({
    tickets,
    queries: Number(process.env.BENCH_QUERIES ?? 200),
    awkward: Number(process.env.BENCH_AWKWARD ?? 40),
    ...(process.env.BENCH_PG_URL ? { pgUrl: process.env.BENCH_PG_URL } : {}),
  });
  console.log(`\n${searchBothTable(lines, tickets)}\n\nOne process; SQLite in-process engines (one planner sample), PostgreSQL over a local socket (pool of 10). Node ${process.version}.`);
}

/**
 * The SearchIndex port on both stores: SQLite FTS5 and PostgreSQL's tsvector index are filled with
 * the same generated tickets (plus random-text tickets over a small alphabet, written through the
 * service-layer indexTicket) and must each find EXACTLY the tickets whose text contains the query as
 * a substring (recall and precision 1.0), with the same filters, scope, paging and counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REFERENCE_DATE, generateReferenceData, generateTickets } from '../../electron/demo';
import { sql } from 'kysely';
import type { PoolClient } from 'pg';
import { SearchError, type SearchIndex, type SearchInput, type SearchResult } from '../../electron/search';
import { createSearchIndex, createPostgresSearchEngine, createSearchEngine } from '../../electron/store/search';
import type { PlanChoice } from '../../electron/search/plan';
import { mulberry32, randomTicket, randomText, RANDOM_ALPHABET } from '../../electron/store/search/testing';
import { normalizeText } from '../../electron/search/tokenize';
import { openTestStore, STORE_KINDS, type StoreKind, type TestStore } from './stores';
import { writeReference, writeTickets } from './seed';

interface Doc {
  id: string; title: string; content: string; number: string; address: string | null; caller_name: string | null;
  phone: string | null; confidential: number; created_at: string; lead_department_id: string | null; status: string;
}

const SEED = 515;
const GENERATED = 1500;
const RANDOM = 400;

describe.each(STORE_KINDS)('ticket search on the %s store', (kind: StoreKind) => {
  let t: TestStore;
  let index: SearchIndex;
  let docs: Doc[];
  /** The store's engine with each plan forced: every plan must give the same answers. */
  let planned: [string, (input: SearchInput) => Promise<SearchResult>][];

  beforeAll(async () => {
    t = await openTestStore(kind);
    const ref = generateReferenceData(SEED);
    await writeReference(t.store.db, ref);
    await writeTickets(t.store.db, generateTickets({ seed: SEED, count: GENERATED, referenceDate: DEFAULT_REFERENCE_DATE, reference: ref }));
    index = createSearchIndex(t.store, { inProcess: true });
    expect((await index.status()).upToDate).toBe(false);
    const r = await index.reindex({ batchSize: 500 });
    expect(r).toMatchObject({ indexed: GENERATED, total: GENERATED, cancelled: false });
    const rnd = mulberry32(SEED);
    const base = Date.parse(DEFAULT_REFERENCE_DATE) - 20 * 86_400_000;
    await t.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < RANDOM; i++) {
        const ticket = randomTicket(rnd, i, base);
        await trx.insertInto('tickets').values(ticket).execute();
        await index.index(trx, ticket);
      }
    });
    docs = await t.store.db.selectFrom('tickets').select(['id', 'title', 'content', 'number', 'address', 'caller_name', 'phone', 'confidential', 'created_at', 'lead_department_id', 'status']).execute();
    expect(await index.status()).toMatchObject({ tickets: GENERATED + RANDOM, indexed: GENERATED + RANDOM, upToDate: true });
    const forced: [string, PlanChoice][] = [['text, bigrams lead', { mode: 'text', lead: 'bi' }], ['text, characters lead', { mode: 'text', lead: 'uni' }], ['filters first', { mode: 'filters' }]];
    planned = forced.map(([name, force]) => {
      if (kind === 'postgres') {
        const e = createPostgresSearchEngine(t.store.db, t.store.searchPool!, { force });
        return [name, (input) => e.search(input)];
      }
      const e = createSearchEngine(t.store.sqlite!, { force });
      return [name, async (input) => e.search(input)];
    });
    if (kind === 'sqlite') {
      // Filters first, the text checked on each filtered row or the lead lookup's ids met (sqlite-search.ts FiltersFirst).
      for (const [name, force, forceLookup] of [['filters first, text checked on the rows', { mode: 'filters' }, false],
        ['filters first, bigram lookup met by id', { mode: 'filters', lead: 'bi' }, true],
        ['filters first, character lookup met by id', { mode: 'filters', lead: 'uni' }, true]] as const) {
        const e = createSearchEngine(t.store.sqlite!, { force, forceLookup });
        planned.push([name, async (input) => e.search(input)]);
      }
      // Terms the index answers exactly in both tables ("小区 楼"): the lead's hits walked, or the two posting lists met (bothIndexes).
      for (const [name, lead, forceIntersect] of [['text, bigrams lead, hits walked', 'bi', false], ['text, characters lead, hits walked', 'uni', false],
        ['text, bigrams lead, posting lists met', 'bi', true], ['text, characters lead, posting lists met', 'uni', true]] as const) {
        const e = createSearchEngine(t.store.sqlite!, { force: { mode: 'text', lead }, forceIntersect });
        planned.push([name, async (input) => e.search(input)]);
      }
    }
    if (kind === 'postgres') {
      // The text plan's two ways through the documents: walked newest-first, or the GIN lookup's hits fetched.
      for (const [name, forceWalk] of [['text, documents walked', true], ['text, lookup hits fetched', false]] as const) {
        const e = createPostgresSearchEngine(t.store.db, t.store.searchPool!, { force: { mode: 'text' }, forceWalk });
        planned.push([name, (input) => e.search(input)]);
      }
      // Counts tried first on a lookup thinned to ~40 hits: always too few for these counts (the
      // exact count follows), and so each search's answer is the exact one's.
      const thin = createPostgresSearchEngine(t.store.db, t.store.searchPool!, { force: { mode: 'text' }, forceThin: 40 });
      planned.push(['text, count thinned first', (input) => thin.search(input)]);
    }
  }, 180_000);
  afterAll(async () => {
    await index?.close();
    await t?.dispose();
  });

  async function searchAll(input: SearchInput, search = (i: SearchInput) => index.search(i)): Promise<{ ids: string[]; first: SearchResult }> {
    const ids: string[] = [];
    let first: SearchResult | null = null;
    let cursor: string | undefined;
    for (let page = 0; page < 200; page++) {
      const r = await search({ ...input, limit: input.limit ?? 500, ...(cursor ? { cursor } : {}) });
      first ??= r;
      ids.push(...r.rows.map((x) => x.id));
      if (!r.nextCursor) return { ids, first };
      cursor = r.nextCursor;
    }
    throw new Error('pagination did not end');
  }

  /** PostgreSQL: a transaction holding an exclusive lock on `table` until released (twice is harmless). */
  async function holdLock(table: 'tickets' | 'ticket_search_docs'): Promise<{ release(): Promise<void> }> {
    let release = () => {};
    const released = new Promise<void>((r) => { release = r; });
    let locked = () => {};
    const isLocked = new Promise<void>((r) => { locked = r; });
    const holder = t.store.db.transaction().execute(async (trx) => {
      await sql`lock table ${sql.table(table)} in access exclusive mode`.execute(trx);
      locked();
      await released;
    });
    await isLocked;
    return { release: async () => { release(); await holder; } };
  }

  /**
   * PostgreSQL: `check` on every connection of the search pool at once, once each is back in the pool
   * (a thinned count's transaction ends after its caller has the number).
   */
  async function everyPooledConnection(check: (c: PoolClient) => Promise<void>): Promise<void> {
    const pool = t.store.searchPool!;
    await expect.poll(() => pool.idleCount).toBe(pool.totalCount);
    const held = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
    try {
      for (const c of held) await check(c);
    } finally {
      for (const c of held) c.release();
    }
  }

  const docHas = (d: Doc, n: string) =>
    [d.title, d.content, d.number, d.address ?? '', d.confidential ? '' : d.caller_name ?? ''].some((x) => normalizeText(x).includes(n));
  const substringMatches = (q: string) => new Set(normalizeText(q).split(/\s+/u).filter(Boolean)
    .reduce((acc, term) => acc.filter((d) => docHas(d, term)), docs).map((d) => d.id));

  function sample(rnd: () => number, len: number): string {
    for (;;) {
      const d = docs[Math.floor(rnd() * docs.length)]!;
      const chars = [...(rnd() < 0.3 ? d.title : d.content)];
      if (chars.length < len) continue;
      const at = Math.floor(rnd() * (chars.length - len + 1));
      const q = chars.slice(at, at + len).join('');
      if (/\s/u.test(normalizeText(q)) || !/[\p{L}\p{N}]/u.test(q)) continue;
      return q;
    }
  }

  it.each([1, 2, 3, 4])('finds exactly the tickets containing random %i-character substrings (recall 1.0)', async (len) => {
    const rnd = mulberry32(300 + len);
    const queries = Array.from({ length: 40 }, () => sample(rnd, len));
    for (let i = 0; i < 10; i++) queries.push(randomText(rnd, len, [...'鼋鼍蛟龙凤麟', ...RANDOM_ALPHABET.filter((c) => /[\p{L}\p{N}]/u.test(c))]));
    let nonEmpty = 0;
    for (const q of queries) {
      const expected = substringMatches(q);
      const { ids, first } = await searchAll({ text: q, countCap: 10_000 });
      expect(new Set(ids), `query ${JSON.stringify(q)}`).toEqual(expected);
      expect(ids.length, `duplicates for ${q}`).toBe(expected.size);
      expect(first.total).toEqual({ count: expected.size, exact: true });
      if (expected.size) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(40);
  });

  it('finds exactly the substring matches of awkward terms (a run plus a lone character, punctuation, mixed ASCII) under every plan', async () => {
    const rnd = mulberry32(88);
    const PUNCT = /[，。、；：！？#（）()-]/u;
    const LETTER = /[\p{L}\p{N}]/u;
    const queries: string[] = [];
    for (let tries = 0; queries.length < 36 && tries < 100_000; tries++) {
      const chars = [...docs[Math.floor(rnd() * docs.length)]!.content];
      const at = chars.findIndex((c, i) => i >= 1 && PUNCT.test(c) && rnd() < 0.3);
      if (at < 1 || !LETTER.test(chars[at - 1]!)) continue;
      const kind = queries.length % 3;
      // "情况。来" (run, punctuation, character), "年，" (character, punctuation), "号#楼" (character, symbol, character).
      if (kind === 0 && at >= 2 && LETTER.test(chars[at - 2]!) && LETTER.test(chars[at + 1] ?? '')) queries.push(chars.slice(at - 2, at + 2).join(''));
      else if (kind === 1) queries.push(chars[at - 1]! + chars[at]!);
      else if (kind === 2 && LETTER.test(chars[at + 1] ?? '')) queries.push(chars.slice(at - 1, at + 2).join(''));
    }
    for (let i = 0; i < 6; i++) queries.push(`${sample(rnd, 2)} ${sample(rnd, 1)}`, `${sample(rnd, 1)} ${sample(rnd, 3)}`);
    queries.push('12#楼', '3#楼', 'ab-3', 'Ａ１#b', '楼。', '年，', '1 2 楼');
    // The separator's class in END and START edges (tokenizer v4): written half-width, before a run, doubled, alone before a run.
    queries.push('年,', '，来', '。年', '年，，', '#楼');
    let nonEmpty = 0;
    for (const q of queries) {
      const expected = substringMatches(q);
      if (expected.size) nonEmpty++;
      for (const [name, search] of [['default', (i: SearchInput) => index.search(i)] as const, ...planned]) {
        const { ids, first } = await searchAll({ text: q, countCap: 10_000 }, search);
        expect(new Set(ids), `${name}: ${JSON.stringify(q)}`).toEqual(expected);
        expect(ids.length, `${name}: duplicates for ${q}`).toBe(expected.size);
        expect(first.total, `${name}: ${q}`).toEqual({ count: expected.size, exact: true });
      }
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(36);
  }, 300_000);

  it.runIf(kind === 'postgres')('documents written before migration 0018 (no stored text) are checked on their tokens and columns, with the same answers', async () => {
    // Saved in a table (not a temporary one: the engine's pool uses other connections) and put back after.
    await sql`create table saved_search_text as select doc_id, body, private_name from ticket_search_docs`.execute(t.store.db);
    try {
      await sql`update ticket_search_docs set body = null, private_name = null`.execute(t.store.db);
      const rnd = mulberry32(91);
      const queries = [2, 3, 4].flatMap((len) => Array.from({ length: 6 }, () => sample(rnd, len)));
      queries.push('12#楼', '年，', '楼。', 'ab-3', `${sample(rnd, 2)} ${sample(rnd, 1)}`);
      for (const q of queries) {
        const expected = substringMatches(q);
        for (const [name, search] of [['default', (i: SearchInput) => index.search(i)] as const, ...planned]) {
          const { ids } = await searchAll({ text: q, countCap: 10_000 }, search);
          expect(new Set(ids), `${name}: ${JSON.stringify(q)}`).toEqual(expected);
        }
      }
    } finally {
      await sql`update ticket_search_docs d set body = s.body, private_name = s.private_name from saved_search_text s where s.doc_id = d.doc_id`.execute(t.store.db);
      await sql`drop table saved_search_text`.execute(t.store.db);
    }
  }, 120_000);

  it('every plan answers filtered searches alike: district + open states, a department scope, dates', async () => {
    const demo = docs.filter((d) => !d.id.startsWith('rnd-'));
    const rnd = mulberry32(61);
    const full = await t.store.db.selectFrom('tickets').select(['id', 'district_code', 'created_at']).execute();
    const byId = new Map(full.map((r) => [r.id, r]));
    const open = ['registered', 'dispatched', 'signed', 'returned', 'handling', 'extension_requested', 'reopened'];
    let nonEmpty = 0;
    for (let i = 0; i < 12; i++) {
      const d = demo[Math.floor(rnd() * demo.length)]!;
      const district = byId.get(d.id)!.district_code;
      const text = `${sample(rnd, 2)}${i % 3 === 0 ? ' ' + sample(rnd, 1) : ''}`;
      const input: SearchInput = { text, status: i % 2 ? open : [d.status], ...(district ? { districtCode: district } : {}), ...(i % 4 === 0 ? { from: d.created_at } : {}) };
      const textIds = substringMatches(text);
      const expected = new Set(docs.filter((x) => textIds.has(x.id) && input.status!.includes(x.status)
        && (!input.districtCode || byId.get(x.id)!.district_code === input.districtCode)
        && (!input.from || x.created_at >= input.from)).map((x) => x.id));
      if (expected.size) nonEmpty++;
      for (const [name, search] of [['default', (x: SearchInput) => index.search(x)] as const, ...planned]) {
        const { ids, first } = await searchAll({ ...input, limit: 7 }, search);
        expect(new Set(ids), `${name}: ${JSON.stringify(input)}`).toEqual(expected);
        expect(first.total.count, name).toBe(Math.min(expected.size, 1000));
      }
    }
    expect(nonEmpty).toBeGreaterThan(3);
  }, 120_000);

  it('needs every term, checks punctuated terms literally and never matches across title and content', async () => {
    const d = docs.find((x) => x.id.startsWith('rnd-') && /[#，。（）-]/u.test(x.content))!;
    const chars = [...d.content];
    const at = chars.findIndex((c) => /[#，。（）-]/u.test(c));
    const punctuated = chars.slice(Math.max(0, at - 1), at + 2).join('');
    for (const q of [punctuated, `${sample(mulberry32(1), 2)} ${sample(mulberry32(2), 2)}`, '油烟 扰民', 'Ａb 12']) {
      expect(new Set((await searchAll({ text: q, countCap: 10_000 })).ids), q).toEqual(substringMatches(q));
    }
    const straddle = [...d.title].slice(-1).join('') + [...d.content].slice(0, 1).join('');
    const ids = (await searchAll({ text: straddle })).ids;
    expect(new Set(ids)).toEqual(substringMatches(straddle));
  });

  it('a department sees only its tickets; pages follow each other without repeats; a capped count says "at least"', async () => {
    const dept = docs.find((x) => x.lead_department_id)!.lead_department_id!;
    const q = sample(mulberry32(9), 2);
    const all = substringMatches(q);
    const { ids } = await searchAll({ text: q, visibleToDepartmentId: dept, limit: 3 });
    const scoped = (await t.store.db.selectFrom('tickets').select('id').where((eb) => eb.or([
      eb('lead_department_id', '=', dept),
      eb.exists(eb.selectFrom('ticket_departments as v').select('v.ticket_id').whereRef('v.ticket_id', '=', 'tickets.id').where('v.department_id', '=', dept)),
    ])).execute()).map((r) => r.id);
    expect(new Set(ids)).toEqual(new Set([...all].filter((id) => scoped.includes(id))));
    expect(ids.length).toBe(new Set(ids).size);
    const common = sample(mulberry32(10), 1);
    const capped = await index.search({ text: common, limit: 5, countCap: 10 });
    expect(substringMatches(common).size).toBeGreaterThan(10);
    expect(capped.total).toEqual({ count: 10, exact: false });
    expect(capped.rows).toHaveLength(5);
    expect(capped.rows[0]!.titleHighlights.length + capped.rows[0]!.snippet.highlights.length).toBeGreaterThan(0);
  });

  it('an edit re-indexes the ticket and a removed ticket is no longer found', async () => {
    const d = docs.find((x) => x.id === 'rnd-00007')!;
    await t.store.db.transaction().execute(async (trx) => {
      await trx.updateTable('tickets').set({ title: '鼋鼍蛟龙专用标题' }).where('id', '=', d.id).execute();
      await index.index(trx, { ...d, title: '鼋鼍蛟龙专用标题' });
    });
    expect((await index.search({ text: '蛟龙专用' })).rows.map((r) => r.id)).toEqual([d.id]);
    await t.store.db.transaction().execute(async (trx) => index.remove(trx, d.id));
    expect((await index.search({ text: '蛟龙专用' })).rows).toEqual([]);
    await t.store.db.transaction().execute(async (trx) => index.index(trx, { ...d, title: '鼋鼍蛟龙专用标题' }));
    expect((await index.search({ text: '蛟龙专用' })).rows.map((r) => r.id)).toEqual([d.id]);
  });

  // PostgreSQL only: GIN's thinned lookup (gin_fuzzy_search_limit) has no FTS5 counterpart.
  it.runIf(kind === 'postgres')('a count thinned on PostgreSQL proves "at least" with real matches, falls back when short, and leaves no setting on the connections', async () => {
    const ways: string[] = [];
    const engine = (limit: number) => createPostgresSearchEngine(t.store.db, t.store.searchPool!, { force: { mode: 'text' }, forceThin: limit, onCount: (w) => ways.push(w) });
    // A common character and a common bigram, each in well over 30 tickets, with a filter that keeps most of them.
    const common = [...'来电反映情况'].map((c) => ({ c, n: substringMatches(c).size })).sort((a, b) => b.n - a.n)[0]!;
    expect(common.n).toBeGreaterThan(300);
    const wide = engine(200);
    for (let i = 0; i < 5; i++) {
      const r = await wide.search({ text: common.c, limit: 5, countCap: 30 });
      expect(r.total).toEqual({ count: 30, exact: false });
      expect(r.rows).toHaveLength(5);
    }
    expect(ways.filter((w) => w === 'thinned').length).toBeGreaterThanOrEqual(4);
    // Thinned to ~3 hits a lookup cannot find 31 matches: every count falls back to the exact one, and is right.
    ways.length = 0;
    const narrow = engine(3);
    const q = sample(mulberry32(12), 2);
    const expected = substringMatches(q).size;
    for (const cap of [5, 10_000]) {
      const r = await narrow.search({ text: q, limit: 1, countCap: cap });
      expect(r.total).toEqual({ count: Math.min(cap, expected), exact: expected <= cap });
    }
    expect(ways).toContain('thinned-short');
    expect(ways.filter((w) => w === 'exact').length).toBe(ways.filter((w) => w === 'thinned-short').length);
    // Every connection of the search pool reads the index whole again: the setting ended with its transaction.
    await everyPooledConnection(async (c) => {
      expect((await c.query<{ v: string }>(`select current_setting('gin_fuzzy_search_limit') as v`)).rows[0]!.v).toBe('0');
    });
  });

  it.runIf(kind === 'postgres')('a thinned count cancelled on the server leaves its connection out of its transaction, the setting gone', async () => {
    const engine = createPostgresSearchEngine(t.store.db, t.store.searchPool!, { force: { mode: 'text' }, forceThin: 200 });
    // Its planner sample taken first (that reads the documents too).
    await engine.search({ text: '来电', limit: 1, countCap: 5 });
    // The thinned count's statement: a count inside a transaction begun before it (begin; set local).
    const waiting = async () => Number((await sql<{ n: string }>`select count(*) as n from pg_stat_activity
      where wait_event_type = 'Lock' and query like '%count(*)%' and xact_start < query_start and pid <> pg_backend_pid()`.execute(t.store.db)).rows[0]!.n);
    // The documents locked: the thinned count's transaction has begun and set its limit, and its statement waits.
    const lock = await holdLock('ticket_search_docs');
    try {
      const aborter = new AbortController();
      const searching = engine.search({ text: '来电', limit: 1, countCap: 5 }, { signal: aborter.signal }).catch((e: unknown) => e);
      await expect.poll(waiting).toBe(1);
      aborter.abort();
      expect(await searching).toMatchObject({ code: 'cancelled' });
      await expect.poll(waiting).toBe(0);
    } finally {
      await lock.release();
    }
    await everyPooledConnection(async (c) => {
      // Outside any transaction (an aborted one would refuse this), and the index read whole.
      expect((await c.query<{ v: string; tx: boolean }>(`select current_setting('gin_fuzzy_search_limit') as v, now() = statement_timestamp() as tx`)).rows[0]).toEqual({ v: '0', tx: true });
    });
  });

  // PostgreSQL only: the statement runs on the server and must be cancelled there; the SQLite worker's
  // cancel and time limit are tested in electron/search/search-client.test.ts.
  it.runIf(kind === 'postgres')('a superseded or timed-out search is cancelled on the server, not left running', async () => {
    await index.search({ text: '来电' });
    const waiting = async () => Number((await sql<{ n: string }>`select count(*) as n from pg_stat_activity
      where wait_event_type = 'Lock' and query like '%ticket_search_docs%' and pid <> pg_backend_pid()`.execute(t.store.db)).rows[0]!.n);
    // A transaction holding an exclusive lock on tickets makes every search wait on the server.
    const lock = await holdLock('tickets');
    try {
      const first = index.search({ text: '来电' }, { supersede: 'box' });
      const firstErr = first.catch((e: unknown) => e);
      await expect.poll(waiting).toBe(1);
      const second = index.search({ text: '来电人' }, { supersede: 'box' });
      expect(await firstErr).toMatchObject({ code: 'superseded' });
      expect(await firstErr).toBeInstanceOf(SearchError);
      // The superseded statement is gone; only the newer one waits.
      await expect.poll(waiting).toBe(1);
      const timedOut = await index.search({ text: '电梯' }, { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(timedOut).toMatchObject({ code: 'timeout' });
      await expect.poll(waiting).toBe(1);
      const aborter = new AbortController();
      const aborted = index.search({ text: '噪音' }, { signal: aborter.signal }).catch((e: unknown) => e);
      await expect.poll(waiting).toBe(2);
      aborter.abort();
      expect(await aborted).toMatchObject({ code: 'cancelled' });
      await expect.poll(waiting).toBe(1);
      await lock.release();
      expect((await second).rows.length).toBeGreaterThan(0);
    } finally {
      await lock.release();
    }
  }, 60_000);

  // PostgreSQL only: its GIN lookup carries the district and street (migration 0032); SQLite starts such searches from the filtered tickets.
  it.runIf(kind === 'postgres')('every document carries its division lexemes, kept by the database when a ticket moves to another district', async () => {
    const missing = async () => Number((await sql<{ n: string }>`select count(*) as n from ticket_search_docs d join tickets t on t.id = d.ticket_id
      where not (tsvector_to_array(d.tsv) @> array_remove(array['=d' || t.district_code, '=s' || t.street_code], null))`.execute(t.store.db)).rows[0]!.n);
    const foreign = async () => Number((await sql<{ n: string }>`select count(*) as n from ticket_search_docs d join tickets t on t.id = d.ticket_id,
      unnest(tsvector_to_array(d.tsv)) as l(x) where l.x like '=%' and l.x not in ('=d' || coalesce(t.district_code, ''), '=s' || coalesce(t.street_code, ''))`.execute(t.store.db)).rows[0]!.n);
    expect(await missing()).toBe(0);
    expect(await foreign()).toBe(0);
    const withDistrict = Number((await sql<{ n: string }>`select count(*) as n from ticket_search_docs d where exists (select 1 from unnest(tsvector_to_array(d.tsv)) l(x) where l.x like '=d%')`.execute(t.store.db)).rows[0]!.n);
    expect(withDistrict).toBeGreaterThan(GENERATED / 2);
    // A ticket moved to another district (a correction by plain SQL: the database keeps the lexemes, not the service).
    const rows = await t.store.db.selectFrom('tickets').select(['id', 'district_code', 'title']).where('district_code', 'is not', null).where('id', 'not like', 'rnd-%').execute();
    const districts = [...new Set(rows.map((r) => r.district_code!))];
    expect(districts.length).toBeGreaterThan(1);
    const moved = rows[0]!;
    const to = districts.find((x) => x !== moved.district_code)!;
    const term = [...normalizeText(moved.title)].slice(0, 2).join('');
    const inDistrict = (id: string, district: string) => index.search({ text: term, districtCode: district, limit: 500, countCap: 10_000 }).then((r) => r.rows.some((x) => x.id === id));
    expect(await inDistrict(moved.id, moved.district_code!)).toBe(true);
    expect(await inDistrict(moved.id, to)).toBe(false);
    await t.store.db.updateTable('tickets').set({ district_code: to, street_code: null }).where('id', '=', moved.id).execute();
    try {
      expect(await inDistrict(moved.id, to)).toBe(true);
      expect(await inDistrict(moved.id, moved.district_code!)).toBe(false);
      expect(await missing()).toBe(0);
      expect(await foreign()).toBe(0);
    } finally {
      await t.store.db.updateTable('tickets').set({ district_code: moved.district_code }).where('id', '=', moved.id).execute();
    }
    expect(await inDistrict(moved.id, moved.district_code!)).toBe(true);
  });

  it.runIf(kind === 'postgres')('documents written before migration 0032 are searched by their ticket filters until the fill gives them their division lexemes', async () => {
    const demo = docs.filter((d) => !d.id.startsWith('rnd-'));
    const full = await t.store.db.selectFrom('tickets').select(['id', 'district_code']).execute();
    const district = new Map(full.map((r) => [r.id, r.district_code]));
    const rnd = mulberry32(77);
    const cases = Array.from({ length: 6 }, () => {
      const d = demo[Math.floor(rnd() * demo.length)]!;
      return { text: sample(rnd, 2), districtCode: district.get(d.id) ?? district.get(demo[0]!.id)! };
    });
    const expected = (c: { text: string; districtCode: string }) => [...substringMatches(c.text)].filter((id) => district.get(id) === c.districtCode).sort();
    const check = async (engine: { search(i: SearchInput): Promise<SearchResult> }) => {
      for (const c of cases) {
        const { ids } = await searchAll({ ...c, limit: 9 }, (i) => engine.search(i));
        expect(ids.sort(), JSON.stringify(c)).toEqual(expected(c));
      }
    };
    // As a store migrated with documents in it: the lexemes taken out (the trigger off meanwhile), the fill not run.
    await sql`alter table ticket_search_docs disable trigger ticket_search_docs_filter_lexemes`.execute(t.store.db);
    try {
      await sql`update ticket_search_docs d set tsv = ts_delete(d.tsv, array_remove(array['=d' || t.district_code, '=s' || t.street_code], null))
        from tickets t where t.id = d.ticket_id`.execute(t.store.db);
    } finally {
      await sql`alter table ticket_search_docs enable trigger ticket_search_docs_filter_lexemes`.execute(t.store.db);
    }
    await sql`delete from meta where key = 'search_filter_lexemes'`.execute(t.store.db);
    expect((await index.status()).upToDate).toBe(false);
    const before = createPostgresSearchEngine(t.store.db, t.store.searchPool!, { force: { mode: 'text' } });
    await check(before);
    const r = await index.reindex({ batchSize: 300 });
    expect(r.cancelled).toBe(false);
    expect(await index.status()).toMatchObject({ upToDate: true });
    const lexemes = Number((await sql<{ n: string }>`select count(*) as n from ticket_search_docs d join tickets t on t.id = d.ticket_id
      where t.district_code is not null and tsvector_to_array(d.tsv) @> array['=d' || t.district_code]`.execute(t.store.db)).rows[0]!.n);
    expect(lexemes).toBe(full.filter((x) => x.district_code !== null).length);
    await check(createPostgresSearchEngine(t.store.db, t.store.searchPool!, { force: { mode: 'text' } }));
  }, 120_000);

  it('tickets indexed at once in the same second each get their own document', async () => {
    const at = '2025-09-01T08:00:00.000Z';
    const ids = Array.from({ length: 12 }, (_, i) => `same-second-${i}`);
    // On PostgreSQL these transactions overlap (a pool of connections); max(doc_id) + 1 would collide.
    await Promise.all(ids.map((id, i) => t.store.db.transaction().execute(async (trx) => {
      const ticket = {
        id, number: `SS${String(i).padStart(6, '0')}`, created_at: at, updated_at: at, channel: 'phone', appeal_type: 'other', urgency: 'normal',
        status: 'registered', citizen_id: null, phone: null, caller_name: null, confidential: 0, category_id: null, title: '同秒并发登记',
        content: '麒麟测试', district_code: null, street_code: null, community_code: null, address: null, lat: null, lng: null,
        lead_department_id: null, sign_by: null, reply_by: null, closed_at: null, parent_id: null,
      };
      await trx.insertInto('tickets').values(ticket).execute();
      await index.index(trx, ticket);
    })));
    const r = await index.search({ text: '同秒并发' });
    expect(new Set(r.rows.map((x) => x.id))).toEqual(new Set(ids));
    expect(r.total).toEqual({ count: 12, exact: true });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Store } from '../sqlite';
import { foldFreshIndex, freshIndexSize, indexTicket, reindexAll, removeTicketFromIndex, searchIndexStatus } from './indexer';
import { SearchError, type SearchInput, type SearchResult } from '../../search/query';
import { createSearchEngine, sqliteStatsSteps, type SearchEngine } from './sqlite-search';
import { STATS_MAX_AGE_MS, STATS_RETRY_MS, type SearchStats } from '../../search/plan';
import { buildSearchFixture, mulberry32, randomText, randomTicket, RANDOM_ALPHABET } from './testing';
import { IDEOGRAPH_TERM, normalizeText } from '../../search/tokenize';

interface Doc {
  id: string;
  title: string;
  content: string;
  created_at: string;
  status: string;
  appeal_type: string;
  category_id: string | null;
  district_code: string | null;
  street_code: string | null;
  lead_department_id: string | null;
  reply_by: string | null;
  number: string;
  address: string | null;
  caller_name: string | null;
  phone: string | null;
  confidential: number;
}

const NOW = new Date('2025-12-01T00:00:00Z');
const OPEN = ['registered', 'dispatched', 'signed', 'returned', 'handling', 'extension_requested', 'reopened'];

let dir: string;
let store: Store;
let engine: SearchEngine;
/** One engine per plan, forced: each must give exactly the default engine's answers. */
let planned: [string, SearchEngine][];
let docs: Doc[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'search-test-'));
  store = await buildSearchFixture(join(dir, 'store.sqlite'), { demoTickets: 3000, randomTickets: 600 });
  engine = createSearchEngine(store.sqlite!, { now: () => NOW });
  planned = ([
    ['text, bigrams lead, hits walked', { force: { mode: 'text', lead: 'bi' }, forceIntersect: false }],
    ['text, characters lead, hits walked', { force: { mode: 'text', lead: 'uni' }, forceIntersect: false }],
    ['text, bigrams lead, posting lists met', { force: { mode: 'text', lead: 'bi' }, forceIntersect: true }],
    ['text, characters lead, posting lists met', { force: { mode: 'text', lead: 'uni' }, forceIntersect: true }],
    ['filters first, text checked on the rows', { force: { mode: 'filters' }, forceLookup: false }],
    ['filters first, bigram lookup met by id', { force: { mode: 'filters', lead: 'bi' }, forceLookup: true }],
    ['filters first, character lookup met by id', { force: { mode: 'filters', lead: 'uni' }, forceLookup: true }],
  ] as const).map(([name, o]) => [name, createSearchEngine(store.sqlite!, { now: () => NOW, ...o })]);
  reload();
}, 120_000);

function reload() {
  docs = store.sqlite!.prepare(`select id, title, content, created_at, status, appeal_type, category_id, district_code,
    street_code, lead_department_id, reply_by, number, address, caller_name, phone, confidential from tickets`).all() as Doc[];
}

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** All pages of a search, in order. */
function searchAll(input: SearchInput, e: SearchEngine = engine): { ids: string[]; first: SearchResult } {
  const ids: string[] = [];
  let first: SearchResult | null = null;
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const r = e.search({ ...input, limit: input.limit ?? 500, ...(cursor ? { cursor } : {}) });
    first ??= r;
    ids.push(...r.rows.map((x) => x.id));
    if (!r.nextCursor) return { ids, first };
    cursor = r.nextCursor;
  }
  throw new Error('pagination did not end');
}

/**
 * The reference: a term occurs in the title, content, number, address or (unless the ticket is
 * confidential) caller name, as a substring; the engine's default reader sees no caller numbers.
 */
function docHas(d: Doc, normalisedTerm: string): boolean {
  return [d.title, d.content, d.number, d.address ?? '', d.confidential ? '' : d.caller_name ?? ''].some((x) => normalizeText(x).includes(normalisedTerm));
}

function substringMatches(q: string): Set<string> {
  const n = normalizeText(q);
  return new Set(docs.filter((d) => docHas(d, n)).map((d) => d.id));
}

function sample(rnd: () => number, len: number): string {
  for (;;) {
    const d = docs[Math.floor(rnd() * docs.length)]!;
    const text = rnd() < 0.3 ? d.title : d.content;
    const chars = [...text];
    if (chars.length < len) continue;
    const at = Math.floor(rnd() * (chars.length - len + 1));
    const q = chars.slice(at, at + len).join('');
    // White space separates terms (AND), so a query with a space is not one substring.
    if (/\s/u.test(normalizeText(q))) continue;
    // A term made only of punctuation is refused (query_not_searchable), tested separately.
    if (!/[\p{L}\p{N}]/u.test(q)) continue;
    return q;
  }
}

describe('recall and precision against substring matching', () => {
  it('runs over both indexes: the demo tickets indexed in bulk (main index), the random ones saved one by one (fresh index)', () => {
    expect(freshIndexSize(store.sqlite!)).toBe(600);
    expect(store.sqlite!.prepare('select count(*) from ticket_search_docs').pluck().get()).toBe(docs.length);
  });

  it.each([1, 2, 3, 4])('finds exactly the tickets containing random %i-character substrings', (len) => {
    const rnd = mulberry32(100 + len);
    const queries = Array.from({ length: 60 }, () => sample(rnd, len));
    // And strings that (almost surely) occur nowhere, over the Chinese and the random alphabet.
    for (let i = 0; i < 15; i++) queries.push(randomText(rnd, len, [...'鼋鼍蛟龙凤麟', ...RANDOM_ALPHABET.filter((c) => /[\p{L}\p{N}]/u.test(c))]));
    let nonEmpty = 0;
    for (const q of queries) {
      const expected = substringMatches(q);
      const { ids, first } = searchAll({ text: q, countCap: 10_000 });
      expect(new Set(ids), `query ${JSON.stringify(q)}`).toEqual(expected);
      expect(ids.length, `duplicates for ${q}`).toBe(expected.size);
      expect(first.total).toEqual({ count: expected.size, exact: true });
      if (expected.size) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(60);
  }, 60_000);

  /**
   * Terms that split into a run plus a lone character: across punctuation ("情况。来"), a word and a
   * character ("小区 楼"), digits + symbol + character ("12#楼"), a character with punctuation ("年，"),
   * mixed ASCII ("ab-3", "Ａ１#b"). Every plan must find exactly the substring matches.
   */
  it('finds exactly the substring matches of awkward terms, under every plan', () => {
    const rnd = mulberry32(77);
    const queries: string[] = [];
    const PUNCT = /[，。、；：！？#（）()-]/u;
    const LETTER = /[\p{L}\p{N}]/u;
    for (let tries = 0; queries.length < 45 && tries < 100_000; tries++) {
      const d = docs[Math.floor(rnd() * docs.length)]!;
      const chars = [...(rnd() < 0.3 ? d.title : d.content)];
      const at = chars.findIndex((c, i) => i >= 1 && PUNCT.test(c) && rnd() < 0.3);
      if (at < 1 || !LETTER.test(chars[at - 1]!)) continue;
      const kind = queries.length % 3;
      if (kind === 0 && at >= 2 && LETTER.test(chars[at - 2]!) && at + 1 < chars.length && LETTER.test(chars[at + 1]!)) {
        queries.push(chars.slice(at - 2, at + 2).join(''));
      } else if (kind === 1) {
        queries.push(chars[at - 1]! + chars[at]!);
      } else if (kind === 2 && at + 1 < chars.length && LETTER.test(chars[at + 1]!)) {
        queries.push(chars.slice(at - 1, at + 2).join(''));
      }
    }
    for (let i = 0; i < 8; i++) queries.push(`${sample(rnd, 2)} ${sample(rnd, 1)}`, `${sample(rnd, 1)} ${sample(rnd, 3)}`);
    queries.push('12#楼', '3#楼', '号楼 1', 'ab-3', 'Ａ１#b', '油烟，噪', '楼。', '年，', '1 2 楼', 'b 号 楼 油');
    let nonEmpty = 0;
    for (const q of queries) {
      const terms = normalizeText(q).split(/\s+/u).filter(Boolean);
      const expected = new Set(docs.filter((d) => terms.every((t) => docHas(d, t))).map((d) => d.id));
      if (expected.size) nonEmpty++;
      for (const [name, e] of [['default', engine] as const, ...planned]) {
        const { ids, first } = searchAll({ text: q, countCap: 10_000 }, e);
        expect(new Set(ids), `${name}: ${JSON.stringify(q)}`).toEqual(expected);
        expect(ids.length, `${name}: duplicates for ${q}`).toBe(expected.size);
        expect(first.total, `${name}: ${q}`).toEqual({ count: expected.size, exact: true });
      }
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(50);
  }, 300_000);

  it('finds a term of ideographs through a character that normalises into it (⾳ → 音), under every plan', () => {
    // Terms around a '⾳' of the random tickets' raw text: only the normalised text holds them there.
    const formed = docs.filter((d) => d.content.includes('⾳'));
    expect(formed.length).toBeGreaterThan(20);
    const queries = new Set<string>(['音']);
    for (const d of formed.slice(0, 30)) {
      const text = [...normalizeText(d.content)];
      const raw = [...d.content];
      const at = raw.indexOf('⾳');
      for (const [from, to] of [[at - 1, at + 1], [at, at + 2], [at - 1, at + 2]] as const) {
        const q = text.slice(Math.max(0, from), to).join('');
        if (IDEOGRAPH_TERM.test(q)) queries.add(q);
      }
    }
    let onlyNormalised = 0;
    for (const q of queries) {
      const expected = substringMatches(q);
      if (docs.some((d) => expected.has(d.id) && !d.content.includes(q) && !d.title.includes(q))) onlyNormalised++;
      for (const [name, e] of [['default', engine] as const, ...planned]) {
        for (const filters of [{}, { status: ['registered'] }]) {
          const { ids, first } = searchAll({ text: q, countCap: 10_000, ...filters }, e);
          const want = 'status' in filters ? new Set(docs.filter((d) => expected.has(d.id) && d.status === 'registered').map((d) => d.id)) : expected;
          expect(new Set(ids), `${name}: ${q} ${JSON.stringify(filters)}`).toEqual(want);
          expect(first.total.count, `${name}: ${q}`).toBe(want.size);
        }
      }
    }
    expect(onlyNormalised).toBeGreaterThan(5);
  });

  it('matches within title or within content, never across them', () => {
    const d = docs.find((x) => x.id.startsWith('rnd-'))!;
    const straddle = [...d.title].slice(-1).join('') + [...d.content].slice(0, 1).join('');
    expect(new Set(searchAll({ text: straddle }).ids)).toEqual(substringMatches(straddle));
  });

  it('treats FTS syntax and operators as literal text', () => {
    for (const q of ['OR', 'NEAR', 'and', '"油烟', '油烟*', '-噪音', '^电', 'bi:电梯', '(12)', 'a OR b', 'NEAR(电 梯)', '号#楼', '{bi}']) {
      const terms = normalizeText(q).split(/\s+/u).filter(Boolean);
      const expected = new Set(docs.filter((d) => terms.every((t) => docHas(d, t))).map((d) => d.id));
      expect(new Set(searchAll({ text: q }).ids), q).toEqual(expected);
    }
  });

  it('requires every white-space separated term', () => {
    const lift = substringMatches('电梯');
    const expected = [...substringMatches('来电人')].filter((id) => lift.has(id));
    expect(expected.length).toBeGreaterThan(0);
    expect(new Set(searchAll({ text: '来电人 电梯' }).ids)).toEqual(new Set(expected));
  });
});

describe('filters', () => {
  const ref = (d: Doc, f: SearchInput, descendants: Map<string, Set<string>>) =>
    (!f.status || f.status.includes(d.status))
    && (!f.appealType || f.appealType.includes(d.appeal_type))
    && (!f.categoryIds || f.categoryIds.some((c) => descendants.get(c)!.has(d.category_id ?? '')))
    && (!f.districtCode || d.district_code === f.districtCode)
    && (!f.streetCode || d.street_code === f.streetCode)
    && (!f.departmentId || d.lead_department_id === f.departmentId)
    && (!f.from || d.created_at >= f.from)
    && (!f.to || d.created_at < f.to)
    && (f.overdue === undefined || f.overdue === (OPEN.includes(d.status) && d.reply_by !== null && d.reply_by < NOW.toISOString()));

  it('combine with each other and with text exactly as a scan would', () => {
    const cats = store.sqlite!.prepare('select id, parent_id from categories').all() as { id: string; parent_id: string | null }[];
    const descendants = new Map<string, Set<string>>();
    for (const c of cats) {
      const set = new Set<string>();
      const stack = [c.id];
      while (stack.length) {
        const x = stack.pop()!;
        set.add(x);
        for (const k of cats) if (k.parent_id === x) stack.push(k.id);
      }
      descendants.set(c.id, set);
    }
    const rnd = mulberry32(9);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const demo = docs.filter((d) => !d.id.startsWith('rnd-'));
    const topCats = cats.filter((c) => c.parent_id === null).map((c) => c.id);
    let nonEmpty = 0;
    for (let i = 0; i < 80; i++) {
      const d = pick(demo);
      const f: SearchInput = {};
      if (rnd() < 0.4) f.status = [d.status, pick(demo).status];
      if (rnd() < 0.4) f.appealType = [d.appeal_type];
      if (rnd() < 0.3) f.categoryIds = [pick(topCats)];
      if (rnd() < 0.3 && d.district_code) f.districtCode = d.district_code;
      if (rnd() < 0.2 && d.street_code) f.streetCode = d.street_code;
      if (rnd() < 0.2 && d.lead_department_id) f.departmentId = d.lead_department_id;
      if (rnd() < 0.3) f.from = pick(demo).created_at;
      if (rnd() < 0.3) f.to = pick(demo).created_at;
      if (rnd() < 0.3) f.overdue = rnd() < 0.5;
      if (rnd() < 0.6) f.text = sample(rnd, 2 + Math.floor(rnd() * 3));
      const textIds = f.text ? substringMatches(f.text) : null;
      const expected = new Set(docs.filter((x) => ref(x, f, descendants) && (!textIds || textIds.has(x.id))).map((x) => x.id));
      for (const [name, e] of [['default', engine] as const, ...(f.text ? planned : [])]) {
        const { ids, first } = searchAll(f, e);
        expect(new Set(ids), `${name}: ${JSON.stringify(f)}`).toEqual(expected);
        expect(first.total.count, name).toBe(Math.min(expected.size, 1000));
      }
      if (expected.size) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(30);
  }, 120_000);

  it('an overdue filter without text lists only open tickets past their reply deadline', () => {
    const rows = searchAll({ overdue: true }).ids;
    expect(rows.length).toBeGreaterThan(0);
    const byId = new Map(docs.map((d) => [d.id, d]));
    for (const id of rows) {
      const d = byId.get(id)!;
      expect(OPEN).toContain(d.status);
      expect(d.reply_by! < NOW.toISOString()).toBe(true);
    }
  });
});

describe('order and pagination', () => {
  it.each([{ text: '来电' }, { text: '电' }, { status: ['closed'] }, {}])('returns every row once, newest first, across keyset pages (%j)', (input) => {
    const small = searchAll({ ...input, limit: 37 }).ids;
    const big = searchAll({ ...input, limit: 500 }).ids;
    expect(small).toEqual(big);
    expect(new Set(small).size).toBe(small.length);
    const created = new Map(docs.map((d) => [d.id, d.created_at]));
    const times = small.map((id) => created.get(id)!);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('reports a capped total as a lower bound', () => {
    const r = engine.search({ text: '人', countCap: 100, limit: 5 });
    expect(r.total).toEqual({ count: 100, exact: false });
    expect(r.rows).toHaveLength(5);
  });

  it('reads the index newest-first instead of sorting all matches, filtering hits on the covering index', () => {
    const plan = store.sqlite!.prepare(`explain query plan select ticket_fts_bi.rowid, t.title, t.content from ticket_fts_bi join ticket_search_docs d on d.doc_id = ticket_fts_bi.rowid
      join tickets t on t.id = d.ticket_id where ticket_fts_bi match ? and t.status in ('closed') and t.district_code = ? order by ticket_fts_bi.rowid desc limit 51`)
      .all('"来电"', '430102') as { detail: string }[];
    const text = plan.map((p) => p.detail).join('\n');
    expect(text).not.toMatch(/TEMP B-TREE/);
    // The filters are checked on the index (migration 0011); only passing hits read the ticket's row.
    expect(text).toMatch(/SEARCH t USING INDEX tickets_search_filters \(id=\? AND status=\? AND district_code=\?\)/);
  });
});

describe('snippets', () => {
  it('marks matches as ranges of the original text, full-width included', () => {
    const rows = searchAll({ text: 'a' }).first.rows;
    const marked = rows.flatMap((x) => [...x.titleHighlights.map((h) => x.title.slice(h.start, h.end)), ...x.snippet.highlights.map((h) => x.snippet.text.slice(h.start, h.end))]);
    expect(marked.length).toBeGreaterThan(0);
    for (const m of marked) expect(normalizeText(m)).toMatch(/^a+$/);
    expect(marked.some((m) => m.includes('Ａ'))).toBe(true);
    const hit = engine.search({ text: '油烟', limit: 20 }).rows;
    expect(hit.length).toBeGreaterThan(0);
    for (const x of hit) {
      const marks = [...x.titleHighlights.map((h) => x.title.slice(h.start, h.end)), ...x.snippet.highlights.map((h) => x.snippet.text.slice(h.start, h.end))];
      expect(marks.length).toBeGreaterThan(0);
      for (const m of marks) expect(m).toMatch(/^(油烟)+$/);
    }
  });
});

describe('input validation', () => {
  const code = (input: unknown) => {
    try {
      engine.search(input);
    } catch (e) {
      expect(e).toBeInstanceOf(SearchError);
      return (e as SearchError).code;
    }
    return 'ok';
  };

  it('refuses bad requests with a code, and never lets an FTS syntax error through', () => {
    expect(code({ text: '电梯', limit: 0 })).toBe('limit_out_of_range');
    expect(code({ limit: 501 })).toBe('limit_out_of_range');
    expect(code({ limit: 2.5 })).toBe('limit_out_of_range');
    expect(code({ text: '电'.repeat(10_000) })).toBe('query_too_long');
    expect(code({ text: '"*():^-' })).toBe('query_not_searchable');
    expect(code({ text: '1 2 3 4 5 6 7 8 9' })).toBe('too_many_terms');
    expect(code({ status: ['nope'] })).toBe('invalid_filter');
    expect(code({ appealType: 'complaint' })).toBe('invalid_filter');
    expect(code({ overdue: 'yes' })).toBe('invalid_filter');
    expect(code({ from: 'yesterday' })).toBe('invalid_date');
    expect(code({ text: '电梯', cursor: 'x' })).toBe('invalid_cursor');
    expect(code({ cursor: 'd123' })).toBe('invalid_cursor');
    expect(code({ sql: 'drop table tickets' })).toBe('invalid_input');
    expect(code(null)).toBe('invalid_input');
    for (const text of ['OR', 'NEAR', 'AND NOT', '"', '*', '电梯"', 'a:b', '^x', '-', '(', ')', 'NEAR(a b, 2)', '电 OR 梯', "'", '\u0000', '\uE000']) {
      expect(['ok', 'query_not_searchable']).toContain(code({ text }));
    }
  });

  it('allows an empty query with no filters: the newest tickets', () => {
    const r = engine.search({ text: '   ', limit: 3 });
    const newest = [...docs].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.id < b.id ? 1 : -1)).slice(0, 3);
    expect(r.rows.map((x) => x.id)).toEqual(newest.map((d) => d.id));
  });
});

describe('index maintenance', () => {
  it('indexTicket in the writing transaction re-indexes an edit; removeTicketFromIndex drops the ticket', async () => {
    const id = 'rnd-00001';
    await store.db.transaction().execute(async (trx) => {
      const t = await trx.updateTable('tickets').set({ content: '独一无二的测试内容鼋鼍' }).where('id', '=', id).returning(['id', 'created_at', 'title', 'content']).executeTakeFirstOrThrow();
      await indexTicket(trx, t);
    });
    expect(engine.search({ text: '鼋鼍' }).rows.map((r) => r.id)).toEqual([id]);
    const before = engine.search({ text: '鼋鼍' });
    expect(before.total).toEqual({ count: 1, exact: true });
    await store.db.transaction().execute(async (trx) => {
      const t = await trx.updateTable('tickets').set({ content: '改过的内容' }).where('id', '=', id).returning(['id', 'created_at', 'title', 'content']).executeTakeFirstOrThrow();
      await indexTicket(trx, t);
    });
    expect(engine.search({ text: '鼋鼍' }).rows).toEqual([]);
    expect(engine.search({ text: '改过的内容' }).rows.map((r) => r.id)).toContain(id);
    await removeTicketFromIndex(store.db, id);
    expect(engine.search({ text: '改过的内容' }).rows.map((r) => r.id)).not.toContain(id);
    expect(searchIndexStatus(store.sqlite!).upToDate).toBe(false);
    // A rolled-back write leaves the index as it was.
    await expect(store.db.transaction().execute(async (trx) => {
      await indexTicket(trx, { id, created_at: NOW.toISOString(), title: '回滚', content: '回滚鼋鼍' });
      throw new Error('rollback');
    })).rejects.toThrow('rollback');
    expect(engine.search({ text: '回滚鼋鼍' }).rows).toEqual([]);
    const r = await reindexAll(store);
    expect(r).toMatchObject({ indexed: 1, total: 1, cancelled: false });
    reload();
    expect(searchIndexStatus(store.sqlite!).upToDate).toBe(true);
  });

  it('reindexAll rebuilds in cancellable batches and resumes where it stopped', async () => {
    const ac = new AbortController();
    const progress: number[] = [];
    const r1 = await reindexAll(store, {
      rebuild: true, batchSize: 500, sliceMs: Infinity, signal: ac.signal,
      onProgress: (done) => {
        progress.push(done);
        if (done >= 1000) ac.abort();
      },
    });
    expect(r1).toMatchObject({ rebuilt: true, indexed: 1000, cancelled: true, total: docs.length });
    expect(progress).toEqual([500, 1000]);
    expect(searchIndexStatus(store.sqlite!)).toMatchObject({ indexed: 1000, upToDate: false });
    const r2 = await reindexAll(store);
    expect(r2).toMatchObject({ rebuilt: false, indexed: docs.length - 1000, cancelled: false });
    expect(searchIndexStatus(store.sqlite!).upToDate).toBe(true);
    const q = sample(mulberry32(5), 3);
    expect(new Set(searchAll({ text: q }).ids)).toEqual(substringMatches(q));
  });

  it('reindexAll in the background keeps each batch within its time budget: smaller batches, the same complete index', async () => {
    const steps: number[] = [];
    let before = 0;
    // A budget no batch can meet keeps batches at the smallest size (16), far below batchSize; the index must come out complete all the same.
    const r = await reindexAll(store, {
      rebuild: true, batchSize: 500, sliceMs: 1e-6,
      onProgress: (done) => { steps.push(done - before); before = done; },
    });
    expect(r).toMatchObject({ rebuilt: true, indexed: docs.length, cancelled: false });
    expect(steps.slice(0, -1).every((n) => n === 16)).toBe(true);
    expect(steps.at(-1)).toBeLessThanOrEqual(16);
    expect(searchIndexStatus(store.sqlite!).upToDate).toBe(true);
    const q = sample(mulberry32(7), 2);
    expect(new Set(searchAll({ text: q }).ids)).toEqual(substringMatches(q));
  });
});

describe('documents from before migration 0031 (`plain` not known)', () => {
  it('are checked in JS until reindexAll fills `plain` in the background, cancellably; answers never change', async () => {
    const plainOf = () => new Map((store.sqlite!.prepare('select doc_id, plain from ticket_search_docs').all() as { doc_id: number; plain: number | null }[]).map((r) => [r.doc_id, r.plain]));
    const written = plainOf();
    // What the writes set: 0 exactly for the tickets holding a character that normalises into an ideograph.
    const formed = store.sqlite!.prepare(`select d.doc_id from ticket_search_docs d join tickets t on t.id = d.ticket_id
      where instr(t.title, '⾳') > 0 or instr(t.content, '⾳') > 0`).pluck().all() as number[];
    expect(formed.length).toBeGreaterThan(20);
    expect([...written].filter(([, p]) => p === 0).map(([id]) => id).sort()).toEqual([...formed].sort());
    store.sqlite!.exec('update ticket_search_docs set plain = null');
    expect(searchIndexStatus(store.sqlite!).upToDate).toBe(false);
    const queries = ['音', '噪音', sample(mulberry32(11), 2), sample(mulberry32(12), 3)];
    for (const q of queries) {
      const has = substringMatches(q);
      const want = new Set(docs.filter((d) => has.has(d.id) && d.status === 'registered').map((d) => d.id));
      for (const [name, e] of planned) expect(new Set(searchAll({ text: q, status: ['registered'] }, e).ids), `${name}: ${q}`).toEqual(want);
    }
    const ac = new AbortController();
    ac.abort();
    expect(await reindexAll(store, { signal: ac.signal })).toMatchObject({ cancelled: true });
    expect(searchIndexStatus(store.sqlite!).upToDate).toBe(false);
    expect(await reindexAll(store, { batchSize: 100 })).toMatchObject({ indexed: 0, cancelled: false });
    expect(plainOf()).toEqual(written);
    expect(searchIndexStatus(store.sqlite!).upToDate).toBe(true);
  });
});

describe('terms with punctuation on the raw text (migration 0031, plain = 2)', () => {
  it('are looked for in their raw spellings only where every character normalises to one: "号…" holds "号." after normalisation alone', async () => {
    const ticket = { ...randomTicket(mulberry32(1), 99_999, Date.parse('2025-05-01T00:00:00Z')), id: 'ellipsis-1', number: 'ELL000001', title: '门牌号…待核实', content: '楼号，单元与门牌号…不一致' };
    await store.db.transaction().execute(async (trx) => {
      await trx.insertInto('tickets').values(ticket).execute();
      await indexTicket(trx, ticket);
    });
    try {
      expect(store.sqlite!.prepare('select d.plain from ticket_search_docs d where d.ticket_id = ?').pluck().get('ellipsis-1')).toBe(1);
      for (const [name, e] of [['default', engine] as const, ...planned]) {
        for (const filters of [{}, { status: [ticket.status] }]) {
          // "号." is in the normalised title and content ("号..."), in no raw spelling of either.
          expect(searchAll({ text: '号.', countCap: 10_000, ...filters }, e).ids, `${name} ${JSON.stringify(filters)}`).toContain('ellipsis-1');
          expect(searchAll({ text: '号，单', countCap: 10_000, ...filters }, e).ids, name).toContain('ellipsis-1');
        }
      }
    } finally {
      await removeTicketFromIndex(store.db, 'ellipsis-1');
      await store.db.deleteFrom('tickets').where('id', '=', 'ellipsis-1').execute();
    }
  });
});

describe('number, phone, caller name and address', () => {
  const at = '2025-11-30T08:00:00.000Z';
  const base = {
    updated_at: at, channel: 'phone', appeal_type: 'complaint', urgency: 'normal', status: 'registered', citizen_id: null, category_id: null,
    district_code: null, street_code: null, community_code: null, lat: null, lng: null, lead_department_id: null, sign_by: null, reply_by: null,
    closed_at: null, parent_id: null, content: '路灯不亮已经一周', title: '路灯不亮',
  };
  const open = { ...base, id: 'idf-open', number: 'JC2025113000777', created_at: at, phone: '13987654321', caller_name: '欧阳晓峰', confidential: 0, address: '鼋头渚路88号' };
  const secret = { ...base, id: 'idf-secret', number: 'JC2025113000778', created_at: '2025-11-30T08:00:01.000Z', phone: '01087654321', caller_name: '司马举报', confidential: 1, address: null };

  beforeAll(async () => {
    await store.db.transaction().execute(async (trx) => {
      for (const t of [open, secret]) {
        await trx.insertInto('tickets').values(t).execute();
        await indexTicket(trx, t);
      }
    });
    reload();
  });

  const ids = (text: string, callerVisibility?: 'all' | 'non_confidential' | 'none') =>
    engine.search({ text, limit: 500, ...(callerVisibility ? { callerVisibility } : {}) }).rows.map((r) => r.id);

  it('finds a ticket by a fragment of its number, its caller name and its address', () => {
    expect(ids('113000777')).toEqual(['idf-open']);
    expect(ids('jc20251130007')).toEqual(expect.arrayContaining(['idf-open', 'idf-secret']));
    expect(ids('欧阳晓峰')).toEqual(['idf-open']);
    expect(ids('鼋头渚路')).toEqual(['idf-open']);
    const hit = engine.search({ text: '000777', limit: 5 }).rows[0]!;
    expect(hit.number.slice(hit.numberHighlights[0]!.start, hit.numberHighlights[0]!.end)).toBe('000777');
  });

  it('finds the caller by the number in any format an agent types, for a reader who sees numbers', () => {
    for (const typed of ['13987654321', '139 8765 4321', '139-8765-4321', '+86 139 8765 4321', '+8613987654321', '8613987654321',
      '１３９８７６５４３２１', '(139) 8765-4321', '4321', '87654']) {
      expect(ids(typed, 'all'), typed).toContain('idf-open');
    }
    for (const typed of ['(010) 8765 4321', '010-87654321', '+86 10 8765 4321', '（０１０）８７６５４３２１']) {
      expect(ids(typed, 'all'), typed).toContain('idf-secret');
    }
    const hit = engine.search({ text: '139 8765 4321', limit: 5, callerVisibility: 'all' }).rows[0]!;
    expect(hit.phone).toBe('13987654321');
    expect(hit.phone!.slice(hit.phoneHighlights[0]!.start, hit.phoneHighlights[0]!.end)).toBe('13987654321');
  });

  it('does not let a reader who sees masked numbers probe them, and shows them masked', () => {
    expect(ids('13987654321', 'none')).toEqual([]);
    expect(ids('139 8765 4321', 'none')).toEqual([]);
    expect(ids('87654321', 'none')).not.toContain('idf-open');
    const row = engine.search({ text: '113000777', limit: 5, callerVisibility: 'none' }).rows[0]!;
    expect(row.phone).toBe('139****4321');
    expect(row.phoneHighlights).toEqual([]);
    // Members see numbers, except on confidential tickets (as tickets.get shows them).
    expect(ids('13987654321', 'non_confidential')).toEqual(['idf-open']);
    expect(ids('01087654321', 'non_confidential')).toEqual([]);
    const secretRow = engine.search({ text: '113000778', limit: 5, callerVisibility: 'non_confidential' }).rows[0]!;
    expect(secretRow).toMatchObject({ phone: '010-****4321', callerName: null });
  });

  it('hides a confidential caller name from readers who may not see it, in matching and in results', () => {
    expect(ids('司马举报', 'none')).toEqual([]);
    expect(ids('司马举报', 'non_confidential')).toEqual([]);
    expect(ids('司马举报', 'all')).toEqual(['idf-secret']);
    expect(engine.search({ text: '司马举报', limit: 5, callerVisibility: 'all' }).rows[0]!.callerName).toBe('司马举报');
  });

  it('checks terms with punctuation against the same fields', () => {
    expect(ids('渚路88号', 'none')).toEqual(['idf-open']);
    expect(ids('8765-4321', 'all')).toEqual(expect.arrayContaining(['idf-open', 'idf-secret']));
    expect(ids('8765-4321', 'none')).toEqual([]);
  });
});

describe('planner statistics: refreshed off the request path', () => {
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  /** Turns of the event loop until `done` holds (a refresh runs one step per turn with sliceMs 0). */
  async function turnsUntil(done: () => boolean, each: (turn: number) => void = () => {}): Promise<number> {
    let turn = 0;
    while (!done()) {
      if (turn > 100_000) throw new Error('refresh did not end');
      await nextTurn();
      each(++turn);
    }
    return turn;
  }

  it('a search with stale statistics answers with the old ones and does not run the loader; the refresh runs between searches and is then used', async () => {
    let clock = 1_000_000;
    let calls = 0;
    let failNext = false;
    const log: string[] = [];
    // The real sample, logged when its loader runs and ends.
    function* counted(n: number): Generator<void, SearchStats> {
      log.push(`start ${n}`);
      if (failNext) {
        failNext = false;
        log.push(`fail ${n}`);
        throw new Error('database connection is not open');
      }
      const s = yield* sqliteStatsSteps(store.sqlite!);
      log.push(`end ${n}`);
      return { ...s, takenAt: clock };
    }
    const e = createSearchEngine(store.sqlite!, { now: () => NOW, clock: () => clock, sliceMs: 0, statsSteps: () => counted(++calls) });
    e.warm();
    expect(log).toEqual(['start 1', 'end 1']);
    const query = { text: '噪音', limit: 20 };
    const expected = e.search(query).rows.map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);

    clock += STATS_MAX_AGE_MS + 1;
    expect(e.search(query).rows.map((r) => r.id)).toEqual(expected);
    expect(e.search(query).rows.map((r) => r.id)).toEqual(expected);
    // Neither search ran the loader, and the second did not start a second refresh.
    expect(log).toEqual(['start 1', 'end 1']);
    expect(calls).toBe(1);

    // The refresh runs a step per turn; a search in the middle answers at once, from the old sample.
    let midLog: string[] = [];
    let mid: string[] = [];
    const turns = await turnsUntil(() => log.includes('end 2'), (turn) => {
      if (turn === 20) {
        mid = e.search(query).rows.map((r) => r.id);
        midLog = [...log];
      }
    });
    expect(turns).toBeGreaterThan(20);
    expect(midLog).toEqual(['start 1', 'end 1', 'start 2']);
    expect(mid).toEqual(expected);
    expect(calls).toBe(2);

    // The new sample is in use: it is fresh, so searches start no refresh.
    e.search(query);
    await turnsUntil(() => true);
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(calls).toBe(2);

    // A refresh that fails leaves the old sample serving (no unhandled rejection), and is tried again after STATS_RETRY_MS.
    clock += STATS_MAX_AGE_MS + 1;
    failNext = true;
    expect(e.search(query).rows.map((r) => r.id)).toEqual(expected);
    await turnsUntil(() => log.includes('fail 3'));
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(e.search(query).rows.map((r) => r.id)).toEqual(expected);
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(calls).toBe(3);
    clock += STATS_RETRY_MS;
    e.search(query);
    await turnsUntil(() => log.includes('end 4'));
    expect(log.slice(-3)).toEqual(['fail 3', 'start 4', 'end 4']);
  });
});

describe('the fresh index (saves) folded into the main one (migration 0030)', () => {
  it('a save goes to the fresh index and an edit moves a ticket there; folding them into the main index, a few at a time, changes no answer', async () => {
    const sqlite = store.sqlite!;
    const rnd = mulberry32(31);
    // Whatever earlier tests left in the fresh index goes into the main one first.
    while (foldFreshIndex(sqlite, 1000).left > 0);
    // Edited tickets move from the main index to the fresh one; new ones start there.
    const edited = docs.filter((_, i) => i % 37 === 0).slice(0, 60);
    await store.db.transaction().execute(async (trx) => {
      for (const d of edited) await indexTicket(trx, { ...d, content: `${d.content}鼋鼍` });
    });
    await store.db.updateTable('tickets').set({ content: sql<string>`content || '鼋鼍'` }).where('id', 'in', edited.map((d) => d.id)).execute();
    reload();
    expect(freshIndexSize(sqlite)).toBe(edited.length);
    const queries: SearchInput[] = [{ text: '鼋鼍' }, { text: '鼋鼍', status: ['closed'] }, ...Array.from({ length: 12 }, (_, i) => ({ text: sample(rnd, 1 + (i % 4)) })),
      { text: sample(rnd, 2), status: OPEN }];
    const before = queries.map((q) => searchAll(q, engine));
    expect(new Set(before[0]!.ids)).toEqual(new Set(edited.map((d) => d.id)));
    const steps: number[] = [];
    for (let r = foldFreshIndex(sqlite, 25); ; r = foldFreshIndex(sqlite, 25)) {
      steps.push(r.moved);
      if (r.left === 0) break;
    }
    expect(steps).toEqual([25, 25, 10]);
    expect(freshIndexSize(sqlite)).toBe(0);
    const after = queries.map((q) => searchAll(q, engine));
    expect(after.map((x) => x.ids)).toEqual(before.map((x) => x.ids));
    expect(after.map((x) => x.first.total)).toEqual(before.map((x) => x.first.total));
    for (const [i, q] of queries.entries()) if (!q.status) expect(new Set(after[i]!.ids)).toEqual(substringMatches(q.text!));
    // Folded, a ticket edited again goes back to the fresh index and is found by its new text only.
    const again = edited[0]!;
    await store.db.transaction().execute(async (trx) => {
      await trx.updateTable('tickets').set({ content: '再次修改鼍鼋' }).where('id', '=', again.id).execute();
      await indexTicket(trx, { ...again, content: '再次修改鼍鼋' });
    });
    expect(freshIndexSize(sqlite)).toBe(1);
    expect(engine.search({ text: '鼍鼋' }).rows.map((r) => r.id)).toEqual([again.id]);
    expect(engine.search({ text: '鼋鼍' }).rows.map((r) => r.id)).not.toContain(again.id);
  });
});

import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import type { ValidSearch } from './query';
import { normalizeText, tokenizeDocument, type TermPlan } from './tokenize';

/**
 * Chooses how a search runs, for both engines, from cheap estimates:
 *
 * - text first: read the index newest-first from the RAREST index condition (a bigram phrase in
 *   `bi` or a lone character in `uni`), check the other terms and the filters on each hit, stop at
 *   the page size (and at countCap + 1 for the count);
 * - filters first: take the tickets the filters select (district, status, dates, category … through
 *   the tickets' own indexes), check every term on each, newest first.
 *
 * Estimates come from a random SAMPLE of tickets (SAMPLE_SIZE), taken when an engine starts (or first
 * searches) and again, in the background while searches use the old one, once it is older than
 * STATS_MAX_AGE_MS: the share of sampled tickets holding each token
 * (document frequency) and the share passing the filter mix (joint, so "district + open states" is
 * estimated as it occurs, not as a product). No table is kept on write: intake and import pay nothing,
 * and a wrong estimate costs time, never recall (both plans return the same rows).
 */

export const SAMPLE_SIZE = 2000;
export const STATS_MAX_AGE_MS = 10 * 60_000;
/** After a refresh failed (a closed connection, a restart), the old sample serves this long before the next try. */
export const STATS_RETRY_MS = 60_000;
/** A background refresh works for about this long before letting other work in. */
export const STATS_SLICE_MS = 5;
/** Checking a ticket from the filtered set costs about this many index hits of the text plan (an engine may say otherwise). */
export const FILTER_ROW_COST = 2;

/** What the sample keeps of a ticket: the filter columns and its token sets. */
export interface SampleTicket {
  status: string;
  appeal_type: string;
  category_id: string | null;
  district_code: string | null;
  street_code: string | null;
  lead_department_id: string | null;
  created_at: string;
  reply_by: string | null;
  /** Departments the ticket was dispatched to (ticket_departments). */
  departments: readonly string[];
  /**
   * Its searchable fields normalised and joined by '\n' (PostgreSQL's sample only: sampleMatches
   * checks each term on it to choose between walking the documents and fetching the index's hits).
   */
  body?: string;
}

export interface SampleSource extends SampleTicket {
  title: string;
  content: string;
  number: string | null;
  address: string | null;
  caller_name: string | null;
  confidential: number | boolean | null;
}

export interface SearchStats {
  /** Tickets in the store when sampled. */
  total: number;
  sample: SampleTicket[];
  /** Sampled tickets holding each bigram / character. */
  bi: Map<string, number>;
  uni: Map<string, number>;
  /** Category id → its children, for category filters. */
  children: Map<string, string[]>;
  takenAt: number;
}

/** SearchStats a ticket at a time, so that a background refresh can pause between tickets (sqlite-search.ts). */
export class StatsBuilder {
  private readonly bi = new Map<string, number>();
  private readonly uni = new Map<string, number>();
  private readonly sample: SampleTicket[] = [];

  /** `keepText`: keep each sampled ticket's normalised text (SampleTicket.body). */
  constructor(private readonly keepText = false) {}

  add(r: SampleSource): void {
    const fields = [r.title, r.content, r.number ?? '', r.address ?? '', r.confidential ? '' : r.caller_name ?? ''] as const;
    const tokens = tokenizeDocument(...fields);
    for (const b of new Set(tokens.bi.split(' '))) if (b) this.bi.set(b, (this.bi.get(b) ?? 0) + 1);
    for (const c of tokens.uni.split(' ')) if (c) this.uni.set(c, (this.uni.get(c) ?? 0) + 1);
    this.sample.push({
      status: r.status, appeal_type: r.appeal_type, category_id: r.category_id, district_code: r.district_code, street_code: r.street_code,
      lead_department_id: r.lead_department_id, created_at: r.created_at, reply_by: r.reply_by, departments: r.departments,
      ...(this.keepText ? { body: fields.map(normalizeText).join('\n') } : {}),
    });
  }

  finish(total: number, categories: Categories, takenAt = Date.now()): SearchStats {
    const children = new Map<string, string[]>();
    for (const c of categories) {
      if (c.parent_id === null) continue;
      const list = children.get(c.parent_id);
      if (list) list.push(c.id);
      else children.set(c.parent_id, [c.id]);
    }
    return { total, sample: this.sample, bi: this.bi, uni: this.uni, children, takenAt };
  }
}

type Categories = readonly { id: string; parent_id: string | null }[];

/** buildStats one sampled ticket per step (tokenizing 2000 tickets takes about 0.1 s). */
export function* buildStatsSteps(total: number, rows: readonly SampleSource[], categories: Categories, takenAt?: number, keepText = false): Generator<void, SearchStats> {
  const b = new StatsBuilder(keepText);
  for (const r of rows) {
    yield;
    b.add(r);
  }
  return b.finish(total, categories, takenAt);
}

export function buildStats(total: number, rows: readonly SampleSource[], categories: Categories, takenAt = Date.now(), keepText = false): SearchStats {
  return runToEnd(buildStatsSteps(total, rows, categories, takenAt, keepText));
}

/** Runs steps to their end at once. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Random distinct integers in [1, max], at most n of them (rowids to sample). */
export function sampleIds(max: number, n: number, rnd: () => number = Math.random): number[] {
  if (max <= n) return Array.from({ length: max }, (_, i) => i + 1);
  const ids = new Set<number>();
  while (ids.size < n) ids.add(1 + Math.floor(rnd() * max));
  return [...ids];
}

export function statsStale(s: SearchStats | null, now = Date.now()): boolean {
  return s === null || now - s.takenAt > STATS_MAX_AGE_MS;
}

/** Share of tickets holding a token; an unseen token counts as half a sampled ticket. */
function share(stats: SearchStats, n: number | undefined): number {
  return ((n ?? 0) + 0.5) / (stats.sample.length + 1);
}

function phraseShare(stats: SearchStats, phrase: readonly string[]): number {
  let m = 1;
  for (const b of phrase) m = Math.min(m, share(stats, stats.bi.get(b)));
  return m;
}

function charShare(stats: SearchStats, c: string): number {
  return share(stats, stats.uni.get(c));
}

function descendants(stats: SearchStats, ids: readonly string[]): Set<string> {
  const out = new Set<string>(ids);
  const todo = [...ids];
  while (todo.length) for (const k of stats.children.get(todo.pop()!) ?? []) if (!out.has(k)) { out.add(k); todo.push(k); }
  return out;
}

export function hasFilters(v: ValidSearch): boolean {
  return Boolean(v.status || v.appealType || v.categoryIds || v.districtCode || v.streetCode || v.departmentId
    || v.visibleToDepartmentId || v.from || v.to || v.overdue !== null);
}

/** Whether a sampled ticket passes the search's filters. */
function filterTest(v: ValidSearch, stats: SearchStats, now: Date): (t: SampleTicket) => boolean {
  const status = v.status ? new Set(v.status) : null;
  const types = v.appealType ? new Set(v.appealType) : null;
  const cats = v.categoryIds ? descendants(stats, v.categoryIds) : null;
  const open = new Set<string>(OPEN_TICKET_STATES);
  const at = now.toISOString();
  return (t) => {
    if (status && !status.has(t.status)) return false;
    if (types && !types.has(t.appeal_type)) return false;
    if (cats && (t.category_id === null || !cats.has(t.category_id))) return false;
    if (v.districtCode !== null && t.district_code !== v.districtCode) return false;
    if (v.streetCode !== null && t.street_code !== v.streetCode) return false;
    if (v.departmentId !== null && t.lead_department_id !== v.departmentId) return false;
    if (v.visibleToDepartmentId !== null && t.lead_department_id !== v.visibleToDepartmentId && !t.departments.includes(v.visibleToDepartmentId)) return false;
    if (v.from && t.created_at < v.from) return false;
    if (v.to && t.created_at >= v.to) return false;
    if (v.overdue !== null && (open.has(t.status) && t.reply_by !== null && t.reply_by < at) !== v.overdue) return false;
    return true;
  };
}

/** Share of tickets passing the filters, from the sample (1 without filters). */
export function filterShare(v: ValidSearch, stats: SearchStats, now: Date): number {
  if (!hasFilters(v)) return 1;
  const pass = filterTest(v, stats, now);
  let n = 0;
  for (const t of stats.sample) if (pass(t)) n++;
  return share(stats, n);
}

/**
 * From a sample that kept its text (SampleTicket.body), or null: of the sampled tickets, how many
 * match the search (every term's text in the body, and the filters) and how many hold every bigram
 * and character of its terms (about what an index lookup ANDing them returns, filters aside).
 * Counted on the same tickets, so a term rarer than its rarest bigram ("桥社区友": 3 common bigrams,
 * 124 tickets of 200k) and a term that clusters in one district are seen as they occur.
 */
export function sampleMatches(v: ValidSearch, stats: SearchStats, now: Date, divisionsIndexed = false): { matched: number; held: number; sampled: number } | null {
  if (!stats.sample.length || stats.sample[0]!.body === undefined) return null;
  const pass = filterTest(v, stats, now);
  // With the division in the index (divisionsIndexed), the lookup returns only the division's tickets.
  const inIndex = divisionsIndexed ? filterTest(divisionsOnly(v), stats, now) : () => true;
  // A term with edges around its separators ("5#人") is looked up with them, nearly as exactly as its
  // text: its text stands for its pieces.
  const pieces = [...new Set(v.terms.flatMap((t) => (t.edges.length ? [t.text] : [...t.phrases.flat(), ...t.chars])))];
  const texts = v.terms.map((t) => t.text);
  let matched = 0;
  let held = 0;
  for (const t of stats.sample) {
    const body = t.body ?? '';
    if (!pieces.every((p) => body.includes(p)) || !inIndex(t)) continue;
    held++;
    if (texts.every((x) => body.includes(x)) && pass(t)) matched++;
  }
  return { matched, held, sampled: stats.sample.length };
}

const NO_FILTERS = { status: null, appealType: null, categoryIds: null, districtCode: null, streetCode: null, departmentId: null, visibleToDepartmentId: null, from: null, to: null, overdue: null } as const;

/** The search with only its district and street filters: what PostgreSQL's division lexemes (migration 0032) let the index lookup answer. */
function divisionsOnly(v: ValidSearch): ValidSearch {
  return { ...v, ...NO_FILTERS, districtCode: v.districtCode, streetCode: v.streetCode };
}

/** Ticket indexes a filters-first search can start from (SQLite picks by this estimate; migration 0031 added the two-column ones). */
export type FilterIndex = 'tickets_status_reply_by' | 'tickets_status_created' | 'tickets_district_status' | 'tickets_street' | 'tickets_category_created' | 'tickets_created';

/** The index of this search's filters that selects the fewest sampled tickets (all its columns this search filters on), or null when none applies. */
export function narrowestFilterIndex(v: ValidSearch, stats: SearchStats, now: Date): FilterIndex | null {
  const options: [FilterIndex, Partial<ValidSearch> | null][] = [
    ['tickets_status_reply_by', v.status ? { status: v.status } : null],
    ['tickets_status_created', v.status && (v.from || v.to) ? { status: v.status, from: v.from, to: v.to } : null],
    ['tickets_district_status', v.districtCode !== null ? { districtCode: v.districtCode, status: v.status } : null],
    ['tickets_street', v.streetCode !== null ? { streetCode: v.streetCode } : null],
    ['tickets_category_created', v.categoryIds ? { categoryIds: v.categoryIds, from: v.from, to: v.to } : null],
    ['tickets_created', v.from || v.to ? { from: v.from, to: v.to } : null],
  ];
  let best: FilterIndex | null = null;
  let bestShare = Infinity;
  for (const [index, only] of options) {
    if (!only) continue;
    const s = filterShare({ ...v, ...NO_FILTERS, ...only }, stats, now);
    if (s < bestShare) {
      best = index;
      bestShare = s;
    }
  }
  return best;
}

export interface SearchPlan {
  mode: 'text' | 'filters';
  /** Filters first, SQLite: the index to start from (SQLite has no statistics of its own here). */
  filterIndex: FilterIndex | null;
  /** Text first: the index table that leads (its conditions are ANDed in one index lookup). */
  lead: 'bi' | 'uni';
  /** Terms checked on each candidate row (substring), beyond what the lead's lookup answers. */
  check: TermPlan[];
  /**
   * Estimated tickets: matching the lead lookup, passing the filters, index hits the text plan reads
   * for the page and count (textScan) and for the page alone (pageScan); `text`: matching the text
   * (the rarest token's share), of `total`; `other`: matching the other index table's rarest condition
   * (all of `total` when the search has none there).
   */
  estimate: { lead: number; filtered: number; textScan: number; pageScan: number; text: number; other: number; total: number };
}

/** A plan forced by tests; `lead` applies to the text plan and needs an index condition of that kind. */
export interface PlanChoice {
  mode?: SearchPlan['mode'];
  lead?: SearchPlan['lead'];
}

/** What a `uni`-led lookup ANDs: every term's lone characters and edge tokens. */
export function uniTokens(v: ValidSearch): string[] {
  return [...new Set(v.terms.flatMap((t) => [...t.chars, ...t.edges]))];
}

/**
 * The plan of a search with text (v.terms non-empty). Without stats (an empty store) the text plan
 * with `bi` leading when there is a phrase. `divisionsIndexed`: the text lookup also carries the
 * search's district and street (PostgreSQL's division lexemes, migration 0032), so it returns only
 * the hits of that division.
 */
export function planSearch(v: ValidSearch, stats: SearchStats | null, now: Date, force: PlanChoice = {}, filterRowCost = FILTER_ROW_COST, divisionsIndexed = false): SearchPlan {
  const phrases = v.terms.flatMap((t) => t.phrases);
  // `uni` answers lone characters and the edges around separators alike.
  const chars = uniTokens(v);
  let lead: 'bi' | 'uni' = phrases.length ? 'bi' : 'uni';
  let leadShare = 1;
  let textShare = 1;
  // The rarest condition's share in each index table (Infinity: the search has none there).
  let p = Infinity;
  let c = Infinity;
  let f = 1;
  // The share of tickets the index lookup itself keeps by their division (1 unless divisionsIndexed).
  let d = 1;
  if (stats) {
    p = Math.min(...phrases.map((x) => phraseShare(stats, x)));
    c = Math.min(...chars.map((x) => charShare(stats, x)));
    lead = phrases.length && p <= c ? 'bi' : 'uni';
    leadShare = lead === 'bi' ? p : c;
    textShare = Math.min(p, c);
    f = filterShare(v, stats, now);
    if (divisionsIndexed && (v.districtCode !== null || v.streetCode !== null)) d = Math.max(f, filterShare(divisionsOnly(v), stats, now));
  }
  if (force.lead === 'bi' && phrases.length) lead = 'bi';
  if (force.lead === 'uni' && chars.length) lead = 'uni';
  // Edges belong to inexact terms only, which are always checked.
  const check = v.terms.filter((t) => !t.exact || (lead === 'bi' ? t.chars.length > 0 : t.phrases.length > 0));
  const total = stats?.total ?? 0;
  const need = (v.countCap > 0 ? v.countCap : v.limit) + 1;
  const leadRows = leadShare * d * total;
  // Hits of the lead read before `need` of them pass the filters and the other terms.
  const pass = Math.max(1e-9, (f / d) * (textShare / leadShare));
  const textScan = Math.min(leadRows, need / pass);
  const filtered = f * total;
  const pageScan = Math.min(leadRows, (v.limit + 1) / pass);
  const mode = force.mode ?? (stats && hasFilters(v) && filtered * filterRowCost < textScan ? 'filters' : 'text');
  const filterIndex = mode === 'filters' && stats ? narrowestFilterIndex(v, stats, now) : null;
  return { mode, filterIndex, lead, check: mode === 'filters' ? v.terms : check, estimate: { lead: leadRows, filtered, textScan, pageScan, text: textShare * total, other: Math.min(1, lead === 'bi' ? c : p) * total, total } };
}

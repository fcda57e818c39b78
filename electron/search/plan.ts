import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import type { ValidSearch } from './query';
import { tokenizeDocument, type TermPlan } from './tokenize';

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
/** Checking a ticket from the filtered set costs about this many index hits of the text plan. */
const FILTER_ROW_COST = 2;

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

  add(r: SampleSource): void {
    const tokens = tokenizeDocument(r.title, r.content, r.number ?? '', r.address ?? '', r.confidential ? '' : r.caller_name ?? '');
    for (const b of new Set(tokens.bi.split(' '))) if (b) this.bi.set(b, (this.bi.get(b) ?? 0) + 1);
    for (const c of tokens.uni.split(' ')) if (c) this.uni.set(c, (this.uni.get(c) ?? 0) + 1);
    this.sample.push({
      status: r.status, appeal_type: r.appeal_type, category_id: r.category_id, district_code: r.district_code, street_code: r.street_code,
      lead_department_id: r.lead_department_id, created_at: r.created_at, reply_by: r.reply_by, departments: r.departments,
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
export function* buildStatsSteps(total: number, rows: readonly SampleSource[], categories: Categories, takenAt?: number): Generator<void, SearchStats> {
  const b = new StatsBuilder();
  for (const r of rows) {
    yield;
    b.add(r);
  }
  return b.finish(total, categories, takenAt);
}

export function buildStats(total: number, rows: readonly SampleSource[], categories: Categories, takenAt = Date.now()): SearchStats {
  return runToEnd(buildStatsSteps(total, rows, categories, takenAt));
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

/** Share of tickets passing the filters, from the sample (1 without filters). */
export function filterShare(v: ValidSearch, stats: SearchStats, now: Date): number {
  if (!hasFilters(v)) return 1;
  const status = v.status ? new Set(v.status) : null;
  const types = v.appealType ? new Set(v.appealType) : null;
  const cats = v.categoryIds ? descendants(stats, v.categoryIds) : null;
  const open = new Set<string>(OPEN_TICKET_STATES);
  const at = now.toISOString();
  let n = 0;
  for (const t of stats.sample) {
    if (status && !status.has(t.status)) continue;
    if (types && !types.has(t.appeal_type)) continue;
    if (cats && (t.category_id === null || !cats.has(t.category_id))) continue;
    if (v.districtCode !== null && t.district_code !== v.districtCode) continue;
    if (v.streetCode !== null && t.street_code !== v.streetCode) continue;
    if (v.departmentId !== null && t.lead_department_id !== v.departmentId) continue;
    if (v.visibleToDepartmentId !== null && t.lead_department_id !== v.visibleToDepartmentId && !t.departments.includes(v.visibleToDepartmentId)) continue;
    if (v.from && t.created_at < v.from) continue;
    if (v.to && t.created_at >= v.to) continue;
    if (v.overdue !== null && (open.has(t.status) && t.reply_by !== null && t.reply_by < at) !== v.overdue) continue;
    n++;
  }
  return share(stats, n);
}

/** Single-column ticket indexes a filters-first search can start from (SQLite picks by this estimate). */
export type FilterIndex = 'tickets_status_reply_by' | 'tickets_district' | 'tickets_street' | 'tickets_category_created' | 'tickets_created';

/** The indexed filter of this search that selects the fewest sampled tickets, or null when none applies. */
export function narrowestFilterIndex(v: ValidSearch, stats: SearchStats, now: Date): FilterIndex | null {
  const none = { status: null, appealType: null, categoryIds: null, districtCode: null, streetCode: null, departmentId: null, visibleToDepartmentId: null, from: null, to: null, overdue: null };
  const options: [FilterIndex, Partial<ValidSearch> | null][] = [
    ['tickets_status_reply_by', v.status ? { status: v.status } : null],
    ['tickets_district', v.districtCode !== null ? { districtCode: v.districtCode } : null],
    ['tickets_street', v.streetCode !== null ? { streetCode: v.streetCode } : null],
    ['tickets_category_created', v.categoryIds ? { categoryIds: v.categoryIds } : null],
    ['tickets_created', v.from || v.to ? { from: v.from, to: v.to } : null],
  ];
  let best: FilterIndex | null = null;
  let bestShare = Infinity;
  for (const [index, only] of options) {
    if (!only) continue;
    const s = filterShare({ ...v, ...none, ...only }, stats, now);
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
   * for the page and count (textScan) and for the page alone (pageScan).
   */
  estimate: { lead: number; filtered: number; textScan: number; pageScan: number };
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
 * with `bi` leading when there is a phrase.
 */
export function planSearch(v: ValidSearch, stats: SearchStats | null, now: Date, force: PlanChoice = {}): SearchPlan {
  const phrases = v.terms.flatMap((t) => t.phrases);
  // `uni` answers lone characters and the edges around separators alike.
  const chars = uniTokens(v);
  let lead: 'bi' | 'uni' = phrases.length ? 'bi' : 'uni';
  let leadShare = 1;
  let textShare = 1;
  let f = 1;
  if (stats) {
    const p = Math.min(...phrases.map((x) => phraseShare(stats, x)));
    const c = Math.min(...chars.map((x) => charShare(stats, x)));
    lead = phrases.length && p <= c ? 'bi' : 'uni';
    leadShare = lead === 'bi' ? p : c;
    textShare = Math.min(p, c);
    f = filterShare(v, stats, now);
  }
  if (force.lead === 'bi' && phrases.length) lead = 'bi';
  if (force.lead === 'uni' && chars.length) lead = 'uni';
  // Edges belong to inexact terms only, which are always checked.
  const check = v.terms.filter((t) => !t.exact || (lead === 'bi' ? t.chars.length > 0 : t.phrases.length > 0));
  const total = stats?.total ?? 0;
  const need = (v.countCap > 0 ? v.countCap : v.limit) + 1;
  const leadRows = leadShare * total;
  // Hits of the lead read before `need` of them pass the filters and the other terms.
  const pass = Math.max(1e-9, f * (textShare / leadShare));
  const textScan = Math.min(leadRows, need / pass);
  const filtered = f * total;
  const pageScan = Math.min(leadRows, (v.limit + 1) / pass);
  const mode = force.mode ?? (stats && hasFilters(v) && filtered * FILTER_ROW_COST < textScan ? 'filters' : 'text');
  const filterIndex = mode === 'filters' && stats ? narrowestFilterIndex(v, stats, now) : null;
  return { mode, filterIndex, lead, check: mode === 'filters' ? v.terms : check, estimate: { lead: leadRows, filtered, textScan, pageScan } };
}

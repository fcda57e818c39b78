import type Database from 'better-sqlite3';
import { SearchError, validateSearch, type CallerVisibility, type SearchResult, type ValidSearch } from '../../search/query';
import { seesCallerName, seesFullPhone } from '../../../shared/domain/caller-privacy';
import { FIELD_PREFIX, ftsPhrase, IDEOGRAPH_TERM, normalizeText, phoneDigits, rawSpellings, type FieldPrefix, type TermPlan } from '../../search/tokenize';
import { FILTER_ROW_COST, planSearch, uniTokens, type SearchPlan, runToEnd, sampleIds, SAMPLE_SIZE, STATS_RETRY_MS, STATS_SLICE_MS, StatsBuilder, statsStale, type PlanChoice, type SampleSource, type SearchStats } from '../../search/plan';
import { runInSlices } from '../../util/time-slice';
import { needsCount, OPEN_STATUSES, pageResult, phoneNeedle, prefixesFor, type TicketRow } from '../../search/results';

/**
 * Ticket search over one better-sqlite3 connection, synchronous: it runs inside the search worker
 * (its own read-only connection) and, for tests and small stores, in-process. The PostgreSQL engine
 * (pg-search.ts) answers the same `search(input)` over Kysely with tsvector queries; both sit behind
 * the SearchIndex port (electron/search/search-index.ts), built by createSearchIndex (./search-index.ts).
 *
 * Text search reads the FTS5 index newest-first (its rowid is a created_at-ordered key) and joins
 * each hit to `tickets` for the filters, stopping after limit + 1 rows: no sort of all matches.
 * plan.ts chooses which index leads (the rarest bigram phrase or character; the other terms are
 * checked on the row) or, when the filters select far fewer tickets than the text, to start from
 * the filtered tickets and check the text on each.
 */

const CONTAINS_FN = 'hotline_search_contains';

/** Whether the fresh index (migration 0030) holds any document: a search reads it only then. */
const HAS_FRESH = 'select exists (select 1 from ticket_fts_fresh)';

/**
 * A filters-first search (plan.ts: the filters select few tickets). The filtered documents' ids come
 * from one indexed read, newest-first; then either
 *  - `lookup`: they meet the ids of the lead lookup's hits, read from the posting lists alone
 *    (131,000 ids of "物业" in 9 ms at 1M tickets), or
 *  - every term is checked on their rows, in chunks newest-first, stopping once the page and the
 *    count have what they need: ~1 µs a row where SQLite's instr answers (a term of ideographs on a
 *    `plain` document, see termCheck), ~15 µs where the check runs in JS.
 * Only the page's rows are read whole.
 */
interface FiltersFirst {
  candidatesSql: string;
  candidatesParams: unknown[];
  lookup: { table: 'ticket_fts_bi' | 'ticket_fts_uni'; expr: string } | null;
  /** The terms the lookup does not answer (all of them without one), checked on the documents' rows. */
  check: { where: string[]; params: unknown[] };
}

/**
 * Costs in µs (measured at 1M tickets): an id read from the posting lists into JS, a row checked in
 * JS, a row checked by instr in SQLite.
 */
const LOOKUP_ID_US = 0.17;
/** plan.ts FILTER_ROW_COST where every term is checked by instr (see termCheck). */
const SQL_CHECK_ROW_COST = 0.5;
const CHECK_ROW_US = 15;
/**
 * Meeting the two posting lists (bothIndexes) reads every id of both in the range walked (~0.4 µs
 * each, measured at 1M tickets), walking the lead's hits joins each to its ticket and checks the
 * other term (~4 µs): the lists are met while the other's are at most this many times the lead's.
 * At 1M tickets, "佳园 不" (16×) took 19.8 ms met and 25.4 ms walked, "建筑 上" (35×) 41.1 and 15.0,
 * "业院 的" (1,250×) 391 and 70; "几天 骗" (2×, no match) 16.0 and 302 ms.
 */
const MEET_MAX_RATIO = 10;
const PLAIN_ROW_US = 1;
/** Rows checked per statement: the first chunk small (a page of common terms fills at once), then growing. */
const FIRST_CHUNK = 64;
const MAX_CHUNK = 4096;

export interface SearchEngineOptions {
  /** @default () => new Date() */
  now?: () => Date;
  /** Tests: run this plan whatever the estimates say (every plan must give the same answer). */
  force?: PlanChoice;
  /** Tests: filters first, meet the lead lookup's ids (true) or check every term on the rows (false), whatever lookupCheaper says. */
  forceLookup?: boolean;
  /** Tests and the bench: meet the two indexes' posting lists (true) or walk the lead's hits (false), whatever MEET_MAX_RATIO says. */
  forceIntersect?: boolean;
  /** The planner's sample, in steps. @default sqliteStatsSteps on this connection */
  statsSteps?: () => Generator<void, SearchStats>;
  /** The clock that ages the sample (plan.ts statsStale). @default Date.now */
  clock?: () => number;
  /** A background refresh runs steps for about this long before letting searches in. @default STATS_SLICE_MS */
  sliceMs?: number;
}

const SAMPLE_COLS = `t.status, t.appeal_type, t.category_id, t.district_code, t.street_code, t.lead_department_id, t.created_at, t.reply_by,
  t.title, t.content, t.number, t.address, t.caller_name, t.confidential`;

/**
 * Planner statistics from a random sample of tickets (plan.ts), read by rowid: no scan of the table.
 * One sampled ticket per step: a background refresh pauses at each `yield` when its slice is up.
 */
export function* sqliteStatsSteps(sqlite: Database.Database): Generator<void, SearchStats> {
  const total = sqlite.prepare('select count(*) from ticket_search_docs').pluck().get() as number;
  const max = (sqlite.prepare('select max(rowid) from tickets').pluck().get() as number | null) ?? 0;
  const get = sqlite.prepare(`select ${SAMPLE_COLS}, (select group_concat(department_id, char(31)) from ticket_departments v where v.ticket_id = t.id) as deps
    from tickets t where t.rowid = ?`);
  const b = new StatsBuilder();
  for (const id of sampleIds(max, SAMPLE_SIZE)) {
    yield;
    const r = get.get(id) as (Omit<SampleSource, 'departments'> & { deps: string | null }) | undefined;
    if (r) b.add({ ...r, departments: r.deps ? r.deps.split('\x1f') : [] });
  }
  const categories = sqlite.prepare('select id, parent_id from categories').all() as { id: string; parent_id: string | null }[];
  return b.finish(total, categories);
}

/** The whole sample at once (benchmarks, and an engine's first sample). */
export const loadSqliteStats = (sqlite: Database.Database): SearchStats => runToEnd(sqliteStatsSteps(sqlite));


export interface RunOptions {
  /** Polled between result rows and before counting; true abandons the search with a 'cancelled' error. */
  shouldCancel?: () => boolean;
}

const DIGITS = /^\d+$/u;

/** One run's FTS expression: the plain tokens, or the same tokens in a restricted field this reader may read. */
function runExpr(tokens: readonly string[], prefixes: readonly FieldPrefix[]): string {
  const digits = tokens.every((x) => DIGITS.test(x));
  const alts = [ftsPhrase(tokens)];
  for (const p of prefixes) {
    // Phone fields hold digits only: a run with anything else cannot be in one.
    if (!digits && p !== FIELD_PREFIX.confidentialName) continue;
    alts.push(ftsPhrase(tokens.map((x) => p + x)));
  }
  return alts.length === 1 ? alts[0]! : `(${alts.join(' OR ')})`;
}

export interface SearchEngine {
  search(input: unknown, run?: RunOptions): SearchResult;
  /** Takes the planner's sample now (the worker does, before it reports ready) instead of on the first search. */
  warm(): void;
}

/**
 * How a term can be checked by instr in SQLite: its raw spellings and the `plain` level a document
 * needs (migration 0031, indexer.ts plainOf); null: only the JS check is exact. A term that may be a
 * phone number is always checked in JS (digits have many raw forms anyway).
 */
function sqlCheck(text: string): { spellings: string[]; plain: 1 | 2 } | null {
  if (IDEOGRAPH_TERM.test(text)) return { spellings: [text], plain: 1 };
  if (phoneNeedle(text) !== null) return null;
  const spellings = rawSpellings(text);
  return spellings ? { spellings, plain: 2 } : null;
}

/** The terms a lookup led by `lead` does not answer exactly, checked on the row (plan.ts planSearch). */
function textChecked(v: ValidSearch, lead: SearchPlan['lead']): TermPlan[] {
  return v.terms.filter((t) => !t.exact || (lead === 'bi' ? t.chars.length > 0 : t.phrases.length > 0));
}

/**
 * Filters first: whether meeting the lead lookup's ids beats checking the text on the filtered rows
 * (see FiltersFirst), by estimated µs. The rows are checked newest-first until countCap + 1 match, so
 * a common term stops early; the lookup reads every hit's id.
 */
function lookupCheaper(v: ValidSearch, plan: SearchPlan): boolean {
  const { lead, filtered, text, total } = plan.estimate;
  const need = (v.countCap > 0 ? v.countCap : v.limit) + 1;
  // Rows checked newest-first out of `rows` until `need` pass, each passing with probability `share`.
  const checking = (terms: readonly TermPlan[], rows: number, share: number) => {
    if (!terms.length) return 0;
    const walked = Math.min(rows, need / Math.max(share, 1e-9));
    return walked * (terms.every((t) => sqlCheck(t.text)) ? PLAIN_ROW_US : CHECK_ROW_US);
  };
  const n = Math.max(1, total);
  const checkAll = checking(v.terms, filtered, text / n);
  // After the lookup only the filtered tickets holding the lead remain, for the terms it does not answer.
  const viaLookup = lead * LOOKUP_ID_US + checking(textChecked(v, plan.lead), filtered * Math.min(1, lead / n), Math.min(1, text / Math.max(1, lead)));
  return viaLookup < checkAll;
}

/**
 * One FTS5 expression's doc ids newest-first, streamed by one statement. `atMost(x)` gives its first
 * id ≤ x. No seeking: a newest-first read below a bound cost about as much as reading the list from
 * its newest id (a leapfrog of such reads took seconds for "小区 楼" at 1M tickets, the stream milliseconds).
 */
class Postings {
  private head: number | null = null;
  private ended = false;
  private readonly rows: IterableIterator<number>;

  constructor(read: Database.Statement, expr: string) {
    this.rows = read.iterate(expr) as IterableIterator<number>;
  }

  atMost(x: number): number | null {
    while (!this.ended && (this.head === null || this.head > x)) {
      const r = this.rows.next();
      if (r.done) this.ended = true;
      else this.head = r.value;
    }
    return this.ended ? null : this.head;
  }

  /** Ends the statement (it is left open when the search stops early). */
  close(): void {
    this.rows.return?.();
  }
}

/**
 * The doc ids in both expressions' posting lists (one in `bi`, one in `uni` of the same index),
 * newest-first: a merge, each list read up to the other's id. It costs a read of every id of both
 * lists in the range walked (~0.4 µs each), where walking the lead's hits joins each to its ticket
 * and checks the other term on its text (~4 µs; see MEET_MAX_RATIO).
 */
function* bothIndexes(a: Postings, b: Postings): Generator<number> {
  let x = a.atMost(Number.MAX_SAFE_INTEGER);
  while (x !== null) {
    const y = b.atMost(x);
    if (y === null) return;
    if (y === x) {
      yield x;
      x = a.atMost(x - 1);
    } else {
      x = a.atMost(y);
    }
  }
}

/** Descending id streams merged into one, descending (a document is in one index only). */
function* mergedDesc(streams: Generator<number>[]): Generator<number> {
  const heads = streams.map((g) => g.next());
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) if (!heads[i]!.done && (best < 0 || heads[i]!.value > heads[best]!.value)) best = i;
    if (best < 0) return;
    yield heads[best]!.value as number;
    heads[best] = streams[best]!.next();
  }
}

export function createSearchEngine(sqlite: Database.Database, opts: SearchEngineOptions = {}): SearchEngine {
  const now = opts.now ?? (() => new Date());
  const clock = opts.clock ?? Date.now;
  const steps = opts.statsSteps ?? (() => sqliteStatsSteps(sqlite));
  const sliceMs = opts.sliceMs ?? STATS_SLICE_MS;
  let sampled: SearchStats | null = null;
  let refreshing = false;
  let failedAt = -Infinity;
  /**
   * The first sample is taken at once (warm() at start, else the first search). A stale one keeps
   * serving while a new one is taken off the request path: from the next turn of the event loop,
   * in slices of about `sliceMs` between which searches run (the search worker's messages, or the
   * main thread's for an in-process engine).
   */
  const stats = (): SearchStats => {
    if (!sampled) sampled = runToEnd(steps());
    else if (!refreshing && statsStale(sampled, clock()) && clock() - failedAt >= STATS_RETRY_MS) void refresh();
    return sampled;
  };
  async function refresh(): Promise<void> {
    refreshing = true;
    try {
      sampled = await runInSlices(steps, sliceMs);
    } catch {
      failedAt = clock();
    } finally {
      refreshing = false;
    }
  }
  // The substring check for terms the index cannot answer exactly ("3#楼") in JS, where termCheck's instr is not exact.
  sqlite.function(CONTAINS_FN, { deterministic: true, varargs: true }, (...args: unknown[]) => {
    const [title, content, number, address, callerName, phone, confidential, visibility, needle] = args.map((a) => (a === null ? '' : String(a)));
    const n = needle!;
    const conf = confidential === '1';
    const v = visibility as CallerVisibility;
    const texts = [title!, content!, number!, address!, seesCallerName(v, conf) ? callerName! : ''];
    if (texts.some((x) => x && normalizeText(x).includes(n))) return 1;
    const digits = phoneNeedle(n);
    return digits !== null && phone && seesFullPhone(v, conf) && phoneDigits(phone).includes(digits) ? 1 : 0;
  });
  /**
   * The SQL check of one term on a ticket row `t` and its document `d`, as this reader sees its fields.
   * On a document whose `plain` (migration 0031) allows it, SQLite's instr looks in the raw fields: for
   * a term of ideographs when plain ≥ 1, for one of its raw spellings ("年," as "年," "年，" "年﹐" "年︐")
   * when plain = 2. Anything else runs the JS check (CONTAINS_FN).
   */
  const termCheck = (v: ValidSearch, text: string): { sql: string; params: unknown[] } => {
    const fn = `${CONTAINS_FN}(t.title, t.content, t.number, t.address, t.caller_name, t.phone, t.confidential, ?, ?)`;
    const way = sqlCheck(text);
    if (!way) return { sql: fn, params: [v.callerVisibility, text] };
    // seesCallerName: every reader sees a name that is not confidential, only 'all' a confidential one.
    const name = seesCallerName(v.callerVisibility, true) ? 'instr(coalesce(t.caller_name, \'\'), ?) > 0'
      : '(t.confidential = 0 and instr(coalesce(t.caller_name, \'\'), ?) > 0)';
    const raw = `instr(t.title, ?) > 0 or instr(t.content, ?) > 0 or instr(coalesce(t.number, ''), ?) > 0 or instr(coalesce(t.address, ''), ?) > 0 or ${name}`;
    return {
      sql: `(case when d.plain >= ${way.plain} then (${way.spellings.map(() => raw).join(' or ')}) else ${fn} end)`,
      params: [...way.spellings.flatMap((x) => [x, x, x, x, x]), v.callerVisibility, text],
    };
  };
  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string) => {
    let s = statements.get(text);
    if (!s) {
      s = sqlite.prepare(text);
      statements.set(text, s);
      // Queries differ by filter combination only; keep the cache bounded anyway.
      if (statements.size > 500) statements.delete(statements.keys().next().value!);
    }
    return s;
  };

  /**
   * The ticket filters of every search path (text or not, rows and counts) are built here and only
   * here: a reader's visibility scope (which tickets a department may see) belongs in this function.
   */
  function filters(v: ValidSearch, where: string[], params: unknown[]): void {
    const list = (col: string, values: string[] | null) => {
      if (!values) return;
      where.push(`${col} in (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    };
    list('t.status', v.status);
    list('t.appeal_type', v.appealType);
    if (v.categoryIds) {
      where.push(`t.category_id in (with recursive sub(id) as (select id from categories where id in (${v.categoryIds.map(() => '?').join(', ')})
        union select k.id from categories k join sub on k.parent_id = sub.id) select id from sub)`);
      params.push(...v.categoryIds);
    }
    const eq = (col: string, value: string | null) => {
      if (value === null) return;
      where.push(`${col} = ?`);
      params.push(value);
    };
    eq('t.district_code', v.districtCode);
    eq('t.street_code', v.streetCode);
    eq('t.lead_department_id', v.departmentId);
    if (v.visibleToDepartmentId !== null) {
      // The reader's ticket scope, the same rule as visibleTickets() in electron/services/ticket-visibility.ts.
      where.push('(t.lead_department_id = ? or exists (select 1 from ticket_departments vis where vis.ticket_id = t.id and vis.department_id = ?))');
      params.push(v.visibleToDepartmentId, v.visibleToDepartmentId);
    }
    if (v.from) {
      where.push('t.created_at >= ?');
      params.push(v.from);
    }
    if (v.to) {
      where.push('t.created_at < ?');
      params.push(v.to);
    }
    if (v.overdue !== null) {
      const expr = `(t.status in (${OPEN_STATUSES.map(() => '?').join(', ')}) and t.reply_by is not null and t.reply_by < ?)`;
      where.push(v.overdue ? expr : `not ${expr}`);
      params.push(...OPEN_STATUSES, now().toISOString());
    }
  }

  const cols = 't.id, t.number, t.title, t.content, t.status, t.appeal_type, t.created_at, t.district_code, t.phone, t.caller_name, t.address, t.confidential';

  function search(input: unknown, run: RunOptions = {}): SearchResult {
    const started = performance.now();
    const v = validateSearch(input);
    const cancelled = () => {
      if (run.shouldCancel?.()) throw new SearchError('cancelled', 'search cancelled');
    };
    const where: string[] = [];
    const params: unknown[] = [];
    filters(v, where, params);
    let rowsSql: string;
    let rowParams: unknown[];
    let countSql: string | null = null;
    let countParams: unknown[] = [];
    // A text search led by the index reads the main index and, when it holds any document, the fresh one (migration 0030).
    let freshArm: { rowsSql: string; rowParams: unknown[]; countSql: string | null; countParams: unknown[] } | null = null;
    let filtersFirst: FiltersFirst | null = null;
    // Terms the index answers exactly in both tables and no filters: the two posting lists met (bothIndexes).
    let intersect: { lead: string; other: string; leadTable: 'bi' | 'uni' } | null = null;
    const needles = v.terms.map((t) => t.text);

    if (v.terms.length) {
      // Filters first checks a term of ideographs by instr in SQLite (termCheck): a filtered ticket then
      // costs a quarter of what a text hit does (read, joined to its ticket, filtered: ~4–8 µs at 1M).
      const plan = planSearch(v, stats(), now(), opts.force, v.terms.every((t) => sqlCheck(t.text)) ? SQL_CHECK_ROW_COST : FILTER_ROW_COST);
      const prefixes = prefixesFor(v.callerVisibility);
      const checks = (terms: readonly TermPlan[]) => {
        const out = { where: [] as string[], params: [] as unknown[] };
        for (const t of terms) {
          const c = termCheck(v, t.text);
          out.where.push(c.sql);
          out.params.push(...c.params);
        }
        return out;
      };
      const { where: checkWhere, params: checkParams } = checks(plan.check);
      const cursorWhere = v.cursor?.kind === 'doc' ? ['d.doc_id < ?'] : [];
      const cursorParams = v.cursor?.kind === 'doc' ? [v.cursor.docId] : [];
      // The lead's lookup: the rarest index condition (every phrase, or every lone character and edge), ANDed.
      const tableExpr = (table: 'bi' | 'uni') => (table === 'bi'
        ? v.terms.flatMap((t) => t.phrases).map((p) => runExpr(p, prefixes))
        : uniTokens(v).map((c) => runExpr([c], prefixes))).join(' AND ');
      const leadExpr = tableExpr(plan.lead);
      if (plan.mode === 'filters') {
        const from = `from tickets t${plan.filterIndex ? ` indexed by ${plan.filterIndex}` : ''} cross join ticket_search_docs d on d.ticket_id = t.id`;
        const useLookup = opts.forceLookup ?? lookupCheaper(v, plan);
        const check = checks(useLookup ? textChecked(v, plan.lead) : v.terms);
        // Terms of ideographs are checked by instr (termCheck) in the read of the filtered tickets itself:
        // cheaper than any early stop. Terms checked in JS are checked afterwards, newest-first, until enough match.
        const inline = !useLookup && v.terms.every((t) => sqlCheck(t.text));
        const w = inline ? [...where, ...check.where] : where;
        filtersFirst = {
          candidatesSql: `select d.doc_id ${from}${w.length ? ` where ${w.join(' and ')}` : ''}`,
          candidatesParams: inline ? [...params, ...check.params] : params,
          lookup: useLookup ? { table: plan.lead === 'bi' ? 'ticket_fts_bi' : 'ticket_fts_uni', expr: leadExpr } : null,
          check: inline ? { where: [], params: [] } : check,
        };
        rowsSql = '';
        rowParams = [];
      } else if (!where.length && v.terms.every((t) => t.exact) && plan.check.length
        && (opts.forceIntersect ?? plan.estimate.other <= MEET_MAX_RATIO * plan.estimate.lead)) {
        intersect = { lead: leadExpr, other: tableExpr(plan.lead === 'bi' ? 'uni' : 'bi'), leadTable: plan.lead };
        rowsSql = '';
        rowParams = [];
      } else {
        // The rarest index condition leads, read newest-first; CROSS JOIN keeps that order of the loops.
        const arm = (fts: string) => {
          const from = `from ${fts} cross join ticket_search_docs d on d.doc_id = ${fts}.rowid cross join tickets t on t.id = d.ticket_id`;
          const allWhere = [`${fts} match ?`, ...where, ...checkWhere];
          const allParams = [leadExpr, ...params, ...checkParams];
          // Without ticket filters or checks the index alone counts: no join per hit.
          const indexOnly = allWhere.length === 1;
          return {
            rowsSql: `select d.doc_id, ${cols} ${from} where ${[...allWhere, ...cursorWhere.map((c) => c.replace('d.doc_id', `${fts}.rowid`))].join(' and ')}
              order by ${fts}.rowid desc limit ?`,
            rowParams: [...allParams, ...cursorParams, v.limit + 1],
            countSql: v.countCap <= 0 ? null : indexOnly
              ? `select count(*) from (select 1 from ${fts} where ${fts} match ? limit ?)`
              : `select count(*) from (select 1 ${from} where ${allWhere.join(' and ')} limit ?)`,
            countParams: [...(indexOnly ? [leadExpr] : allParams), v.countCap + 1],
          };
        };
        const fts = plan.lead === 'bi' ? 'ticket_fts_bi' : 'ticket_fts_uni';
        ({ rowsSql, rowParams, countSql, countParams } = arm(fts));
        freshArm = arm(`${fts}_fresh`);
      }
    } else {
      const cursorWhere = v.cursor?.kind === 'time' ? ['(t.created_at, t.id) < (?, ?)'] : [];
      const cursorParams = v.cursor?.kind === 'time' ? [v.cursor.createdAt, v.cursor.id] : [];
      const w = [...where, ...cursorWhere];
      rowsSql = `select ${cols} from tickets t ${w.length ? `where ${w.join(' and ')}` : ''} order by t.created_at desc, t.id desc limit ?`;
      rowParams = [...params, ...cursorParams, v.limit + 1];
      if (v.countCap > 0) {
        countSql = `select count(*) from (select 1 from tickets t ${where.length ? `where ${where.join(' and ')}` : ''} limit ?)`;
        countParams = [...params, v.countCap + 1];
      }
    }

    const read = (text: string, args: unknown[]) => {
      const out: TicketRow[] = [];
      for (const r of prepare(text).iterate(...args) as IterableIterator<TicketRow>) {
        out.push(r);
        if (out.length % 32 === 0) cancelled();
      }
      return out;
    };
    // Counting runs inside SQLite (one call): stepping a thousand rows through JS costs more than the search.
    const count = (text: string | null, args: unknown[]) => (text ? prepare(text).pluck().get(...args) as number : 0);
    /**
     * The page and the count of a search that finds its matches' ids itself, newest-first: `take` each,
     * `done` once the page and the count are full, `finish` reads the page's rows.
     */
    const pageOfIds = () => {
      const before = v.cursor?.kind === 'doc' ? v.cursor.docId : Infinity;
      const page: number[] = [];
      let matched = 0;
      return {
        take(id: number) {
          matched++;
          if (id < before && page.length <= v.limit) page.push(id);
        },
        done: () => page.length > v.limit && (v.countCap <= 0 || matched > v.countCap),
        get matched() {
          return matched;
        },
        finish() {
          const found = page.length
            ? (prepare(`select d.doc_id, ${cols} from ticket_search_docs d cross join tickets t on t.id = d.ticket_id
                where d.doc_id in (select value from json_each(?))`).all(JSON.stringify(page)) as TicketRow[]).sort((a, b) => Number(b.doc_id) - Number(a.doc_id))
            : [];
          const more = found.length > v.limit;
          if (more) found.pop();
          return { found, more, counted: needsCount(v, more) && v.countCap > 0 ? Math.min(matched, v.countCap + 1) : null };
        },
      };
    };
    /** See FiltersFirst. */
    const executeFiltersFirst = (x: FiltersFirst) => {
      let ids = prepare(x.candidatesSql).pluck().all(...x.candidatesParams) as number[];
      cancelled();
      if (x.lookup) {
        const candidates = new Set(ids);
        ids = [];
        const tables = [x.lookup.table, ...(prepare(HAS_FRESH).pluck().get() ? [`${x.lookup.table}_fresh`] : [])];
        for (const fts of tables) {
          for (const id of prepare(`select rowid from ${fts} where ${fts} match ?`).pluck().all(x.lookup.expr) as number[]) if (candidates.has(id)) ids.push(id);
          cancelled();
        }
      }
      ids.sort((a, b) => b - a);
      const out = pageOfIds();
      if (!x.check.where.length) {
        for (const id of ids) out.take(id);
      } else {
        const check = prepare(`select d.doc_id from ticket_search_docs d cross join tickets t on t.id = d.ticket_id
          where d.doc_id in (select value from json_each(?)) and ${x.check.where.join(' and ')}`).pluck();
        for (let at = 0, size = FIRST_CHUNK; at < ids.length && !out.done(); at += size, size = Math.min(MAX_CHUNK, size * 4)) {
          const passed = check.all(JSON.stringify(ids.slice(at, at + size)), ...x.check.params) as number[];
          for (const id of passed.sort((a, b) => b - a)) out.take(id);
          cancelled();
        }
      }
      return out.finish();
    };
    /** See bothIndexes: every id it gives is a match (exact terms, no filters); stops once the page and the count are full. */
    const executeIntersect = (x: NonNullable<typeof intersect>) => {
      const otherTable = x.leadTable === 'bi' ? 'uni' : 'bi';
      const lists: Postings[] = [];
      const postings = (fts: string, expr: string) => {
        const p = new Postings(prepare(`select rowid from ${fts} where ${fts} match ? order by rowid desc`).pluck(), expr);
        lists.push(p);
        return p;
      };
      const pairs = [''].concat(prepare(HAS_FRESH).pluck().get() ? ['_fresh'] : []);
      const out = pageOfIds();
      try {
        const ids = mergedDesc(pairs.map((suffix) => bothIndexes(postings(`ticket_fts_${x.leadTable}${suffix}`, x.lead), postings(`ticket_fts_${otherTable}${suffix}`, x.other))));
        for (const id of ids) {
          out.take(id);
          if (out.done()) break;
          if (out.matched % 256 === 0) cancelled();
        }
      } finally {
        for (const p of lists) p.close();
      }
      return out.finish();
    };
    const execute = () => {
      if (filtersFirst) return executeFiltersFirst(filtersFirst);
      if (intersect) return executeIntersect(intersect);
      // Both indexes are read in one snapshot: a fold that moves a document between them meanwhile is not seen half done.
      const fresh = freshArm && prepare(HAS_FRESH).pluck().get() ? freshArm : null;
      let found = read(rowsSql, rowParams);
      if (fresh) {
        // Each index gives its newest limit + 1; together, the newest limit + 1 of both (a document is in one only).
        found = [...found, ...read(fresh.rowsSql, fresh.rowParams)].sort((a, b) => Number(b.doc_id) - Number(a.doc_id)).slice(0, v.limit + 1);
      }
      cancelled();
      const more = found.length > v.limit;
      if (more) found.pop();
      // With the fresh index the two counts add up (each capped at countCap + 1, so the sum is past the cap when either is).
      const counted = needsCount(v, more) && countSql ? count(countSql, countParams) + (fresh ? count(fresh.countSql, fresh.countParams) : 0) : null;
      return { found, more, counted };
    };
    const { found, more, counted } = freshArm || filtersFirst || intersect ? sqlite.transaction(execute)() : execute();
    return pageResult(v, found, more, counted, needles, started);
  }

  // warm: the planner's sample, and the table of raw spellings (tokenize.ts rawSpellings, ~30 ms once).
  return { search, warm: () => { stats(); rawSpellings(','); } };
}

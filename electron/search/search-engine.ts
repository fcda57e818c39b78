import type Database from 'better-sqlite3';
import { encodeCursor, SearchError, validateSearch, type SearchResult, type SearchRow, type ValidSearch } from './query';
import { highlightRanges, makeSnippet } from './snippet';
import { FIELD_PREFIX, ftsPhrase, normalizeText, phoneDigits, type FieldPrefix } from './tokenize';
import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import { maskPhone } from '../../shared/domain/phone';
import type { CallerVisibility } from './query';

/**
 * Ticket search over one better-sqlite3 connection, synchronous: it runs inside the search worker
 * (its own read-only connection) and, for tests and small stores, in-process. The PostgreSQL engine
 * (pg-search.ts) answers the same `search(input)` over Kysely with tsvector queries; both sit behind
 * the SearchIndex port (search-index.ts).
 *
 * Text search reads the FTS5 index newest-first (its rowid is a created_at-ordered key) and joins
 * each hit to `tickets` for the filters, stopping after limit + 1 rows: no sort of all matches.
 */

/** Statuses in which a ticket still runs against its reply deadline (as the overview counts them). */
export const OPEN_STATUSES = OPEN_TICKET_STATES;

const CONTAINS_FN = 'hotline_search_contains';

export interface SearchEngineOptions {
  /** @default () => new Date() */
  now?: () => Date;
}

export interface RunOptions {
  /** Polled between result rows and before counting; true abandons the search with a 'cancelled' error. */
  shouldCancel?: () => boolean;
}

export interface TicketRow {
  doc_id?: number;
  id: string;
  number: string;
  title: string;
  content: string;
  status: string;
  appeal_type: string;
  created_at: string;
  district_code: string | null;
  phone: string | null;
  caller_name: string | null;
  address: string | null;
  confidential: number;
}

/** Restricted token prefixes a reader's query may ask for (see tokenizeTicket). */
export function prefixesFor(v: CallerVisibility): FieldPrefix[] {
  if (v === 'all') return [FIELD_PREFIX.phone, FIELD_PREFIX.confidentialPhone, FIELD_PREFIX.confidentialName];
  if (v === 'non_confidential') return [FIELD_PREFIX.phone];
  return [];
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

export function phoneVisible(v: CallerVisibility, confidential: boolean): boolean {
  return v === 'all' || (v === 'non_confidential' && !confidential);
}

export function nameVisible(v: CallerVisibility, confidential: boolean): boolean {
  return !confidential || v === 'all';
}

/** A needle of digits and phone punctuation, as digits; null for anything else. */
export function phoneNeedle(needle: string): string | null {
  return /^[\d\s\-()+]+$/u.test(needle) && /\d/u.test(needle) ? needle.replace(/\D/gu, '') : null;
}

/** Result rows as this reader may see them, with highlights: the same for every SearchIndex implementation. */
/** A count query is needed unless this is the first page and it holds every match. */
export function needsCount(v: ValidSearch, more: boolean): boolean {
  return Boolean(v.cursor) || more;
}

/**
 * One page of results, the same for every engine: the total is exact when the first page holds
 * every match, capped by the count query when one ran, otherwise "at least the rows seen so far";
 * the cursor continues after the last row.
 */
export function pageResult(v: ValidSearch, found: readonly TicketRow[], more: boolean, counted: number | null, needles: readonly string[], started: number): SearchResult {
  const total = !needsCount(v, more) ? { count: found.length, exact: true }
    : counted !== null ? { count: Math.min(counted, v.countCap), exact: counted <= v.countCap }
      : { count: found.length, exact: false };
  const last = found[found.length - 1];
  const nextCursor = !more || !last ? null
    : v.terms.length ? encodeCursor({ kind: 'doc', docId: Number(last.doc_id) })
      : encodeCursor({ kind: 'time', createdAt: last.created_at, id: last.id });
  return { rows: presentRows(found, v.callerVisibility, needles), total, nextCursor, tookMs: performance.now() - started };
}

export function presentRows(found: readonly TicketRow[], visibility: CallerVisibility, needles: readonly string[]): SearchRow[] {
  const digitNeedles = needles.map(phoneNeedle).filter((x): x is string => x !== null);
  return found.map((r) => {
    const conf = Number(r.confidential) === 1;
    const fullPhone = r.phone !== null && phoneVisible(visibility, conf);
    const name = nameVisible(visibility, conf) ? r.caller_name : null;
    return {
      id: r.id,
      number: r.number,
      title: r.title,
      titleHighlights: highlightRanges(r.title, needles),
      snippet: makeSnippet(r.content, needles),
      status: r.status,
      appealType: r.appeal_type,
      createdAt: r.created_at,
      districtCode: r.district_code,
      numberHighlights: highlightRanges(r.number, needles),
      phone: r.phone === null ? null : fullPhone ? r.phone : maskPhone(r.phone),
      phoneHighlights: fullPhone ? highlightRanges(r.phone!, digitNeedles) : [],
      callerName: name,
      callerNameHighlights: name ? highlightRanges(name, needles) : [],
      address: r.address,
      addressHighlights: r.address ? highlightRanges(r.address, needles) : [],
    };
  });
}

export interface SearchEngine {
  search(input: unknown, run?: RunOptions): SearchResult;
}

export function createSearchEngine(sqlite: Database.Database, opts: SearchEngineOptions = {}): SearchEngine {
  const now = opts.now ?? (() => new Date());
  // The substring check for terms the index cannot answer exactly ("3#楼"): same normalisation as the index.
  // Identifying fields are checked as the index saw them: phone and confidential names only where this reader sees them.
  sqlite.function(CONTAINS_FN, { deterministic: true, varargs: true }, (...args: unknown[]) => {
    const [title, content, number, address, callerName, phone, confidential, visibility, needle] = args.map((a) => (a === null ? '' : String(a)));
    const n = needle!;
    const conf = confidential === '1';
    const v = visibility as CallerVisibility;
    const texts = [title!, content!, number!, address!, nameVisible(v, conf) ? callerName! : ''];
    if (texts.some((x) => x && normalizeText(x).includes(n))) return 1;
    const digits = phoneNeedle(n);
    return digits !== null && phone && phoneVisible(v, conf) && phoneDigits(phone).includes(digits) ? 1 : 0;
  });
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
    const needles = v.terms.map((t) => t.text);

    if (v.terms.length) {
      const phrases = v.terms.flatMap((t) => t.phrases);
      const chars = [...new Set(v.terms.flatMap((t) => t.chars))];
      const prefixes = prefixesFor(v.callerVisibility);
      const uniExpr = chars.map((c) => runExpr([c], prefixes)).join(' AND ');
      // The bigram table leads when there is a phrase (shorter posting lists); lone characters then filter by rowid.
      const fts = phrases.length ? 'ticket_fts_bi' : 'ticket_fts_uni';
      const ftsWhere = [`${fts} match ?`];
      const ftsParams: unknown[] = [phrases.length ? phrases.map((p) => runExpr(p, prefixes)).join(' AND ') : uniExpr];
      if (phrases.length && chars.length) {
        ftsWhere.push(`${fts}.rowid in (select rowid from ticket_fts_uni where ticket_fts_uni match ?)`);
        ftsParams.push(uniExpr);
      }
      const checkWhere: string[] = [];
      const checkParams: unknown[] = [];
      for (const t of v.terms) {
        if (t.exact) continue;
        checkWhere.push(`${CONTAINS_FN}(t.title, t.content, t.number, t.address, t.caller_name, t.phone, t.confidential, ?, ?)`);
        checkParams.push(v.callerVisibility, t.text);
      }
      const from = `from ${fts} join ticket_search_docs d on d.doc_id = ${fts}.rowid join tickets t on t.id = d.ticket_id`;
      const allWhere = [...ftsWhere, ...where, ...checkWhere];
      const allParams = [...ftsParams, ...params, ...checkParams];
      const cursorWhere = v.cursor?.kind === 'doc' ? [`${fts}.rowid < ?`] : [];
      const cursorParams = v.cursor?.kind === 'doc' ? [v.cursor.docId] : [];
      rowsSql = `select ${fts}.rowid as doc_id, ${cols} ${from} where ${[...allWhere, ...cursorWhere].join(' and ')}
        order by ${fts}.rowid desc limit ?`;
      rowParams = [...allParams, ...cursorParams, v.limit + 1];
      if (v.countCap > 0) {
        // Without ticket filters the index alone counts: no join per hit.
        countSql = where.length || checkWhere.length
          ? `select count(*) from (select 1 ${from} where ${allWhere.join(' and ')} limit ?)`
          : `select count(*) from (select 1 from ${fts} where ${ftsWhere.join(' and ')} limit ?)`;
        countParams = [...(where.length || checkWhere.length ? allParams : ftsParams), v.countCap + 1];
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

    const found: TicketRow[] = [];
    for (const r of prepare(rowsSql).iterate(...rowParams) as IterableIterator<TicketRow>) {
      found.push(r);
      if (found.length % 32 === 0) cancelled();
    }
    cancelled();
    const more = found.length > v.limit;
    if (more) found.pop();

    // Counting runs inside SQLite (one call): stepping a thousand rows through JS costs more than the search.
    const counted = needsCount(v, more) && countSql ? prepare(countSql).pluck().get(...countParams) as number : null;
    return pageResult(v, found, more, counted, needles, started);
  }

  return { search };
}

import { APPEAL_TYPES } from '../../shared/domain/appeal';
import { CALLER_VISIBILITIES, type CallerVisibility } from '../../shared/domain/caller-privacy';
import { TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import { planQuery, type TermPlan } from './tokenize';

/** Plain data in and out: these cross the worker boundary (and later IPC) unchanged. */
export interface SearchInput {
  /** Free text: white space separates terms, every term must occur (as a substring) in title or content. */
  text?: string;
  status?: string[];
  appealType?: string[];
  /** A category matches itself and all its descendants. */
  categoryIds?: string[];
  districtCode?: string;
  streetCode?: string;
  /** Lead department. */
  departmentId?: string;
  /**
   * Reader's scope (set by main from the session, never by the renderer): only tickets dispatched
   * to this department, now or earlier (see electron/services/ticket-visibility.ts).
   */
  visibleToDepartmentId?: string;
  /** created_at ≥ from (ISO-8601). */
  from?: string;
  /** created_at < to (ISO-8601). */
  to?: string;
  /** Open and past its reply deadline (true), or not (false). */
  overdue?: boolean;
  /** 1..500. @default 50 */
  limit?: number;
  /** `nextCursor` of the previous page of the same search. */
  cursor?: string;
  /** Count exactly up to this many matches, then report "≥ countCap". 0 skips counting. @default 1000 */
  countCap?: number;
  /**
   * Whose caller numbers (and confidential callers' names) this reader may match and see in full;
   * set by main from the session's roles (`callerVisibilityOf`), never taken from the renderer.
   * @default 'none'
   */
  callerVisibility?: CallerVisibility;
}

// Who sees which callers is the domain's rule (caller-privacy.ts), the same tickets.get follows,
// so search cannot reveal more than it.
export { callerVisibilityOf, type CallerVisibility } from '../../shared/domain/caller-privacy';

/** Half-open [start, end) in UTF-16 code units of the string it belongs to (String.prototype.slice). */
export interface HighlightRange {
  start: number;
  end: number;
}

export interface SearchSnippet {
  text: string;
  highlights: HighlightRange[];
  /** Text was cut before / after the excerpt: the UI shows an ellipsis. */
  cutStart: boolean;
  cutEnd: boolean;
}

export interface SearchRow {
  id: string;
  number: string;
  title: string;
  titleHighlights: HighlightRange[];
  snippet: SearchSnippet;
  status: string;
  appealType: string;
  createdAt: string;
  districtCode: string | null;
  numberHighlights: HighlightRange[];
  /** In full or masked, as this reader sees it on the ticket. */
  phone: string | null;
  /** Highlights in `phone`; only where the number is shown in full. */
  phoneHighlights: HighlightRange[];
  /** Null when hidden from this reader (a confidential ticket). */
  callerName: string | null;
  callerNameHighlights: HighlightRange[];
  address: string | null;
  addressHighlights: HighlightRange[];
}

export interface SearchResult {
  rows: SearchRow[];
  /** exact: false means "at least count" (counting stopped at countCap). */
  total: { count: number; exact: boolean };
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  tookMs: number;
}

export type SearchErrorCode =
  | 'invalid_input'
  | 'limit_out_of_range'
  | 'query_too_long'
  | 'too_many_terms'
  | 'query_not_searchable'
  | 'invalid_filter'
  | 'invalid_date'
  | 'invalid_cursor'
  | 'cancelled'
  | 'superseded'
  | 'timeout'
  | 'worker_failed';

/** Every refusal carries a code the UI translates; `message` is for logs. */
export class SearchError extends Error {
  constructor(readonly code: SearchErrorCode, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'SearchError';
  }
}

export const MAX_LIMIT = 500;
export const MAX_QUERY_CHARS = 100;
export const MAX_TERMS = 8;
export const MAX_COUNT_CAP = 10_000;
const MAX_FILTER_VALUES = 50;

export type Cursor = { kind: 'doc'; docId: number } | { kind: 'time'; createdAt: string; id: string };

export interface ValidSearch {
  terms: TermPlan[];
  status: string[] | null;
  appealType: string[] | null;
  categoryIds: string[] | null;
  districtCode: string | null;
  streetCode: string | null;
  departmentId: string | null;
  visibleToDepartmentId: string | null;
  from: string | null;
  to: string | null;
  overdue: boolean | null;
  limit: number;
  countCap: number;
  cursor: Cursor | null;
  callerVisibility: CallerVisibility;
}

export function encodeCursor(c: Cursor): string {
  return c.kind === 'doc' ? `d${c.docId}` : `t${c.createdAt}|${c.id}`;
}

function decodeCursor(s: string, textSearch: boolean): Cursor {
  if (textSearch && /^d\d{1,16}$/.test(s)) return { kind: 'doc', docId: Number(s.slice(1)) };
  if (!textSearch && s.startsWith('t')) {
    const [createdAt, id, extra] = s.slice(1).split('|');
    if (createdAt && id && extra === undefined && Number.isFinite(Date.parse(createdAt))) return { kind: 'time', createdAt, id };
  }
  throw new SearchError('invalid_cursor', 'cursor does not belong to this kind of search');
}

function stringList(name: string, v: unknown, allowed?: readonly string[]): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length > MAX_FILTER_VALUES || v.some((x) => typeof x !== 'string' || x.length === 0 || x.length > 100)) {
    throw new SearchError('invalid_filter', `${name} must be a list of at most ${MAX_FILTER_VALUES} non-empty strings`, { field: name });
  }
  const bad = allowed ? (v as string[]).filter((x) => !allowed.includes(x)) : [];
  if (bad.length) throw new SearchError('invalid_filter', `${name} has unknown values: ${bad.join(', ')}`, { field: name, values: bad });
  // An empty list means "no filter", as an untouched multi-select does.
  return v.length ? [...new Set(v as string[])] : null;
}

function code(name: string, v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || v.length > 100) throw new SearchError('invalid_filter', `${name} must be a string`, { field: name });
  return v;
}

function date(name: string, v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw new SearchError('invalid_date', `${name} is not an ISO-8601 date`, { field: name });
  return new Date(ms).toISOString();
}

/**
 * Checks a request and plans its text. A search with neither text nor filters is allowed: it lists
 * the newest tickets (an index scan). Text is literal: FTS operators (OR, NEAR, quotes, *, ^, -, :)
 * are ordinary characters, because the match expression is built from our own tokens only.
 */
export function validateSearch(input: unknown): ValidSearch {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new SearchError('invalid_input', 'search input must be an object');
  const i = input as Record<string, unknown>;
  const known = new Set(['text', 'status', 'appealType', 'categoryIds', 'districtCode', 'streetCode', 'departmentId', 'visibleToDepartmentId', 'from', 'to', 'overdue', 'limit', 'cursor', 'countCap', 'callerVisibility']);
  const unknown = Object.keys(i).filter((k) => !known.has(k));
  if (unknown.length) throw new SearchError('invalid_input', `unknown fields: ${unknown.join(', ')}`, { fields: unknown });

  let terms: TermPlan[] = [];
  if (i.text !== undefined && i.text !== null) {
    if (typeof i.text !== 'string') throw new SearchError('invalid_input', 'text must be a string', { field: 'text' });
    if ([...i.text.trim()].length > MAX_QUERY_CHARS) {
      throw new SearchError('query_too_long', `text is longer than ${MAX_QUERY_CHARS} characters`, { max: MAX_QUERY_CHARS });
    }
    terms = planQuery(i.text);
    if (terms.length > MAX_TERMS) throw new SearchError('too_many_terms', `at most ${MAX_TERMS} terms`, { max: MAX_TERMS });
    if (terms.length && terms.every((t) => t.chars.length === 0 && t.phrases.length === 0)) {
      throw new SearchError('query_not_searchable', 'text has no letters or digits to search for');
    }
  }
  const limit = i.limit ?? 50;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new SearchError('limit_out_of_range', `limit must be an integer in 1..${MAX_LIMIT}`, { max: MAX_LIMIT });
  }
  const countCap = i.countCap ?? 1000;
  if (typeof countCap !== 'number' || !Number.isInteger(countCap) || countCap < 0 || countCap > MAX_COUNT_CAP) {
    throw new SearchError('invalid_input', `countCap must be an integer in 0..${MAX_COUNT_CAP}`, { field: 'countCap' });
  }
  if (i.overdue !== undefined && i.overdue !== null && typeof i.overdue !== 'boolean') {
    throw new SearchError('invalid_filter', 'overdue must be a boolean', { field: 'overdue' });
  }
  let cursor: Cursor | null = null;
  if (i.cursor !== undefined && i.cursor !== null) {
    if (typeof i.cursor !== 'string' || i.cursor.length > 200) throw new SearchError('invalid_cursor', 'cursor must be a string');
    cursor = decodeCursor(i.cursor, terms.length > 0);
  }
  const callerVisibility = i.callerVisibility ?? 'none';
  if (!CALLER_VISIBILITIES.includes(callerVisibility as CallerVisibility)) {
    throw new SearchError('invalid_input', 'callerVisibility must be all, non_confidential or none', { field: 'callerVisibility' });
  }
  return {
    terms,
    callerVisibility: callerVisibility as CallerVisibility,
    status: stringList('status', i.status, TICKET_STATES),
    appealType: stringList('appealType', i.appealType, APPEAL_TYPES),
    categoryIds: stringList('categoryIds', i.categoryIds),
    districtCode: code('districtCode', i.districtCode),
    streetCode: code('streetCode', i.streetCode),
    departmentId: code('departmentId', i.departmentId),
    visibleToDepartmentId: code('visibleToDepartmentId', i.visibleToDepartmentId),
    from: date('from', i.from),
    to: date('to', i.to),
    overdue: typeof i.overdue === 'boolean' ? i.overdue : null,
    limit,
    countCap,
    cursor,
  };
}

import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import { maskPhone } from '../../shared/domain/phone';
import { seesCallerName, seesFullPhone } from '../../shared/domain/caller-privacy';
import { encodeCursor, type CallerVisibility, type SearchResult, type SearchRow, type ValidSearch } from './query';
import { highlightRanges, makeSnippet } from './snippet';
import { FIELD_PREFIX, type FieldPrefix } from './tokenize';

/**
 * What both search engines (electron/store/search: SQLite FTS5 and PostgreSQL tsvector) share once
 * rows are found: which restricted fields a reader may match, the page and its total, and the rows
 * as this reader may see them. No SQL here.
 */

/** Statuses in which a ticket still runs against its reply deadline (as the overview counts them). */
export const OPEN_STATUSES = OPEN_TICKET_STATES;

/** A ticket row as the engines select it. */
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

export { seesFullPhone as phoneVisible, seesCallerName as nameVisible } from '../../shared/domain/caller-privacy';

/** A needle of digits and phone punctuation, as digits; null for anything else. */
export function phoneNeedle(needle: string): string | null {
  return /^[\d\s\-()+]+$/u.test(needle) && /\d/u.test(needle) ? needle.replace(/\D/gu, '') : null;
}

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

/** Result rows as this reader may see them, with highlights: the same for every SearchIndex implementation. */
export function presentRows(found: readonly TicketRow[], visibility: CallerVisibility, needles: readonly string[]): SearchRow[] {
  const digitNeedles = needles.map(phoneNeedle).filter((x): x is string => x !== null);
  return found.map((r) => {
    const conf = Number(r.confidential) === 1;
    const fullPhone = r.phone !== null && seesFullPhone(visibility, conf);
    const name = seesCallerName(visibility, conf) ? r.caller_name : null;
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

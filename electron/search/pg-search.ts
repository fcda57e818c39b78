import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../store/schema';
import { validateSearch, type SearchResult, type ValidSearch } from './query';
import { nameVisible, needsCount, OPEN_STATUSES, pageResult, phoneNeedle, phoneVisible, prefixesFor, type TicketRow } from './search-engine';
import { FIELD_PREFIX, GAP, type DocumentTokens, type FieldPrefix } from './tokenize';

/**
 * Ticket search on PostgreSQL: the same tokens as the SQLite FTS5 index (tokenize.ts), in one
 * `tsvector` column with a GIN index (migration 0016).
 *
 * Why a tsvector written as a literal, and not `to_tsvector('simple', bi)`: the store runs in the C
 * locale (postgres.ts), where PostgreSQL's text-search parser does not take CJK characters for
 * letters, so to_tsvector would drop them. The tsvector input syntax takes quoted lexemes as they
 * are, with positions: bigrams get consecutive positions within a run and a skipped position at
 * each GAP, so `'油烟' <-> '烟扰' <-> '扰民'` matches exactly where the characters are contiguous,
 * as FTS5's phrase query does. Unigrams carry a '.' mark (a bigram never contains one) and no
 * position: they answer 1-character terms. A `text[]` with `@>` was the other candidate: it
 * answers AND of tokens but has no positions, so every multi-character term would need a
 * substring recheck of the row; tsvector's phrase operator does that check from the index entry.
 *
 * Limits of tsvector (documented by PostgreSQL): positions above 16383 are clamped and a lexeme
 * keeps at most 256 positions, so a phrase deeper than ~16k tokens into one ticket, or a bigram
 * repeated more than 256 times, may be missed. Ticket text is far below both.
 */

const MAX_POS = 16383;
const MAX_POSITIONS = 256;
export const UNI_MARK = '.';

function lexeme(s: string): string {
  return `'${s.replace(/['\\]/gu, (c) => `\\${c}`)}'`;
}

/** The tsvector literal of one document's tokens. */
export function tsvectorLiteral(tokens: DocumentTokens): string {
  const positions = new Map<string, number[]>();
  let pos = 0;
  for (const tok of tokens.bi ? tokens.bi.split(' ') : []) {
    pos++;
    if (tok === GAP) continue;
    const p = Math.min(pos, MAX_POS);
    const list = positions.get(tok);
    if (!list) positions.set(tok, [p]);
    else if (list.length < MAX_POSITIONS && list[list.length - 1] !== p) list.push(p);
  }
  const parts: string[] = [];
  for (const [tok, list] of positions) parts.push(`${lexeme(tok)}:${list.join(',')}`);
  for (const ch of tokens.uni ? tokens.uni.split(' ') : []) parts.push(lexeme(UNI_MARK + ch));
  return parts.join(' ');
}

const DIGITS = /^\d+$/u;

/** One run as tsquery text: the plain phrase, or the same in a restricted field this reader may read. */
function runQuery(tokens: readonly string[], prefixes: readonly FieldPrefix[], uni: boolean): string {
  const phrase = (ts: readonly string[]) => ts.map((x) => lexeme(uni ? UNI_MARK + x : x)).join(' <-> ');
  const digits = tokens.every((x) => DIGITS.test(x));
  const alts = [phrase(tokens)];
  for (const p of prefixes) {
    if (!digits && p !== FIELD_PREFIX.confidentialName) continue;
    alts.push(phrase(tokens.map((x) => p + x)));
  }
  return alts.length === 1 ? alts[0]! : `(${alts.map((a) => `(${a})`).join(' | ')})`;
}

/** The tsquery of a planned search: every term's runs, ANDed (the FTS5 expressions of search-engine.ts). */
export function searchTsquery(v: ValidSearch): string {
  const prefixes = prefixesFor(v.callerVisibility);
  const parts: string[] = [];
  for (const p of v.terms.flatMap((t) => t.phrases)) parts.push(runQuery(p, prefixes, false));
  for (const c of [...new Set(v.terms.flatMap((t) => t.chars))]) parts.push(runQuery([c], prefixes, true));
  return parts.map((p) => `(${p})`).join(' & ');
}

export interface PgSearchOptions {
  /** @default () => new Date() */
  now?: () => Date;
}

type Frag = RawBuilder<unknown>;

/** Normalised as normalizeText does (NFKC, lower case; PostgreSQL's C locale lowers ASCII only). */
const norm = (col: string): Frag => sql`lower(normalize(coalesce(${sql.ref(col)}, ''), NFKC))`;

export function createPostgresSearchEngine(db: Kysely<DB>, opts: PgSearchOptions = {}) {
  const now = opts.now ?? (() => new Date());

  /** The same filters as search-engine.ts filters(), as Kysely fragments. */
  function filters(v: ValidSearch): Frag[] {
    const where: Frag[] = [];
    const list = (col: string, values: string[] | null) => {
      if (values) where.push(sql`${sql.ref(col)} in (${sql.join(values)})`);
    };
    list('t.status', v.status);
    list('t.appeal_type', v.appealType);
    if (v.categoryIds) {
      where.push(sql`t.category_id in (with recursive sub(id) as (select id from categories where id in (${sql.join(v.categoryIds)})
        union select k.id from categories k join sub on k.parent_id = sub.id) select id from sub)`);
    }
    const eq = (col: string, value: string | null) => {
      if (value !== null) where.push(sql`${sql.ref(col)} = ${value}`);
    };
    eq('t.district_code', v.districtCode);
    eq('t.street_code', v.streetCode);
    eq('t.lead_department_id', v.departmentId);
    if (v.visibleToDepartmentId !== null) {
      // The reader's ticket scope, the same rule as visibleTickets() in electron/services/ticket-visibility.ts.
      where.push(sql`(t.lead_department_id = ${v.visibleToDepartmentId} or exists (select 1 from ticket_departments vis where vis.ticket_id = t.id and vis.department_id = ${v.visibleToDepartmentId}))`);
    }
    if (v.from) where.push(sql`t.created_at >= ${v.from}`);
    if (v.to) where.push(sql`t.created_at < ${v.to}`);
    if (v.overdue !== null) {
      const expr = sql`(t.status in (${sql.join([...OPEN_STATUSES])}) and t.reply_by is not null and t.reply_by < ${now().toISOString()})`;
      where.push(v.overdue ? expr : sql`not ${expr}`);
    }
    return where;
  }

  /** The substring check of a term the index cannot answer exactly ("3#楼"), fields as this reader sees them. */
  function contains(v: ValidSearch, needle: string): Frag {
    const texts: Frag[] = ['t.title', 't.content', 't.number', 't.address'].map((c) => sql`strpos(${norm(c)}, ${needle}) > 0`);
    const name = sql`strpos(${norm('t.caller_name')}, ${needle}) > 0`;
    // nameVisible(v, confidential): everyone sees a non-confidential name, only 'all' a confidential one.
    texts.push(nameVisible(v.callerVisibility, true) ? name : sql`(t.confidential = 0 and ${name})`);
    const digits = phoneNeedle(needle);
    if (digits !== null && phoneVisible(v.callerVisibility, false)) {
      const phone = sql`strpos(regexp_replace(normalize(coalesce(t.phone, ''), NFKC), '[^0-9]', '', 'g'), ${digits}) > 0`;
      texts.push(phoneVisible(v.callerVisibility, true) ? phone : sql`(t.confidential = 0 and ${phone})`);
    }
    return sql`(${sql.join(texts, sql` or `)})`;
  }

  const cols = sql`t.id, t.number, t.title, t.content, t.status, t.appeal_type, t.created_at, t.district_code, t.phone, t.caller_name, t.address, t.confidential`;
  const and = (w: Frag[]) => (w.length ? sql`where ${sql.join(w, sql` and `)}` : sql``);

  async function search(input: unknown): Promise<SearchResult> {
    const started = performance.now();
    const v = validateSearch(input);
    const where = filters(v);
    const needles = v.terms.map((t) => t.text);
    let rowsQ: Frag;
    let countQ: Frag | null = null;
    if (v.terms.length) {
      const all = [sql`d.tsv @@ ${searchTsquery(v)}::tsquery`, ...where, ...v.terms.filter((t) => !t.exact).map((t) => contains(v, t.text))];
      const cursor = v.cursor?.kind === 'doc' ? [sql`d.doc_id < ${v.cursor.docId}`] : [];
      const from = sql`from ticket_search_docs d join tickets t on t.id = d.ticket_id`;
      rowsQ = sql`select d.doc_id, ${cols} ${from} ${and([...all, ...cursor])} order by d.doc_id desc limit ${v.limit + 1}`;
      // Without ticket filters the index alone counts: no join to tickets per hit (as on SQLite).
      const indexOnly = all.length === 1;
      if (v.countCap > 0) {
        countQ = indexOnly
          ? sql`select count(*) as n from (select 1 from ticket_search_docs d where ${all[0]!} limit ${v.countCap + 1}) x`
          : sql`select count(*) as n from (select 1 ${from} ${and(all)} limit ${v.countCap + 1}) x`;
      }
    } else {
      const cursor = v.cursor?.kind === 'time' ? [sql`(t.created_at, t.id) < (${v.cursor.createdAt}, ${v.cursor.id})`] : [];
      rowsQ = sql`select ${cols} from tickets t ${and([...where, ...cursor])} order by t.created_at desc, t.id desc limit ${v.limit + 1}`;
      if (v.countCap > 0) countQ = sql`select count(*) as n from (select 1 from tickets t ${and(where)} limit ${v.countCap + 1}) x`;
    }
    const found = (await (rowsQ as RawBuilder<TicketRow>).execute(db)).rows;
    const more = found.length > v.limit;
    if (more) found.pop();
    const counted = needsCount(v, more) && countQ ? Number((await (countQ as RawBuilder<{ n: number }>).execute(db)).rows[0]!.n) : null;
    return pageResult(v, found, more, counted, needles, started);
  }

  return { search };
}

import { sql, type Kysely, type RawBuilder } from 'kysely';
import type pg from 'pg';
import type { DB } from '../schema';
import { SearchError, validateSearch, type SearchResult, type ValidSearch } from '../../search/query';
import { nameVisible, needsCount, OPEN_STATUSES, pageResult, phoneNeedle, phoneVisible, prefixesFor, type TicketRow } from '../../search/results';
import { buildStatsSteps, planSearch, sampleMatches, uniTokens, SAMPLE_SIZE, STATS_RETRY_MS, STATS_SLICE_MS, statsStale, type PlanChoice, type SampleSource, type SearchPlan, type SearchStats } from '../../search/plan';
import { runInSlices } from '../../util/time-slice';
import { FILTER_LEXEMES_META_KEY } from '../migrations/0032_pg_search_filter_lexemes';
import type { SearchCallOptions } from '../../search/search-client';
import { FIELD_PREFIX, GAP, normalizeText, type DocumentTokens, type FieldPrefix, type TermPlan, type TicketText } from '../../search/tokenize';

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
 * position: they answer 1-character terms.
 *
 * Searching (migration 0018): GIN cannot check positions, so a phrase made every hit re-read its
 * tsvector. The index is asked for each run's bigrams ANDed ('&', exact from the posting lists), and
 * what it cannot see (order within a run, punctuation, spaces between runs) is a strpos of the term
 * in the document's stored normalised text (`body`). The phrase form stays for documents written
 * before 0018 and for terms that may match the caller's phone digits (indexed only as tokens).
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

/**
 * The normalised text a non-exact term is checked against (migration 0018): the public fields joined
 * by '\n' (a term holds no white space, so it cannot straddle two), and a confidential ticket's caller name.
 */
export function searchText(t: TicketText): { body: string; privateName: string | null } {
  const fields = [t.title, t.content, t.number ?? '', t.address ?? '', t.confidential ? '' : t.callerName ?? ''];
  return { body: fields.map(normalizeText).join('\n'), privateName: t.confidential && t.callerName ? normalizeText(t.callerName) : null };
}

const DIGITS = /^\d+$/u;

/** One run as tsquery text: the plain phrase, or the same in a restricted field this reader may read. */
function runQuery(tokens: readonly string[], prefixes: readonly FieldPrefix[], uni: boolean, op: Op): string {
  const phrase = (ts: readonly string[]) => ts.map((x) => lexeme(uni ? UNI_MARK + x : x)).join(` ${op} `);
  const digits = tokens.every((x) => DIGITS.test(x));
  const alts = [phrase(tokens)];
  for (const p of prefixes) {
    if (!digits && p !== FIELD_PREFIX.confidentialName) continue;
    alts.push(phrase(tokens.map((x) => p + x)));
  }
  return alts.length === 1 ? alts[0]! : `(${alts.map((a) => `(${a})`).join(' | ')})`;
}

/**
 * '<->': a run's bigrams as a phrase (exact, but GIN cannot check positions: every hit is rechecked
 * on its tsvector). '&': the same bigrams in any order, which GIN answers exactly from its posting
 * lists; the order is then checked on the document's stored text (see termCheck).
 */
type Op = '<->' | '&';

function tsqueryOf(phrases: readonly (readonly string[])[], chars: readonly string[], prefixes: readonly FieldPrefix[], op: Op = '<->'): string {
  const parts: string[] = [];
  for (const p of phrases) parts.push(runQuery(p, prefixes, false, op));
  for (const c of new Set(chars)) parts.push(runQuery([c], prefixes, true, op));
  return parts.map((p) => `(${p})`).join(' & ');
}

/**
 * The lexemes of a ticket's district and street in its tsvector (migration 0032). The database
 * writes them (a trigger on ticket_search_docs), never tsvectorLiteral; no token is like them (a
 * bigram has two characters, a character's lexeme starts with UNI_MARK, a field's with a letter).
 */
export const DIVISION_MARK = { district: '=d', street: '=s' } as const;

/** The division lexemes a search's district and street filters ask the index for. */
export function divisionLexemes(v: Pick<ValidSearch, 'districtCode' | 'streetCode'>): string[] {
  const out: string[] = [];
  if (v.districtCode !== null) out.push(lexeme(DIVISION_MARK.district + v.districtCode));
  if (v.streetCode !== null) out.push(lexeme(DIVISION_MARK.street + v.streetCode));
  return out;
}

/**
 * The tsquery of a planned search: every term's runs, ANDed (the FTS5 expressions of sqlite-search.ts),
 * and with `divisions` the district and street lexemes of its filters.
 */
export function searchTsquery(v: ValidSearch, op: Op = '<->', divisions = false): string {
  const text = tsqueryOf(v.terms.flatMap((t) => t.phrases), uniTokens(v), prefixesFor(v.callerVisibility), op);
  return divisions ? [text, ...divisionLexemes(v)].join(' & ') : text;
}

/**
 * Planner statistics from a block sample of tickets (plan.ts): a few hundred pages, not a scan.
 * The sample is tokenized in slices (runInSlices): the server's requests run between them.
 */
export async function loadPostgresStats(db: Kysely<DB>, sliceMs = STATS_SLICE_MS): Promise<SearchStats> {
  const est = await sql<{ n: number }>`select reltuples::float8 as n from pg_class where oid = 'ticket_search_docs'::regclass`.execute(db);
  let total = Number(est.rows[0]?.n ?? -1);
  if (!(total > 0)) total = Number((await sql<{ n: string }>`select count(*) as n from ticket_search_docs`.execute(db)).rows[0]!.n);
  const percent = Math.min(100, ((SAMPLE_SIZE * 1.5) / Math.max(1, total)) * 100);
  const rows = (await sql<SampleSource>`select t.status, t.appeal_type, t.category_id, t.district_code, t.street_code, t.lead_department_id,
      t.created_at, t.reply_by, t.title, t.content, t.number, t.address, t.caller_name, t.confidential,
      array(select v.department_id from ticket_departments v where v.ticket_id = t.id) as departments
    from tickets t tablesample system (${sql.lit(percent)}) limit ${SAMPLE_SIZE}`.execute(db)).rows;
  const categories = await db.selectFrom('categories').select(['id', 'parent_id']).execute();
  return runInSlices(() => buildStatsSteps(total, rows, categories, undefined, true), sliceMs);
}

export interface PgSearchOptions {
  /** @default () => new Date() */
  now?: () => Date;
  /** Tests: run this plan whatever the estimates say. */
  force?: PlanChoice;
  /** Tests: walk the documents newest-first (true) or read the GIN lookup's hits (false), whatever walkChoice says. */
  forceWalk?: boolean;
  /**
   * Tests and the bench: a number counts every text-plan search first from a lookup thinned to about
   * this many hits, whatever the estimates say; false never thins (walkChoice's `thin`).
   */
  forceThin?: number | false;
  /** Tests and the bench: false leaves the district and street to the ticket filters even where the division lexemes are complete (migration 0032). */
  divisionLexemes?: boolean;
  /** Told how each count was taken (tests and the bench). */
  onCount?: (how: CountWay) => void;
  /** A search running longer is cancelled on the server. @default 15000 */
  timeoutMs?: number;
  /** The planner's sample. @default loadPostgresStats on this database */
  loadStats?: () => Promise<SearchStats>;
  /** The clock that ages the sample (plan.ts statsStale). @default Date.now */
  clock?: () => number;
}

/** How often a search asks again whether the division lexemes are complete, while they are not. */
const DIVISIONS_RECHECK_MS = 10_000;

/** Whether every search document carries its division lexemes (migration 0032's meta key is 'done'). */
export async function divisionLexemesReady(db: Kysely<DB>): Promise<boolean> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', FILTER_LEXEMES_META_KEY).executeTakeFirst();
  return row?.value === 'done';
}

/** PostgreSQL's SQLSTATE for a statement cancelled by pg_cancel_backend or statement_timeout. */
const QUERY_CANCELED = '57014';

type Frag = RawBuilder<unknown>;

/** Below this many estimated hits of the index lookup, the GIN index fetches them all and sorts (cheap enough). */
const ORDERED_MIN_HITS = 2000;
/**
 * Costs in documents walked newest-first and checked on their stored text (0.7–3 µs each, measured
 * at 200k tickets): a hit fetched through the GIN bitmap costs WALK_PER_HIT of them (1.3–2 µs; a row
 * of a thinned lookup, each on a page of its own, ~2 µs), a hit read into the bitmap BITMAP_PER_HIT
 * (0.2 µs), and a posting a thinned lookup decodes and drops DECODE_PER_HIT (191,000 in 2.3 ms).
 */
const WALK_PER_HIT = 2;
const BITMAP_PER_HIT = 0.2;
const DECODE_PER_HIT = 0.012;

/** Sampled matches below this are too few to lean on for a thinned count (the estimate's error is about 2/√n). */
const THIN_MIN_MATCHED = 16;
/** A thinned lookup is sized to find this many times countCap + 1 matches by the low estimate. */
const THIN_MARGIN = 2;

/** A count taken from a thinned lookup of one lexeme (see walkChoice). */
export interface ThinCount {
  /** The tsquery of the lexeme read. */
  lexeme: string;
  /** gin_fuzzy_search_limit: about how many of its hits the lookup keeps. */
  limit: number;
}

/**
 * How a count was taken: 'exact' (every match up to countCap + 1), 'thinned' (a thinned lookup found
 * more than countCap matches), 'thinned-short' (it did not, and the exact count followed).
 */
export type CountWay = 'exact' | 'thinned' | 'thinned-short';

/** The search's rarest lexeme by the sample (what a thinned count reads), and how many sampled tickets hold it. */
export function rarestLexeme(v: ValidSearch, stats: SearchStats | null): { lexeme: string; held: number } | null {
  let rarest: { lexeme: string; held: number } | null = null;
  const consider = (lex: string, held: number) => {
    if (!rarest || held < rarest.held) rarest = { lexeme: lex, held };
  };
  for (const b of v.terms.flatMap((t) => t.phrases.flat())) consider(lexeme(b), stats?.bi.get(b) ?? 0);
  for (const c of uniTokens(v)) consider(lexeme(UNI_MARK + c), stats?.uni.get(c) ?? 0);
  return rarest;
}

/**
 * How the page, and the count, reach the documents: walked newest-first (each checked on its row),
 * or the GIN lookup's hits read. The walk reads documents until enough match. The page from the
 * lookup fetches every hit to sort them; the count stops once countCap + 1 hits matched. A term in
 * 2 % of tickets walks ~2,500 documents for a page of 50 (cheaper than fetching its 4,000 hits) but
 * ~50,000 for a count to 1,000, where the lookup fetches ~1,000. From the sample's own matches when
 * it kept its text (plan.ts sampleMatches: the whole term and the filters on the same tickets),
 * where a match the sample never saw counts as none: the walk would read every document, the
 * lookup's hits are bounded. Otherwise from the plan's lead estimate.
 *
 * `thin`, when it is cheaper than both: the count only has to show that more than countCap tickets
 * match, and any set of matches that large shows it. GIN can hand out a random subset of a lexeme's
 * hits (gin_fuzzy_search_limit: each kept with probability limit / its hits) without building the
 * bitmap of all of them: "月湖" (8.7 % of 200k tickets) counted to 1,001 in 6.0 ms through its
 * bitmap of 17,336 hits and in 2.9 ms thinned to ~2,900, where the walk read 12,000 documents (45 ms).
 * Every row of the subset is still checked for every term and filter, so it counts real matches; if
 * it finds countCap or fewer, the exact count follows. The subset's rows lie one to a page where a
 * walk's lie ten to a page, so a term in most tickets still walks. Sized by a low estimate of the
 * matches (two standard errors under the sampled share) to keep THIN_MARGIN × (countCap + 1) of them.
 */
export function walkChoice(v: ValidSearch, plan: SearchPlan, stats: SearchStats | null, now: Date, divisions = false): { page: boolean; count: boolean; thin: ThinCount | null } {
  // The lead's estimate bounds the lookup's hits from above (a sampled ticket holding every piece
  // holds the rarest): few enough, and the sample's text need not be read on the search's path.
  if (plan.estimate.lead <= ORDERED_MIN_HITS) return { page: false, count: false, thin: null };
  const seen = stats ? sampleMatches(v, stats, now, divisions) : null;
  if (!seen || !stats) {
    const lead = plan.estimate.lead;
    return { page: plan.estimate.pageScan * 4 < lead, count: plan.estimate.textScan * 4 < lead, thin: null };
  }
  const hits = ((seen.held + 0.5) / (seen.sampled + 1)) * stats.total;
  if (hits <= ORDERED_MIN_HITS) return { page: false, count: false, thin: null };
  const walked = (need: number) => (seen.matched ? Math.min(stats.total, (need * seen.sampled) / seen.matched) : stats.total);
  const fetched = (need: number) => (seen.matched ? Math.min(hits, (need * seen.held) / seen.matched) : hits);
  const lookup = (rows: number) => rows * WALK_PER_HIT + hits * BITMAP_PER_HIT;
  const page = walked(v.limit + 1) < lookup(hits);
  const walkCount = walked(v.countCap + 1);
  const lookupCount = lookup(fetched(v.countCap + 1));
  const thin = thinCount(v, plan, stats, seen);
  if (thin && thin.cost < Math.min(walkCount, lookupCount)) return { page, count: false, thin: { lexeme: thin.lexeme, limit: thin.limit } };
  return { page, count: walkCount < lookupCount, thin: null };
}

function thinCount(v: ValidSearch, plan: SearchPlan, stats: SearchStats, seen: { matched: number; sampled: number }): (ThinCount & { cost: number }) | null {
  if (v.countCap <= 0 || plan.mode !== 'text' || seen.matched < THIN_MIN_MATCHED) return null;
  const rarest = rarestLexeme(v, stats);
  if (!rarest) return null;
  const hits = ((rarest.held + 0.5) / (seen.sampled + 1)) * stats.total;
  const low = ((seen.matched - 2 * Math.sqrt(seen.matched)) / seen.sampled) * stats.total;
  const need = v.countCap + 1;
  const limit = Math.ceil((THIN_MARGIN * need * hits) / low);
  if (limit >= hits) return null;
  const rows = Math.min(limit, (need * hits) / low);
  return { lexeme: rarest.lexeme, limit, cost: hits * DECODE_PER_HIT + limit * BITMAP_PER_HIT + rows * WALK_PER_HIT };
}

/** Normalised as normalizeText does (NFKC, lower case; PostgreSQL's C locale lowers ASCII only). */
const norm = (col: string): Frag => sql`lower(normalize(coalesce(${sql.ref(col)}, ''), NFKC))`;

/**
 * `pool`: the store's search connections (Store.searchPool), opened with the planner settings these
 * plans need (postgres.ts SEARCH_SESSION); `db` reads the category tree and the planner's sample, and
 * cancels a search's statements.
 */
export function createPostgresSearchEngine(db: Kysely<DB>, pool: pg.Pool, opts: PgSearchOptions = {}) {
  const now = opts.now ?? (() => new Date());

  /**
   * The same filters as sqlite-search.ts filters(), as Kysely fragments. A category filter arrives as
   * the list of the categories and their descendants (`categories`), read just before: PostgreSQL
   * cannot estimate a recursive subquery and then walks the text hits instead of the category.
   */
  function filters(v: ValidSearch, categories: readonly string[] | null): Frag[] {
    const where: Frag[] = [];
    const list = (col: string, values: string[] | null) => {
      if (values) where.push(sql`${sql.ref(col)} in (${sql.join(values)})`);
    };
    list('t.status', v.status);
    list('t.appeal_type', v.appealType);
    if (categories) where.push(categories.length ? sql`t.category_id in (${sql.join([...categories])})` : sql`false`);
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

  /**
   * The substring check of a term the index cannot answer exactly ("3#楼"), fields as this reader sees
   * them, on the document row: its stored normalised text (0018), or for a document written before
   * 0018 the ticket's columns normalised here (slow). Document-level, so it runs in the scan of the
   * documents, before any join to tickets.
   */
  function contains(v: ValidSearch, needle: string): Frag {
    const legacy: Frag[] = ['c.title', 'c.content', 'c.number', 'c.address'].map((col) => sql`strpos(${norm(col)}, ${needle}) > 0`);
    const name = sql`strpos(${norm('c.caller_name')}, ${needle}) > 0`;
    // nameVisible(v, confidential): everyone sees a non-confidential name, only 'all' a confidential one.
    const allNames = nameVisible(v.callerVisibility, true);
    legacy.push(allNames ? name : sql`(c.confidential = 0 and ${name})`);
    const texts: Frag[] = [sql`(case when d.body is not null then ${inBody(v, needle)}
      else exists (select 1 from tickets c where c.id = d.ticket_id and (${sql.join(legacy, sql` or `)})) end)`];
    const digits = phoneNeedle(needle);
    if (digits !== null && phoneVisible(v.callerVisibility, false)) {
      const phone = sql`strpos(regexp_replace(normalize(coalesce(c.phone, ''), NFKC), '[^0-9]', '', 'g'), ${digits}) > 0`;
      const seen = phoneVisible(v.callerVisibility, true) ? phone : sql`(c.confidential = 0 and ${phone})`;
      texts.push(sql`exists (select 1 from tickets c where c.id = d.ticket_id and ${seen})`);
    }
    return sql`(${sql.join(texts, sql` or `)})`;
  }

  /** The needle in the document's stored text (0018), as this reader sees the caller's name. */
  function inBody(v: ValidSearch, needle: string): Frag {
    return nameVisible(v.callerVisibility, true)
      ? sql`(strpos(d.body, ${needle}) > 0 or strpos(coalesce(d.private_name, ''), ${needle}) > 0)`
      : sql`strpos(d.body, ${needle}) > 0`;
  }

  /**
   * Whether a document matches one term, from the row alone (no index condition needed). A term that
   * may match the caller's phone digits (indexed only as tokens) and a document without stored text
   * (written before 0018) are checked on the tsvector's phrase; every other term is a strpos on the
   * stored text, which leaves the tsvector (in TOAST) unread.
   */
  function termCheck(v: ValidSearch, t: TermPlan): Frag {
    const legacy = [sql`ts_match_vq(d.tsv, ${tsqueryOf(t.phrases, t.chars, prefixesFor(v.callerVisibility))}::tsquery)`, ...(t.exact ? [] : [contains(v, t.text)])];
    const tokensOnly = sql`(${sql.join(legacy, sql` and `)})`;
    if (/\d/u.test(t.text) && phoneVisible(v.callerVisibility, false)) return tokensOnly;
    return sql`(case when d.body is not null then ${inBody(v, t.text)} else ${tokensOnly} end)`;
  }

  const cols = sql`t.id, t.number, t.title, t.content, t.status, t.appeal_type, t.created_at, t.district_code, t.phone, t.caller_name, t.address, t.confidential`;
  const and = (w: Frag[]) => (w.length ? sql`where ${sql.join(w, sql` and `)}` : sql``);

  const clock = opts.clock ?? Date.now;
  const load = opts.loadStats ?? (() => loadPostgresStats(db));
  let sampled: SearchStats | null = null;
  let sampling: Promise<SearchStats> | null = null;
  let failedAt = -Infinity;
  /**
   * The sample once loaded; a stale one is refreshed in the background while searches use it. Only
   * a search with no sample at all waits (and reports a failure); a failed refresh is retried after
   * STATS_RETRY_MS, and never surfaces as an unhandled rejection.
   */
  function stats(): Promise<SearchStats> {
    if (!sampling && (!sampled || (statsStale(sampled, clock()) && clock() - failedAt >= STATS_RETRY_MS))) {
      const run = load().then((s) => (sampled = s), (e: unknown) => {
        failedAt = clock();
        throw e;
      }).finally(() => { sampling = null; });
      sampling = run;
      if (sampled) run.catch(() => {});
    }
    return sampled ? Promise.resolve(sampled) : sampling!;
  }
  // Sampled from the start, so that the first search rarely waits for it; a failure here (a store
  // not yet migrated) is retried by the first search, which reports it.
  stats().catch(() => {});

  /**
   * Whether every document carries its division lexemes (migration 0032: done at once on a new store,
   * after indexer.ts fillDivisionLexemes on an older one). Once true it stays true (every later write
   * carries them); until then it is asked again at most every DIVISIONS_RECHECK_MS, and searches leave
   * the division to the ticket filters.
   */
  let divisionsReady = false;
  let divisionsAskedAt = -Infinity;
  async function divisionsIndexed(): Promise<boolean> {
    if (divisionsReady || clock() - divisionsAskedAt < DIVISIONS_RECHECK_MS) return divisionsReady;
    divisionsAskedAt = clock();
    divisionsReady = await divisionLexemesReady(db).catch(() => false);
    return divisionsReady;
  }

  /** The rows and count queries of one search, as the plan says (see plan.ts). */
  async function queries(v: ValidSearch, conn: Kysely<DB>): Promise<{ rowsQ: Frag; countQ: Frag | null; countLikely: boolean; thinned?: { q: Frag; limit: number }; rowsCount?: boolean }> {
    const categories = v.categoryIds
      ? (await sql<{ id: string }>`with recursive sub(id) as (select id from categories where id in (${sql.join(v.categoryIds)})
          union select k.id from categories k join sub on k.parent_id = sub.id) select id from sub`.execute(conn)).rows.map((r) => r.id)
      : null;
    const where = filters(v, categories);
    if (!v.terms.length) {
      const cursor = v.cursor?.kind === 'time' ? [sql`(t.created_at, t.id) < (${v.cursor.createdAt}, ${v.cursor.id})`] : [];
      return {
        rowsQ: sql`select ${cols} from tickets t ${and([...where, ...cursor])} order by t.created_at desc, t.id desc limit ${v.limit + 1}`,
        countQ: v.countCap > 0 ? sql`select count(*) as n from (select 1 from tickets t ${and(where)} limit ${v.countCap + 1}) x` : null,
        countLikely: true,
      };
    }
    const sample = await stats();
    // The index lookup carries the district and street when every document has their lexemes.
    const divisions = opts.divisionLexemes !== false && (v.districtCode !== null || v.streetCode !== null) && await divisionsIndexed();
    const plan = planSearch(v, sample, now(), opts.force, undefined, divisions);
    const chosen = walkChoice(v, plan, sample, now(), divisions);
    const walk = opts.forceWalk === undefined ? chosen : { page: opts.forceWalk, count: opts.forceWalk };
    const forcedThin = typeof opts.forceThin === 'number' ? rarestLexeme(v, sample) : null;
    const thin = opts.forceThin === false ? null
      : forcedThin ? { lexeme: forcedThin.lexeme, limit: opts.forceThin as number }
      : opts.forceWalk === undefined ? chosen.thin : null;
    // Every term checked on the row: plans that reach documents without the GIN index.
    const rowChecks = v.terms.map((t) => termCheck(v, t));
    const cursor = v.cursor?.kind === 'doc' ? [sql`d.doc_id < ${v.cursor.docId}`] : [];
    const count = (from: Frag, w: Frag[]) => (v.countCap > 0 ? sql`select count(*) as n from (select 1 ${from} ${and(w)} limit ${v.countCap + 1}) x` : null);
    // The page is expected to fill (more matches than it holds): the count will be needed, and runs beside it.
    const countLikely = plan.estimate.pageScan < plan.estimate.lead;
    if (plan.mode === 'filters') {
      // The filters select few tickets: PostgreSQL reaches them through the tickets' indexes, and with
      // no GIN condition it checks the text on each instead of fetching every text hit.
      //
      // One statement reads them once for the page and the count: every match's key and how many there
      // are (a window count, before the cursor and the limit), then the page's rows only. `doc_id + 0`:
      // ordered by the key itself, PostgreSQL walked every document newest-first instead, and a common
      // term with a district and open states (2,827 tickets) read 121,350 documents (2.0 s, against 35 ms).
      const from = sql`from tickets t join ticket_search_docs d on d.ticket_id = t.id`;
      const w = [...where, ...rowChecks];
      const after = v.cursor?.kind === 'doc' ? sql`where m.doc_id < ${v.cursor.docId}` : sql``;
      return {
        rowsQ: sql`select top.doc_id, top.n, ${cols} from (select m.doc_id, m.ticket_id, m.n
            from (select d.doc_id + 0 as doc_id, d.ticket_id, count(*) over () as n ${from} ${and(w)}) m ${after}
            order by m.doc_id desc limit ${v.limit + 1}) top join tickets t on t.id = top.ticket_id order by top.doc_id desc`,
        countQ: count(from, w),
        countLikely: false,
        rowsCount: true,
      };
    }
    // The GIN index gets every term's bigrams and characters ANDed ('&', exact from its posting
    // lists, no recheck of the tsvector); what it cannot see (order within a run, punctuation) is
    // checked per term on the row. A term of one bigram or one character is answered by the index alone.
    const viaIndex = [sql`d.tsv @@ ${searchTsquery(v, '&', divisions)}::tsquery`,
      ...v.terms.filter((t) => !(t.exact && t.chars.length + t.phrases.reduce((n, p) => n + p.length, 0) === 1)).map((t) => termCheck(v, t))];
    // The page fills after fewer documents than the lookup has hits (walkChoice): walk the documents
    // newest-first and check each, instead of fetching every hit from the GIN index to sort them.
    const ordered = walk.page;
    const from = sql`from ticket_search_docs d join tickets t on t.id = d.ticket_id`;
    const rowsWhere = [...(ordered ? rowChecks : viaIndex), ...where, ...cursor];
    const all = [...viaIndex, ...where];
    // Without ticket filters the documents alone answer (the checks read the document row): the page is
    // chosen from them and only its rows are joined to tickets, and the count joins nothing.
    const indexOnly = where.length === 0;
    // Not ordered: the GIN index fetches the hits and they are sorted. `doc_id + 0` keeps PostgreSQL from
    // walking the primary key newest-first instead: it prices a lexeme it has no statistics for at 500
    // rows whatever its real count, and a rare bigram (14 hits of 100k) then read every document's
    // tsvector to fill a page it never filled (2.8 s, against 0.3 ms through the index).
    const key = ordered ? sql`d.doc_id` : sql`(d.doc_id + 0)`;
    const rowsQ = indexOnly
      ? sql`select top.doc_id, ${cols} from (select d.doc_id, d.ticket_id from ticket_search_docs d ${and(rowsWhere)}
          order by ${key} desc limit ${v.limit + 1}) top join tickets t on t.id = top.ticket_id order by top.doc_id desc`
      : sql`select d.doc_id, ${cols} ${from} ${and(rowsWhere)} order by ${key} desc limit ${v.limit + 1}`;
    // The count walks newest-first as well when its countCap + 1 matches come before the lookup would
    // have read its bitmap and fetched as many ("沟通" in 38 % of tickets: the GIN bitmap of every hit took 40 ms, the walk 25 ms).
    const countOrdered = walk.count;
    const countWhere = countOrdered ? [...rowChecks, ...where] : all;
    const countFrom = indexOnly ? sql`from ticket_search_docs d` : from;
    return {
      ...(thin && v.countCap > 0 ? {
        thinned: {
          q: sql`select count(*) as n from (select 1 ${countFrom} ${and([sql`d.tsv @@ ${thin.lexeme}::tsquery`, ...rowChecks, ...where])} limit ${v.countCap + 1}) x`,
          limit: thin.limit,
        },
      } : {}),
      rowsQ,
      countQ: v.countCap > 0
        ? countOrdered
          ? sql`select count(*) as n from (select 1 ${countFrom} ${and(countWhere)} order by d.doc_id desc limit ${v.countCap + 1}) x`
          : count(countFrom, countWhere)
        : null,
      countLikely,
    };
  }

  /**
   * One statement on a connection of the search pool, cancelled on the server when the search is stopped.
   * `thin`: in a transaction of its own with gin_fuzzy_search_limit set for it alone (SET LOCAL ends
   * with the transaction, committed or rolled back, so the connection goes back to the pool without it).
   */
  async function statement<R>(q: Frag, stop: AbortSignal, why: () => unknown, thin?: number): Promise<R[]> {
    if (stop.aborted) throw why();
    const client = await pool.connect();
    let cancelling: Promise<unknown> | null = null;
    const cancel = () => {
      cancelling ??= (async () => {
        const pid = (client as unknown as { processID?: number }).processID;
        if (pid !== undefined) await sql`select pg_cancel_backend(${pid})`.execute(db);
      })().catch(() => {});
    };
    let broken: Error | undefined;
    let ending: Promise<void> | null = null;
    try {
      if (stop.aborted) throw why();
      stop.addEventListener('abort', cancel, { once: true });
      const c = q.compile(db);
      if (thin === undefined) return (await client.query<R & pg.QueryResultRow>({ text: c.sql, values: c.parameters as unknown[] })).rows;
      let rows: R[];
      try {
        await client.query(`begin; set local gin_fuzzy_search_limit = ${Math.max(1, Math.min(2 ** 31 - 1, Math.round(thin)))}`);
        rows = (await client.query<R & pg.QueryResultRow>({ text: c.sql, values: c.parameters as unknown[] })).rows;
      } catch (e) {
        // Out of the transaction (failed, or cancelled while it began) before the connection is reused;
        // if even that fails, the pool discards it.
        await client.query('rollback').catch((r: unknown) => { broken = r as Error; });
        throw e;
      }
      // The caller has its rows now; the transaction ends (and the setting with it) before the
      // connection goes back to the pool.
      ending = client.query('commit').then(() => {}, (r: unknown) => { broken = r as Error; });
      return rows;
    } catch (e) {
      // A cancelled statement leaves the connection usable; any other failure (a restart, a dropped
      // socket) may not, and the pool discards it.
      if ((e as { code?: string }).code !== QUERY_CANCELED) broken = e as Error;
      throw e;
    } finally {
      stop.removeEventListener('abort', cancel);
      // Back to the pool only once the cancel signal has been delivered: an idle backend ignores it,
      // so it cannot cancel the next statement on this connection.
      const release = async () => {
        if (ending) await ending;
        if (cancelling) await cancelling;
        client.release(broken);
      };
      if (ending) void release().catch(() => {});
      else await release();
    }
  }

  /**
   * The page, and the count beside it on a second connection when the plan expects the page to fill
   * (the two reads overlap instead of following each other); otherwise the count only if the page did fill.
   */
  async function run(v: ValidSearch, started: number, stop: AbortSignal, why: () => unknown): Promise<SearchResult> {
    const { rowsQ, countQ, countLikely, thinned, rowsCount } = await queries(v, db);
    const exact = async (q: Frag) => {
      const n = Number((await statement<{ n: number }>(q, stop, why))[0]!.n);
      opts.onCount?.('exact');
      return n;
    };
    const count = async (q: Frag): Promise<number> => {
      if (!thinned) return exact(q);
      const n = Number((await statement<{ n: number }>(thinned.q, stop, why, thinned.limit))[0]!.n);
      if (n > v.countCap) {
        opts.onCount?.('thinned');
        return n;
      }
      opts.onCount?.('thinned-short');
      return exact(q);
    };
    const early = countQ && countLikely ? count(countQ) : null;
    early?.catch(() => {});
    const found = await statement<TicketRow & { n?: number | string }>(rowsQ, stop, why);
    const more = found.length > v.limit;
    if (more) found.pop();
    // `rowsCount`: the page's rows carry the number of every match (a cursor past the last match leaves none: counted apart).
    const inRows = rowsCount && found.length ? Number(found[0]!.n) : null;
    for (const r of found) delete r.n;
    const counted = !needsCount(v, more) || !countQ ? null
      : inRows !== null ? Math.min(inRows, v.countCap + 1) : await (early ?? count(countQ));
    return pageResult(v, found, more, counted, v.terms.map((t) => t.text), started);
  }

  const running = new Map<string, AbortController>();

  /**
   * One search on the search pool (its page and its count, each on a connection). It runs on the
   * server, not on this thread; a newer search with the same `supersede` key, an aborted `signal` or
   * the time limit rejects it at once and cancels its statements on the server (pg_cancel_backend).
   */
  async function search(input: unknown, call: SearchCallOptions = {}): Promise<SearchResult> {
    const started = performance.now();
    const v = validateSearch(input);
    const stop = new AbortController();
    let why: SearchError | null = null;
    const abort = (e: SearchError) => {
      if (!why) {
        why = e;
        stop.abort();
      }
    };
    if (call.supersede !== undefined) {
      running.get(call.supersede)?.abort();
      running.set(call.supersede, stop);
      stop.signal.addEventListener('abort', () => abort(new SearchError('superseded', 'a newer search replaced this one')), { once: true });
    }
    const onSignal = () => abort(new SearchError('cancelled', 'search aborted'));
    if (call.signal?.aborted) throw new SearchError('cancelled', 'search aborted');
    call.signal?.addEventListener('abort', onSignal, { once: true });
    const limitMs = call.timeoutMs ?? opts.timeoutMs ?? 15_000;
    const timer = setTimeout(() => abort(new SearchError('timeout', `search took longer than ${limitMs} ms`)), limitMs);
    try {
      const work = run(v, started, stop.signal, () => why);
      const aborted = new Promise<never>((_, reject) => {
        stop.signal.addEventListener('abort', () => reject(why), { once: true });
      });
      // A cancelled statement fails with 57014 after the caller was already told why.
      work.catch(() => {});
      return await Promise.race([work, aborted]);
    } catch (e) {
      if (why) throw why;
      if ((e as { code?: string }).code === QUERY_CANCELED) throw new SearchError('timeout', 'the database cancelled the search (statement timeout)');
      throw e;
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onSignal);
      if (call.supersede !== undefined && running.get(call.supersede) === stop) running.delete(call.supersede);
    }
  }

  return { search };
}

import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema';
import type { Dialect } from '../migrations/types';
import type { Store } from '../sqlite';
import { dialectOf } from '../dialect';
import { normalisesCharByChar, rawFindsIdeographs, TOKENIZER_VERSION, tokenizeTicket, type DocumentTokens, type TicketText } from '../../search/tokenize';
import type { IndexableTicket, ReindexOptions, ReindexResult, SearchIndexStatus } from '../../search/search-index';
import { divisionLexemesReady, searchText, tsvectorLiteral } from './pg-search';
import { FILTER_LEXEMES_META_KEY } from '../migrations/0032_pg_search_filter_lexemes';
import { BACKGROUND_SLICE_MS, nextBatchSize, nextTurn, timeSlicer } from '../../util/time-slice';

/**
 * Keeps the search index in step with `tickets`.
 *
 * Why from the service layer and not by triggers: the tokens are made in JS (tokenize.ts) and a
 * SQLite trigger cannot call JS. The alternative — storing the token strings in a column and letting
 * an external-content FTS5 table index them through triggers — would keep ~3 KB of tokens per
 * ticket on disk (more than the ticket text itself, ~3 GB per million tickets) only to feed the
 * index. So whoever writes a ticket's title or content calls `indexTicket(trx, ticket)` in the same
 * transaction; bulk paths (demo load, imports, existing stores) call `reindexAll`.
 */

function ticketText(t: IndexableTicket): TicketText {
  return { title: t.title, content: t.content, number: t.number, address: t.address, callerName: t.caller_name, phone: t.phone, confidential: Boolean(t.confidential) };
}

/**
 * SQLite's `ticket_search_docs.plain` (migration 0031): how far instr on the raw fields answers a term.
 * 2: every field normalises character by character (any term with few raw spellings, tokenize.ts
 * rawSpellings); 1: terms of ideographs only (rawFindsIdeographs); 0: neither (the JS check).
 */
export function plainOf(t: Pick<IndexableTicket, 'title' | 'content' | 'number' | 'address' | 'caller_name'>): 0 | 1 | 2 {
  const fields = [t.title, t.content, t.number, t.address, t.caller_name];
  if (!fields.every((x) => rawFindsIdeographs(x))) return 0;
  return fields.every((x) => normalisesCharByChar(x)) ? 2 : 1;
}

/** 2^19 document keys per second of created_at: keys stay below 2^53 until the year 2514. */
const SLOTS_PER_SECOND = 524_288;

/** First key of the second a ticket was created in; the FTS rowid order is newest-first order. */
export function docKeyBase(createdAt: string): number {
  const ms = Date.parse(createdAt);
  const sec = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  return sec * SLOTS_PER_SECOND;
}

/** Next free key in the ticket's second; a full second (half a million tickets) spills past the newest key. */
function allocate(base: number, maxInSecond: number | null, maxOverall: number | null): number {
  const next = maxInSecond === null ? base : maxInSecond + 1;
  if (next < base + SLOTS_PER_SECOND) return next;
  return (maxOverall ?? base) + 1;
}

export interface IndexOptions {
  /**
   * Ignored: the index to write is the one of the store `db` talks to (a caller that passed
   * 'sqlite' for a PostgreSQL transaction wrote to FTS5 tables that do not exist there).
   * @deprecated
   */
  dialect?: Dialect;
}

/**
 * Indexes (or re-indexes, after an edit of title/content) one ticket. Call it with the transaction
 * that writes the ticket, so the index never disagrees with a committed ticket. Works on a Kysely
 * transaction or instance; keeps the ticket's document key when it already has one.
 */
export async function indexTicket(db: Kysely<DB>, ticket: IndexableTicket, _opts: IndexOptions = {}): Promise<void> {
  const dialect = dialectOf(db);
  const tokens = tokenizeTicket(ticketText(ticket));
  if (dialect === 'postgres') return indexTicketPostgres(db, ticket, tokens);
  const existing = await db.selectFrom('ticket_search_docs').select('doc_id').where('ticket_id', '=', ticket.id).executeTakeFirst();
  let docId: number;
  if (existing) {
    docId = Number(existing.doc_id);
    await deleteFts(db, docId);
    await db.updateTable('ticket_search_docs').set({ plain: plainOf(ticket) }).where('doc_id', '=', docId).execute();
  } else {
    const base = docKeyBase(ticket.created_at);
    const inSecond = await db.selectFrom('ticket_search_docs').select(sql<number | null>`max(doc_id)`.as('m'))
      .where('doc_id', '>=', base).where('doc_id', '<', base + SLOTS_PER_SECOND).executeTakeFirst();
    let overall: number | null = null;
    if (inSecond?.m != null && Number(inSecond.m) + 1 >= base + SLOTS_PER_SECOND) {
      const o = await db.selectFrom('ticket_search_docs').select(sql<number | null>`max(doc_id)`.as('m')).executeTakeFirst();
      overall = o?.m == null ? null : Number(o.m);
    }
    docId = allocate(base, inSecond?.m == null ? null : Number(inSecond.m), overall);
  }
  if (!existing) await db.insertInto('ticket_search_docs').values({ doc_id: docId, ticket_id: ticket.id, uni: null, bi: null, plain: plainOf(ticket) }).execute();
  // Into the fresh index (migration 0030): its merges stay small; foldFreshIndex moves it into the main one.
  await sql`insert into ticket_fts_bi_fresh (rowid, bi) values (${docId}, ${tokens.bi})`.execute(db);
  await sql`insert into ticket_fts_uni_fresh (rowid, uni) values (${docId}, ${tokens.uni})`.execute(db);
  await sql`insert into ticket_fts_fresh (doc_id) values (${docId})`.execute(db);
}

/**
 * PostgreSQL: the tokens as a tsvector (pg-search.ts). A new document's key is the ticket's second
 * plus a number from `ticket_search_doc_seq`: max(doc_id) + 1, as on SQLite, would hand two
 * concurrent intakes of the same second the same key (PostgreSQL does not serialise writers). Keys
 * keep newest-first order by second; a key taken already (the sequence wrapped within one second)
 * draws the next number.
 */
async function indexTicketPostgres(db: Kysely<DB>, ticket: IndexableTicket, tokens: DocumentTokens): Promise<void> {
  const tsv = tsvectorLiteral(tokens);
  const { body, privateName } = searchText(ticketText(ticket));
  const updated = await db.updateTable('ticket_search_docs').set({ tsv: sql<string>`${tsv}::tsvector`, body, private_name: privateName, uni: null, bi: null })
    .where('ticket_id', '=', ticket.id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  const base = docKeyBase(ticket.created_at);
  for (let attempt = 0; attempt < 100; attempt++) {
    const inserted = await sql<{ doc_id: number }>`insert into ticket_search_docs (doc_id, ticket_id, tsv, body, private_name)
      values (${base} + nextval('ticket_search_doc_seq') % ${SLOTS_PER_SECOND}, ${ticket.id}, ${tsv}::tsvector, ${body}, ${privateName})
      on conflict (doc_id) do nothing returning doc_id`.execute(db);
    if (inserted.rows.length) return;
  }
  throw new Error(`indexTicket: no free search document key in the second of ${ticket.created_at}`);
}

/** Removes a ticket from the index; call it before deleting the ticket row (the key references it). */
export async function removeTicketFromIndex(db: Kysely<DB>, ticketId: string, _opts: IndexOptions = {}): Promise<void> {
  const existing = await db.selectFrom('ticket_search_docs').select('doc_id').where('ticket_id', '=', ticketId).executeTakeFirst();
  if (!existing) return;
  if (dialectOf(db) === 'sqlite') await deleteFts(db, Number(existing.doc_id));
  await db.deleteFrom('ticket_search_docs').where('doc_id', '=', existing.doc_id).execute();
}

/** Takes a document out of whichever index holds it, the fresh one or the main one. */
async function deleteFts(db: Kysely<DB>, docId: number): Promise<void> {
  const fresh = await sql`delete from ticket_fts_fresh where doc_id = ${docId} returning doc_id`.execute(db);
  const suffix = fresh.rows.length ? '_fresh' : '';
  await sql`delete from ${sql.table(`ticket_fts_bi${suffix}`)} where rowid = ${docId}`.execute(db);
  await sql`delete from ${sql.table(`ticket_fts_uni${suffix}`)} where rowid = ${docId}`.execute(db);
}

/**
 * The same writes as indexTicket on a raw better-sqlite3 handle, with prepared statements, for bulk
 * work. Bulk work writes the main index directly: its transactions hold many documents, so the
 * segments it adds are large and few (the fresh index is for saves one ticket at a time).
 */
export function createSqliteIndexer(sqlite: Database.Database) {
  const find = sqlite.prepare('select doc_id from ticket_search_docs where ticket_id = ?').pluck();
  const maxIn = sqlite.prepare('select max(doc_id) from ticket_search_docs where doc_id >= ? and doc_id < ?').pluck();
  const maxAll = sqlite.prepare('select max(doc_id) from ticket_search_docs').pluck();
  const insDoc = sqlite.prepare('insert into ticket_search_docs (doc_id, ticket_id, plain) values (?, ?, ?)');
  const setPlain = sqlite.prepare('update ticket_search_docs set plain = ? where doc_id = ?');
  const insBi = sqlite.prepare('insert into ticket_fts_bi (rowid, bi) values (?, ?)');
  const insUni = sqlite.prepare('insert into ticket_fts_uni (rowid, uni) values (?, ?)');
  const delBi = sqlite.prepare('delete from ticket_fts_bi where rowid = ?');
  const delUni = sqlite.prepare('delete from ticket_fts_uni where rowid = ?');
  const delFresh = sqlite.prepare('delete from ticket_fts_fresh where doc_id = ?');
  const delFreshBi = sqlite.prepare('delete from ticket_fts_bi_fresh where rowid = ?');
  const delFreshUni = sqlite.prepare('delete from ticket_fts_uni_fresh where rowid = ?');
  return {
    /** `isNew`: the caller knows the ticket has no document yet (skips a lookup). */
    index(t: IndexableTicket, isNew = false): number {
      const tokens = tokenizeTicket(ticketText(t));
      let docId = isNew ? undefined : (find.get(t.id) as number | undefined);
      if (docId !== undefined) {
        setPlain.run(plainOf(t), docId);
        if (delFresh.run(docId).changes) {
          delFreshBi.run(docId);
          delFreshUni.run(docId);
        } else {
          delBi.run(docId);
          delUni.run(docId);
        }
      } else {
        const base = docKeyBase(t.created_at);
        const m = maxIn.get(base, base + SLOTS_PER_SECOND) as number | null;
        docId = allocate(base, m, m !== null && m + 1 >= base + SLOTS_PER_SECOND ? (maxAll.get() as number | null) : null);
        insDoc.run(docId, t.id, plainOf(t));
      }
      insBi.run(docId, tokens.bi);
      insUni.run(docId, tokens.uni);
      return docId;
    },
  };
}

export interface FoldResult { moved: number; left: number }

/**
 * Moves up to `maxDocs` documents of the fresh index (migration 0030) into the main one, in one
 * transaction, re-tokenised from their tickets (the FTS5 tables are contentless: they cannot give
 * the tokens back). Many documents in one transaction make one segment of the main index, so its
 * merges cost per document a fraction of what one save each cost. Once the fresh index is empty it
 * is reset ('delete-all'), dropping the deletion markers the moves left in it. Oldest first.
 */
export function foldFreshIndex(sqlite: Database.Database, maxDocs: number): FoldResult {
  const pick = sqlite.prepare(`select d.doc_id, t.id, t.created_at, t.title, t.content, t.number, t.address, t.caller_name, t.phone, t.confidential
    from ticket_fts_fresh f join ticket_search_docs d on d.doc_id = f.doc_id join tickets t on t.id = d.ticket_id
    order by f.doc_id limit ?`);
  const moved = sqlite.transaction((limit: number) => {
    const rows = pick.all(limit) as (IndexableTicket & { doc_id: number })[];
    const delFresh = sqlite.prepare('delete from ticket_fts_fresh where doc_id = ?');
    const delBi = sqlite.prepare('delete from ticket_fts_bi_fresh where rowid = ?');
    const delUni = sqlite.prepare('delete from ticket_fts_uni_fresh where rowid = ?');
    const insBi = sqlite.prepare('insert into ticket_fts_bi (rowid, bi) values (?, ?)');
    const insUni = sqlite.prepare('insert into ticket_fts_uni (rowid, uni) values (?, ?)');
    for (const r of rows) {
      const tokens = tokenizeTicket(ticketText(r));
      delFresh.run(r.doc_id);
      delBi.run(r.doc_id);
      delUni.run(r.doc_id);
      insBi.run(r.doc_id, tokens.bi);
      insUni.run(r.doc_id, tokens.uni);
    }
    const left = sqlite.prepare('select count(*) from ticket_fts_fresh').pluck().get() as number;
    if (left === 0) {
      sqlite.exec(`insert into ticket_fts_bi_fresh (ticket_fts_bi_fresh) values ('delete-all');
        insert into ticket_fts_uni_fresh (ticket_fts_uni_fresh) values ('delete-all');`);
    }
    return { moved: rows.length, left };
  });
  return moved.immediate(maxDocs);
}

/** How many documents the fresh index holds (a search skips it when none). */
export function freshIndexSize(sqlite: Database.Database): number {
  return sqlite.prepare('select count(*) from ticket_fts_fresh').pluck().get() as number;
}

const META_VERSION_KEY = 'search_tokenizer_version';

export function searchIndexStatus(sqlite: Database.Database): SearchIndexStatus {
  const tickets = sqlite.prepare('select count(*) from tickets').pluck().get() as number;
  const indexed = sqlite.prepare('select count(*) from ticket_search_docs').pluck().get() as number;
  const v = sqlite.prepare('select value from meta where key = ?').pluck().get(META_VERSION_KEY) as string | undefined;
  const tokenizerVersion = v === undefined ? null : Number(v);
  const versionOk = tokenizerVersion === TOKENIZER_VERSION || (tokenizerVersion === null && indexed === 0);
  // Documents from before migration 0031 whose `plain` is not known yet (the partial index finds them).
  const plainUnknown = sqlite.prepare('select exists (select 1 from ticket_search_docs where plain is null)').pluck().get() === 1;
  return { tickets, indexed, tokenizerVersion, upToDate: versionOk && indexed === tickets && !plainUnknown };
}

/**
 * Indexes every ticket that has no search document yet: after `loadDemoData`, after an import, or on
 * a store created before migration 0005. Batched (one transaction per batch, so a cancel or a crash
 * leaves whole batches), cancellable through `signal`, resumable (a second call continues where the
 * first stopped). It yields to the event loop between batches; each batch runs synchronously, so
 * its size follows the measured cost per ticket to hold the thread about `sliceMs` (the console
 * rebuilds in the background on main's thread, where a 1000-ticket batch held incoming calls
 * for 100 ms and more).
 */
export async function reindexAll(store: Store, opts: ReindexOptions = {}): Promise<ReindexResult> {
  const sqlite = store.sqlite;
  if (!sqlite) return reindexPostgres(store, opts);
  const started = performance.now();
  const status = searchIndexStatus(sqlite);
  const rebuild = opts.rebuild === true || ((opts.rebuild ?? 'auto') === 'auto'
    && status.tokenizerVersion !== null && status.tokenizerVersion !== TOKENIZER_VERSION);
  const setVersion = sqlite.prepare(`insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value`);
  sqlite.transaction(() => {
    if (rebuild) {
      sqlite.exec(`insert into ticket_fts_bi (ticket_fts_bi) values ('delete-all');
        insert into ticket_fts_uni (ticket_fts_uni) values ('delete-all');
        insert into ticket_fts_bi_fresh (ticket_fts_bi_fresh) values ('delete-all');
        insert into ticket_fts_uni_fresh (ticket_fts_uni_fresh) values ('delete-all');
        delete from ticket_fts_fresh;
        delete from ticket_search_docs;`);
    }
    setVersion.run(META_VERSION_KEY, String(TOKENIZER_VERSION));
  })();
  const total = rebuild ? status.tickets : (sqlite.prepare(`select count(*) from tickets t
    where not exists (select 1 from ticket_search_docs d where d.ticket_id = t.id)`).pluck().get() as number);
  const result: ReindexResult = { indexed: 0, total, rebuilt: rebuild, cancelled: false, ms: 0 };
  const indexer = createSqliteIndexer(sqlite);
  const batchSize = opts.batchSize ?? 1000;
  const sliceMs = opts.sliceMs ?? BACKGROUND_SLICE_MS;
  // Start small and let the measured cost per ticket set the size; a fixed size without a budget.
  let size = Number.isFinite(sliceMs) ? Math.min(batchSize, 16) : batchSize;
  const next = sqlite.prepare(`select t.rowid as r, t.id, t.created_at, t.title, t.content, t.number, t.address, t.caller_name, t.phone, t.confidential from tickets t
    where t.rowid > ? and not exists (select 1 from ticket_search_docs d where d.ticket_id = t.id)
    order by t.rowid limit ?`);
  const runBatch = sqlite.transaction((rows: (IndexableTicket & { r: number })[]) => {
    for (const row of rows) indexer.index(row, true);
  });
  let after = 0;
  // A larger page cache keeps FTS5's segment merges in memory during bulk indexing.
  const previousCache = sqlite.pragma('cache_size', { simple: true }) as number;
  sqlite.pragma('cache_size = -131072');
  try {
    for (;;) {
      if (opts.signal?.aborted) {
        result.cancelled = true;
        break;
      }
      const t0 = performance.now();
      const rows = next.all(after, size) as (IndexableTicket & { r: number })[];
      if (!rows.length) break;
      // BEGIN IMMEDIATE: a deferred transaction that reads before it writes fails at once (SQLITE_BUSY,
      // no busy wait) when the background checkpointer reset the WAL in between, and small batches meet that.
      runBatch.immediate(rows);
      // At least 16 tickets (about 2 ms on an idle machine): on a busy one a batch's wall time counts time
      // the thread was not even running, and batches of one ticket spent more on commits than on indexing.
      size = nextBatchSize({ size: rows.length, ms: performance.now() - t0 }, sliceMs, Math.min(16, batchSize), batchSize);
      after = rows[rows.length - 1]!.r;
      result.indexed += rows.length;
      opts.onProgress?.(Math.min(result.indexed, total), total);
      await nextTurn();
    }
    if (!result.cancelled) result.cancelled = !(await fillPlain(sqlite, opts.signal, sliceMs, batchSize));
  } finally {
    sqlite.pragma(`cache_size = ${previousCache}`);
  }
  result.ms = performance.now() - started;
  return result;
}

/**
 * Sets `plain` (migration 0031) on the documents written before it, in batches sized like
 * reindexAll's, one transaction each; false when `signal` stopped it (a later call continues).
 * Until a document has it, searches check its text in JS, as before.
 */
async function fillPlain(sqlite: Database.Database, signal: AbortSignal | undefined, sliceMs: number, batchSize: number): Promise<boolean> {
  const next = sqlite.prepare(`select d.doc_id, t.title, t.content, t.number, t.address, t.caller_name
    from ticket_search_docs d indexed by ticket_search_docs_plain_unknown join tickets t on t.id = d.ticket_id
    where d.plain is null and d.doc_id > ? order by d.doc_id limit ?`);
  const set = sqlite.prepare('update ticket_search_docs set plain = ? where doc_id = ?');
  type Row = Parameters<typeof plainOf>[0] & { doc_id: number };
  const write = sqlite.transaction((rows: Row[]) => {
    for (const r of rows) set.run(plainOf(r), r.doc_id);
  });
  let size = Number.isFinite(sliceMs) ? Math.min(batchSize, 64) : batchSize;
  let after = -1;
  for (;;) {
    if (signal?.aborted) return false;
    const t0 = performance.now();
    const rows = next.all(after, size) as Row[];
    if (!rows.length) return true;
    write.immediate(rows);
    size = nextBatchSize({ size: rows.length, ms: performance.now() - t0 }, sliceMs, Math.min(64, batchSize), batchSize * 4);
    after = rows[rows.length - 1]!.doc_id;
    await nextTurn();
  }
}

/** Status on either store (PostgreSQL: documents written before migration 0016 have no tsvector yet). */
export async function searchIndexStatusOf(store: Store): Promise<SearchIndexStatus> {
  if (store.sqlite) return searchIndexStatus(store.sqlite);
  const db = store.db;
  const n = (q: { n: number | string } | undefined) => Number(q?.n ?? 0);
  const tickets = n(await db.selectFrom('tickets').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirst());
  const indexed = n(await db.selectFrom('ticket_search_docs').select((e) => e.fn.countAll<number>().as('n')).where('tsv', 'is not', null).executeTakeFirst());
  const v = await db.selectFrom('meta').select('value').where('key', '=', META_VERSION_KEY).executeTakeFirst();
  const tokenizerVersion = v === undefined ? null : Number(v.value);
  const versionOk = tokenizerVersion === TOKENIZER_VERSION || (tokenizerVersion === null && indexed === 0);
  // Documents from before migration 0032 without their division lexemes (fillDivisionLexemes).
  const divisions = await divisionLexemesReady(db);
  return { tickets, indexed, tokenizerVersion, upToDate: versionOk && indexed === tickets && divisions };
}

/** reindexAll on PostgreSQL: the same batches over Kysely, each batch one transaction through indexTicket. */
async function reindexPostgres(store: Store, opts: ReindexOptions): Promise<ReindexResult> {
  const started = performance.now();
  const db = store.db;
  const status = await searchIndexStatusOf(store);
  const rebuild = opts.rebuild === true || ((opts.rebuild ?? 'auto') === 'auto'
    && status.tokenizerVersion !== null && status.tokenizerVersion !== TOKENIZER_VERSION);
  await db.transaction().execute(async (trx) => {
    if (rebuild) await trx.deleteFrom('ticket_search_docs').execute();
    await trx.insertInto('meta').values({ key: META_VERSION_KEY, value: String(TOKENIZER_VERSION) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(TOKENIZER_VERSION) })).execute();
  });
  // Tickets with no document, or with one written before migration 0016 (no tsvector).
  const missing = () => db.selectFrom('tickets as t')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('ticket_search_docs as d').select('d.doc_id')
      .whereRef('d.ticket_id', '=', 't.id').where('d.tsv', 'is not', null))));
  const total = Number((await missing().select((e) => e.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const result: ReindexResult = { indexed: 0, total, rebuilt: rebuild, cancelled: false, ms: 0 };
  const batchSize = opts.batchSize ?? 1000;
  let after = '';
  for (;;) {
    if (opts.signal?.aborted) {
      result.cancelled = true;
      break;
    }
    const rows = await missing().select(['t.id', 't.created_at', 't.title', 't.content', 't.number', 't.address', 't.caller_name', 't.phone', 't.confidential'])
      .where('t.id', '>', after).orderBy('t.id').limit(batchSize).execute();
    if (!rows.length) break;
    await indexBatchPostgres(db, rows, opts.sliceMs ?? BACKGROUND_SLICE_MS);
    after = rows[rows.length - 1]!.id;
    result.indexed += rows.length;
    opts.onProgress?.(Math.min(result.indexed, total), total);
  }
  // Fresh statistics on the new lexemes (the planner picks between the GIN index and reading
  // documents newest-first by how common the query's tokens are) and a visibility map, so the
  // first searches after a bulk load do not each pay for checking freshly written rows.
  if (result.indexed > 0) await sql`vacuum (analyze) ticket_search_docs`.execute(db);
  // After the documents: a document indexed above already has its division lexemes. The fill's
  // rewritten rows are left to autovacuum (at 1M documents a VACUUM of them outlasts the statement timeout).
  if (!result.cancelled) result.cancelled = !(await fillDivisionLexemes(db, opts.signal, batchSize)).done;
  result.ms = performance.now() - started;
  return result;
}

/**
 * Gives the documents written before migration 0032 their division lexemes: rewriting a document's
 * tsvector fires the trigger that appends them (appending them twice changes nothing, so documents
 * written since are passed over harmlessly). Batches by key, one transaction each, the last key
 * done kept in meta so that a cancelled or crashed fill continues where it stopped; 'done' at the
 * end, and from then on searches put the district and street into the index lookup.
 */
export async function fillDivisionLexemes(db: Kysely<DB>, signal: AbortSignal | undefined, batchSize = 1000): Promise<{ done: boolean; filled: number }> {
  const state = await db.selectFrom('meta').select('value').where('key', '=', FILTER_LEXEMES_META_KEY).executeTakeFirst();
  if (state?.value === 'done') return { done: true, filled: 0 };
  let after = state ? Number(state.value) : -1;
  if (!Number.isFinite(after)) after = -1;
  let filled = 0;
  const save = (trx: Kysely<DB>, value: string) => trx.insertInto('meta').values({ key: FILTER_LEXEMES_META_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  for (;;) {
    if (signal?.aborted) return { done: false, filled };
    const last = await db.transaction().execute(async (trx) => {
      // One statement: the batch's keys read once, rewritten, and the last of them returned.
      const batch = await sql<{ m: string | number | null; n: string | number }>`with b as (select doc_id from ticket_search_docs
          where doc_id > ${after} order by doc_id limit ${batchSize}),
        u as (update ticket_search_docs set tsv = tsv where doc_id in (select doc_id from b) and tsv is not null returning 1)
        select (select max(doc_id) from b) as m, (select count(*) from u) as n`.execute(trx);
      const m = batch.rows[0]?.m;
      filled += Number(batch.rows[0]?.n ?? 0);
      await save(trx, m == null ? 'done' : String(m));
      return m == null ? null : Number(m);
    });
    if (last === null) return { done: true, filled };
    after = last;
    await nextTurn();
  }
}

/**
 * One batch in one statement (a round trip per ticket made a 100k reindex take minutes). A document
 * key taken already (the sequence wrapped within one second) fails the statement; the batch is
 * then written ticket by ticket, where indexTicket draws another number.
 */
async function indexBatchPostgres(db: Kysely<DB>, rows: IndexableTicket[], sliceMs: number): Promise<void> {
  const bases = rows.map((r) => docKeyBase(r.created_at));
  const ids = rows.map((r) => r.id);
  // Tokenizing a batch is the CPU work on this thread (~0.1 ms a ticket): in slices, so that calls
  // and requests get the thread between them; the batch is still written in one statement.
  const slicer = timeSlicer(sliceMs);
  const tsvs: string[] = [];
  const bodies: string[] = [];
  const names: (string | null)[] = [];
  for (const r of rows) {
    if (slicer.due()) await slicer.yieldNow();
    const text = ticketText(r);
    tsvs.push(tsvectorLiteral(tokenizeTicket(text)));
    const { body, privateName } = searchText(text);
    bodies.push(body);
    names.push(privateName);
  }
  try {
    await db.transaction().execute(async (trx) => {
      await sql`insert into ticket_search_docs (doc_id, ticket_id, tsv, body, private_name)
        select u.base + nextval('ticket_search_doc_seq') % ${SLOTS_PER_SECOND}, u.id, u.tsv::tsvector, u.body, u.private_name
        from unnest(${bases}::bigint[], ${ids}::text[], ${tsvs}::text[], ${bodies}::text[], ${names}::text[]) as u(base, id, tsv, body, private_name)
        on conflict (ticket_id) do update set tsv = excluded.tsv, body = excluded.body, private_name = excluded.private_name, uni = null, bi = null`.execute(trx);
    });
  } catch {
    await db.transaction().execute(async (trx) => {
      for (const row of rows) await indexTicket(trx, row, { dialect: 'postgres' });
    });
  }
}

/** What to call after `loadDemoData` (which writes tickets in bulk, bypassing indexTicket). */
export function indexDemoData(store: Store, opts: Omit<ReindexOptions, 'rebuild'> = {}): Promise<ReindexResult> {
  return reindexAll(store, { ...opts, rebuild: false });
}

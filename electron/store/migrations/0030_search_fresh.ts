import { sql } from 'kysely';
import type { Migration } from './types';

/**
 * SQLite: a small "fresh" search index beside the main one (issue 11, intake save p99 at 1M).
 *
 * FTS5 is a log-structured index: every transaction that writes it adds a segment, and FTS5's
 * automerge merges segments inside the commit of about one save in 40 (hundreds of pages for an
 * index of 1M tickets, 20–50 ms). A save now writes its tokens into `ticket_fts_bi_fresh` and
 * `ticket_fts_uni_fresh` (the same definitions as migration 0005's tables), whose merges are small
 * because they hold only the tickets saved since the last fold; `ticket_fts_fresh` lists those
 * documents. In the background, indexer.ts `foldFreshIndex` moves them into the main tables many at
 * a time, and a search reads both (sqlite-search.ts). A document is in exactly one of the two.
 *
 * PostgreSQL: nothing (its tsvector index has no such segments; the names are SQLite's `ticket_fts_`
 * structures, which the PostgreSQL schema leaves out by design).
 */
export const migration0030searchFresh: Migration = {
  version: 30,
  name: 'search_fresh',
  async up(db, dialect) {
    if (dialect !== 'sqlite') return;
    await sql`create virtual table ticket_fts_bi_fresh using fts5(bi, content='', contentless_delete=1, tokenize='ascii', detail=full)`.execute(db);
    await sql`create virtual table ticket_fts_uni_fresh using fts5(uni, content='', contentless_delete=1, tokenize='ascii', detail=none)`.execute(db);
    await sql`create table ticket_fts_fresh (doc_id integer primary key references ticket_search_docs (doc_id)) strict`.execute(db);
  },
};

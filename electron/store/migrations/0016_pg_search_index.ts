import { sql } from 'kysely';
import type { Migration } from './types';

/**
 * The PostgreSQL side of ticket full-text search (issue 11, SearchIndex port); SQLite keeps its
 * FTS5 tables of 0005 and gets nothing here.
 *
 * `tsv` holds the same tokens as the FTS5 tables (electron/search/tokenize.ts: character bigrams
 * with positions, runs separated by a skipped position; unigrams marked with a leading '.'), written
 * by the indexer as a tsvector literal, so PostgreSQL's text-search parser (which in this store's C
 * locale does not see CJK characters as letters) is never involved. A GIN index answers
 * `tsv @@ '路灯 <-> 灯不'::tsquery`; the recheck on the row applies the phrase positions.
 *
 * `ticket_search_doc_seq` makes document keys unique under concurrent writers (two intakes in the same
 * second both read the same max(doc_id) on PostgreSQL); see indexer.ts.
 */
export const migration0016pgSearchIndex: Migration = {
  version: 16,
  name: 'pg_search_index',
  async up(db, dialect) {
    if (dialect !== 'postgres') return;
    await sql`alter table ticket_search_docs add column tsv tsvector`.execute(db);
    // Kept in the row (compressed) rather than in TOAST: a phrase query rechecks each candidate's
    // positions, and a TOAST fetch per candidate made counting 2-3x slower (5k tickets: 7.9 → 2.4 ms);
    // the planner also sees the real size of the table and prefers the GIN index to a scan.
    await sql`alter table ticket_search_docs alter column tsv set storage main`.execute(db);
    await sql`create index ticket_search_docs_tsv on ticket_search_docs using gin (tsv)`.execute(db);
    await sql`create sequence ticket_search_doc_seq`.execute(db);
  },
};

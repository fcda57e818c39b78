import { sql } from 'kysely';
import type { Migration } from './types';
import { strict } from './ddl';

/**
 * Full-text search over ticket title + content (see electron/search/tokenize.ts for why the tokens
 * are character unigrams and bigrams).
 *
 * `ticket_search_docs` maps a ticket to its document key. The key is derived from created_at
 * (seconds × 2^19 + a sequence number), so the FTS rowid order IS newest-first order: a search
 * reads the FTS index backwards and stops after `limit` rows instead of sorting every match. It is an
 * explicit INTEGER PRIMARY KEY because tickets' implicit rowid may be renumbered by VACUUM.
 *
 * SQLite: two contentless FTS5 tables keyed by doc_id — `ticket_fts_bi` (bigram phrases, positions
 * kept: detail=full) and `ticket_fts_uni` (character presence only: detail=none, for 1-character
 * queries). Contentless because the text already lives in `tickets`; contentless_delete=1 lets an
 * edited ticket be re-indexed. The token strings are made in JS, so SQLite triggers cannot keep
 * the index in step; electron/store/search/indexer.ts writes it in the same transaction as the ticket.
 *
 * PostgreSQL: no FTS5 (the virtual tables are SQLite-only and skipped); `uni` and `bi` hold the
 * token strings, written by indexTicket, with no index over them yet: ticket search does not run
 * on PostgreSQL (createTicketSearch refuses a store without SQLite).
 * TODO(pg, SearchIndex port of issue 11): a later numbered migration creates the PostgreSQL index,
 *           e.g. gin (to_tsvector('simple', bi)) and the same for uni, queried with
 *           `to_tsquery('simple', 'b1 <-> b2')` (see tokenize.ts); this file stays as it is.
 */
export const migration0005search: Migration = {
  version: 5,
  name: 'search',
  async up(db, dialect) {
    await strict(db.schema.createTable('ticket_search_docs')
      .addColumn('doc_id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.primaryKey())
      .addColumn('ticket_id', 'text', (c) => c.notNull().unique().references('tickets.id'))
      // PostgreSQL only; null on SQLite, where the FTS5 tables hold the index.
      .addColumn('uni', 'text')
      .addColumn('bi', 'text'), dialect).execute();
    if (dialect === 'sqlite') {
      await sql`create virtual table ticket_fts_bi using fts5(bi, content='', contentless_delete=1, tokenize='ascii', detail=full)`.execute(db);
      await sql`create virtual table ticket_fts_uni using fts5(uni, content='', contentless_delete=1, tokenize='ascii', detail=none)`.execute(db);
    }
  },
};

import { sql } from 'kysely';
import type { Migration } from './types';

/**
 * PostgreSQL search (pg-search.ts): the normalised text a search term with punctuation or a lone
 * character ("12#楼", "年，") is checked against, kept beside the tsvector. Normalising in SQL per
 * candidate (lower(normalize(…, NFKC)) over five columns) cost ~50 µs a row: 2.5 s to check 50k
 * candidates, against 0.15 s for strpos on stored text.
 *
 * `body`: title, content, number, address and (not confidential) caller name, each normalised by
 * normalizeText (tokenize.ts) and joined by '\n' (a term never holds white space, so no match
 * straddles two fields); `private_name`: a confidential ticket's caller name, normalised, for the
 * readers who may see it. Null on documents written before this migration: the search then
 * normalises in SQL as before, until a re-index or the ticket's next write fills them.
 *
 * With the stored text, a search no longer reads the tsvector (0016 kept it in the row for phrase
 * rechecks): it goes back to TOAST (storage extended, for documents written from now on), so the
 * rows a GIN bitmap visits are small and many to a page (a 3.8 kB tsvector in the row made it about
 * two documents a page, and a count of 1000 hits read 1000 pages).
 *
 * SQLite: nothing (its FTS5 engine checks substrings in a JS function on the row).
 */
export const migration0018pgSearchText: Migration = {
  version: 18,
  name: 'pg_search_text',
  async up(db, dialect) {
    if (dialect !== 'postgres') return;
    await sql`alter table ticket_search_docs add column body text, add column private_name text`.execute(db);
    await sql`alter table ticket_search_docs alter column tsv set storage extended`.execute(db);
  },
};

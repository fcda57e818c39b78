import { sql } from 'kysely';
import { createIndex } from './ddl';
import type { Migration } from './types';

/**
 * Searches that start from the filtered tickets (issue 11: every filter mix answers top 50 in p99
 * ≤ 100 ms at 1M tickets).
 *
 * Both stores: two ticket indexes for the filter mixes agents use most, so that the filtered
 * tickets are read from one index instead of one filter's index and a check of the other on every
 * row (SQLite), or a BitmapAnd with a second index of 200,000 entries (PostgreSQL: 35 ms of a
 * 70 ms search): a district and a status (`tickets_district_status`, which also serves the district
 * alone and the division foreign key, so it replaces `tickets_district`), and a status and a time
 * (`tickets_status_created`: the open tickets of the last 30 days).
 *
 * SQLite: `ticket_search_docs.plain`. A search that starts from the filtered tickets checks its
 * text on each of them, and that check ran in JS (NFKC and lower case on every field, ~15 µs a row,
 * most of it the fields crossing into JS): 2,800 open tickets of one district took ~45 ms, twice.
 * `plain` says when SQLite's instr on the raw fields gives the same answer (indexer.ts plainOf):
 *  - 1: no field holds a character that normalises into an ideograph (a Kangxi radical, a
 *    compatibility ideograph, ㊀ …; tokenize.ts rawFindsIdeographs): a term of ideographs is in the
 *    normalised text exactly where it is in the raw text;
 *  - 2: moreover every field normalises character by character (no ㎡ → "m2", no composing marks;
 *    normalisesCharByChar): a term with punctuation is in the normalised text exactly where one of
 *    its few raw spellings is in the raw text ("年," as "年," "年，" "年﹐" "年︐"; rawSpellings);
 *  - 0: neither, the JS check runs;
 *  - NULL: a document written before this migration; reindexAll fills it in the background (the
 *    partial index finds them), and until then the JS check runs.
 *
 * PostgreSQL has no `plain`: its documents store their normalised text (migration 0018).
 */
export const migration0031searchFilterMixes: Migration = {
  version: 31,
  name: 'search_filter_mixes',
  async up(db, dialect) {
    await createIndex(db, 'tickets_district_status', 'tickets', ['district_code', 'status']);
    await db.schema.dropIndex('tickets_district').execute();
    await createIndex(db, 'tickets_status_created', 'tickets', ['status', 'created_at']);
    if (dialect !== 'sqlite') return;
    await sql`alter table ticket_search_docs add column plain integer`.execute(db);
    await sql`create index ticket_search_docs_plain_unknown on ticket_search_docs (doc_id) where plain is null`.execute(db);
  },
};

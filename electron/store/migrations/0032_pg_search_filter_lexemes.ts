import { sql } from 'kysely';
import type { Migration } from './types';

/**
 * PostgreSQL: a ticket's district and street as lexemes of its search document's tsvector
 * (`=d<code>`, `=s<code>`; pg-search.ts FILTER_LEXEME), so that the GIN index intersects a text
 * with a district itself (issue 11: every filter mix answers top 50 in p99 ≤ 100 ms at 1M tickets).
 *
 * Why: "山区" with a district and the closed states. The term is in 148,819 tickets (mostly of the
 * mountain districts), the district and the states select 177,161, and almost none do both. Started
 * from either side, PostgreSQL read ~150,000 rows to find that out (0.9–12 s). With the district in
 * the index, `'山区' & '=d110105'` is answered from the two posting lists.
 *
 * Kept by the database, not by the indexer: a BEFORE trigger on ticket_search_docs appends the
 * lexemes of the ticket's division whenever a tsvector is written (by indexTicket, a reindex batch
 * or the fill below), and an AFTER trigger on tickets rewrites them when a ticket's district or street
 * changes. tsvector concatenation keeps one copy of a lexeme, so writing them twice changes nothing.
 *
 * Documents written before this migration get them from `fillFilterLexemes` (indexer.ts) in the
 * background; until it has finished (meta `search_filter_lexemes` = 'done'), searches do not use them.
 * A store with no documents yet is done at once.
 *
 * SQLite: nothing (its filters-first plan answers this case in 0.3 s, and its p99 is within budget).
 */
export const FILTER_LEXEMES_META_KEY = 'search_filter_lexemes';

export const migration0032pgSearchFilterLexemes: Migration = {
  version: 32,
  name: 'pg_search_filter_lexemes',
  async up(db, dialect) {
    if (dialect !== 'postgres') return;
    await sql`create or replace function ticket_filter_lexemes(district text, street text) returns tsvector
      language sql immutable parallel safe
      as $$ select array_to_tsvector(array_remove(array['=d' || district, '=s' || street], null)) $$`.execute(db);
    await sql`create or replace function ticket_search_docs_filter_lexemes() returns trigger language plpgsql as $$
      begin
        if new.tsv is not null then
          new.tsv := new.tsv || coalesce((select ticket_filter_lexemes(t.district_code, t.street_code) from tickets t where t.id = new.ticket_id), ''::tsvector);
        end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger ticket_search_docs_filter_lexemes before insert or update of tsv on ticket_search_docs
      for each row execute function ticket_search_docs_filter_lexemes()`.execute(db);
    await sql`create or replace function tickets_division_changed() returns trigger language plpgsql as $$
      begin
        update ticket_search_docs set tsv = ts_delete(tsv, array_remove(array['=d' || old.district_code, '=s' || old.street_code], null))
          where ticket_id = new.id and tsv is not null;
        return null;
      end $$`.execute(db);
    await sql`create trigger tickets_division_changed after update of district_code, street_code on tickets
      for each row when (old.district_code is distinct from new.district_code or old.street_code is distinct from new.street_code)
      execute function tickets_division_changed()`.execute(db);
    const docs = await sql<{ any: boolean }>`select exists (select 1 from ticket_search_docs where tsv is not null) as any`.execute(db);
    if (!docs.rows[0]?.any) {
      await sql`insert into meta (key, value) values (${FILTER_LEXEMES_META_KEY}, 'done')
        on conflict (key) do update set value = excluded.value`.execute(db);
    }
  },
};

import type { Kysely } from 'kysely';
import type { DB } from '../store/schema';
import type { Store } from '../store/sqlite';
import { indexTicket, reindexAll, removeTicketFromIndex, searchIndexStatusOf, type IndexableTicket, type ReindexOptions, type ReindexResult, type SearchIndexStatus } from './indexer';
import { createPostgresSearchEngine, type PgSearchOptions } from './pg-search';
import type { SearchCallOptions } from './search-client';
import { createTicketSearchSqlite, type TicketSearchOptions } from './search-service';
import type { SearchInput, SearchResult } from './query';

/**
 * The ticket full-text search PORT (issue 11): what intake, imports and `tickets.search` need of an
 * index, whatever store is behind it. Two implementations, chosen by the composition root from the
 * store it opened (`createSearchIndex`):
 * - 'sqlite-fts5': FTS5 tables over CJK unigrams + bigrams, searched in a worker thread (single seat);
 * - 'postgres-tsvector': the same tokens in a GIN-indexed tsvector (center store, pg-search.ts).
 * Both give the same answers to the same `SearchInput` (tests: electron/search/search.test.ts and
 * test/store/search-both.test.ts check recall 1.0 against substring matching on each).
 */
export interface SearchIndex {
  readonly kind: 'sqlite-fts5' | 'postgres-tsvector';
  /** Indexes or re-indexes one ticket; pass the transaction that writes the ticket. */
  index(db: Kysely<DB>, ticket: IndexableTicket): Promise<void>;
  /** Drops a ticket's document; call before deleting the ticket row. */
  remove(db: Kysely<DB>, ticketId: string): Promise<void>;
  search(input: SearchInput, call?: SearchCallOptions): Promise<SearchResult>;
  status(): Promise<SearchIndexStatus>;
  /** Indexes tickets written in bulk (demo data, old stores); see reindexAll. */
  reindex(opts?: ReindexOptions): Promise<ReindexResult>;
  close(): Promise<void>;
}

export interface SearchIndexOptions extends TicketSearchOptions, PgSearchOptions {}

export function createSearchIndex(store: Store, opts: SearchIndexOptions = {}): SearchIndex {
  const common = {
    index: (db: Kysely<DB>, t: IndexableTicket) => indexTicket(db, t, { dialect: store.dialect }),
    remove: (db: Kysely<DB>, id: string) => removeTicketFromIndex(db, id, { dialect: store.dialect }),
    status: () => searchIndexStatusOf(store),
    reindex: (o?: ReindexOptions) => reindexAll(store, o),
  };
  if (!store.sqlite) {
    const engine = createPostgresSearchEngine(store.db, opts);
    return { kind: 'postgres-tsvector', ...common, search: (input) => engine.search(input), close: async () => {} };
  }
  const { now: _now, ...sqliteOpts } = opts;
  const s = createTicketSearchSqlite(store, sqliteOpts);
  return { kind: 'sqlite-fts5', ...common, search: (input, call) => s.searchTickets(input, call), close: () => s.close() };
}

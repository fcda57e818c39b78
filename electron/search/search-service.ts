import type Database from 'better-sqlite3';
import type { Store } from '../store/sqlite';
import { SearchClient, type SearchCallOptions, type SearchClientOptions } from './search-client';
import { createSearchEngine, type SearchEngine, type SearchEngineOptions } from './search-engine';
import type { SearchInput, SearchResult } from './query';
import { createPostgresSearchEngine } from './pg-search';

/**
 * The ticket search the rest of main calls. With a file-backed SQLite store it searches in a worker
 * thread (better-sqlite3 is synchronous; a search over a million tickets must not stall SIP timers
 * or IPC); an in-memory store or `inProcess: true` searches on the calling thread.
 */
export interface TicketSearch {
  searchTickets(input: SearchInput, call?: SearchCallOptions): Promise<SearchResult>;
  close(): Promise<void>;
}

export interface TicketSearchOptions extends Omit<SearchClientOptions, 'file'> {
  /** Search on the calling thread (tests, tiny stores). @default false */
  inProcess?: boolean;
}

const engines = new WeakMap<Database.Database, SearchEngine>();

/** In-process search on one connection (the engine is created once per connection). */
export function searchTicketsInProcess(sqlite: Database.Database, input: SearchInput, opts: SearchEngineOptions = {}): SearchResult {
  let e = engines.get(sqlite);
  if (!e) {
    e = createSearchEngine(sqlite, opts);
    engines.set(sqlite, e);
  }
  return e.search(input);
}

/** Ticket search on either store: SQLite FTS5 (worker or in-process) or PostgreSQL's tsvector index (pg-search.ts). */
export function createTicketSearch(store: Store, opts: TicketSearchOptions = {}): TicketSearch {
  if (!store.sqlite) {
    const engine = createPostgresSearchEngine(store.db);
    return { searchTickets: (input) => engine.search(input), close: async () => {} };
  }
  return createTicketSearchSqlite(store, opts);
}

/** The SQLite implementation: a worker thread over the store's file, or in-process for memory stores and tests. */
export function createTicketSearchSqlite(store: Store, opts: TicketSearchOptions = {}): TicketSearch {
  const sqlite = store.sqlite;
  if (!sqlite) throw new Error('createTicketSearchSqlite: the store is not SQLite');
  if (opts.inProcess || sqlite.memory) {
    return {
      searchTickets: async (input) => searchTicketsInProcess(sqlite, input),
      close: async () => {},
    };
  }
  const { inProcess: _ignored, ...clientOpts } = opts;
  const client = new SearchClient({ ...clientOpts, file: sqlite.name });
  return { searchTickets: (input, call) => client.search(input, call), close: () => client.close() };
}

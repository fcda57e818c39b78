import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { DB } from '../schema';
import type { Store } from '../sqlite';
import { SearchClient, type SearchClientOptions } from '../../search/search-client';
import type { SearchInput, SearchResult } from '../../search/query';
import type { IndexableTicket, ReindexOptions, SearchIndex, TicketSearch } from '../../search/search-index';
import { createSearchEngine, type SearchEngine, type SearchEngineOptions } from './sqlite-search';
import { createPostgresSearchEngine, type PgSearchOptions } from './pg-search';
import { indexTicket, reindexAll, removeTicketFromIndex, searchIndexStatusOf } from './indexer';
import { FreshIndexFolder, type FreshFolderOptions } from './fold';

/**
 * The adapters behind the SearchIndex port (electron/search/search-index.ts), chosen by the store:
 * SQLite FTS5 (worker thread or in-process) or PostgreSQL's tsvector index (pg-search.ts).
 */

export interface TicketSearchOptions extends Omit<SearchClientOptions, 'file' | 'workerUrl'> {
  /** Search on the calling thread (tests, tiny stores). @default false */
  inProcess?: boolean;
  /** The worker script. @default searchWorkerLocation() */
  workerUrl?: URL;
  /** SQLite: when saves' documents move from the fresh index into the main one (fold.ts); false: never (tests). */
  fold?: FreshFolderOptions | false;
}

export interface SearchIndexOptions extends TicketSearchOptions, PgSearchOptions {}

/**
 * The SQLite search worker (./worker.ts): beside this file when running from TS sources (vitest,
 * tsx), `search-worker.js` beside the bundle (dist/electron/main.js, host.js, server.js) otherwise;
 * build/bundle-main.mjs writes it there.
 */
export function searchWorkerLocation(): URL {
  const here = import.meta.url;
  return /\.[cm]?ts$/.test(new URL(here).pathname) ? new URL('./worker.ts', here) : new URL('./search-worker.js', here);
}

function searchPoolOf(store: Store): pg.Pool {
  if (!store.searchPool) throw new Error('a PostgreSQL store without its search pool (open it with openPostgresStore)');
  return store.searchPool;
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
    const engine = createPostgresSearchEngine(store.db, searchPoolOf(store), opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {});
    return { searchTickets: (input, call) => engine.search(input, call), close: async () => {} };
  }
  return createTicketSearchSqlite(store, opts);
}

/** The SQLite implementation: a worker thread over the store's file, or in-process for memory stores and tests. */
export function createTicketSearchSqlite(store: Store, opts: TicketSearchOptions = {}): TicketSearch {
  const sqlite = store.sqlite;
  if (!sqlite) throw new Error('createTicketSearchSqlite: the store is not SQLite');
  // Saves write a small fresh index; this moves it into the main one in the background (fold.ts).
  const folder = opts.fold === false ? null : new FreshIndexFolder(sqlite, opts.fold);
  if (opts.inProcess || sqlite.memory) {
    return {
      searchTickets: async (input) => searchTicketsInProcess(sqlite, input),
      close: async () => { await folder?.close(); },
    };
  }
  const { inProcess: _ignored, workerUrl, fold: _fold, ...clientOpts } = opts;
  const client = new SearchClient({ ...clientOpts, file: sqlite.name, workerUrl: workerUrl ?? searchWorkerLocation() });
  return { searchTickets: (input, call) => client.search(input, call), close: async () => { await folder?.close(); await client.close(); } };
}

export function createSearchIndex(store: Store, opts: SearchIndexOptions = {}): SearchIndex {
  const common = {
    index: (db: Kysely<DB>, t: IndexableTicket) => indexTicket(db, t, { dialect: store.dialect }),
    remove: (db: Kysely<DB>, id: string) => removeTicketFromIndex(db, id, { dialect: store.dialect }),
    status: () => searchIndexStatusOf(store),
    reindex: (o?: ReindexOptions) => reindexAll(store, o),
  };
  if (!store.sqlite) {
    const engine = createPostgresSearchEngine(store.db, searchPoolOf(store), opts);
    return { kind: 'postgres-tsvector', ...common, search: (input, call) => engine.search(input, call), close: async () => {} };
  }
  const { now: _now, ...sqliteOpts } = opts;
  const s = createTicketSearchSqlite(store, sqliteOpts);
  return { kind: 'sqlite-fts5', ...common, search: (input, call) => s.searchTickets(input, call), close: () => s.close() };
}

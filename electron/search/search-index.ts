import type { Kysely } from 'kysely';
import type { DB } from '../store/schema';
import type { SearchCallOptions } from './search-client';
import type { SearchInput, SearchResult } from './query';

/**
 * The ticket full-text search PORT (issue 11): what intake, imports and `tickets.search` need of an
 * index, whatever store is behind it. Two adapters in electron/store/search, chosen by the
 * composition root from the store it opened (`createSearchIndex`):
 * - 'sqlite-fts5': FTS5 tables over CJK unigrams + bigrams, searched in a worker thread (single seat);
 * - 'postgres-tsvector': the same tokens in a GIN-indexed tsvector (center store, pg-search.ts).
 * Both give the same answers to the same `SearchInput` (tests: electron/store/search/search.test.ts and
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

/**
 * The search half of the port, which handlers call. With a file-backed SQLite store it searches in a
 * worker thread (better-sqlite3 is synchronous; a search over a million tickets must not stall SIP
 * timers or IPC); an in-memory store or `inProcess: true` searches on the calling thread.
 */
export interface TicketSearch {
  searchTickets(input: SearchInput, call?: SearchCallOptions): Promise<SearchResult>;
  close(): Promise<void>;
}

/** What the index needs of a ticket. */
export interface IndexableTicket {
  id: string;
  created_at: string;
  title: string;
  content: string;
  number?: string | null;
  address?: string | null;
  caller_name?: string | null;
  phone?: string | null;
  confidential?: number | boolean | null;
}

export interface ReindexOptions {
  /** Called after each committed batch. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Most tickets per transaction: each batch blocks the thread it runs on. @default 1000 */
  batchSize?: number;
  /**
   * How long one batch may hold the thread (SQLite): the batch size adapts to the measured cost per
   * ticket so that a batch takes about this long. On main's thread this is the delay an incoming
   * SIP message or a request can meet while the index is rebuilt in the background; Infinity keeps
   * whole batchSize batches (the fastest rebuild, for maintenance). @default BACKGROUND_SLICE_MS (4)
   */
  sliceMs?: number;
  /**
   * 'auto' (default) drops and rebuilds the index only when it was built by another tokenizer
   * version; true always rebuilds; false only adds tickets that are missing.
   */
  rebuild?: boolean | 'auto';
}

export interface ReindexResult {
  /** Tickets indexed by this call. */
  indexed: number;
  /** Tickets that had to be indexed when the call started. */
  total: number;
  rebuilt: boolean;
  cancelled: boolean;
  ms: number;
}

export interface SearchIndexStatus {
  tickets: number;
  indexed: number;
  tokenizerVersion: number | null;
  /** False when a tokenizer change, unindexed tickets or documents from before migration 0031 (SQLite) call for `reindexAll`. */
  upToDate: boolean;
}

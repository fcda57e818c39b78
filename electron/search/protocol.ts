import type { SearchErrorCode, SearchInput, SearchResult } from './query';

/**
 * Messages between SearchClient (main thread) and the search worker. Plain data only (structured
 * clone). Cancellation does not travel as a message — a message would wait behind the running
 * search — but through a SharedArrayBuffer the worker polls between result rows.
 */
export interface WorkerInit {
  /** The store's database file (WAL); the worker opens it read-only. */
  file: string;
  /** better-sqlite3 addon for this runtime (Electron has its own ABI). */
  nativeBinding?: string;
  /** Int32Array(1): the id of the request the client wants abandoned. */
  cancel: SharedArrayBuffer;
}

export type ToWorker = { type: 'search'; id: number; input: SearchInput };

export interface WireError {
  code: SearchErrorCode;
  message: string;
  details: Record<string, unknown>;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: SearchResult }
  | { type: 'error'; id: number; error: WireError }
  /** The worker could not open the store; it exits after sending this. */
  | { type: 'fatal'; message: string };

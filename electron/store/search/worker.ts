/**
 * Search worker entry: a worker_threads Worker with its own read-only connection to the store's
 * WAL file, so a search never blocks the main thread's event loop (SIP timers, IPC).
 * Production: bundled by build/bundle-main.mjs to dist/electron/search-worker.js.
 * Tests: loaded from this TS source through tsx (`execArgv: ['--import', 'tsx']`).
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit } from '../../search/protocol';
import { SearchError } from '../../search/query';
import { createSearchEngine } from './sqlite-search';

const port = parentPort;
if (!port) throw new Error('search worker must run in a worker thread');
const init = workerData as WorkerInit;
const post = (m: FromWorker) => port.postMessage(m);
const cancel = new Int32Array(init.cancel);

let db: Database.Database;
try {
  db = new Database(init.file, { readonly: true, fileMustExist: true, ...(init.nativeBinding ? { nativeBinding: init.nativeBinding } : {}) });
  db.pragma('busy_timeout = 5000');
  // Reads only: a page cache of 64 MB keeps hot FTS pages across keystrokes.
  db.pragma('cache_size = -65536');
  db.prepare('select count(*) from ticket_search_docs').get();
} catch (e) {
  post({ type: 'fatal', message: (e as Error).message });
  process.exit(1);
}
const engine = createSearchEngine(db);
try {
  engine.warm();
} catch (e) {
  post({ type: 'fatal', message: (e as Error).message });
  process.exit(1);
}
post({ type: 'ready' });

port.on('message', (m: ToWorker) => {
  if (m.type !== 'search') return;
  try {
    const result = engine.search(m.input, { shouldCancel: () => Atomics.load(cancel, 0) === m.id });
    post({ type: 'result', id: m.id, result });
  } catch (e) {
    const err = e instanceof SearchError ? e : new SearchError('worker_failed', (e as Error).message);
    post({ type: 'error', id: m.id, error: { code: err.code, message: err.message, details: err.details } });
  }
});

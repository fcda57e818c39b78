/**
 * Import worker entry: unpacks and scans one workbook in a worker thread, so a large or hostile
 * file never blocks the main thread's event loop (SIP timers, IPC) and a heap blown by it is the
 * worker's, not the console's (it runs with resource limits, see xlsx-sheet.ts).
 * Production: bundled by build/bundle-main.mjs to dist/electron/xlsx-worker.js.
 * Tests: loaded from this TS source through tsx.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFirstSheet, SheetRefused } from './xlsx-stream';
import type { SheetWorkerInit, SheetWorkerMessage } from './xlsx-sheet';

const port = parentPort;
if (!port) throw new Error('xlsx worker must run in a worker thread');
const init = workerData as SheetWorkerInit;
const post = (m: SheetWorkerMessage) => port.postMessage(m);

try {
  const r = await readFirstSheet(Buffer.from(init.data.buffer, init.data.byteOffset, init.data.byteLength), init.limits, (rows) => post({ type: 'rows', rows }),
    (bytes, total) => post({ type: 'progress', bytes, total }));
  post({ type: 'done', ...r });
} catch (e) {
  if (e instanceof SheetRefused) post({ type: 'refused', reason: e.reason, details: e.details });
  else post({ type: 'error', message: String(e) });
}

import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { DEFAULT_SHEET_LIMITS, SheetRefused, type SheetLimits, type SheetRefusal, type SheetRow } from './xlsx-stream';

export interface SheetWorkerInit {
  data: Uint8Array;
  limits: SheetLimits;
}

export type SheetWorkerMessage =
  | { type: 'rows'; rows: SheetRow[] }
  | { type: 'progress'; bytes: number; total: number }
  | { type: 'done'; rows: number; cells: number; unpackedBytes: number }
  | { type: 'refused'; reason: SheetRefusal; details: Record<string, number> }
  | { type: 'error'; message: string };

export interface SheetReadOptions {
  limits?: SheetLimits;
  /** Aborting terminates the worker; the iterator then throws `signal.reason`. */
  signal?: AbortSignal;
  /** The worker script; defaults as for the search worker (TS beside this file, JS beside the bundle). */
  workerUrl?: URL;
  /** Sheet bytes scanned so far and the declared total, about once per megabyte. */
  onProgress?: (bytes: number, total: number) => void;
  /** Heap of the worker in MB: a file that still manages to blow it kills the worker only. @default 512 */
  heapMb?: number;
}

export function defaultSheetWorkerLocation(): URL {
  const here = import.meta.url;
  return /\.[cm]?ts$/.test(new URL(here).pathname) ? new URL('./xlsx-worker.ts', here) : new URL('./xlsx-worker.js', here);
}

/** See search-client.ts: tsx's loader has to be registered inside a worker started from TS sources. */
function tsBootstrap(url: URL): string {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
}

/**
 * The first sheet's rows, read in a worker thread and handed over in batches. Throws SheetRefused
 * for a file over the limits or not a workbook (a worker that runs out of heap counts as too large).
 * Leaving the loop early, or aborting `signal`, terminates the worker.
 */
export async function* readSheetInWorker(file: Buffer, opts: SheetReadOptions = {}): AsyncGenerator<SheetRow[], { rows: number; unpackedBytes: number }> {
  const url = opts.workerUrl ?? defaultSheetWorkerLocation();
  // A copy the worker owns (transferred, not cloned): the caller's buffer may be a slice of a pool.
  const data = new Uint8Array(file.byteLength);
  data.set(file);
  const init: SheetWorkerInit = { data, limits: opts.limits ?? DEFAULT_SHEET_LIMITS };
  const heapMb = opts.heapMb ?? 512;
  const options = { workerData: init, transferList: [data.buffer], resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 32 } };
  const worker = /\.[cm]?ts$/.test(url.pathname) ? new Worker(tsBootstrap(url), { ...options, eval: true }) : new Worker(url, options);

  const queue: SheetWorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let exit: SheetWorkerMessage | null = null;
  const push = (m: SheetWorkerMessage) => { queue.push(m); wake?.(); };
  worker.on('message', push);
  worker.on('error', (e: Error & { code?: string }) => {
    exit = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { type: 'refused', reason: 'xlsx_too_large', details: {} } : { type: 'error', message: e.message };
    wake?.();
  });
  worker.on('exit', () => { exit ??= { type: 'error', message: 'xlsx worker exited early' }; wake?.(); });
  const onAbort = () => { void worker.terminate(); wake?.(); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      opts.signal?.throwIfAborted();
      const m = queue.shift() ?? exit;
      if (!m) {
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = null;
        continue;
      }
      if (m.type === 'rows') yield m.rows;
      else if (m.type === 'progress') opts.onProgress?.(m.bytes, m.total);
      else if (m.type === 'done') return { rows: m.rows, unpackedBytes: m.unpackedBytes };
      else if (m.type === 'refused') throw new SheetRefused(m.reason, m.details);
      else throw new Error(`xlsx worker failed: ${m.message}`);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}

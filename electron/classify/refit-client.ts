/**
 * Refits the linear category model (linear-model.ts) in a worker_threads Worker: the caller
 * streams the training tickets in pages (read from the store on the main thread, a page at a
 * time), the worker extracts features and fits, and the fitted arrays come back transferred.
 * One short-lived worker per refit; aborting terminates it at once. The main thread only posts
 * pages (a structured clone of ~1000 rows) and wraps the arrays it gets back.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TrainingRow } from './category-suggester';
import type { FeatureOptions } from './features';
import { FitCancelled, LinearModel, type LinearArrays, type LinearOptions } from './linear-model';

export type RefitToWorker = { type: 'rows'; rows: TrainingRow[] } | { type: 'fit' };
export type RefitFromWorker =
  | { type: 'progress'; done: number; of: number }
  | { type: 'done'; arrays: LinearArrays; ms: number }
  | { type: 'error'; message: string };

export interface RefitOptions {
  features: FeatureOptions;
  linear?: Partial<LinearOptions>;
  /** Aborting terminates the worker; the refit then rejects with FitCancelled. */
  signal?: AbortSignal;
  /** The worker script; defaults to refit-worker.ts beside this file (refit-worker.js beside the bundle). */
  workerUrl?: URL;
  /** Heap of the worker in MB: a refit that outgrows it fails alone. @default 2048 */
  heapMb?: number;
  onProgress?: (classesDone: number, classes: number) => void;
}

export interface RefitResult { model: LinearModel; rows: number; fitMs: number }

export function defaultRefitWorkerLocation(): URL {
  const here = import.meta.url;
  return /\.[cm]?ts$/.test(new URL(here).pathname) ? new URL('./refit-worker.ts', here) : new URL('./category-refit-worker.js', here);
}

/** See search-client.ts: tsx's loader has to be registered inside a worker started from TS sources. */
function tsBootstrap(url: URL): string {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
}

/** Fits a linear model on `pages` in a worker. Rejects with FitCancelled when aborted, with an Error when the fit fails. */
export async function refitInWorker(pages: AsyncIterable<TrainingRow[]> | Iterable<TrainingRow[]>, o: RefitOptions): Promise<RefitResult> {
  if (o.signal?.aborted) throw new FitCancelled();
  const url = o.workerUrl ?? defaultRefitWorkerLocation();
  const workerData = { features: o.features, linear: o.linear ?? {} };
  const resourceLimits = { maxOldGenerationSizeMb: o.heapMb ?? 2048 };
  const worker = /\.[cm]?ts$/.test(url.pathname)
    ? new Worker(tsBootstrap(url), { eval: true, workerData, resourceLimits })
    : new Worker(url, { workerData, resourceLimits });
  worker.unref();
  let settle: { resolve: (r: { arrays: LinearArrays; ms: number }) => void; reject: (e: Error) => void } | null = null;
  let early: Error | null = null;
  const fail = (e: Error) => { if (settle) settle.reject(e); else early ??= e; };
  worker.on('message', (m: RefitFromWorker) => {
    if (m.type === 'progress') o.onProgress?.(m.done, m.of);
    else if (m.type === 'error') fail(new Error(`category refit failed: ${m.message}`));
    else settle?.resolve({ arrays: m.arrays, ms: m.ms });
  });
  worker.on('error', (e) => fail(new Error(`category refit worker failed: ${e.message}`)));
  worker.on('exit', (code) => fail(o.signal?.aborted ? new FitCancelled() : new Error(`category refit worker exited with code ${code}`)));
  const onAbort = () => { fail(new FitCancelled()); void worker.terminate(); };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let rows = 0;
    for await (const page of pages) {
      if (early) throw early;
      if (o.signal?.aborted) throw new FitCancelled();
      if (page.length === 0) continue;
      worker.postMessage({ type: 'rows', rows: page.map((r) => ({ title: r.title ?? '', text: r.text, categoryId: r.categoryId })) } satisfies RefitToWorker);
      rows += page.length;
    }
    if (early) throw early;
    if (o.signal?.aborted) throw new FitCancelled();
    const done = new Promise<{ arrays: LinearArrays; ms: number }>((resolve, reject) => { settle = { resolve, reject }; });
    worker.postMessage({ type: 'fit' } satisfies RefitToWorker);
    const { arrays, ms } = await done;
    return { model: new LinearModel(arrays), rows, fitMs: ms };
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    void worker.terminate();
  }
}

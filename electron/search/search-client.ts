import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit } from './protocol';
import { SearchError, type SearchInput, type SearchResult } from './query';

/**
 * Runs searches in worker threads and keeps the main thread's event loop free.
 *
 * Typing in a search box sends a query per keystroke; each call with the same `supersede` key
 * supersedes the previous one: a queued one is dropped without running, a running one is told to
 * stop (polled between rows) and its promise rejects at once with code 'superseded'. A search that
 * outlives `timeoutMs` (one SQLite step cannot be interrupted) gets its worker terminated and replaced.
 */

export interface SearchClientOptions {
  /** The store's SQLite file; it must already be migrated (the main connection opened it). */
  file: string;
  /** Worker threads. Each holds its own connection and page cache. @default 1 */
  workers?: number;
  /**
   * The worker script: the store adapter's (electron/store/search/worker.ts, see searchWorkerLocation).
   * A `.ts` worker is started through tsx's loader (registered inside the worker, see spawn()).
   */
  workerUrl: URL;
  /** Extra Node options for the worker. @default [] */
  execArgv?: string[];
  /** better-sqlite3 addon built for this runtime (Electron). */
  nativeBinding?: string;
  /** @default 15000 */
  timeoutMs?: number;
}

export interface SearchCallOptions {
  /** Calls sharing this key supersede each other (one key per search box). */
  supersede?: string;
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs for this call. */
  timeoutMs?: number;
}

interface Job {
  id: number;
  input: SearchInput;
  key: string | undefined;
  timeoutMs: number;
  resolve(r: SearchResult): void;
  reject(e: SearchError): void;
  settled: boolean;
  cleanup(): void;
}

interface Slot {
  worker: Worker;
  cancel: Int32Array;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  ready: boolean;
}

function isTypeScript(url: URL): boolean {
  return /\.[cm]?ts$/.test(url.pathname);
}

/**
 * Starts a worker from a TS source: `execArgv: ['--import', 'tsx']` does not reach worker threads on
 * Node 20 ("Unknown file extension .ts"), so a tiny CommonJS bootstrap registers tsx's ESM loader
 * inside the worker and then imports the TS entry.
 */
function tsBootstrap(url: URL): string {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
}

export class SearchClient {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private fatal: string | null = null;
  private readonly workerUrl: URL;
  private readonly timeoutMs: number;
  private readonly counters = { dispatched: 0, workersStarted: 0 };

  constructor(private readonly opts: SearchClientOptions) {
    this.workerUrl = opts.workerUrl;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    const n = Math.max(1, opts.workers ?? 1);
    for (let i = 0; i < n; i++) this.slots.push(this.spawn());
  }

  search(input: SearchInput, call: SearchCallOptions = {}): Promise<SearchResult> {
    if (this.closed) return Promise.reject(new SearchError('cancelled', 'search client is closed'));
    if (this.fatal) return Promise.reject(new SearchError('worker_failed', this.fatal));
    if (call.supersede !== undefined) this.supersede(call.supersede);
    return new Promise<SearchResult>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++, input, key: call.supersede, timeoutMs: call.timeoutMs ?? this.timeoutMs, settled: false,
        resolve: (r) => { if (!job.settled) { job.settled = true; job.cleanup(); resolve(r); } },
        reject: (e) => { if (!job.settled) { job.settled = true; job.cleanup(); reject(e); } },
        cleanup: () => {},
      };
      if (call.signal) {
        const signal = call.signal;
        if (signal.aborted) return job.reject(new SearchError('cancelled', 'search aborted'));
        const onAbort = () => this.abandon(job, new SearchError('cancelled', 'search aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        job.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** Terminates the workers; pending searches reject with 'cancelled'. */
  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.reject(new SearchError('cancelled', 'search client closed'));
    await Promise.all(this.slots.map(async (s) => {
      if (s.timer) clearTimeout(s.timer);
      s.job?.reject(new SearchError('cancelled', 'search client closed'));
      s.job = null;
      await s.worker.terminate();
    }));
  }

  private supersede(key: string): void {
    for (const j of this.queue.filter((q) => q.key === key)) this.abandon(j, new SearchError('superseded', 'a newer search replaced this one'));
    for (const s of this.slots) {
      if (s.job?.key === key) this.abandon(s.job, new SearchError('superseded', 'a newer search replaced this one'));
    }
  }

  /** Rejects now; a queued job leaves the queue, a running one is flagged so the worker stops early. */
  private abandon(job: Job, err: SearchError): void {
    const qi = this.queue.indexOf(job);
    if (qi >= 0) this.queue.splice(qi, 1);
    const slot = this.slots.find((s) => s.job === job);
    if (slot) Atomics.store(slot.cancel, 0, job.id);
    job.reject(err);
  }

  /** For tests and diagnostics: searches sent to a worker, workers started (respawns included). */
  stats(): { dispatched: number; workersStarted: number } {
    return { ...this.counters };
  }

  private spawn(): Slot {
    this.counters.workersStarted++;
    const cancel = new SharedArrayBuffer(4);
    const init: WorkerInit = { file: this.opts.file, cancel, ...(this.opts.nativeBinding ? { nativeBinding: this.opts.nativeBinding } : {}) };
    const execArgv = this.opts.execArgv ?? [];
    const worker = isTypeScript(this.workerUrl)
      ? new Worker(tsBootstrap(this.workerUrl), { eval: true, workerData: init, execArgv })
      : new Worker(this.workerUrl, { workerData: init, execArgv });
    const slot: Slot = { worker, cancel: new Int32Array(cancel), job: null, timer: null, ready: false };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => this.onExit(slot, e.message));
    worker.on('exit', (code) => this.onExit(slot, `search worker exited with code ${code}`));
    // An idle worker must not keep a CLI or test process alive.
    worker.unref();
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === 'ready') {
      slot.ready = true;
      return;
    }
    if (m.type === 'fatal') {
      this.fail(`search worker could not open the store: ${m.message}`);
      return;
    }
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    if (m.type === 'result') job.resolve(m.result);
    else job.reject(new SearchError(m.error.code, m.error.message, m.error.details));
    this.pump();
  }

  private onExit(slot: Slot, why: string): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job?.reject(new SearchError('worker_failed', why));
    slot.job = null;
    if (this.closed) return;
    // A worker that dies before it is ready would die again: stop instead of respawning in a loop.
    if (!slot.ready) this.fail(`search worker failed to start: ${why}`);
    if (this.fatal) {
      this.slots.splice(i, 1);
      return;
    }
    this.slots[i] = this.spawn();
    this.pump();
  }

  private fail(why: string): void {
    this.fatal ??= why;
    for (const j of this.queue.splice(0)) j.reject(new SearchError('worker_failed', this.fatal));
    for (const s of this.slots) s.job?.reject(new SearchError('worker_failed', this.fatal));
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || !this.queue.length) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      // While busy the worker keeps the process alive: the caller awaits its answer.
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        if (slot.job !== job) return;
        slot.job = null;
        // A SQLite step cannot be interrupted from outside: retire this worker (its exit is then
        // ignored) and start a fresh one before anyone can queue onto the old one.
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots[i] = this.spawn();
        void slot.worker.terminate();
        job.reject(new SearchError('timeout', `search took longer than ${job.timeoutMs} ms`));
        this.pump();
      }, job.timeoutMs);
      this.counters.dispatched++;
      const msg: ToWorker = { type: 'search', id: job.id, input: job.input };
      slot.worker.postMessage(msg);
    }
    for (const slot of this.slots) if (!slot.job) slot.worker.unref();
  }
}

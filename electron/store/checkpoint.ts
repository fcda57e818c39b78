import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { statSync } from 'node:fs';

/**
 * SQLite's WAL checkpoint, taken off the request path. With the default auto-checkpoint, the
 * commit that pushes the WAL past 1000 pages copies them into the database file and syncs it
 * inside that commit: at 1M tickets an intake save took 2.7 ms at p50 but 58 ms at p99.
 *
 * The writer connection runs with `wal_autocheckpoint = 0`. A worker thread with its own
 * connection runs `wal_checkpoint(PASSIVE)` every `intervalMs`: it copies committed frames without
 * taking the write lock, so saves never wait for it; once every frame is copied and no reader holds
 * the WAL, the next write starts the WAL from its beginning again (and the writer's
 * `journal_size_limit` trims the file). When nothing was written since the last pass (idle), it
 * runs `TRUNCATE` without waiting (busy_timeout 0: a writer present makes it give up at once).
 * Cap: under a steady stream of writes the WAL is never fully copied between two writes, so it is
 * never reset and grows; past `capBytes` the worker runs a `RESTART` checkpoint, which copies the
 * frames written since its last pass while writers wait, and waits for readers up to 100 ms (it
 * gives up and tries again 1 s later, then 2, 4, 8 s while a reader keeps holding the WAL, so
 * writers lose at most 100 ms a second to it). Once per `capBytes` of writes, not per commit.
 *
 * The worker starts only once the WAL passes `startBytes` (checked by a cheap file-size poll in
 * the main thread), so a small store (tests, a fresh install) never starts a thread.
 */
export interface CheckpointOptions {
  /** Checkpoint pass every … ms. @default 250 */
  intervalMs?: number;
  /** WAL size that starts the worker. @default 4 MiB (about SQLite's 1000-page auto-checkpoint) */
  startBytes?: number;
  /** WAL size past which the worker resets it, making writers wait while it copies: rare enough that a bulk import does not meet it. @default 256 MiB */
  capBytes?: number;
  nativeBinding?: string;
}

export interface CheckpointStats { passes: number; framesCopied: number; truncates: number; restarts: number; busy: number }

/** The worker's code (CommonJS, evaluated): no separate bundle entry, better-sqlite3 by absolute path. */
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const Database = require(w.module);
const db = new Database(w.file, w.nativeBinding ? { nativeBinding: w.nativeBinding } : {});
db.pragma('busy_timeout = 0');
const stats = { passes: 0, framesCopied: 0, truncates: 0, restarts: 0, busy: 0 };
let lastLog = -1;
let lastCopied = 0;
let restartAfter = 0;
let restartBackoff = 1000;
// The live log, not the file (the file keeps its size until a reset trims it to journal_size_limit).
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
function pass() {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    stats.passes++;
    if (r.busy) stats.busy++;
    // checkpointed counts from the start of the WAL: what this pass added, unless the WAL was reset since.
    stats.framesCopied += r.log >= lastLog && r.checkpointed >= lastCopied ? r.checkpointed - lastCopied : Math.max(0, r.checkpointed);
    lastCopied = Math.max(0, r.checkpointed);
    if (r.log > 0 && r.log === lastLog && r.checkpointed === r.log) {
      const [t] = db.pragma('wal_checkpoint(TRUNCATE)');
      if (!t.busy) { stats.truncates++; lastCopied = 0; }
    } else if (r.log * frameBytes > w.capBytes && Date.now() >= restartAfter) {
      // Writes never pause long enough for the WAL to start over: reset it now. Writers wait for
      // the few frames written since the pass above (and for readers, at most 100 ms).
      db.pragma('busy_timeout = 100');
      try {
        const [x] = db.pragma('wal_checkpoint(RESTART)');
        if (x.busy) {
          // A reader still holds the WAL (a long search, an export). RESTART holds the write lock
          // while it waits for readers, so trying again at every pass would make writers wait
          // 100 ms of every pass for as long as that reader reads (seen: a writer locked out for
          // 5 s and refused). Wait longer between tries instead, up to 8 s.
          stats.busy++;
          restartAfter = Date.now() + restartBackoff;
          restartBackoff = Math.min(restartBackoff * 2, 8000);
        } else { stats.restarts++; lastCopied = 0; restartBackoff = 1000; }
      } finally { db.pragma('busy_timeout = 0'); }
    }
    lastLog = r.log;
  } catch (e) {
    parentPort.postMessage({ type: 'error', message: String(e && e.message || e) });
  }
}
const timer = setInterval(pass, w.intervalMs);
pass();
parentPort.on('message', (m) => {
  if (m === 'stats') parentPort.postMessage({ type: 'stats', stats });
  if (m === 'close') { clearInterval(timer); try { db.close(); } finally { parentPort.postMessage({ type: 'closed' }); parentPort.close(); } }
});
`;

export class BackgroundCheckpointer {
  private worker: Worker | null = null;
  private readonly poll: NodeJS.Timeout;
  private readonly o: Required<Omit<CheckpointOptions, 'nativeBinding'>> & { nativeBinding?: string };
  private failure: string | null = null;

  constructor(private readonly file: string, opts: CheckpointOptions = {}) {
    this.o = { intervalMs: opts.intervalMs ?? 250, startBytes: opts.startBytes ?? 4 << 20, capBytes: opts.capBytes ?? 256 << 20, nativeBinding: opts.nativeBinding };
    this.poll = setInterval(() => this.maybeStart(), this.o.intervalMs);
    this.poll.unref();
  }

  /** The last error the worker reported (a checkpoint that failed is tried again on the next pass). */
  get lastError(): string | null { return this.failure; }

  get running(): boolean { return this.worker !== null; }

  private maybeStart(): void {
    if (this.worker) return;
    let size: number;
    try { size = statSync(`${this.file}-wal`).size; } catch { return; }
    if (size >= this.o.startBytes) this.start();
  }

  /** Starts the worker now (tests and benches; otherwise it starts when the WAL grows). */
  start(): void {
    if (this.worker) return;
    clearInterval(this.poll);
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: this.file, module, nativeBinding: this.o.nativeBinding, intervalMs: this.o.intervalMs, capBytes: this.o.capBytes },
    });
    this.worker.unref();
    this.worker.on('message', (m: { type: string; message?: string }) => { if (m.type === 'error') this.failure = m.message ?? 'checkpoint failed'; });
    this.worker.on('error', (e) => { this.failure = e.message; });
  }

  /** What the worker did so far (zeros when it never started). */
  stats(): Promise<CheckpointStats> {
    const w = this.worker;
    if (!w) return Promise.resolve({ passes: 0, framesCopied: 0, truncates: 0, restarts: 0, busy: 0 });
    return new Promise((resolve) => {
      const on = (m: { type: string; stats?: CheckpointStats }) => { if (m.type === 'stats') { w.off('message', on); resolve(m.stats!); } };
      w.on('message', on);
      w.postMessage('stats');
    });
  }

  /** Stops the worker and closes its connection (before the writer closes: the last close checkpoints). */
  async close(): Promise<void> {
    clearInterval(this.poll);
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      w.once('exit', done);
      w.on('message', (m: { type: string }) => { if (m.type === 'closed') void w.terminate(); });
      w.postMessage('close');
    });
  }
}

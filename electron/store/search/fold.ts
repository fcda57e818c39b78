import type Database from 'better-sqlite3';
import { BACKGROUND_SLICE_MS, nextBatchSize, nextTurn } from '../../util/time-slice';
import { foldFreshIndex, freshIndexSize } from './indexer';

export interface FreshFolderOptions {
  /** Fold once the fresh index holds this many documents. @default 256 */
  foldAt?: number;
  /** …or once it has not grown for this long. @default 5 minutes */
  quietMs?: number;
  /** How often the size is looked at. @default 1000 */
  pollMs?: number;
  /** Time budget of one fold transaction on main's thread. @default BACKGROUND_SLICE_MS */
  sliceMs?: number;
  onError?: (e: unknown) => void;
  clock?: () => number;
}

/**
 * Moves the documents of the fresh index (migration 0030) into the main one in the background, on
 * the store connection's thread: in transactions of about `sliceMs` (the batch size follows the
 * measured cost, as reindexAll's does) with a turn of the event loop between them, so a request
 * waits at most one batch. A batch that meets FTS5's automerge in the main index takes longer (tens
 * of milliseconds at 1M tickets), but that merge now happens here and no longer inside a save.
 *
 * Waiting until a few hundred documents are there is what makes folding pay: one transaction of
 * many documents writes one segment of the main index, where one save each wrote one (and FTS5
 * merged after every 64 leaves). The fresh index stays small, so searching it costs little.
 */
export class FreshIndexFolder {
  private readonly o: Required<Omit<FreshFolderOptions, 'onError'>> & Pick<FreshFolderOptions, 'onError'>;
  private readonly timer: NodeJS.Timeout;
  private lastSize = 0;
  private grewAt: number;
  private running: Promise<void> | null = null;
  private closed = false;
  /** Documents moved so far (tests, bench). */
  moved = 0;

  constructor(private readonly sqlite: Database.Database, opts: FreshFolderOptions = {}) {
    this.o = {
      foldAt: opts.foldAt ?? 256, quietMs: opts.quietMs ?? 5 * 60_000, pollMs: opts.pollMs ?? 1000,
      sliceMs: opts.sliceMs ?? BACKGROUND_SLICE_MS, clock: opts.clock ?? Date.now, onError: opts.onError,
    };
    this.grewAt = this.o.clock();
    this.timer = setInterval(() => this.poll(), this.o.pollMs);
    this.timer.unref();
  }

  private poll(): void {
    if (this.running || this.closed) return;
    let size: number;
    try { size = freshIndexSize(this.sqlite); } catch (e) { this.o.onError?.(e); return; }
    const now = this.o.clock();
    if (size > this.lastSize) this.grewAt = now;
    this.lastSize = size;
    if (size > 0 && (size >= this.o.foldAt || now - this.grewAt >= this.o.quietMs)) void this.fold();
  }

  /** Folds everything now (also what the poll starts); resolves when the fresh index is empty or the folder closed. */
  fold(): Promise<void> {
    this.running ??= this.run().catch((e: unknown) => this.o.onError?.(e)).finally(() => { this.running = null; });
    return this.running;
  }

  private async run(): Promise<void> {
    let size = 16;
    while (!this.closed) {
      const t0 = performance.now();
      const r = foldFreshIndex(this.sqlite, size);
      this.moved += r.moved;
      this.lastSize = r.left;
      if (r.left === 0 || r.moved === 0) return;
      size = nextBatchSize({ size: r.moved, ms: performance.now() - t0 }, this.o.sliceMs, 8, 512);
      await nextTurn();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
  }
}

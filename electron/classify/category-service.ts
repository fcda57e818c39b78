/**
 * The category suggestions of the intake form, over the store: the model (category-suggester.ts)
 * is persisted in `category_model` (migration 0009) and restored at start, so a start costs a
 * model load plus the tickets registered since the last save, not a retraining.
 *
 * At start:
 * - a saved model of the current features version is restored, then learns the tickets created
 *   after `trained_through` in yielding slices;
 * - otherwise (none, unreadable, another features version, tickets inserted into the past since
 *   the save — an import — or grown past twice the training window) it is trained from the latest
 *   TRAIN_LIMIT tickets in yielding, abortable slices, newest first (suggestions are served from
 *   what is learned so far), and saved.
 * Registered tickets are learned as they are saved; the model is saved at most every
 * SAVE_EVERY_MS while it changes, and on close.
 *
 * The linear half of the model (linear-model.ts) is refit in a worker thread (refit-client.ts)
 * from the newest REFIT_LIMIT tickets: a minute after the start, then after REFIT_EVERY tickets learned or
 * corrected, or REFIT_AFTER_MS after the first change, whichever comes first. Naive Bayes covers
 * everything since the last refit (category-suggester.ts blends the two). A refit that fails
 * keeps the previous linear model; close() terminates a running one.
 *
 * A category corrected at review (`recategorised`) moves the ticket in naive Bayes at once,
 * nudges the linear model for that text, and is in the next refit (which reads the store).
 */
import type { CategorySuggestion } from '../../shared/contract';
import type { Logger } from '../log';
import { categoryTree } from '../store/repos/categories';
import {
  countTicketsCreated, learnableTicket, learnableTicketPage, newestTicketAt, savedCategoryModel, saveCategoryModel, type LearnableTicket,
} from '../store/repos/classify';
import type { Db } from '../store/repos/db';
import { CategorySuggester, FEATURES_VERSION, type CategoryNode, type CategorySuggesterJSON, type TrainingRow } from './category-suggester';
import { FitCancelled, type LinearOptions } from './linear-model';
import { refitInWorker } from './refit-client';
import { categoryPaths } from '../../shared/domain/taxonomy';
import { BACKGROUND_SLICE_MS, nextBatchSize, nextTurn } from '../util/time-slice';

/** Tickets learned from at a cold start: the most recent ones say most about today's appeals. */
export const TRAIN_LIMIT = 50_000;
/** Tickets read per query while training or catching up: one query holds main's thread (about 2.5 ms at 250 tickets with their text). */
const PAGE = 250;
/** A refit's first page, and the fewest tickets a refit page is cut to (see refitPages). */
const REFIT_FIRST_PAGE = 64;
const REFIT_MIN_PAGE = 16;
/** Learned per turn of the event loop, so SIP timers and IPC keep running meanwhile. */
const YIELD_EVERY = 100;
/**
 * Serialising the whole model blocks the main thread (~60 ms per 20k demo tickets, up to ~1 s for
 * 50k real ones), and nothing is lost between saves: a start learns every ticket created after
 * the saved `trained_through`. So save rarely, and on close.
 */
const SAVE_EVERY_MS = 15 * 60_000;
/** Tickets a refit fits the linear model on (newest first). */
export const REFIT_LIMIT = 30_000;
/** Tickets learned or corrected since the last refit that start the next one. */
export const REFIT_EVERY = 500;
/** A change is in a refit at most this long after it. */
export const REFIT_AFTER_MS = 30 * 60_000;
/** The first refit after a start. */
export const REFIT_START_DELAY_MS = 60_000;

export interface CategoryServiceOptions {
  trainLimit: number;
  saveEveryMs: number;
  now: () => Date;
  /** Refit the linear model in the background (false: naive Bayes only, unless refitNow is called). */
  refit: boolean;
  refitLimit: number;
  refitEvery: number;
  refitAfterMs: number;
  /** The first refit, this long after the start. */
  refitStartDelayMs: number;
  /** The refit worker script (tests); see refit-client.ts. */
  refitWorkerUrl?: URL;
  linear?: Partial<LinearOptions>;
  /** How long the first training may hold main's thread between yields (CategorySuggester.train). @default BACKGROUND_SLICE_MS */
  sliceMs?: number;
}

export interface RefitStats { rows: number; fitMs: number; totalMs: number; at: string }

export class CategoryService {
  private model = new CategorySuggester();
  /** The model suggestions come from (tests, bench). */
  get suggester(): CategorySuggester { return this.model; }
  private paths = new Map<string, string>();
  private taxonomy: CategoryNode[] = [];
  private readonly opts: CategoryServiceOptions;
  private readonly abort = new AbortController();
  private started: Promise<void> | null = null;
  /**
   * Resolved once the start has settled which model it keeps and up to which ticket it reads
   * (or has ended): registered tickets are learned from then on, so none is lost to a restore
   * or learned twice, also while the start is still training or catching up.
   */
  private fixed: Promise<void> = Promise.resolve();
  private isFixed = true;
  private fix = () => {};
  private readonly learning = new Set<Promise<void>>();
  /** created_at of the newest ticket considered, and how many tickets had created_at ≤ it. */
  private through: string | null = null;
  private ticketsThrough = 0;
  /** The start's snapshot: tickets at or before it were learned by the start itself. */
  private startedThrough: string | null = null;
  /** The model covers its training window (a partly trained one is never saved). */
  private complete = false;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private closed = false;
  /** What the last start did, the newest ticket a cold training took, and the ticket rows it read from the store (tests, logs). */
  readonly stats = {
    start: null as null | 'restored' | 'trained', ticketsRead: 0, learned: 0, snapshot: null as string | null,
    refits: 0, refitFailures: 0, lastRefit: null as RefitStats | null, corrections: 0,
  };
  private refitting: Promise<void> | null = null;
  private refitAbort: AbortController | null = null;
  private refitTimer: NodeJS.Timeout | null = null;
  /** Tickets learned or corrected since the last refit began. */
  private pending = 0;
  /** Learned or corrected while the running refit reads and fits (not in it). */
  private duringRefit: { learned: number; corrected: TrainingRow[] } | null = null;

  constructor(private readonly db: Db, private readonly log: Logger, options: Partial<CategoryServiceOptions> = {}) {
    this.opts = {
      trainLimit: TRAIN_LIMIT, saveEveryMs: SAVE_EVERY_MS, now: () => new Date(),
      refit: true, refitLimit: REFIT_LIMIT, refitEvery: REFIT_EVERY, refitAfterMs: REFIT_AFTER_MS, refitStartDelayMs: REFIT_START_DELAY_MS, ...options,
    };
  }

  /** Restores or trains the model in the background; the same promise for every call. */
  start(): Promise<void> {
    if (!this.started) {
      this.isFixed = false;
      this.fixed = new Promise((resolve) => { this.fix = () => { this.isFixed = true; resolve(); }; });
      this.started = this.run().then(() => {
        if (!this.opts.refit || !this.complete || this.abort.signal.aborted) return;
        // Not at once: a start has other work (search index, SIP), and a short-lived run (a test, a CLI) needs no refit.
        this.refitTimer = setTimeout(() => { this.refitTimer = null; void this.refitNow(); }, this.opts.refitStartDelayMs);
        this.refitTimer.unref();
      }).catch((e: unknown) => this.log.error('category model start failed', { error: String(e) }))
        .finally(() => this.fix());
    }
    return this.started;
  }

  /**
   * Learns a ticket just registered (read back from the store by id); never throws. Resolves once
   * it is learned, so the next suggestion knows it — except in the first moments of a start,
   * before the model to keep is known: it is learned right after, and this resolves at once.
   */
  learnTicket(id: string): Promise<void> {
    const learned = this.fixed.then(() => this.learnNow(id)).catch((e: unknown) => this.log.error('category model learn failed', { error: String(e) }));
    this.learning.add(learned);
    void learned.finally(() => this.learning.delete(learned));
    return this.isFixed ? learned : Promise.resolve();
  }

  /** The k most likely leaf categories for the appeal being typed. */
  suggest(title: string, content: string, k = 3): CategorySuggestion[] {
    const out: CategorySuggestion[] = [];
    for (const s of this.model.suggest({ title, content }, Number.MAX_SAFE_INTEGER)) {
      const path = this.paths.get(s.categoryId);
      if (path === undefined) continue;
      out.push({ categoryId: s.categoryId, path, probability: Math.round(s.score * 1000) / 1000 });
      if (out.length >= k) break;
    }
    return out;
  }

  /**
   * A ticket's category was changed (corrected at review, or re-categorised) from
   * `previousCategoryId`: naive Bayes unlearns the wrong category and learns the right one at
   * once, the linear model is nudged for this text, and the next refit reads the corrected
   * ticket. Never throws; resolves once the next suggestion knows it.
   */
  recategorised(id: string, previousCategoryId: string): Promise<void> {
    const done = this.fixed.then(() => this.correctNow(id, previousCategoryId))
      .catch((e: unknown) => this.log.error('category model correction failed', { error: String(e) }));
    this.learning.add(done);
    void done.finally(() => this.learning.delete(done));
    return done;
  }

  /**
   * Refits the linear model in a worker now (or joins the running refit). Never throws: a failed
   * refit is logged and counted, and the previous linear model stays.
   */
  refitNow(): Promise<void> {
    if (this.closed || this.abort.signal.aborted) return Promise.resolve();
    this.refitting ??= this.runRefit().finally(() => { this.refitting = null; });
    return this.refitting;
  }

  /** Stops training, waits for pending learns and saves what changed. Call before closing the store. */
  async close(): Promise<void> {
    this.abort.abort();
    this.refitAbort?.abort();
    if (this.refitTimer) clearTimeout(this.refitTimer);
    this.refitTimer = null;
    await this.started;
    await this.refitting;
    await Promise.all(this.learning);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.saving;
    await this.save();
  }

  private async run(): Promise<void> {
    await this.loadTaxonomy();
    const restored = await this.restore();
    if (!restored && !this.abort.signal.aborted) await this.train();
  }

  private async loadTaxonomy(): Promise<void> {
    const cats = await categoryTree(this.db);
    this.paths = categoryPaths(cats);
    this.taxonomy = cats.map((c) => ({ id: c.id, parentId: c.parentId }));
    this.model.setTaxonomy(this.taxonomy);
  }

  private async restore(): Promise<boolean> {
    const row = await savedCategoryModel(this.db);
    if (!row) return false;
    let model: CategorySuggester;
    try {
      if (row.version !== FEATURES_VERSION) throw new Error(`saved with features v${row.version}, expected v${FEATURES_VERSION}`);
      model = CategorySuggester.fromJSON(JSON.parse(row.model) as CategorySuggesterJSON, this.taxonomy);
    } catch (e) {
      this.log.warn('saved category model discarded: retraining', { error: String(e) });
      return false;
    }
    if (row.documents > 2 * this.opts.trainLimit) {
      this.log.info('category model grown past twice its training window: retraining', { documents: row.documents });
      return false;
    }
    // More tickets at or before trained_through than when it was saved: older tickets were added
    // (an import), which the model never learned; fewer: some were deleted.
    const now = row.trained_through === null ? 0 : await countTicketsCreated(this.db, null, row.trained_through);
    if (now !== row.tickets_through) {
      this.log.info('tickets added or removed before the saved category model: retraining', { saved: row.tickets_through, now });
      return false;
    }
    const saved = row.trained_through;
    const until = await newestTicketAt(this.db);
    const newer = until === null || (saved !== null && until <= saved) ? 0 : await countTicketsCreated(this.db, saved, until);
    // A restore is for catching up a little; a long absence is better served by a fresh window.
    if (newer > this.opts.trainLimit / 2) {
      this.log.info('many tickets since the saved category model: retraining', { newer });
      return false;
    }
    this.model = model;
    this.through = saved;
    this.ticketsThrough = row.tickets_through;
    this.startedThrough = newer > 0 ? until : saved;
    this.fix();
    let learned = 0;
    if (newer > 0) {
      learned = await this.model.train(this.pages(saved, until!, 'asc'), { signal: this.abort.signal, yieldEvery: YIELD_EVERY, ...(this.opts.sliceMs !== undefined ? { sliceMs: this.opts.sliceMs } : {}) });
      if (this.abort.signal.aborted) return true;
      this.advance(until!, newer);
    }
    this.complete = true;
    this.stats.start = 'restored';
    this.stats.learned = learned;
    this.log.info('category model restored', { documents: this.model.documents, learned });
    if (learned > 0) this.changed();
    return true;
  }

  private async train(): Promise<void> {
    const until = await newestTicketAt(this.db);
    const total = until === null ? 0 : await countTicketsCreated(this.db, null, until);
    this.startedThrough = until;
    this.stats.snapshot = until;
    this.fix();
    const t0 = performance.now();
    const learned = until === null ? 0
      : await this.model.train(this.pages(null, until, 'desc'), { signal: this.abort.signal, yieldEvery: YIELD_EVERY, ...(this.opts.sliceMs !== undefined ? { sliceMs: this.opts.sliceMs } : {}) });
    if (this.abort.signal.aborted) return;
    if (until !== null) this.advance(until, total);
    this.complete = true;
    this.stats.start = 'trained';
    this.stats.learned = learned;
    this.log.info('category model trained', { tickets: learned, ms: Math.round(performance.now() - t0) });
    this.dirty = true;
    await this.save();
  }

  private async learnNow(id: string): Promise<void> {
    const t = await learnableTicket(this.db, id);
    this.stats.ticketsRead++;
    if (!t || (this.startedThrough !== null && t.created_at <= this.startedThrough)) return;
    if (t.category_id !== null && t.status !== 'merged') {
      if (!this.paths.has(t.category_id)) await this.loadTaxonomy(); // reference data loaded since start (demo setup)
      this.model.learn(row(t));
      if (this.duringRefit) this.duringRefit.learned++;
      this.touched();
    }
    this.advance(t.created_at, 1);
    this.changed();
  }

  private async correctNow(id: string, previous: string): Promise<void> {
    const t = await learnableTicket(this.db, id);
    this.stats.ticketsRead++;
    // Not learned yet (registered after what the model has read): learnTicket will learn it as it is now.
    if (!t || this.through === null || t.created_at > this.through) return;
    const before: TrainingRow = { title: t.title, text: t.content, categoryId: previous };
    if (t.category_id === null || t.status === 'merged') {
      this.model.unlearn(before);
    } else {
      if (t.category_id === previous) return;
      if (!this.paths.has(t.category_id)) await this.loadTaxonomy();
      const after = row(t);
      this.model.relearn(before, after);
      if (this.duringRefit) { this.duringRefit.learned++; this.duringRefit.corrected.push(after); }
    }
    this.stats.corrections++;
    this.touched();
    this.changed();
  }

  /** One more ticket learned or corrected since the last refit: refit after enough of them, or after a while. */
  private touched(): void {
    if (!this.opts.refit || !this.complete || this.closed) return;
    this.pending++;
    if (this.pending >= this.opts.refitEvery) { void this.refitNow(); return; }
    if (this.refitTimer) return;
    this.refitTimer = setTimeout(() => {
      this.refitTimer = null;
      if (this.pending > 0) void this.refitNow();
    }, this.opts.refitAfterMs);
    this.refitTimer.unref();
  }

  private async runRefit(): Promise<void> {
    const ac = new AbortController();
    this.refitAbort = ac;
    if (this.refitTimer) clearTimeout(this.refitTimer);
    this.refitTimer = null;
    this.pending = 0;
    const during = { learned: 0, corrected: [] as TrainingRow[] };
    this.duringRefit = during;
    const t0 = performance.now();
    try {
      const until = await newestTicketAt(this.db);
      if (until === null) return;
      const r = await refitInWorker(this.refitPages(until, ac.signal), {
        features: this.model.featureSettings, linear: { ...this.model.linearOptions, ...this.opts.linear },
        signal: ac.signal, ...(this.opts.refitWorkerUrl ? { workerUrl: this.opts.refitWorkerUrl } : {}),
      });
      if (ac.signal.aborted || this.closed) return;
      this.model.setLinear(r.model, during.learned);
      // Corrections made while it read and fitted may not be in it: apply them again.
      for (const c of during.corrected) r.model.correct(this.model.features({ title: c.title, content: c.text }), c.categoryId);
      this.stats.refits++;
      this.stats.lastRefit = { rows: r.rows, fitMs: Math.round(r.fitMs), totalMs: Math.round(performance.now() - t0), at: this.opts.now().toISOString() };
      this.log.info('category model refit', { ...this.stats.lastRefit, labels: r.model.labels.length, entries: r.model.entries });
      this.changed();
    } catch (e) {
      if (e instanceof FitCancelled || ac.signal.aborted) return;
      this.stats.refitFailures++;
      // What it was to cover is still to be refit: try again after a while.
      this.pending = Math.max(1, this.pending);
      if (!this.refitTimer && !this.closed) {
        this.refitTimer = setTimeout(() => { this.refitTimer = null; void this.refitNow(); }, this.opts.refitAfterMs);
        this.refitTimer.unref();
      }
      this.log.error('category model refit failed: keeping the previous one', { error: String(e) });
    } finally {
      if (this.duringRefit === during) this.duringRefit = null;
      if (this.refitAbort === ac) this.refitAbort = null;
    }
  }

  /**
   * The newest refitLimit learnable tickets up to `until`, in pages sized to hold main's thread about
   * BACKGROUND_SLICE_MS each, with a turn of the event loop between them. Read back to back (the
   * queries resolve in microtasks), the 120 pages of a refit held main for 0.6–1.2 s at 200k tickets,
   * and an INVITE that arrived meanwhile waited that long to be read (calls bench, BENCH_PROFILE).
   * A refit is never urgent, so this holds whatever the start's slice setting is.
   */
  private async *refitPages(until: string, signal: AbortSignal): AsyncGenerator<TrainingRow[]> {
    let cursor: { at: string; id: string } | null = null;
    let left = this.opts.refitLimit;
    let size = REFIT_FIRST_PAGE;
    while (left > 0 && !signal.aborted) {
      if (cursor) await nextTurn();
      if (signal.aborted) return;
      const limit = Math.min(size, left);
      const began = performance.now();
      const page = await learnableTicketPage(this.db, { after: null, until, order: 'desc', cursor, limit });
      size = nextBatchSize({ size: limit, ms: performance.now() - began }, BACKGROUND_SLICE_MS, REFIT_MIN_PAGE, PAGE);
      this.stats.ticketsRead += page.length;
      yield page.map(row);
      if (page.length < limit) return;
      left -= page.length;
      const last = page[page.length - 1]!;
      cursor = { at: last.created_at, id: last.id };
    }
  }

  /** `tickets` more tickets were considered (learned or not learnable), the newest created at `at`. */
  private advance(at: string, tickets: number): void {
    this.ticketsThrough += tickets;
    if (this.through === null || at > this.through) this.through = at;
  }

  /**
   * Learnable tickets created after `after` (exclusive; null: from the first) up to `until`
   * (inclusive), oldest or newest first, read in keyset pages; at most trainLimit of them.
   */
  private async *pages(after: string | null, until: string, order: 'asc' | 'desc'): AsyncGenerator<TrainingRow> {
    let cursor: { at: string; id: string } | null = null;
    let left = this.opts.trainLimit;
    while (left > 0 && !this.abort.signal.aborted) {
      const page = await learnableTicketPage(this.db, { after, until, order, cursor, limit: Math.min(PAGE, left) });
      this.stats.ticketsRead += page.length;
      for (const t of page) yield row(t);
      if (page.length < PAGE) return;
      left -= page.length;
      const last = page[page.length - 1]!;
      cursor = { at: last.created_at, id: last.id };
    }
  }

  private changed(): void {
    this.dirty = true;
    if (this.timer || this.closed || !this.complete) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      // One save at a time: on PostgreSQL two saves run on two pooled connections, and an older
      // one committing last would put back an older model.
      this.saving = this.saving.then(() => this.save());
    }, this.opts.saveEveryMs);
    this.timer.unref();
  }

  private async save(): Promise<void> {
    if (!this.complete || !this.dirty) return;
    this.dirty = false;
    const values = {
      version: FEATURES_VERSION, trained_through: this.through, tickets_through: this.ticketsThrough,
      documents: this.model.documents, model: JSON.stringify(this.model.toJSON()), saved_at: this.opts.now().toISOString(),
    };
    try {
      await saveCategoryModel(this.db, values);
    } catch (e) {
      this.dirty = true;
      this.log.error('category model save failed', { error: String(e) });
    }
  }
}

const row = (t: LearnableTicket): TrainingRow => ({ title: t.title, text: t.content, categoryId: t.category_id! });

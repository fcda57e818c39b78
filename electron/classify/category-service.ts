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
 */
import type { CategorySuggestion } from '../../shared/contract';
import type { Logger } from '../log';
import { categoryTree } from '../store/repos/categories';
import {
  countTicketsCreated, learnableTicket, learnableTicketPage, newestTicketAt, savedCategoryModel, saveCategoryModel, type LearnableTicket,
} from '../store/repos/classify';
import type { Db } from '../store/repos/db';
import { CategorySuggester, FEATURES_VERSION, type CategoryNode, type CategorySuggesterJSON, type TrainingRow } from './category-suggester';
import { categoryPaths } from '../../shared/domain/taxonomy';

/** Tickets learned from at a cold start: the most recent ones say most about today's appeals. */
export const TRAIN_LIMIT = 50_000;
/** Tickets read per query while training or catching up. */
const PAGE = 1000;
/** Learned per turn of the event loop, so SIP timers and IPC keep running meanwhile. */
const YIELD_EVERY = 100;
/**
 * Serialising the whole model blocks the main thread (~60 ms per 20k demo tickets, up to ~1 s for
 * 50k real ones), and nothing is lost between saves: a start learns every ticket created after
 * the saved `trained_through`. So save rarely, and on close.
 */
const SAVE_EVERY_MS = 15 * 60_000;

export interface CategoryServiceOptions {
  trainLimit: number;
  saveEveryMs: number;
  now: () => Date;
}

export class CategoryService {
  private suggester = new CategorySuggester();
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
  readonly stats = { start: null as null | 'restored' | 'trained', ticketsRead: 0, learned: 0, snapshot: null as string | null };

  constructor(private readonly db: Db, private readonly log: Logger, options: Partial<CategoryServiceOptions> = {}) {
    this.opts = { trainLimit: TRAIN_LIMIT, saveEveryMs: SAVE_EVERY_MS, now: () => new Date(), ...options };
  }

  /** Restores or trains the model in the background; the same promise for every call. */
  start(): Promise<void> {
    if (!this.started) {
      this.isFixed = false;
      this.fixed = new Promise((resolve) => { this.fix = () => { this.isFixed = true; resolve(); }; });
      this.started = this.run().catch((e: unknown) => this.log.error('category model start failed', { error: String(e) }))
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
    for (const s of this.suggester.suggest({ title, content }, Number.MAX_SAFE_INTEGER)) {
      const path = this.paths.get(s.categoryId);
      if (path === undefined) continue;
      out.push({ categoryId: s.categoryId, path, probability: Math.round(s.score * 1000) / 1000 });
      if (out.length >= k) break;
    }
    return out;
  }

  /** Stops training, waits for pending learns and saves what changed. Call before closing the store. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.started;
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
    this.suggester.setTaxonomy(this.taxonomy);
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
    this.suggester = model;
    this.through = saved;
    this.ticketsThrough = row.tickets_through;
    this.startedThrough = newer > 0 ? until : saved;
    this.fix();
    let learned = 0;
    if (newer > 0) {
      learned = await this.suggester.train(this.pages(saved, until!, 'asc'), { signal: this.abort.signal, yieldEvery: YIELD_EVERY });
      if (this.abort.signal.aborted) return true;
      this.advance(until!, newer);
    }
    this.complete = true;
    this.stats.start = 'restored';
    this.stats.learned = learned;
    this.log.info('category model restored', { documents: this.suggester.documents, learned });
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
      : await this.suggester.train(this.pages(null, until, 'desc'), { signal: this.abort.signal, yieldEvery: YIELD_EVERY });
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
      this.suggester.learn(row(t));
    }
    this.advance(t.created_at, 1);
    this.changed();
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
      documents: this.suggester.documents, model: JSON.stringify(this.suggester.toJSON()), saved_at: this.opts.now().toISOString(),
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

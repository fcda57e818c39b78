import type { Kysely } from 'kysely';
import type { CategorySuggestion } from '../../shared/contract';
import type { DB } from '../store/schema';
import type { Logger } from '../log';
import { features, NaiveBayes } from './naive-bayes';

/** Tickets learned from at start: the most recent ones say most about today's appeals. */
const TRAIN_LIMIT = 50_000;
/** Learned per turn of the event loop, so SIP timers and IPC keep running while it trains. */
const CHUNK = 100;

/**
 * Suggests the category of the appeal being typed, learned from the centre's own tickets: trained
 * in small slices after start, then kept current as tickets are registered.
 */
export class CategorySuggester {
  private readonly model = new NaiveBayes();
  private paths = new Map<string, string>();
  private trained: Promise<void> | null = null;

  constructor(private readonly db: Kysely<DB>, private readonly log: Logger) {}

  start(signal?: AbortSignal): Promise<void> {
    this.trained ??= this.train(signal).catch((e: unknown) => this.log.error('category model training failed', { error: String(e) }));
    return this.trained;
  }

  private async train(signal?: AbortSignal) {
    const cats = await this.db.selectFrom('categories').select(['id', 'name', 'parent_id']).execute();
    const byId = new Map(cats.map((c) => [c.id, c]));
    for (const c of cats) {
      const names: string[] = [];
      for (let x: typeof c | undefined = c; x; x = x.parent_id ? byId.get(x.parent_id) : undefined) names.unshift(x.name);
      this.paths.set(c.id, names.join(' / '));
    }
    const rows = await this.db.selectFrom('tickets').select(['title', 'content', 'category_id'])
      .where('category_id', 'is not', null).where('status', '<>', 'merged').orderBy('created_at', 'desc').limit(TRAIN_LIMIT).execute();
    for (let i = 0; i < rows.length; i += CHUNK) {
      if (signal?.aborted) return;
      for (const r of rows.slice(i, i + CHUNK)) this.model.learn(features(r.title, r.content), r.category_id!);
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.log.info('category model trained', { tickets: rows.length });
  }

  learn(title: string, content: string, categoryId: string): void {
    this.model.learn(features(title, content), categoryId);
  }

  suggest(title: string, content: string, k = 3): CategorySuggestion[] {
    return this.model.suggest(features(title, content), k)
      .map((s) => ({ categoryId: s.label, path: this.paths.get(s.label) ?? '', probability: Math.round(s.probability * 1000) / 1000 }));
  }
}

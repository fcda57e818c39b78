/**
 * Category suggestion on the bench store (run.ts; BENCH_TICKETS=20000 for the 20k-ticket size):
 * the shipped service (electron/classify, persisted) against the model shipped before it
 * (electron/suggest, frozen in test/eval/legacy-naive-bayes.ts), both on the same latest
 * min(BENCH_TICKETS, 50k) tickets and the 151 leaf categories of the demo taxonomy.
 *
 * - start: the service's cold training from the store (what the old one did at every start)
 *   against its warm restore of the saved model;
 * - suggest: the `tickets.suggestCategory` path (top 3 leaves, mapped to the contract) for
 *   generated tickets the models have not seen;
 * - learn: one newly registered ticket.
 * Works on a copy of the store, so the cached one stays without a saved model.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { CategoryService, TRAIN_LIMIT } from '../../electron/classify/category-service';
import { CategorySuggester } from '../../electron/classify/category-suggester';
import { DEFAULT_REFERENCE_DATE, generateReferenceData, generateTickets } from '../../electron/demo';
import { silentLogger } from '../../electron/log';
import { openSqliteStore } from '../../electron/store/sqlite';
import * as legacy from '../eval/legacy-naive-bayes';
import { measure, type Row } from './harness';

const QUERIES = 2000;

export async function benchCategory(file: string, work: string, seed: number, log: (s: string) => void): Promise<Row[]> {
  log('category suggestion ...');
  const copy = join(work, 'category.sqlite');
  copyFileSync(file, copy);
  const store = await openSqliteStore(copy);
  try {
    const db = store.db;
    const cats = await db.selectFrom('categories').select(['id', 'name', 'parent_id', 'level']).execute();
    const byId = new Map(cats.map((c) => [c.id, c]));
    const paths = new Map(cats.map((c) => {
      const names: string[] = [];
      for (let x: typeof c | undefined = c; x; x = x.parent_id ? byId.get(x.parent_id) : undefined) names.unshift(x.name);
      return [c.id, names.join(' / ')];
    }));

    // Start: cold training against a warm restore, through the service.
    const box: { svc: CategoryService | null } = { svc: null };
    const cold = await measure(3, async () => {
      await box.svc?.close();
      await db.deleteFrom('category_model').execute();
      box.svc = new CategoryService(db, silentLogger);
      await box.svc.start();
    });
    const warm = await measure(5, async () => {
      await box.svc?.close();
      box.svc = new CategoryService(db, silentLogger);
      await box.svc.start();
      if (box.svc.stats.start !== 'restored') throw new Error('the saved category model was not restored');
    });
    const service = box.svc!;
    const documents = service.stats.ticketsRead === 0 ? (await db.selectFrom('category_model').select('documents').executeTakeFirstOrThrow()).documents : NaN;
    const modelMb = ((await db.selectFrom('category_model').select('model').executeTakeFirstOrThrow()).model.length / 1024 / 1024).toFixed(1);

    // The old model, trained as the old service did: one query for the latest 50k, then learn.
    const rows = await db.selectFrom('tickets').select(['title', 'content', 'category_id'])
      .where('category_id', 'is not', null).where('status', '<>', 'merged').orderBy('created_at', 'desc').limit(TRAIN_LIMIT).execute();
    const old = new legacy.NaiveBayes();
    const oldTrain = await measure(1, () => { for (const r of rows) old.learn(legacy.features(r.title, r.content), r.category_id!); });
    // The new model on the same rows in memory, for learn timings beside the old one.
    const fresh = new CategorySuggester();
    const newTrain = await measure(1, () => { for (const r of rows) fresh.learn({ title: r.title, text: r.content, categoryId: r.category_id! }); });

    // Queries: tickets generated with another seed over the same taxonomy, as typed (title + content).
    const unseen = [...generateTickets({ seed: seed + 1, count: QUERIES + 1000, referenceDate: DEFAULT_REFERENCE_DATE, days: 30, reference: generateReferenceData(seed) })]
      .map((b) => ({ title: b.ticket.title, content: b.ticket.content, categoryId: b.ticket.category_id! }));
    const queries = unseen.slice(0, QUERIES);
    const learnRows = unseen.slice(QUERIES);
    const q = (i: number) => queries[(i + queries.length) % queries.length]!;
    const suggestNew = await measure(queries.length, (i) => service.suggest(q(i).title, q(i).content, 3), { warmup: 200, unit: 'queries' });
    const suggestOld = await measure(queries.length, (i) => old.suggest(legacy.features(q(i).title, q(i).content), 3)
      .map((s) => ({ categoryId: s.label, path: paths.get(s.label) ?? '', probability: Math.round(s.probability * 1000) / 1000 })), { warmup: 200, unit: 'queries' });
    let hitNew = 0, hitOld = 0;
    for (const t of queries) {
      if (service.suggest(t.title, t.content, 1)[0]?.categoryId === t.categoryId) hitNew++;
      if (old.suggest(legacy.features(t.title, t.content), 1)[0]?.label === t.categoryId) hitOld++;
    }
    log(`  unseen generated tickets, leaf top-1: new ${(hitNew / queries.length * 100).toFixed(1)} %, old ${(hitOld / queries.length * 100).toFixed(1)} % (synthetic text: a sanity check only)`);
    const l = (i: number) => learnRows[Math.max(0, i)]!;
    const learnNew = await measure(learnRows.length, (i) => fresh.learn({ title: l(i).title, text: l(i).content, categoryId: l(i).categoryId }), { unit: 'tickets' });
    const learnOld = await measure(learnRows.length, (i) => old.learn(legacy.features(l(i).title, l(i).content), l(i).categoryId), { unit: 'tickets' });
    await service.close();

    const n = `${rows.length.toLocaleString('en')} tickets, ${cats.filter((c) => c.level === 3).length} leaves`;
    const oldBase = (name: string, sample: typeof cold) => ({ name: `old model (electron/suggest): ${name}`, sample });
    return [
      { name: `category model start, warm: restore the saved model (${modelMb} MB JSON, ${documents.toLocaleString('en')} docs)`, sample: warm, baseline: { name: `cold: train from the store (${n})`, sample: cold } },
      { name: 'category model cold start (new; the old one retrained like this at every start)', sample: cold },
      { name: `category model train in memory (${n})`, sample: newTrain, baseline: oldBase('same', oldTrain) },
      { name: 'category suggest: top 3 leaves for an unseen ticket (service)', sample: suggestNew, baseline: oldBase('same', suggestOld) },
      { name: 'old model (electron/suggest): category suggest', sample: suggestOld },
      { name: 'category model learn one registered ticket', sample: learnNew, baseline: oldBase('same', learnOld) },
      { name: 'old model (electron/suggest): learn one ticket', sample: learnOld },
    ];
  } finally {
    await store.close();
  }
}

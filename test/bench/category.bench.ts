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
 * - learn: one newly registered ticket;
 * - refit: the linear model refit in its worker from the newest REFIT_LIMIT tickets, timed end to
 *   end (store pages read on the main thread, fit in the worker), with the main thread's
 *   event-loop lateness sampled by a 1 ms timer throughout; suggest with the linear model, and a
 *   correction (naive Bayes relearn + linear nudge).
 * Works on a copy of the store, so the cached one stays without a saved model.
 * Alone: `npx tsx test/bench/category.bench.ts` (BENCH_TICKETS, default 1,000,000: the cached
 * bench store, built first when missing).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CategoryService, REFIT_LIMIT, TRAIN_LIMIT } from '../../electron/classify/category-service';
import { CategorySuggester } from '../../electron/classify/category-suggester';
import { DEFAULT_REFERENCE_DATE, generateReferenceData, generateTickets } from '../../electron/demo';
import { silentLogger } from '../../electron/log';
import { openSqliteStore } from '../../electron/store/sqlite';
import * as legacy from '../eval/legacy-naive-bayes';
import { markdownTable, measure, type Row, type Sample } from './harness';
import { BENCH_SEED, ensureBenchStore } from './store-cache';

/** Runs `work` while a 1 ms timer chain records how late each tick fires: the main thread's event-loop delay. */
async function lateness<T>(work: () => Promise<T>): Promise<{ result: T; sample: Sample; ms: number }> {
  const late: number[] = [];
  let on = true;
  let expected = performance.now() + 1;
  const tick = () => {
    const now = performance.now();
    late.push(Math.max(0, now - expected));
    expected = now + 1;
    if (on) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const t0 = performance.now();
  try {
    const result = await work();
    return { result, sample: { ms: late.sort((a, b) => a - b), unitsPerIteration: 1, unit: 'ticks' }, ms: performance.now() - t0 };
  } finally {
    on = false;
  }
}

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
      box.svc = new CategoryService(db, silentLogger, { refit: false });
      await box.svc.start();
    });
    const warm = await measure(5, async () => {
      await box.svc?.close();
      box.svc = new CategoryService(db, silentLogger, { refit: false });
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

    // The linear refit in its worker, with the main thread's event-loop lateness meanwhile; an idle baseline beside it.
    const idle = await lateness(() => new Promise((r) => setTimeout(r, 3000)));
    const refit = await lateness(() => service.refitNow());
    const last = service.stats.lastRefit;
    if (!last || service.stats.refitFailures > 0) throw new Error('the category refit failed');
    const lin = service.suggester.linear!;
    log(`  refit: ${last.rows} tickets, ${lin.labels.length} labels, ${lin.vocabulary} features, ${lin.entries} weights; worker fit ${fmtS(last.fitMs)}, `
      + `end to end ${fmtS(last.totalMs)}; event-loop lateness p99 ${refit.sample.ms[Math.floor(refit.sample.ms.length * 0.99)]!.toFixed(2)} ms, `
      + `max ${refit.sample.ms[refit.sample.ms.length - 1]!.toFixed(1)} ms over ${refit.sample.ms.length} ticks`);
    const refitRun: Sample = { ms: [refit.ms], unitsPerIteration: last.rows, unit: 'tickets' };
    const suggestLinear = await measure(queries.length, (i) => service.suggest(q(i).title, q(i).content, 3), { warmup: 200, unit: 'queries' });
    let hitLinear = 0;
    for (const t of queries) if (service.suggest(t.title, t.content, 1)[0]?.categoryId === t.categoryId) hitLinear++;
    log(`  unseen generated tickets, leaf top-1 with the linear model: ${(hitLinear / queries.length * 100).toFixed(1)} %`);
    const s2 = service.suggester;
    const correct = await measure(learnRows.length, (i) => {
      const r = l(i);
      s2.relearn({ title: r.title, text: r.content, categoryId: r.categoryId }, { title: r.title, text: r.content, categoryId: queries[Math.max(0, i)]!.categoryId });
    }, { unit: 'corrections' });
    const learnBlended = await measure(learnRows.length, (i) => s2.learn({ title: l(i).title, text: l(i).content, categoryId: l(i).categoryId }), { unit: 'tickets' });
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
      { name: `category linear refit in the worker, end to end (newest ${Math.min(REFIT_LIMIT, rows.length).toLocaleString('en')} tickets)`, sample: refitRun },
      { name: 'main-thread event-loop lateness during the refit (1 ms timer)', sample: refit.sample, baseline: { name: 'idle, 3 s', sample: idle.sample } },
      { name: 'category suggest with the linear model (service, top 3 leaves)', sample: suggestLinear, baseline: { name: 'naive Bayes only', sample: suggestNew } },
      { name: 'category learn one ticket (NB, with a linear model fitted)', sample: learnBlended },
      { name: 'category correction: NB unlearn + learn, linear nudge', sample: correct },
    ];
  } finally {
    await store.close();
  }
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// Alone: the category rows only, on the cached bench store.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tickets = Number(process.env.BENCH_TICKETS ?? 1_000_000);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const built = await ensureBenchStore(tickets, BENCH_SEED, log);
  const work = mkdtempSync(join(tmpdir(), 'hotline-bench-category-'));
  try {
    const rows = await benchCategory(built.file, work, BENCH_SEED, log);
    console.log(`\n### Category suggestion: ${tickets.toLocaleString('en')}-ticket store (seed ${BENCH_SEED})\n`);
    console.log(markdownTable(rows));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Intake save and screen pop on the SQLite store at 1M tickets, three copies side by side, saves
 * alternating between them so that all see the same machine load:
 *   - the cached demo store as it is written, without a search index (what this bench measured
 *     until 2026-12);
 *   - the same store with its search index built (as a console holds it once its background rebuild
 *     is done), each save's document moved into the main index before the save returns: the index's
 *     upkeep as it was before migration 0030 (FTS5's automerge merging hundreds of pages inside the
 *     commit of about one save in 40);
 *   - the same, saves writing the small fresh index (migration 0030), folded into the main one later
 *     in the background; the fold of everything the run saved is timed after the run, per transaction,
 *     in the folder's batches (fold.ts).
 * Issue 11's SQLite budget is intake save p99 ≤ 5 ms at 1M tickets.
 *
 * `BENCH_ONLY=intake-sqlite npm run bench` (BENCH_TICKETS, default 1,000,000; BENCH_ITER saves per
 * store, default 2000; BENCH_INTAKE_GAP_MS between two saves, default 0: back to back).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
import { foldFreshIndex, freshIndexSize } from '../../electron/store/search';
import { BACKGROUND_SLICE_MS, nextBatchSize } from '../../electron/util/time-slice';
import type { SessionInfo } from '../../shared/contract';
import { buildServices, type Services } from '../store/services';
import type { Row, Sample } from './harness';
import { agentOn } from './both-stores.bench';

interface Side { store: Store; s: Services; session: SessionInfo; save: number[]; pop: number[] }

async function side(source: string, work: string, name: string): Promise<Side> {
  const file = join(work, name);
  copyFileSync(source, file);
  const store = await openSqliteStore(file);
  store.checkpointer!.start();
  const s = await buildServices(store, () => new Date());
  return { store, s, session: await agentOn(s, store), save: [], pop: [] };
}

export async function benchIntakeSqlite(plainSource: string, indexedSource: string, work: string, iterations: number, log: (s: string) => void): Promise<{ rows: Row[]; note: string }> {
  const gap = Number(process.env.BENCH_INTAKE_GAP_MS ?? 0);
  if (!Number.isFinite(gap) || gap < 0) throw new Error('BENCH_INTAKE_GAP_MS must be a number ≥ 0');
  log(`intake save, SQLite: no search index, main index written by each save, fresh index; alternating${gap ? `, ${gap} ms apart` : ''} ...`);
  const plain = await side(plainSource, work, 'plain.sqlite');
  const before = await side(indexedSource, work, 'main-per-save.sqlite');
  const after = await side(indexedSource, work, 'fresh.sqlite');
  const sides = [plain, before, after];
  try {
    const samples = await after.store.db.selectFrom('tickets').select(['title', 'content', 'category_id']).orderBy('created_at', 'desc').limit(500).execute();
    const phones = (await after.store.db.selectFrom('citizens').select('phone').orderBy('phone').limit(1000).execute()).map((r) => r.phone);
    const leaf = (await after.store.db.selectFrom('categories').select('id').where('level', '=', 3).executeTakeFirstOrThrow()).id;
    for (let i = -30; i < iterations; i++) {
      const t = samples[Math.abs(i) % samples.length]!;
      // The order rotates each round: no side always runs right after another.
      for (let k = 0; k < sides.length; k++) {
        const x = sides[(i + 30 + k) % sides.length]!;
        if (gap > 0) await new Promise((r) => setTimeout(r, gap));
        const input = {
          channel: 'phone' as const, citizen: { phone: `139${String(10_000_000 + Math.abs(i) * 7919).slice(-8)}`, confidential: false }, appealType: 'complaint' as const,
          categoryId: t.category_id ?? leaf, urgency: 'normal' as const, title: t.title, content: t.content,
        };
        let t0 = performance.now();
        await x.s.intake.create(input, x.session);
        // Before migration 0030 the save's own commit wrote the main index: here the document moves there at once.
        if (x === before) foldFreshIndex(x.store.sqlite!, 1);
        if (i >= 0) x.save.push(performance.now() - t0);
        const phone = phones[(Math.abs(i) * 7919) % phones.length] ?? '13800000000';
        t0 = performance.now();
        await x.store.db.selectFrom('tickets').select(['id', 'number', 'created_at', 'status', 'appeal_type', 'title']).where('phone', '=', phone).orderBy('created_at', 'desc').limit(20).execute();
        if (i >= 0) x.pop.push(performance.now() - t0);
      }
    }
  } finally {
    for (const x of sides) if (x !== after) await x.store.close();
  }
  // What the fresh side left for the background: fold it all as the console's folder does (fold.ts:
  // transactions sized to BACKGROUND_SLICE_MS), timing each transaction (how long main's thread is held).
  const fresh = freshIndexSize(after.store.sqlite!);
  const folds: number[] = [];
  for (let size = 16; ;) {
    const t0 = performance.now();
    const r = foldFreshIndex(after.store.sqlite!, size);
    const ms = performance.now() - t0;
    folds.push(ms);
    if (r.left === 0 || r.moved === 0) break;
    size = nextBatchSize({ size: r.moved, ms }, BACKGROUND_SLICE_MS, 8, 512);
  }
  await after.store.close();
  const sample = (ms: number[], unit: string): Sample => ({ ms: [...ms].sort((a, b) => a - b), unitsPerIteration: 1, unit });
  const rows: Row[] = [
    { name: 'intake save, store without its search index', sample: sample(plain.save, 'saves') },
    { name: 'intake save, index built, main index written by each save (before)', sample: sample(before.save, 'saves') },
    { name: 'intake save, index built, fresh index (after; p99 budget 5 ms)', sample: sample(after.save, 'saves'), baseline: { name: 'before', sample: sample(before.save, 'saves') } },
    { name: 'fold of the fresh index afterwards, per transaction (main\'s thread held)', sample: sample(folds, 'folds') },
    { name: 'screen pop, store without its search index', sample: sample(plain.pop, 'queries') },
    { name: 'screen pop, index built, main index per save (before)', sample: sample(before.pop, 'queries') },
    { name: 'screen pop, index built, fresh index (after)', sample: sample(after.pop, 'queries'), baseline: { name: 'before', sample: sample(before.pop, 'queries') } },
  ];
  const over = (ms: number[], limit: number) => ms.filter((v) => v > limit).length;
  const note = `Saves over 5 ms: ${over(plain.save, 5)} without the index, ${over(before.save, 5)} before, ${over(after.save, 5)} after; over 20 ms: `
    + `${over(plain.save, 20)}, ${over(before.save, 20)}, ${over(after.save, 20)} (of ${iterations} each). The fresh index held ${fresh} documents at the end; `
    + `folding them took ${folds.length} transactions, ${folds.reduce((a, b) => a + b, 0).toFixed(0)} ms in all, ${(folds.reduce((a, b) => a + b, 0) / Math.max(1, fresh)).toFixed(2)} ms a document.`;
  return { rows, note };
}

/**
 * Intake save and screen pop on the SQLite store at 1M tickets, two copies side by side, saves
 * alternating between them so that both see the same machine load: the cached demo store as it is
 * written (no search index: what this bench measured until 2026-12) and the same store with its
 * search index built, as a console holds it once its background rebuild is done. The difference is
 * the index's upkeep: each save adds a segment to two FTS5 tables, and FTS5's automerge merges
 * segments inside the commit of about one save in 40 (hundreds of pages at 1M). Issue 11's SQLite
 * budget is intake save p99 ≤ 5 ms at 1M tickets.
 *
 * `BENCH_ONLY=intake-sqlite npm run bench` (BENCH_TICKETS, default 1,000,000; BENCH_ITER saves per
 * store, default 2000; BENCH_INTAKE_GAP_MS between two saves, default 0: back to back).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
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
  log(`intake save, SQLite: store without its search index vs with it, alternating${gap ? `, ${gap} ms apart` : ''} ...`);
  const plain = await side(plainSource, work, 'plain.sqlite');
  const indexed = await side(indexedSource, work, 'indexed.sqlite');
  try {
    const samples = await indexed.store.db.selectFrom('tickets').select(['title', 'content', 'category_id']).orderBy('created_at', 'desc').limit(500).execute();
    const phones = (await indexed.store.db.selectFrom('citizens').select('phone').orderBy('phone').limit(1000).execute()).map((r) => r.phone);
    const leaf = (await indexed.store.db.selectFrom('categories').select('id').where('level', '=', 3).executeTakeFirstOrThrow()).id;
    for (let i = -30; i < iterations; i++) {
      const t = samples[Math.abs(i) % samples.length]!;
      // Odd rounds start with the indexed store, even ones with the other: neither always runs right after the other.
      for (const x of i % 2 ? [indexed, plain] : [plain, indexed]) {
        if (gap > 0) await new Promise((r) => setTimeout(r, gap));
        const input = {
          channel: 'phone' as const, citizen: { phone: `139${String(10_000_000 + Math.abs(i) * 7919).slice(-8)}`, confidential: false }, appealType: 'complaint' as const,
          categoryId: t.category_id ?? leaf, urgency: 'normal' as const, title: t.title, content: t.content,
        };
        let t0 = performance.now();
        await x.s.intake.create(input, x.session);
        if (i >= 0) x.save.push(performance.now() - t0);
        const phone = phones[(Math.abs(i) * 7919) % phones.length] ?? '13800000000';
        t0 = performance.now();
        await x.store.db.selectFrom('tickets').select(['id', 'number', 'created_at', 'status', 'appeal_type', 'title']).where('phone', '=', phone).orderBy('created_at', 'desc').limit(20).execute();
        if (i >= 0) x.pop.push(performance.now() - t0);
      }
    }
  } finally {
    await plain.store.close();
    await indexed.store.close();
  }
  const sample = (ms: number[], unit: string): Sample => ({ ms: [...ms].sort((a, b) => a - b), unitsPerIteration: 1, unit });
  const rows = [
    { name: 'intake save, store without its search index', sample: sample(plain.save, 'saves') },
    { name: 'intake save, search index built (p99 budget 5 ms)', sample: sample(indexed.save, 'saves'), baseline: { name: 'no index', sample: sample(plain.save, 'saves') } },
    { name: 'screen pop, store without its search index', sample: sample(plain.pop, 'queries') },
    { name: 'screen pop, search index built', sample: sample(indexed.pop, 'queries'), baseline: { name: 'no index', sample: sample(plain.pop, 'queries') } },
  ];
  const over = (ms: number[], limit: number) => ms.filter((v) => v > limit).length;
  const note = `Saves over 5 ms: ${over(plain.save, 5)} without the index, ${over(indexed.save, 5)} with it; over 20 ms: ${over(plain.save, 20)} and ${over(indexed.save, 20)} (of ${iterations} each).`;
  return { rows, note };
}

/**
 * Intake save and screen pop on the SQLite store, Kysely preparing each statement anew (before)
 * against the store's statement cache (after; sqlite.ts withStatementCache): two copies of the cached
 * bench store, saves alternating between them so that both see the same machine load. Issue 11's
 * SQLite budget is intake save p99 ≤ 5 ms at 1M tickets. `BENCH_ONLY=intake-sqlite npm run bench`
 * (BENCH_TICKETS, default 1,000,000; BENCH_ITER saves per store, default 2000).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
import type { SessionInfo } from '../../shared/contract';
import { buildServices, type Services } from '../store/services';
import type { Row, Sample } from './harness';
import { agentOn } from './both-stores.bench';

interface Side { store: Store; s: Services; session: SessionInfo; save: number[]; pop: number[] }

async function side(source: string, work: string, name: string, statementCache: boolean): Promise<Side> {
  const file = join(work, name);
  copyFileSync(source, file);
  const store = await openSqliteStore(file, { statementCache });
  store.checkpointer!.start();
  const s = await buildServices(store, () => new Date());
  return { store, s, session: await agentOn(s, store), save: [], pop: [] };
}

export async function benchIntakeSqlite(source: string, work: string, iterations: number, log: (s: string) => void): Promise<Row[]> {
  log('intake save, SQLite: prepare per query vs statement cache, alternating ...');
  const before = await side(source, work, 'prepare-each.sqlite', false);
  const after = await side(source, work, 'cached.sqlite', true);
  try {
    const samples = await after.store.db.selectFrom('tickets').select(['title', 'content', 'category_id']).orderBy('created_at', 'desc').limit(500).execute();
    const phones = (await after.store.db.selectFrom('citizens').select('phone').orderBy('phone').limit(1000).execute()).map((r) => r.phone);
    const leaf = (await after.store.db.selectFrom('categories').select('id').where('level', '=', 3).executeTakeFirstOrThrow()).id;
    for (let i = -30; i < iterations; i++) {
      const t = samples[Math.abs(i) % samples.length]!;
      // Odd rounds start with the cache, even ones without: neither always runs right after the other.
      for (const x of i % 2 ? [after, before] : [before, after]) {
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
    await before.store.close();
    await after.store.close();
  }
  const sample = (ms: number[], unit: string): Sample => ({ ms: [...ms].sort((a, b) => a - b), unitsPerIteration: 1, unit });
  return [
    { name: 'intake save, SQLite, prepare per query (before)', sample: sample(before.save, 'saves') },
    { name: 'intake save, SQLite, statement cache (after; p99 budget 5 ms)', sample: sample(after.save, 'saves'), baseline: { name: 'before', sample: sample(before.save, 'saves') } },
    { name: 'screen pop via Kysely, prepare per query (before)', sample: sample(before.pop, 'queries') },
    { name: 'screen pop via Kysely, statement cache (after)', sample: sample(after.pop, 'queries'), baseline: { name: 'before', sample: sample(before.pop, 'queries') } },
  ];
}

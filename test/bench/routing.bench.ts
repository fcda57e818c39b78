/**
 * 智能派单 on a large store: suggest and learn p50/p99 (BENCH_ONLY=routing npm run bench).
 *
 * A SQLite store is filled with the counts of BENCH_ROUTING_TICKETS generated dispatches (default
 * 1,000,000; test/eval/routing-generated.ts, planted rules and noise, one every ten minutes over
 * ~19 years of days, so the dated rows are as many as a real history's), learned in batches
 * through the same repository the workflow writes with. Then, on held-out tickets:
 * - suggest: routing keys, the one read of their all-time counts, ranking, and the 90-day count
 *   of the top department's reason (what DepartmentRouting.suggest does beyond reading the ticket);
 * - learn: the counts of one signed dispatch, in its own transaction (what a sign adds).
 * The baseline is the same on a store of 10,000 dispatches: the ratio shows whether the cost grows
 * with the history (it should not: reads are by key).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDatedKey, outcomeDeltas, rankDepartments, routingKeys, streetNamedIn, type RoutingTicket, type TallyDelta } from '../../electron/classify/department-suggester';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
import { inTransaction } from '../../electron/store/repos/db';
import { addTallies, recentTally, tallyRows } from '../../electron/store/repos/routing';
import { chinaDateKey, DAY_MS } from '../../shared/domain/china-time';
import { generateTickets, generateWorld, type GenTicket, type GenWorld } from '../eval/routing-generated';
import { measure, type Row } from './harness';

const ITER = 2000;

function deltasOf(w: GenWorld, g: GenTicket): { t: RoutingTicket; deltas: TallyDelta[] } {
  const t = g.ticket.streetCode ? g.ticket : { ...g.ticket, streetCode: streetNamedIn(g.ticket.title, w.streets, g.ticket.districtCode) };
  const deltas: TallyDelta[] = [];
  for (const wrong of g.returnedBy) deltas.push(...outcomeDeltas(t, wrong, 'lead', 'returned'));
  deltas.push(...outcomeDeltas(t, g.signedBy, 'lead', 'signed'));
  if (g.coSigned) deltas.push(...outcomeDeltas(t, g.coSigned, 'co', 'signed'));
  return { t, deltas };
}

async function fill(store: Store, w: GenWorld, tickets: GenTicket[], log: (s: string) => void): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < tickets.length; i += 5000) {
    await inTransaction(store.db, async (trx) => {
      for (const g of tickets.slice(i, i + 5000)) {
        const { t, deltas } = deltasOf(w, g);
        await addTallies(trx, deltas, chinaDateKey(new Date(g.at)), new Set(routingKeys(t).filter(isDatedKey).map((k) => k.key)));
      }
    });
    if ((i / 5000) % 20 === 0) log(`routing bench: learned ${i + 5000} of ${tickets.length} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

async function measureStore(n: number, dir: string, log: (s: string) => void) {
  const world = generateWorld(7);
  const all = generateTickets(world, n + ITER, 11);
  const store = await openSqliteStore(join(dir, `routing-${n}.sqlite`));
  try {
    const t0 = performance.now();
    await fill(store, world, all.slice(0, n), log);
    const fillMs = performance.now() - t0;
    const rows = Number((await store.db.selectFrom('department_tallies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const held = all.slice(n);
    const now = all[n - 1]!.at;
    const fromDay = chinaDateKey(new Date(now - 89 * DAY_MS));
    const suggest = await measure(ITER, async (i) => {
      const { t } = deltasOf(world, held[Math.max(0, i) % held.length]!);
      const keys = routingKeys(t);
      const s = rankDepartments(keys, await tallyRows(store.db, keys.map((k) => k.key)));
      const top = s.lead[0];
      const key = top && keys.find((k) => k.basis === top.basis && k.role === 'lead');
      if (top && key && isDatedKey(key)) await recentTally(store.db, key.key, top.departmentId, fromDay);
    }, { warmup: 50, unit: 'suggestions' });
    const learn = await measure(ITER, async (i) => {
      const g = held[Math.max(0, i) % held.length]!;
      const { t, deltas } = deltasOf(world, g);
      await inTransaction(store.db, (trx) => addTallies(trx, deltas, chinaDateKey(new Date(g.at)), new Set(routingKeys(t).filter(isDatedKey).map((k) => k.key))));
    }, { warmup: 20, unit: 'learns' });
    return { suggest, learn, rows, fillMs };
  } finally {
    await store.close();
  }
}

export async function benchRouting(tickets: number, log: (s: string) => void): Promise<{ rows: Row[]; note: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-routing-'));
  try {
    const small = await measureStore(10_000, dir, log);
    const large = await measureStore(tickets, dir, log);
    return {
      rows: [
        { name: `routing suggest (${tickets.toLocaleString('en')} dispatches)`, sample: large.suggest, baseline: { name: 'same, 10,000 dispatches', sample: small.suggest } },
        { name: `routing learn one sign (${tickets.toLocaleString('en')} dispatches)`, sample: large.learn, baseline: { name: 'same, 10,000 dispatches', sample: small.learn } },
      ],
      note: `department_tallies: ${large.rows.toLocaleString('en')} rows for ${tickets.toLocaleString('en')} dispatches (filled in ${(large.fillMs / 1000).toFixed(0)} s); ${small.rows.toLocaleString('en')} for 10,000.`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

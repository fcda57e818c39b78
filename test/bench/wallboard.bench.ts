/**
 * The wallboard's KPI read on a big SQLite store (issue 13: pushed and incremental): `stats.kpis`
 * for the last 30 China days as it was (a scan of the ticket history, KpiService.fromHistory) and as
 * it is (the daily counts kept by the history's writer, KpiService.lastDays), and what an agent's
 * request (a ticket's detail and timeline, a screen pop by phone) waits while a wallboard reads.
 *
 * An agent's request is due every 10 ms while wallboards read back to back (each read a new
 * macrotask, as requests from sockets are: far more reads than real wallboards make, which read on
 * stats.changed); its wait is counted from when it was due to when it answered, so time lost to a
 * blocked event loop (better-sqlite3 runs each statement synchronously) counts as well as time
 * queued behind the wallboard's statements.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_REFERENCE_DATE } from '../../electron/demo';
import { KpiService } from '../../electron/services/kpi';
import { TicketQueries } from '../../electron/services/tickets';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
import { ticketTimeline } from '../../electron/store/repos/ticket-events';
import { measure, percentile, type Row, type Sample } from './harness';
import { ensureBenchStore, BENCH_SEED } from './store-cache';
import { OVERVIEW_MAX_AGE_MS, sharedRead } from '../../electron/app/handlers/stats';
import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';

const AGENT_EVERY_MS = 10;

/** The overview as it was before migration 0022: its groupings over the whole tickets table. */
function oldOverview(store: Store, open: readonly string[]) {
  const sqlite = store.sqlite!;
  const marks = open.map(() => '?').join(',');
  const statements = [
    sqlite.prepare(`select count(*) n from tickets where status in (${marks})`),
    sqlite.prepare('select status, count(*) n from tickets group by status'),
    sqlite.prepare('select appeal_type, count(*) n from tickets group by appeal_type'),
    sqlite.prepare(`select d.name, count(*) n from tickets t join divisions d on d.code = t.district_code where t.status in (${marks}) group by d.name order by n desc`),
  ];
  return async () => statements.map((st, i) => (i === 0 || i === 3 ? st.all(...open) : st.all()));
}
const now = new Date(DEFAULT_REFERENCE_DATE);
const DAYS = 30;

function sampleOf(ms: number[], unit: string): Sample {
  return { ms: [...ms].sort((a, b) => a - b), unitsPerIteration: 1, unit };
}

/** One agent request: the ticket's row and timeline, then a screen pop by the caller's phone. */
async function agentRequest(store: Store, t: { id: string; phone: string | null }): Promise<void> {
  await store.db.selectFrom('tickets').selectAll().where('id', '=', t.id).executeTakeFirst();
  await ticketTimeline(store.db, t.id);
  if (t.phone) {
    await store.db.selectFrom('tickets').select(['id', 'number', 'created_at', 'status', 'appeal_type', 'title'])
      .where('phone', '=', t.phone).orderBy('created_at', 'desc').limit(20).execute();
  }
}

/**
 * Agents' waits while `read` runs back to back for at least `windowMs` (and `minReads` times):
 * each request is due AGENT_EVERY_MS after the previous one, whatever the event loop is doing.
 */
async function agentWaits(store: Store, tickets: { id: string; phone: string | null }[], read: (() => Promise<unknown>) | null, windowMs: number, minReads = 1) {
  const waits: number[] = [];
  const start = performance.now();
  let reads = 0;
  let stop = false;
  const wallboard = (async () => {
    if (!read) return;
    while (!stop || reads < minReads) {
      await read();
      reads++;
      // The next wallboard's request arrives from a socket: a new macrotask, as agents' requests do.
      await new Promise((r) => setImmediate(r));
      if (performance.now() - start >= windowMs && reads >= minReads) stop = true;
    }
  })();
  const agents: Promise<void>[] = [];
  for (let k = 0; ; k++) {
    const due = start + k * AGENT_EVERY_MS;
    if (due - start >= windowMs && (!read || stop)) break;
    const delay = due - performance.now();
    // Wait for the due time (a blocked loop makes this late: the lateness is part of the wait).
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const t = tickets[k % tickets.length]!;
    // A timer may fire a little before its time: then the wait starts when the request is issued.
    const from = Math.min(due, performance.now());
    agents.push(agentRequest(store, t).then(() => { waits.push(performance.now() - from); }));
    if (k > 100_000) break;
  }
  stop = true;
  await Promise.all([wallboard, ...agents]);
  return { waits, reads };
}

export interface WallboardBench { rows: Row[]; notes: string[] }

/** Both measurements on a copy of the cached demo store with `tickets` tickets. */
export async function benchWallboard(ticketCount: number, work: string, log: (s: string) => void): Promise<WallboardBench> {
  const built = await ensureBenchStore(ticketCount, BENCH_SEED, log);
  log(built.builtMs === null ? `using cached ${built.file}` : `built ${built.file} in ${(built.builtMs / 1000).toFixed(1)} s`);
  const file = join(work, `wallboard-${ticketCount}.sqlite`);
  copyFileSync(built.file, file);
  const store = await openSqliteStore(file);
  const n = ticketCount.toLocaleString('en');
  try {
    const kpis = new KpiService(store.db, store.dialect);
    const overview = new TicketQueries(store.db, () => now);
    const fresh = await kpis.lastDays(DAYS, now);
    const scan = () => kpis.fromHistory(fresh.from, fresh.to);
    const same = JSON.stringify((await scan()).counts) === JSON.stringify(fresh.counts);
    log(`wallboard ${n}: KPI scan ...`);
    const oldSample = await measure(ticketCount >= 500_000 ? 5 : 10, scan, { warmup: 1, unit: 'reads' });
    log(`wallboard ${n}: KPI daily counts ...`);
    const newSample = await measure(1000, () => kpis.lastDays(DAYS, now), { warmup: 20, unit: 'reads' });
    const overviewSample = await measure(200, () => overview.overview(), { warmup: 5, unit: 'reads' });
    const before = oldOverview(store, OPEN_TICKET_STATES);
    const oldOverviewSample = await measure(ticketCount >= 500_000 ? 5 : 10, before, { warmup: 1, unit: 'reads' });

    const sqlite = store.sqlite!;
    const step = Math.max(1, Math.floor(ticketCount / 2000));
    const tickets = sqlite.prepare('select id, phone from tickets where rowid % ? = 0 limit 2000').all(step) as { id: string; phone: string | null }[];
    log(`wallboard ${n}: agents alone ...`);
    const windowMs = Math.max(3000, 3 * percentile(oldSample.ms, 50));
    const alone = await agentWaits(store, tickets, null, 3000);
    log(`wallboard ${n}: agents while wallboards scan (${(windowMs / 1000).toFixed(1)} s) ...`);
    const withScan = await agentWaits(store, tickets, scan, windowMs, 3);
    log(`wallboard ${n}: agents while wallboards read the daily counts ...`);
    const withDaily = await agentWaits(store, tickets, () => kpis.lastDays(DAYS, now), windowMs);
    log(`wallboard ${n}: agents while wallboards read the daily counts and the (shared) overview ...`);
    const sharedOverview = sharedRead(() => overview.overview(), OVERVIEW_MAX_AGE_MS);
    const withBoth = await agentWaits(store, tickets, () => Promise.all([kpis.lastDays(DAYS, now), sharedOverview()]), windowMs);
    log(`wallboard ${n}: agents while wallboards read the overview back to back, old and new ...`);
    const withOldOverview = await agentWaits(store, tickets, before, windowMs, 3);
    const withNewOverview = await agentWaits(store, tickets, () => overview.overview(), windowMs);
    const aloneSample = sampleOf(alone.waits, 'requests');
    const max = (w: number[]) => Math.max(...w);
    const rows: Row[] = [
      { name: `stats.kpis ${DAYS} days, daily counts (${n} tickets)`, sample: newSample, baseline: { name: 'old: scan of the history', sample: oldSample } },
      { name: `stats.overview from ticket_tallies (${n} tickets)`, sample: overviewSample, baseline: { name: 'old: groups over the tickets table', sample: oldOverviewSample } },
      { name: `agent request while wallboards read the overview back to back (${withNewOverview.reads} reads)`, sample: sampleOf(withNewOverview.waits, 'requests'), baseline: { name: `old overview (${withOldOverview.reads} reads)`, sample: sampleOf(withOldOverview.waits, 'requests') } },
      { name: `agent request while wallboards read the daily counts back to back (${withDaily.reads} reads)`, sample: sampleOf(withDaily.waits, 'requests'), baseline: { name: 'no wallboard', sample: aloneSample } },
      { name: `agent request while wallboards read daily counts + overview (one overview per ${OVERVIEW_MAX_AGE_MS / 1000} s, ${withBoth.reads} reads)`, sample: sampleOf(withBoth.waits, 'requests'), baseline: { name: 'no wallboard', sample: aloneSample } },
      { name: `agent request while wallboards scan back to back (old, ${withScan.reads} scans)`, sample: sampleOf(withScan.waits, 'requests'), baseline: { name: 'no wallboard', sample: aloneSample } },
    ];
    const notes = [
      `${n} tickets: daily counts equal the scan for the same ${DAYS} China days: ${same ? 'yes' : 'NO'}.`
        + ` stats.kpis p50 ${percentile(oldSample.ms, 50).toFixed(1)} ms → ${percentile(newSample.ms, 50).toFixed(3)} ms`
        + ` (${(percentile(oldSample.ms, 50) / percentile(newSample.ms, 50)).toFixed(0)}× faster), p99 ${percentile(oldSample.ms, 99).toFixed(1)} ms → ${percentile(newSample.ms, 99).toFixed(3)} ms`
        + ` (${(percentile(oldSample.ms, 99) / percentile(newSample.ms, 99)).toFixed(0)}×).`,
      `${n} tickets: an agent's request waits at most ${max(withScan.waits).toFixed(1)} ms while wallboards scan (old)`
        + `, ${max(withDaily.waits).toFixed(1)} ms while they read the daily counts (new), ${max(alone.waits).toFixed(1)} ms with no wallboard`
        + ` (old/new max ${(max(withScan.waits) / max(withDaily.waits)).toFixed(0)}×; p99 ${percentile(sampleOf(withScan.waits, '').ms, 99).toFixed(1)} → ${percentile(sampleOf(withDaily.waits, '').ms, 99).toFixed(1)} ms);`
        + ` ${max(withBoth.waits).toFixed(1)} ms while they read the daily counts and the shared overview (one per ${OVERVIEW_MAX_AGE_MS / 1000} s per process).`,
      `${n} tickets: stats.overview p50 ${percentile(oldOverviewSample.ms, 50).toFixed(1)} ms → ${percentile(overviewSample.ms, 50).toFixed(2)} ms`
        + ` (${(percentile(oldOverviewSample.ms, 50) / percentile(overviewSample.ms, 50)).toFixed(0)}×); an agent's request waits at most ${max(withOldOverview.waits).toFixed(1)} ms`
        + ` while wallboards read the old overview back to back, ${max(withNewOverview.waits).toFixed(1)} ms with the new one.`,
    ];
    return { rows, notes };
  } finally {
    await store.close();
    for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
  }
}

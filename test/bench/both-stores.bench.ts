/**
 * Both stores side by side on the same generated tickets (issue 11, "Benchmarks"): screen pop,
 * intake save (SQLite with its WAL checkpoint in the commit and off the request path; PostgreSQL
 * durable), similar tickets while typing, a claim race among 8 processes and how fast an event
 * crosses from one process to another. Called by run.ts; PostgreSQL is a private cluster with its
 * default durability (fsync, synchronous_commit on), as a center runs it.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { DEFAULT_REFERENCE_DATE, GENERATOR_VERSION, generateReferenceData, generateTickets } from '../../electron/demo';
import { InProcessEventBus } from '../../electron/events/bus';
import { silentLogger } from '../../electron/log';
import { migrations } from '../../electron/store/migrations';
import { openPostgresStore } from '../../electron/store/postgres';
import { openSqliteStore, type SqliteOptions, type Store } from '../../electron/store/sqlite';
import type { SessionInfo } from '../../shared/contract';
import { postgresBinDir, startPostgres, type PostgresServer } from '../support/postgres';
import { startServers, wallMs, type Received, type ServerProcess } from '../store/processes';
import { buildServices, type Services } from '../store/services';
import { writeReference, writeTickets } from '../store/seed';
import { fmtMs, measure, percentile, type Row, type Sample } from './harness';
import { benchCacheDir } from './store-cache';

const run = promisify(execFile);
const ITER = Number(process.env.BENCH_ITER ?? 1000);
const CLAIM_ROUNDS = Number(process.env.BENCH_CLAIM_ROUNDS ?? 30);
const PINGS = Number(process.env.BENCH_PINGS ?? 300);
const PROCESSES = 8;

export interface BothStoresResult { rows: Row[]; notes: string[] }

/** The PostgreSQL twin of the cached SQLite store, kept as a pg_dump beside it (restored in seconds, built in minutes). */
async function postgresStore(server: PostgresServer, tickets: number, seed: number, log: (s: string) => void): Promise<string> {
  const dump = join(benchCacheDir(), `pg-demo-s${seed}-n${tickets}-schema${migrations.length}-gen${GENERATOR_VERSION}.dump`);
  const url = await server.createDatabase();
  const bin = postgresBinDir();
  if (existsSync(dump)) {
    const t0 = performance.now();
    await run(join(bin, 'pg_restore'), ['-d', url, '-j', '2', '--no-owner', dump], { maxBuffer: 1 << 24 });
    log(`  restored ${dump} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // pg_restore brings no planner statistics: without them a restored store plans as if empty
    // (similar-while-typing took 81 ms instead of 1.4 ms at 1M, the claim race 653 ms instead of 55 ms).
    const restored = await openPostgresStore(url);
    try { await sql`analyze`.execute(restored.db); } finally { await restored.close(); }
    return url;
  }
  const t0 = performance.now();
  const store = await openPostgresStore(url);
  try {
    const ref = generateReferenceData(seed);
    await writeReference(store.db, ref);
    let last = 0;
    await writeTickets(store.db, (function* () {
      let n = 0;
      for (const b of generateTickets({ seed, count: tickets, referenceDate: DEFAULT_REFERENCE_DATE, reference: ref })) {
        if (++n - last >= 50_000) { last = n; log(`  PostgreSQL: ${n}/${tickets}`); }
        yield b;
      }
    })(), 2000);
    await sql`analyze`.execute(store.db);
  } finally {
    await store.close();
  }
  log(`  PostgreSQL: ${tickets} tickets written in ${((performance.now() - t0) / 1000).toFixed(0)} s; saving ${dump}`);
  await run(join(bin, 'pg_dump'), ['-Fc', '-f', `${dump}.partial`, url]);
  renameSync(`${dump}.partial`, dump);
  return url;
}

/** The bench's agent (bench01) on this store, made on first use. */
export async function agentOn(s: Services, store: Store): Promise<SessionInfo> {
  const found = await store.db.selectFrom('users').select('id').where('username', '=', 'bench01').executeTakeFirst();
  const id = found ? found.id : await s.users.create({ username: 'bench01', displayName: '压测', password: 'Bench-12345!', roles: ['agent'] }, null);
  return s.users.session(id);
}

/** Screen pop (last 20 tickets of a caller, the service's query), intake save and similar-while-typing on one store. */
async function perStore(store: Store, label: string, log: (s: string) => void): Promise<{ pop: Sample; save: Sample; similar: Sample }> {
  log(`${label}: screen pop, intake save, similar ...`);
  const s = await buildServices(store, () => new Date());
  const session = await agentOn(s, store);
  const phones = (await sql<{ phone: string }>`select phone from citizens order by phone limit 1000`.execute(store.db)).rows.map((r) => r.phone);
  const spread = phones.length ? phones : ['13800000000'];
  const pick = (i: number) => spread[(Math.abs(i) * 7919) % spread.length]!;
  const pop = await measure(1000, (i) => store.db.selectFrom('tickets').select(['id', 'number', 'created_at', 'status', 'appeal_type', 'title'])
    .where('phone', '=', pick(i)).orderBy('created_at', 'desc').limit(20).execute(), { warmup: 50, unit: 'queries' });
  const samples = await store.db.selectFrom('tickets').select(['title', 'content', 'category_id']).orderBy('created_at', 'desc').limit(500).execute();
  const leaf = (await store.db.selectFrom('categories').select('id').where('level', '=', 3).executeTakeFirstOrThrow()).id;
  const save = await measure(ITER, async (i) => {
    const t = samples[Math.abs(i) % samples.length]!;
    await s.intake.create({
      channel: 'phone', citizen: { phone: `139${String(10_000_000 + Math.abs(i) * 7919).slice(-8)}`, confidential: false }, appealType: 'complaint',
      categoryId: t.category_id ?? leaf, urgency: 'normal', title: t.title, content: t.content,
    }, session);
  }, { warmup: 20, unit: 'saves' });
  // While typing: the text so far, 6 to 60 characters of a real appeal.
  const similar = await measure(500, async (i) => {
    const t = samples[(Math.abs(i) * 31) % samples.length]!;
    const text = `${t.title}${t.content}`;
    await s.similar.find({ categoryId: t.category_id ?? leaf, text: text.slice(0, 6 + (Math.abs(i) * 13) % 55), limit: 5 }, session);
  }, { warmup: 20, unit: 'queries' });
  return { pop, save, similar };
}

/** Copies the cached SQLite store (the run writes into it) and opens it with the given checkpoint mode. */
async function sqliteCopy(source: string, work: string, name: string, opts: SqliteOptions): Promise<Store> {
  const file = join(work, name);
  copyFileSync(source, file);
  return openSqliteStore(file, opts);
}

/** 8 processes claim one queued item at the same instant; the time until the last of them has its answer. */
async function claimRace(url: string, log: (s: string) => void): Promise<{ sample: Sample; servers: ServerProcess[] }> {
  log(`claim race: starting ${PROCESSES} server processes ...`);
  const store = await openPostgresStore(url);
  const s = await buildServices(store, () => new Date());
  const agent = await agentOn(s, store);
  const lead = await s.users.session(await s.users.create({ username: 'benchlead', displayName: '值班长', password: 'Bench-12345!', roles: ['shift_lead'] }, null));
  for (let i = 1; i <= PROCESSES; i++) {
    const id = await s.users.create({ username: `benchm${i}`, displayName: `委员${i}`, password: 'Bench-12345!', roles: ['cppcc_member'] }, null);
    await s.duty.savePattern({ userId: id, desk: 'studio', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00', validFrom: '2025-01-01', validUntil: null }, lead);
  }
  const tickets = await store.db.selectFrom('tickets').select('id').orderBy('created_at', 'desc').limit(CLAIM_ROUNDS).execute();
  const items: string[] = [];
  for (const t of tickets) items.push((await s.consultation.escalate({ ticketIds: [t.id], reason: '压测：涉及多个部门，需要委员协调', route: 'studio', urgency: 'normal', source: 'ticket' }, agent)).id);
  await store.close();
  const servers = await startServers(url, PROCESSES);
  log(`claim race: ${items.length} rounds ...`);
  let winners = 0;
  const decide: number[] = [];
  const sample = await measure(items.length, async (i) => {
    if (i < 0) return;
    const at = wallMs() + 100;
    const results = await Promise.all(servers.map((p, k) => p.call<{ won: boolean; ms: number }>('claim', { itemId: items[i], username: `benchm${k + 1}`, at })));
    winners += results.filter((r) => r.won).length;
    // measure() times the round trip through the test's pipes too; record the processes' own decision time instead.
    decide.push(Math.max(...results.map((r) => r.ms)));
  }, { unit: 'races' });
  if (winners !== items.length) throw new Error(`claim race: ${winners} winners in ${items.length} races`);
  decide.sort((a, b) => a - b);
  return { sample: { ...sample, ms: decide }, servers };
}

/** An event published in one process, received in another: its notice carries the send time. */
async function eventLatency(servers: ServerProcess[], log: (s: string) => void): Promise<{ cross: Sample; local: Sample }> {
  log(`event latency: ${PINGS} events between two processes ...`);
  const [a, b] = [servers[0]!, servers[1]!];
  const ms: number[] = [];
  const params = (r: Received) => (r.event.name === 'app.notice' ? r.event.payload.params : undefined);
  for (let i = 0; i < PINGS + 10; i++) {
    const from = b.received.length;
    await a.call('ping', { seq: i });
    await b.until(() => b.received.slice(from).some((r) => params(r)?.seq === i));
    const got = b.received.slice(from).find((r) => params(r)?.seq === i)!;
    if (i >= 10) ms.push(got.at - Number(params(got)!.sentAt));
  }
  ms.sort((x, y) => x - y);
  const bus = new InProcessEventBus(silentLogger);
  let t0 = 0;
  const localMs: number[] = [];
  bus.subscribe(() => { localMs.push(performance.now() - t0); });
  for (let i = 0; i < PINGS; i++) {
    t0 = performance.now();
    bus.publish('duty.changed', { at: new Date().toISOString() });
  }
  localMs.sort((x, y) => x - y);
  return { cross: { ms, unitsPerIteration: 1, unit: 'events' }, local: { ms: localMs, unitsPerIteration: 1, unit: 'events' } };
}

export async function benchBothStores(sqliteFile: string, work: string, tickets: number, seed: number, log: (s: string) => void): Promise<BothStoresResult> {
  const notes: string[] = [];
  const server = await startPostgres({ durable: true });
  let servers: ServerProcess[] = [];
  try {
    log('PostgreSQL store ...');
    const url = await postgresStore(server, tickets, seed, log);
    const before = await sqliteCopy(sqliteFile, work, 'auto.sqlite', { walCheckpoint: 'auto' });
    const a = await perStore(before, 'SQLite, auto-checkpoint', log);
    await before.close();
    const after = await sqliteCopy(sqliteFile, work, 'background.sqlite', {});
    after.checkpointer!.start();
    const b = await perStore(after, 'SQLite, background checkpoint', log);
    const cpStats = await after.checkpointer!.stats();
    const pgStore = await openPostgresStore(url);
    const c = await perStore(pgStore, 'PostgreSQL', log);
    await after.close();
    await pgStore.close();
    const race = await claimRace(url, log);
    servers = race.servers;
    const ev = await eventLatency(servers, log);
    const n = tickets.toLocaleString('en');
    const rows: Row[] = [
      { name: `screen pop by phone, SQLite (${n})`, sample: b.pop },
      { name: `screen pop by phone, PostgreSQL (${n})`, sample: c.pop, baseline: { name: 'SQLite', sample: b.pop } },
      { name: 'intake save, SQLite, checkpoint in the commit (before)', sample: a.save },
      { name: 'intake save, SQLite, checkpoint in a worker (after; p99 budget 5 ms)', sample: b.save, baseline: { name: 'SQLite before', sample: a.save } },
      { name: 'intake save, PostgreSQL durable (p99 budget 20 ms)', sample: c.save, baseline: { name: 'SQLite after', sample: b.save } },
      { name: 'similar tickets while typing, SQLite', sample: b.similar },
      { name: 'similar tickets while typing, PostgreSQL', sample: c.similar, baseline: { name: 'SQLite', sample: b.similar } },
      { name: `claim race, ${PROCESSES} processes on PostgreSQL: time to decide`, sample: race.sample },
      { name: 'event from one process to another (PostgreSQL LISTEN/NOTIFY)', sample: ev.cross, baseline: { name: 'in-process bus', sample: ev.local } },
    ];
    notes.push(`SQLite background checkpoint during the run: ${cpStats.passes} passes, ${cpStats.framesCopied} frames copied, ${cpStats.truncates} truncates, ${cpStats.restarts} restarts past the cap.`);
    const p99 = (x: Sample) => percentile(x.ms, 99);
    notes.push(`Budgets: SQLite intake p99 ${fmtMs(p99(b.save))} (≤ 5 ms: ${p99(b.save) <= 5 ? 'met' : 'NOT met'}; before ${fmtMs(p99(a.save))}); `
      + `PostgreSQL intake p99 ${fmtMs(p99(c.save))} (≤ 20 ms: ${p99(c.save) <= 20 ? 'met' : 'NOT met'}).`);
    notes.push('SQLite has no claim race or cross-process row: a SQLite store is one process.');
    return { rows, notes };
  } finally {
    await Promise.all(servers.map((p) => p.stop()));
    await server.stop();
    rmSync(join(work, 'auto.sqlite'), { force: true });
  }
}

/**
 * Intake save and ticket detail on the embedded SQLite store and on PostgreSQL, side by side, on
 * the same generated tickets, through the same services. PostgreSQL runs as a private cluster
 * (test/support/postgres.ts) with its default durability (fsync, synchronous_commit on), as a
 * center would run it; SQLite as the console opens it (WAL, synchronous=NORMAL).
 * Run: npx tsx test/bench/store-pg.bench.ts  (BENCH_TICKETS=10000, BENCH_ITER=500)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { sql } from 'kysely';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REFERENCE_DATE, generateReferenceData, generateTickets } from '../../electron/demo';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
import { openPostgresStore } from '../../electron/store/postgres';
import type { SessionInfo } from '../../shared/contract';
import { startPostgres } from '../support/postgres';
import { buildServices } from '../store/services';
import { writeReference, writeTickets } from '../store/seed';
import { markdownTable, measure, type Row, type Sample } from './harness';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 10_000);
const N = Number(process.env.BENCH_ITER ?? 500);
const SEED = 4242;
const log = (s: string) => process.stderr.write(`${s}\n`);

async function fill(store: Store): Promise<void> {
  const ref = generateReferenceData(SEED);
  await writeReference(store.db, ref);
  const t0 = performance.now();
  await writeTickets(store.db, generateTickets({ seed: SEED, count: TICKETS, referenceDate: DEFAULT_REFERENCE_DATE, reference: ref }));
  log(`${store.dialect}: ${TICKETS} tickets written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function bench(store: Store): Promise<{ save: Sample; detail: Sample }> {
  const now = () => new Date();
  const s = await buildServices(store, now);
  const id = await s.users.create({ username: 'agent01', displayName: '压测', password: 'Bench-12345!', roles: ['agent'] }, null);
  const session: SessionInfo = await s.users.session(id);
  const samples = await store.db.selectFrom('tickets').select(['id', 'title', 'content', 'category_id']).orderBy('created_at', 'desc').limit(N).execute();
  const leaf = (await store.db.selectFrom('categories').select('id').where('level', '=', 3).executeTakeFirstOrThrow()).id;
  const save = await measure(N, async (i) => {
    const t = samples[Math.abs(i) % samples.length]!;
    await s.intake.create({
      channel: 'phone', citizen: { phone: `139${String(10_000_000 + Math.abs(i) * 7919).slice(-8)}`, confidential: false }, appealType: 'complaint',
      categoryId: t.category_id ?? leaf, urgency: 'normal', title: t.title, content: t.content,
    }, session);
  }, { warmup: 20 });
  // Generated tickets spread over two years; read them in a scattered order, not the hot tail only.
  const all = await store.db.selectFrom('tickets').select('id').execute();
  const detail = await measure(N, async (i) => {
    await s.intake.detail(all[(Math.abs(i) * 7919) % all.length]!.id, session, s.workflow);
  }, { warmup: 20 });
  return { save, detail };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-pg-'));
  const server = await startPostgres({ durable: true });
  try {
    const sqlite = await openSqliteStore(join(dir, 'bench.sqlite'));
    const pg = await openPostgresStore(await server.createDatabase());
    // The same without waiting for the WAL flush at commit: what durability costs per save
    // (a server crash may lose the last commits; SQLite's synchronous=NORMAL makes a similar trade).
    const lazyUrl = await server.createDatabase();
    const lazy = await openPostgresStore(lazyUrl);
    await sql`alter database ${sql.id(new URL(lazyUrl).pathname.slice(1))} set synchronous_commit = off`.execute(lazy.db);
    await lazy.close();
    const pgLazy = await openPostgresStore(lazyUrl);
    await fill(sqlite);
    await fill(pg);
    await fill(pgLazy);
    const a = await bench(sqlite);
    const b = await bench(pg);
    const c = await bench(pgLazy);
    await sqlite.close();
    await pg.close();
    await pgLazy.close();
    const rows: Row[] = [
      { name: `intake save, SQLite (${TICKETS} tickets)`, sample: a.save },
      { name: `intake save, PostgreSQL (${TICKETS} tickets)`, sample: b.save, baseline: { name: 'SQLite', sample: a.save } },
      { name: `intake save, PostgreSQL synchronous_commit=off (${TICKETS} tickets)`, sample: c.save, baseline: { name: 'SQLite', sample: a.save } },
      { name: `ticket detail, SQLite (${TICKETS} tickets)`, sample: a.detail },
      { name: `ticket detail, PostgreSQL (${TICKETS} tickets)`, sample: b.detail, baseline: { name: 'SQLite', sample: a.detail } },
    ];
    process.stdout.write(`${markdownTable(rows)}\n`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

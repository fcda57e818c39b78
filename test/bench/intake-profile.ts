/**
 * Where an intake save spends its time, statement by statement, on both stores:
 * `tsx test/bench/intake-profile.ts` (BENCH_TICKETS, default 200000; uses the cached stores that
 * `BENCH_ONLY=both npm run bench` builds). Prints, per statement shape, count, total, p50, p99, max;
 * and the save's own p50/p99. A diagnostic for issue 11's intake budget, not part of `npm run bench`.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { GENERATOR_VERSION } from '../../electron/demo';
import { migrations } from '../../electron/store/migrations';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
import { openPostgresStore } from '../../electron/store/postgres';
import { postgresBinDir, startPostgres } from '../support/postgres';
import { buildServices } from '../store/services';
import { BENCH_SEED, benchCacheDir, cachedStorePath } from './store-cache';
import { percentile } from './harness';

const run = promisify(execFile);
const TICKETS = Number(process.env.BENCH_TICKETS ?? 200_000);
const ITER = Number(process.env.BENCH_ITER ?? 1000);
const stmt = new Map<string, number[]>();
let on = false;
const shape = (text: string) => text.replace(/\s+/g, ' ').slice(0, 90);
function note(text: string, ms: number) {
  if (!on) return;
  const k = shape(text);
  let a = stmt.get(k);
  if (!a) stmt.set(k, a = []);
  a.push(ms);
}

// pg: time every query a pooled client sends.
const origQuery = pg.Client.prototype.query as (...a: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const t0 = performance.now();
  const r = origQuery.apply(this, args);
  const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text ?? '?';
  if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(() => note(text, performance.now() - t0), () => {});
  return r;
};
// better-sqlite3: time each statement's run/all/get/iterate.
const origPrepare = Database.prototype.prepare;
(Database.prototype as unknown as { prepare: (s: string) => unknown }).prepare = function (this: Database.Database, source: string) {
  const st = origPrepare.call(this, source) as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['run', 'all', 'get']) {
    const f = st[m]!.bind(st);
    st[m] = (...a: unknown[]) => { const t0 = performance.now(); try { return f(...a); } finally { note(source, performance.now() - t0); } };
  }
  const it = st.iterate!.bind(st);
  st.iterate = (...a: unknown[]) => { const t0 = performance.now(); const r = [...(it(...a) as Iterable<unknown>)]; note(source, performance.now() - t0); return r[Symbol.iterator](); };
  return st;
};

async function profile(store: Store, label: string): Promise<void> {
  const s = await buildServices(store, () => new Date());
  const found = await store.db.selectFrom('users').select('id').where('username', '=', 'bench01').executeTakeFirst();
  const uid = found ? found.id : await s.users.create({ username: 'bench01', displayName: '压测', password: 'Bench-12345!', roles: ['agent'] }, null);
  const session = await s.users.session(uid);
  const samples = await store.db.selectFrom('tickets').select(['title', 'content', 'category_id']).orderBy('created_at', 'desc').limit(500).execute();
  const leaf = (await store.db.selectFrom('categories').select('id').where('level', '=', 3).executeTakeFirstOrThrow()).id;
  const saves: number[] = [];
  stmt.clear();
  for (let i = -20; i < ITER; i++) {
    on = i >= 0;
    const t = samples[Math.abs(i) % samples.length]!;
    const t0 = performance.now();
    await s.intake.create({
      channel: 'phone', citizen: { phone: `139${String(10_000_000 + Math.abs(i) * 7919).slice(-8)}`, confidential: false }, appealType: 'complaint',
      categoryId: t.category_id ?? leaf, urgency: 'normal', title: t.title, content: t.content,
    }, session);
    if (on) saves.push(performance.now() - t0);
  }
  on = false;
  const f = (x: number) => x.toFixed(2).padStart(7);
  saves.sort((a, b) => a - b);
  console.log(`\n## ${label}: save p50 ${f(percentile(saves, 50))} p90 ${f(percentile(saves, 90))} p99 ${f(percentile(saves, 99))} max ${f(Math.max(...saves))} ms; sum of statement time / save: ${f([...stmt.values()].flat().reduce((a, b) => a + b, 0) / ITER)} ms`);
  const rows = [...stmt.entries()].map(([k, u]) => [k, [...u].sort((a, b) => a - b)] as const).map(([k, a]) => ({ k, n: a.length, tot: a.reduce((x, y) => x + y, 0), p50: percentile(a, 50), p99: percentile(a, 99), max: Math.max(...a) }))
    .sort((a, b) => b.tot - a.tot);
  console.log('   n   total/save    p50     p99     max  statement');
  for (const r of rows.slice(0, 30)) console.log(`${String(r.n).padStart(5)} ${f(r.tot / ITER)} ${f(r.p50)} ${f(r.p99)} ${f(r.max)}  ${r.k}`);
}

async function main() {
  const file = cachedStorePath(BENCH_SEED, TICKETS);
  const dump = join(benchCacheDir(), `pg-demo-s${BENCH_SEED}-n${TICKETS}-schema${migrations.length}-gen${GENERATOR_VERSION}.dump`);
  const which = process.env.PROFILE_STORES ?? 'sqlite,postgres';
  if (!existsSync(file) || (which.includes('postgres') && !existsSync(dump))) throw new Error(`build the stores first: BENCH_ONLY=both BENCH_TICKETS=${TICKETS} npm run bench`);
  const work = mkdtempSync(join(tmpdir(), 'intake-profile-'));
  try {
    if (which.includes('sqlite')) {
      // PROFILE_SQLITE_CACHE=-65536: a second pass on a fresh copy with that page cache, beside the default.
      const caches = [null, ...(process.env.PROFILE_SQLITE_CACHE ? [process.env.PROFILE_SQLITE_CACHE] : [])];
      for (const [i, cache] of caches.entries()) {
        copyFileSync(file, join(work, `s${i}.sqlite`));
        const store = await openSqliteStore(join(work, `s${i}.sqlite`));
        if (cache) store.sqlite!.pragma(`cache_size = ${Number(cache)}`);
        store.checkpointer?.start();
        try { await profile(store, `SQLite${cache ? `, cache_size ${cache}` : ''}`); } finally { await store.close(); }
      }
    }
    if (which.includes('postgres')) {
      const server = await startPostgres();
      try {
        const url = await server.createDatabase();
        await run(join(postgresBinDir(), 'pg_restore'), ['-d', url, '-j', '2', '--no-owner', dump], { maxBuffer: 1 << 24 });
        const store = await openPostgresStore(url);
        await sql`analyze`.execute(store.db);
        try { await profile(store, 'PostgreSQL'); } finally { await store.close(); }
      } finally { await server.stop(); }
    }
  } finally { rmSync(work, { recursive: true, force: true }); }
}
main().catch((e) => { console.error(e); process.exit(1); });

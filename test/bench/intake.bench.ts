/**
 * Intake on a realistic store: saving a ticket (validation, number, snapshot, timeline, search
 * index, audit, in one transaction) and the similar-ticket suggestions offered while typing,
 * through the same dispatcher the UI uses. Baseline: the same on a 1,000-ticket demo store.
 * Run: npx tsx test/bench/intake.bench.ts  (BENCH_STORE=<a cached indexed store> to use one)
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleApp, type ConsoleApp } from '../../electron/app/console-app';
import { silentLogger } from '../../electron/log';
import { loadDemoData } from '../../electron/demo';
import type { Connection } from '../../electron/rpc/dispatcher';
import { benchCacheDir } from './store-cache';
import { fmtMs, measure, percentile, type Sample } from './harness';

const N = Number(process.env.BENCH_ITER ?? 300);

async function open(dir: string, demo: boolean): Promise<{ app: ConsoleApp; conn: Connection }> {
  const app = await createConsoleApp({ dataDir: dir, runtime: 'host', version: 'bench', log: silentLogger, demo, demoTickets: 1000, loadDemoData, search: { inProcess: false } });
  const conn: Connection = { id: 'bench', session: null, send: () => {} };
  app.dispatcher.attach(conn);
  if ((await app.users.count()) === 0) await app.users.create({ username: 'agent01', displayName: '压测', password: 'Demo-12345', roles: ['agent'] }, null, { skipStrength: true });
  const r = await app.dispatcher.dispatch(conn, 'session.login', { username: 'agent01', password: 'Demo-12345' });
  if (!r.ok) throw new Error(`login failed: ${JSON.stringify(r.error)}`);
  return { app, conn };
}

async function run(label: string, app: ConsoleApp, conn: Connection) {
  const leaves = await app.store.db.selectFrom('categories').select('id').where('level', '=', 3).execute();
  const samples = await app.store.db.selectFrom('tickets').select(['title', 'content', 'category_id']).orderBy('created_at', 'desc').limit(N).execute();
  const save = await measure(N, async (i) => {
    const s = samples[Math.abs(i) % samples.length]!;
    const r = await app.dispatcher.dispatch(conn, 'tickets.create', {
      channel: 'phone', citizen: { phone: `139${String(10_000_000 + Math.abs(i) * 7919).slice(-8)}`, confidential: false }, appealType: 'complaint',
      categoryId: s.category_id ?? leaves[0]!.id, urgency: 'normal', title: s.title, content: s.content,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  }, { warmup: 10 });
  const similar = await measure(N, async (i) => {
    const s = samples[Math.abs(i) % samples.length]!;
    await app.dispatcher.dispatch(conn, 'tickets.similar', { categoryId: s.category_id ?? leaves[0]!.id, text: `${s.title}${s.content}`, limit: 5 });
  }, { warmup: 10 });
  return { label, save, similar };
}

const row = (name: string, big: Sample, small: Sample) =>
  `| ${name} | ${fmtMs(percentile(big.ms, 50))} | ${fmtMs(percentile(big.ms, 99))} | ${fmtMs(percentile(small.ms, 50))} | ${fmtMs(percentile(small.ms, 99))} | ${(percentile(big.ms, 99) / percentile(small.ms, 99)).toFixed(2)}× |`;

/** The newest cached 1M search store, of whatever schema: opening it through the app migrates the copy. */
const newestSearchStore = () => readdirSync(benchCacheDir())
  .map((f) => /^search-s42-n1000000-schema(\d+)-gen\d+-tok\d+\.sqlite$/.exec(f)).filter((m): m is RegExpExecArray => m !== null)
  .sort((a, b) => Number(b[1]) - Number(a[1])).map((m) => join(benchCacheDir(), m[0]))[0] ?? join(benchCacheDir(), 'search-s42-n1000000.sqlite');
const source = process.env.BENCH_STORE ?? newestSearchStore();
if (!existsSync(source)) throw new Error(`no cached 1M store at ${source}: run npm run bench (store) and the search bench first, or set BENCH_STORE`);
const bigDir = mkdtempSync(join(tmpdir(), 'bench-intake-big-'));
const smallDir = mkdtempSync(join(tmpdir(), 'bench-intake-small-'));
try {
  process.stderr.write('copying the 1M store…\n');
  copyFileSync(source, join(bigDir, 'hotline.sqlite'));
  const big = await open(bigDir, false);
  const small = await open(smallDir, true);
  const a = await run('1M', big.app, big.conn);
  const b = await run('1k', small.app, small.conn);
  await big.app.close();
  await small.app.close();
  console.log(`\n| ${N} iterations | 1M p50 | 1M p99 | 1k p50 | 1k p99 | p99 ratio |\n|---|---:|---:|---:|---:|---:|`);
  console.log(row('intake save (tickets.create)', a.save, b.save));
  console.log(row('similar suggestions (tickets.similar)', a.similar, b.similar));
} finally {
  rmSync(bigDir, { recursive: true, force: true });
  rmSync(smallDir, { recursive: true, force: true });
}

import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REFERENCE_DATE, GENERATOR_VERSION, loadDemoData } from '../../electron/demo';
import { migrations } from '../../electron/store/migrations';
import { openSqliteStore } from '../../electron/store/sqlite';
import { reindexAll } from '../../electron/store/search';

export const BENCH_SEED = 42;

export function benchCacheDir(): string {
  const dir = process.env.BENCH_CACHE_DIR ?? join(tmpdir(), 'hotline-console-bench');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Where the store for (seed, count) lives; the name changes with the schema and the generator. */
export function cachedStorePath(seed: number, tickets: number): string {
  return join(benchCacheDir(), `demo-s${seed}-n${tickets}-schema${migrations.length}-gen${GENERATOR_VERSION}.sqlite`);
}

function removeStore(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

/**
 * A cached store of an older schema, copied and migrated to the current one (what a console does
 * with its own store on upgrade): a 1M-ticket store takes tens of minutes to generate, its migration
 * seconds. False when there is none.
 */
async function migrateOlderCache(file: string, log: (s: string) => void): Promise<boolean> {
  const dir = benchCacheDir();
  const name = file.slice(dir.length + 1);
  const m = /^(.*-schema)(\d+)(-.*)$/.exec(name);
  if (!m) return false;
  const older = readdirSync(dir)
    .map((f) => ({ f, v: f.startsWith(m[1]!) && f.endsWith(m[3]!) ? Number(f.slice(m[1]!.length, f.length - m[3]!.length)) : NaN }))
    .filter((x) => Number.isInteger(x.v) && x.v < Number(m[2]))
    .sort((a, b) => b.v - a.v)[0];
  if (!older) return false;
  const partial = `${file}.partial`;
  removeStore(partial);
  log(`  migrating ${older.f} to schema ${m[2]}`);
  copyFileSync(join(dir, older.f), partial);
  const store = await openSqliteStore(partial);
  await store.close();
  renameSync(partial, file);
  return true;
}

/**
 * Returns a demo store with `tickets` tickets, building it once. The build writes to a side file and
 * renames it when complete, so an interrupted build is never mistaken for a cached one.
 */
export async function ensureBenchStore(tickets: number, seed = BENCH_SEED, log: (s: string) => void = () => {}): Promise<{ file: string; builtMs: number | null }> {
  const file = cachedStorePath(seed, tickets);
  if (existsSync(file) || await migrateOlderCache(file, log)) return { file, builtMs: null };
  const partial = `${file}.partial`;
  removeStore(partial);
  const store = await openSqliteStore(partial);
  let lastLog = 0;
  try {
    const r = await loadDemoData(store, {
      seed, tickets, referenceDate: DEFAULT_REFERENCE_DATE, batchSize: 5000,
      onProgress(done, total) {
        const now = performance.now();
        if (now - lastLog > 5000 || done === total) {
          lastLog = now;
          log(`  building ${file}: ${done}/${total}`);
        }
      },
    });
    await store.close();
    renameSync(partial, file);
    return { file, builtMs: r.ms };
  } catch (e) {
    await store.close();
    removeStore(partial);
    throw e;
  }
}

/**
 * The cached demo store with its search index built, as a console holds it once its background
 * rebuild is done: an intake save then writes into a full FTS5 index (its merges cost by the
 * index's size), not into one holding only the bench's own saves. Built once from the plain cache
 * (copy, reindex in whole batches, rename when complete).
 */
export async function ensureIndexedBenchStore(tickets: number, seed = BENCH_SEED, log: (s: string) => void = () => {}): Promise<string> {
  const plain = (await ensureBenchStore(tickets, seed, log)).file;
  const file = plain.replace(/\.sqlite$/, '-indexed.sqlite');
  if (existsSync(file) || await migrateOlderCache(file, log)) return file;
  const partial = `${file}.partial`;
  removeStore(partial);
  copyFileSync(plain, partial);
  const store = await openSqliteStore(partial);
  let lastLog = 0;
  try {
    const t0 = performance.now();
    await reindexAll(store, {
      batchSize: 5000, sliceMs: Infinity,
      onProgress(done, total) {
        if (performance.now() - lastLog > 10_000) { lastLog = performance.now(); log(`  indexing ${file}: ${done}/${total}`); }
      },
    });
    log(`  indexed ${tickets} tickets in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    await store.close();
    renameSync(partial, file);
    return file;
  } catch (e) {
    await store.close();
    removeStore(partial);
    throw e;
  }
}

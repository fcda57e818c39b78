import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createConsoleApp, type ConsoleApp, type ConsoleOptions, type StoreChoice } from '../../electron/app/console-app';
import { silentLogger } from '../../electron/log';
import { seedDemoKnowledge } from '../../electron/demo';
import { createDatabaseOn, dropDatabaseOn } from './postgres';
import { TEST_STORE } from '../store/stores';

/** Cheap scrypt for tests: the cost parameters are covered by their own test, not by every login. */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

export { TEST_STORE };
const onPostgres = TEST_STORE === 'postgres';

/** Where a PostgreSQL test app's database URL is kept in its data folder, so a restart reopens the same database. */
const URL_FILE = 'test-store-url';

/**
 * The store for a test app with this data folder: the SQLite file in it, or (on the pg project) a
 * database made for the folder on first use and reopened for the same folder after a restart.
 */
export async function testStoreChoice(dir: string): Promise<StoreChoice> {
  if (!onPostgres) return { kind: 'sqlite' };
  const file = join(dir, URL_FILE);
  if (existsSync(file)) return { kind: 'postgres', url: readFileSync(file, 'utf8') };
  const url = await createDatabaseOn(inject('postgresAdminUrl'));
  writeFileSync(file, url);
  return { kind: 'postgres', url };
}

/** Removes a test app's data folder and, on PostgreSQL, its database. */
export async function removeTestStore(dir: string): Promise<void> {
  const file = join(dir, URL_FILE);
  if (onPostgres && existsSync(file)) await dropDatabaseOn(inject('postgresAdminUrl'), readFileSync(file, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
}

export interface TestApp { app: ConsoleApp; dir: string; dispose(): Promise<void> }

export async function createTestApp(opts: Partial<ConsoleOptions> = {}): Promise<TestApp> {
  const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hotline-test-'));
  const app = await createConsoleApp({
    dataDir: dir, runtime: 'host', version: 'test', log: silentLogger, seedKnowledge: seedDemoKnowledge,
    store: opts.store ?? await testStoreChoice(dir), ...opts,
    users: { cost: FAST_SCRYPT, ...opts.users },
    // Tests move their clocks by days between requests; sessions must not idle out under them
    // unless a test asks for real expiry (opts.sessions).
    sessions: opts.sessions ?? { idleMs: 10 * 365 * 86_400_000, maxMs: 10 * 365 * 86_400_000 },
  });
  return {
    app, dir,
    dispose: async () => {
      await app.close();
      await removeTestStore(dir);
    },
  };
}

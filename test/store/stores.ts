import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
import { openPostgresStore } from '../../electron/store/postgres';
import { createDatabaseOn } from '../support/postgres';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

/**
 * The store the suites that run on both stores use in this run: SQLite, or PostgreSQL when the
 * vitest project sets HOTLINE_TEST_STORE=postgres (projects 'pg' and 'sip-pg', with the run's
 * cluster from postgres-global.ts).
 */
export const TEST_STORE: StoreKind = process.env.HOTLINE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestStore { store: Store; dispose(): Promise<void> }

/** A fresh, migrated, empty store: a SQLite file in a temporary folder, or a new database on the run's PostgreSQL cluster. */
export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'postgres') {
    const store = await openPostgresStore(await createDatabaseOn(inject('postgresAdminUrl')));
    return { store, dispose: () => store.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'hotline-store-'));
  const store = await openSqliteStore(join(dir, 'hotline.sqlite'));
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

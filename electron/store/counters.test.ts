import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrate } from './migrate';
import { migrations } from './migrations';
import type { Dialect } from './migrations/types';
import type { DB } from './schema';
import { migration0015importsCountersStaging } from './migrations/0015_imports_counters_staging';
import { maxNumberSeed, nextNumber, nextNumbers, raiseCounter } from './counters';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function sqliteStore(): Promise<Kysely<DB>> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-counters-'));
  dirs.push(dir);
  const sqlite = new Database(join(dir, 'hotline.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/**
 * PostgreSQL runs only where a server is given (HOTLINE_TEST_PG_URL, an empty database the test
 * may fill): CI has no PostgreSQL yet. Every case below runs on SQLite always.
 */
const PG_URL = process.env.HOTLINE_TEST_PG_URL;
async function pgStore(): Promise<Kysely<DB>> {
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_URL, max: 10 }) }) });
  await sql`drop schema public cascade; create schema public`.execute(db);
  return db;
}

/** The store as migration 0014 left it (the one before the counters). */
async function before13(db: Kysely<DB>, dialect: Dialect): Promise<void> {
  await migrate(db, dialect, migrations.slice(0, migration0015importsCountersStaging.version - 1));
}
async function apply13(db: Kysely<DB>, dialect: Dialect): Promise<void> {
  await migrate(db, dialect, migrations.slice(0, migration0015importsCountersStaging.version));
}

const stores: [Dialect, () => Promise<Kysely<DB>>][] = [['sqlite', sqliteStore], ...(PG_URL ? [['postgres', pgStore] as [Dialect, () => Promise<Kysely<DB>>]] : [])];

describe.each(stores)('number counters on %s', (dialect, open) => {
  it('start after the numbers already written when the store is upgraded, per day', async () => {
    const db = await open();
    try {
      await before13(db, dialect);
      const ticket = (id: string, number: string) => ({
        id, number, created_at: '2026-11-28T01:00:00.000Z', updated_at: '2026-11-28T01:00:00.000Z', channel: 'phone', appeal_type: 'help', urgency: 'normal', status: 'registered',
        citizen_id: null, phone: null, caller_name: null, confidential: 0, category_id: null, title: '标题', content: '内容', district_code: null, street_code: null,
        community_code: null, address: null, lat: null, lng: null, lead_department_id: null, sign_by: null, reply_by: null, closed_at: null, parent_id: null,
      });
      await db.insertInto('tickets').values([ticket('a', 'JC2026112800007'), ticket('b', 'JC2026112800003'), ticket('c', 'JC2026112700041'), ticket('d', 'JC20261128-OLD1'), ticket('e', 'IMPORTED-1')]).execute();
      await apply13(db, dialect);
      expect(await nextNumber(db, 'JC20261128')).toBe(8);
      expect(await nextNumber(db, 'JC20261127')).toBe(42);
      // A series first seen after the upgrade starts after what a seed finds, else at 1.
      expect(await nextNumber(db, 'JC20261129')).toBe(1);
      await db.insertInto('tickets').values(ticket('f', 'JC2026113000012')).execute();
      expect(await nextNumber(db, 'JC20261130', maxNumberSeed('tickets', 'JC20261130', 5))).toBe(13);
    } finally {
      await db.destroy();
    }
  });

  it('hand out every number once to writers racing in their own transactions, and take back a rolled-back one', async () => {
    const db = await open();
    try {
      await before13(db, dialect);
      await apply13(db, dialect);
      const taken = await Promise.all(Array.from({ length: 40 }, (_, i) => db.transaction().execute(async (trx) => {
        const first = await nextNumbers(trx, 'IM20261128', 1 + (i % 3));
        return Array.from({ length: 1 + (i % 3) }, (_, k) => first + k);
      })));
      const all = taken.flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      await expect(db.transaction().execute(async (trx) => {
        await nextNumber(trx, 'IM20261128');
        throw new Error('the write failed');
      })).rejects.toThrow('the write failed');
      expect(await nextNumber(db, 'IM20261128')).toBe(all.length + 1);
      // Numbers written by hand (an import of old tickets in today's format) are not handed out again.
      await raiseCounter(db, 'IM20261128', 500);
      await raiseCounter(db, 'IM20261128', 20);
      expect(await nextNumber(db, 'IM20261128')).toBe(501);
    } finally {
      await db.destroy();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { APPLICATION_ID, openSqliteStore } from '../../electron/store/sqlite';
import { StoreError, storeFailureMessage } from '../../electron/store/errors';
import { createTestApp } from '../support/app';

/** Another application's database or a damaged one is refused with a sentence, never adopted, never changed. */
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-refuse-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function refusal(file: string): Promise<StoreError> {
  const err = await openSqliteStore(file).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

function foreignDb(file: string, setup: (db: Database.Database) => void) {
  const db = new Database(file);
  setup(db);
  db.close();
}

describe('another application\'s SQLite file', () => {
  it('is refused and left byte for byte as it was: a plain app database', async () => {
    const file = join(tempDir(), 'hotline.sqlite');
    foreignDb(file, (db) => {
      db.exec(`create table contacts (id integer primary key, name text, phone text); insert into contacts (name, phone) values ('张三', '13800138000')`);
    });
    const before = sha(file);
    const err = await refusal(file);
    expect(err.problem).toBe('not_ours');
    expect(err.message).toContain('属于其他程序');
    expect(sha(file)).toBe(before);
    expect(new Database(file, { readonly: true }).prepare(`select count(*) as n from sqlite_master where name = 'users'`).get()).toEqual({ n: 0 });
  });

  it('is refused when it carries a schema_migrations table of its own (a different migration history)', async () => {
    const file = join(tempDir(), 'hotline.sqlite');
    foreignDb(file, (db) => {
      db.exec(`create table schema_migrations (version integer primary key, name text not null, applied_at text not null);
        insert into schema_migrations values (1, 'create_orders', '2024-01-01'), (2, 'add_invoices', '2024-02-01');
        create table orders (id integer primary key)`);
    });
    const before = sha(file);
    expect((await refusal(file)).problem).toBe('not_ours');
    expect(sha(file)).toBe(before);
  });

  it('is refused when another program marked it with its own application_id, even in WAL mode', async () => {
    const file = join(tempDir(), 'hotline.sqlite');
    foreignDb(file, (db) => {
      db.pragma('journal_mode = WAL');
      db.pragma('application_id = 1234');
      db.exec('create table t (x integer)');
    });
    const before = sha(file);
    expect((await refusal(file)).problem).toBe('not_ours');
    expect(sha(file)).toBe(before);
  });

  it('an empty SQLite file (no tables) is taken as a new store, and every store we create carries our mark', async () => {
    const file = join(tempDir(), 'hotline.sqlite');
    foreignDb(file, (db) => db.pragma('user_version = 0'));
    const store = await openSqliteStore(file);
    expect(store.sqlite!.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    await store.close();
    const again = await openSqliteStore(file);
    await again.close();
  });

  it('a store of ours from before the mark is accepted and marked', async () => {
    const file = join(tempDir(), 'hotline.sqlite');
    const store = await openSqliteStore(file);
    store.sqlite!.pragma('application_id = 0');
    await store.db.insertInto('meta').values({ key: 'k', value: 'kept' }).execute();
    await store.close();
    const reopened = await openSqliteStore(file);
    expect(reopened.sqlite!.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(await reopened.db.selectFrom('meta').select('value').where('key', '=', 'k').executeTakeFirst()).toEqual({ value: 'kept' });
    await reopened.close();
  });
});

describe('a damaged store or something else where the store should be', () => {
  it('a folder in place of the store is refused with a sentence, not a stack trace', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'hotline.sqlite'));
    const err = await refusal(join(dir, 'hotline.sqlite'));
    expect(err.problem).toBe('unreadable');
    expect(err.message).toContain('文件夹');
    // The whole console start ends in the same clear refusal.
    const started = await createTestApp({ dataDir: dir }).catch((e: unknown) => e);
    expect(storeFailureMessage(started)).toContain('文件夹');
  });

  const damages: Record<string, (file: string) => void> = {
    'cut in half': (f) => truncateSync(f, Math.floor(statSync(f).size / 2)),
    'cut after the header': (f) => truncateSync(f, 100),
    'garbage in the schema page': (f) => { const b = readFileSync(f); b.fill(0xab, 100, 4096); writeFileSync(f, b); },
    'garbage across the tables': (f) => { const b = readFileSync(f); for (let p = 4096; p < b.length; p += 4096 * 3) b.fill(0x5a, p, p + 200); writeFileSync(f, b); },
    'a wrong page size in the header': (f) => { const b = readFileSync(f); b[16] = 0x03; b[17] = 0x00; writeFileSync(f, b); },
  };
  for (const [name, damage] of Object.entries(damages)) {
    it(`a store ${name} is refused with a clear message and left unchanged`, async () => {
      const t = await createTestApp();
      const dir = t.dir;
      await t.app.users.create({ username: 'root', displayName: '管理员', password: 'Sup3r-secret-1', roles: ['admin'] }, null);
      await t.app.close();
      dirs.push(dir);
      const file = join(dir, 'hotline.sqlite');
      for (const f of ['-wal', '-shm']) expect(existsSync(file + f)).toBe(false);
      damage(file);
      const before = sha(file);
      const err = await createTestApp({ dataDir: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(storeFailureMessage(err)).toMatch(/无法读取数据库/);
      expect(sha(file)).toBe(before);
    });
  }
});

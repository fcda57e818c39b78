import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { openSqliteStore, withStatementCache } from './sqlite';
import { StoreError } from './errors';
import { migrate } from './migrate';
import { migrations } from './migrations';
import type { DB } from './schema';
import type { Migration } from './migrations/types';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-store-'));
  dirs.push(dir);
  return join(dir, 'hotline.sqlite');
};
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('SQLite store', () => {
  it('creates a new store at the latest version with WAL and foreign keys on', async () => {
    const store = await openSqliteStore(tempFile());
    expect(store.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite!.pragma('foreign_keys', { simple: true })).toBe(1);
    const versions = await store.db.selectFrom('schema_migrations').select('version').orderBy('version').execute();
    expect(versions.map((v) => v.version)).toEqual(migrations.map((m) => m.version));
    await store.close();
  });

  it('keeps the WAL checkpoint out of the writing connection and runs it in a worker thread, which empties the WAL when idle', async () => {
    const file = tempFile();
    const walSize = () => { try { return statSync(`${file}-wal`).size; } catch { return 0; } };
    const store = await openSqliteStore(file, { checkpoint: { intervalMs: 20, startBytes: 256 << 10 } });
    expect(store.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const put = store.sqlite!.prepare('insert into meta (key, value) values (?, ?)');
    // About 6 MB of commits: past SQLite's 1000-page auto-checkpoint, which the writer no longer runs.
    const blob = 'x'.repeat(60_000);
    for (let i = 0; i < 100; i++) put.run(`k${i}`, blob);
    const cp = store.checkpointer!;
    expect(cp).not.toBeNull();
    // The poll sees the WAL past 256 kB and starts the worker; it copies the frames, then, with no
    // write since, truncates the WAL to nothing.
    for (let tries = 0; walSize() > 0 && tries < 500; tries++) await new Promise((r) => setTimeout(r, 20));
    expect(cp.running).toBe(true);
    expect(walSize()).toBe(0);
    const stats = await cp.stats();
    expect(stats.framesCopied).toBeGreaterThan(1000);
    expect(stats.truncates).toBeGreaterThanOrEqual(1);
    expect(cp.lastError).toBeNull();
    expect(store.sqlite!.prepare('select count(*) from meta where key like ?').pluck().get('k%')).toBe(100);
    await store.close();
    // Reopened: every row is there (the checkpoint lost nothing).
    const again = await openSqliteStore(file);
    expect(again.sqlite!.prepare('select count(*) from meta where key like ?').pluck().get('k%')).toBe(100);
    await again.close();
  });

  it('past the WAL cap, when a reader keeps the WAL from being reset, the worker waits for the reader and resets it', async () => {
    const file = tempFile();
    const store = await openSqliteStore(file, { checkpoint: { intervalMs: 20, startBytes: 1, capBytes: 512 << 10 } });
    const put = store.sqlite!.prepare('insert into meta (key, value) values (?, ?)');
    put.run('first', 'x');
    store.checkpointer!.start();
    for (let tries = 0; (await store.checkpointer!.stats()).passes === 0 && tries < 500; tries++) await new Promise((r) => setTimeout(r, 20));
    // A reader holding an old snapshot: the checkpoint cannot copy the frames written after it.
    const reader = new Database(file, { readonly: true });
    reader.exec('begin');
    reader.prepare('select count(*) from meta').get();
    for (let i = 0; i < 30; i++) put.run(`k${i}`, 'y'.repeat(60_000));
    // Writes keep coming (the case the cap is for) while the reader holds on and after it lets go:
    // every pass then finds new frames and takes the cap's RESTART path. (With no write after the
    // reader left, a pass could find every frame copied and take the idle TRUNCATE path instead,
    // which the test above covers.) The writes are a synchronous loop so no pass falls in a gap.
    const t0 = performance.now();
    let i = 0;
    let readerHolds = true;
    while (performance.now() - t0 < 400) {
      put.run(`later${i++}`, 'z');
      // The worker waits (RESTART, up to 100 ms a pass) for the reader, which lets go a little later.
      if (readerHolds && performance.now() - t0 > 100) { reader.exec('commit'); reader.close(); readerHolds = false; }
    }
    let stats = await store.checkpointer!.stats();
    for (let tries = 0; stats.restarts === 0 && tries < 500; tries++) {
      put.run(`later${i++}`, 'z');
      await new Promise((r) => setTimeout(r, 10));
      stats = await store.checkpointer!.stats();
    }
    // It waited for the reader at least once (busy), and no write was refused meanwhile (put.run throws).
    expect(stats.busy).toBeGreaterThanOrEqual(1);
    expect(stats.restarts).toBeGreaterThanOrEqual(1);
    await store.close();
  }, 20_000);

  it('with walCheckpoint auto, leaves the checkpoint to SQLite inside the commit (the bench\'s before)', async () => {
    const file = tempFile();
    const store = await openSqliteStore(file, { walCheckpoint: 'auto' });
    expect(store.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(store.checkpointer).toBeNull();
    await store.close();
  });

  it('a transaction that reads before it writes is not refused when another connection wrote in between (begun IMMEDIATE, not DEFERRED)', async () => {
    const file = tempFile();
    const store = await openSqliteStore(file);
    // Another connection on the file: the checkpoint worker or a second process. It never waits.
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    let otherWrote = false;
    await store.db.transaction().execute(async (trx) => {
      await trx.selectFrom('meta').select('key').where('key', '=', 'probe').execute();
      // The other connection writes after this transaction read. Begun DEFERRED, the transaction
      // would hold a stale snapshot and its write below fail with "database is locked" at once;
      // begun IMMEDIATE, it holds the write lock, so it is the other writer that must wait.
      try { other.prepare('insert into meta (key, value) values (?, ?)').run('other', '1'); otherWrote = true; } catch (e) {
        expect((e as { code?: string }).code).toBe('SQLITE_BUSY');
      }
      await trx.insertInto('meta').values({ key: 'probe', value: 'saved' }).execute();
    });
    expect(otherWrote).toBe(false);
    expect(store.sqlite!.prepare('select value from meta where key = ?').pluck().get('probe')).toBe('saved');
    // Once the transaction committed, the other connection writes as usual.
    other.prepare('insert into meta (key, value) values (?, ?)').run('other', '1');
    other.close();
    await store.close();
  });

  it('keeps prepared statements per SQL text, least recently used out first, and never hands out one that is mid-iteration', () => {
    const raw = new Database(':memory:');
    raw.exec('create table t (a integer)');
    let prepared = 0;
    const prepare = raw.prepare.bind(raw);
    raw.prepare = ((text: string) => { prepared++; return prepare(text); }) as typeof raw.prepare;
    const db = withStatementCache(raw, 2);
    const insert = db.prepare('insert into t (a) values (?)');
    for (let i = 0; i < 5; i++) expect(db.prepare('insert into t (a) values (?)')).toBe(insert);
    expect(prepared).toBe(1);
    for (let i = 0; i < 5; i++) db.prepare('insert into t (a) values (?)').run([i]);
    expect(db.prepare('select count(*) as n from t').all([])).toEqual([{ n: 5 }]);
    // A third text pushes out the least recently used (the count), not the insert used just now.
    db.prepare('insert into t (a) values (?)');
    db.prepare('select a from t order by a');
    expect(db.cached).toBe(2);
    const before = prepared;
    db.prepare('insert into t (a) values (?)');
    expect(prepared).toBe(before);
    db.prepare('select count(*) as n from t');
    expect(prepared).toBe(before + 1);
    // A statement being iterated is busy: the same text asked meanwhile gets a statement of its own.
    const list = db.prepare('select a from t order by a');
    const it = list.iterate([]);
    expect(it.next().value).toEqual({ a: 0 });
    const again = db.prepare('select a from t order by a');
    expect(again).not.toBe(list);
    expect(again.all([])).toHaveLength(5);
    expect([...it].map((r) => (r as { a: number }).a)).toEqual([1, 2, 3, 4]);
    db.close();
    expect(raw.open).toBe(false);
  });

  it('makes every table STRICT, so a wrong type is an error and not a silent conversion', async () => {
    const store = await openSqliteStore(tempFile());
    const tables = store.sqlite!.prepare(`select name, strict from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%' and name <> 'schema_migrations'`).all() as { name: string; strict: number }[];
    expect(tables.length).toBeGreaterThan(5);
    for (const t of tables) expect(t, t.name).toMatchObject({ strict: 1 });
    expect(() => store.sqlite!.prepare(`insert into meta (key, value) values ('k', x'00ff')`).run()).toThrow(/cannot store BLOB/);
    await store.close();
  });

  it('enforces foreign keys', async () => {
    const store = await openSqliteStore(tempFile());
    await expect(store.db.insertInto('user_roles').values({ user_id: 'nobody', role: 'agent' }).execute()).rejects.toThrow(/FOREIGN KEY/);
    await store.close();
  });

  it('reopens an existing store without re-running migrations', async () => {
    const file = tempFile();
    const a = await openSqliteStore(file);
    await a.db.insertInto('meta').values({ key: 'k', value: 'v' }).execute();
    await a.close();
    const b = await openSqliteStore(file);
    expect(await b.db.selectFrom('meta').select('value').where('key', '=', 'k').executeTakeFirst()).toEqual({ value: 'v' });
    await b.close();
  });

  it('refuses a store from a newer console with a clear message and leaves it untouched', async () => {
    const file = tempFile();
    const a = await openSqliteStore(file);
    await a.db.insertInto('schema_migrations').values({ version: 99, name: 'from-the-future', applied_at: new Date().toISOString() }).execute();
    await a.close();
    const before = sha(file);
    const err = await openSqliteStore(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).problem).toBe('newer_version');
    expect((err as StoreError).message).toContain('更新版本');
    expect(sha(file)).toBe(before);
  });

  it('refuses a file that is not a SQLite database and never overwrites it', async () => {
    const file = tempFile();
    writeFileSync(file, '这不是数据库，是一份重要的 Excel 导出'.repeat(200));
    const before = sha(file);
    const err = await openSqliteStore(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).problem).toBe('unreadable');
    expect(sha(file)).toBe(before);
  });

  it('refuses a damaged database file and never overwrites it', async () => {
    const file = tempFile();
    const a = await openSqliteStore(file);
    await a.close();
    const bytes = readFileSync(file);
    bytes.fill(0xab, 100, 4096); // header stays, the schema page is garbage
    writeFileSync(file, bytes);
    const before = sha(file);
    const err = await openSqliteStore(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(sha(file)).toBe(before);
  });

  it('rolls a failing migration back completely', async () => {
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    const broken: Migration = {
      version: migrations.length + 1, name: 'broken',
      async up(trx) {
        await trx.schema.createTable('half_done').addColumn('id', 'text').execute();
        await sql`select * from no_such_table`.execute(trx);
      },
    };
    await expect(migrate(db, 'sqlite', [...migrations, broken])).rejects.toThrow(new RegExp(`第 ${migrations.length + 1} 版`));
    const tables = await sql<{ name: string }>`select name from sqlite_master where name = 'half_done'`.execute(db);
    expect(tables.rows).toHaveLength(0);
    const v = await db.selectFrom('schema_migrations').select(sql<number>`max(version)`.as('v')).executeTakeFirst();
    expect(v?.v).toBe(migrations.length);
    await db.destroy();
  });
});

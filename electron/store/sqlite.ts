import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteDialectConfig } from 'kysely';
import type pg from 'pg';
import { chmodSync, closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import type { DB } from './schema';
import { StoreError } from './errors';
import { migrate } from './migrate';
import { migrations } from './migrations';
import type { Migration } from './migrations/types';
import { BackgroundCheckpointer, type CheckpointOptions } from './checkpoint';

export interface Store {
  db: Kysely<DB>;
  dialect: 'sqlite' | 'postgres';
  /** The raw handle, for bulk loads and benchmarks only; services go through `db`. */
  sqlite: Database.Database | null;
  /** SQLite: the WAL checkpoint run off the request path (null with `walCheckpoint: 'auto'`, and on PostgreSQL). */
  checkpointer?: BackgroundCheckpointer | null;
  /** PostgreSQL: the connections ticket search runs on, with its own planner settings (postgres.ts). */
  searchPool?: pg.Pool;
  close(): Promise<void>;
}

const SQLITE_HEADER = 'SQLite format 3\0';
/** PRAGMA application_id of every store this console creates ('HL12'): marks the file as ours. */
export const APPLICATION_ID = 0x484c3132;

const untouched = '文件未被改动，请从备份恢复或换一个数据目录。';

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StoreError('unreadable', `无法读取数据库文件 ${file}：${(e as Error).message}。${untouched}`, { file });
  }
}

/**
 * Reads the file header before SQLite touches the file: a foreign or damaged file, or a folder
 * where the store should be, is reported, never adopted. Returns whether a store exists yet.
 */
function assertLooksLikeSqlite(file: string): boolean {
  const st = statOrNull(file);
  if (!st) return false;
  if (!st.isFile()) {
    throw new StoreError('unreadable', `数据库位置 ${file} 是一个文件夹（或其他非文件对象），不是坐席台的数据库。${untouched}`, { file });
  }
  if (st.size === 0) return false;
  const buf = Buffer.alloc(16);
  let n: number;
  try {
    const fd = openSync(file, 'r');
    try {
      n = readSync(fd, buf, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new StoreError('unreadable', `无法读取数据库文件 ${file}：${(e as Error).message}。${untouched}`, { file });
  }
  if (n < 16 || buf.toString('latin1') !== SQLITE_HEADER) {
    throw new StoreError('unreadable', `无法读取数据库文件 ${file}：它不是坐席台的数据库或已损坏。${untouched}`, { file });
  }
  return true;
}

/**
 * Opens an existing file read-only and decides whether it is ours: marked with our application id,
 * or (stores from before the mark) carrying our own migration history, or holding no tables at all.
 * Another program's database is refused before a single byte of it is written.
 */
function assertOurs(file: string, list: readonly Migration[], nativeBinding?: string): void {
  let probe: Database.Database | null = null;
  try {
    probe = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    const appId = probe.pragma('application_id', { simple: true }) as number;
    const tables = probe.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`).pluck().all() as string[];
    if (appId === APPLICATION_ID) return;
    const foreign = () => new StoreError('not_ours',
      `数据库文件 ${file} 属于其他程序，不是坐席台的数据库，坐席台不会接管或改动它。请换一个数据目录，或把该文件移走后重新启动。`,
      { file, applicationId: appId });
    if (appId !== 0) throw foreign();
    if (tables.length === 0) return;
    if (!tables.includes('schema_migrations')) throw foreign();
    const rows = probe.prepare('select version, name from schema_migrations order by version').all() as { version: number; name: string }[];
    if (rows.length === 0) throw foreign();
    for (const r of rows) {
      // Versions past ours are a newer console's: migrate() reports those.
      const ours = list[r.version - 1];
      if (r.version < 1 || (ours && ours.name !== r.name)) throw foreign();
    }
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw new StoreError('unreadable', `无法读取数据库文件 ${file}：${(e as Error).message}。${untouched}`, { file });
  } finally {
    probe?.close();
  }
}

/** The store and its WAL/shared-memory twins are private to the user; SQLite gives the twins the store's mode. */
function makePrivate(file: string): void {
  if (process.platform === 'win32') return;
  try {
    closeSync(openSync(file, 'a', 0o600));
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  } catch (e) {
    throw new StoreError('unreadable', `无法打开数据库文件 ${file}：${(e as Error).message}`, { file });
  }
}

export interface SqliteOptions {
  /** Path of a better-sqlite3 addon built for this runtime (Electron has its own ABI). */
  nativeBinding?: string;
  /** Migration list (tests). @default the console's migrations */
  migrations?: readonly Migration[];
  /**
   * Who checkpoints the WAL: 'background' (auto-checkpoint off on this connection, a worker thread
   * checkpoints; see checkpoint.ts) or 'auto' (SQLite's default, inside the committing write; kept
   * for the bench's before/after). @default 'background'
   */
  walCheckpoint?: 'background' | 'auto';
  checkpoint?: Omit<CheckpointOptions, 'nativeBinding'>;
}

/**
 * Kysely begins an SQLite transaction DEFERRED: it starts as a reader and asks for the write lock at
 * its first write. If another connection wrote or reset the WAL in between (the checkpoint worker's
 * TRUNCATE/RESTART, a second process on the file), SQLite cannot upgrade that stale snapshot and
 * fails at once with SQLITE_BUSY ("database is locked") without waiting for busy_timeout: a service's
 * write failed now and then (seen as `UserService.create` failing during a demo load). Every
 * transaction on the store connection is begun IMMEDIATE instead: it takes the write lock up front,
 * waiting for it under busy_timeout like any single statement does, and its snapshot cannot go stale.
 * The store has one connection in the process, so no transaction of ours waits for another of ours.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) { super(config); this.#config = config; }
  override createDriver(): Driver { return new ImmediateSqliteDriver(this.#config); }
}

/** Distinct SQL texts whose prepared statements the store connection keeps. */
export const STATEMENT_CACHE_SIZE = 1000;

/**
 * The store connection as Kysely sees it, keeping its prepared statements. Kysely's SQLite driver
 * prepares every query anew (SQLite parses and plans the text each time): an intake save runs about
 * 15 statements, all the same text from save to save. Statements are kept per SQL text, the least
 * recently used dropped past `size` (texts with `in (?, ?, …)` lists vary in length). A kept
 * statement that is still being iterated (a stream not yet finished) is not handed out twice: the
 * second caller gets a fresh one. A statement survives schema changes (SQLite re-prepares it).
 */
export function withStatementCache(sqlite: Database.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase & { readonly cached: number } {
  const kept = new Map<string, Database.Statement>();
  return {
    get cached() { return kept.size; },
    close() { kept.clear(); sqlite.close(); },
    prepare(text: string) {
      const hit = kept.get(text);
      if (hit && !hit.busy) {
        kept.delete(text);
        kept.set(text, hit);
        return hit;
      }
      const fresh = sqlite.prepare(text);
      if (hit) return fresh;
      kept.set(text, fresh);
      if (kept.size > size) kept.delete(kept.keys().next().value!);
      return fresh;
    },
  };
}

/** Trims the WAL file back to this size when it is reset after a checkpoint. */
const JOURNAL_SIZE_LIMIT = 64 << 20;

/** The store connection's page cache, in KiB as SQLite's negative cache_size takes it. */
const CACHE_KIB = -65_536;

export async function openSqliteStore(file: string, opts: SqliteOptions = {}): Promise<Store> {
  const list = opts.migrations ?? migrations;
  const exists = assertLooksLikeSqlite(file);
  if (exists) assertOurs(file, list, opts.nativeBinding);
  makePrivate(file);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
    // Touch the schema first: a damaged file fails here, before any pragma writes to it.
    sqlite.prepare('select count(*) from sqlite_master').get();
  } catch (e) {
    throw new StoreError('unreadable', `无法读取数据库文件 ${file}：${(e as Error).message}。${untouched}`, { file });
  }
  try {
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // 64 MiB of page cache (SQLite's default is 2 MiB): at 1M tickets the index pages an intake
    // touches stay in memory. Intake save at 1M, same run (test/bench/intake-profile.ts):
    // p50 2.39 → 1.68 ms, p99 6.98 → 5.21 ms, the commit's own p99 3.50 → 3.04 ms.
    sqlite.pragma(`cache_size = ${CACHE_KIB}`);
    if (opts.walCheckpoint !== 'auto') {
      sqlite.pragma('wal_autocheckpoint = 0');
      sqlite.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    }
  } catch (e) {
    sqlite.close();
    throw new StoreError('locked', `数据库 ${file} 正被其他程序占用：${(e as Error).message}`, { file });
  }
  const db = new Kysely<DB>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  try {
    await migrate(db, 'sqlite', list);
    if (sqlite.pragma('application_id', { simple: true }) !== APPLICATION_ID) sqlite.pragma(`application_id = ${APPLICATION_ID}`);
  } catch (e) {
    await db.destroy();
    if (e instanceof StoreError) throw e;
    // A page damaged past the schema shows up only now: still the clear refusal, not a stack trace.
    throw new StoreError('unreadable', `无法读取数据库文件 ${file}：${(e as Error).message}。${untouched}`, { file });
  }
  const checkpointer = opts.walCheckpoint === 'auto' ? null : new BackgroundCheckpointer(file, { ...opts.checkpoint, nativeBinding: opts.nativeBinding });
  return {
    db, dialect: 'sqlite', sqlite, checkpointer,
    // The checkpoint connection first: the writer's close is then the last one and checkpoints the rest.
    close: async () => { await checkpointer?.close(); await db.destroy(); },
  };
}

import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { DB } from './schema';
import { StoreError } from './errors';
import { migrate } from './migrate';
import { migrations } from './migrations';

export interface Store {
  db: Kysely<DB>;
  dialect: 'sqlite' | 'postgres';
  /** The raw handle, for bulk loads and benchmarks only; services go through `db`. */
  sqlite: Database.Database | null;
  close(): Promise<void>;
}

const SQLITE_HEADER = 'SQLite format 3\0';

/** Reads the file header before SQLite touches the file: a foreign file is reported, never adopted. */
function assertLooksLikeSqlite(file: string): void {
  if (!existsSync(file) || statSync(file).size === 0) return;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    if (n < 16 || buf.toString('latin1') !== SQLITE_HEADER) {
      throw new StoreError('unreadable', `无法读取数据库文件 ${file}：它不是坐席台的数据库或已损坏。文件未被改动，请从备份恢复或换一个数据目录。`, { file });
    }
  } finally {
    closeSync(fd);
  }
}

export interface SqliteOptions {
  /** Path of a better-sqlite3 addon built for this runtime (Electron has its own ABI). */
  nativeBinding?: string;
}

export async function openSqliteStore(file: string, opts: SqliteOptions = {}): Promise<Store> {
  assertLooksLikeSqlite(file);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
    // Touch the schema first: a damaged file fails here, before any pragma writes to it.
    sqlite.prepare('select count(*) from sqlite_master').get();
  } catch (e) {
    throw new StoreError('unreadable', `无法读取数据库文件 ${file}：${(e as Error).message}。文件未被改动。`, { file });
  }
  try {
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
  } catch (e) {
    sqlite.close();
    throw new StoreError('locked', `数据库 ${file} 正被其他程序占用：${(e as Error).message}`, { file });
  }
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await migrate(db, 'sqlite', migrations);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return { db, dialect: 'sqlite', sqlite, close: () => db.destroy() };
}

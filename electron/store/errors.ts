import { sql, type Kysely } from 'kysely';
import type { DB } from './schema';

/** Why the store could not be opened. Startup shows the message and exits without writing. */
export type StoreProblem = 'unreadable' | 'newer_version' | 'locked' | 'migration_failed'
  /** Another application's SQLite file: refused, never adopted and migrated. */
  | 'not_ours'
  /** Another console already has this data folder open. */
  | 'in_use'
  /** PostgreSQL: the server cannot be reached, or the database is not set up as the store needs. */
  | 'unreachable' | 'misconfigured'
  /** PostgreSQL refused the user or password. */
  | 'auth_failed';

export class StoreError extends Error {
  constructor(readonly problem: StoreProblem, message: string, readonly facts: Record<string, string | number> = {}) {
    super(message);
    this.name = 'StoreError';
  }
}

/**
 * The clear refusal for a start that failed on the store: a StoreError's own message, or for a
 * SQLite error raised later by a damaged page (SQLITE_CORRUPT, SQLITE_NOTADB …) the same kind of
 * sentence instead of a stack trace. Null when the failure is not about the store.
 */
export function storeFailureMessage(e: unknown): string | null {
  if (e instanceof StoreError) return e.message;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB|IOERR|CANTOPEN|FORMAT)/.test(code)) {
    return `无法读取数据库：文件已损坏或无法访问（${code}）。请从备份恢复，或换一个数据目录。`;
  }
  return null;
}

const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function codeOf(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/**
 * The connection itself failed or dropped: the server is down or restarting, the network broke,
 * the pool could not get a connection in time. Whether a write sent just before committed is
 * unknown, so only requests that write nothing may be retried.
 */
export function isConnectionFault(e: unknown): boolean {
  const code = codeOf(e);
  if (code && (NET_CODES.has(code) || /^08/.test(code) || code === '57P01' || code === '57P02' || code === '57P03')) return true;
  const msg = (e as Error | null)?.message ?? '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i.test(msg);
}

/** Store failures a request can report as a contract error (the renderer's zh-CN says what happened). */
export type StoreFaultCode = 'store_unavailable' | 'store_timeout' | 'store_full';

/**
 * Maps a driver error to what the user is told: connection lost → store_unavailable, the server
 * cancelled a statement over statement_timeout (57014) → store_timeout, the server is out of disk
 * (53100) or other resources (53xxx) → store_full. Null for everything else (a bug: internal).
 * Every service writes inside one transaction, so a failed request leaves nothing half-written.
 */
export function storeFault(e: unknown): StoreFaultCode | null {
  const code = codeOf(e);
  if (code === '57014') return 'store_timeout';
  if (code && /^53/.test(code)) return 'store_full';
  if (isConnectionFault(e)) return 'store_unavailable';
  return null;
}

/** The start-up refusal for a connection that failed: what went wrong, where, and what to check; never a stack trace. */
export function connectFailure(e: unknown, where: string, user: string): StoreError {
  const code = codeOf(e);
  const detail = (e as Error | null)?.message ?? String(e);
  if (code === '28P01' || code === '28000') {
    return new StoreError('auth_failed', `PostgreSQL 拒绝了用户“${user}”登录数据库 ${where}：密码错误，或该用户无权连接（${detail}）。请检查密码文件或环境变量 HOTLINE_PG_PASSWORD。`, { where });
  }
  if (code === '3D000') return new StoreError('misconfigured', `PostgreSQL 上没有数据库 ${where}：请先建库（${detail}）。`, { where });
  if (code === 'ECONNREFUSED') {
    return new StoreError('unreachable', `无法连接 PostgreSQL 数据库 ${where}：连接被拒绝。请确认服务器已启动，主机和端口设置正确。`, { where });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new StoreError('unreachable', `无法连接 PostgreSQL 数据库 ${where}：找不到该主机名。`, { where });
  if (/certificate|self[- ]signed|SSL|TLS/i.test(detail)) {
    return new StoreError('misconfigured', `无法与 PostgreSQL 数据库 ${where} 建立加密连接：${detail}。请检查 TLS 设置和 CA 证书文件。`, { where });
  }
  return new StoreError('unreachable', `无法连接 PostgreSQL 数据库 ${where}：${detail}`, { where });
}

/**
 * Waits until the store answers `select 1` again (a restarted server accepts connections within a
 * few seconds), trying every `everyMs` for at most `withinMs`; false when it did not come back.
 */
export async function waitForStore(db: Kysely<DB>, withinMs = 10_000, everyMs = 200): Promise<boolean> {
  const until = Date.now() + withinMs;
  for (;;) {
    try {
      await sql`select 1`.execute(db);
      return true;
    } catch (e) {
      if (!isConnectionFault(e) || Date.now() + everyMs > until) return false;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}

/** Why the store could not be opened. Startup shows the message and exits without writing. */
export type StoreProblem = 'unreadable' | 'newer_version' | 'locked' | 'migration_failed'
  /** Another application's SQLite file: refused, never adopted and migrated. */
  | 'not_ours'
  /** Another console already has this data folder open. */
  | 'in_use'
  /** PostgreSQL: the server cannot be reached, or the database is not set up as the store needs. */
  | 'unreachable' | 'misconfigured';

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

import { sql, type Kysely } from 'kysely';
import type { DB } from './schema';
import { StoreError } from './errors';
import type { Dialect, Migration } from './migrations/types';

export async function currentVersion(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom('schema_migrations').select(sql<number | null>`max(version)`.as('v')).executeTakeFirst();
  return row?.v ?? 0;
}

/** Key of the PostgreSQL advisory lock that serialises migrations (any constant; other locks use other keys). */
export const MIGRATION_LOCK_KEY = 12345_0001;

/**
 * Two console servers starting at once on one PostgreSQL database must not both migrate: each
 * migration transaction first takes a transaction-scoped advisory lock, so the second waits for
 * the first to commit, then sees the new version and skips. SQLite has one writer per file and a
 * desk's store has one process: nothing to take.
 */
async function lockMigrations(trx: Kysely<DB>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(trx);
}

export function refuseNewer(found: number, supported: number): never {
  throw new StoreError('newer_version',
    `数据库由更新版本的坐席台创建（数据库版本 ${found}，本程序支持到 ${supported}）。请升级坐席台后再打开，数据库未作任何改动。`,
    { found, supported });
}

/**
 * Applies pending migrations, each in its own transaction together with its bookkeeping row, so a
 * crash leaves the store at a clean version. A store written by a newer console is refused before
 * anything is written: an older build must never "repair" a schema it does not understand.
 */
export async function migrate(db: Kysely<DB>, dialect: Dialect, list: readonly Migration[]): Promise<{ from: number; to: number }> {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list has a gap at ${m.name}`);
  });
  await db.transaction().execute(async (trx) => {
    await lockMigrations(trx, dialect);
    await trx.schema.createTable('schema_migrations').ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
  });
  const from = await currentVersion(db);
  const latest = list.length;
  if (from > latest) refuseNewer(from, latest);
  for (const m of list.slice(from)) {
    try {
      await db.transaction().execute(async (trx) => {
        await lockMigrations(trx, dialect);
        // Another server may have applied it (or more) while this one waited for the lock.
        const now = await currentVersion(trx);
        if (now > latest) refuseNewer(now, latest);
        if (now >= m.version) return;
        await m.up(trx, dialect);
        await trx.insertInto('schema_migrations')
          .values({ version: m.version, name: m.name, applied_at: new Date().toISOString() }).execute();
      });
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw new StoreError('migration_failed', `数据库升级到第 ${m.version} 版（${m.name}）失败，已回滚：${(e as Error).message}`,
        { version: m.version });
    }
  }
  return { from, to: latest };
}

import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { DB } from '../schema';
import { migrate } from '../migrate';
import { migrations } from '.';
import { claimSetup } from '../../services/users';
import { ContractFailure } from '../../../shared/contract';

const open = () => new Kysely<DB>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
const claimCode = async (db: Kysely<DB>) => {
  try { await claimSetup(db, 'admin:late'); return 'ok'; } catch (e) { return e instanceof ContractFailure ? e.error.code : String(e); }
};

describe('migration 13 (sessions, must-change flag, setup claim)', () => {
  it('marks a store that already has users as set up, so first-time setup can never run on it', async () => {
    const db = open();
    await migrate(db, 'sqlite', migrations.slice(0, 12));
    await db.insertInto('users').values({ id: 'u1', username: 'root', display_name: '管理员', password_hash: 'x', department_id: null, disabled: 0,
      failed_attempts: 0, locked_until: null, last_login_at: null, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' } as never).execute();
    await migrate(db, 'sqlite', migrations);
    expect(await claimCode(db)).toBe('setup_already_done');
    const u = await db.selectFrom('users').select('must_change_password').executeTakeFirstOrThrow();
    expect(u.must_change_password).toBe(0);
    await db.destroy();
  });

  it('leaves an empty store open for first-time setup, claimed exactly once', async () => {
    const db = open();
    await migrate(db, 'sqlite', migrations);
    expect(await claimCode(db)).toBe('ok');
    expect(await claimCode(db)).toBe('setup_already_done');
    await db.destroy();
  });
});

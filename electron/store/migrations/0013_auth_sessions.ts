import { sql } from 'kysely';
import type { Migration } from './types';
import { createIndex, strict } from './ddl';

/**
 * Sign-in sessions as rows with opaque tokens (only a SHA-256 of the token is stored), so a page
 * reload or a restarted service resumes the session and an admin's change can revoke it; a flag
 * that makes an admin-set password change at the next sign-in; and the first-run claim that lets
 * exactly one of "create the first admin" and "load demo data" happen.
 */
export const migration0013authSessions: Migration = {
  version: 13,
  name: 'auth_sessions',
  async up(db, dialect) {
    await strict(db.schema.createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_reason', 'text'), dialect).execute();
    await createIndex(db, 'sessions_token_hash', 'sessions', ['token_hash'], true);
    await createIndex(db, 'sessions_user', 'sessions', ['user_id']);
    await createIndex(db, 'sessions_expires', 'sessions', ['expires_at']);

    await sql`alter table users add column must_change_password integer not null default 0`.execute(db);

    // A store set up before this migration is already claimed: nobody may run first-time setup on it.
    await sql`insert into meta (key, value) select 'setup.claimed', 'existing' where exists (select 1 from users)`.execute(db);
  },
};

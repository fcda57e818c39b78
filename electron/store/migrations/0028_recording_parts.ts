import { sql } from 'kysely';
import type { Migration } from './types';
import { createIndex, strict } from './ddl';

/**
 * A call's recording in parts (issue 15.2 with 15.1): when the window that records a call reloads
 * or crashes mid-call, the call goes on in the new window, whose recorder starts a new file (a WebM
 * stream cannot be continued by another recorder). The part so far is closed as interrupted and
 * the call's next part follows it, so a call may now have several recordings: `call_id` is no
 * longer unique, (call_id, part) is. SQLite cannot drop a column's UNIQUE, so the table is rebuilt
 * (the same way on both stores; no table refers to recordings).
 */
export const migration0028recordingParts: Migration = {
  version: 28,
  name: 'recording_parts',
  async up(db, dialect) {
    await strict(db.schema.createTable('recordings_next')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('call_id', 'text', (c) => c.notNull())
      // 0 for the first, 1 for what followed a reload of the recording window, and so on.
      .addColumn('part', 'integer', (c) => c.notNull())
      .addColumn('ticket_id', 'text')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('chunks', 'integer', (c) => c.notNull())
      .addColumn('mime', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull()), dialect).execute();
    await sql`insert into recordings_next (id, call_id, part, ticket_id, user_id, started_at, ended_at, duration_ms, bytes, chunks, mime, path, state)
      select id, call_id, 0, ticket_id, user_id, started_at, ended_at, duration_ms, bytes, chunks, mime, path, state from recordings`.execute(db);
    await db.schema.dropTable('recordings').execute();
    await db.schema.alterTable('recordings_next').renameTo('recordings').execute();
    await createIndex(db, 'recordings_call_part', 'recordings', ['call_id', 'part'], true);
    await createIndex(db, 'recordings_started', 'recordings', ['started_at']);
    await createIndex(db, 'recordings_ticket', 'recordings', ['ticket_id']);
  },
};

import type { Migration } from './types';
import { createIndex, strict } from './ddl';

/**
 * Call recordings (issue 15.1): one row per recorded call leg, the audio itself in a file of the
 * data folder that grows chunk by chunk while the call lasts. No foreign key to call_records: the
 * call is recorded (call_records) only when it ends, while its recording starts at answer.
 */
export const migration0025recordings: Migration = {
  version: 25,
  name: 'recordings',
  async up(db, dialect) {
    await strict(db.schema.createTable('recordings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('call_id', 'text', (c) => c.notNull().unique())
      .addColumn('ticket_id', 'text')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      // Next chunk's number: a chunk sent twice (a retried request) is written once.
      .addColumn('chunks', 'integer', (c) => c.notNull())
      .addColumn('mime', 'text', (c) => c.notNull())
      // Relative to the data folder's recordings directory; never a path a renderer sent.
      .addColumn('path', 'text', (c) => c.notNull())
      // 'recording' | 'complete' | 'interrupted'
      .addColumn('state', 'text', (c) => c.notNull()), dialect).execute();
    // Retention walks recordings by age; the ticket's timeline reads them by ticket.
    await createIndex(db, 'recordings_started', 'recordings', ['started_at']);
    await createIndex(db, 'recordings_ticket', 'recordings', ['ticket_id']);
  },
};

import type { Migration } from './types';
import { strict } from './ddl';

/**
 * The lifecycle snapshot per ticket (version for optimistic concurrency, pending return or
 * extension, counters) beside the flat columns lists and filters read. Tickets that predate it
 * (imports, demo data) get theirs derived from the columns on first touch.
 */
export const migration0004intake: Migration = {
  version: 4,
  name: 'intake',
  async up(db, dialect) {
    await strict(db.schema.createTable('ticket_state')
      .addColumn('ticket_id', 'text', (c) => c.primaryKey().references('tickets.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('snapshot', 'text', (c) => c.notNull()), dialect).execute();
  },
};

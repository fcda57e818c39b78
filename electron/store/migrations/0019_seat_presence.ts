import type { Migration } from './types';
import { strict } from './ddl';

/**
 * Each seat's phone as its desk last reported it (issue 12: agent states go to the center): the
 * softphone runs on the desk, so the center learns the agent state and registration from the desk's
 * reports (seat.report), and every server of the center reads them here (duty transfer targets,
 * the wallboard). A report older than a few minutes is not believed (the desk re-reports every minute).
 */
export const migration0019seatPresence: Migration = {
  version: 19,
  name: 'seat_presence',
  async up(db, dialect) {
    await strict(db.schema.createTable('seat_presence')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('agent', 'text', (c) => c.notNull())
      .addColumn('registered', 'integer', (c) => c.notNull())
      .addColumn('reported_at', 'text', (c) => c.notNull()), dialect).execute();
  },
};

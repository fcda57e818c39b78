import type { Migration } from './types';
import { createIndex, strict } from './ddl';

/**
 * What the department suggestion (智能派单, electron/classify/department-suggester.ts) and the
 * misrouting guard read, kept incrementally by the ticket workflow in the transaction of each
 * sign, approved return and redispatching reopen, so a suggestion reads a few dozen rows by key
 * instead of scanning the dispatch history.
 *
 * - department_tallies: per routing key (category × street, category × district, category, street,
 *   title bigram; lead or co-department) and department, how many dispatches were signed and not
 *   returned, and how many were returned. `period` is '*' for all time, or a China day
 *   (YYYY-MM-DD) for the structured keys, so a reason can say "近 90 天 … 37 件".
 * - department_returns: each approved return (退单) with its reason and a little of the ticket's
 *   text, read by the guard per department over the last 90 days.
 */
export const migration0023departmentRouting: Migration = {
  version: 23,
  name: 'department_routing',
  async up(db, dialect) {
    await strict(db.schema.createTable('department_tallies')
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text', (c) => c.notNull())
      .addColumn('signed', 'integer', (c) => c.notNull())
      .addColumn('returned', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('department_tallies_pk', ['key', 'period', 'department_id']), dialect).execute();
    await strict(db.schema.createTable('department_returns')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('ticket_id', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('category_id', 'text')
      .addColumn('district_code', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('text_head', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull()), dialect).execute();
    await createIndex(db, 'department_returns_by_department', 'department_returns', ['department_id', 'at']);
  },
};

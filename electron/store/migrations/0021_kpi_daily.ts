import type { Migration } from './types';
import { strict } from './ddl';
import { rebuildKpiDaily } from '../repos/kpi-daily';

/**
 * KPI counts per China day (issue 13: pushed and incremental). The KPI report used to scan the
 * ticket history on every call (seconds at 200k tickets, on the process that also serves agents);
 * now the history's one writer adds each entry's counts to its day in the same transaction, and the
 * report sums at most a year of rows. The history written before this version is counted once here.
 */
export const migration0021kpiDaily: Migration = {
  version: 21,
  name: 'kpi_daily',
  async up(db, dialect) {
    let table = db.schema.createTable('kpi_daily').addColumn('day', 'text', (c) => c.primaryKey());
    for (const c of ['registered', 'resolved_directly', 'dispatched', 'signed_on_time', 'returned', 'return_visits', 'resolved',
      'satisfied', 'replied', 'replied_on_time', 'reopened'] as const) {
      table = table.addColumn(c, 'integer', (col) => col.notNull().defaultTo(0));
    }
    await strict(table, dialect).execute();
    await rebuildKpiDaily(db, dialect);
  },
};

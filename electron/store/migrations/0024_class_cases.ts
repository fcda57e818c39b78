import type { Migration } from './types';
import { createIndex, strict } from './ddl';

/**
 * Class cases (类案, issue 14): many tickets about one problem run as one rectification project.
 * The case (its match rule, responsibility package, the one reply), its member tickets, its
 * measures and its progress counters ("路灯修复 5,800 / 6,000"). Case, measure and counter rows
 * carry a version for optimistic writes.
 */
export const migration0024classCases: Migration = {
  version: 24,
  name: 'class_cases',
  async up(db, dialect) {
    await strict(db.schema.createTable('class_cases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('category_id', 'text')
      .addColumn('area_code', 'text')
      .addColumn('terms', 'text', (c) => c.notNull())
      .addColumn('package', 'text')
      .addColumn('reply', 'text')
      .addColumn('replied_at', 'text')
      .addColumn('consultation_item_id', 'text', (c) => c.references('consultation_items.id'))
      .addColumn('closed_at', 'text')
      .addColumn('close_note', 'text'), dialect).execute();
    await createIndex(db, 'class_cases_state', 'class_cases', ['state', 'created_at']);

    await strict(db.schema.createTable('class_case_tickets')
      .addColumn('class_case_id', 'text', (c) => c.notNull().references('class_cases.id'))
      .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id'))
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addColumn('auto', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('class_case_tickets_pk', ['class_case_id', 'ticket_id']), dialect).execute();
    await createIndex(db, 'class_case_tickets_ticket', 'class_case_tickets', ['ticket_id']);

    await strict(db.schema.createTable('class_case_measures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('class_case_id', 'text', (c) => c.notNull().references('class_cases.id'))
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('owner_department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('deadline', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull()), dialect).execute();
    await createIndex(db, 'class_case_measures_case', 'class_case_measures', ['class_case_id']);

    await strict(db.schema.createTable('class_case_counters')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('class_case_id', 'text', (c) => c.notNull().references('class_cases.id'))
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('target', 'integer', (c) => c.notNull())
      .addColumn('value', 'integer', (c) => c.notNull())
      .addColumn('owner_department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull()), dialect).execute();
    await createIndex(db, 'class_case_counters_case', 'class_case_counters', ['class_case_id']);
  },
};

import type { Migration } from './types';
import { bytesType, createIndex, strict } from './ddl';

/**
 * The consultation queue (政协直通车 / 社情民意联络站): items escalated from tickets, their linked
 * tickets, the work recorded on them (research, meetings, feedback), measures with deadlines,
 * research attachments, and the duty roster (weekly patterns and one-day swaps).
 */
export const migration0007consultation: Migration = {
  version: 7,
  name: 'consultation',
  async up(db, dialect) {
    await strict(db.schema.createTable('consultation_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('urgency', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('claim_by', 'text', (c) => c.notNull())
      .addColumn('claimed_by', 'text', (c) => c.references('users.id'))
      .addColumn('claimed_at', 'text')
      .addColumn('package', 'text')
      .addColumn('instruction', 'text')
      .addColumn('report', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('close_note', 'text'), dialect).execute();
    await createIndex(db, 'consultation_items_stage', 'consultation_items', ['stage', 'created_at']);
    await createIndex(db, 'consultation_items_created', 'consultation_items', ['created_at']);

    await strict(db.schema.createTable('consultation_item_tickets')
      .addColumn('item_id', 'text', (c) => c.notNull().references('consultation_items.id'))
      .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id'))
      .addPrimaryKeyConstraint('consultation_item_tickets_pk', ['item_id', 'ticket_id']), dialect).execute();
    await createIndex(db, 'consultation_item_tickets_ticket', 'consultation_item_tickets', ['ticket_id']);

    await strict(db.schema.createTable('consultation_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('item_id', 'text', (c) => c.notNull().references('consultation_items.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text', (c) => c.references('users.id'))
      .addColumn('data', 'text', (c) => c.notNull()), dialect).execute();
    await createIndex(db, 'consultation_records_item', 'consultation_records', ['item_id', 'at']);

    await strict(db.schema.createTable('consultation_attachments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('item_id', 'text', (c) => c.notNull().references('consultation_items.id'))
      .addColumn('record_id', 'text', (c) => c.notNull().references('consultation_records.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('mime', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('content', bytesType(dialect), (c) => c.notNull()), dialect).execute();
    await createIndex(db, 'consultation_attachments_record', 'consultation_attachments', ['record_id']);

    await strict(db.schema.createTable('consultation_measures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('item_id', 'text', (c) => c.notNull().references('consultation_items.id'))
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('owner_department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('deadline', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('evidence', 'text', (c) => c.notNull())
      .addColumn('drop_reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull()), dialect).execute();
    await createIndex(db, 'consultation_measures_item', 'consultation_measures', ['item_id']);
    await createIndex(db, 'consultation_measures_status_deadline', 'consultation_measures', ['status', 'deadline']);

    await strict(db.schema.createTable('duty_patterns')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('desk', 'text', (c) => c.notNull())
      .addColumn('weekdays', 'text', (c) => c.notNull())
      .addColumn('start_minute', 'integer', (c) => c.notNull())
      .addColumn('end_minute', 'integer', (c) => c.notNull())
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull()), dialect).execute();

    await strict(db.schema.createTable('duty_swaps')
      .addColumn('pattern_id', 'text', (c) => c.notNull().references('duty_patterns.id'))
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('replacement_user_id', 'text', (c) => c.references('users.id'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('duty_swaps_pk', ['pattern_id', 'date']), dialect).execute();
  },
};

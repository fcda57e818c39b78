import type { Migration } from './types';
import { createIndex, doubleType, strict } from './ddl';

/** Reference data (divisions, taxonomy, departments), citizens, tickets and their event history. */
export const migration0002: Migration = {
  version: 2,
  name: 'tickets',
  async up(db, dialect) {
    await strict(db.schema.createTable('divisions')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('parent_code', 'text', (c) => c.references('divisions.code')), dialect).execute();
    await createIndex(db, 'divisions_parent', 'divisions', ['parent_code']);

    await strict(db.schema.createTable('categories')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('parent_id', 'text', (c) => c.references('categories.id')), dialect).execute();
    await createIndex(db, 'categories_parent', 'categories', ['parent_id']);

    await strict(db.schema.createTable('departments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('district_code', 'text', (c) => c.references('divisions.code')), dialect).execute();

    await strict(db.schema.createTable('citizens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()), dialect).execute();
    await createIndex(db, 'citizens_phone', 'citizens', ['phone'], true);

    await strict(db.schema.createTable('tickets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('appeal_type', 'text', (c) => c.notNull())
      .addColumn('urgency', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('citizen_id', 'text', (c) => c.references('citizens.id'))
      .addColumn('phone', 'text')
      .addColumn('caller_name', 'text')
      .addColumn('confidential', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('category_id', 'text', (c) => c.references('categories.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('district_code', 'text', (c) => c.references('divisions.code'))
      .addColumn('street_code', 'text', (c) => c.references('divisions.code'))
      .addColumn('community_code', 'text', (c) => c.references('divisions.code'))
      .addColumn('address', 'text')
      .addColumn('lat', doubleType(dialect))
      .addColumn('lng', doubleType(dialect))
      .addColumn('lead_department_id', 'text', (c) => c.references('departments.id'))
      .addColumn('sign_by', 'text')
      .addColumn('reply_by', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('parent_id', 'text', (c) => c.references('tickets.id')), dialect).execute();
    await createIndex(db, 'tickets_number', 'tickets', ['number'], true);
    // The screen pop looks a caller up by number while the phone rings: keep it an index seek.
    await createIndex(db, 'tickets_phone_created', 'tickets', ['phone', 'created_at']);
    await createIndex(db, 'tickets_created', 'tickets', ['created_at']);
    await createIndex(db, 'tickets_status_reply_by', 'tickets', ['status', 'reply_by']);
    await createIndex(db, 'tickets_citizen', 'tickets', ['citizen_id']);

    await strict(db.schema.createTable('ticket_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text')
      .addColumn('data', 'text', (c) => c.notNull()), dialect).execute();
    await createIndex(db, 'ticket_events_ticket', 'ticket_events', ['ticket_id', 'at']);
  },
};

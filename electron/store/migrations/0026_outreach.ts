import type { Migration } from './types';
import { createIndex, strict } from './ddl';

/**
 * Community outreach events (便民服务进小区, issue 14.5): the event (community, address, date, the
 * count of people the team met), the people taking part (team agents, CPPCC members and liaison
 * station experts) and the appeals registered at it. An event row carries a version for optimistic
 * writes. Fixing an appeal on the spot (立行立改) is the ticket's own lifecycle; the link row only
 * says which event it was registered at and whether it was registered as fixed there.
 */
export const migration0026outreach: Migration = {
  version: 26,
  name: 'outreach',
  async up(db, dialect) {
    await strict(db.schema.createTable('outreach_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('community_code', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('people_met', 'integer', (c) => c.notNull()), dialect).execute();
    await createIndex(db, 'outreach_events_date', 'outreach_events', ['date']);

    await strict(db.schema.createTable('outreach_event_people')
      .addColumn('event_id', 'text', (c) => c.notNull().references('outreach_events.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('part', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('outreach_event_people_pk', ['event_id', 'user_id']), dialect).execute();
    await createIndex(db, 'outreach_event_people_user', 'outreach_event_people', ['user_id']);

    await strict(db.schema.createTable('outreach_event_tickets')
      .addColumn('event_id', 'text', (c) => c.notNull().references('outreach_events.id'))
      .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id'))
      .addColumn('fixed_on_spot', 'integer', (c) => c.notNull())
      .addColumn('registered_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('registered_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('outreach_event_tickets_pk', ['event_id', 'ticket_id']), dialect).execute();
    await createIndex(db, 'outreach_event_tickets_ticket', 'outreach_event_tickets', ['ticket_id'], true);
  },
};

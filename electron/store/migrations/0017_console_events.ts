import { sql } from 'kysely';
import type { Migration } from './types';

/**
 * The center's event log (issue 11, point 4; electron/events/postgres-bus.ts): every event a console
 * server publishes, in publish order (`seq`). A NOTIFY carries only the sequence number, so an event
 * of any size crosses, and a server whose listening connection dropped reads what it missed from
 * here. `payload` and `audience` are JSON text, byte for byte what was published; `at` drives retention.
 *
 * PostgreSQL only. A SQLite store is one process: its bus (InProcessEventBus) hands events over in
 * memory and has nothing to catch up on, so SQLite gets no table here.
 *
 * `if not exists`: centers that ran the bus before this migration have the table already (the bus
 * created it at start); its shape is the same.
 */
export const migration0017consoleEvents: Migration = {
  version: 17,
  name: 'console_events',
  async up(db, dialect) {
    if (dialect !== 'postgres') return;
    await sql`create table if not exists console_events (
      seq bigserial primary key,
      origin text not null,
      name text not null,
      payload text not null,
      audience text not null,
      at timestamptz not null default now()
    )`.execute(db);
    await sql`create index if not exists console_events_at on console_events (at)`.execute(db);
  },
};

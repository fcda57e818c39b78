import type { Kysely } from 'kysely';
import type { DB } from '../../electron/store/schema';
import type { ReferenceData, TicketBundle } from '../../electron/demo';
import { appendTicketEvents } from '../../electron/store/repos/ticket-events';

/**
 * Writes generated data through Kysely, the same way into either store (the demo loader writes
 * through the raw SQLite handle and has no PostgreSQL path yet). Rows go in multi-row inserts,
 * kept under PostgreSQL's 65535 bind parameters per statement.
 */
const CHUNK = 500;
function* chunks<T>(rows: readonly T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

export async function writeReference(db: Kysely<DB>, ref: ReferenceData): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Parents first: divisions and categories are generated top-down.
    for (const rows of chunks(ref.divisions.map((d) => ({ code: d.code, name: d.name, level: d.level, parent_code: d.parent_code })))) {
      await trx.insertInto('divisions').values(rows).execute();
    }
    for (const rows of chunks(ref.categories)) await trx.insertInto('categories').values(rows).execute();
    for (const rows of chunks(ref.departments)) await trx.insertInto('departments').values(rows).execute();
  });
}

/** Writes whole tickets (caller, ticket, events) in transactions of `batch` tickets. */
export async function writeTickets(db: Kysely<DB>, bundles: Iterable<TicketBundle>, batch = 1000): Promise<number> {
  let n = 0;
  let pending: TicketBundle[] = [];
  const flush = async () => {
    const list = pending;
    pending = [];
    await db.transaction().execute(async (trx) => {
      for (const rows of chunks(list.flatMap((b) => (b.citizen ? [b.citizen] : [])))) await trx.insertInto('citizens').values(rows).execute();
      for (const rows of chunks(list.map((b) => b.ticket))) await trx.insertInto('tickets').values(rows).execute();
      await appendTicketEvents(trx, list.flatMap((b) => b.events));
    });
  };
  for (const b of bundles) {
    pending.push(b);
    n++;
    if (pending.length >= batch) await flush();
  }
  if (pending.length) await flush();
  return n;
}

import type { Kysely } from 'kysely';
import type { DB } from '../../electron/store/schema';
import type { ReferenceData, TicketBundle } from '../../electron/demo';
import { writeReferenceRows, writeTicketBundles } from '../../electron/store/demo-writer';

/**
 * Writes generated data through Kysely, the same way into either store (the demo loader's Kysely
 * writers, without its empty-store check and meta keys).
 */
export async function writeReference(db: Kysely<DB>, ref: ReferenceData): Promise<void> {
  await db.transaction().execute((trx) => writeReferenceRows(trx, ref));
}

/** Writes whole tickets (caller, ticket, events) in transactions of `batch` tickets. */
export async function writeTickets(db: Kysely<DB>, bundles: Iterable<TicketBundle>, batch = 1000): Promise<number> {
  let n = 0;
  let pending: TicketBundle[] = [];
  const flush = async () => {
    const list = pending;
    pending = [];
    await db.transaction().execute((trx) => writeTicketBundles(trx, list));
  };
  for (const b of bundles) {
    pending.push(b);
    n++;
    if (pending.length >= batch) await flush();
  }
  if (pending.length) await flush();
  return n;
}

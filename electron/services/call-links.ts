import type { Kysely } from 'kysely';
import type { DB } from '../store/schema';

/**
 * A call's record is written when the call ends, and call_ticket_links references it; a ticket
 * tied to a call still in progress (registered during it, or handed over with it) waits in `meta`
 * until then. One ticket per call waits: the latest.
 */
const key = (callId: string) => `pending_call_link:${callId}`;

export async function setPendingCallLink(db: Kysely<DB>, callId: string, ticketId: string): Promise<void> {
  await db.insertInto('meta').values({ key: key(callId), value: ticketId }).onConflict((oc) => oc.column('key').doUpdateSet({ value: ticketId })).execute();
}

export async function pendingCallLink(db: Kysely<DB>, callId: string): Promise<string | null> {
  return (await db.selectFrom('meta').select('value').where('key', '=', key(callId)).executeTakeFirst())?.value ?? null;
}

export async function clearPendingCallLink(db: Kysely<DB>, callId: string): Promise<void> {
  await db.deleteFrom('meta').where('key', '=', key(callId)).execute();
}

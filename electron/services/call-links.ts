import type { Db } from '../store/repos/db';
import { deleteMeta, readMeta, writeMeta } from '../store/repos/meta';

/**
 * A call's record is written when the call ends, and call_ticket_links references it; a ticket
 * tied to a call still in progress (registered during it, or handed over with it) waits in `meta`
 * until then. One ticket per call waits: the latest.
 */
const key = (callId: string) => `pending_call_link:${callId}`;

export async function setPendingCallLink(db: Db, callId: string, ticketId: string): Promise<void> {
  await writeMeta(db, key(callId), ticketId);
}

export async function pendingCallLink(db: Db, callId: string): Promise<string | null> {
  return readMeta(db, key(callId));
}

export async function clearPendingCallLink(db: Db, callId: string): Promise<void> {
  await deleteMeta(db, key(callId));
}

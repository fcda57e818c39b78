import type { Insertable, Selectable } from 'kysely';
import type { RecordingsTable } from '../schema';
import type { Db } from './db';

/** Call recordings: the row of each recorded call leg (the audio is in a file, see services/recordings.ts). */

export type RecordingRow = Selectable<RecordingsTable>;

export async function insertRecording(db: Db, row: Insertable<RecordingsTable>): Promise<void> {
  await db.insertInto('recordings').values(row).execute();
}

export async function recordingById(db: Db, id: string): Promise<RecordingRow | undefined> {
  return db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A recording with the name of the agent who took the call. */
export async function recordingWithAgent(db: Db, id: string) {
  return db.selectFrom('recordings as r').innerJoin('users as u', 'u.id', 'r.user_id')
    .selectAll('r').select('u.display_name').where('r.id', '=', id).executeTakeFirst();
}

/** The call's latest recording part (the one a recorder writes to while the call lasts). */
export async function recordingOfCall(db: Db, callId: string): Promise<RecordingRow | undefined> {
  return db.selectFrom('recordings').selectAll().where('call_id', '=', callId).orderBy('part', 'desc').limit(1).executeTakeFirst();
}

export async function recordingOfCallPart(db: Db, callId: string, part: number): Promise<RecordingRow | undefined> {
  return db.selectFrom('recordings').selectAll().where('call_id', '=', callId).where('part', '=', part).executeTakeFirst();
}

/** Counts a chunk appended to the file: only when it is the chunk the row expects next. */
export async function recordChunk(db: Db, id: string, seq: number, bytes: number, durationMs: number): Promise<boolean> {
  const r = await db.updateTable('recordings')
    .set((eb) => ({ chunks: eb('chunks', '+', 1), bytes: eb('bytes', '+', bytes), duration_ms: durationMs }))
    .where('id', '=', id).where('chunks', '=', seq).where('state', '=', 'recording').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Closes a recording (complete or interrupted) with what is known at its end. */
export async function closeRecording(db: Db, id: string, change: { state: 'complete' | 'interrupted'; endedAt: string; durationMs?: number; bytes?: number; ticketId?: string | null }): Promise<void> {
  await db.updateTable('recordings').set({
    state: change.state, ended_at: change.endedAt,
    ...(change.durationMs !== undefined ? { duration_ms: change.durationMs } : {}),
    ...(change.bytes !== undefined ? { bytes: change.bytes } : {}),
    ...(change.ticketId ? { ticket_id: change.ticketId } : {}),
  }).where('id', '=', id).where('state', '=', 'recording').execute();
}

/** Recordings still open: at start-up, ones a crash cut short. */
export async function openRecordings(db: Db): Promise<RecordingRow[]> {
  return db.selectFrom('recordings').selectAll().where('state', '=', 'recording').execute();
}

/** A ticket's recordings, oldest first, with the name of the agent who took each call. */
export async function recordingsOfTicket(db: Db, ticketId: string) {
  const viaLinks = db.selectFrom('call_ticket_links').select('call_id').where('ticket_id', '=', ticketId);
  return db.selectFrom('recordings as r').innerJoin('users as u', 'u.id', 'r.user_id')
    .selectAll('r').select('u.display_name')
    .where((eb) => eb.or([eb('r.ticket_id', '=', ticketId), eb('r.call_id', 'in', viaLinks)]))
    .orderBy('r.started_at').orderBy('r.part').limit(200).execute();
}

/** Recordings of these calls (the call log's page), with the agent's name. */
export async function recordingsOfCalls(db: Db, callIds: readonly string[]) {
  if (callIds.length === 0) return [];
  return db.selectFrom('recordings as r').innerJoin('users as u', 'u.id', 'r.user_id')
    .selectAll('r').select('u.display_name').where('r.call_id', 'in', [...callIds]).execute();
}

/** Closed recordings started before `before` (ISO), oldest first: the retention job's batch. */
export async function expiredRecordings(db: Db, before: string, limit: number): Promise<RecordingRow[]> {
  return db.selectFrom('recordings').selectAll().where('started_at', '<', before).where('state', '<>', 'recording')
    .orderBy('started_at').limit(limit).execute();
}

export async function countExpiredRecordings(db: Db, before: string): Promise<number> {
  const r = await db.selectFrom('recordings').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('started_at', '<', before).where('state', '<>', 'recording').executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function deleteRecording(db: Db, id: string): Promise<void> {
  await db.deleteFrom('recordings').where('id', '=', id).execute();
}

/** A ticket the call's record is linked to (call_ticket_links), if any: the first by id. */
export async function linkedTicketOfCall(db: Db, callId: string): Promise<string | null> {
  const r = await db.selectFrom('call_ticket_links').select('ticket_id').where('call_id', '=', callId).orderBy('ticket_id').executeTakeFirst();
  return r?.ticket_id ?? null;
}

/** A call's recording that has no ticket yet takes this one (its call's record came after it, linked). */
export async function setRecordingTicketIfNone(db: Db, callId: string, ticketId: string): Promise<void> {
  await db.updateTable('recordings').set({ ticket_id: ticketId }).where('call_id', '=', callId).where('ticket_id', 'is', null).execute();
}

/** Closed recordings started at or after `since`, after the (started_at, id) cursor, oldest first (a desk's uploads). */
export async function closedRecordingsSince(db: Db, since: string, after: { startedAt: string; id: string } | null, limit: number): Promise<RecordingRow[]> {
  let q = db.selectFrom('recordings').selectAll().where('state', '<>', 'recording').where('started_at', '>=', since);
  if (after) q = q.where((eb) => eb.or([eb('started_at', '>', after.startedAt), eb.and([eb('started_at', '=', after.startedAt), eb('id', '>', after.id)])]));
  return q.orderBy('started_at').orderBy('id').limit(limit).execute();
}

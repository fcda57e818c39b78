import { sql, type Insertable, type Selectable } from 'kysely';
import type { AgentStateEventsTable, CallRecordsTable, SeatPresenceTable } from '../schema';
import type { Db } from './db';
import { poorAudio, type CallQuality } from '../../../shared/domain/audio-health';

/** Calls: the record of each finished call, its links to tickets, and each seat's agent-state history. */

/** A seat's presence row as the store holds it (the wallboard's seat view is made from it). */
export type SeatPresenceRow = Selectable<SeatPresenceTable>;

/** A finished call as a desk reports it (seat.recordCall) and the phone service records it. */
export interface CallRecordFields {
  callId: string; userId: string; direction: 'inbound' | 'outbound'; remoteNumber: string;
  invitedAt: string; answeredAt: string | null; endedAt: string; ringMs: number; talkMs: number; holdMs: number;
  endReason: string; sipCode: number | null; transferTarget: string | null; wrapUpCode: string | null;
  /** Audio quality measured during the call (absent or null: not measured). */
  quality?: CallQuality | null;
}

const iso = (at: string) => new Date(at).toISOString();

/** The row of a call record (instants in UTC, as the day's figures compare them as text). */
export const callRecordRow = (r: CallRecordFields): Insertable<CallRecordsTable> => ({
  id: r.callId, user_id: r.userId, direction: r.direction, remote_number: r.remoteNumber, invited_at: iso(r.invitedAt), answered_at: r.answeredAt && iso(r.answeredAt),
  ended_at: iso(r.endedAt), ring_ms: r.ringMs, talk_ms: r.talkMs, hold_ms: r.holdMs, end_reason: r.endReason, sip_code: r.sipCode,
  transfer_target: r.transferTarget, wrap_up_code: r.wrapUpCode,
  ...(r.quality ? {
    jitter_ms: r.quality.jitterMs, jitter_p95_ms: r.quality.jitterP95Ms, loss_permille: r.quality.lossPermille,
    rtt_ms: r.quality.rttMs, rtt_p95_ms: r.quality.rttP95Ms, audio_warnings: r.quality.warnings, poor_audio: poorAudio(r.quality) ? 1 : 0,
  } : {}),
});

/** Writes a finished call's record; a record already written for the call is kept. */
export async function insertCallRecord(db: Db, row: Insertable<CallRecordsTable>): Promise<void> {
  await db.insertInto('call_records').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export async function callRecordExists(db: Db, callId: string): Promise<boolean> {
  return (await db.selectFrom('call_records').select('id').where('id', '=', callId).executeTakeFirst()) !== undefined;
}

/** Whose call a recorded call is (null: not recorded). */
export async function callRecordOwner(db: Db, callId: string): Promise<string | null> {
  return (await db.selectFrom('call_records').select('user_id').where('id', '=', callId).executeTakeFirst())?.user_id ?? null;
}

/** Sets the wrap-up code of one of the user's own calls; false when they have no such call. */
export async function setOwnCallWrapUp(db: Db, callId: string, userId: string, code: string): Promise<boolean> {
  const r = await db.updateTable('call_records').set({ wrap_up_code: code }).where('id', '=', callId).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Whether a ticket exists (a desk's call may name one the center does not have). */
export async function callTicketExists(db: Db, ticketId: string): Promise<boolean> {
  return (await db.selectFrom('tickets').select('id').where('id', '=', ticketId).executeTakeFirst()) !== undefined;
}

export async function setCallWrapUp(db: Db, callId: string, code: string): Promise<void> {
  await db.updateTable('call_records').set({ wrap_up_code: code }).where('id', '=', callId).execute();
}

/** Links a recorded call to a ticket (once). */
export async function linkCallToTicket(db: Db, callId: string, ticketId: string): Promise<void> {
  await db.insertInto('call_ticket_links').values({ call_id: callId, ticket_id: ticketId }).onConflict((oc) => oc.doNothing()).execute();
}

/** Calls from a number since a time, leaving out one call (the one ringing now). */
export async function countCallsFrom(db: Db, remoteNumber: string, since: string, exceptCallId: string | null): Promise<number> {
  const r = await db.selectFrom('call_records').select(sql<number>`count(*)`.as('n'))
    .where('remote_number', '=', remoteNumber).where('invited_at', '>=', since)
    .$if(exceptCallId !== null, (q) => q.where('id', '<>', exceptCallId!)).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Appends one change of a seat's agent state. */
export async function appendAgentState(db: Db, row: Insertable<AgentStateEventsTable>): Promise<void> {
  await db.insertInto('agent_state_events').values(row).execute();
}

/** What a desk reports of its seat's phone (the softphone runs there). */
export async function upsertSeatPresence(db: Db, row: Insertable<SeatPresenceTable>): Promise<void> {
  const { user_id: _id, ...change } = row;
  await db.insertInto('seat_presence').values(row).onConflict((oc) => oc.column('user_id').doUpdateSet(change)).execute();
}

/** Every enabled user with a phone (a SIP account): the seats of the wallboard. */
export async function phoneSeats(db: Db, userIds?: readonly string[]) {
  let q = db.selectFrom('sip_accounts as s').innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.user_id', 's.aor', 'u.display_name']).where('u.disabled', '=', 0);
  if (userIds) {
    if (userIds.length === 0) return [];
    q = q.where('s.user_id', 'in', [...userIds]);
  }
  return q.execute();
}

/** The desks' reports for these users made since `since` (ISO); older ones are not believed. */
export async function seatPresenceOf(db: Db, userIds: readonly string[], since: string) {
  if (userIds.length === 0) return [];
  return db.selectFrom('seat_presence').selectAll().where('user_id', 'in', [...userIds]).where('reported_at', '>=', since).execute();
}

/** Calls that rang between two instants (ISO), for the wallboard's figures of the day. */
export async function callsInvitedBetween(db: Db, from: string, to: string) {
  return db.selectFrom('call_records')
    .select(['direction', 'remote_number', 'invited_at', 'answered_at', 'ring_ms', 'talk_ms', 'hold_ms', 'end_reason', 'poor_audio'])
    .where('invited_at', '>=', from).where('invited_at', '<', to).execute();
}

/** A call's quality as stored, null when it was not measured. */
export async function callQualityOf(db: Db, callId: string): Promise<CallQuality | null> {
  const r = await db.selectFrom('call_records').select(['jitter_ms', 'jitter_p95_ms', 'loss_permille', 'rtt_ms', 'rtt_p95_ms', 'audio_warnings'])
    .where('id', '=', callId).executeTakeFirst();
  if (!r || r.audio_warnings === null) return null;
  return { jitterMs: r.jitter_ms, jitterP95Ms: r.jitter_p95_ms, lossPermille: r.loss_permille, rttMs: r.rtt_ms, rttP95Ms: r.rtt_p95_ms, warnings: r.audio_warnings };
}

/** The calls of [from, to) whose audio was poor, newest first, with the agent's name (index on poor_audio, invited_at). */
export async function poorAudioCallsBetween(db: Db, from: string, to: string, limit: number) {
  return db.selectFrom('call_records').innerJoin('users', 'users.id', 'call_records.user_id')
    .select(['call_records.id', 'users.display_name', 'direction', 'remote_number', 'invited_at', 'talk_ms',
      'jitter_ms', 'jitter_p95_ms', 'loss_permille', 'rtt_ms', 'rtt_p95_ms', 'audio_warnings'])
    .where('poor_audio', '=', 1).where('invited_at', '>=', from).where('invited_at', '<', to)
    .orderBy('invited_at', 'desc').limit(limit).execute();
}

/** Agent-state changes between two instants, by user and time. */
export async function agentStatesBetween(db: Db, from: string, to: string) {
  return db.selectFrom('agent_state_events').select(['user_id', 'at', 'state'])
    .where('at', '>=', from).where('at', '<', to).orderBy('user_id').orderBy('at').execute();
}

/** The extensions (user part of each seat's SIP address): calls from them are colleagues, not citizens. */
export async function seatExtensions(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('sip_accounts').select('aor').execute();
  return new Set(rows.map((r) => r.aor.replace(/^sips?:/, '').split('@')[0]!));
}

import { sql, type Insertable } from 'kysely';
import type { OutreachEventsTable } from '../schema';
import type { Db } from './db';

/**
 * The outreach events' store (便民服务进小区, migration 0026): events, who takes part, and the
 * appeals registered at them. The figures are counted here with aggregates over the link and the
 * tickets, never kept as counters.
 */

export async function insertOutreachEvent(db: Db, row: Insertable<OutreachEventsTable>, people: { userId: string; part: 'team' | 'member' }[]): Promise<void> {
  await db.insertInto('outreach_events').values(row).execute();
  if (people.length) await db.insertInto('outreach_event_people').values(people.map((p) => ({ event_id: row.id, user_id: p.userId, part: p.part }))).execute();
}

export async function outreachEventById(db: Db, id: string): Promise<OutreachEventsTable | undefined> {
  return db.selectFrom('outreach_events').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Events newest date first; `userId` given: only those that person takes part in and that are not cancelled. */
export async function outreachEventList(db: Db, userId: string | null, limit: number): Promise<OutreachEventsTable[]> {
  let q = db.selectFrom('outreach_events').selectAll();
  if (userId) q = q.where('id', 'in', db.selectFrom('outreach_event_people').select('event_id').where('user_id', '=', userId)).where('cancelled_at', 'is', null);
  return q.orderBy('date', 'desc').orderBy('created_at', 'desc').limit(limit).execute();
}

export async function outreachPeople(db: Db, eventIds: readonly string[]) {
  if (eventIds.length === 0) return [];
  return db.selectFrom('outreach_event_people as p').innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['p.event_id', 'p.user_id', 'p.part', 'u.display_name']).where('p.event_id', 'in', eventIds).orderBy('u.username').execute();
}

export async function outreachPart(db: Db, eventId: string, userId: string): Promise<string | null> {
  const r = await db.selectFrom('outreach_event_people').select('part').where('event_id', '=', eventId).where('user_id', '=', userId).executeTakeFirst();
  return r?.part ?? null;
}

type EventChange = Partial<Pick<OutreachEventsTable, 'people_met' | 'title' | 'community_code' | 'address' | 'date' | 'cancelled_at' | 'cancelled_by' | 'cancel_reason'>> & { updated_at: string };

/** Writes a change when the event is still at `expectedVersion` (and not cancelled), moving it on by one; false: someone changed it first. */
export async function updateOutreachEventIfCurrent(db: Db, id: string, expectedVersion: number, set: EventChange): Promise<boolean> {
  const r = await db.updateTable('outreach_events').set({ ...set, version: expectedVersion + 1 }).where('id', '=', id).where('version', '=', expectedVersion)
    .where('cancelled_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Replaces who takes part in an event (an edit of its plan). */
export async function replaceOutreachPeople(db: Db, eventId: string, people: { userId: string; part: 'team' | 'member' }[]): Promise<void> {
  await db.deleteFrom('outreach_event_people').where('event_id', '=', eventId).execute();
  if (people.length) await db.insertInto('outreach_event_people').values(people.map((p) => ({ event_id: eventId, user_id: p.userId, part: p.part }))).execute();
}

/** How many appeals are linked to an event (an event with any has happened: its plan is no longer changed). */
export async function outreachAppealCount(db: Db, eventId: string): Promise<number> {
  const r = await db.selectFrom('outreach_event_tickets').select((eb) => eb.fn.countAll().as('n')).where('event_id', '=', eventId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * In an appeal's transaction: takes the event's row (a write that changes nothing, so on
 * PostgreSQL a concurrent cancel or edit waits for it, or it for them) when the event is not
 * cancelled and is held on `date`; false otherwise.
 */
export async function holdOutreachEventForAppeal(db: Db, eventId: string, date: string): Promise<boolean> {
  const r = await db.updateTable('outreach_events').set((eb) => ({ version: eb.ref('version') })).where('id', '=', eventId)
    .where('cancelled_at', 'is', null).where('date', '=', date).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function linkOutreachTicket(db: Db, row: { eventId: string; ticketId: string; fixedOnSpot: boolean; userId: string; at: string }): Promise<void> {
  await db.insertInto('outreach_event_tickets').values({
    event_id: row.eventId, ticket_id: row.ticketId, fixed_on_spot: row.fixedOnSpot ? 1 : 0, registered_by: row.userId, registered_at: row.at,
  }).execute();
}

export interface AppealCounts { appeals: number; fixedOnSpot: number; citizens: number }

/** Appeals, those fixed on the spot and distinct citizens (an appeal without a phone is one person), per event. */
export async function outreachAppealCounts(db: Db, eventIds: readonly string[]): Promise<Map<string, AppealCounts>> {
  const out = new Map<string, AppealCounts>();
  if (eventIds.length === 0) return out;
  const rows = await db.selectFrom('outreach_event_tickets as l').innerJoin('tickets as t', 't.id', 'l.ticket_id')
    .select((eb) => [
      'l.event_id',
      eb.fn.countAll().as('appeals'),
      eb.fn.sum<number>('l.fixed_on_spot').as('fixed'),
      eb.fn.count('t.citizen_id').distinct().as('known'),
      sql<number>`sum(case when t.citizen_id is null then 1 else 0 end)`.as('anonymous'),
    ])
    .where('l.event_id', 'in', eventIds).groupBy('l.event_id').execute();
  for (const r of rows) out.set(r.event_id, { appeals: Number(r.appeals), fixedOnSpot: Number(r.fixed ?? 0), citizens: Number(r.known) + Number(r.anonymous ?? 0) });
  return out;
}

/** The same figures over a set of events taken together (a citizen at two events is served twice: summed per event). */
export async function outreachTotals(db: Db, eventIds: readonly string[]): Promise<AppealCounts & { communities: number; peopleMet: number }> {
  if (eventIds.length === 0) return { appeals: 0, fixedOnSpot: 0, citizens: 0, communities: 0, peopleMet: 0 };
  const ev = await db.selectFrom('outreach_events')
    .select((eb) => [eb.fn.count('community_code').distinct().as('communities'), eb.fn.sum<number>('people_met').as('met')])
    .where('id', 'in', eventIds).executeTakeFirstOrThrow();
  const per = await outreachAppealCounts(db, eventIds);
  let appeals = 0; let fixedOnSpot = 0; let citizens = 0;
  for (const c of per.values()) { appeals += c.appeals; fixedOnSpot += c.fixedOnSpot; citizens += c.citizens; }
  return { appeals, fixedOnSpot, citizens, communities: Number(ev.communities), peopleMet: Number(ev.met ?? 0) };
}

/** The communities a set of events went to, with how many events and the last date. */
export async function outreachCommunities(db: Db, eventIds: readonly string[]) {
  if (eventIds.length === 0) return [];
  return db.selectFrom('outreach_events')
    .select((eb) => ['community_code', eb.fn.countAll().as('events'), eb.fn.max('date').as('last')])
    .where('id', 'in', eventIds).groupBy('community_code').orderBy('community_code').execute();
}

/** The appeals of an event, newest first, with who registered each. */
export async function outreachAppealRows(db: Db, eventId: string, limit: number) {
  return db.selectFrom('outreach_event_tickets as l').innerJoin('tickets as t', 't.id', 'l.ticket_id').innerJoin('users as u', 'u.id', 'l.registered_by')
    .select(['t.id', 't.number', 't.title', 't.status', 't.created_at', 't.phone', 't.confidential', 'l.fixed_on_spot', 'u.display_name'])
    .where('l.event_id', '=', eventId).orderBy('t.created_at', 'desc').orderBy('t.number', 'desc').limit(limit).execute();
}

/** A division and the ones above it, the community first. */
export async function divisionChain(db: Db, code: string): Promise<{ code: string; name: string; level: number; retired: number }[]> {
  const out: { code: string; name: string; level: number; retired: number }[] = [];
  let c: string | null = code;
  for (let n = 0; c && n < 5; n++) {
    const d = await db.selectFrom('divisions').select(['code', 'name', 'level', 'parent_code', 'retired']).where('code', '=', c).executeTakeFirst();
    if (!d) break;
    out.push({ code: d.code, name: d.name, level: d.level, retired: d.retired });
    c = d.parent_code;
  }
  return out;
}

/** Active users with their roles, for the planner's pickers and the checks of a plan. */
export async function activeUsersWithRoles(db: Db, ids?: readonly string[]) {
  let q = db.selectFrom('users as u').innerJoin('user_roles as r', 'r.user_id', 'u.id')
    .select(['u.id', 'u.username', 'u.display_name', 'r.role']).where('u.disabled', '=', 0);
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where('u.id', 'in', ids);
  }
  return q.orderBy('u.username').execute();
}

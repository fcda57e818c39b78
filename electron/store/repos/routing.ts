import { sql } from 'kysely';
import type { TallyDelta, TallyRow } from '../../classify/department-suggester';
import type { Db } from './db';

/**
 * What the department suggestion and the misrouting guard read and keep (migration 0023):
 * department_tallies (signed / returned dispatches per routing key, period and department) and
 * department_returns (approved returns with their reason).
 */

/** The routing facts of a ticket. */
export async function routingTicket(db: Db, ticketId: string) {
  return db.selectFrom('tickets').select(['id', 'category_id', 'district_code', 'street_code', 'title', 'content'])
    .where('id', '=', ticketId).executeTakeFirst();
}

/**
 * Adds deltas to the counts, under '*' and, for `dated` keys, under `day` too. One statement;
 * rows in key order so two writers touching the same rows on PostgreSQL take their locks in the
 * same order and cannot deadlock.
 */
export async function addTallies(db: Db, deltas: readonly TallyDelta[], day: string, dated: ReadonlySet<string>): Promise<void> {
  const merged = new Map<string, { key: string; period: string; department_id: string; signed: number; returned: number }>();
  const add = (d: TallyDelta, period: string) => {
    const id = `${d.key}\u0000${period}\u0000${d.departmentId}`;
    const m = merged.get(id);
    if (m) { m.signed += d.signed; m.returned += d.returned; } else merged.set(id, { key: d.key, period, department_id: d.departmentId, signed: d.signed, returned: d.returned });
  };
  for (const d of deltas) {
    add(d, '*');
    if (dated.has(d.key)) add(d, day);
  }
  const rows = [...merged.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.period < b.period ? -1 : a.period > b.period ? 1 : a.department_id < b.department_id ? -1 : 1));
  if (rows.length === 0) return;
  await db.insertInto('department_tallies').values(rows)
    .onConflict((oc) => oc.columns(['key', 'period', 'department_id']).doUpdateSet({
      signed: sql`department_tallies.signed + excluded.signed`,
      returned: sql`department_tallies.returned + excluded.returned`,
    })).execute();
}

/** All-time counts of these keys. */
export async function tallyRows(db: Db, keys: readonly string[]): Promise<TallyRow[]> {
  if (keys.length === 0) return [];
  const rows = await db.selectFrom('department_tallies').select(['key', 'department_id', 'signed', 'returned'])
    .where('key', 'in', [...keys]).where('period', '=', '*').execute();
  return rows.map((r) => ({ key: r.key, departmentId: r.department_id, signed: Number(r.signed), returned: Number(r.returned) }));
}

/** Signed and returned dispatches of one key and department over the China days from `fromDay` on. */
export async function recentTally(db: Db, key: string, departmentId: string, fromDay: string): Promise<{ signed: number; returned: number }> {
  const r = await db.selectFrom('department_tallies')
    .select([sql<number>`coalesce(sum(signed), 0)`.as('signed'), sql<number>`coalesce(sum(returned), 0)`.as('returned')])
    .where('key', '=', key).where('department_id', '=', departmentId).where('period', '>=', fromDay).where('period', '<>', '*')
    .executeTakeFirstOrThrow();
  return { signed: Number(r.signed), returned: Number(r.returned) };
}

export interface ReturnRecord {
  id: string; ticket_id: string; department_id: string; at: string; category_id: string | null; district_code: string | null;
  title: string; text_head: string; reason: string;
}

export async function recordReturn(db: Db, r: ReturnRecord): Promise<void> {
  await db.insertInto('department_returns').values(r).execute();
}

/** A department's approved returns since `since`, newest first, at most `limit`. */
export async function returnsOf(db: Db, departmentId: string, since: string, limit: number): Promise<ReturnRecord[]> {
  return db.selectFrom('department_returns').selectAll().where('department_id', '=', departmentId).where('at', '>=', since)
    .orderBy('at', 'desc').limit(limit).execute();
}

/** Whether anything was ever counted (a store learned before, or one to rebuild from its history). */
export async function hasTallies(db: Db): Promise<boolean> {
  return !!(await db.selectFrom('department_tallies').select('key').limit(1).executeTakeFirst());
}

/** Departments with their area (district_code; null: the whole city) and code. */
export async function departmentAreas(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('departments').select(['id', 'code', 'name', 'kind', 'district_code']).where('id', 'in', [...ids]).execute();
}

/** Street-level divisions (level 2) with their district, for finding a street named in a text. */
export async function streetDivisions(db: Db) {
  return db.selectFrom('divisions').select(['code', 'name', 'parent_code']).where('level', '=', 2).where('retired', '=', 0).execute();
}

/**
 * One keyset page of the history a rebuild replays: dispatches, signs, approved returns and
 * reopens at or before `until`, by ticket then time, with the ticket's routing facts.
 */
export async function routingHistoryPage(db: Db, q: RoutingHistoryQuery) {
  return routingHistoryQuery(db, q).execute();
}

export interface RoutingHistoryQuery { until: string; cursor: { ticketId: string; at: string; id: string } | null; limit: number }

/**
 * The page after the cursor, in (ticket, time, id) order. `ticket_id >= cursor` is implied by the OR
 * but stated: without it the OR hides the range from the planner, which then scans
 * ticket_events_ticket from its first entry on every page (at 200k tickets 350–530 ms a page, half
 * a second of main's thread per page of the replay, and quadratic in all).
 */
export function routingHistoryQuery(db: Db, q: RoutingHistoryQuery) {
  const c = q.cursor;
  return db.selectFrom('ticket_events as e').innerJoin('tickets as t', 't.id', 'e.ticket_id')
    .select(['e.id', 'e.ticket_id', 'e.at', 'e.action', 'e.data', 't.category_id', 't.district_code', 't.street_code', 't.title', 't.content'])
    .where('e.action', 'in', ['dispatch', 'sign', 'returnTicket', 'approveReturn', 'reopen'])
    .where('e.at', '<=', q.until)
    .$if(c !== null, (b) => b.where('e.ticket_id', '>=', c!.ticketId).where((eb) => eb.or([
      eb('e.ticket_id', '>', c!.ticketId),
      eb.and([eb('e.ticket_id', '=', c!.ticketId), eb.or([eb('e.at', '>', c!.at), eb.and([eb('e.at', '=', c!.at), eb('e.id', '>', c!.id)])])]),
    ])))
    .orderBy('e.ticket_id').orderBy('e.at').orderBy('e.id').limit(q.limit);
}

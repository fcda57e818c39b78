import { sql } from 'kysely';
import type { Db } from './db';

/**
 * Reads of the monthly analysis (每月分析研判): tickets registered in a period, and the KPI-bearing
 * history entries of those tickets. Every read is bounded by `tickets.created_at` (indexed), so a
 * month costs the month's tickets, not the whole history.
 */

/** Tickets registered in [from, to), counted by category and district. */
export async function volumesBetween(db: Db, from: string, to: string) {
  const rows = await db.selectFrom('tickets').select(['category_id', 'district_code', sql<number>`count(*)`.as('n')])
    .where('created_at', '>=', from).where('created_at', '<', to).where('parent_id', 'is', null)
    .groupBy(['category_id', 'district_code']).execute();
  return rows.map((r) => ({ categoryId: r.category_id, districtCode: r.district_code, n: Number(r.n) }));
}

/** Tickets registered in [from, to) per UTC hour (`YYYY-MM-DDTHH`): the caller folds hours into China days. */
export async function hourlyCounts(db: Db, from: string, to: string) {
  const hour = sql<string>`substr(created_at, 1, 13)`;
  const rows = await db.selectFrom('tickets').select([hour.as('hour'), sql<number>`count(*)`.as('n')])
    .where('created_at', '>=', from).where('created_at', '<', to).where('parent_id', 'is', null).groupBy(hour).execute();
  return rows.map((r) => ({ hour: r.hour, n: Number(r.n) }));
}

/** The KPI-bearing history entries of the tickets registered in [from, to). */
export async function cohortEntries(db: Db, from: string, to: string) {
  return db.selectFrom('tickets as t').innerJoin('ticket_events as e', 'e.ticket_id', 't.id')
    .select(['t.category_id', 't.district_code', 'e.action', 'e.data'])
    .where('t.created_at', '>=', from).where('t.created_at', '<', to).where('t.parent_id', 'is', null)
    .where('e.action', 'in', ['dispatch', 'sign', 'recordReturnVisit']).execute();
}

/** When the first ticket was registered (null: no tickets at all). */
export async function firstTicketAt(db: Db): Promise<string | null> {
  const r = await db.selectFrom('tickets').select(sql<string | null>`min(created_at)`.as('first')).executeTakeFirst();
  return r?.first ?? null;
}

/** Newest tickets registered in [from, to) in these categories (and district), for a finding's consultation item. */
export async function ticketIdsOf(db: Db, q: { from: string; to: string; categoryIds: readonly string[] | null; districtCode: string | null; limit: number }): Promise<string[]> {
  let b = db.selectFrom('tickets').select('id').where('created_at', '>=', q.from).where('created_at', '<', q.to).where('parent_id', 'is', null);
  if (q.categoryIds) b = b.where('category_id', 'in', q.categoryIds.length > 0 ? [...q.categoryIds] : ['']);
  if (q.districtCode) b = b.where('district_code', '=', q.districtCode);
  return (await b.orderBy('created_at', 'desc').limit(q.limit).execute()).map((r) => r.id);
}

/** Districts (level 1) by code. */
export async function districtNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('divisions').select(['code', 'name']).where('level', '=', 1).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

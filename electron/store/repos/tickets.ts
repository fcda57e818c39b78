import { sql, type Expression, type Insertable, type SqlBool } from 'kysely';
import type { TicketSnapshot } from '../../../shared/domain/ticket-lifecycle';
import type { TicketsTable } from '../schema';
import type { Db } from './db';

/**
 * The tickets aggregate: the `tickets` row, its lifecycle snapshot (`ticket_state`) and the
 * departments it was sent to (`ticket_departments`). History is in ticket-events.ts.
 */

/**
 * Which tickets a reader may see, as the store filters them (ticket-visibility.ts decides it from
 * the session): every ticket, those sent to one department (now or earlier), or none.
 */
export type TicketScope = { kind: 'all' } | { kind: 'department'; departmentId: string } | { kind: 'none' };

/**
 * The scope as a SQL condition on a tickets row aliased `alias` (Kysely: `.where(visibleTickets(scope))`).
 * Both dialects: a plain comparison and an EXISTS over ticket_departments (indexed by department).
 */
export function visibleTickets(scope: TicketScope, alias = 't'): Expression<SqlBool> {
  if (scope.kind === 'all') return sql<SqlBool>`1 = 1`;
  if (scope.kind === 'none') return sql<SqlBool>`1 = 0`;
  const d = scope.departmentId;
  return sql<SqlBool>`(${sql.ref(`${alias}.lead_department_id`)} = ${d} or exists (select 1 from ticket_departments vis
    where vis.ticket_id = ${sql.ref(`${alias}.id`)} and vis.department_id = ${d}))`;
}

/** Whether the ticket exists and lies in the scope. */
export async function ticketInScope(db: Db, ticketId: string, scope: TicketScope): Promise<boolean> {
  const row = await db.selectFrom('tickets as t').select('t.id').where('t.id', '=', ticketId).where(visibleTickets(scope)).executeTakeFirst();
  return row !== undefined;
}

/** Records the departments a dispatch or redispatch sent a ticket to (once each). */
export async function recordTicketDepartments(db: Db, ticketId: string, departmentIds: readonly (string | null)[]): Promise<void> {
  const ids = [...new Set(departmentIds.filter((d): d is string => !!d))];
  if (ids.length === 0) return;
  await db.insertInto('ticket_departments').values(ids.map((department_id) => ({ ticket_id: ticketId, department_id })))
    .onConflict((oc) => oc.columns(['ticket_id', 'department_id']).doNothing()).execute();
}

/** Newest tickets in the scope, with district and category names, for lists. */
export async function recentTicketRows(db: Db, scope: TicketScope, limit: number) {
  return db.selectFrom('tickets as t')
    .leftJoin('divisions as d', 'd.code', 't.district_code')
    .leftJoin('categories as c3', 'c3.id', 't.category_id')
    .leftJoin('categories as c2', 'c2.id', 'c3.parent_id')
    .leftJoin('categories as c1', 'c1.id', 'c2.parent_id')
    .select(['t.id', 't.number', 't.created_at', 't.appeal_type', 't.status', 't.title', 't.phone', 't.confidential',
      'd.name as district', 'c1.name as c1', 'c2.name as c2', 'c3.name as c3'])
    .where(visibleTickets(scope)).orderBy('t.created_at', 'desc').limit(limit).execute();
}

const countAll = () => sql<number>`count(*)`.as('n');

const sumN = () => sql<number>`sum(n)`.as('n');

/** How many tickets have each status, most first (from ticket_tallies, kept by triggers on tickets). */
export async function ticketCountsByStatus(db: Db): Promise<{ status: string; count: number }[]> {
  const rows = await db.selectFrom('ticket_tallies').select(['status', sumN()]).groupBy('status').having(sql`sum(n)`, '>', 0).orderBy('n', 'desc').orderBy('status').execute();
  return rows.map((r) => ({ status: r.status, count: Number(r.n) }));
}

/**
 * The overview's counters: created since a time, open, open past their reply deadline, and by
 * status, type and district. The groupings read ticket_tallies (kept by triggers, a few hundred
 * rows), never the tickets table; "today" and "overdue" are index ranges.
 */
export async function ticketOverviewCounts(db: Db, q: { createdSince: string; openStates: readonly string[]; now: string }) {
  const count = (rows: { n: number | string | bigint }[]) => Number(rows[0]?.n ?? 0);
  const open = [...q.openStates];
  const [today, overdue, statusCounts, byAppealType, byDistrict] = await Promise.all([
    db.selectFrom('tickets').select(countAll()).where('created_at', '>=', q.createdSince).execute(),
    db.selectFrom('tickets').select(countAll()).where('status', 'in', open).where('reply_by', '<', q.now).execute(),
    ticketCountsByStatus(db),
    db.selectFrom('ticket_tallies').select(['appeal_type', sumN()]).groupBy('appeal_type').having(sql`sum(n)`, '>', 0).execute(),
    db.selectFrom('ticket_tallies as t').innerJoin('divisions as d', 'd.code', 't.district_code')
      .select(['d.name', sumN()]).where('t.status', 'in', open).groupBy('d.name').having(sql`sum(t.n)`, '>', 0).orderBy('n', 'desc').execute(),
  ]);
  return {
    createdSince: count(today), overdue: count(overdue), byStatus: statusCounts,
    open: statusCounts.filter((r) => open.includes(r.status)).reduce((a, r) => a + r.count, 0),
    byAppealType: byAppealType.map((r) => ({ appealType: r.appeal_type, count: Number(r.n) })),
    byDistrict: byDistrict.map((r) => ({ district: r.name, count: Number(r.n) })),
  };
}

/** A ticket's id, number and status. */
export async function ticketStatus(db: Db, ticketId: string) {
  return db.selectFrom('tickets').select(['id', 'number', 'status']).where('id', '=', ticketId).executeTakeFirst();
}

/** A ticket with who registered it (its first timeline event's actor); undefined when there is no such ticket. */
export async function ticketWithRegistrar(db: Db, ticketId: string) {
  return db.selectFrom('tickets as t')
    .leftJoin('ticket_events as e', (j) => j.onRef('e.ticket_id', '=', 't.id').on('e.action', '=', 'register'))
    .select(['t.id', 't.number', 't.status', 'e.actor_id']).where('t.id', '=', ticketId).executeTakeFirst();
}

/** A ticket's human number, or null when there is no such ticket. */
export async function ticketNumber(db: Db, ticketId: string): Promise<string | null> {
  return (await db.selectFrom('tickets').select('number').where('id', '=', ticketId).executeTakeFirst())?.number ?? null;
}

export async function insertTicket(db: Db, row: Insertable<TicketsTable>): Promise<void> {
  await db.insertInto('tickets').values(row).execute();
}

/** The flat columns kept in step with the lifecycle snapshot. */
export async function updateTicketState(db: Db, ticketId: string, s: TicketSnapshot, updatedAt: string): Promise<void> {
  await db.updateTable('tickets').set({
    status: s.state, lead_department_id: s.leadDepartmentId, sign_by: s.signBy, reply_by: s.replyBy,
    closed_at: s.closedAt, parent_id: s.parentId, updated_at: updatedAt,
  }).where('id', '=', ticketId).execute();
}

/** Stores the first snapshot of a new ticket. */
export async function insertTicketSnapshot(db: Db, ticketId: string, s: TicketSnapshot): Promise<void> {
  await db.insertInto('ticket_state').values({ ticket_id: ticketId, version: s.version, snapshot: JSON.stringify(s) }).execute();
}

/**
 * Writes a ticket's next snapshot only if the stored one still has `expectedVersion` (or none is
 * stored yet): false when someone else wrote first.
 */
export async function saveTicketSnapshot(db: Db, ticketId: string, next: TicketSnapshot, expectedVersion: number): Promise<boolean> {
  const written = await db.insertInto('ticket_state').values({ ticket_id: ticketId, version: next.version, snapshot: JSON.stringify(next) })
    .onConflict((oc) => oc.column('ticket_id').doUpdateSet({ version: next.version, snapshot: JSON.stringify(next) })
      .where('ticket_state.version', '=', expectedVersion))
    .executeTakeFirst();
  return Number(written.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** The columns a lifecycle snapshot is made of, with the stored snapshot when there is one. */
export async function ticketSnapshotRow(db: Db, ticketId: string) {
  return db.selectFrom('tickets as t').leftJoin('ticket_state as s', 's.ticket_id', 't.id')
    .select(['t.id', 't.status', 't.lead_department_id', 't.sign_by', 't.reply_by', 't.closed_at', 't.parent_id', 't.appeal_type', 't.urgency', 's.snapshot'])
    .where('t.id', '=', ticketId).executeTakeFirst();
}

/** One ticket for its detail page, with its lead department's name; undefined outside the scope. */
export async function ticketDetailRow(db: Db, ticketId: string, scope: TicketScope) {
  return db.selectFrom('tickets as t')
    .leftJoin('departments as dep', 'dep.id', 't.lead_department_id')
    .select(['t.id', 't.number', 't.created_at', 't.channel', 't.appeal_type', 't.urgency', 't.status', 't.caller_name', 't.phone', 't.confidential',
      't.category_id', 't.title', 't.content', 't.district_code', 't.street_code', 't.community_code', 't.address', 't.lat', 't.lng', 't.sign_by', 't.reply_by', 't.closed_at', 'dep.name as dep_name'])
    .where('t.id', '=', ticketId).where(visibleTickets(scope)).executeTakeFirst();
}

/** A work queue: tickets in the scope with one of the statuses, optionally due before a time, oldest `orderBy` first. */
/** A work queue's filter: the reader's scope, states, and optionally a window on the reply deadline. */
export interface WorkQueueFilter {
  scope: TicketScope; statuses: readonly string[];
  /** reply_by before this instant (exclusive). */
  replyBefore?: string;
  /** reply_by at or after this instant. */
  replyFrom?: string;
}

export async function workQueueRows(db: Db, q: WorkQueueFilter & { orderBy: 'reply_by' | 'updated_at' | 'created_at' | 'sign_by'; limit: number }) {
  // The same conditions as workQueueCount, so a queue's count is the length of its list.
  let query = db.selectFrom('tickets as t')
    .leftJoin('divisions as d', 'd.code', 't.district_code')
    .leftJoin('departments as dep', 'dep.id', 't.lead_department_id')
    .leftJoin('ticket_state as s', 's.ticket_id', 't.id')
    .select(['t.id', 't.number', 't.created_at', 't.appeal_type', 't.urgency', 't.status', 't.title', 't.sign_by', 't.reply_by', 't.lead_department_id', 'd.name as district', 'dep.name as dep', 's.version'])
    .where(visibleTickets(q.scope)).where('t.status', 'in', [...q.statuses]);
  if (q.replyBefore !== undefined) query = query.where('t.reply_by', '<', q.replyBefore);
  if (q.replyFrom !== undefined) query = query.where('t.reply_by', '>=', q.replyFrom);
  return query.orderBy(`t.${q.orderBy}`, 'asc').limit(q.limit).execute();
}

/** How many rows workQueueRows would give without a limit: one indexed count (status, reply_by). */
export async function workQueueCount(db: Db, q: WorkQueueFilter): Promise<number> {
  let query = db.selectFrom('tickets as t').select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where(visibleTickets(q.scope)).where('t.status', 'in', [...q.statuses]);
  if (q.replyBefore !== undefined) query = query.where('t.reply_by', '<', q.replyBefore);
  if (q.replyFrom !== undefined) query = query.where('t.reply_by', '>=', q.replyFrom);
  const r = await query.executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Recent tickets of one category (and district), newest first, as candidates for similarity. */
export async function similarCandidateRows(db: Db, q: {
  scope: TicketScope; categoryId: string; districtCode?: string; statuses: readonly string[]; since: string; limit: number;
}) {
  let query = db.selectFrom('tickets as t').select(['t.id', 't.number', 't.title', 't.content', 't.created_at', 't.status', 't.district_code'])
    .where('t.category_id', '=', q.categoryId).where('t.status', 'in', [...q.statuses]).where('t.created_at', '>=', q.since)
    .where(visibleTickets(q.scope))
    .orderBy('t.created_at', 'desc').limit(q.limit);
  if (q.districtCode) query = query.where('t.district_code', '=', q.districtCode);
  return query.execute();
}

/** Tickets in the scope for an Excel export, newest first, with category, district and lead department names. */
export async function exportTicketRows(db: Db, q: { scope: TicketScope; from?: string; to?: string; statuses?: readonly string[]; limit: number }) {
  let query = db.selectFrom('tickets as t')
    .leftJoin('categories as c', 'c.id', 't.category_id')
    .leftJoin('divisions as d', 'd.code', 't.district_code')
    .leftJoin('departments as dep', 'dep.id', 't.lead_department_id')
    .select(['t.number', 't.created_at', 't.appeal_type', 't.status', 't.caller_name', 't.phone', 'c.name as category', 't.title', 't.content',
      'd.name as district', 't.address', 'dep.name as dep', 't.reply_by', 't.closed_at', 't.confidential'])
    .where(visibleTickets(q.scope))
    .orderBy('t.created_at', 'desc').limit(q.limit);
  if (q.from) query = query.where('t.created_at', '>=', q.from);
  if (q.to) query = query.where('t.created_at', '<', q.to);
  if (q.statuses?.length) query = query.where('t.status', 'in', [...q.statuses]);
  return query.execute();
}

/** Which of these numbers tickets already have (looked up in batches, not by loading every number). */
export async function takenTicketNumbers(db: Db, numbers: readonly string[]): Promise<Set<string>> {
  const taken = new Set<string>();
  for (let i = 0; i < numbers.length; i += 500) {
    const part = numbers.slice(i, i + 500);
    for (const r of await db.selectFrom('tickets').select('number').where('number', 'in', part).execute()) taken.add(r.number);
  }
  return taken;
}

/** The columns the search index reads, of these tickets. */
export async function indexableTickets(db: Db, ticketIds: readonly string[]) {
  return db.selectFrom('tickets')
    .select(['id', 'created_at', 'title', 'content', 'number', 'address', 'caller_name', 'phone', 'confidential'])
    .where('id', 'in', [...ticketIds]).execute();
}

/** A caller's latest tickets by phone number, newest first. */
export async function ticketsByPhone(db: Db, phone: string, limit: number) {
  return db.selectFrom('tickets').select(['id', 'number', 'created_at', 'appeal_type', 'status', 'title', 'reply_by'])
    .where('phone', '=', phone).orderBy('created_at', 'desc').limit(limit).execute();
}

/** How many tickets a phone number has. */
export async function countTicketsByPhone(db: Db, phone: string): Promise<number> {
  const r = await db.selectFrom('tickets').select(countAll()).where('phone', '=', phone).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The caller name given on a phone number's latest ticket that has one. */
export async function latestCallerName(db: Db, phone: string): Promise<string | null> {
  const r = await db.selectFrom('tickets').select('caller_name').where('phone', '=', phone).where('caller_name', 'is not', null)
    .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  return r?.caller_name ?? null;
}

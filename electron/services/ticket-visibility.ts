import { sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import { fail, type Role, type SessionInfo } from '../../shared/contract';
import { maskPhone } from '../../shared/domain/phone';
import type { DB } from '../store/schema';

/**
 * Which tickets a reader may see. The one rule every ticket-returning request applies (lists, work
 * queues, detail, search, export, similar tickets, the consultation link of a ticket):
 *
 * - `all`: agents, CPPCC members, liaison experts, shift leads and admins see every ticket, as the
 *   hotline's own staff always did.
 * - `department`: a department liaison (承办单位) sees the tickets dispatched to its department, as
 *   lead or co-department, now or earlier. A ticket it returned, or that was redispatched to
 *   another office, stays readable (a real hotline lets a unit look up what it handled); the
 *   lifecycle rules keep it read-only, because every department action needs the current lead.
 * - `none`: a department account not bound to a department, or a user with no role that reads
 *   tickets, sees nothing (the desk tells the user what is missing).
 */
export type TicketScope = { kind: 'all' } | { kind: 'department'; departmentId: string } | { kind: 'none' };

/** Roles that read every ticket; a user holding any of them keeps the hotline-wide view. */
const ALL_TICKET_ROLES: readonly Role[] = ['agent', 'cppcc_member', 'liaison_expert', 'shift_lead', 'admin'];

export function ticketScope(session: SessionInfo): TicketScope {
  const roles = session.user.roles;
  if (roles.some((r) => ALL_TICKET_ROLES.includes(r))) return { kind: 'all' };
  if (roles.includes('department') && session.user.departmentId) return { kind: 'department', departmentId: session.user.departmentId };
  return { kind: 'none' };
}

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

/** The same rule for the search worker, which writes its own SQL: the department to filter by, or null for none. */
export function searchScope(scope: TicketScope): { visibleToDepartmentId?: string } {
  return scope.kind === 'department' ? { visibleToDepartmentId: scope.departmentId } : {};
}

/** Fails with not_found (not forbidden: a foreign ticket's existence is not revealed) when the reader may not see it. */
export async function assertTicketVisible(db: Kysely<DB>, session: SessionInfo, ticketId: string): Promise<void> {
  const scope = ticketScope(session);
  if (scope.kind === 'all') return;
  const row = await db.selectFrom('tickets as t').select('t.id').where('t.id', '=', ticketId).where(visibleTickets(scope)).executeTakeFirst();
  if (!row) fail('not_found');
}

/** Roles that see a caller's full number on a ticket they may read; others see it masked. */
const FULL_NUMBER_ROLES: readonly Role[] = ['agent', 'cppcc_member', 'liaison_expert', 'shift_lead'];
/** On a confidential (保密) ticket only intake and shift leads, who must be able to call back, see the citizen. */
const CONFIDENTIAL_ROLES: readonly Role[] = ['agent', 'shift_lead'];

/**
 * The citizen's name and number as this reader may see them on one ticket. A department never
 * gets a full number; on a confidential ticket it gets neither name nor number.
 */
export function citizenView(session: SessionInfo, t: { phone: string | null; caller_name: string | null; confidential: number | boolean }):
  { callerName: string | null; phone: string | null } {
  const roles = session.user.roles;
  const confidential = Boolean(t.confidential);
  const seesConfidential = roles.some((r) => CONFIDENTIAL_ROLES.includes(r));
  if (confidential && !seesConfidential) {
    // Staff who work the case see that there is a caller; a department sees no trace of who.
    const staff = roles.some((r) => FULL_NUMBER_ROLES.includes(r));
    return { callerName: null, phone: staff && t.phone ? maskPhone(t.phone) : null };
  }
  const full = roles.some((r) => FULL_NUMBER_ROLES.includes(r));
  return { callerName: t.caller_name, phone: t.phone ? (full ? t.phone : maskPhone(t.phone)) : null };
}

/** A list row's number: always masked; none at all for a confidential ticket read outside intake. */
export function listPhone(session: SessionInfo, t: { phone: string | null; confidential: number | boolean }): string {
  if (!t.phone) return '';
  if (t.confidential && !session.user.roles.some((r) => CONFIDENTIAL_ROLES.includes(r))) return '';
  return maskPhone(t.phone);
}

/** Records the departments a dispatch or redispatch sent a ticket to; in the caller's transaction. */
export async function recordTicketDepartments(trx: Transaction<DB> | Kysely<DB>, ticketId: string, departmentIds: readonly (string | null)[]): Promise<void> {
  const ids = [...new Set(departmentIds.filter((d): d is string => !!d))];
  if (ids.length === 0) return;
  await trx.insertInto('ticket_departments').values(ids.map((department_id) => ({ ticket_id: ticketId, department_id })))
    .onConflict((oc) => oc.columns(['ticket_id', 'department_id']).doNothing()).execute();
}

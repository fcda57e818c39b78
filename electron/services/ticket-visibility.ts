import { fail, type Role, type SessionInfo } from '../../shared/contract';
import { callerInList, callerOnTicket, callerVisibilityOf } from '../../shared/domain/caller-privacy';
import type { Db } from '../store/repos/db';
import { ticketInScope, type TicketScope } from '../store/repos/tickets';

// The store applies the scope as a query condition (repos/tickets.ts); consultation.ts takes it from here.
export { visibleTickets, type TicketScope } from '../store/repos/tickets';

/** Roles that read every ticket; a user holding any of them keeps the hotline-wide view. */
const ALL_TICKET_ROLES: readonly Role[] = ['agent', 'cppcc_member', 'liaison_expert', 'shift_lead', 'admin'];

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
export function ticketScope(session: SessionInfo): TicketScope {
  const roles = session.user.roles;
  if (roles.some((r) => ALL_TICKET_ROLES.includes(r))) return { kind: 'all' };
  if (roles.includes('department') && session.user.departmentId) return { kind: 'department', departmentId: session.user.departmentId };
  return { kind: 'none' };
}

/** The same rule for the search worker, which writes its own SQL: the department to filter by, or null for none. */
export function searchScope(scope: TicketScope): { visibleToDepartmentId?: string } {
  return scope.kind === 'department' ? { visibleToDepartmentId: scope.departmentId } : {};
}

/** Fails with not_found (not forbidden: a foreign ticket's existence is not revealed) when the reader may not see it. */
export async function assertTicketVisible(db: Db, session: SessionInfo, ticketId: string): Promise<void> {
  const scope = ticketScope(session);
  if (scope.kind === 'all') return;
  if (!(await ticketInScope(db, ticketId, scope))) fail('not_found');
}

/** The citizen's name and number on one ticket row as this reader may see them (shared/domain/caller-privacy.ts). */
export function citizenView(session: SessionInfo, t: { phone: string | null; caller_name: string | null; confidential: number | boolean }):
  { callerName: string | null; phone: string | null } {
  return callerOnTicket(callerVisibilityOf(session.user.roles), { phone: t.phone, callerName: t.caller_name, confidential: Boolean(t.confidential) });
}

/** A list row's number: always masked; none at all for a confidential ticket read outside intake. */
export function listPhone(session: SessionInfo, t: { phone: string | null; confidential: number | boolean }): string {
  return callerInList(callerVisibilityOf(session.user.roles), { phone: t.phone, confidential: Boolean(t.confidential) });
}

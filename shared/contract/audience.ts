import { z } from 'zod';
import { CONSULTATION_ROUTES, deskOfRoles, routeIncludes, type ConsultationRoute } from '../domain/consultation';
import { roles as allRoles, type Role } from './roles';
import type { TicketChanged } from './tickets';

/**
 * Who receives an event, as plain data: it crosses processes (the PostgreSQL event bus stores it
 * next to the payload) and the hub of every console server matches its own connections against it.
 * A signed-in user is in the audience when any clause names them (the clauses are a union).
 */
export interface Audience {
  /** Every signed-in user (reference data, the duty roster). */
  everyone?: boolean;
  userIds?: readonly string[];
  /** Holders of any of these roles. */
  roles?: readonly Role[];
  /** Department liaisons (role `department`) bound to one of these departments. */
  departmentIds?: readonly string[];
  /**
   * Consultation desks on one of these routes: 政协委员 (cppcc_member) sit at the studio, 九三学社
   * liaison experts at the station; a 'both' route reaches both desks.
   */
  routes?: readonly ConsultationRoute[];
}

/** The shape an audience read back from another process must have (ids are short strings). */
export const audienceSchema = z.object({
  everyone: z.boolean().optional(),
  userIds: z.array(z.string().max(100)).max(1000).optional(),
  roles: z.array(z.enum(allRoles)).max(20).optional(),
  departmentIds: z.array(z.string().max(100)).max(1000).optional(),
  routes: z.array(z.enum(CONSULTATION_ROUTES)).max(3).optional(),
}).strict();

/** What the hub knows of a connection's signed-in user. */
export interface AudienceMember { id: string; roles: readonly string[]; departmentId: string | null }

/** Whether a signed-in user belongs to an audience. */
export function inAudience(a: Audience, user: AudienceMember): boolean {
  if (a.everyone) return true;
  if (a.userIds?.includes(user.id)) return true;
  if (a.roles && user.roles.some((r) => (a.roles as readonly string[]).includes(r))) return true;
  if (a.departmentIds && user.departmentId !== null && user.roles.includes('department') && a.departmentIds.includes(user.departmentId)) return true;
  if (a.routes?.length) {
    const desks = deskOfRoles(user.roles);
    if (a.routes.some((route) => desks.some((d) => routeIncludes(route, d)))) return true;
  }
  return false;
}

/** Ticket changes go to the departments concerned and to the people who dispatch and watch tickets. */
export function ticketChangedAudience(p: TicketChanged): Audience {
  const departmentIds = [...new Set([p.leadDepartmentId, ...p.coDepartmentIds, ...p.previousDepartmentIds].filter((d): d is string => !!d))];
  return { roles: ['agent', 'cppcc_member', 'shift_lead'], departmentIds };
}

/** Roles that read every ticket, and so follow how every consultation item moves on. */
const HOTLINE_STAFF: readonly Role[] = ['agent', 'cppcc_member', 'liaison_expert', 'shift_lead', 'admin'];

/**
 * A new consultation item is news for the desks on its route and for shift leads. How an item moves
 * on (claimed, released, updated, closed) is shown wherever its tickets are open (agents' ticket
 * drawers too): every reader of the item (its route's desks, its claimer, who escalated it) and the
 * hotline's staff, never a department.
 */
export function consultationChangedAudience(
  kind: 'created' | 'claimed' | 'released' | 'reassigned' | 'updated' | 'closed',
  item: { route: ConsultationRoute; claimedBy: string | null; createdBy: string | null; previousClaimedBy?: string | null },
): Audience {
  if (kind === 'created') return { roles: ['shift_lead'], routes: [item.route] };
  // A reassignment is news for the member who had the item, too (it left their list).
  const userIds = [item.claimedBy, item.createdBy, item.previousClaimedBy].filter((u): u is string => !!u);
  return { roles: HOTLINE_STAFF, routes: [item.route], userIds };
}

/** One user's own events (their phone seat, their jobs). */
export function userAudience(userId: string): Audience {
  return { userIds: [userId] };
}

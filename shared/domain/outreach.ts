import type { UserRole } from './roles';

/**
 * Community outreach events (便民服务进小区): a team takes the hotline's service into a community
 * for a day, with CPPCC members or liaison station experts taking part; appeals are registered on
 * the spot, fixed there (立行立改) or dispatched as ordinary tickets. Pure rules and the figures'
 * definitions, shared by main and the renderer.
 */

/** Who may be on an event's team: people who register appeals (tickets.create). */
export const OUTREACH_TEAM_ROLES: readonly UserRole[] = ['agent', 'shift_lead', 'cppcc_member'];
/** Who takes part as a member: the CPPCC (政协委员) and the Jiusan liaison station (联络站专家). */
export const OUTREACH_MEMBER_ROLES: readonly UserRole[] = ['cppcc_member', 'liaison_expert'];

export const MAX_OUTREACH_TEAM = 30;
export const MAX_OUTREACH_MEMBERS = 20;
/** An event is planned at most this far ahead (a typo in the year is refused, not kept for 2062). */
export const OUTREACH_MAX_DAYS_AHEAD = 366;

/** Where an event stands on a China calendar day: still to come, under way today, or held. */
export type OutreachPhase = 'planned' | 'today' | 'held';

export function outreachPhase(date: string, today: string): OutreachPhase {
  return date > today ? 'planned' : date === today ? 'today' : 'held';
}

/**
 * An event's figures, as the seed counts them ("27 communities, 1,500 people, 26 fixed on the
 * spot, 413 appeals"):
 * - appeals: tickets registered at the event; fixedOnSpot of them closed there (立行立改),
 *   dispatched the rest (ordinary tickets);
 * - citizens: distinct citizens who registered an appeal (by their phone; an appeal without a phone
 *   is one person), peopleMet: the people the team met and talked with as it counted them, and
 *   peopleServed = citizens + peopleMet;
 * - communities: distinct communities of the events held so far (today's included); 1 or 0 for
 *   one event.
 */
export interface OutreachFigures {
  communities: number;
  appeals: number;
  fixedOnSpot: number;
  dispatched: number;
  citizens: number;
  peopleMet: number;
  peopleServed: number;
}

export function outreachFigures(f: Omit<OutreachFigures, 'dispatched' | 'peopleServed'>): OutreachFigures {
  return { ...f, dispatched: f.appeals - f.fixedOnSpot, peopleServed: f.citizens + f.peopleMet };
}

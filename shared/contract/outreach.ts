import { z } from 'zod';
import { event, request } from './define';
import { humanLine } from './text';
import type { Role } from './roles';
import { MAX_OUTREACH_MEMBERS, MAX_OUTREACH_TEAM, type OutreachFigures, type OutreachPhase } from '../domain/outreach';

export type { OutreachFigures, OutreachPhase };

export interface OutreachPerson { id: string; displayName: string; part: 'team' | 'member'; roles: Role[] }

export interface OutreachEventRow {
  id: string; number: string; title: string; date: string; phase: OutreachPhase;
  communityCode: string;
  /** 区 街道 社区, as the divisions name them. */
  community: string;
  address: string;
  figures: OutreachFigures;
  team: number;
  /** The CPPCC members and liaison station experts taking part, by name. */
  members: string[];
  /** Cancelled (已取消): kept with its history, takes no appeals; null while the event stands. */
  cancelled: { at: string; byName: string | null; reason: string } | null;
}

/** An appeal registered at an event, as the reader may see it. */
export interface OutreachAppeal {
  id: string; number: string; title: string; status: string; createdAt: string;
  fixedOnSpot: boolean;
  /** Masked for every reader (the list is a tally, not a contact list); null without a phone. */
  phone: string | null;
  registeredBy: string;
}

export interface OutreachEventDetail extends OutreachEventRow {
  version: number;
  districtCode: string | null; streetCode: string | null;
  people: OutreachPerson[];
  /** Newest first; `figures.appeals` counts them all (at most 2,000 are listed). */
  appeals: OutreachAppeal[];
  timeline: { at: string; actorName: string | null; action: string; data: Record<string, unknown> }[];
  allowed: {
    /** This reader is on the event and it is the event's day: the fast intake is offered. */
    register: boolean;
    /** Team, members and managers may enter the count of people met. */
    setPeopleMet: boolean;
    /**
     * A manager may change the plan (outreach.edit) or cancel it (outreach.cancel) while it has not
     * happened: not cancelled, not on a past day, and no appeal registered at it yet.
     */
    edit: boolean;
    cancel: boolean;
  };
}

/** A community the outreach has visited, with its events (what the cumulative figure opens). */
export interface OutreachCommunity { code: string; name: string; events: number; lastDate: string }

export interface OutreachOverview {
  events: OutreachEventRow[];
  /** Cumulative figures over the events held so far (today's included). */
  totals: OutreachFigures;
  communities: OutreachCommunity[];
  /** Shift leads and admins plan events. */
  canPlan: boolean;
}

export interface OutreachCandidate { id: string; displayName: string; roles: Role[] }
export interface OutreachCandidates { team: OutreachCandidate[]; members: OutreachCandidate[] }

const id = z.string().uuid();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const divisionCode = z.string().regex(/^\d{6,12}$/);

const MANAGERS = ['shift_lead', 'admin'] as const;
/** Departments never see events (the role guard); agents and members see only the events they are on (in main). */
export const OUTREACH_READERS = ['agent', 'cppcc_member', 'liaison_expert', 'shift_lead', 'admin'] as const;
const READERS = OUTREACH_READERS;

/**
 * Something about an event changed: planned, its plan edited, cancelled, an appeal registered at it
 * or the people met entered. Only the event's id: each screen reads again what outreach.list and
 * outreach.get show its reader (an agent on the team, or no longer on it after an edit).
 */
export interface OutreachChanged { eventId: string; kind: 'planned' | 'edited' | 'cancelled' | 'appeal' | 'peopleMet'; at: string }

/**
 * Planning an event. A date in the past, an unknown community, an empty team, someone on the team
 * who cannot register appeals or a member who is neither CPPCC nor liaison station: refused in
 * main, each with its own reason.
 */
export const outreachPlanInput = z.object({
  title: humanLine(2, 60),
  communityCode: divisionCode,
  address: humanLine(2, 200),
  date,
  teamIds: z.array(id).max(MAX_OUTREACH_TEAM),
  memberIds: z.array(id).max(MAX_OUTREACH_MEMBERS).default([]),
}).strict();
export type OutreachPlanInput = z.input<typeof outreachPlanInput>;

/** Changing a plan: everything `plan` takes, against the version the editor read (a stale edit is refused). */
export const outreachEditInput = outreachPlanInput.extend({ id, expectedVersion: z.number().int().min(1) }).strict();
export type OutreachEditInput = z.input<typeof outreachEditInput>;

/** Cancelling an event that has not happened, with the reason the team and the record keep. */
export const outreachCancelInput = z.object({ id, expectedVersion: z.number().int().min(1), reason: humanLine(2, 200) }).strict();

export const outreachRequests = {
  'outreach.plan': request<OutreachEventDetail>()(outreachPlanInput, MANAGERS, 'tickets'),
  /** Shift leads and admins change a plan that has not happened yet; refused when stale, cancelled, held or with appeals. */
  'outreach.edit': request<OutreachEventDetail>()(outreachEditInput, MANAGERS, 'tickets'),
  /** Shift leads and admins cancel it, with a reason; the event stays, shown as cancelled, and takes no appeals. */
  'outreach.cancel': request<OutreachEventDetail>()(outreachCancelInput, MANAGERS, 'tickets'),
  'outreach.list': request<OutreachOverview>()(z.object({}).strict(), READERS, 'tickets'),
  'outreach.get': request<OutreachEventDetail>()(z.object({ id }).strict(), READERS, 'tickets'),
  /** The count of people the team met (besides those who registered an appeal), as the team enters it. */
  'outreach.setPeopleMet': request<OutreachEventDetail>()(z.object({
    id, expectedVersion: z.number().int().min(0), peopleMet: z.number().int().min(0).max(100_000),
  }).strict(), READERS, 'tickets'),
  /** Who can be put on a team, and who can take part as a member. */
  'outreach.candidates': request<OutreachCandidates>()(z.object({}).strict(), MANAGERS),
};

export const outreachEvents = {
  /** An event planned, changed or cancelled, or an appeal registered at it; audience: whoever may read outreach (OUTREACH_READERS). */
  'outreach.changed': event<OutreachChanged>(),
};

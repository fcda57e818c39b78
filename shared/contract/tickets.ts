import { z } from 'zod';
import { humanLine, humanText, optionalHumanLine } from './text';
import { SATISFACTION_LEVELS, type TicketState } from '../domain/ticket-lifecycle';
import { APPEAL_TYPES, appealTypeSchema, ticketChannelSchema, urgencySchema } from '../domain/appeal';

export interface CategoryRef { id: string; code: string; name: string; level: number; parentId: string | null }
export interface DivisionRef {
  code: string; name: string; level: number; parentCode: string | null;
  /** Replaced by newer division data: shown on old tickets, not offered for new ones. */
  retired: boolean;
}
export interface DepartmentRef {
  id: string; code: string; name: string;
  /** bureau (委办局), district (区政府), street (街道乡镇), utility (公共服务企业), or what an import brought. */
  kind: string;
  /** The district a district government or street office belongs to; null for city-wide units. */
  districtCode?: string | null;
}

/** Reference data the intake form needs; loaded once per session and cached by the renderer. */
export interface ReferenceData {
  categories: CategoryRef[];
  divisions: DivisionRef[];
  departments: DepartmentRef[];
}

export interface TimelineEntry {
  id: string;
  at: string;
  action: string;
  actorName: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  /** Facts of the event (reason, deadlines, summary) as JSON text. */
  data: string;
}

export interface TicketDetail {
  id: string;
  number: string;
  createdAt: string;
  channel: string;
  appealType: string;
  urgency: string;
  status: string;
  callerName: string | null;
  /** Full or masked, depending on the reader's role and the ticket's confidentiality. */
  phone: string | null;
  confidential: boolean;
  categoryPath: string;
  title: string;
  content: string;
  location: string;
  address: string | null;
  coordinates: { lat: number; lng: number } | null;
  leadDepartment: string | null;
  signBy: string | null;
  replyBy: string | null;
  closedAt: string | null;
  /** Lifecycle version, sent back with an action so a stale screen cannot overwrite newer work. */
  version: number;
  /** What the reader may do now (role, state, department, time windows all checked in main). */
  allowedActions: string[];
  deadline: 'ok' | 'due_soon' | 'overdue' | null;
  timeline: TimelineEntry[];
  /** An extension waiting for a shift lead: how many working days were asked, to which date, why. */
  pendingExtension?: PendingExtension | null;
}

export interface PendingExtension { days: number; proposedReplyBy: string; reason: string }

/** Text that must carry something: trimmed, and not only punctuation or spaces. */
const text = humanText;

export const ticketCreateInput = z.object({
  /** The form's draft, discarded in the same step as the ticket is saved. */
  draftKey: z.string().min(1).max(120).regex(/^[a-z0-9_.:-]+$/).optional(),
  /** The call this appeal came in on; linked to the ticket. */
  callId: z.string().min(1).max(100).optional(),
  channel: ticketChannelSchema,
  citizen: z.object({
    name: optionalHumanLine(40).optional(),
    phone: z.string().trim().max(32).optional(),
    /** 保密: the citizen asked not to be identified to the department. */
    confidential: z.boolean(),
  }).strict(),
  appealType: appealTypeSchema,
  categoryId: z.string().min(1).max(64),
  urgency: urgencySchema,
  title: humanLine(4, 100),
  content: text(10, 4000),
  districtCode: z.string().regex(/^\d{6,12}$/).optional(),
  streetCode: z.string().regex(/^\d{6,12}$/).optional(),
  communityCode: z.string().regex(/^\d{6,12}$/).optional(),
  address: z.string().trim().max(200).optional(),
  coordinates: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).strict().optional(),
  /** Answered during the call from knowledge: closes at once as 直接办结 with this summary. */
  resolveDirectly: z.object({ summary: text(4, 2000), articleId: z.string().max(64).optional() }).strict().optional(),
  /** An answered or closed ticket about the same problem: this appeal is recorded as a repeat call (重复来电) of it. */
  repeatOf: z.string().uuid().optional(),
  /**
   * A desk of a center names the ticket itself (a UUID it made) so that a write replayed from its
   * outbox after a network cut creates the ticket once: the same id again answers with the ticket
   * already made.
   */
  clientId: z.string().uuid().optional(),
  /**
   * When the agent saved it on a desk that was offline (ISO with offset). Accepted from up to
   * 72 hours back (an outreach day offline) and never ahead of the center's clock; it is the
   * ticket's acceptance time, from which deadlines run.
   */
  registeredAt: z.string().datetime({ offset: true }).optional(),
  /**
   * Registered on site at a community outreach event (便民服务进小区, channel 'outreach'), by
   * someone on it, on its day; with `resolveDirectly` it was fixed there (立行立改).
   */
  outreachEventId: z.string().uuid().optional(),
}).strict();

export type TicketCreateInput = z.input<typeof ticketCreateInput>;

/**
 * What saving an appeal answers. On a desk that cannot reach its center the write waits in the
 * desk's outbox: it has no number yet (the center gives numbers), and `queued` says so.
 */
export type TicketCreated =
  | { id: string; number: string; status: TicketState; queued?: false }
  | { id: string; number: null; status: null; queued: true };

const deptId = z.string().min(1).max(64);
const reason = text(2, 500);
const note = z.string().trim().max(500).optional();

/**
 * What a user asks to do with a ticket. Deadlines are not part of a request: main computes them
 * from the deadline policy and the working-day calendar, so no client can grant itself time.
 */
export const ticketActionInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resolveDirectly'), summary: text(4, 2000) }).strict(),
  z.object({
    type: z.literal('dispatch'), leadDepartmentId: deptId, coDepartmentIds: z.array(deptId).max(10), instructions: text(2, 500),
    /** Sent again after the misrouting guard's warnings were shown (tickets.checkDispatch): send anyway. */
    acknowledgeWarnings: z.boolean().optional(),
  }).strict(),
  z.object({ type: z.literal('sign') }).strict(),
  z.object({ type: z.literal('startHandling') }).strict(),
  z.object({ type: z.literal('returnTicket'), reason }).strict(),
  z.object({ type: z.literal('approveReturn'), note }).strict(),
  z.object({ type: z.literal('rejectReturn'), reason }).strict(),
  z.object({ type: z.literal('requestExtension'), days: z.number().int().min(1).max(15), reason }).strict(),
  z.object({ type: z.literal('approveExtension'), note }).strict(),
  z.object({ type: z.literal('rejectExtension'), reason }).strict(),
  z.object({ type: z.literal('supervise'), note: reason }).strict(),
  z.object({ type: z.literal('urge'), note: reason }).strict(),
  z.object({ type: z.literal('reply'), content: text(10, 4000) }).strict(),
  z.object({ type: z.literal('review'), approved: z.boolean(), note }).strict(),
  z.object({ type: z.literal('recordReturnVisit'), resolved: z.boolean(), satisfaction: z.enum(SATISFACTION_LEVELS), note }).strict(),
  z.object({ type: z.literal('close'), reason }).strict(),
  z.object({ type: z.literal('reopen'), reason, route: z.enum(['same_department', 'redispatch']), leadDepartmentId: deptId.optional(), coDepartmentIds: z.array(deptId).max(10).optional() }).strict(),
  z.object({ type: z.literal('merge'), parentId: z.string().uuid() }).strict(),
  /** 改派 (shift lead): to another lead department, with the reason; deadlines are set by main afresh. */
  z.object({ type: z.literal('reassign'), reason, leadDepartmentId: deptId }).strict(),
]);

export type TicketActionInput = z.input<typeof ticketActionInput>;

/** to_dispatch: 待派单, registered tickets and approved returns waiting for a (re)dispatch. */
export const ticketViews = ['department', 'approvals', 'overdue', 'return_visits', 'to_dispatch'] as const;
export type TicketView = (typeof ticketViews)[number];

/** A list row for work queues: the ticket and how its deadline stands. */
export interface WorkRow {
  id: string;
  number: string;
  createdAt: string;
  appealType: string;
  urgency: string;
  status: string;
  title: string;
  district: string;
  leadDepartment: string | null;
  signBy: string | null;
  replyBy: string | null;
  deadline: 'ok' | 'due_soon' | 'overdue' | null;
  /** How the sign deadline stands while the ticket waits to be signed; null once signed. */
  signDeadline?: 'ok' | 'due_soon' | 'overdue' | null;
  /** 派单意见 of the latest dispatch (department desk). */
  instructions?: string | null;
  /** The reader's department is a co-department (协办) of this ticket, not its lead (department desk). */
  coDepartment?: boolean;
  /** A department returned it and the return was approved: it waits for a new dispatch. */
  returned?: boolean;
  pendingExtension?: PendingExtension | null;
}

/**
 * A ticket changed (registered, dispatched, signed, ...): desks showing it refresh. Sent after the
 * write committed, to the audience ticketChangedAudience (audience.ts) names.
 */
export interface TicketChanged {
  ticketId: string;
  number: string;
  state: TicketState;
  action: string;
  leadDepartmentId: string | null;
  coDepartmentIds: string[];
  version: number;
  /** Departments that had it before this change (a return or redispatch takes it off their desk). */
  previousDepartmentIds: string[];
}

export interface SearchHitRange { start: number; end: number }

export interface TicketSearchHit {
  id: string;
  number: string;
  title: string;
  titleHighlights: SearchHitRange[];
  snippet: { text: string; highlights: SearchHitRange[]; cutStart: boolean; cutEnd: boolean };
  status: string;
  appealType: string;
  createdAt: string;
  district: string;
  numberHighlights: SearchHitRange[];
  /** In full or masked, as the reader sees it on the ticket. */
  phone: string | null;
  phoneHighlights: SearchHitRange[];
  /** Null when hidden from the reader (a confidential ticket). */
  callerName: string | null;
  callerNameHighlights: SearchHitRange[];
  address: string | null;
  addressHighlights: SearchHitRange[];
}

export interface TicketSearchResult {
  rows: TicketSearchHit[];
  total: { count: number; exact: boolean };
  nextCursor: string | null;
  tookMs: number;
}

export const ticketSearchInput = z.object({
  text: z.string().max(100).optional(),
  status: z.array(z.string().max(32)).max(20).optional(),
  appealType: z.array(appealTypeSchema).max(APPEAL_TYPES.length).optional(),
  districtCode: z.string().regex(/^\d{6,12}$/).optional(),
  overdue: z.boolean().optional(),
  from: z.string().datetime().optional(),
  to: z.string().datetime().optional(),
  limit: z.number().int().min(1).max(200),
  cursor: z.string().max(200).optional(),
}).strict();

export interface SimilarTicket {
  id: string; number: string; title: string; createdAt: string; status: string; score: number;
  /** open: merge the new appeal into it (并单); answered: a repeat call (重复来电); closed: a case to reopen (重办). */
  kind: 'open' | 'answered' | 'closed';
}

export interface CategorySuggestion { categoryId: string; path: string; probability: number }

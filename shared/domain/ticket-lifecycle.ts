import type { DispatchWarning } from './routing';
import { deadlineStatus } from './deadlines';
import type { UserRole } from './roles';
import { addWorkingDays, type WorkingDayCalendar } from './working-days';

/**
 * The life of a 12345 ticket (工单) as a pure state machine: applyTicketAction takes the current
 * snapshot and a command and returns the next snapshot plus one event for the timeline and audit
 * log, or an error code the UI translates. The store persists both in one transaction.
 *
 * All timestamps in snapshots, commands and events are ISO-8601 strings (UTC, as toISOString
 * gives), so everything here is plain JSON that crosses IPC, a WebSocket and the store unchanged.
 */
export const TICKET_STATES = [
  'registered', // 登记: taken at intake, not yet answered or dispatched
  'resolved_directly', // 直接办结: answered at intake from the knowledge base
  'dispatched', // 派单: sent to a lead department (plus co-departments), waiting to be signed
  'signed', // 签收: the lead department acknowledged it
  'returned', // 退单: the department says it is not theirs; a shift lead reviews
  'handling', // 办理中
  'extension_requested', // 延期申请: waiting for a shift lead
  'replied', // 答复: the department answered; the hotline reviews the answer
  'reviewed', // 审核通过: the answer is accepted; a return visit follows
  'return_visit', // 回访 done, resolved but the citizen is unsatisfied: a shift lead screens it (不满意甄别)
  'closed', // 办结
  'reopened', // 重办: the return visit found it unresolved; a shift lead decides where it goes
  'merged', // 并单: a duplicate, folded under a parent ticket
] as const;
export type TicketState = (typeof TICKET_STATES)[number];

/**
 * Tickets still waiting for an answer: not yet replied to, resolved, closed or merged. Counted as
 * "open" on the wallboard, in a caller's screen pop, in similar-ticket suggestions and in the
 * overdue filter (an open ticket past its reply deadline is overdue).
 */
export const OPEN_TICKET_STATES = ['registered', 'dispatched', 'signed', 'returned', 'handling', 'extension_requested', 'reopened'] as const satisfies readonly TicketState[];
/** Answered by the department: a caller about the same problem is a repeat call (重复来电). */
export const ANSWERED_TICKET_STATES = ['replied', 'reviewed', 'return_visit'] as const satisfies readonly TicketState[];
/** Finished: a caller reporting the problem again is a case for reopening it (重办). */
export const FINISHED_TICKET_STATES = ['closed', 'resolved_directly'] as const satisfies readonly TicketState[];

export const TICKET_ACTION_TYPES = [
  'resolveDirectly', 'dispatch', 'sign', 'startHandling', 'returnTicket', 'approveReturn', 'rejectReturn',
  'requestExtension', 'approveExtension', 'rejectExtension', 'supervise', 'urge', 'reply', 'review',
  'recordReturnVisit', 'close', 'reopen', 'merge', 'reassign',
] as const;
export type TicketActionType = (typeof TICKET_ACTION_TYPES)[number];

/**
 * What the citizen says at a return visit (回访). 满意 and 基本满意 both count as satisfied in
 * 满意率, as Beijing's 12345 counts them; 不满意 does not and needs a recorded reason.
 */
export const SATISFACTION_LEVELS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION_LEVELS)[number];
export const countsAsSatisfied = (level: Satisfaction): boolean => level !== 'unsatisfied';

/** A new lead department and deadlines: used by dispatch and by a reopen that redispatches. */
export interface DispatchTarget {
  readonly leadDepartmentId: string;
  /** 协办单位: informed and expected to help; only the lead department moves the ticket. */
  readonly coDepartmentIds: readonly string[];
  readonly signBy: string;
  readonly replyBy: string;
}

/** Commands. Free-text fields are required where the record must say why. */
export type TicketAction =
  | { readonly type: 'resolveDirectly'; readonly summary: string }
  /** 派单意见: what the department is asked to do, stored with the dispatch and shown on its desk. */
  | ({ readonly type: 'dispatch'; readonly instructions: string } & DispatchTarget)
  | { readonly type: 'sign' }
  | { readonly type: 'startHandling' }
  | { readonly type: 'returnTicket'; readonly reason: string }
  | { readonly type: 'approveReturn'; readonly note?: string }
  /** New deadlines may be granted, since the clock kept running while the return was reviewed. */
  | { readonly type: 'rejectReturn'; readonly reason: string; readonly signBy?: string; readonly replyBy?: string }
  | { readonly type: 'requestExtension'; readonly days: number; readonly reason: string }
  | { readonly type: 'approveExtension'; readonly note?: string }
  | { readonly type: 'rejectExtension'; readonly reason: string }
  /** 督办: formal supervision by the shift lead. */
  | { readonly type: 'supervise'; readonly note: string }
  /** 催办: urging, typically because the citizen called again. */
  | { readonly type: 'urge'; readonly note: string }
  | { readonly type: 'reply'; readonly content: string }
  /** Rejecting the reply (approved: false) sends it back to the department, with a reason. */
  | { readonly type: 'review'; readonly approved: boolean; readonly note?: string }
  /** The note is required when the citizen is not satisfied or says it is not resolved. */
  | { readonly type: 'recordReturnVisit'; readonly resolved: boolean; readonly satisfaction: Satisfaction; readonly note?: string }
  /** Closing without a (further) visit: citizen unreachable or anonymous, or dissatisfaction screened as unreasonable. */
  | { readonly type: 'close'; readonly reason: string }
  | { readonly type: 'reopen'; readonly reason: string; readonly route: ReopenRoute }
  /** The parent's current state is passed in so the rule can refuse chains and finished parents. */
  | { readonly type: 'merge'; readonly parent: { readonly id: string; readonly state: TicketState } }
  /**
   * 改派: a shift lead takes a ticket off the department that has it and sends it to another, with
   * the reason; the new department signs afresh and gets its time afresh (deadlines from main).
   */
  | ({ readonly type: 'reassign'; readonly reason: string } & DispatchTarget);

export type ReopenRoute =
  /** Back to the department that had it, already signed: straight to handling with a new reply deadline. */
  | { readonly kind: 'same_department'; readonly replyBy: string }
  | ({ readonly kind: 'redispatch' } & DispatchTarget);

export interface TicketActor {
  readonly userId: string;
  readonly roles: readonly UserRole[];
  /** Set for department users: they may act only on tickets their department leads. */
  readonly departmentId?: string | null;
}

export interface TicketSnapshot {
  readonly id: string;
  /** Number of events applied; the store uses it for optimistic concurrency. */
  readonly version: number;
  readonly state: TicketState;
  readonly leadDepartmentId: string | null;
  readonly coDepartmentIds: readonly string[];
  readonly signBy: string | null;
  readonly replyBy: string | null;
  readonly signedAt: string | null;
  readonly repliedAt: string | null;
  /** When it was closed or resolved directly; cleared by a reopen. */
  readonly closedAt: string | null;
  readonly pendingReturn: { readonly departmentId: string; readonly reason: string; readonly requestedAt: string; readonly fromState: 'dispatched' | 'signed' } | null;
  readonly pendingExtension: {
    readonly days: number;
    readonly reason: string;
    readonly requestedAt: string;
    /** Computed at request time so the approver sees the date they are granting. */
    readonly proposedReplyBy: string;
    readonly fromState: 'signed' | 'handling';
  } | null;
  /** The latest return visit. */
  readonly returnVisit: { readonly resolved: boolean; readonly satisfied: boolean; readonly satisfaction?: Satisfaction; readonly at: string } | null;
  readonly parentId: string | null;
  readonly counters: {
    readonly returns: number;
    readonly extensions: number;
    readonly supervisions: number;
    readonly urges: number;
    readonly reopens: number;
  };
}

const INTAKE: readonly UserRole[] = ['agent', 'cppcc_member', 'shift_lead'];
const SHIFT_LEAD: readonly UserRole[] = ['shift_lead'];
const DEPARTMENT: readonly UserRole[] = ['department'];

export interface TicketActionRule {
  /** Any one of these roles may act. Admins configure the system; they do not work tickets. */
  readonly roles: readonly UserRole[];
  readonly from: readonly TicketState[];
  /** The actor must belong to the ticket's lead department. */
  readonly leadDepartmentOnly: boolean;
}

/**
 * Who may do what from where. The target state is decided in applyTicketAction, since some
 * commands branch on their payload (a review may reject, a return visit may reopen). Liaison
 * experts work consultation items, not tickets, so they appear nowhere here.
 */
export const TICKET_ACTION_RULES: { readonly [A in TicketActionType]: TicketActionRule } = {
  resolveDirectly: { roles: INTAKE, from: ['registered'], leadDepartmentOnly: false },
  dispatch: { roles: INTAKE, from: ['registered'], leadDepartmentOnly: false },
  sign: { roles: DEPARTMENT, from: ['dispatched'], leadDepartmentOnly: true },
  startHandling: { roles: DEPARTMENT, from: ['signed'], leadDepartmentOnly: true },
  // Once work has started the ticket is the department's; a misroute must be caught early.
  returnTicket: { roles: DEPARTMENT, from: ['dispatched', 'signed'], leadDepartmentOnly: true },
  approveReturn: { roles: SHIFT_LEAD, from: ['returned'], leadDepartmentOnly: false },
  rejectReturn: { roles: SHIFT_LEAD, from: ['returned'], leadDepartmentOnly: false },
  requestExtension: { roles: DEPARTMENT, from: ['signed', 'handling'], leadDepartmentOnly: true },
  approveExtension: { roles: SHIFT_LEAD, from: ['extension_requested'], leadDepartmentOnly: false },
  rejectExtension: { roles: SHIFT_LEAD, from: ['extension_requested'], leadDepartmentOnly: false },
  // Not while an extension waits: the hold-up is then the shift lead's own decision.
  supervise: { roles: SHIFT_LEAD, from: ['dispatched', 'signed', 'handling'], leadDepartmentOnly: false },
  urge: { roles: INTAKE, from: ['dispatched', 'signed', 'handling'], leadDepartmentOnly: false },
  // A department that finishes while its extension request waits may still answer.
  reply: { roles: DEPARTMENT, from: ['signed', 'handling', 'extension_requested'], leadDepartmentOnly: true },
  review: { roles: ['agent', 'shift_lead'], from: ['replied'], leadDepartmentOnly: false },
  // Direct resolutions are visited too (by sample), so the 三率 cover them.
  recordReturnVisit: { roles: INTAKE, from: ['reviewed', 'resolved_directly'], leadDepartmentOnly: false },
  close: { roles: SHIFT_LEAD, from: ['reviewed', 'return_visit'], leadDepartmentOnly: false },
  reopen: { roles: SHIFT_LEAD, from: ['reopened', 'return_visit', 'closed', 'resolved_directly'], leadDepartmentOnly: false },
  // Only before a department has taken the ticket on, so no department's work is orphaned.
  merge: { roles: INTAKE, from: ['registered', 'dispatched', 'returned', 'reopened'], leadDepartmentOnly: false },
  // While a department holds it (before or after signing, while handling). Not while a return or an
  // extension waits: the lead answers that first (approving a return already frees the ticket).
  reassign: { roles: SHIFT_LEAD, from: ['dispatched', 'signed', 'handling'], leadDepartmentOnly: false },
};

/** The longest extension one request may ask for: the longest published reply deadline. */
export const MAX_EXTENSION_WORKING_DAYS = 15;

export type TicketError =
  | { code: 'invalid_transition'; action: TicketActionType; state: TicketState }
  | { code: 'forbidden'; action: TicketActionType | 'register'; requiredRoles: readonly UserRole[] }
  /** A department user acting on a ticket another department leads. */
  | { code: 'wrong_department'; action: TicketActionType }
  | { code: 'reason_required'; field: 'reason' | 'note' }
  | { code: 'content_required'; field: 'summary' | 'content' | 'instructions' }
  /** Too late for this (an extension must be asked for before the reply deadline). */
  | { code: 'deadline_passed'; deadline: string }
  /** Supervision and urging are for tickets that are late or due within a working day. */
  | { code: 'not_due'; deadline: string | null }
  | { code: 'invalid_deadline'; field: 'signBy' | 'replyBy'; problem: 'malformed' | 'in_past' | 'sign_after_reply' }
  | { code: 'invalid_departments'; problem: 'lead_missing' | 'lead_is_co_department' | 'duplicate_co_department' }
  /** A reassignment to the department that already has the ticket. */
  | { code: 'same_department' }
  | { code: 'invalid_days'; value: number; max: number }
  /** A return visit without one of the three answers. */
  | { code: 'invalid_satisfaction' }
  /** A same-department reopen of a ticket that never had a department. */
  | { code: 'no_department' }
  | { code: 'invalid_merge_parent'; problem: 'self' | 'parent_merged' | 'parent_finished' };

export type TicketErrorCode = TicketError['code'];

/** What each event records beyond the common fields: the facts the timeline shows. */
export interface TicketEventDataMap {
  /** A repeat call (重复来电) names the answered or closed ticket it repeats. */
  /** repeatOf: a repeat call's earlier ticket; outreachEvent: registered at that outreach event (便民服务进小区), fixedOnSpot there (立行立改). */
  register: { repeatOf?: string; repeatOfNumber?: string; outreachEvent?: string; fixedOnSpot?: boolean };
  resolveDirectly: { summary: string };
  /**
   * Dispatches stored before 派单意见 existed have no instructions. `guardWarnings`: what the
   * misrouting guard warned of (shared/domain/routing.ts), and whether the sender confirmed
   * having seen it (the desk's second click).
   */
  dispatch: DispatchTarget & { instructions?: string; guardWarnings?: DispatchWarning[]; guardAcknowledged?: boolean };
  sign: { late: boolean };
  startHandling: Record<string, never>;
  returnTicket: { reason: string };
  approveReturn: { note: string | null };
  rejectReturn: { reason: string; signBy: string | null; replyBy: string | null };
  requestExtension: { days: number; reason: string; proposedReplyBy: string };
  approveExtension: { note: string | null; previousReplyBy: string | null; replyBy: string };
  rejectExtension: { reason: string };
  supervise: { note: string; deadline: string; overdue: boolean };
  urge: { note: string; deadline: string; overdue: boolean };
  reply: { content: string; late: boolean };
  review: { approved: boolean; note: string | null };
  /**
   * `satisfied` is what 满意率 counts (满意 or 基本满意); `satisfaction` the answer itself. Visits
   * stored before the three answers existed have only `satisfied`.
   */
  recordReturnVisit: { resolved: boolean; satisfied: boolean; satisfaction?: Satisfaction; note: string | null };
  close: { reason: string };
  reopen: { reason: string; route: ReopenRoute };
  merge: { parentId: string };
  /** 改派: from which lead department, to which, why; the new deadlines. */
  reassign: DispatchTarget & { reason: string; fromDepartmentId: string | null };
}
export type TicketEventAction = keyof TicketEventDataMap;

export type TicketEvent = {
  [A in TicketEventAction]: {
    readonly ticketId: string;
    /** The snapshot version this event produced. */
    readonly version: number;
    readonly at: string;
    readonly actorId: string;
    readonly actorDepartmentId: string | null;
    readonly action: A;
    readonly fromState: TicketState | null;
    readonly toState: TicketState;
    readonly data: TicketEventDataMap[A];
  };
}[TicketEventAction];

export type TicketResult = { ok: true; next: TicketSnapshot; event: TicketEvent } | { ok: false; error: TicketError };

const fail = (error: TicketError): TicketResult => ({ ok: false, error });

/** A new ticket at intake, with its first event. */
export function registerTicket(id: string, actor: TicketActor, now: Date): TicketResult {
  if (!actor.roles.some((r) => INTAKE.includes(r))) return fail({ code: 'forbidden', action: 'register', requiredRoles: INTAKE });
  const next: TicketSnapshot = {
    id, version: 1, state: 'registered', leadDepartmentId: null, coDepartmentIds: [], signBy: null, replyBy: null,
    signedAt: null, repliedAt: null, closedAt: null, pendingReturn: null, pendingExtension: null, returnVisit: null,
    parentId: null, counters: { returns: 0, extensions: 0, supervisions: 0, urges: 0, reopens: 0 },
  };
  return { ok: true, next, event: { ...eventBase(next, actor, now, null), action: 'register', data: {} } };
}

function eventBase(next: TicketSnapshot, actor: TicketActor, now: Date, fromState: TicketState | null) {
  return {
    ticketId: next.id, version: next.version, at: now.toISOString(), actorId: actor.userId,
    actorDepartmentId: actor.departmentId ?? null, fromState, toState: next.state,
  };
}

/**
 * The checks that need no command payload: role, state, department, and time windows. The UI
 * uses it (through allowedTicketActions) to show only buttons that can work.
 */
export function precheckTicketAction(
  snapshot: TicketSnapshot, type: TicketActionType, actor: TicketActor, now: Date, calendar: WorkingDayCalendar,
): TicketError | null {
  const rule = TICKET_ACTION_RULES[type];
  if (!actor.roles.some((r) => rule.roles.includes(r))) return { code: 'forbidden', action: type, requiredRoles: rule.roles };
  if (!rule.from.includes(snapshot.state)) return { code: 'invalid_transition', action: type, state: snapshot.state };
  if (rule.leadDepartmentOnly && (actor.departmentId == null || actor.departmentId !== snapshot.leadDepartmentId)) {
    return { code: 'wrong_department', action: type };
  }
  if (type === 'requestExtension' && snapshot.replyBy !== null && now.getTime() > Date.parse(snapshot.replyBy)) {
    return { code: 'deadline_passed', deadline: snapshot.replyBy };
  }
  if (type === 'supervise' || type === 'urge') {
    const deadline = watchedDeadline(snapshot);
    if (deadline === null || deadlineStatus(new Date(deadline), now, calendar) === 'ok') return { code: 'not_due', deadline };
  }
  return null;
}

/**
 * How a sign deadline stands. Signing is due within one working day of the dispatch, so "due
 * within a working day" would flag every fresh dispatch; a sign deadline is due soon in its last
 * SIGN_DUE_SOON_MS.
 */
export const SIGN_DUE_SOON_MS = 4 * 3_600_000;
export function signDeadlineStatus(signBy: string, now: Date): 'ok' | 'due_soon' | 'overdue' {
  const left = Date.parse(signBy) - now.getTime();
  return left < 0 ? 'overdue' : left <= SIGN_DUE_SOON_MS ? 'due_soon' : 'ok';
}

/** Before signing, the department is late for signing; after, for replying. */
function watchedDeadline(s: TicketSnapshot): string | null {
  return s.state === 'dispatched' ? s.signBy : s.replyBy;
}

/** Action types that pass precheckTicketAction for this actor now. */
export function allowedTicketActions(
  snapshot: TicketSnapshot, actor: TicketActor, now: Date, calendar: WorkingDayCalendar,
): TicketActionType[] {
  return TICKET_ACTION_TYPES.filter((t) => precheckTicketAction(snapshot, t, actor, now, calendar) === null);
}

// Explicit offset required: a bare "2025-10-09" or "2025-10-09T10:00" would be read in the
// machine's zone by some parsers and in UTC by others.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: string): number | null {
  if (!ISO_INSTANT.test(value)) return null;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : null;
}

/** Validates deadlines and returns them normalised to toISOString form. */
function checkDeadlines(signBy: string | null, replyBy: string | null, now: Date):
  { ok: true; signBy: string | null; replyBy: string | null } | { ok: false; error: TicketError } {
  const out: { signBy: string | null; replyBy: string | null } = { signBy: null, replyBy: null };
  const times: { signBy?: number; replyBy?: number } = {};
  for (const [field, value] of [['signBy', signBy], ['replyBy', replyBy]] as const) {
    if (value === null) continue;
    const t = parseInstant(value);
    if (t === null) return { ok: false, error: { code: 'invalid_deadline', field, problem: 'malformed' } };
    if (t <= now.getTime()) return { ok: false, error: { code: 'invalid_deadline', field, problem: 'in_past' } };
    times[field] = t;
    out[field] = new Date(t).toISOString();
  }
  if (times.signBy !== undefined && times.replyBy !== undefined && times.signBy > times.replyBy) {
    return { ok: false, error: { code: 'invalid_deadline', field: 'signBy', problem: 'sign_after_reply' } };
  }
  return { ok: true, ...out };
}

function checkTarget(target: DispatchTarget, now: Date):
  { ok: true; target: DispatchTarget } | { ok: false; error: TicketError } {
  const lead = target.leadDepartmentId.trim();
  if (lead === '') return { ok: false, error: { code: 'invalid_departments', problem: 'lead_missing' } };
  if (target.coDepartmentIds.includes(lead)) return { ok: false, error: { code: 'invalid_departments', problem: 'lead_is_co_department' } };
  if (new Set(target.coDepartmentIds).size !== target.coDepartmentIds.length) {
    return { ok: false, error: { code: 'invalid_departments', problem: 'duplicate_co_department' } };
  }
  const d = checkDeadlines(target.signBy, target.replyBy, now);
  if (!d.ok) return d;
  // Both are non-null here because both inputs were strings.
  return { ok: true, target: { leadDepartmentId: lead, coDepartmentIds: [...target.coDepartmentIds], signBy: d.signBy ?? '', replyBy: d.replyBy ?? '' } };
}

const text = (value: string | undefined): string | null => {
  const t = value?.trim() ?? '';
  return t === '' ? null : t;
};

/**
 * Applies one command. Pure: the inputs are not modified, and the same inputs give the same
 * result. Checks run in a fixed order (role, state, department, time window, payload) so a user
 * without the right is told so before anything about the ticket.
 */
export function applyTicketAction(
  snapshot: TicketSnapshot, action: TicketAction, actor: TicketActor, now: Date, calendar: WorkingDayCalendar,
): TicketResult {
  const pre = precheckTicketAction(snapshot, action.type, actor, now, calendar);
  if (pre) return fail(pre);
  const at = now.toISOString();

  /** Builds the next snapshot and its event; every successful branch ends here. */
  function done<A extends TicketActionType>(
    toState: TicketState, patch: Partial<Omit<TicketSnapshot, 'id' | 'version' | 'state'>>, act: A, data: TicketEventDataMap[A],
  ): TicketResult {
    const next: TicketSnapshot = { ...snapshot, ...patch, state: toState, version: snapshot.version + 1 };
    // The mapped union cannot be narrowed through a generic; the parameter types already tie act to data.
    const event = { ...eventBase(next, actor, now, snapshot.state), action: act, data } as TicketEvent;
    return { ok: true, next, event };
  }
  const count = (key: keyof TicketSnapshot['counters']) => ({ counters: { ...snapshot.counters, [key]: snapshot.counters[key] + 1 } });

  switch (action.type) {
    case 'resolveDirectly': {
      const summary = text(action.summary);
      if (summary === null) return fail({ code: 'content_required', field: 'summary' });
      return done('resolved_directly', { closedAt: at }, 'resolveDirectly', { summary });
    }
    case 'dispatch': {
      const t = checkTarget(action, now);
      if (!t.ok) return fail(t.error);
      const instructions = text(action.instructions);
      if (instructions === null) return fail({ code: 'content_required', field: 'instructions' });
      return done('dispatched', { ...t.target, signedAt: null }, 'dispatch', { ...t.target, instructions });
    }
    case 'sign': {
      const late = snapshot.signBy !== null && now.getTime() > Date.parse(snapshot.signBy);
      return done('signed', { signedAt: at }, 'sign', { late });
    }
    case 'startHandling':
      return done('handling', {}, 'startHandling', {});
    case 'returnTicket': {
      const reason = text(action.reason);
      if (reason === null) return fail({ code: 'reason_required', field: 'reason' });
      const fromState = snapshot.state === 'signed' ? 'signed' : 'dispatched';
      return done('returned', { pendingReturn: { departmentId: snapshot.leadDepartmentId ?? '', reason, requestedAt: at, fromState } }, 'returnTicket', { reason });
    }
    case 'approveReturn':
      // Back to intake for a new dispatch: the old department and its deadlines no longer apply.
      return done('registered', {
        leadDepartmentId: null, coDepartmentIds: [], signBy: null, replyBy: null, signedAt: null, pendingReturn: null, ...count('returns'),
      }, 'approveReturn', { note: text(action.note) });
    case 'rejectReturn': {
      const reason = text(action.reason);
      if (reason === null) return fail({ code: 'reason_required', field: 'reason' });
      const d = checkDeadlines(action.signBy ?? null, action.replyBy ?? null, now);
      if (!d.ok) return fail(d.error);
      const signBy = d.signBy ?? snapshot.signBy;
      const replyBy = d.replyBy ?? snapshot.replyBy;
      if (signBy !== null && replyBy !== null && Date.parse(signBy) > Date.parse(replyBy)) {
        return fail({ code: 'invalid_deadline', field: 'signBy', problem: 'sign_after_reply' });
      }
      return done(snapshot.pendingReturn?.fromState ?? 'dispatched', { signBy, replyBy, pendingReturn: null }, 'rejectReturn',
        { reason, signBy: d.signBy, replyBy: d.replyBy });
    }
    case 'requestExtension': {
      if (!Number.isInteger(action.days) || action.days < 1 || action.days > MAX_EXTENSION_WORKING_DAYS) {
        return fail({ code: 'invalid_days', value: action.days, max: MAX_EXTENSION_WORKING_DAYS });
      }
      const reason = text(action.reason);
      if (reason === null) return fail({ code: 'reason_required', field: 'reason' });
      // Counted from the current deadline, so an extension adds days and never shortens the time left.
      const base = snapshot.replyBy !== null ? new Date(snapshot.replyBy) : now;
      const proposedReplyBy = addWorkingDays(base, action.days, calendar).toISOString();
      const fromState = snapshot.state === 'signed' ? 'signed' : 'handling';
      return done('extension_requested', {
        pendingExtension: { days: action.days, reason, requestedAt: at, proposedReplyBy, fromState },
      }, 'requestExtension', { days: action.days, reason, proposedReplyBy });
    }
    case 'approveExtension': {
      const pending = snapshot.pendingExtension;
      const replyBy = pending?.proposedReplyBy ?? snapshot.replyBy ?? at;
      return done(pending?.fromState ?? 'handling', { replyBy, pendingExtension: null, ...count('extensions') }, 'approveExtension',
        { note: text(action.note), previousReplyBy: snapshot.replyBy, replyBy });
    }
    case 'rejectExtension': {
      const reason = text(action.reason);
      if (reason === null) return fail({ code: 'reason_required', field: 'reason' });
      return done(snapshot.pendingExtension?.fromState ?? 'handling', { pendingExtension: null }, 'rejectExtension', { reason });
    }
    case 'supervise':
    case 'urge': {
      const note = text(action.note);
      if (note === null) return fail({ code: 'reason_required', field: 'note' });
      // precheck guarantees a deadline that is due soon or past.
      const deadline = watchedDeadline(snapshot) ?? at;
      const overdue = now.getTime() > Date.parse(deadline);
      return action.type === 'supervise'
        ? done(snapshot.state, count('supervisions'), 'supervise', { note, deadline, overdue })
        : done(snapshot.state, count('urges'), 'urge', { note, deadline, overdue });
    }
    case 'reply': {
      const content = text(action.content);
      if (content === null) return fail({ code: 'content_required', field: 'content' });
      const late = snapshot.replyBy !== null && now.getTime() > Date.parse(snapshot.replyBy);
      return done('replied', { repliedAt: at, pendingExtension: null }, 'reply', { content, late });
    }
    case 'review': {
      const note = text(action.note);
      if (action.approved) return done('reviewed', {}, 'review', { approved: true, note });
      // A rejected answer goes back to the department; its deadline keeps running.
      if (note === null) return fail({ code: 'reason_required', field: 'note' });
      return done('handling', { repliedAt: null }, 'review', { approved: false, note });
    }
    case 'recordReturnVisit': {
      const { resolved, satisfaction } = action;
      if (!(SATISFACTION_LEVELS as readonly string[]).includes(satisfaction)) return fail({ code: 'invalid_satisfaction' });
      const satisfied = countsAsSatisfied(satisfaction);
      const note = text(action.note);
      // A citizen who is not satisfied, or says nothing was solved, is taken seriously only with the why.
      if ((!satisfied || !resolved) && note === null) return fail({ code: 'reason_required', field: 'note' });
      // Resolved and satisfied closes; unresolved must be redone; resolved-but-unsatisfied is
      // screened by a shift lead, who closes it or reopens it.
      const toState: TicketState = !resolved ? 'reopened' : satisfied ? 'closed' : 'return_visit';
      return done(toState, {
        returnVisit: { resolved, satisfied, satisfaction, at },
        closedAt: toState === 'closed' ? at : null,
      }, 'recordReturnVisit', { resolved, satisfied, satisfaction, note });
    }
    case 'close': {
      const reason = text(action.reason);
      if (reason === null) return fail({ code: 'reason_required', field: 'reason' });
      return done('closed', { closedAt: at }, 'close', { reason });
    }
    case 'reopen': {
      const reason = text(action.reason);
      if (reason === null) return fail({ code: 'reason_required', field: 'reason' });
      const reset = { closedAt: null, repliedAt: null, pendingReturn: null, pendingExtension: null, ...count('reopens') };
      if (action.route.kind === 'same_department') {
        if (snapshot.leadDepartmentId === null) return fail({ code: 'no_department' });
        const d = checkDeadlines(null, action.route.replyBy, now);
        if (!d.ok) return fail(d.error);
        const replyBy = d.replyBy ?? '';
        return done('handling', { ...reset, replyBy }, 'reopen', { reason, route: { kind: 'same_department', replyBy } });
      }
      const t = checkTarget(action.route, now);
      if (!t.ok) return fail(t.error);
      return done('dispatched', { ...reset, ...t.target, signedAt: null }, 'reopen', { reason, route: { kind: 'redispatch', ...t.target } });
    }
    case 'merge': {
      const { parent } = action;
      if (parent.id === snapshot.id) return fail({ code: 'invalid_merge_parent', problem: 'self' });
      // One level only: a chain would hide the live ticket two hops away.
      if (parent.state === 'merged') return fail({ code: 'invalid_merge_parent', problem: 'parent_merged' });
      // A finished parent would swallow a live complaint; reopen the parent first.
      if (parent.state === 'closed' || parent.state === 'resolved_directly') return fail({ code: 'invalid_merge_parent', problem: 'parent_finished' });
      return done('merged', { parentId: parent.id, pendingReturn: null }, 'merge', { parentId: parent.id });
    }
    case 'reassign': {
      const reason = text(action.reason);
      if (reason === null) return fail({ code: 'reason_required', field: 'reason' });
      if (action.leadDepartmentId.trim() === snapshot.leadDepartmentId) return fail({ code: 'same_department' });
      const t = checkTarget(action, now);
      if (!t.ok) return fail(t.error);
      return done('dispatched', { ...t.target, signedAt: null }, 'reassign', { ...t.target, reason, fromDepartmentId: snapshot.leadDepartmentId });
    }
  }
}

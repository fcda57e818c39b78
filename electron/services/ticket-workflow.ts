import type { z } from 'zod';
import { fail, type PendingExtension, type SessionInfo, type TicketChanged, type TicketView, type WorkRow } from '../../shared/contract';
import type { ticketActionInput } from '../../shared/contract/tickets';
import {
  allowedTicketActions, applyTicketAction, signDeadlineStatus, TICKET_STATES, type TicketAction, type TicketActor, type TicketSnapshot, type TicketState,
} from '../../shared/domain/ticket-lifecycle';
import { computeDeadlines, deadlineStatus, DEFAULT_DEADLINE_POLICY, type DeadlinePolicy } from '../../shared/domain/deadlines';
import type { WorkingDayCalendar } from '../../shared/domain/working-days';
import type { AppealType, Urgency } from '../../shared/domain/appeal';
import { readTicketEventOf, type ReadTicketEvent, type TicketHistoryAction, type TicketHistoryDataMap } from '../../shared/domain/ticket-events';
import { uuidv7 } from '../util/ids';
import { inTransaction, type Db } from '../store/repos/db';
import { appendTicketEvent, latestTicketEvents, ticketHistory } from '../store/repos/ticket-events';
import {
  recordTicketDepartments, saveTicketSnapshot, ticketCountsByStatus, ticketNumber, ticketSnapshotRow, updateTicketState, workQueueRows,
} from '../store/repos/tickets';
import { existingDepartmentIds } from '../store/repos/reference';
import { writeAudit } from './audit';
import { assertTicketVisible, ticketScope } from './ticket-visibility';
import type { DepartmentRouting } from './department-routing';
import type { DispatchWarning } from '../../shared/domain/routing';

type ActionInput = z.output<typeof ticketActionInput>;

/** The facts of a requestExtension event as the approver needs them. */
export function pendingOf(data: TicketHistoryDataMap['requestExtension']): PendingExtension {
  return { days: data.days, proposedReplyBy: data.proposedReplyBy, reason: data.reason };
}

const OPEN: TicketState[] = ['dispatched', 'signed', 'handling', 'extension_requested', 'returned', 'reopened', 'registered'];

export const actorOf = (s: SessionInfo): TicketActor => ({ userId: s.user.id, roles: s.user.roles, departmentId: s.user.departmentId });
const isState = (s: string): s is TicketState => (TICKET_STATES as readonly string[]).includes(s);

/**
 * The lifecycle snapshot of a ticket. Tickets registered by this console have one stored;
 * imported and demo tickets get one derived from their columns, as exact as the columns allow.
 */
export async function loadSnapshot(db: Db, ticketId: string): Promise<{ snapshot: TicketSnapshot; appealType: string; urgency: string } | null> {
  const t = await ticketSnapshotRow(db, ticketId);
  if (!t) return null;
  if (t.snapshot) return { snapshot: JSON.parse(t.snapshot) as TicketSnapshot, appealType: t.appeal_type, urgency: t.urgency };
  const events = await ticketHistory(db, ticketId);
  /** The latest event of an action, its data typed by the event map (null when the stored data does not read). */
  const last = <A extends TicketHistoryAction>(action: A) => {
    const e = events.findLast((x) => x.action === action);
    return e ? { at: e.at, fromStatus: e.from_status, data: readTicketEventOf(e, action) } : null;
  };
  const count = (action: TicketHistoryAction) => events.filter((e) => e.action === action).length;
  const state = isState(t.status) ? t.status : 'registered';
  // The pending request is the last one of its kind: its facts (days asked, proposed date, reason)
  // are in its event, so approving a demo or imported extension moves the deadline as asked.
  const ext = state === 'extension_requested' ? last('requestExtension') : null;
  const ret = state === 'returned' ? last('returnTicket') : null;
  const snapshot: TicketSnapshot = {
    id: t.id, version: 0, state, leadDepartmentId: t.lead_department_id,
    coDepartmentIds: last('dispatch')?.data?.coDepartmentIds ?? [],
    signBy: t.sign_by, replyBy: t.reply_by, signedAt: last('sign')?.at ?? null, repliedAt: last('reply')?.at ?? null, closedAt: t.closed_at,
    pendingReturn: ret ? {
      departmentId: t.lead_department_id ?? '', reason: ret.data?.reason ?? '', requestedAt: ret.at,
      fromState: ret.fromStatus === 'signed' ? 'signed' : 'dispatched',
    } : null,
    pendingExtension: ext?.data ? {
      days: ext.data.days, reason: ext.data.reason, requestedAt: ext.at, proposedReplyBy: ext.data.proposedReplyBy,
      fromState: ext.fromStatus === 'signed' ? 'signed' : 'handling',
    } : null,
    returnVisit: null, parentId: t.parent_id,
    counters: { returns: count('approveReturn'), extensions: count('approveExtension'), supervisions: count('supervise'), urges: count('urge'), reopens: count('reopen') },
  };
  return { snapshot, appealType: t.appeal_type, urgency: t.urgency };
}

/**
 * Everything that happens to a ticket after intake goes through `act`: the pure lifecycle rules
 * decide, then one transaction writes the snapshot (guarded by its version), the flat columns,
 * the timeline event and the audit line.
 */
export class TicketWorkflowService {
  constructor(
    private readonly db: Db,
    private readonly calendar: () => WorkingDayCalendar,
    private readonly now: () => Date = () => new Date(),
    private readonly policy: () => DeadlinePolicy = () => DEFAULT_DEADLINE_POLICY,
    /** Told after each committed change, so desks showing the ticket refresh (ticket.changed). */
    private readonly changed: (p: TicketChanged) => void = () => {},
    /** 智能派单: learns each sign and return in the change's transaction; guards dispatches. */
    private readonly routing: DepartmentRouting | null = null,
  ) {}

  private deadlines(from: Date, appealType: string, urgency: string) {
    const d = computeDeadlines(from, appealType as AppealType, urgency as Urgency, this.policy(), this.calendar());
    return { signBy: d.signBy.toISOString(), replyBy: d.replyBy.toISOString() };
  }

  private async departmentsExist(ids: string[]) {
    if (ids.length === 0) return;
    const found = await existingDepartmentIds(this.db, ids);
    if (found.length !== new Set(ids).size) fail('invalid_input', { issues: [{ path: 'action.leadDepartmentId', problem: 'unknown' }] });
  }

  /** Turns a request into a domain command, filling in what main decides (deadlines, parent state). */
  private async command(input: ActionInput, snapshot: TicketSnapshot, appealType: string, urgency: string, now: Date): Promise<TicketAction> {
    switch (input.type) {
      case 'reassign': {
        await this.departmentsExist([input.leadDepartmentId]);
        // The co-departments stay on the ticket, but the new lead cannot also be one of them.
        const co = snapshot.coDepartmentIds.filter((d) => d !== input.leadDepartmentId);
        // The new department signs and answers in its own time, as a fresh dispatch would give it.
        return { type: 'reassign', reason: input.reason, leadDepartmentId: input.leadDepartmentId, coDepartmentIds: co, ...this.deadlines(now, appealType, urgency) };
      }
      case 'dispatch':
        await this.departmentsExist([input.leadDepartmentId, ...input.coDepartmentIds]);
        return {
          type: 'dispatch', leadDepartmentId: input.leadDepartmentId, coDepartmentIds: input.coDepartmentIds, instructions: input.instructions,
          ...this.deadlines(now, appealType, urgency),
        };
      case 'rejectReturn':
        // The clock ran while the return was reviewed: the department gets its time afresh.
        return { type: 'rejectReturn', reason: input.reason, ...this.deadlines(now, appealType, urgency) };
      case 'reopen': {
        const d = this.deadlines(now, appealType, urgency);
        if (input.route === 'same_department') return { type: 'reopen', reason: input.reason, route: { kind: 'same_department', replyBy: d.replyBy } };
        if (!input.leadDepartmentId) fail('invalid_input', { issues: [{ path: 'action.leadDepartmentId', problem: 'required' }] });
        await this.departmentsExist([input.leadDepartmentId, ...(input.coDepartmentIds ?? [])]);
        return { type: 'reopen', reason: input.reason, route: { kind: 'redispatch', leadDepartmentId: input.leadDepartmentId, coDepartmentIds: input.coDepartmentIds ?? [], ...d } };
      }
      case 'merge': {
        const parent = await loadSnapshot(this.db, input.parentId);
        if (!parent) fail('not_found', { details: { reason: 'parent_not_found' } });
        return { type: 'merge', parent: { id: parent.snapshot.id, state: parent.snapshot.state } };
      }
      default:
        return input;
    }
  }

  async act(ticketId: string, expectedVersion: number, input: ActionInput, session: SessionInfo): Promise<void> {
    const now = this.now();
    // A ticket the reader may not see cannot be acted on either: it does not exist for them.
    await assertTicketVisible(this.db, session, ticketId);
    const loaded = await loadSnapshot(this.db, ticketId);
    if (!loaded) fail('not_found');
    if (loaded.snapshot.version !== expectedVersion) fail('conflict', { details: { reason: 'ticket_stale' } });
    const command = await this.command(input, loaded.snapshot, loaded.appealType, loaded.urgency, now);
    const r = applyTicketAction(loaded.snapshot, command, actorOf(session), now, this.calendar());
    if (!r.ok) {
      if (r.error.code === 'forbidden' || r.error.code === 'wrong_department') fail('forbidden', { details: { reason: `ticket_${r.error.code}` } });
      fail('conflict', { details: { reason: `ticket_${r.error.code}` } });
    }
    const next = r.next;
    // The misrouting guard: the desk shows its warnings (tickets.checkDispatch) and sends only on a
    // second click (acknowledgeWarnings). What it warned of is worked out again here and stays on
    // the dispatch event, with whether the sender said it had seen it. A dispatch is not refused
    // for it: the warning is advice, and other writers (imports, older desks) still dispatch.
    let guardWarnings: DispatchWarning[] = [];
    if (input.type === 'dispatch' && this.routing) guardWarnings = await this.routing.warningsFor(ticketId, [input.leadDepartmentId, ...input.coDepartmentIds]);
    const guardAcknowledged = input.type === 'dispatch' && input.acknowledgeWarnings === true;
    const before = loaded.snapshot;
    await inTransaction(this.db, async (trx) => {
      // Optimistic concurrency: two people acting on one ticket at once cannot both win.
      if (!(await saveTicketSnapshot(trx, ticketId, next, expectedVersion))) fail('conflict', { details: { reason: 'ticket_stale' } });
      await updateTicketState(trx, ticketId, next, now.toISOString());
      const e = r.event.action === 'dispatch' && guardWarnings.length > 0 ? { ...r.event, data: { ...r.event.data, guardWarnings, guardAcknowledged } } : r.event;
      await appendTicketEvent(trx, { ...e, id: uuidv7(now.getTime()) });
      await this.routing?.learn(trx, ticketId, {
        leadDepartmentId: before.leadDepartmentId, coDepartmentIds: before.coDepartmentIds, returnReason: before.pendingReturn?.reason ?? null,
        signed: before.pendingReturn ? before.pendingReturn.fromState === 'signed' : before.signedAt !== null || !['registered', 'dispatched'].includes(before.state),
      }, e);
      // Who may read the ticket from now on (ticket-visibility.ts): every department it was sent to.
      if (e.action === 'dispatch' || e.action === 'reopen' || e.action === 'reassign') await recordTicketDepartments(trx, ticketId, [next.leadDepartmentId, ...next.coDepartmentIds]);
      const moved = e.action === 'reassign' ? { fromDepartment: e.data.fromDepartmentId, toDepartment: e.data.leadDepartmentId, reason: e.data.reason } : {};
      await writeAudit(trx, { actorId: session.user.id, action: `ticket.${e.action}`, subjectType: 'ticket', subjectId: ticketId, data: { from: e.fromState, to: e.toState, ...moved } }, now);
    });
    const number = (await ticketNumber(this.db, ticketId)) ?? '';
    this.changed({
      ticketId, number, state: next.state, action: r.event.action, leadDepartmentId: next.leadDepartmentId, coDepartmentIds: [...next.coDepartmentIds],
      version: next.version, previousDepartmentIds: [before.leadDepartmentId, ...before.coDepartmentIds].filter((d): d is string => !!d),
    });
  }

  async allowed(snapshot: TicketSnapshot, session: SessionInfo): Promise<string[]> {
    return allowedTicketActions(snapshot, actorOf(session), this.now(), this.calendar());
  }

  deadlineOf(replyBy: string | null, status: string): WorkRow['deadline'] {
    if (!replyBy || !OPEN.includes(status as TicketState)) return null;
    return deadlineStatus(new Date(replyBy), this.now(), this.calendar());
  }

  /** Work queues: a department's tickets, a shift lead's approvals and overdue list, return visits. */
  async work(view: TicketView, limit: number, session: SessionInfo): Promise<WorkRow[]> {
    const scope = ticketScope(session);
    let queue: { statuses: TicketState[]; replyBefore?: string; orderBy: 'reply_by' | 'updated_at' | 'created_at' };
    switch (view) {
      case 'department':
        if (!session.user.departmentId) return [];
        // Lead (主办) and co-department (协办) tickets alike: the scope keeps the department's own;
        // those it no longer holds (returned, redispatched elsewhere) are dropped below.
        queue = { statuses: ['dispatched', 'signed', 'handling', 'extension_requested', 'returned', 'replied'], orderBy: 'reply_by' };
        break;
      case 'approvals':
        queue = { statuses: ['returned', 'extension_requested'], orderBy: 'updated_at' };
        break;
      case 'overdue':
        queue = { statuses: ['dispatched', 'signed', 'handling', 'extension_requested'], replyBefore: this.now().toISOString(), orderBy: 'reply_by' };
        break;
      case 'return_visits':
        queue = { statuses: ['reviewed', 'replied'], orderBy: 'updated_at' };
        break;
      case 'to_dispatch':
        // The whole center's undispatched tickets are for the people who dispatch, not for departments.
        if (!session.user.roles.some((r) => r === 'agent' || r === 'cppcc_member' || r === 'shift_lead')) fail('forbidden');
        // Oldest first: a citizen has waited longest for these.
        queue = { statuses: ['registered'], orderBy: 'created_at' };
        break;
    }
    // Every view lists only tickets the reader may see (a department: its own).
    const rows = await workQueueRows(this.db, { scope, ...queue, limit });
    const ids = rows.map((r) => r.id);
    const facts = view === 'department' ? await latestTicketEvents(this.db, ids, ['dispatch', 'reopen'])
      : view === 'approvals' ? await latestTicketEvents(this.db, ids.filter((_, i) => rows[i]!.status === 'extension_requested'), ['requestExtension'])
        : view === 'to_dispatch' ? await latestTicketEvents(this.db, ids, ['approveReturn', 'dispatch']) : new Map<string, ReadTicketEvent>();
    const now = this.now();
    const ownDepartment = session.user.departmentId;
    const dispatches = view === 'department' ? await latestTicketEvents(this.db, ids, ['dispatch']) : new Map<string, ReadTicketEvent>();
    const coOf = (id: string): string[] => currentCoDepartments(facts.get(id), dispatches.get(id));
    const listed = view === 'department'
      ? rows.filter((r) => r.lead_department_id === ownDepartment || coOf(r.id).includes(ownDepartment ?? ''))
      : rows;
    return listed.map((r) => {
      const f = facts.get(r.id);
      const row: WorkRow = {
        id: r.id, number: r.number, createdAt: r.created_at, appealType: r.appeal_type, urgency: r.urgency, status: r.status, title: r.title,
        district: r.district ?? '', leadDepartment: r.dep, signBy: r.sign_by, replyBy: r.reply_by, deadline: this.deadlineOf(r.reply_by, r.status),
      };
      if (view === 'department') {
        row.signDeadline = r.status === 'dispatched' && r.sign_by ? signDeadlineStatus(r.sign_by, now) : null;
        row.instructions = f?.action === 'dispatch' ? f.data.instructions ?? null : null;
        if (r.lead_department_id !== ownDepartment) row.coDepartment = true;
      }
      if (view === 'approvals') row.pendingExtension = f?.action === 'requestExtension' ? pendingOf(f.data) : null;
      if (view === 'to_dispatch') row.returned = f?.action === 'approveReturn';
      return row;
    });
  }

  async counts(): Promise<Record<string, number>> {
    return Object.fromEntries((await ticketCountsByStatus(this.db)).map((r) => [r.status, r.count]));
  }
}

/**
 * The co-departments (协办) a ticket has now: those of a redispatching reopen when that came last,
 * otherwise those of its latest dispatch (a reopen to the same department keeps them).
 */
function currentCoDepartments(latest: ReadTicketEvent | undefined, dispatch: ReadTicketEvent | undefined): string[] {
  if (latest?.action === 'reopen' && latest.data.route.kind === 'redispatch') return [...latest.data.route.coDepartmentIds];
  return dispatch?.action === 'dispatch' ? [...dispatch.data.coDepartmentIds] : [];
}

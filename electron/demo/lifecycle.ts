import type { ReadTicketEvent, TicketHistoryEvent } from '../../shared/domain/ticket-events';
import type { TicketState } from '../../shared/domain/ticket-lifecycle';
import { type Rng, isoUtc, seededUuidv7 } from './prng';
import { replyText, type AppealType } from './text';

export type Urgency = 'normal' | 'urgent' | 'emergency';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * Working days approximated as calendar days × 1.4 (5 of 7 days). The real calendar (holidays,
 * make-up days) lives in the deadline rules; demo data only needs plausible deadlines.
 */
const WORKING_DAY = 1.4 * DAY;

/** Reply deadlines in working days per appeal type (published examples: consultation 2, help 5–10, complaint 15). */
export const REPLY_WORKING_DAYS: Record<AppealType, number> = {
  consultation: 2, help: 7, complaint: 15, report: 15, suggestion: 15, praise: 5, other: 10,
};

/** 派单意见 the demo dispatcher writes, per appeal type. */
const DISPATCH_INSTRUCTIONS: Record<AppealType, string> = {
  consultation: '请按职责答复来电人咨询的问题。',
  help: '请尽快核实情况，帮助来电人解决困难并答复。',
  complaint: '请核实投诉情况，依法依规处理，并答复来电人。',
  report: '请核查举报线索，依法处理，并在时限内反馈。',
  suggestion: '请研究来电人建议，并答复采纳情况。',
  praise: '请转达来电人的表扬。',
  other: '请按职责核实处理并答复来电人。',
};

/** Share of tickets the agent closes on the call from knowledge (直接办结). */
const DIRECT_SHARE: Record<AppealType, number> = {
  consultation: 0.65, praise: 0.5, other: 0.4, suggestion: 0.3, help: 0.12, complaint: 0.05, report: 0.02,
};

export interface LifecycleInput {
  ticketId: string;
  createdMs: number;
  referenceMs: number;
  appeal: AppealType;
  urgency: Urgency;
  leadDepartmentId: string;
  /** Where a misrouted ticket goes first (the local street office, usually). */
  misrouteDepartmentId: string;
  /** Set for a duplicate merged under an earlier ticket (并单)... */
  mergeIntoId: string | null;
  /** ...which happens before the parent is finished (a finished parent takes no duplicates). */
  mergeBeforeMs: number;
}

export interface LifecycleResult {
  status: TicketState;
  /** The ticket's history, typed by the domain's event map and written through its one writer. */
  events: TicketHistoryEvent[];
  updatedMs: number;
  leadDepartmentId: string | null;
  signBy: string | null;
  replyBy: string | null;
  closedAt: string | null;
  /** When the ticket is (or will be, past the reference date) closed or resolved; Infinity if never. */
  finishedMs: number;
}

/** One event of the simulated life: an action of the domain's event map with its data, and what it sets. */
type Step = ReadTicketEvent & {
  at: number;
  to: TicketState;
  set?: { lead?: string | null; signBy?: number; replyBy?: number; closed?: boolean; clearDeadlines?: boolean };
};

const iso = isoUtc;
const span = (rng: Rng, minMs: number, maxMs: number) => minMs + Math.floor(rng.float() * (maxMs - minMs));

/**
 * The whole life a ticket would have, cut at the reference date: old tickets are closed, recent
 * ones are somewhere in the middle, late ones are open past their deadline. Action names, event
 * data and transitions follow shared/domain/ticket-lifecycle.ts (a test replays them against its
 * rules): register → dispatch → sign → (startHandling) → reply → review → recordReturnVisit →
 * closed, with returns, extensions, supervision, reopening, direct resolution and merging.
 */
export function simulateLifecycle(rng: Rng, input: LifecycleInput): LifecycleResult {
  const { appeal, urgency } = input;
  const steps: Step[] = [];
  let t = input.createdMs;
  let finished = Infinity;
  steps.push({ at: t, action: 'register', to: 'registered', data: {} });

  if (input.mergeIntoId) {
    t += span(rng, 10 * 60_000, Math.max(10 * 60_000 + 1, Math.min(DAY, input.mergeBeforeMs - t - 60_000)));
    steps.push({ at: t, action: 'merge', to: 'merged', data: { parentId: input.mergeIntoId } });
  } else if (urgency === 'normal' && rng.chance(DIRECT_SHARE[appeal])) {
    t += span(rng, 3 * 60_000, 25 * 60_000);
    steps.push({ at: t, action: 'resolveDirectly', to: 'resolved_directly', data: { summary: replyText(rng, appeal) }, set: { closed: true } });
    finished = t;
  } else {
    const replyDays = urgency === 'emergency' ? 0 : urgency === 'urgent' ? Math.min(3, REPLY_WORKING_DAYS[appeal]) : REPLY_WORKING_DAYS[appeal];
    let replyBy = urgency === 'emergency' ? input.createdMs + DAY : input.createdMs + replyDays * WORKING_DAY;
    const signWindow = urgency === 'emergency' ? 2 * HOUR : WORKING_DAY;
    t += urgency === 'emergency' ? span(rng, 2 * 60_000, 15 * 60_000) : span(rng, 10 * 60_000, 4 * HOUR);
    const dispatch = (dept: string, from: number) => {
      const signBy = from + signWindow;
      steps.push({ at: from, action: 'dispatch', to: 'dispatched',
        data: { leadDepartmentId: dept, coDepartmentIds: [], signBy: iso(signBy), replyBy: iso(Math.max(replyBy, signBy)), instructions: DISPATCH_INSTRUCTIONS[appeal] },
        set: { lead: dept, signBy, replyBy: Math.max(replyBy, signBy) } });
      return signBy;
    };
    if (rng.chance(0.06)) {
      dispatch(input.misrouteDepartmentId, t);
      t += span(rng, 2 * HOUR, 1.2 * DAY);
      steps.push({ at: t, action: 'returnTicket', to: 'returned', data: { reason: '不属于本单位职责范围，请重新派单' } });
      t += span(rng, 1 * HOUR, 8 * HOUR);
      steps.push({ at: t, action: 'approveReturn', to: 'registered', data: { note: null }, set: { lead: null, clearDeadlines: true } });
      t += span(rng, 10 * 60_000, 2 * HOUR);
      replyBy = Math.max(replyBy, t + HOUR);
    }
    const signBy = dispatch(input.leadDepartmentId, t);
    replyBy = Math.max(replyBy, signBy);
    t += rng.chance(0.9) ? span(rng, 20 * 60_000, 0.8 * signWindow) : span(rng, signWindow, 2.5 * signWindow);
    if (t > signBy + DAY / 2 && rng.chance(0.5)) {
      steps.push({ at: signBy + DAY / 4, action: 'supervise', to: 'dispatched', data: { note: '请尽快签收', deadline: iso(signBy), overdue: true } });
    }
    steps.push({ at: t, action: 'sign', to: 'signed', data: { late: t > signBy } });
    let state: TicketState = 'signed';
    let route: 'first' | 'redo' = 'first';
    for (;;) {
      if (route === 'first' && rng.chance(0.5)) {
        t += span(rng, 10 * 60_000, 12 * HOUR);
        steps.push({ at: t, action: 'startHandling', to: 'handling', data: {} });
        state = 'handling';
      }
      const allowed = Math.max(replyBy - t, HOUR);
      let replyAt = rng.chance(0.08) ? replyBy + span(rng, 6 * HOUR, 12 * DAY) : t + allowed * (0.1 + 0.85 * rng.float());
      if (replyDays >= 5 && appeal !== 'consultation' && route === 'first' && replyBy - t > 2 * DAY
        // More asks among the latest tickets, so a demo opens with extensions waiting for the lead.
        && rng.chance(input.referenceMs - input.createdMs < 12 * DAY ? 0.35 : 0.06)) {
        const askAt = Math.round(t + allowed * 0.6);
        const days = rng.pick([5, 10, 15]);
        const proposed = replyBy + days * WORKING_DAY;
        steps.push({ at: askAt, action: 'requestExtension', to: 'extension_requested', data: { days, reason: '情况复杂，需协调多个部门共同处理', proposedReplyBy: iso(proposed) } });
        let approvedAt = askAt + span(rng, 2 * HOUR, 1.5 * DAY);
        // An ask from the last two days is still on the lead's desk at the demo's "now".
        if (askAt < input.referenceMs && input.referenceMs - askAt < 2 * DAY) approvedAt = Math.max(approvedAt, input.referenceMs + HOUR);
        steps.push({ at: approvedAt, action: 'approveExtension', to: state, data: { note: null, previousReplyBy: iso(replyBy), replyBy: iso(proposed) }, set: { replyBy: proposed } });
        replyBy = proposed;
        replyAt = approvedAt + (replyBy - approvedAt) * (0.2 + 0.7 * rng.float());
      }
      const superviseAt = Math.max(replyBy + DAY / 2, t + HOUR);
      if (replyAt > superviseAt) steps.push({ at: superviseAt, action: 'supervise', to: state, data: { note: '已超期，请尽快办理答复', deadline: iso(replyBy), overdue: true } });
      t = Math.round(replyAt);
      steps.push({ at: t, action: 'reply', to: 'replied', data: { content: replyText(rng, appeal), late: t > replyBy } });
      t += span(rng, 2 * HOUR, 30 * HOUR);
      steps.push({ at: t, action: 'review', to: 'reviewed', data: { approved: true, note: null } });
      t += span(rng, 12 * HOUR, 3 * DAY);
      const satisfied = rng.chance(0.87);
      const resolved = route === 'redo' || (satisfied ? rng.chance(0.99) : rng.chance(0.6));
      const visitTo = !resolved ? 'reopened' : satisfied ? 'closed' : 'return_visit';
      // About one satisfied citizen in five says 基本满意; every unsatisfied or unresolved answer has its reason.
      const satisfaction = !satisfied ? 'unsatisfied' : rng.chance(0.2) ? 'basically_satisfied' : 'satisfied';
      const note = !satisfied ? '市民认为处理结果不理想' : !resolved ? '市民反映问题仍未解决' : null;
      steps.push({ at: t, action: 'recordReturnVisit', to: visitTo, data: { resolved, satisfied, satisfaction, note }, set: { closed: visitTo === 'closed' } });
      if (visitTo === 'closed') { finished = t; break; }
      t += span(rng, 1 * HOUR, 1.5 * DAY);
      if (route === 'redo' || (visitTo === 'return_visit' && rng.chance(0.6))) {
        steps.push({ at: t, action: 'close', to: 'closed', data: { reason: visitTo === 'return_visit' ? '经甄别，不满意理由不成立' : '已重办，按程序办结' }, set: { closed: true } });
        finished = t;
        break;
      }
      replyBy = t + Math.max(replyDays, 2) * WORKING_DAY;
      steps.push({ at: t, action: 'reopen', to: 'handling', data: { reason: '回访群众反映问题未解决，退回重办', route: { kind: 'same_department', replyBy: iso(replyBy) } }, set: { replyBy } });
      state = 'handling';
      route = 'redo';
    }
  }

  steps.sort((a, b) => a.at - b.at);
  const events: TicketHistoryEvent[] = [];
  let status: TicketState = 'registered';
  let lead: string | null = null;
  let signBy: number | null = null;
  let replyBy: number | null = null;
  let closed: number | null = null;
  let updated = input.createdMs;
  for (const s of steps) {
    if (s.at > input.referenceMs) break;
    const { at: _at, to: _to, set: _set, ...entry } = s;
    events.push({
      ...entry, id: seededUuidv7(Math.round(s.at), rng), ticketId: input.ticketId, at: iso(s.at), actorId: null,
      fromState: s.action === 'register' ? null : status, toState: s.to,
    });
    status = s.to;
    updated = s.at;
    if (s.set?.lead !== undefined) lead = s.set.lead;
    if (s.set?.signBy !== undefined) signBy = s.set.signBy;
    if (s.set?.replyBy !== undefined) replyBy = s.set.replyBy;
    if (s.set?.clearDeadlines) { signBy = null; replyBy = null; }
    if (s.set?.closed) closed = s.at;
    if (s.to === 'reopened' || s.action === 'reopen') closed = null;
  }
  return {
    status, events, updatedMs: updated, leadDepartmentId: lead,
    signBy: signBy === null ? null : iso(signBy), replyBy: replyBy === null ? null : iso(replyBy),
    closedAt: closed === null ? null : iso(closed), finishedMs: finished,
  };
}

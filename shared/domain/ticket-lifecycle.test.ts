import { describe, expect, it } from 'vitest';
import { CHINA_CALENDAR_2025_2026 as CAL } from './calendar-cn';
import { USER_ROLES, type UserRole } from './roles';
import {
  allowedTicketActions, applyTicketAction, registerTicket, signDeadlineStatus, TICKET_ACTION_RULES, TICKET_ACTION_TYPES, TICKET_STATES,
  type TicketAction, type TicketActionType, type TicketActor, type TicketResult, type TicketSnapshot, type TicketState,
} from './ticket-lifecycle';
import { readTicketEvent } from './ticket-events';

const cst = (local: string) => new Date(`${local}+08:00`);
const eod = (day: string) => cst(`${day}T23:59:59`).toISOString();

// Thursday Oct 9 2025, 10:00 in Beijing: the first working day after 国庆.
const NOW = cst('2025-10-09T10:00:00');
const LEAD = 'dept-water';

const actors = {
  agent: { userId: 'u-agent', roles: ['agent'] },
  cppcc: { userId: 'u-cppcc', roles: ['cppcc_member'] },
  liaison: { userId: 'u-liaison', roles: ['liaison_expert'] },
  lead: { userId: 'u-lead', roles: ['shift_lead'] },
  dept: { userId: 'u-dept', roles: ['department'], departmentId: LEAD },
  otherDept: { userId: 'u-other', roles: ['department'], departmentId: 'dept-roads' },
  admin: { userId: 'u-admin', roles: ['admin'] },
  /** Holds every role, so the state table is tested apart from permissions. */
  all: { userId: 'u-all', roles: [...USER_ROLES], departmentId: LEAD },
} satisfies Record<string, TicketActor>;

const base: TicketSnapshot = {
  id: 't-1', version: 4, state: 'registered', leadDepartmentId: null, coDepartmentIds: [], signBy: null, replyBy: null,
  signedAt: null, repliedAt: null, closedAt: null, pendingReturn: null, pendingExtension: null, returnVisit: null, parentId: null,
  counters: { returns: 0, extensions: 0, supervisions: 0, urges: 0, reopens: 0 },
};
// Deadlines due within a working day of NOW, so supervision is allowed and an extension is still in time.
const assigned = { leadDepartmentId: LEAD, coDepartmentIds: ['dept-street'], signBy: eod('2025-10-09'), replyBy: eod('2025-10-10') };
const signed = { ...assigned, signedAt: cst('2025-10-09T09:00:00').toISOString() };

/** One snapshot per state. A Record, so a new state does not compile until it has a fixture. */
const FIXTURES: Record<TicketState, TicketSnapshot> = {
  registered: base,
  resolved_directly: { ...base, state: 'resolved_directly', closedAt: cst('2025-10-09T09:00:00').toISOString() },
  dispatched: { ...base, ...assigned, state: 'dispatched' },
  signed: { ...base, ...signed, state: 'signed' },
  returned: {
    ...base, ...assigned, state: 'returned',
    pendingReturn: { departmentId: LEAD, reason: '非本单位职责', requestedAt: cst('2025-10-09T09:30:00').toISOString(), fromState: 'dispatched' },
  },
  handling: { ...base, ...signed, state: 'handling' },
  extension_requested: {
    ...base, ...signed, state: 'extension_requested',
    pendingExtension: { days: 3, reason: '需现场勘查', requestedAt: cst('2025-10-09T09:30:00').toISOString(), proposedReplyBy: eod('2025-10-14'), fromState: 'handling' },
  },
  replied: { ...base, ...signed, state: 'replied', repliedAt: cst('2025-10-09T09:40:00').toISOString() },
  reviewed: { ...base, ...signed, state: 'reviewed', repliedAt: cst('2025-10-09T09:40:00').toISOString() },
  return_visit: { ...base, ...signed, state: 'return_visit', returnVisit: { resolved: true, satisfied: false, at: cst('2025-10-09T09:50:00').toISOString() } },
  closed: { ...base, ...signed, state: 'closed', closedAt: cst('2025-10-09T09:55:00').toISOString() },
  reopened: { ...base, ...signed, state: 'reopened', returnVisit: { resolved: false, satisfied: false, at: cst('2025-10-09T09:50:00').toISOString() } },
  merged: { ...base, state: 'merged', parentId: 't-0' },
};

const redispatch = { leadDepartmentId: 'dept-roads', coDepartmentIds: [], signBy: eod('2025-10-10'), replyBy: eod('2025-10-20') };

/** A valid payload for every action. The outcome-changing variants are tested below. */
const PAYLOADS: Record<TicketActionType, TicketAction> = {
  resolveDirectly: { type: 'resolveDirectly', summary: '已告知社保卡补办流程' },
  dispatch: { type: 'dispatch', leadDepartmentId: LEAD, coDepartmentIds: ['dept-street'], signBy: eod('2025-10-10'), replyBy: eod('2025-10-20'), instructions: '请核实漏水点并答复来电人' },
  sign: { type: 'sign' },
  startHandling: { type: 'startHandling' },
  returnTicket: { type: 'returnTicket', reason: '非本单位职责' },
  approveReturn: { type: 'approveReturn' },
  rejectReturn: { type: 'rejectReturn', reason: '属于供水管网维修' },
  requestExtension: { type: 'requestExtension', days: 3, reason: '需现场勘查' },
  approveExtension: { type: 'approveExtension' },
  rejectExtension: { type: 'rejectExtension', reason: '理由不充分' },
  supervise: { type: 'supervise', note: '临期督办' },
  urge: { type: 'urge', note: '市民来电催办' },
  reply: { type: 'reply', content: '已修复漏水管道' },
  review: { type: 'review', approved: true },
  recordReturnVisit: { type: 'recordReturnVisit', resolved: true, satisfaction: 'satisfied' },
  close: { type: 'close', reason: '三次回访未接通' },
  reopen: { type: 'reopen', reason: '问题未解决', route: { kind: 'redispatch', ...redispatch } },
  merge: { type: 'merge', parent: { id: 't-0', state: 'dispatched' } },
  reassign: { type: 'reassign', reason: '属于供水管网维修', ...redispatch },
};

/**
 * The decision table: for every state, the actions allowed and where the payloads above lead.
 * Anything not listed must fail with invalid_transition. A Record over states, so adding a state
 * fails the type check and the key test below until its transitions are decided here.
 */
const EXPECTED: Record<TicketState, Partial<Record<TicketActionType, TicketState>>> = {
  registered: { resolveDirectly: 'resolved_directly', dispatch: 'dispatched', merge: 'merged' },
  resolved_directly: { recordReturnVisit: 'closed', reopen: 'dispatched' },
  dispatched: { sign: 'signed', returnTicket: 'returned', supervise: 'dispatched', urge: 'dispatched', merge: 'merged', reassign: 'dispatched' },
  signed: {
    startHandling: 'handling', returnTicket: 'returned', requestExtension: 'extension_requested',
    supervise: 'signed', urge: 'signed', reply: 'replied', reassign: 'dispatched',
  },
  returned: { approveReturn: 'registered', rejectReturn: 'dispatched', merge: 'merged' },
  handling: { requestExtension: 'extension_requested', supervise: 'handling', urge: 'handling', reply: 'replied', reassign: 'dispatched' },
  extension_requested: { approveExtension: 'handling', rejectExtension: 'handling', reply: 'replied' },
  replied: { review: 'reviewed' },
  reviewed: { recordReturnVisit: 'closed', close: 'closed' },
  return_visit: { close: 'closed', reopen: 'dispatched' },
  closed: { reopen: 'dispatched' },
  reopened: { reopen: 'dispatched', merge: 'merged' },
  merged: {},
};

/** Outcomes that depend on the payload, beyond the defaults above: [from, action, to]. */
const BRANCHES: [TicketState, TicketAction, TicketState][] = [
  ['returned', PAYLOADS.rejectReturn, 'dispatched'],
  ['replied', { type: 'review', approved: false, note: '答复未回应诉求' }, 'handling'],
  ['reviewed', { type: 'recordReturnVisit', resolved: false, satisfaction: 'unsatisfied', note: '漏水仍在' }, 'reopened'],
  ['reviewed', { type: 'recordReturnVisit', resolved: true, satisfaction: 'unsatisfied', note: '态度不好' }, 'return_visit'],
  ['reviewed', { type: 'recordReturnVisit', resolved: true, satisfaction: 'basically_satisfied' }, 'closed'],
  ['reviewed', { type: 'recordReturnVisit', resolved: false, satisfaction: 'satisfied', note: '仍需跟进' }, 'reopened'],
  ['resolved_directly', { type: 'recordReturnVisit', resolved: false, satisfaction: 'unsatisfied', note: '政策没讲清' }, 'reopened'],
  ['resolved_directly', { type: 'recordReturnVisit', resolved: true, satisfaction: 'unsatisfied', note: '等待太久' }, 'return_visit'],
  ['reopened', { type: 'reopen', reason: '原单位继续办理', route: { kind: 'same_department', replyBy: eod('2025-10-17') } }, 'handling'],
  ['closed', { type: 'reopen', reason: '市民再次来电', route: { kind: 'same_department', replyBy: eod('2025-10-17') } }, 'handling'],
  ['return_visit', { type: 'reopen', reason: '甄别为合理诉求', route: { kind: 'same_department', replyBy: eod('2025-10-17') } }, 'handling'],
];

/** Who may do each action; a separate decision from where it may be done. */
const EXPECTED_ROLES: Record<TicketActionType, UserRole[]> = {
  resolveDirectly: ['agent', 'cppcc_member', 'shift_lead'],
  dispatch: ['agent', 'cppcc_member', 'shift_lead'],
  sign: ['department'],
  startHandling: ['department'],
  returnTicket: ['department'],
  approveReturn: ['shift_lead'],
  rejectReturn: ['shift_lead'],
  requestExtension: ['department'],
  approveExtension: ['shift_lead'],
  rejectExtension: ['shift_lead'],
  supervise: ['shift_lead'],
  urge: ['agent', 'cppcc_member', 'shift_lead'],
  reply: ['department'],
  review: ['agent', 'shift_lead'],
  recordReturnVisit: ['agent', 'cppcc_member', 'shift_lead'],
  close: ['shift_lead'],
  reopen: ['shift_lead'],
  merge: ['agent', 'cppcc_member', 'shift_lead'],
  reassign: ['shift_lead'],
};

function apply(state: TicketState | TicketSnapshot, action: TicketAction, actor: TicketActor = actors.all, now = NOW): TicketResult {
  const snapshot = typeof state === 'string' ? FIXTURES[state] : state;
  return applyTicketAction(snapshot, action, actor, now, CAL);
}

function ok(result: TicketResult): Extract<TicketResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
for (const f of Object.values(FIXTURES)) deepFreeze(f);

describe('decision table', () => {
  it('covers exactly the declared states and actions', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...TICKET_STATES].sort());
    expect(Object.keys(FIXTURES).sort()).toEqual([...TICKET_STATES].sort());
    expect(Object.keys(PAYLOADS).sort()).toEqual([...TICKET_ACTION_TYPES].sort());
    expect(Object.keys(TICKET_ACTION_RULES).sort()).toEqual([...TICKET_ACTION_TYPES].sort());
    for (const s of TICKET_STATES) expect(FIXTURES[s].state).toBe(s);
  });

  const pairs = TICKET_STATES.flatMap((s) => TICKET_ACTION_TYPES.map((a) => [s, a] as const));
  it.each(pairs)('%s × %s', (state, action) => {
    const result = apply(state, PAYLOADS[action]);
    const expected = EXPECTED[state][action];
    if (expected === undefined) {
      expect(result).toEqual({ ok: false, error: { code: 'invalid_transition', action, state } });
    } else {
      const { next, event } = ok(result);
      expect(next.state).toBe(expected);
      expect(next.version).toBe(FIXTURES[state].version + 1);
      expect(event).toMatchObject({ ticketId: 't-1', action, fromState: state, toState: expected, version: next.version, at: NOW.toISOString(), actorId: 'u-all' });
    }
  });

  it.each(BRANCHES)('%s × %o → %s', (state, action, expected) => {
    expect(ok(apply(state, action)).next.state).toBe(expected);
  });

  it('reaches every state from registration, and a finished state from every state but merged', () => {
    const edges = new Map<TicketState, Set<TicketState>>(TICKET_STATES.map((s) => [s, new Set<TicketState>()]));
    for (const s of TICKET_STATES) for (const to of Object.values(EXPECTED[s])) edges.get(s)?.add(to);
    for (const [from, , to] of BRANCHES) edges.get(from)?.add(to);
    const reach = (from: TicketState) => {
      const seen = new Set<TicketState>([from]);
      const todo = [from];
      for (let s = todo.pop(); s !== undefined; s = todo.pop()) {
        for (const n of edges.get(s) ?? []) if (!seen.has(n)) { seen.add(n); todo.push(n); }
      }
      return seen;
    };
    expect([...reach('registered')].sort()).toEqual([...TICKET_STATES].sort());
    for (const s of TICKET_STATES) {
      if (s === 'merged') continue;
      const r = reach(s);
      expect(r.has('closed') || r.has('resolved_directly') || r.has('merged'), s).toBe(true);
    }
    expect(edges.get('merged')?.size).toBe(0);
  });
});

describe('permissions', () => {
  const firstStateFor = (a: TicketActionType) => TICKET_STATES.find((s) => EXPECTED[s][a] !== undefined) ?? 'registered';
  const cases = TICKET_ACTION_TYPES.flatMap((a) => USER_ROLES.map((r) => [a, r] as const));

  it.each(cases)('%s by %s', (action, role) => {
    const actor: TicketActor = { userId: `u-${role}`, roles: [role], departmentId: role === 'department' ? LEAD : null };
    const result = apply(firstStateFor(action), PAYLOADS[action], actor);
    if (EXPECTED_ROLES[action].includes(role)) expect(result.ok).toBe(true);
    else expect(result).toEqual({ ok: false, error: { code: 'forbidden', action, requiredRoles: TICKET_ACTION_RULES[action].roles } });
  });

  it('lets only the lead department act for a department', () => {
    expect(apply('dispatched', PAYLOADS.sign, actors.otherDept)).toEqual({ ok: false, error: { code: 'wrong_department', action: 'sign' } });
    expect(apply('signed', PAYLOADS.reply, { userId: 'u-x', roles: ['department'] })).toEqual({ ok: false, error: { code: 'wrong_department', action: 'reply' } });
    // A co-department is informed, but does not move the ticket.
    expect(apply('signed', PAYLOADS.reply, { userId: 'u-co', roles: ['department'], departmentId: 'dept-street' }).ok).toBe(false);
    expect(ok(apply('dispatched', PAYLOADS.sign, actors.dept)).event.actorDepartmentId).toBe(LEAD);
  });

  it('says "forbidden" before saying anything about the ticket', () => {
    expect(apply('closed', PAYLOADS.dispatch, actors.dept)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('gives a user the sum of their roles', () => {
    const both: TicketActor = { userId: 'u-both', roles: ['admin', 'shift_lead'] };
    expect(apply('returned', PAYLOADS.approveReturn, both).ok).toBe(true);
  });

  it('lists the actions an actor can take now, for the buttons', () => {
    const view = (s: TicketState, a: TicketActor) => allowedTicketActions(FIXTURES[s], a, NOW, CAL);
    expect(view('signed', actors.dept)).toEqual(['startHandling', 'returnTicket', 'requestExtension', 'reply']);
    expect(view('dispatched', actors.lead)).toEqual(['supervise', 'urge', 'merge', 'reassign']);
    expect(view('dispatched', actors.otherDept)).toEqual([]);
    expect(view('handling', actors.liaison)).toEqual([]);
    expect(view('closed', actors.admin)).toEqual([]);
  });
});

describe('registerTicket', () => {
  it('starts a ticket at version 1 with a register event', () => {
    const { next, event } = ok(registerTicket('t-9', actors.agent, NOW));
    expect(next).toEqual({ ...base, id: 't-9', version: 1 });
    expect(event).toEqual({
      ticketId: 't-9', version: 1, at: NOW.toISOString(), actorId: 'u-agent', actorDepartmentId: null,
      action: 'register', fromState: null, toState: 'registered', data: {},
    });
  });

  it('is for intake roles only', () => {
    expect(registerTicket('t-9', actors.dept, NOW)).toMatchObject({ ok: false, error: { code: 'forbidden', action: 'register' } });
  });
});

describe('dispatch', () => {
  it('records departments and deadlines, normalised to UTC ISO strings', () => {
    const { next, event } = ok(apply('registered', {
      type: 'dispatch', leadDepartmentId: LEAD, coDepartmentIds: ['dept-street'], signBy: '2025-10-10T23:59:59+08:00', replyBy: '2025-10-20T23:59:59+08:00',
      instructions: '  请核实漏水点并答复来电人 ',
    }));
    expect(next).toMatchObject({ leadDepartmentId: LEAD, coDepartmentIds: ['dept-street'], signBy: eod('2025-10-10'), replyBy: eod('2025-10-20') });
    expect(event.data).toEqual({ leadDepartmentId: LEAD, coDepartmentIds: ['dept-street'], signBy: eod('2025-10-10'), replyBy: eod('2025-10-20'), instructions: '请核实漏水点并答复来电人' });
  });

  it('needs dispatch instructions (派单意见): a department must be told what is asked of it', () => {
    expect(apply('registered', { ...PAYLOADS.dispatch, instructions: '   ' } as TicketAction)).toEqual({ ok: false, error: { code: 'content_required', field: 'instructions' } });
  });

  it.each<[string, Partial<Extract<TicketAction, { type: 'dispatch' }>>, object]>([
    ['no lead department', { leadDepartmentId: '  ' }, { code: 'invalid_departments', problem: 'lead_missing' }],
    ['lead also a co-department', { coDepartmentIds: [LEAD] }, { code: 'invalid_departments', problem: 'lead_is_co_department' }],
    ['a co-department twice', { coDepartmentIds: ['a', 'a'] }, { code: 'invalid_departments', problem: 'duplicate_co_department' }],
    ['a date without time and offset', { replyBy: '2025-10-20' }, { code: 'invalid_deadline', field: 'replyBy', problem: 'malformed' }],
    ['a local time without offset', { signBy: '2025-10-10T23:59:59' }, { code: 'invalid_deadline', field: 'signBy', problem: 'malformed' }],
    ['a deadline in the past', { signBy: eod('2025-10-08') }, { code: 'invalid_deadline', field: 'signBy', problem: 'in_past' }],
    ['sign after reply', { signBy: eod('2025-10-21') }, { code: 'invalid_deadline', field: 'signBy', problem: 'sign_after_reply' }],
  ])('refuses %s', (_what, change, error) => {
    const action = { ...PAYLOADS.dispatch, ...change } as TicketAction;
    expect(apply('registered', action)).toEqual({ ok: false, error });
  });
});

describe('signing', () => {
  it('flags a late signature but accepts it: the ticket still has to be handled', () => {
    expect(ok(apply('dispatched', PAYLOADS.sign, actors.dept)).event.data).toEqual({ late: false });
    const late = ok(apply('dispatched', PAYLOADS.sign, actors.dept, cst('2025-10-10T08:00:00')));
    expect(late.event.data).toEqual({ late: true });
    expect(late.next.signedAt).toBe(cst('2025-10-10T08:00:00').toISOString());
  });
});

describe('returns (退单)', () => {
  it('needs a reason', () => {
    expect(apply('dispatched', { type: 'returnTicket', reason: '  ' }, actors.dept)).toEqual({ ok: false, error: { code: 'reason_required', field: 'reason' } });
  });

  it('records the pending return and where it came from', () => {
    const { next } = ok(apply('signed', PAYLOADS.returnTicket, actors.dept));
    expect(next.pendingReturn).toEqual({ departmentId: LEAD, reason: '非本单位职责', requestedAt: NOW.toISOString(), fromState: 'signed' });
  });

  it('on approval goes back to intake with no department or deadlines, for redispatch', () => {
    const { next } = ok(apply('returned', PAYLOADS.approveReturn, actors.lead));
    expect(next).toMatchObject({
      state: 'registered', leadDepartmentId: null, coDepartmentIds: [], signBy: null, replyBy: null, signedAt: null, pendingReturn: null,
    });
    expect(next.counters.returns).toBe(1);
    expect(ok(apply(next, PAYLOADS.dispatch)).next.state).toBe('dispatched');
  });

  it('on rejection goes back where it was, optionally with new deadlines', () => {
    const fromSigned = ok(apply('signed', PAYLOADS.returnTicket, actors.dept)).next;
    const back = ok(apply(fromSigned, { type: 'rejectReturn', reason: '属于本单位职责', replyBy: eod('2025-10-14') }, actors.lead));
    expect(back.next).toMatchObject({ state: 'signed', signBy: assigned.signBy, replyBy: eod('2025-10-14'), pendingReturn: null });
    expect(back.event.data).toEqual({ reason: '属于本单位职责', signBy: null, replyBy: eod('2025-10-14') });
    expect(apply('returned', { type: 'rejectReturn', reason: 'x', signBy: eod('2025-10-13') }, actors.lead))
      .toEqual({ ok: false, error: { code: 'invalid_deadline', field: 'signBy', problem: 'sign_after_reply' } });
    expect(apply('returned', { type: 'rejectReturn', reason: '' }, actors.lead)).toMatchObject({ ok: false, error: { code: 'reason_required' } });
  });
});

describe('extensions (延期)', () => {
  it('must be asked for before the reply deadline', () => {
    const atDeadline = new Date(assigned.replyBy);
    expect(apply('handling', PAYLOADS.requestExtension, actors.dept, atDeadline).ok).toBe(true);
    expect(apply('handling', PAYLOADS.requestExtension, actors.dept, new Date(atDeadline.getTime() + 1000)))
      .toEqual({ ok: false, error: { code: 'deadline_passed', deadline: assigned.replyBy } });
  });

  it.each([0, -1, 2.5, 16])('refuses %s days', (days) => {
    expect(apply('handling', { type: 'requestExtension', days, reason: '需现场勘查' }, actors.dept))
      .toEqual({ ok: false, error: { code: 'invalid_days', value: days, max: 15 } });
  });

  it('needs a reason', () => {
    expect(apply('signed', { type: 'requestExtension', days: 2, reason: '' }, actors.dept)).toMatchObject({ ok: false, error: { code: 'reason_required' } });
  });

  it('counts the new deadline in working days from the current one, over holidays', () => {
    const beforeHoliday = { ...FIXTURES.handling, replyBy: eod('2025-09-30') };
    const { next } = ok(apply(beforeHoliday, PAYLOADS.requestExtension, actors.dept, cst('2025-09-30T15:00:00')));
    expect(next.pendingExtension).toMatchObject({ days: 3, proposedReplyBy: eod('2025-10-11'), fromState: 'handling' });
  });

  it('on approval moves the deadline; on rejection keeps it', () => {
    // Oct 10 + 3 working days: Saturday Oct 11 (make-up day), Oct 13, Oct 14.
    const requested = ok(apply('signed', PAYLOADS.requestExtension, actors.dept)).next;
    const approved = ok(apply(requested, PAYLOADS.approveExtension, actors.lead));
    expect(approved.next).toMatchObject({ state: 'signed', replyBy: eod('2025-10-14'), pendingExtension: null });
    expect(approved.next.counters.extensions).toBe(1);
    expect(approved.event.data).toEqual({ note: null, previousReplyBy: assigned.replyBy, replyBy: eod('2025-10-14') });

    const rejected = ok(apply(requested, PAYLOADS.rejectExtension, actors.lead));
    expect(rejected.next).toMatchObject({ state: 'signed', replyBy: assigned.replyBy, pendingExtension: null });
    expect(apply(requested, { type: 'rejectExtension', reason: ' ' }, actors.lead)).toMatchObject({ ok: false, error: { code: 'reason_required' } });
  });

  it('may be overtaken by a reply, which drops the request', () => {
    expect(ok(apply('extension_requested', PAYLOADS.reply, actors.dept)).next.pendingExtension).toBeNull();
  });
});

describe('supervision (督办) and urging (催办)', () => {
  const farAway = { ...FIXTURES.handling, replyBy: eod('2025-10-28') };

  it('is refused while the deadline is more than a working day away', () => {
    expect(apply(farAway, PAYLOADS.supervise, actors.lead)).toEqual({ ok: false, error: { code: 'not_due', deadline: eod('2025-10-28') } });
    expect(apply(farAway, PAYLOADS.urge, actors.agent)).toMatchObject({ ok: false, error: { code: 'not_due' } });
  });

  it('is allowed when due soon or overdue, and counted', () => {
    const soon = ok(apply('handling', PAYLOADS.supervise, actors.lead));
    expect(soon.event.data).toEqual({ note: '临期督办', deadline: assigned.replyBy, overdue: false });
    expect(soon.next.counters.supervisions).toBe(1);
    const late = ok(apply(farAway, PAYLOADS.urge, actors.agent, cst('2025-10-29T09:00:00')));
    expect(late.event.data).toMatchObject({ overdue: true });
    expect(late.next.counters.urges).toBe(1);
    expect(late.next.state).toBe('handling');
  });

  it('watches the sign deadline before signing', () => {
    const unsignedFar = { ...FIXTURES.dispatched, signBy: eod('2025-10-20'), replyBy: eod('2025-10-28') };
    expect(apply(unsignedFar, PAYLOADS.supervise, actors.lead)).toMatchObject({ ok: false, error: { code: 'not_due', deadline: eod('2025-10-20') } });
  });

  it('needs a note', () => {
    expect(apply('handling', { type: 'supervise', note: '' }, actors.lead)).toEqual({ ok: false, error: { code: 'reason_required', field: 'note' } });
  });
});

describe('reply and review', () => {
  it('flags a late reply', () => {
    expect(ok(apply('handling', PAYLOADS.reply, actors.dept)).event.data).toEqual({ content: '已修复漏水管道', late: false });
    expect(ok(apply('handling', PAYLOADS.reply, actors.dept, cst('2025-10-11T09:00:00'))).event.data).toMatchObject({ late: true });
    expect(apply('handling', { type: 'reply', content: '\n' }, actors.dept)).toEqual({ ok: false, error: { code: 'content_required', field: 'content' } });
  });

  it('sends a rejected reply back to the department with a reason', () => {
    expect(apply('replied', { type: 'review', approved: false }, actors.agent)).toEqual({ ok: false, error: { code: 'reason_required', field: 'note' } });
    const back = ok(apply('replied', { type: 'review', approved: false, note: '未答复核心诉求' }, actors.agent));
    expect(back.next).toMatchObject({ state: 'handling', repliedAt: null, replyBy: assigned.replyBy });
  });
});

describe('return visit (回访) and closing', () => {
  it('records the answer and closes when resolved and satisfied', () => {
    const { next, event } = ok(apply('reviewed', PAYLOADS.recordReturnVisit, actors.agent));
    expect(next).toMatchObject({ state: 'closed', closedAt: NOW.toISOString(), returnVisit: { resolved: true, satisfied: true, satisfaction: 'satisfied', at: NOW.toISOString() } });
    expect(event.data).toEqual({ resolved: true, satisfied: true, satisfaction: 'satisfied', note: null });
  });

  it('counts 基本满意 as satisfied (满意率) but keeps the answer itself', () => {
    const { event } = ok(apply('reviewed', { type: 'recordReturnVisit', resolved: true, satisfaction: 'basically_satisfied' }, actors.agent));
    expect(event.data).toEqual({ resolved: true, satisfied: true, satisfaction: 'basically_satisfied', note: null });
  });

  it.each([
    ['not satisfied', { resolved: true, satisfaction: 'unsatisfied' }],
    ['not resolved', { resolved: false, satisfaction: 'satisfied' }],
  ] as const)('needs a reason when the citizen is %s', (_what, answer) => {
    expect(apply('reviewed', { type: 'recordReturnVisit', ...answer, note: ' ' }, actors.agent)).toEqual({ ok: false, error: { code: 'reason_required', field: 'note' } });
  });

  it('refuses a visit without one of the three answers', () => {
    const bad = { type: 'recordReturnVisit', resolved: true, satisfaction: 'yes' } as unknown as TicketAction;
    expect(apply('reviewed', bad, actors.agent)).toEqual({ ok: false, error: { code: 'invalid_satisfaction' } });
  });

  it('lets a shift lead screen an unsatisfied-but-resolved visit: close with a reason, or reopen', () => {
    expect(apply('return_visit', { type: 'close', reason: '' }, actors.lead)).toMatchObject({ ok: false, error: { code: 'reason_required' } });
    expect(ok(apply('return_visit', { type: 'close', reason: '不满意原因为政策限制' }, actors.lead)).next.closedAt).toBe(NOW.toISOString());
  });
});

describe('reopen (重办)', () => {
  it('sends the ticket back to its department with a new reply deadline', () => {
    const { next, event } = ok(apply('closed', { type: 'reopen', reason: '市民再次来电', route: { kind: 'same_department', replyBy: eod('2025-10-17') } }, actors.lead));
    expect(next).toMatchObject({ state: 'handling', leadDepartmentId: LEAD, replyBy: eod('2025-10-17'), closedAt: null });
    expect(next.counters.reopens).toBe(1);
    expect(event.data).toEqual({ reason: '市民再次来电', route: { kind: 'same_department', replyBy: eod('2025-10-17') } });
  });

  it('or redispatches it elsewhere, to be signed again', () => {
    const { next } = ok(apply('reopened', PAYLOADS.reopen, actors.lead));
    expect(next).toMatchObject({ state: 'dispatched', leadDepartmentId: 'dept-roads', signedAt: null, signBy: redispatch.signBy });
  });

  it('cannot go back to a department a direct resolution never had', () => {
    expect(apply('resolved_directly', { type: 'reopen', reason: '未解决', route: { kind: 'same_department', replyBy: eod('2025-10-17') } }, actors.lead))
      .toEqual({ ok: false, error: { code: 'no_department' } });
  });

  it('refuses a deadline in the past and needs a reason', () => {
    expect(apply('closed', { type: 'reopen', reason: '未解决', route: { kind: 'same_department', replyBy: eod('2025-10-08') } }, actors.lead))
      .toEqual({ ok: false, error: { code: 'invalid_deadline', field: 'replyBy', problem: 'in_past' } });
    expect(apply('closed', { ...PAYLOADS.reopen, reason: '' } as TicketAction, actors.lead)).toMatchObject({ ok: false, error: { code: 'reason_required' } });
  });
});

describe('reassign (改派)', () => {
  it('takes the ticket off its department and sends it to another, to be signed again, saying from where and why', () => {
    const { next, event } = ok(apply('handling', PAYLOADS.reassign, actors.lead));
    expect(next).toMatchObject({ state: 'dispatched', leadDepartmentId: 'dept-roads', signedAt: null, signBy: redispatch.signBy, replyBy: redispatch.replyBy });
    expect(event).toMatchObject({ action: 'reassign', fromState: 'handling', toState: 'dispatched' });
    expect(event.data).toEqual({ ...redispatch, reason: '属于供水管网维修', fromDepartmentId: LEAD });
  });

  it('is for shift leads only, and not while a return or an extension waits for their answer', () => {
    expect(apply('signed', PAYLOADS.reassign, actors.agent)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(apply('signed', PAYLOADS.reassign, actors.dept)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(apply('extension_requested', PAYLOADS.reassign, actors.lead)).toMatchObject({ ok: false, error: { code: 'invalid_transition' } });
    expect(apply('returned', PAYLOADS.reassign, actors.lead)).toMatchObject({ ok: false, error: { code: 'invalid_transition' } });
  });

  it('needs a reason and another department', () => {
    expect(apply('signed', { ...PAYLOADS.reassign, reason: ' ' } as TicketAction, actors.lead)).toMatchObject({ ok: false, error: { code: 'reason_required' } });
    expect(apply('signed', { ...PAYLOADS.reassign, leadDepartmentId: LEAD } as TicketAction, actors.lead)).toEqual({ ok: false, error: { code: 'same_department' } });
  });
});

describe('merge (并单)', () => {
  it('folds a duplicate under its parent', () => {
    const { next, event } = ok(apply('dispatched', PAYLOADS.merge, actors.agent));
    expect(next).toMatchObject({ state: 'merged', parentId: 't-0' });
    expect(event.data).toEqual({ parentId: 't-0' });
  });

  it.each<[string, TicketState, string]>([
    ['itself', 'dispatched', 'self'],
    ['a merged ticket', 'merged', 'parent_merged'],
    ['a closed ticket', 'closed', 'parent_finished'],
    ['a directly resolved ticket', 'resolved_directly', 'parent_finished'],
  ])('refuses %s as parent', (_what, parentState, problem) => {
    const parentId = problem === 'self' ? 't-1' : 't-0';
    expect(apply('registered', { type: 'merge', parent: { id: parentId, state: parentState } }, actors.agent))
      .toEqual({ ok: false, error: { code: 'invalid_merge_parent', problem } });
  });
});

describe('purity and plain data', () => {
  it('leaves its inputs alone (they are frozen) and returns JSON-safe events', () => {
    for (const state of TICKET_STATES) {
      for (const action of TICKET_ACTION_TYPES) {
        const result = apply(state, PAYLOADS[action]);
        if (result.ok) {
          expect(JSON.parse(JSON.stringify(result.event))).toEqual(result.event);
          expect(JSON.parse(JSON.stringify(result.next))).toEqual(result.next);
        }
      }
    }
  });

  it('gives the same answer for the same inputs', () => {
    expect(apply('handling', PAYLOADS.reply, actors.dept)).toEqual(apply('handling', PAYLOADS.reply, actors.dept));
  });

  it('walks a whole ticket life, one event per step, versions in sequence', () => {
    const steps: [TicketAction, TicketActor][] = [
      [PAYLOADS.dispatch, actors.agent],
      [PAYLOADS.sign, actors.dept],
      [PAYLOADS.startHandling, actors.dept],
      [PAYLOADS.requestExtension, actors.dept],
      [PAYLOADS.approveExtension, actors.lead],
      [PAYLOADS.reply, actors.dept],
      [PAYLOADS.review, actors.agent],
      [{ type: 'recordReturnVisit', resolved: false, satisfaction: 'unsatisfied', note: '未解决' }, actors.agent],
      [{ type: 'reopen', reason: '未解决', route: { kind: 'same_department', replyBy: eod('2025-10-24') } }, actors.lead],
      [PAYLOADS.reply, actors.dept],
      [PAYLOADS.review, actors.lead],
      [PAYLOADS.recordReturnVisit, actors.cppcc],
    ];
    let s = ok(registerTicket('t-1', actors.agent, cst('2025-10-09T08:00:00'))).next;
    const events = [];
    for (const [action, actor] of steps) {
      const r = ok(applyTicketAction(s, action, actor, NOW, CAL));
      events.push(r.event);
      s = r.next;
    }
    expect(s.state).toBe('closed');
    expect(events.map((e) => e.version)).toEqual(steps.map((_, i) => i + 2));
    expect(events.map((e) => e.toState)).toEqual([
      'dispatched', 'signed', 'handling', 'extension_requested', 'handling', 'replied', 'reviewed', 'reopened', 'handling', 'replied', 'reviewed', 'closed',
    ]);
    expect(s.counters).toEqual({ returns: 0, extensions: 1, supervisions: 0, urges: 0, reopens: 1 });
  });
});

describe('sign deadline status on the department desk', () => {
  it('is due soon only in its last four hours, and overdue after', () => {
    const signBy = '2025-10-10T15:59:59.000Z';
    const at = (h: number) => new Date(Date.parse(signBy) - h * 3_600_000);
    expect(signDeadlineStatus(signBy, at(20))).toBe('ok');
    expect(signDeadlineStatus(signBy, at(4))).toBe('due_soon');
    expect(signDeadlineStatus(signBy, at(0.5))).toBe('due_soon');
    expect(signDeadlineStatus(signBy, at(-0.1))).toBe('overdue');
  });
});

describe('the events the rules produce, as the store keeps them', () => {
  it('read back through the event map as the same facts, for every action from every state that allows it', () => {
    const produced = [ok(registerTicket('t-2', actors.agent, NOW)).event];
    for (const state of TICKET_STATES) {
      for (const type of TICKET_ACTION_TYPES) {
        const r = applyTicketAction(FIXTURES[state], PAYLOADS[type], actors.all, NOW, CAL);
        if (r.ok) produced.push(r.event);
      }
    }
    // Every lifecycle action is among them, so the map is checked against all of its shapes.
    expect(new Set(produced.map((e) => e.action))).toEqual(new Set(['register', ...TICKET_ACTION_TYPES]));
    for (const e of produced) {
      expect(readTicketEvent({ action: e.action, data: JSON.stringify(e.data) })).toEqual({ action: e.action, data: e.data });
    }
  });
});

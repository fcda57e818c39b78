/**
 * Ticket history through its one writer, on both stores: every action of the domain's event map is
 * appended (one at a time and in bulk) and reads back as the same facts; rows written by earlier
 * versions in older shapes still read; a row the map cannot vouch for reads as "no facts".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateReferenceData, generateTickets } from '../../electron/demo';
import { appendTicketEvent, appendTicketEvents, countTicketEvents } from '../../electron/store/repos/ticket-events';
import {
  readTicketEvent, TICKET_HISTORY_ACTIONS, type TicketHistoryAction, type TicketHistoryDataMap, type TicketHistoryEvent, type TicketHistoryEventOf,
} from '../../shared/domain/ticket-events';
import { openTestStore, STORE_KINDS, type StoreKind, type TestStore } from './stores';
import { writeReference, writeTickets } from './seed';

const target = { leadDepartmentId: 'd1', coDepartmentIds: ['d2', 'd3'], signBy: '2026-11-29T15:59:59.000Z', replyBy: '2026-12-10T15:59:59.000Z' };

/** One payload per action; a missing action or a wrong shape is a type error. */
const SAMPLES: { [A in TicketHistoryAction]: TicketHistoryDataMap[A] } = {
  register: { repeatOf: 't0', repeatOfNumber: 'JC2026112800001' },
  resolveDirectly: { summary: '已告知办理流程' },
  dispatch: { ...target, instructions: '请核实并答复来电人' },
  sign: { late: false },
  startHandling: {},
  returnTicket: { reason: '不属于本单位职责' },
  approveReturn: { note: null },
  rejectReturn: { reason: '属于本单位职责', signBy: null, replyBy: '2026-12-12T15:59:59.000Z' },
  requestExtension: { days: 5, reason: '需协调多个部门', proposedReplyBy: '2026-12-17T15:59:59.000Z' },
  approveExtension: { note: '同意', previousReplyBy: '2026-12-10T15:59:59.000Z', replyBy: '2026-12-17T15:59:59.000Z' },
  rejectExtension: { reason: '期限充足' },
  supervise: { note: '请尽快办理', deadline: '2026-12-10T15:59:59.000Z', overdue: true },
  urge: { note: '来电人再次来电', deadline: '2026-12-10T15:59:59.000Z', overdue: false },
  reply: { content: '已协调施工方停止夜间施工', late: true },
  review: { approved: false, note: '答复未说明整改时限' },
  recordReturnVisit: { resolved: true, satisfied: true, satisfaction: 'basically_satisfied', note: null },
  close: { reason: '经甄别，不满意理由不成立' },
  reopen: { reason: '回访未解决', route: { kind: 'redispatch', ...target } },
  merge: { parentId: 't9' },
  reassign: { ...target, reason: '属于道路管理部门职责', fromDepartmentId: 'd4' },
  imported: { batch: 'b1' },
  escalate: { reason: '涉及多个部门，需政协协商', item: 'ZX2026112800001', route: 'both' },
  classCaseAttach: { classCase: 'LA20260001', auto: true },
  classCaseReply: { classCase: 'LA20260001', content: '全区路灯已于本月底前完成检修' },
};

function entry<A extends TicketHistoryAction>(ticketId: string, action: A, at: string): TicketHistoryEventOf<A> {
  return { ticketId, at, actorId: null, action, fromState: null, toState: null, data: SAMPLES[action] };
}
const entries = (ticketId: string, at: string): TicketHistoryEvent[] =>
  TICKET_HISTORY_ACTIONS.map((a) => entry(ticketId, a, at) as TicketHistoryEvent);

// The writer's typing: a data payload of another action does not compile.
export function wrongPairsDoNotCompile(db: Parameters<typeof appendTicketEvent>[0]) {
  const base = { ticketId: 't', at: '2026-11-28T02:00:00.000Z', actorId: null, fromState: null, toState: null } as const;
  // @ts-expect-error sign records whether it was late, not a reason
  void appendTicketEvent(db, { ...base, action: 'sign', data: { reason: 'x' } });
  // @ts-expect-error an action the domain does not know
  void appendTicketEvent(db, { ...base, action: 'escalated', data: {} });
  // @ts-expect-error the route of an escalation is one of the consultation routes
  void appendTicketEvent(db, { ...base, action: 'escalate', data: { reason: 'r', item: 'i', route: 'elsewhere' } });
  // KPIs count by the map's names and by the boolean facts of that action only.
  // @ts-expect-error a sign has no `resolved` fact
  void countTicketEvents(db, 'sqlite', 'sign', '', '', { flag: 'resolved', value: true });
  // @ts-expect-error a return visit's note is text, not a flag
  void countTicketEvents(db, 'sqlite', 'recordReturnVisit', '', '', { flag: 'note', value: true });
  // @ts-expect-error `registered` is a state, not an action
  void countTicketEvents(db, 'sqlite', 'registered', '', '');
}

describe('the event map', () => {
  it('lists every action the samples cover, and nothing else', () => {
    expect([...TICKET_HISTORY_ACTIONS].sort()).toEqual(Object.keys(SAMPLES).sort());
  });
});

describe.each(STORE_KINDS)('ticket history on the %s store', (kind: StoreKind) => {
  let t: TestStore;
  let ticketId: string;

  beforeAll(async () => {
    t = await openTestStore(kind);
    const ref = generateReferenceData(7);
    await writeReference(t.store.db, ref);
    await writeTickets(t.store.db, generateTickets({ seed: 7, count: 1, referenceDate: '2026-11-28T02:00:00.000Z', reference: ref }));
    ticketId = (await t.store.db.selectFrom('tickets').select('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => { await t?.dispose(); });

  const readBack = async (at: string) => {
    const rows = await t.store.db.selectFrom('ticket_events').select(['action', 'data', 'ticket_id', 'from_status', 'to_status'])
      .where('ticket_id', '=', ticketId).where('at', '=', at).orderBy('id').execute();
    return rows;
  };

  it('writes every action one at a time and reads each back as the same facts', async () => {
    const at = '2030-01-01T00:00:00.000Z';
    await t.store.db.transaction().execute(async (trx) => {
      for (const e of entries(ticketId, at)) await appendTicketEvent(trx, e);
    });
    const rows = await readBack(at);
    expect(rows.map((r) => r.action).sort()).toEqual([...TICKET_HISTORY_ACTIONS].sort());
    for (const r of rows) expect(readTicketEvent(r)).toEqual({ action: r.action, data: SAMPLES[r.action as TicketHistoryAction] });
  });

  it('counts entries by action and boolean fact, as the KPIs do', async () => {
    const [from, to] = ['2030-01-01T00:00:00.000Z', '2030-01-01T00:00:01.000Z'];
    const db = t.store.db;
    expect(await countTicketEvents(db, kind, 'imported', from, to)).toBe(1);
    expect(await countTicketEvents(db, kind, 'sign', from, to, { flag: 'late', value: false })).toBe(1);
    expect(await countTicketEvents(db, kind, 'reply', from, to, { flag: 'late', value: false })).toBe(0);
    expect(await countTicketEvents(db, kind, 'reply', from, to, { flag: 'late', value: true })).toBe(1);
    expect(await countTicketEvents(db, kind, 'recordReturnVisit', from, to, { flag: 'satisfied', value: true })).toBe(1);
    expect(await countTicketEvents(db, kind, 'review', from, to, { flag: 'approved', value: true })).toBe(0);
  });

  it('writes every action in bulk, keeping given ids, and reads each back', async () => {
    const at = '2030-01-02T00:00:00.000Z';
    const many = Array.from({ length: 30 }, () => entries(ticketId, at)).flat()
      .map((e, i) => ({ ...e, id: `bulk-${String(i).padStart(4, '0')}` }));
    await appendTicketEvents(t.store.db, many);
    const rows = await t.store.db.selectFrom('ticket_events').select(['id', 'action', 'data']).where('at', '=', at).orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual(many.map((e) => e.id));
    expect(rows.map((r) => readTicketEvent(r))).toEqual(many.map((e) => ({ action: e.action, data: e.data })));
  });

  it('reads rows in the shapes earlier versions wrote, and gives no facts for rows it cannot vouch for', async () => {
    const at = '2030-01-03T00:00:00.000Z';
    const old = [
      { action: 'register', data: '{}' },
      { action: 'dispatch', data: JSON.stringify(target) }, // before 派单意见
      { action: 'recordReturnVisit', data: JSON.stringify({ resolved: false, satisfied: false, note: '仍有噪音' }) }, // before the three answers
      { action: 'sign', data: 'not json' },
      { action: 'reply', data: JSON.stringify({ content: 42 }) },
      { action: 'handover', data: '{}' },
    ];
    await t.store.db.insertInto('ticket_events').values(old.map((o, i) => ({
      id: `old-${i}`, ticket_id: ticketId, at, actor_id: null, action: o.action, from_status: null, to_status: null, data: o.data,
    }))).execute();
    const rows = await t.store.db.selectFrom('ticket_events').select(['action', 'data']).where('at', '=', at).orderBy('id').execute();
    expect(rows.map((r) => readTicketEvent(r))).toEqual([
      { action: 'register', data: {} },
      { action: 'dispatch', data: target },
      { action: 'recordReturnVisit', data: { resolved: false, satisfied: false, note: '仍有噪音' } },
      null, null, null,
    ]);
  });
});

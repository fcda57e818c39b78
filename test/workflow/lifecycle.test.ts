/**
 * A ticket's closed loop through the contract, as the people involved do it: an agent registers
 * and dispatches, the department signs and replies, the agent reviews and visits back. The clock
 * is set just before the 2025 National Day holiday, so the deadlines must skip it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result, TicketDetail } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { chinaDayNumber, keyOfDayNumber, startOfChinaDay } from '../../shared/domain/china-time';

const conn = (): Connection => ({ id: `c-${Math.random()}`, session: null, send: () => {} });
let clock = new Date('2025-09-30T02:00:00Z'); // 10:00 Beijing, Tuesday before 国庆
let t: TestApp;
const people: Record<string, Connection> = {};

async function as<T>(who: string, name: string, input: unknown): Promise<T> {
  const r = (await t.app.dispatcher.dispatch(people[who]!, name, input)) as Result<T>;
  if (!r.ok) throw Object.assign(new Error(`${who} ${name}: ${JSON.stringify(r.error)}`), { error: r.error });
  return r.value;
}
async function fails(who: string, name: string, input: unknown) {
  const r = (await t.app.dispatcher.dispatch(people[who]!, name, input)) as Result<unknown>;
  if (r.ok) throw new Error(`${name} should have failed`);
  return r.error;
}

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 100, now: () => clock });
  for (const u of ['agent01', 'dept01', 'lead01', 'admin']) {
    people[u] = conn();
    t.app.dispatcher.attach(people[u]!);
    await as(u, 'session.login', { username: u, password: 'Demo-12345' });
  }
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('ticket lifecycle through the contract', () => {
  let ticket: TicketDetail;
  let deptId: string;

  it('registers a complaint and dispatches it with deadlines that skip the National Day holiday', async () => {
    const ref = await as<{ categories: { id: string; parentId: string | null }[] }>('agent01', 'reference.get', {});
    const parents = new Set(ref.categories.map((c) => c.parentId));
    const leaf = ref.categories.find((c) => !parents.has(c.id))!;
    const created = await as<{ id: string }>('agent01', 'tickets.create', {
      channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId: leaf.id, urgency: 'normal',
      title: '小区门口夜间施工噪音', content: '来电人反映小区门口工地每晚十一点后仍在施工，噪音很大，影响休息。',
    });
    deptId = people.dept01!.session!.user.departmentId!;
    ticket = await as<TicketDetail>('agent01', 'tickets.get', { id: created.id });
    expect(ticket.status).toBe('registered');
    expect(ticket.allowedActions).toEqual(expect.arrayContaining(['dispatch', 'resolveDirectly']));
    ticket = await as<TicketDetail>('agent01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: { type: 'dispatch', leadDepartmentId: deptId, coDepartmentIds: [], instructions: '请核实并答复来电人' } });
    expect(ticket.status).toBe('dispatched');
    // Sign within 1 working day: Sep 30 + 1 → Oct 9 (Oct 1–8 off), end of day Beijing time.
    expect(ticket.signBy).toBe('2025-10-09T15:59:59.000Z');
    // Reply within 15 working days: Oct 9, 10, 11 (make-up Saturday), 13–17, 20–24, 27, 28 → Oct 28.
    expect(ticket.replyBy).toBe('2025-10-28T15:59:59.000Z');
  });

  it('shows up on the department desk; another department cannot touch it', async () => {
    const rows = await as<{ id: string; deadline: string }[]>('dept01', 'tickets.work', { view: 'department', limit: 100 });
    expect(rows.map((r) => r.id)).toContain(ticket.id);
    const asAgent = await fails('agent01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: { type: 'sign' } });
    expect(asAgent.code).toBe('forbidden');
  });

  it('refuses a stale screen: an action against an old version changes nothing', async () => {
    const e = await fails('dept01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version - 1, action: { type: 'sign' } });
    expect(e).toMatchObject({ code: 'conflict', details: { reason: 'ticket_stale' } });
  });

  it('the department signs, works and replies; the agent reviews and visits back; the ticket closes', async () => {
    clock = new Date('2025-10-09T01:00:00Z');
    ticket = await as<TicketDetail>('dept01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: { type: 'sign' } });
    expect(ticket.status).toBe('signed');
    ticket = await as<TicketDetail>('dept01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: { type: 'startHandling' } });
    const emptyReply = await fails('dept01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: { type: 'reply', content: '   ' } });
    expect(emptyReply.code).toBe('invalid_input');
    clock = new Date('2025-10-20T06:00:00Z');
    ticket = await as<TicketDetail>('dept01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: { type: 'reply', content: '经核查，已责令施工单位夜间22点后停止施工，并安排执法人员夜间巡查。' } });
    expect(ticket.status).toBe('replied');
    ticket = await as<TicketDetail>('agent01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: { type: 'review', approved: true } });
    expect(ticket.status).toBe('reviewed');
    const visits = await as<{ id: string }[]>('agent01', 'tickets.work', { view: 'return_visits', limit: 500 });
    expect(visits.map((v) => v.id)).toContain(ticket.id);
    ticket = await as<TicketDetail>('agent01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: { type: 'recordReturnVisit', resolved: true, satisfaction: 'satisfied' } });
    expect(ticket.status).toBe('closed');
    expect(ticket.timeline.map((e) => e.action)).toEqual(['register', 'dispatch', 'sign', 'startHandling', 'reply', 'review', 'recordReturnVisit']);
    const audit = await t.app.store.db.selectFrom('audit_events').select('action').where('subject_id', '=', ticket.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['ticket.registered', 'ticket.dispatch', 'ticket.sign', 'ticket.reply', 'ticket.recordReturnVisit']));
  });

  it('a return goes to the shift lead, who approves it back to registered', async () => {
    const ref = await as<{ categories: { id: string; parentId: string | null }[] }>('agent01', 'reference.get', {});
    const parents = new Set(ref.categories.map((c) => c.parentId));
    const leaf = ref.categories.find((c) => !parents.has(c.id))!;
    const created = await as<{ id: string }>('agent01', 'tickets.create', {
      channel: 'walk_in', citizen: { confidential: true }, appealType: 'help', categoryId: leaf.id, urgency: 'urgent',
      title: '独居老人求助上门服务', content: '来访人反映其父亲独居，行动不便，希望社区提供上门助餐服务。',
    });
    let tk = await as<TicketDetail>('agent01', 'tickets.get', { id: created.id });
    tk = await as<TicketDetail>('agent01', 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action: { type: 'dispatch', leadDepartmentId: deptId, coDepartmentIds: [], instructions: '请核实并答复来电人' } });
    const noReason = await fails('dept01', 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action: { type: 'returnTicket', reason: '' } });
    expect(noReason.code).toBe('invalid_input');
    tk = await as<TicketDetail>('dept01', 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action: { type: 'returnTicket', reason: '不属于本单位职责，应由民政部门办理' } });
    expect(tk.status).toBe('returned');
    const approvals = await as<{ id: string }[]>('lead01', 'tickets.work', { view: 'approvals', limit: 500 });
    expect(approvals.map((a) => a.id)).toContain(tk.id);
    tk = await as<TicketDetail>('lead01', 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action: { type: 'approveReturn' } });
    expect(tk.status).toBe('registered');
    // A confidential ticket's caller is not shown to the department.
    const forDept = await as<TicketDetail>('dept01', 'tickets.get', { id: tk.id });
    expect(forDept.callerName).toBeNull();
  });

  it('computes the 三率 from the timeline, agreeing with a count done by hand over the same events', async () => {
    const report = await as<{ from: string; to: string; counts: Record<string, number>; rates: Record<string, number | null> }>('lead01', 'stats.kpis', { days: 90 });
    // The last 90 China days, today included: 00:00 Beijing time 89 days ago to 00:00 tomorrow.
    expect(report.to).toBe(startOfChinaDay(keyOfDayNumber(chinaDayNumber(clock) + 1)).toISOString());
    expect(Date.parse(report.to) - Date.parse(report.from)).toBe(90 * 86_400_000);
    const events = (await t.app.store.db.selectFrom('ticket_events').select(['action', 'data', 'at']).execute())
      .filter((e) => e.at >= report.from && e.at < report.to);
    const data = (e: { data: string }) => JSON.parse(e.data) as Record<string, unknown>;
    const visits = events.filter((e) => e.action === 'recordReturnVisit');
    expect(report.counts.returnVisits).toBe(visits.length);
    expect(report.counts.satisfied).toBe(visits.filter((e) => data(e).satisfied === true).length);
    expect(report.counts.resolved).toBe(visits.filter((e) => data(e).resolved === true).length);
    expect(report.counts.dispatched).toBe(events.filter((e) => e.action === 'dispatch').length);
    expect(report.counts.signedOnTime).toBe(events.filter((e) => e.action === 'sign' && data(e).late === false).length);
    expect(report.counts.returnVisits).toBeGreaterThan(0);
    expect(report.rates.satisfaction).toBeCloseTo(report.counts.satisfied! / report.counts.returnVisits!, 10);
    for (const v of Object.values(report.rates)) if (v !== null) expect(v).toBeGreaterThanOrEqual(0);
  });
});

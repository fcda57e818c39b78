/**
 * The department desk and the dispatcher's queues through the contract: ticket.changed reaches the
 * departments concerned (and not others), dispatch carries 派单意见, a return waits in 待派单,
 * return visits record one of the three answers, and demo extensions move the deadline as asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, Result, TicketChanged, TicketDetail, WorkRow } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

interface Recorder extends Connection { events: { name: EventName; payload: unknown }[] }
const conn = (): Recorder => {
  const events: Recorder['events'] = [];
  return { id: `c-${Math.random()}`, session: null, events, send: (name, payload) => { events.push({ name, payload }); } };
};
let clock = new Date('2025-11-04T02:00:00Z'); // 10:00 Beijing, an ordinary Tuesday
let t: TestApp;
const people: Record<string, Recorder> = {};

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
const changes = (who: string) => people[who]!.events.filter((e) => e.name === 'ticket.changed').map((e) => e.payload as TicketChanged);

let leaf: string;
let deptId: string;
let otherDeptId: string;

async function newTicket(title: string): Promise<TicketDetail> {
  const created = await as<{ id: string }>('agent01', 'tickets.create', {
    channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
    title, content: '来电人反映小区门口路灯连续多日不亮，夜间出行不便，希望尽快修复。',
  });
  return as<TicketDetail>('agent01', 'tickets.get', { id: created.id });
}
const dispatch = (tk: TicketDetail, lead: string, instructions = '请核实路灯故障并尽快修复，答复来电人。') =>
  as<TicketDetail>('agent01', 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action: { type: 'dispatch', leadDepartmentId: lead, coDepartmentIds: [], instructions } });

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 1500, now: () => clock });
  const other = await t.app.store.db.selectFrom('departments').select('id').where('code', '=', 'JC-CGJ').executeTakeFirstOrThrow();
  otherDeptId = other.id;
  await t.app.users.create({ username: 'dept02', displayName: '市城管执法局联络员', password: 'Demo-12345', roles: ['department'], departmentId: otherDeptId }, null, { skipStrength: true });
  for (const u of ['agent01', 'dept01', 'dept02', 'lead01', 'member01']) {
    people[u] = conn();
    t.app.dispatcher.attach(people[u]!);
    await as(u, 'session.login', { username: u, password: 'Demo-12345' });
  }
  const ref = await as<{ categories: { id: string; parentId: string | null }[] }>('agent01', 'reference.get', {});
  const parents = new Set(ref.categories.map((c) => c.parentId));
  leaf = ref.categories.find((c) => !parents.has(c.id))!.id;
  deptId = people.dept01!.session!.user.departmentId!;
}, 120_000);
afterAll(async () => { await t?.dispose(); });

describe('demo accounts and data', () => {
  it('binds the demo department account to the department its name says', async () => {
    const dep = await t.app.store.db.selectFrom('departments').select(['name', 'code']).where('id', '=', deptId).executeTakeFirstOrThrow();
    expect(dep).toEqual({ name: '市住房和城乡建设局', code: 'JC-ZJJ' });
    expect(people.dept01!.session!.user.displayName).toContain('住建局');
  });

  it('starts the consultation queue with items waiting and items in work', async () => {
    const rows = await as<{ stage: string }[]>('lead01', 'consultation.queue', { scope: 'all', limit: 100 });
    const stages = new Set(rows.map((r) => r.stage));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect((await as<unknown[]>('member01', 'consultation.queue', { scope: 'open', limit: 100 })).length).toBeGreaterThan(0);
    expect(stages.has('queued')).toBe(true);
    expect([...stages].filter((s) => s !== 'queued').length).toBeGreaterThanOrEqual(2);
  });

  it('lets the shift lead see how long a demo extension asks for, and approving it moves the deadline there', async () => {
    const approvals = await as<WorkRow[]>('lead01', 'tickets.work', { view: 'approvals', limit: 500 });
    const ext = approvals.find((r) => r.status === 'extension_requested');
    expect(ext, 'the demo data has an extension waiting').toBeDefined();
    expect(ext!.pendingExtension).toMatchObject({ days: expect.any(Number) as number, proposedReplyBy: expect.any(String) as string });
    const before = await as<TicketDetail>('lead01', 'tickets.get', { id: ext!.id });
    expect(before.pendingExtension?.proposedReplyBy).toBe(ext!.pendingExtension!.proposedReplyBy);
    expect(before.pendingExtension!.proposedReplyBy > before.replyBy!).toBe(true);
    const after = await as<TicketDetail>('lead01', 'tickets.act', { ticketId: ext!.id, expectedVersion: before.version, action: { type: 'approveExtension' } });
    expect(after.replyBy).toBe(new Date(before.pendingExtension!.proposedReplyBy).toISOString());
    expect(after.pendingExtension).toBeNull();
  });
});

describe('dispatch with instructions, and the live department desk', () => {
  let tk: TicketDetail;

  it('refuses a dispatch without 派单意见 and changes nothing', async () => {
    tk = await newTicket('小区门口路灯不亮');
    const e = await fails('agent01', 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action: { type: 'dispatch', leadDepartmentId: deptId, coDepartmentIds: [], instructions: ' ' } });
    expect(e.code).toBe('invalid_input');
    expect((await as<TicketDetail>('agent01', 'tickets.get', { id: tk.id })).status).toBe('registered');
  });

  it('tells the department concerned (not another one) the moment it is dispatched', async () => {
    for (const p of Object.values(people)) p.events.length = 0;
    tk = await dispatch(tk, deptId);
    expect(changes('dept01')).toEqual([expect.objectContaining({ ticketId: tk.id, number: tk.number, state: 'dispatched', leadDepartmentId: deptId, version: tk.version })]);
    expect(changes('dept02')).toEqual([]);
    expect(changes('lead01').map((c) => c.ticketId)).toContain(tk.id);
  });

  it('shows it on the desk as waiting to be signed, with its sign deadline and the instructions', async () => {
    const rows = await as<WorkRow[]>('dept01', 'tickets.work', { view: 'department', limit: 5000 });
    const row = rows.find((r) => r.id === tk.id)!;
    expect(row).toMatchObject({ status: 'dispatched', signBy: tk.signBy, instructions: '请核实路灯故障并尽快修复，答复来电人。' });
    expect(row.signDeadline).toBe('ok');
    expect((await as<TicketDetail>('dept01', 'tickets.get', { id: tk.id })).timeline.find((e) => e.action === 'dispatch')!.data).toContain('请核实路灯故障');
  });

  it('in its last hours the sign deadline is due soon (即将超期); past it, overdue (超期)', async () => {
    const status = async () => (await as<WorkRow[]>('dept01', 'tickets.work', { view: 'department', limit: 5000 })).find((r) => r.id === tk.id)!.signDeadline;
    clock = new Date(Date.parse(tk.signBy!) - 3 * 3_600_000);
    expect(await status()).toBe('due_soon');
    clock = new Date(Date.parse(tk.signBy!) + 3_600_000);
    expect(await status()).toBe('overdue');
    clock = new Date('2025-11-04T03:00:00Z');
  });

  it('a return, once approved, leaves the department desk and waits in 待派单 marked as returned', async () => {
    tk = await as<TicketDetail>('dept01', 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action: { type: 'returnTicket', reason: '路灯属城管部门管理' } });
    for (const p of Object.values(people)) p.events.length = 0;
    tk = await as<TicketDetail>('lead01', 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action: { type: 'approveReturn' } });
    // The department that had it is told, so its desk drops it.
    expect(changes('dept01').map((c) => c.state)).toEqual(['registered']);
    expect((await as<WorkRow[]>('dept01', 'tickets.work', { view: 'department', limit: 5000 })).map((r) => r.id)).not.toContain(tk.id);
    const queue = await as<WorkRow[]>('agent01', 'tickets.work', { view: 'to_dispatch', limit: 5000 });
    expect(queue.find((r) => r.id === tk.id)).toMatchObject({ status: 'registered', returned: true });
    const fresh = await newTicket('楼道声控灯损坏');
    const again = await as<WorkRow[]>('agent01', 'tickets.work', { view: 'to_dispatch', limit: 5000 });
    expect(again.find((r) => r.id === fresh.id)).toMatchObject({ returned: false });
    // Redispatched, it leaves the queue.
    await dispatch(tk, otherDeptId, '请城管部门核实路灯并修复');
    expect((await as<WorkRow[]>('agent01', 'tickets.work', { view: 'to_dispatch', limit: 5000 })).map((r) => r.id)).not.toContain(tk.id);
    expect(changes('dept02').map((c) => c.ticketId)).toContain(tk.id);
  });

  it('keeps the 待派单 queue of the whole center from department users', async () => {
    expect((await fails('dept01', 'tickets.work', { view: 'to_dispatch', limit: 100 })).code).toBe('forbidden');
  });
});

describe('return visits (回访)', () => {
  async function reviewed(title: string): Promise<TicketDetail> {
    let tk = await dispatch(await newTicket(title), deptId);
    const act = (who: string, action: unknown) => as<TicketDetail>(who, 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action });
    tk = await act('dept01', { type: 'sign' });
    tk = await act('dept01', { type: 'reply', content: '经现场核查，已更换损坏灯具，路灯恢复正常照明。' });
    tk = await act('agent01', { type: 'review', approved: true });
    return tk;
  }
  const visit = (tk: TicketDetail, answer: Record<string, unknown>) =>
    ({ ticketId: tk.id, expectedVersion: tk.version, action: { type: 'recordReturnVisit', ...answer } });

  it('refuses a visit with no answer chosen, or not satisfied without a reason, and changes nothing', async () => {
    const tk = await reviewed('路灯不亮回访一');
    expect((await fails('agent01', 'tickets.act', visit(tk, { resolved: true }))).code).toBe('invalid_input');
    expect((await fails('agent01', 'tickets.act', visit(tk, { resolved: true, satisfied: true }))).code).toBe('invalid_input');
    const noReason = await fails('agent01', 'tickets.act', visit(tk, { resolved: true, satisfaction: 'unsatisfied' }));
    expect(noReason).toMatchObject({ code: 'conflict', details: { reason: 'ticket_reason_required' } });
    const unresolved = await fails('agent01', 'tickets.act', visit(tk, { resolved: false, satisfaction: 'satisfied' }));
    expect(unresolved).toMatchObject({ details: { reason: 'ticket_reason_required' } });
    expect((await as<TicketDetail>('agent01', 'tickets.get', { id: tk.id })).status).toBe('reviewed');
  });

  it('counts 满意 and 基本满意 in 满意率, 不满意 not; 已解决 in 解决率', async () => {
    const kpis = () => as<{ counts: Record<string, number> }>('lead01', 'stats.kpis', { days: 30 });
    const start = (await kpis()).counts;
    const a = await reviewed('路灯不亮回访二');
    const b = await reviewed('路灯不亮回访三');
    const c = await reviewed('路灯不亮回访四');
    expect((await as<TicketDetail>('agent01', 'tickets.act', visit(a, { resolved: true, satisfaction: 'satisfied' }))).status).toBe('closed');
    expect((await as<TicketDetail>('agent01', 'tickets.act', visit(b, { resolved: true, satisfaction: 'basically_satisfied' }))).status).toBe('closed');
    const cc = await as<TicketDetail>('agent01', 'tickets.act', visit(c, { resolved: false, satisfaction: 'unsatisfied', note: '晚上仍有一盏不亮' }));
    expect(cc.status).toBe('reopened');
    clock = new Date(clock.getTime() + 60_000); // the KPI period ends before "now"
    const end = (await kpis()).counts;
    expect(end.returnVisits! - start.returnVisits!).toBe(3);
    expect(end.satisfied! - start.satisfied!).toBe(2);
    expect(end.resolved! - start.resolved!).toBe(2);
    expect(JSON.parse(cc.timeline.at(-1)!.data)).toMatchObject({ satisfaction: 'unsatisfied', satisfied: false, note: '晚上仍有一盏不亮' });
  });
});

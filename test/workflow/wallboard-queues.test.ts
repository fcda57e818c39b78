/**
 * The shift lead's queues on the wallboard (wallboard.queues / wallboard.queue / wallboard.rates),
 * on the store the run is given: every figure equals the length of the list it opens, the lead acts
 * on a row through tickets.act with the row's version, and a row that changed meanwhile is refused;
 * the consultation figures (未认领升级, 超认领时限, 措施逾期) likewise equal their read lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEAD_CONSULT_QUEUES, LEAD_QUEUES, type ConsultationDetail, type LeadConsultCounts, type LeadConsultQueue, type LeadConsultRow, type LeadQueue, type LeadQueueCounts, type LeadQueueRow, type LeadRates, type Result, type TicketDetail } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { KpiService } from '../../electron/services/kpi';
import { insertMeasure, updateMeasure } from '../../electron/store/repos/consultation';
import { addDays, chinaDateKey } from '../../shared/domain/china-time';

const conn = (): Connection => ({ id: `c-${Math.random()}`, session: null, send: () => {} });
let clock = new Date('2025-11-12T02:00:00Z'); // Wednesday 10:00 Beijing
let t: TestApp;
const people: Record<string, Connection> = {};

async function as<T>(who: string, name: string, input: unknown): Promise<T> {
  const r = (await t.app.dispatcher.dispatch(people[who]!, name, input)) as Result<T>;
  if (!r.ok) throw new Error(`${who} ${name}: ${JSON.stringify(r.error)}`);
  return r.value;
}
async function fails(who: string, name: string, input: unknown) {
  const r = (await t.app.dispatcher.dispatch(people[who]!, name, input)) as Result<unknown>;
  if (r.ok) throw new Error(`${name} should have failed`);
  return r.error;
}
const act = (who: string, ticketId: string, expectedVersion: number, action: unknown) => as<TicketDetail>(who, 'tickets.act', { ticketId, expectedVersion, action });

async function figuresMatchLists(who: string): Promise<LeadQueueCounts> {
  const counts = await as<LeadQueueCounts>(who, 'wallboard.queues', {});
  for (const q of LEAD_QUEUES) {
    const rows = await as<LeadQueueRow[]>(who, 'wallboard.queue', { queue: q });
    expect(rows.length, `${q}: figure ${counts[q]} vs list ${rows.length}`).toBe(counts[q]);
  }
  return counts;
}
const list = (queue: LeadQueue) => as<LeadQueueRow[]>('lead01', 'wallboard.queue', { queue });

let deptId: string;
let leaf: string;
async function registerAndDispatch(title: string): Promise<TicketDetail> {
  const created = await as<{ id: string }>('agent01', 'tickets.create', {
    channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
    title, content: '来电人反映小区门口工地每晚十一点后仍在施工，噪音很大，影响休息。',
  });
  const d = await as<TicketDetail>('agent01', 'tickets.get', { id: created.id });
  return act('agent01', d.id, d.version, { type: 'dispatch', leadDepartmentId: deptId, coDepartmentIds: [], instructions: '请核实并答复来电人' });
}

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 300, now: () => clock });
  for (const u of ['agent01', 'dept01', 'lead01', 'admin']) {
    people[u] = conn();
    t.app.dispatcher.attach(people[u]!);
    await as(u, 'session.login', { username: u, password: 'Demo-12345' });
  }
  deptId = people.dept01!.session!.user.departmentId!;
  const ref = await as<{ categories: { id: string; parentId: string | null }[] }>('agent01', 'reference.get', {});
  const parents = new Set(ref.categories.map((c) => c.parentId));
  leaf = ref.categories.find((c) => !parents.has(c.id))!.id;
}, 120_000);
afterAll(async () => { await t?.dispose(); });

describe('the lead queues of the wallboard', () => {
  let returned: TicketDetail;
  let extension: TicketDetail;

  it('has a figure for every queue that equals the length of its list, for the lead and the admin', async () => {
    returned = await registerAndDispatch('夜间施工噪音扰民退回测试');
    returned = await act('dept01', returned.id, returned.version, { type: 'returnTicket', reason: '不属于本单位职责' });
    extension = await registerAndDispatch('夜间施工噪音扰民延期测试');
    extension = await act('dept01', extension.id, extension.version, { type: 'sign' });
    extension = await act('dept01', extension.id, extension.version, { type: 'startHandling' });
    extension = await act('dept01', extension.id, extension.version, { type: 'requestExtension', days: 5, reason: '需要协调多个部门现场核查' });
    const counts = await figuresMatchLists('lead01');
    expect(counts.returns).toBeGreaterThanOrEqual(1);
    expect(counts.extensions).toBeGreaterThanOrEqual(1);
    expect(counts.to_sign).toBeGreaterThan(0);
    await figuresMatchLists('admin');
    const ret = (await list('returns')).find((r) => r.id === returned.id)!;
    expect(ret).toMatchObject({ version: returned.version, returnReason: '不属于本单位职责' });
    expect((await list('extensions')).find((r) => r.id === extension.id)!.pendingExtension).toMatchObject({ days: 5 });
  });

  it('keeps due today and overdue apart at the clock: a ticket moves from one to the other at its deadline', async () => {
    const dueToday = await list('due_today');
    const overdue = await list('overdue');
    const end = new Date(clock.getTime() + 86_400_000);
    expect(dueToday.every((r) => r.replyBy! >= clock.toISOString() && new Date(r.replyBy!) < end)).toBe(true);
    expect(overdue.every((r) => r.replyBy! < clock.toISOString())).toBe(true);
    expect(new Set([...dueToday, ...overdue].map((r) => r.id)).size).toBe(dueToday.length + overdue.length);
  });

  it('is refused to agents and departments, and checks the input', async () => {
    expect((await fails('agent01', 'wallboard.queue', { queue: 'overdue' })).code).toBe('forbidden');
    expect((await fails('dept01', 'wallboard.queues', {})).code).toBe('forbidden');
    expect((await fails('lead01', 'wallboard.queue', { queue: 'everything' })).code).toBe('invalid_input');
  });

  it('lets the lead approve a return from its row: the figure drops by one, the ticket waits for dispatch', async () => {
    const before = await as<LeadQueueCounts>('lead01', 'wallboard.queues', {});
    const row = (await list('returns')).find((r) => r.id === returned.id)!;
    const done = await act('lead01', row.id, row.version, { type: 'approveReturn', note: '同意退回，重新派单' });
    expect(done.status).toBe('registered');
    const after = await figuresMatchLists('lead01');
    expect(after.returns).toBe(before.returns - 1);
    expect(after.to_dispatch).toBe(before.to_dispatch + 1);
    const again = (await list('to_dispatch')).find((r) => r.id === returned.id)!;
    expect(again.returned).toBeUndefined();
    // Audited like any other approval, in the lead's name.
    const audit = await as<{ action: string; subjectId: string | null; actorName: string | null }[]>('admin', 'audit.list', { limit: 50, action: 'ticket.approveReturn' });
    expect(audit.find((a) => a.subjectId === returned.id)?.actorName).toBe(people.lead01!.session!.user.displayName);
  });

  it('refuses an action on a row that changed meanwhile (stale version) and changes nothing', async () => {
    const row = (await list('extensions')).find((r) => r.id === extension.id)!;
    // The department replies while the lead's list still shows the request.
    await act('dept01', extension.id, extension.version, { type: 'reply', content: '经现场核查，施工单位已调整作业时间，夜间不再施工。' });
    const e = await fails('lead01', 'tickets.act', { ticketId: row.id, expectedVersion: row.version, action: { type: 'approveExtension' } });
    expect(e).toMatchObject({ code: 'conflict' });
    const now = await as<TicketDetail>('lead01', 'tickets.get', { id: extension.id });
    expect(now.status).toBe('replied');
    await figuresMatchLists('lead01');
  });

  it('sends a supervision notice (督办) on an overdue ticket from its row', async () => {
    const late = await registerAndDispatch('夜间施工噪音扰民督办测试');
    clock = new Date(new Date(late.replyBy!).getTime() + 3_600_000);
    const row = (await list('overdue')).find((r) => r.id === late.id)!;
    expect(row).toBeDefined();
    const done = await act('lead01', row.id, row.version, { type: 'supervise', note: '已超期，请立即办理并答复' });
    expect(done.timeline.map((e) => e.action)).toContain('supervise');
    expect(done.version).toBe(row.version + 1);
    await figuresMatchLists('lead01');
  });

  it('gives 三率 for today, this week and this month from the daily counts, each as the history counts it', async () => {
    const rates = await as<LeadRates>('lead01', 'wallboard.rates', {});
    const kpis = new KpiService(t.app.store.db, t.app.store.dialect);
    for (const p of [rates.day, rates.week, rates.month]) {
      for (const r of [p.current, p.previous]) {
        expect(r.counts).toEqual((await kpis.fromHistory(r.from, r.to)).counts);
      }
      expect(p.previous.to).toBe(p.current.from);
    }
    expect(new Date(rates.week.current.to).getTime() - new Date(rates.week.current.from).getTime())
      .toBe(new Date(rates.week.previous.to).getTime() - new Date(rates.week.previous.from).getTime());
  });
});

async function consultFiguresMatchLists(who: string): Promise<LeadConsultCounts> {
  const counts = await as<LeadConsultCounts>(who, 'wallboard.consultQueues', {});
  for (const q of LEAD_CONSULT_QUEUES) {
    const rows = await as<LeadConsultRow[]>(who, 'wallboard.consultQueue', { queue: q });
    expect(rows.length, `${q}: figure ${counts[q]} vs list ${rows.length}`).toBe(counts[q]);
  }
  return counts;
}
const consultList = (queue: LeadConsultQueue) => as<LeadConsultRow[]>('lead01', 'wallboard.consultQueue', { queue });

describe('the consultation figures of the wallboard', () => {
  it('counts an escalation as unclaimed at once and as past its claim deadline once the deadline passes, each figure the length of its list', async () => {
    const before = await consultFiguresMatchLists('lead01');
    const ticket = await registerAndDispatch('夜间施工噪音反复投诉升级测试');
    const item = await as<ConsultationDetail>('agent01', 'consultation.escalate', {
      ticketIds: [ticket.id], reason: '同一工地夜间施工反复投诉，部门答复后仍未解决，需要委员协调', route: 'studio', urgency: 'emergency',
    });
    const now = await consultFiguresMatchLists('lead01');
    expect(now.unclaimed).toBe(before.unclaimed + 1);
    expect(now.claim_overdue).toBe(before.claim_overdue);
    const row = (await consultList('unclaimed')).find((r) => r.number === item.number)!;
    expect(row).toMatchObject({ title: item.title, deadline: item.claimBy, claimer: null, measure: null });
    expect((await consultList('claim_overdue')).some((r) => r.number === item.number)).toBe(false);

    clock = new Date(new Date(item.claimBy).getTime() + 60_000); // two hours for an emergency, and a minute
    const late = await consultFiguresMatchLists('lead01');
    expect(late.claim_overdue).toBe(before.claim_overdue + 1);
    expect((await consultList('claim_overdue')).find((r) => r.number === item.number)).toMatchObject({ deadline: item.claimBy, claimer: null });
    expect((await consultList('claim_overdue')).every((r) => r.deadline < clock.toISOString())).toBe(true);
    // The admin sees the same figures; the items behind them are the leads' to read.
    expect(await as<LeadConsultCounts>('admin', 'wallboard.consultQueues', {})).toEqual(late);
    expect((await fails('admin', 'wallboard.consultQueue', { queue: 'claim_overdue' })).code).toBe('forbidden');
  });

  it('counts a measure past its due day, not done, on an unclosed item; done, it leaves the figure', async () => {
    const db = t.app.store.db;
    const item = await db.selectFrom('consultation_items as i').leftJoin('users as u', 'u.id', 'i.claimed_by')
      .select(['i.id', 'i.number', 'u.display_name']).where('i.stage', '!=', 'closed').where('i.stage', '!=', 'queued').orderBy('i.number').executeTakeFirstOrThrow();
    const before = await consultFiguresMatchLists('lead01');
    const today = chinaDateKey(clock);
    const at = clock.toISOString();
    const measure = (id: string, deadline: string, content: string) => ({
      id, item_id: item.id, content, owner_department_id: deptId, deadline, status: 'planned', evidence: '', drop_reason: null, created_at: at, updated_at: at,
    });
    await insertMeasure(db, measure('00000000-0000-4000-8000-00000000e001', addDays(today, -1), '夜间施工许可复核，逾期测试'));
    await insertMeasure(db, measure('00000000-0000-4000-8000-00000000e002', today, '今日到期的措施不算逾期'));
    const after = await consultFiguresMatchLists('lead01');
    expect(after.measures_overdue).toBe(before.measures_overdue + 1);
    const rows = await consultList('measures_overdue');
    expect(rows.find((r) => r.measure === '夜间施工许可复核，逾期测试')).toMatchObject({ number: item.number, deadline: addDays(today, -1), claimer: item.display_name ?? null });
    expect(rows.some((r) => r.measure === '今日到期的措施不算逾期')).toBe(false);
    expect(rows.every((r) => r.deadline < today)).toBe(true);

    await updateMeasure(db, '00000000-0000-4000-8000-00000000e001', { status: 'done' });
    expect((await consultFiguresMatchLists('lead01')).measures_overdue).toBe(before.measures_overdue);
  });

  it('is refused to agents and departments, and checks the input', async () => {
    expect((await fails('agent01', 'wallboard.consultQueues', {})).code).toBe('forbidden');
    expect((await fails('dept01', 'wallboard.consultQueue', { queue: 'unclaimed' })).code).toBe('forbidden');
    expect((await fails('lead01', 'wallboard.consultQueue', { queue: 'everything' })).code).toBe('invalid_input');
  });
});

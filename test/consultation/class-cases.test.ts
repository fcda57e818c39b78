/**
 * Class cases (类案, issue 14.3) through the contract, on SQLite and (project pg) PostgreSQL: a shift
 * lead makes one from picked tickets or a hotspot's payload, sets the responsibility package,
 * measures and counters; the owner department reports progress; one reply reaches every member's
 * history; new matching tickets join by themselves and the agent is told while typing; closing
 * closes members through their lifecycle and lists those it cannot; the case goes to the
 * consultation queue. Conflicts and bad input change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassCaseCloseResult, ClassCaseDetail, ClassCaseNotice, ClassCaseRow, ContractError, Result, TicketDetail } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

const clock = new Date('2025-06-03T02:00:00Z'); // Tuesday 10:00 Beijing
let t: TestApp;
const people: Record<string, Connection> = {};

async function call(who: string, name: string, input: unknown) {
  return (await t.app.dispatcher.dispatch(people[who]!, name, input)) as Result<unknown>;
}
async function as<T>(who: string, name: string, input: unknown): Promise<T> {
  const r = await call(who, name, input);
  if (!r.ok) throw new Error(`${who} ${name}: ${JSON.stringify(r.error)}`);
  return r.value as T;
}
async function fails(who: string, name: string, input: unknown): Promise<ContractError> {
  const r = await call(who, name, input);
  if (r.ok) throw new Error(`${who} ${name} should have failed`);
  return r.error;
}
async function signIn(u: string) {
  people[u] = { id: `c-${u}`, session: null, send: () => {} };
  t.app.dispatcher.attach(people[u]!);
  await as(u, 'session.login', { username: u, password: 'Demo-12345' });
}
const db = () => t.app.store.db;
const auditCount = async () => Number((await db().selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
async function idsIn(status: string, n: number, not: string[] = []): Promise<string[]> {
  const rows = await db().selectFrom('tickets').select('id').where('status', '=', status).where('parent_id', 'is', null).orderBy('number').limit(n + not.length).execute();
  return rows.map((r) => r.id).filter((id) => !not.includes(id)).slice(0, n);
}
const historyOf = async (ticketId: string, action: string) =>
  db().selectFrom('ticket_events').select(['action', 'data']).where('ticket_id', '=', ticketId).where('action', '=', action).execute();

let deptId: string;
let otherDeptId: string;
let leaf: { id: string; parent_id: string | null };

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 200, now: () => clock });
  for (const u of ['agent01', 'lead01', 'dept01', 'member01', 'admin']) await signIn(u);
  deptId = people.dept01!.session!.user.departmentId!;
  otherDeptId = (await db().selectFrom('departments').select('id').where('id', '!=', deptId).where('kind', '=', 'bureau').executeTakeFirstOrThrow()).id;
  leaf = await db().selectFrom('categories').select(['id', 'parent_id']).where('level', '=', 3).orderBy('code').executeTakeFirstOrThrow();
}, 90_000);
afterAll(async () => { await t?.dispose(); });

describe('creating a class case', () => {
  it('refuses a class case with no members, with its own reason, and writes nothing', async () => {
    const before = await auditCount();
    const e = await fails('lead01', 'classCases.create', { ticketIds: [], title: '路灯不亮集中整治' });
    expect(e).toMatchObject({ code: 'invalid_input', details: { reason: 'class_case_no_members' } });
    expect(await auditCount()).toBe(before);
    expect(await as<ClassCaseRow[]>('lead01', 'classCases.list', { state: 'all', limit: 100 })).toEqual([]);
  });

  it('refuses unknown tickets, an unknown area, and callers who are not shift leads', async () => {
    const [a] = await idsIn('registered', 1);
    expect((await fails('lead01', 'classCases.create', { ticketIds: [a, '01900000-0000-7000-8000-00000000dead'], title: '路灯' })).details?.reason).toBe('class_case_ticket_not_found');
    expect((await fails('lead01', 'classCases.create', { ticketIds: [a], title: '路灯整治', areaCode: '999999' })).issues?.[0]?.path).toBe('areaCode');
    expect((await fails('agent01', 'classCases.create', { ticketIds: [a], title: '路灯整治' })).code).toBe('forbidden');
    expect((await fails('dept01', 'classCases.create', { ticketIds: [a], title: '路灯整治' })).code).toBe('forbidden');
  });
});

describe('a class case run as one project', () => {
  let cc: ClassCaseDetail;
  let registered: string[];
  let reviewed: string[];
  let dispatched: string[];
  let closedOne: string[];

  it('a shift lead makes one from picked tickets; each member\'s history says it joined', async () => {
    registered = await idsIn('registered', 2);
    reviewed = await idsIn('reviewed', 1);
    dispatched = await idsIn('dispatched', 1);
    closedOne = await idsIn('closed', 1);
    expect([registered.length, reviewed.length, dispatched.length, closedOne.length]).toEqual([2, 1, 1, 1]);
    const picked = [...registered, ...reviewed, ...dispatched, ...closedOne];
    cc = await as<ClassCaseDetail>('lead01', 'classCases.create', {
      ticketIds: [...picked, picked[0]], title: '建设路沿线路灯不亮', terms: ['路灯', ' 照明 ', '路灯'], categoryId: leaf.id, source: 'hotspot',
    });
    expect(cc).toMatchObject({ state: 'open', members: 5, source: 'hotspot', terms: ['路灯', '照明'], version: 1 });
    expect(cc.number).toMatch(/^LA2025\d{4}$/);
    expect(cc.memberList.map((m) => m.id).sort()).toEqual([...picked].sort());
    for (const id of picked) {
      const h = await historyOf(id, 'classCaseAttach');
      expect(h.map((e) => JSON.parse(e.data))).toEqual([{ classCase: cc.number, auto: false }]);
    }
    expect(cc.timeline.map((e) => e.action)).toEqual(['classCase.created']);
  });

  it('responsibility package, a measure and a counter; a stale version is refused and changes nothing', async () => {
    cc = await as<ClassCaseDetail>('lead01', 'classCases.setPackage', { id: cc.id, expectedVersion: cc.version, leadDepartmentId: deptId, person: '王科长', coDepartmentIds: [otherDeptId, deptId] });
    expect(cc.package).toMatchObject({ leadDepartmentId: deptId, person: '王科长', coDepartments: [{ id: otherDeptId }] });
    const stale = await fails('lead01', 'classCases.addMeasure', { id: cc.id, expectedVersion: cc.version - 1, content: '逐杆排查线路', ownerDepartmentId: deptId, deadline: '2025-06-30' });
    expect(stale).toMatchObject({ code: 'conflict', details: { reason: 'class_case_stale' } });
    expect((await as<ClassCaseDetail>('lead01', 'classCases.get', { id: cc.id })).measures).toEqual([]);
    const past = await fails('lead01', 'classCases.addMeasure', { id: cc.id, expectedVersion: cc.version, content: '逐杆排查线路', ownerDepartmentId: deptId, deadline: '2025-05-01' });
    expect(past.issues?.[0]).toEqual({ path: 'deadline', problem: 'in_past' });
    cc = await as<ClassCaseDetail>('lead01', 'classCases.addMeasure', { id: cc.id, expectedVersion: cc.version, content: '逐杆排查线路', ownerDepartmentId: deptId, deadline: '2025-06-30' });
    expect(cc.measures).toMatchObject([{ content: '逐杆排查线路', status: 'planned', ownerDepartmentId: deptId, overdue: false }]);
    const above = await fails('lead01', 'classCases.addCounter', { id: cc.id, expectedVersion: cc.version, label: '路灯修复', unit: '盏', target: 6000, value: 6001, ownerDepartmentId: deptId });
    expect(above.issues?.[0]).toEqual({ path: 'value', problem: 'class_case_counter_above_target' });
    cc = await as<ClassCaseDetail>('lead01', 'classCases.addCounter', { id: cc.id, expectedVersion: cc.version, label: '路灯修复', unit: '盏', target: 6000, ownerDepartmentId: deptId });
    expect(cc.counters).toMatchObject([{ label: '路灯修复', value: 0, target: 6000, unit: '盏' }]);
  });

  it('the owner department reports progress, audited; a second report on the same version is a conflict; another department may not', async () => {
    const mine = await as<ClassCaseDetail>('dept01', 'classCases.get', { id: cc.id });
    const counter = mine.counters[0]!;
    expect(counter.canUpdate).toBe(true);
    cc = await as<ClassCaseDetail>('dept01', 'classCases.updateCounter', { id: cc.id, counterId: counter.id, expectedVersion: counter.version, value: 5800 });
    expect(cc.counters[0]).toMatchObject({ value: 5800, target: 6000 });
    const again = await fails('lead01', 'classCases.updateCounter', { id: cc.id, counterId: counter.id, expectedVersion: counter.version, value: 100 });
    expect(again).toMatchObject({ code: 'conflict', details: { reason: 'class_case_counter_stale' } });
    expect((await as<ClassCaseDetail>('lead01', 'classCases.get', { id: cc.id })).counters[0]!.value).toBe(5800);
    const over = await fails('dept01', 'classCases.updateCounter', { id: cc.id, counterId: counter.id, expectedVersion: cc.counters[0]!.version, value: 7000 });
    expect(over.issues?.[0]?.problem).toBe('class_case_counter_above_target');
    const line = cc.timeline.find((e) => e.action === 'classCase.counterUpdated');
    expect(line?.data).toMatchObject({ from: 0, to: 5800, target: 6000 });
    expect(line?.actorName).toBe(people.dept01!.session!.user.displayName);
    const m = cc.measures[0]!;
    cc = await as<ClassCaseDetail>('dept01', 'classCases.updateMeasure', { id: cc.id, measureId: m.id, expectedVersion: m.version, status: 'in_progress' });
    expect(cc.measures[0]!.status).toBe('in_progress');
  });

  it('a department that answers for nothing in the case does not see it', async () => {
    const all = await as<ClassCaseDetail>('lead01', 'classCases.get', { id: cc.id });
    const involved = new Set([deptId, otherDeptId, ...(await db().selectFrom('ticket_departments').select('department_id')
      .where('ticket_id', 'in', all.memberList.map((x) => x.id)).execute()).map((r) => r.department_id)]);
    const stranger = (await db().selectFrom('departments').select('id').where('kind', '=', 'bureau').execute()).find((d) => !involved.has(d.id))!;
    expect(stranger).toBeDefined();
    await as('admin', 'users.create', { username: 'dept77', displayName: '他局联络员', password: 'Demo-12345-x', roles: ['department'], departmentId: stranger.id });
    people.dept77 = { id: 'c-dept77', session: null, send: () => {} };
    t.app.dispatcher.attach(people.dept77);
    await as('dept77', 'session.login', { username: 'dept77', password: 'Demo-12345-x' });
    await as('dept77', 'session.changePassword', { currentPassword: 'Demo-12345-x', newPassword: 'Hotline-2026-x!' });
    expect((await fails('dept77', 'classCases.get', { id: cc.id })).code).toBe('not_found');
    expect(await as<ClassCaseRow[]>('dept77', 'classCases.list', { state: 'all', limit: 100 })).toEqual([]);
    expect((await fails('dept77', 'classCases.updateCounter', { id: cc.id, counterId: cc.counters[0]!.id, expectedVersion: cc.counters[0]!.version, value: 1 })).code).toBe('not_found');
    cc = all;
  });

  it('one reply reaches every member as its 类案答复 history entry', async () => {
    cc = await as<ClassCaseDetail>('lead01', 'classCases.reply', { id: cc.id, expectedVersion: cc.version, content: '建设路沿线路灯已完成线路检修，5,800 盏恢复照明。' });
    expect(cc.reply).toContain('5,800');
    for (const m of cc.memberList) {
      expect((await historyOf(m.id, 'classCaseReply')).map((e) => JSON.parse(e.data))).toEqual([{ classCase: cc.number, content: cc.reply }]);
    }
    const d = await as<TicketDetail>('agent01', 'tickets.get', { id: registered[0] });
    expect(d.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['classCaseAttach', 'classCaseReply']));
  });

  it('a new matching ticket joins by itself, and the agent is told while typing', async () => {
    const typing = await as<ClassCaseNotice[]>('agent01', 'classCases.matchIntake', { categoryId: leaf.id, text: '建设路上的路灯一周没亮了' });
    expect(typing).toMatchObject([{ id: cc.id, number: cc.number, terms: ['路灯'] }]);
    expect(await as<ClassCaseNotice[]>('agent01', 'classCases.matchIntake', { categoryId: leaf.id, text: '小区噪音扰民' })).toEqual([]);
    const created = await as<{ id: string }>('agent01', 'tickets.create', {
      channel: 'phone', citizen: { phone: '13800138111', confidential: false }, appealType: 'complaint', categoryId: leaf.id, urgency: 'normal',
      title: '建设路路灯不亮', content: '来电人反映建设路中段路灯连续一周不亮，夜间行人不安全。',
    });
    const unrelated = await as<{ id: string }>('agent01', 'tickets.create', {
      channel: 'phone', citizen: { phone: '13800138112', confidential: false }, appealType: 'complaint', categoryId: leaf.id, urgency: 'normal',
      title: '夜间施工噪音', content: '来电人反映工地夜间施工噪音扰民。',
    });
    cc = await as<ClassCaseDetail>('lead01', 'classCases.get', { id: cc.id });
    expect(cc.members).toBe(6);
    expect(cc.memberList.find((m) => m.id === created.id)?.auto).toBe(true);
    expect(cc.memberList.some((m) => m.id === unrelated.id)).toBe(false);
    expect((await historyOf(created.id, 'classCaseAttach')).map((e) => JSON.parse(e.data))).toEqual([{ classCase: cc.number, auto: true }]);
    registered.push(created.id);
  });

  it('hands the case to the consultation queue as one item linked to it, once', async () => {
    cc = await as<ClassCaseDetail>('lead01', 'classCases.escalate', { id: cc.id, expectedVersion: cc.version, reason: '涉及供电与市政多部门，需委员协调', route: 'studio', urgency: 'normal' });
    expect(cc.consultation).toMatchObject({ stage: 'queued' });
    const item = await db().selectFrom('consultation_items').select(['source', 'title']).where('id', '=', cc.consultation!.itemId).executeTakeFirstOrThrow();
    expect(item).toEqual({ source: 'class_case', title: '建设路沿线路灯不亮' });
    const again = await fails('lead01', 'classCases.escalate', { id: cc.id, expectedVersion: cc.version, reason: '再次升级', route: 'studio', urgency: 'normal' });
    expect(again.details?.reason).toBe('class_case_already_escalated');
  });

  it('closing replies to and closes the members through their lifecycle, and lists those it cannot', async () => {
    const noReply = await fails('lead01', 'classCases.close', { id: cc.id, expectedVersion: cc.version - 1, note: '整治完成' });
    expect(noReply.details?.reason).toBe('class_case_stale');
    const r = await as<ClassCaseCloseResult>('lead01', 'classCases.close', { id: cc.id, expectedVersion: cc.version, note: '整治完成', reply: '建设路沿线路灯已全部修复，感谢市民监督。' });
    expect(r.detail.state).toBe('closed');
    // Three registered (two picked, one attached) resolved directly, one reviewed closed, one already closed, one with a department.
    expect(r.closed).toBe(4);
    expect(r.alreadyFinished).toBe(1);
    expect(r.blocked.map((b) => b.id)).toEqual(dispatched);
    expect(r.blocked[0]!.status).toBe('dispatched');
    const status = async (id: string) => (await db().selectFrom('tickets').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    for (const id of registered) expect(await status(id)).toBe('resolved_directly');
    expect(await status(reviewed[0]!)).toBe('closed');
    expect(await status(dispatched[0]!)).toBe('dispatched');
    expect((await historyOf(reviewed[0]!, 'close')).length).toBe(1);
    expect(r.detail.timeline.at(-1)).toMatchObject({ action: 'classCase.closed', data: { closed: 4, blocked: [r.blocked[0]!.number] } });
    // A closed case takes no more changes, and attaches nothing.
    expect((await fails('lead01', 'classCases.reply', { id: cc.id, expectedVersion: r.detail.version, content: '再次答复内容' })).details?.reason).toBe('class_case_closed');
    expect(await as<ClassCaseNotice[]>('agent01', 'classCases.matchIntake', { categoryId: leaf.id, text: '路灯不亮' })).toEqual([]);
  });
});

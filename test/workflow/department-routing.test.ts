/**
 * 智能派单 and the misrouting guard through the contract, on both stores (this suite is in
 * PG_SUITES): an agent dispatches, departments sign or return, and the next suggestion, its
 * reason and the guard's warnings follow from what happened, at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result, TicketDetail } from '../../shared/contract';
import type { DepartmentSuggestions, DispatchWarning } from '../../shared/domain/routing';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

const conn = (): Connection => ({ id: `c-${Math.random()}`, session: null, send: () => {} });
const clock = new Date('2026-03-02T02:00:00Z');
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

interface Ref { categories: { id: string; parentId: string | null }[]; departments: { id: string; code: string; kind: string; districtCode: string | null }[]; divisions: { code: string; level: number; parentCode: string | null }[] }
let ref: Ref;
let leaf: string;
let district: string;
let street: string;
let deptA: string; // 市住建局 (dept01's)
let deptB: string; // another bureau (dept02's)

async function register(title: string): Promise<TicketDetail> {
  const created = await as<{ id: string }>('agent01', 'tickets.create', {
    channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
    title, content: `来电人反映${title}，请核实处理。`, districtCode: district, streetCode: street,
  });
  return as<TicketDetail>('agent01', 'tickets.get', { id: created.id });
}
const dispatch = (tk: TicketDetail, lead: string, extra: Record<string, unknown> = {}) => as<TicketDetail>('agent01', 'tickets.act', {
  ticketId: tk.id, expectedVersion: tk.version, action: { type: 'dispatch', leadDepartmentId: lead, coDepartmentIds: [], instructions: '请核实并答复来电人', ...extra },
});
const act = (who: string, tk: TicketDetail, action: Record<string, unknown>) => as<TicketDetail>(who, 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action });

beforeAll(async () => {
  // Reference data and accounts, no ticket history: every count below comes from this test.
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 0, now: () => clock });
  for (const u of ['agent01', 'dept01', 'lead01', 'admin']) {
    people[u] = conn();
    t.app.dispatcher.attach(people[u]!);
    await as(u, 'session.login', { username: u, password: 'Demo-12345' });
  }
  ref = await as<Ref>('agent01', 'reference.get', {});
  const parents = new Set(ref.categories.map((c) => c.parentId));
  leaf = ref.categories.find((c) => !parents.has(c.id))!.id;
  const s = ref.divisions.find((d) => d.level === 2)!;
  street = s.code;
  district = s.parentCode!;
  deptA = people.dept01!.session!.user.departmentId!;
  deptB = ref.departments.find((d) => d.kind === 'bureau' && d.id !== deptA)!.id;
  await t.app.users.create({ username: 'dept02', displayName: '市交通局联络员', password: 'Demo-12345', roles: ['department'], departmentId: deptB }, null, { skipStrength: true });
  people.dept02 = conn();
  t.app.dispatcher.attach(people.dept02);
  await as('dept02', 'session.login', { username: 'dept02', password: 'Demo-12345' });
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('department suggestion and misrouting guard', () => {
  it('suggests nothing before any dispatch, then the department that signed, with its 90-day count', async () => {
    const first = await register('小区门口夜间施工噪音');
    expect(await as<DepartmentSuggestions>('agent01', 'tickets.suggestDepartments', { ticketId: first.id })).toEqual({ lead: [], co: [] });
    const sent = await dispatch(first, deptA);
    await act('dept01', sent, { type: 'sign' });

    const next = await register('夜间施工噪音扰民');
    const s = await as<DepartmentSuggestions>('agent01', 'tickets.suggestDepartments', { ticketId: next.id });
    expect(s.lead[0]).toMatchObject({ departmentId: deptA, basis: 'category_street', count: 1, days: 90 });
    expect(s.lead[0]!.name).toBe('市住房和城乡建设局');
  });

  it('a return counts against the department: the guard warns with the reason, and the redispatch teaches the next suggestion', async () => {
    const tk = await register('工地夜间施工噪音');
    let cur = await dispatch(tk, deptA);
    cur = await act('dept01', cur, { type: 'returnTicket', reason: '夜间施工噪音属生态环境部门职责，请改派' });
    cur = await act('lead01', cur, { type: 'approveReturn' });
    expect(cur.status).toBe('registered');

    const warnings = await as<DispatchWarning[]>('agent01', 'tickets.checkDispatch', { ticketId: cur.id, leadDepartmentId: deptA, coDepartmentIds: [] });
    expect(warnings).toEqual([expect.objectContaining({ kind: 'returned_similar', departmentId: deptA, count: 1, similarBy: 'category', lastReason: '夜间施工噪音属生态环境部门职责，请改派' })]);
    cur = await dispatch(cur, deptB);
    await act('dept02', cur, { type: 'sign' });
    // deptA: 1 signed − 2 × 1 returned; deptB: 1 signed. The correction turns the suggestion round.
    const probe = await register('施工噪音影响休息');
    const s = await as<DepartmentSuggestions>('agent01', 'tickets.suggestDepartments', { ticketId: probe.id });
    expect(s.lead.map((x) => x.departmentId)).toEqual([deptB]);
  });

  it('keeps the warnings on the dispatch event, with whether the agent confirmed them', async () => {
    const confirmed = await dispatch(await register('深夜施工噪音'), deptA, { acknowledgeWarnings: true });
    expect(confirmed.status).toBe('dispatched');
    const data = (tk: TicketDetail) => JSON.parse(tk.timeline.findLast((e) => e.action === 'dispatch')!.data) as Record<string, unknown>;
    expect(data(confirmed)).toMatchObject({ guardAcknowledged: true, guardWarnings: [{ kind: 'returned_similar', departmentId: deptA, count: 1 }] });
    // Another writer that never asked the guard still dispatches; the event says it was not confirmed.
    const unconfirmed = await dispatch(await register('凌晨施工噪音'), deptA);
    expect(data(unconfirmed)).toMatchObject({ guardAcknowledged: false, guardWarnings: [{ kind: 'returned_similar' }] });
    // Where the guard has nothing to say, the event carries nothing.
    expect(data(await dispatch(await register('施工扰民'), deptB))).not.toHaveProperty('guardWarnings');
  });

  it('warns when the ticket is outside the department\'s area', async () => {
    const tk = await register('道路破损');
    const other = ref.departments.find((d) => d.kind === 'district' && d.districtCode !== district)!;
    const warnings = await as<DispatchWarning[]>('agent01', 'tickets.checkDispatch', { ticketId: tk.id, leadDepartmentId: other.id, coDepartmentIds: [] });
    expect(warnings).toEqual([expect.objectContaining({ kind: 'outside_area', departmentId: other.id })]);
    const own = ref.departments.find((d) => d.kind === 'district' && d.districtCode === district)!;
    expect(await as<DispatchWarning[]>('agent01', 'tickets.checkDispatch', { ticketId: tk.id, leadDepartmentId: own.id, coDepartmentIds: [] })).toEqual([]);
  });

  it('suggests a street office for a ticket in its street, never for one whose place is unknown', async () => {
    const office = ref.departments.find((d) => d.kind === 'street' && d.code === `S${street}`)!;
    await t.app.users.create({ username: 'street01', displayName: '街道联络员', password: 'Demo-12345', roles: ['department'], departmentId: office.id }, null, { skipStrength: true });
    people.street01 = conn();
    t.app.dispatcher.attach(people.street01);
    await as('street01', 'session.login', { username: 'street01', password: 'Demo-12345' });
    for (const title of ['楼道堆放杂物', '楼道杂物堵塞', '楼道杂物未清理']) {
      const sent = await dispatch(await register(title), office.id);
      await act('street01', sent, { type: 'sign' });
    }
    const here = await register('楼道杂物多');
    expect((await as<DepartmentSuggestions>('agent01', 'tickets.suggestDepartments', { ticketId: here.id })).lead[0]).toMatchObject({ departmentId: office.id, basis: 'category_street', count: 3 });
    const created = await as<{ id: string }>('agent01', 'tickets.create', {
      channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
      title: '楼道杂物多', content: '来电人反映楼道杂物多，请核实处理。',
    });
    const nowhere = await as<DepartmentSuggestions>('agent01', 'tickets.suggestDepartments', { ticketId: created.id });
    expect(nowhere.lead.map((x) => x.departmentId)).not.toContain(office.id);
    expect(nowhere.lead.length).toBeGreaterThan(0);
  });

  it('is for the people who dispatch: a department cannot ask', async () => {
    const tk = await register('楼下噪音');
    expect(await fails('dept01', 'tickets.suggestDepartments', { ticketId: tk.id })).toMatchObject({ code: 'forbidden' });
  });
});

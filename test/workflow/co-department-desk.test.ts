/**
 * The department desk lists the tickets the department is a co-department (协办) of, marked as such,
 * beside those it leads; once a redispatch leaves it out, the ticket leaves its desk (still readable).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result, TicketDetail, WorkRow } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

const clock = new Date('2025-11-04T02:00:00Z'); // 10:00 Beijing, an ordinary Tuesday
let t: TestApp;
const people: Record<string, Connection> = {};
async function as<T>(who: string, name: string, input: unknown): Promise<T> {
  const r = (await t.app.dispatcher.dispatch(people[who]!, name, input)) as Result<T>;
  if (!r.ok) throw new Error(`${who} ${name}: ${JSON.stringify(r.error)}`);
  return r.value;
}
const desk = async (who: string) => as<WorkRow[]>(who, 'tickets.work', { view: 'department', limit: 5000 });

let leaf = '';
let housing = '';
let cityMgmt = '';
let transport = '';

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 200, now: () => clock });
  const dep = async (code: string) => (await t.app.store.db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
  cityMgmt = await dep('JC-CGJ');
  await t.app.users.create({ username: 'dept02', displayName: '市城管执法局联络员', password: 'Demo-12345', roles: ['department'], departmentId: cityMgmt }, null, { skipStrength: true });
  for (const u of ['agent01', 'dept01', 'dept02', 'lead01']) {
    people[u] = { id: `c-${u}`, session: null, send: () => {} };
    t.app.dispatcher.attach(people[u]!);
    await as(u, 'session.login', { username: u, password: 'Demo-12345' });
  }
  housing = people.dept01!.session!.user.departmentId!;
  const others = await t.app.store.db.selectFrom('departments').select('id').where('id', 'not in', [housing, cityMgmt]).limit(1).executeTakeFirstOrThrow();
  transport = others.id;
  const ref = await as<{ categories: { id: string; parentId: string | null }[] }>('agent01', 'reference.get', {});
  const parents = new Set(ref.categories.map((c) => c.parentId));
  leaf = ref.categories.find((c) => !parents.has(c.id))!.id;
}, 120_000);
afterAll(async () => { await t?.dispose(); });

describe('co-department tickets on the department desk', () => {
  let tk: TicketDetail;

  it('lists a ticket the department co-handles, marked 协办; the lead sees it unmarked', async () => {
    const created = await as<{ id: string }>('agent01', 'tickets.create', {
      channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
      title: '小区违建占用消防通道', content: '来电人反映小区内有人搭建违章建筑占用消防通道，存在安全隐患，希望尽快处理。',
    });
    tk = await as<TicketDetail>('agent01', 'tickets.get', { id: created.id });
    tk = await as<TicketDetail>('agent01', 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version,
      action: { type: 'dispatch', leadDepartmentId: cityMgmt, coDepartmentIds: [housing], instructions: '城管牵头拆除，住建配合核实。' } });
    const co = (await desk('dept01')).find((r) => r.id === tk.id);
    expect(co).toMatchObject({ status: 'dispatched', coDepartment: true });
    const lead = (await desk('dept02')).find((r) => r.id === tk.id);
    expect(lead).toBeDefined();
    expect(lead!.coDepartment).toBeUndefined();
    // The department's own lead tickets stay on its desk, unmarked.
    expect((await desk('dept01')).filter((r) => !r.coDepartment).length).toBeGreaterThan(0);
  });

  it('drops it from the desk once a redispatch leaves the department out, though it stays readable', async () => {
    tk = await as<TicketDetail>('dept02', 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action: { type: 'returnTicket', reason: '违建认定属住建部门职责' } });
    tk = await as<TicketDetail>('lead01', 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action: { type: 'approveReturn' } });
    tk = await as<TicketDetail>('agent01', 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version,
      action: { type: 'dispatch', leadDepartmentId: transport, coDepartmentIds: [], instructions: '请核实处理。' } });
    expect((await desk('dept01')).map((r) => r.id)).not.toContain(tk.id);
    expect((await as<TicketDetail>('dept01', 'tickets.get', { id: tk.id })).id).toBe(tk.id);
  });
});

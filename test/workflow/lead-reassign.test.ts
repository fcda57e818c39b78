/**
 * The shift lead reassigns (改派) from the wallboard's lists, on the store the run is given: a
 * ticket a department holds goes to another department (the old one loses it, the new one gets it,
 * both told, one history event, audited), and a consultation item one member claimed goes to another
 * member on duty (both told, audited). A row that changed meanwhile is refused and nothing moves;
 * anyone but a shift lead is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsultationDetail, LeadConsultRow, LeadQueueRow, Result, TicketDetail, TicketListRow } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { insertMeasure } from '../../electron/store/repos/consultation';
import { addDays, chinaDateKey } from '../../shared/domain/china-time';

interface Seen { name: string; payload: unknown }
const clock = new Date('2025-11-12T02:00:00Z'); // Wednesday 10:00 Beijing
let t: TestApp;
const people: Record<string, Connection & { events: Seen[] }> = {};
const conn = () => {
  const events: Seen[] = [];
  return { id: `c-${Math.random()}`, session: null, events, send: (name: string, payload: unknown) => { events.push({ name, payload }); } } as unknown as Connection & { events: Seen[] };
};

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
/** Events cross the bus (PostgreSQL: LISTEN/NOTIFY), so they are waited for, not expected at once. */
async function eventually(check: () => boolean, what: string) {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(check(), what).toBe(true);
}

let housing: string;
let otherDept: string;
let leaf: string;
async function dispatched(title: string): Promise<TicketDetail> {
  const created = await as<{ id: string }>('agent01', 'tickets.create', {
    channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
    title, content: '来电人反映小区门口供水管道破裂，路面一直冒水，已经两天没人处理。',
  });
  const d = await as<TicketDetail>('agent01', 'tickets.get', { id: created.id });
  return act('agent01', d.id, d.version, { type: 'dispatch', leadDepartmentId: housing, coDepartmentIds: [], instructions: '请核实并答复来电人' });
}

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 200, now: () => clock });
  for (const u of ['agent01', 'dept01', 'lead01', 'admin', 'member01']) {
    people[u] = conn();
    t.app.dispatcher.attach(people[u]!);
    await as(u, 'session.login', { username: u, password: 'Demo-12345' });
  }
  housing = people.dept01!.session!.user.departmentId!;
  otherDept = (await t.app.store.db.selectFrom('departments').select('id').where('id', '!=', housing).orderBy('code').executeTakeFirstOrThrow()).id;
  // A liaison of the other department, and a second member, on duty at the studio all week.
  await as('admin', 'users.create', { username: 'dept02', displayName: '水务联络员', password: 'Demo-12345!a', roles: ['department'], departmentId: otherDept });
  const member = await as<{ id: string }>('admin', 'users.create', { username: 'member02', displayName: '李卫东委员', password: 'Demo-12345!a', roles: ['cppcc_member'] });
  await as('admin', 'users.create', { username: 'member03', displayName: '赵不值班委员', password: 'Demo-12345!a', roles: ['cppcc_member'] });
  await as('lead01', 'duty.savePattern', { userId: member.id, desk: 'studio', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00', validFrom: addDays(chinaDateKey(clock), -1), validUntil: null });
  for (const u of ['dept02', 'member02']) {
    people[u] = conn();
    t.app.dispatcher.attach(people[u]!);
    await as(u, 'session.login', { username: u, password: 'Demo-12345!a' });
    // A new account must change its initial password before it may work.
    await as(u, 'session.changePassword', { currentPassword: 'Demo-12345!a', newPassword: 'Demo-12345!b' });
  }
  const ref = await as<{ categories: { id: string; parentId: string | null }[] }>('agent01', 'reference.get', {});
  const parents = new Set(ref.categories.map((c) => c.parentId));
  leaf = ref.categories.find((c) => !parents.has(c.id))!.id;
}, 120_000);
afterAll(async () => { await t?.dispose(); });

const recent = async (who: string) => new Set((await as<TicketListRow[]>(who, 'tickets.recent', { limit: 5000 })).map((r) => r.id));

describe('the lead reassigns a ticket (改派) from a figure list', () => {
  it('takes it off the old department and gives it to the new one, to sign afresh; both told, one history event, audited', async () => {
    let ticket = await dispatched('供水管道破裂改派测试');
    ticket = await act('dept01', ticket.id, ticket.version, { type: 'sign' });
    expect((await recent('dept02')).has(ticket.id)).toBe(false);
    const row = (await as<LeadQueueRow[]>('lead01', 'wallboard.queue', { queue: 'due_today' }).then(async (d) => [...d, ...await as<LeadQueueRow[]>('lead01', 'wallboard.queue', { queue: 'overdue' })]))
      .find((r) => r.id === ticket.id) ?? { id: ticket.id, version: ticket.version, leadDepartmentId: housing };
    expect(row.leadDepartmentId).toBe(housing);
    people.dept01!.events.length = 0;
    people.dept02!.events.length = 0;

    const done = await act('lead01', ticket.id, row.version, { type: 'reassign', leadDepartmentId: otherDept, reason: '属于供水管网维修，应由水务部门办理' });
    expect(done.status).toBe('dispatched');
    expect(done.version).toBe(ticket.version + 1);
    expect(done.timeline.at(-1)).toMatchObject({ action: 'reassign' });
    expect(new Date(done.signBy!).getTime()).toBeGreaterThan(clock.getTime());

    const told = (who: string) => people[who]!.events.some((e) => e.name === 'ticket.changed' && (e.payload as { ticketId: string; action: string }).ticketId === ticket.id
      && (e.payload as { action: string }).action === 'reassign');
    await eventually(() => told('dept01'), 'the old department is told');
    await eventually(() => told('dept02'), 'the new department is told');

    // The new department has it on its desk and may sign it; the old one may act on it no more.
    const desk2 = await as<{ id: string }[]>('dept02', 'tickets.work', { view: 'department', limit: 500 });
    expect(desk2.some((r) => r.id === ticket.id)).toBe(true);
    const desk1 = await as<{ id: string }[]>('dept01', 'tickets.work', { view: 'department', limit: 500 });
    expect(desk1.some((r) => r.id === ticket.id)).toBe(false);
    expect((await fails('dept01', 'tickets.act', { ticketId: ticket.id, expectedVersion: done.version, action: { type: 'sign' } })).code).toBe('forbidden');
    const signed = await act('dept02', ticket.id, done.version, { type: 'sign' });
    expect(signed.status).toBe('signed');

    const audit = await as<{ action: string; subjectId: string | null; actorName: string | null }[]>('admin', 'audit.list', { limit: 50, action: 'ticket.reassign' });
    expect(audit.find((a) => a.subjectId === ticket.id)?.actorName).toBe(people.lead01!.session!.user.displayName);
    const events = await t.app.store.db.selectFrom('ticket_events').select(['action', 'data']).where('ticket_id', '=', ticket.id).where('action', '=', 'reassign').execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.data)).toMatchObject({ fromDepartmentId: housing, leadDepartmentId: otherDept, reason: '属于供水管网维修，应由水务部门办理' });
  });

  it('refuses a ticket that changed meanwhile (stale version) and overwrites nothing', async () => {
    const ticket = await dispatched('供水管道破裂改派冲突测试');
    // The department signs while the lead's list still shows the dispatched ticket.
    await act('dept01', ticket.id, ticket.version, { type: 'sign' });
    const e = await fails('lead01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: { type: 'reassign', leadDepartmentId: otherDept, reason: '应由水务部门办理' } });
    expect(e).toMatchObject({ code: 'conflict', details: { reason: 'ticket_stale' } });
    const now = await as<TicketDetail>('lead01', 'tickets.get', { id: ticket.id });
    expect(now).toMatchObject({ status: 'signed', version: ticket.version + 1 });
    expect(now.timeline.some((x) => x.action === 'reassign')).toBe(false);
    expect((await recent('dept02')).has(ticket.id)).toBe(false);
  });

  it('is the shift lead\'s alone, needs another department and a reason, and is refused while an extension waits', async () => {
    const ticket = await dispatched('供水管道破裂改派权限测试');
    const reassign = { type: 'reassign', leadDepartmentId: otherDept, reason: '应由水务部门办理' };
    expect((await fails('agent01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: reassign })).code).toBe('forbidden');
    expect((await fails('dept01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: reassign })).code).toBe('forbidden');
    expect(await fails('lead01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: { ...reassign, leadDepartmentId: housing } }))
      .toMatchObject({ code: 'conflict', details: { reason: 'ticket_same_department' } });
    expect((await fails('lead01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: { ...reassign, reason: '' } })).code).toBe('invalid_input');
    expect((await fails('lead01', 'tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action: { ...reassign, leadDepartmentId: '01900000-0000-7000-8000-00000000dead' } })).code).toBe('invalid_input');
    let s = await act('dept01', ticket.id, ticket.version, { type: 'sign' });
    s = await act('dept01', s.id, s.version, { type: 'requestExtension', days: 3, reason: '需要协调施工单位' });
    expect(await fails('lead01', 'tickets.act', { ticketId: s.id, expectedVersion: s.version, action: reassign })).toMatchObject({ code: 'conflict', details: { reason: 'ticket_invalid_transition' } });
    const still = await as<TicketDetail>('lead01', 'tickets.get', { id: ticket.id });
    expect(still).toMatchObject({ status: 'extension_requested', version: s.version });
  });
});

describe('the lead reassigns a consultation item (改派) to another member on duty', () => {
  let item: ConsultationDetail;
  const rowOf = async () => (await as<LeadConsultRow[]>('lead01', 'wallboard.consultQueue', { queue: 'measures_overdue' })).find((r) => r.itemId === item.id)!;

  it('hands a claimed item to the other member: both told, audited, the list shows the new claimer', async () => {
    const ticket = await dispatched('供水管道反复破裂升级改派测试');
    const escalated = await as<ConsultationDetail>('agent01', 'consultation.escalate', {
      ticketIds: [ticket.id], reason: '同一管段反复破裂，需要委员协调', route: 'studio', urgency: 'normal',
    });
    item = await as<ConsultationDetail>('member01', 'consultation.claim', { id: escalated.id });
    const at = clock.toISOString();
    await insertMeasure(t.app.store.db, {
      id: '00000000-0000-4000-8000-00000000f001', item_id: item.id, content: '管网改造方案，逾期', owner_department_id: otherDept,
      deadline: addDays(chinaDateKey(clock), -1), status: 'planned', evidence: '', drop_reason: null, created_at: at, updated_at: at,
    });
    const row = await rowOf();
    expect(row).toMatchObject({ claimer: '张建国委员', claimerId: people.member01!.session!.user.id });
    people.member01!.events.length = 0;
    people.member02!.events.length = 0;

    const done = await as<ConsultationDetail>('lead01', 'consultation.reassign', { id: item.id, toUserId: people.member02!.session!.user.id, reason: '张委员本周外出调研', expectedVersion: row.version });
    expect(done.claimedBy).toBe(people.member02!.session!.user.id);
    expect(await rowOf()).toMatchObject({ claimer: '李卫东委员' });
    const told = (who: string) => people[who]!.events.some((e) => e.name === 'consultation.changed' && (e.payload as { kind: string }).kind === 'reassigned'
      && (e.payload as { reassign?: { reason: string } }).reassign?.reason === '张委员本周外出调研');
    await eventually(() => told('member01'), 'the member who had it is told');
    await eventually(() => told('member02'), 'the member who has it now is told');
    // The new claimer works it; the old one no longer may.
    expect((await fails('member01', 'consultation.addResearch', { itemId: item.id, method: 'desk', date: chinaDateKey(clock), summary: '查阅来电记录' })).code).toBe('forbidden');
    await as('member02', 'consultation.addResearch', { itemId: item.id, method: 'desk', date: chinaDateKey(clock), summary: '查阅来电记录' });
    const audit = await as<{ action: string; subjectId: string | null }[]>('admin', 'audit.list', { limit: 20, action: 'consultation.reassigned' });
    expect(audit.some((a) => a.subjectId === item.id)).toBe(true);
  });

  it('refuses an item that changed meanwhile, and a member off duty, and anyone but a shift lead; nothing moves', async () => {
    const row = await rowOf();
    // The member records work while the lead's list still shows the older version.
    await as('member02', 'consultation.addResearch', { itemId: item.id, method: 'interview', date: chinaDateKey(clock), summary: '电话回访来电人' });
    const back = { id: item.id, toUserId: people.member01!.session!.user.id, reason: '改回张委员', expectedVersion: row.version };
    expect(await fails('lead01', 'consultation.reassign', back)).toMatchObject({ code: 'conflict', details: { reason: 'consultation_stale' } });
    const fresh = await rowOf();
    const offDuty = (await t.app.store.db.selectFrom('users').select('id').where('username', '=', 'member03').executeTakeFirstOrThrow()).id;
    expect(await fails('lead01', 'consultation.reassign', { ...back, toUserId: offDuty, expectedVersion: fresh.version }))
      .toMatchObject({ code: 'conflict', details: { reason: 'consultation_target_not_on_duty' } });
    expect(await fails('lead01', 'consultation.reassign', { ...back, toUserId: people.member02!.session!.user.id, expectedVersion: fresh.version }))
      .toMatchObject({ details: { reason: 'consultation_same_claimer' } });
    expect((await fails('member02', 'consultation.reassign', { ...back, expectedVersion: fresh.version })).code).toBe('forbidden');
    expect((await fails('agent01', 'consultation.reassign', { ...back, expectedVersion: fresh.version })).code).toBe('forbidden');
    expect(await rowOf()).toMatchObject({ claimer: '李卫东委员', version: fresh.version });
  });
});

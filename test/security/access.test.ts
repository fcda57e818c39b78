/**
 * Per-record access (issue 9.2 / 9.3): every request that returns tickets or consultation items is
 * called as a user of each role - two departments, a department account not bound to any, a CPPCC
 * member (studio route), a Jiusan liaison expert (station route), an agent, a shift lead and an
 * admin - and no record the caller may not read may appear in any answer.
 *
 * The list of requests is not kept by hand: it is every request the contract marks with `returns`
 * (shared/contract/define.ts), and this file fails to type-check when a request whose result
 * carries ticket- or item-like records has no mark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import {
  requests, type ConsultationDetail, type ContractError, type RecordKind, type RequestName, type RequestOutput, type Requests, type Result,
  type TicketDetail, type TicketListRow, type TicketSearchResult, type WorkRow, type ReferenceData,
} from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { canReadItem } from '../../electron/services/consultation';

// ---- compile-time: a request that answers with ticket- or item-like records must be marked ----

/** A ticket or item as any result shows one: a number and a title, or a reference to an item by number. */
type RecordLike = { number: string; title: string } | { itemId: string; number: string };
type Carries<T, D extends unknown[] = []> = D['length'] extends 6 ? false
  : T extends RecordLike ? true
    : T extends readonly (infer E)[] ? Carries<E, [...D, 1]>
      : T extends object ? (true extends { [K in keyof T]-?: Carries<T[K], [...D, 1]> }[keyof T] ? true : false)
        : false;
type Unmarked = { [N in RequestName]: Carries<RequestOutput<N>> extends true ? (Requests[N] extends { returns: RecordKind } ? never : N) : never }[RequestName];
/** Fails to compile, naming the request, when one returns records without a `returns` mark. */
const everyRecordRequestMarked: [Unmarked] extends [never] ? true : { unmarked: Unmarked } = true;

// ---- the store: demo data, two departments, two routes ----

const clock = new Date('2025-06-03T02:00:00Z'); // Tuesday 10:00 Beijing
let t: TestApp;
type Person = Connection & { label: string };
const people: Record<string, Person> = {};
const CALLERS = ['agent01', 'member01', 'expert01', 'lead01', 'admin', 'deptA', 'deptB', 'deptNone'] as const;
type Caller = (typeof CALLERS)[number];

async function call(who: string, name: string, input: unknown): Promise<Result<unknown>> {
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
async function signIn(label: string, username: string) {
  const c: Person = { id: `c-${label}`, label, session: null, send: () => {} };
  people[label] = c;
  t.app.dispatcher.attach(c);
  await as(label, 'session.login', { username, password: 'Demo-12345' });
}

const fx = {
  deptA: '', deptB: '',
  /** T1 lead A · T2 lead B, co A · T3 confidential, lead A · T4 sent to A, returned, now at B · T5 lead B · T6/T7 for escalation. */
  t: {} as Record<'t1' | 't2' | 't3' | 't4' | 't5' | 't6' | 't7', string>,
  studio: '', station: '',
  attachments: [] as { itemId: string; attachmentId: string }[],
  categoryId: '',
  escalatedPhone: null as string | null,
  /** A class case of T1 (dept A) and T5 (dept B), package led by A, a counter A owns. */
  classCase: '', counter: '', topCategory: '',
  /** An outreach event today (team agent01, member member01) with one appeal registered at it. */
  outreach: '', communityCode: '',
  phones: { t1: '13800138001', t3: '13800138003', t5: '13800138005' },
};

async function createTicket(title: string, phone: string, confidential = false): Promise<string> {
  const r = await as<{ id: string }>('agent01', 'tickets.create', {
    channel: 'phone', citizen: { name: '测试市民', phone, confidential }, appealType: 'complaint', categoryId: fx.categoryId, urgency: 'normal',
    title, content: `${title}，市民反映情况属实，请相关单位核实处理并答复。`,
  });
  return r.id;
}
async function act(who: string, ticketId: string, action: Record<string, unknown>) {
  const version = (await as<TicketDetail>('lead01', 'tickets.get', { id: ticketId })).version;
  return as<TicketDetail>(who, 'tickets.act', { ticketId, expectedVersion: version, action });
}

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 150, now: () => clock, search: { inProcess: true } });
  for (const u of ['agent01', 'member01', 'expert01', 'lead01', 'admin']) await signIn(u, u);
  await signIn('deptA', 'dept01');
  fx.deptA = people.deptA!.session!.user.departmentId!;
  expect(fx.deptA).toBeTruthy();
  const ref = await as<ReferenceData>('agent01', 'reference.get', {});
  fx.deptB = ref.departments.find((d) => d.id !== fx.deptA && d.kind === 'bureau')!.id;
  fx.categoryId = ref.categories.find((c) => !ref.categories.some((k) => k.parentId === c.id))!.id;
  let top = ref.categories.find((c) => c.id === fx.categoryId)!;
  while (top.parentId) top = ref.categories.find((c) => c.id === top.parentId)!;
  fx.topCategory = top.id;
  // The admin binds a second department user through the contract; an unbound one is what a
  // department account without a department looks like (created by the system).
  await as('admin', 'users.create', { username: 'deptb01', displayName: '交通局联络员', password: 'Demo-12345-b', roles: ['department'], departmentId: fx.deptB });
  await t.app.users.create({ username: 'deptnone', displayName: '未绑定联络员', password: 'Demo-12345', roles: ['department'] }, null);
  await signIn('deptNone', 'deptnone');
  people.deptB = { id: 'c-deptB', label: 'deptB', session: null, send: () => {} };
  t.app.dispatcher.attach(people.deptB);
  await as('deptB', 'session.login', { username: 'deptb01', password: 'Demo-12345-b' });
  // An admin-set password is replaced at the first sign-in before anything else is allowed.
  await as('deptB', 'session.changePassword', { currentPassword: 'Demo-12345-b', newPassword: 'Hotline-2026-b!' });

  fx.t.t1 = await createTicket('访问测试一 小区路灯不亮', fx.phones.t1);
  fx.t.t2 = await createTicket('访问测试二 道路积水严重', '13800138002');
  fx.t.t3 = await createTicket('访问测试三 保密举报违建', fx.phones.t3, true);
  fx.t.t4 = await createTicket('访问测试四 错派工单退回', '13800138004');
  fx.t.t5 = await createTicket('访问测试五 公交站台破损', fx.phones.t5);
  fx.t.t6 = await createTicket('访问测试六 噪音扰民反复', '13800138006');
  fx.t.t7 = await createTicket('访问测试七 供暖不热反复', '13800138007');
  await act('agent01', fx.t.t1, { type: 'dispatch', leadDepartmentId: fx.deptA, coDepartmentIds: [], instructions: '请核实后依法处理' });
  await act('agent01', fx.t.t2, { type: 'dispatch', leadDepartmentId: fx.deptB, coDepartmentIds: [fx.deptA], instructions: '请核实后依法处理' });
  await act('agent01', fx.t.t3, { type: 'dispatch', leadDepartmentId: fx.deptA, coDepartmentIds: [], instructions: '请核实后依法处理' });
  await act('agent01', fx.t.t4, { type: 'dispatch', leadDepartmentId: fx.deptA, coDepartmentIds: [], instructions: '请核实后依法处理' });
  await act('deptA', fx.t.t4, { type: 'returnTicket', reason: '不属于本单位职责' });
  await act('lead01', fx.t.t4, { type: 'approveReturn' });
  await act('agent01', fx.t.t4, { type: 'dispatch', leadDepartmentId: fx.deptB, coDepartmentIds: [], instructions: '请核实后依法处理' });
  await act('agent01', fx.t.t5, { type: 'dispatch', leadDepartmentId: fx.deptB, coDepartmentIds: [], instructions: '请核实后依法处理' });

  // Two routes: the member on duty at the studio, the expert at the liaison station.
  for (const [who, desk] of [['member01', 'studio'], ['expert01', 'station']] as const) {
    await as('lead01', 'duty.savePattern', { userId: people[who]!.session!.user.id, desk, weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '23:59', validFrom: '2025-01-01' })
      .catch(() => undefined); // the demo roster may already cover them
  }
  const studio = await as<ConsultationDetail>('agent01', 'consultation.escalate', { ticketIds: [fx.t.t1], reason: '反复投诉需委员协调', route: 'studio', urgency: 'normal' });
  const station = await as<ConsultationDetail>('agent01', 'consultation.escalate', { ticketIds: [fx.t.t5], reason: '需专家调研论证', route: 'station', urgency: 'normal' });
  fx.studio = studio.id;
  fx.escalatedPhone = studio.tickets[0]!.phone;
  fx.station = station.id;
  for (const [who, id] of [['member01', fx.studio], ['expert01', fx.station]] as const) {
    await as(who, 'consultation.claim', { id });
    const d = await as<ConsultationDetail>(who, 'consultation.addResearch', {
      itemId: id, method: 'site_visit', date: '2025-06-03', summary: '现场查看并走访周边居民', attachments: [{ name: '现场.txt', mime: 'text/plain', base64: Buffer.from('照片说明').toString('base64') }],
    });
    fx.attachments.push({ itemId: id, attachmentId: d.research[0]!.attachments[0]!.id });
  }
  const cc = await as<{ id: string; version: number }>('lead01', 'classCases.create', { ticketIds: [fx.t.t1, fx.t.t5], title: '访问测试类案', terms: ['访问测试'] });
  const pk = await as<{ version: number }>('lead01', 'classCases.setPackage', { id: cc.id, expectedVersion: cc.version, leadDepartmentId: fx.deptA, person: '王科长' });
  const withCounter = await as<{ counters: { id: string }[] }>('lead01', 'classCases.addCounter', { id: cc.id, expectedVersion: pk.version, label: '路灯修复', target: 10, ownerDepartmentId: fx.deptA });
  fx.classCase = cc.id;
  fx.counter = withCounter.counters[0]!.id;
  const community = await t.app.store.db.selectFrom('divisions').select('code').where('level', '=', 3).where('retired', '=', 0).orderBy('code').executeTakeFirstOrThrow();
  fx.communityCode = community.code;
  const ev = await as<{ id: string }>('lead01', 'outreach.plan', {
    title: '访问测试便民活动', communityCode: community.code, address: '社区广场', date: '2025-06-03',
    teamIds: [people.agent01!.session!.user.id], memberIds: [people.member01!.session!.user.id],
  });
  fx.outreach = ev.id;
  await as('agent01', 'tickets.create', {
    channel: 'outreach', citizen: { phone: '13800138009', confidential: false }, appealType: 'help', categoryId: fx.categoryId, urgency: 'normal',
    title: '便民活动现场登记', content: '便民活动现场登记的诉求，请核实处理。', outreachEventId: ev.id,
  });
}, 120_000);
afterAll(async () => { await t?.dispose(); });

// ---- the oracle: computed from the store, not from the code under test ----

async function ticketIdsVisibleTo(departmentId: string | null): Promise<Set<string>> {
  if (!departmentId) return new Set();
  const db = t.app.store.db;
  const lead = await db.selectFrom('tickets').select('id').where('lead_department_id', '=', departmentId).execute();
  const events = await db.selectFrom('ticket_events').select(['ticket_id', 'data']).where('action', 'in', ['dispatch', 'reopen']).execute();
  const sent = events.filter((e) => {
    const d = JSON.parse(e.data) as { leadDepartmentId?: string; coDepartmentIds?: string[]; route?: { leadDepartmentId?: string; coDepartmentIds?: string[] } };
    return [d.leadDepartmentId, ...(d.coDepartmentIds ?? []), d.route?.leadDepartmentId, ...(d.route?.coDepartmentIds ?? [])].includes(departmentId);
  });
  return new Set([...lead.map((r) => r.id), ...sent.map((e) => e.ticket_id)]);
}

const departmentOf = (who: Caller): string | null | 'all' =>
  who === 'deptA' ? fx.deptA : who === 'deptB' ? fx.deptB : who === 'deptNone' ? null : 'all';

/** Every string anywhere in a value (and the ticket numbers inside an exported workbook). */
async function strings(v: unknown, out: Set<string> = new Set()): Promise<Set<string>> {
  if (typeof v === 'string') {
    out.add(v);
  } else if (Array.isArray(v)) {
    for (const x of v) await strings(x, out);
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.base64 === 'string' && typeof o.fileName === 'string' && o.fileName.endsWith('.xlsx')) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(o.base64, 'base64') as unknown as ArrayBuffer);
      wb.worksheets[0]!.eachRow((row) => { out.add(String(row.getCell(1).value)); });
    }
    for (const x of Object.values(o)) await strings(x, out);
  }
  return out;
}

let walked = 0;
/**
 * Calls `name` as `who` and fails if the answer (or, when it succeeded, the record it was asked
 * about) is a ticket or item `who` may not read. Errors are walked too: no record may leak in one.
 * Tickets are held to the department rule in every answer; items to the route rule in the answers
 * of requests marked `returns: 'items'`.
 */
async function probe(who: Caller, name: RequestName, input: unknown): Promise<void> {
  const r = await call(who, name, input);
  walked++;
  const db = t.app.store.db;
  const tickets = await db.selectFrom('tickets').select(['id', 'number']).execute();
  const items = await db.selectFrom('consultation_items').select(['id', 'number', 'route', 'claimed_by', 'created_by']).execute();
  const seen = await strings(r.ok ? [r.value, input] : r.error);
  const seenTickets = tickets.filter((x) => seen.has(x.id) || seen.has(x.number));
  const seenItems = items.filter((x) => seen.has(x.id) || seen.has(x.number));
  const dept = departmentOf(who);
  if (dept !== 'all') {
    const visible = await ticketIdsVisibleTo(dept);
    const foreign = seenTickets.filter((x) => !visible.has(x.id)).map((x) => x.number);
    expect(foreign, `${who} ${name} ${JSON.stringify(input)} shows foreign tickets`).toEqual([]);
  }
  // A ticket's answer may name the item it was escalated to (its number and stage, as its timeline
  // does): that belongs to the ticket. Items' own answers are held to the item rule.
  if ((requests[name] as { returns?: RecordKind }).returns !== 'items') return;
  const session = people[who]!.session!;
  const unreadable = seenItems.filter((x) => !canReadItem(session, x)).map((x) => x.number);
  expect(unreadable, `${who} ${name} ${JSON.stringify(input)} shows items off the caller's route`).toEqual([]);
}

// ---- how each marked request is called ----

type Case = (who: Caller) => unknown[];
const T = () => Object.values(fx.t);
const I = () => [fx.studio, fx.station];
const item = (extra: (itemId: string) => Record<string, unknown>): Case => () => I().map((itemId) => ({ itemId, ...extra(itemId) }));
const cases: Record<string, Case> = {
  'tickets.recent': () => [{ limit: 5000 }],
  'tickets.get': () => T().map((id) => ({ id })),
  // A stale version: the request is refused either way, so walking it changes nothing.
  'tickets.act': () => T().map((ticketId) => ({ ticketId, expectedVersion: 999_999, action: { type: 'sign' } })),
  'tickets.search': () => [{ limit: 200 }, { text: '访问测试', limit: 200 }, { text: '公交站台', limit: 200 }, { overdue: true, limit: 200 }],
  'tickets.similar': () => [{ categoryId: fx.categoryId, text: '访问测试五 公交站台破损，市民反映情况属实，请相关单位核实处理并答复。', limit: 20 }],
  'tickets.work': () => ['department', 'approvals', 'overdue', 'return_visits'].map((view) => ({ view, limit: 5000 })),
  'tickets.exportXlsx': () => [{ limit: 50_000 }],
  'wallboard.queue': () => ['to_dispatch', 'to_sign', 'due_today', 'overdue', 'returns', 'extensions'].map((queue) => ({ queue })),
  'wallboard.consultQueue': () => ['unclaimed', 'claim_overdue', 'measures_overdue'].map((queue) => ({ queue })),
  'hotspots.list': () => [{}],
  'phone.screenPop': () => Object.values(fx.phones).map((phone) => ({ phone })),
  'consultation.forTicket': () => T().map((ticketId) => ({ ticketId })),
  'consultation.hardCandidates': () => [{ limit: 500 }],
  'consultation.escalate': (who) => [{ ticketIds: [fx.t.t6], reason: `访问测试升级 ${who}`, route: 'station', urgency: 'normal' }],
  'consultation.transferHard': () => [{ ticketIds: [fx.t.t7], route: 'studio', urgency: 'normal', reason: '疑难事项移交' }],
  'consultation.queue': () => ['open', 'mine', 'all', 'hard', 'closed'].map((scope) => ({ scope, limit: 2000 })),
  'consultation.get': () => I().map((id) => ({ id })),
  'consultation.claim': () => I().map((id) => ({ id })),
  'consultation.advance': () => I().map((id) => ({ id })),
  'consultation.addResearch': item(() => ({ method: 'desk', date: '2025-06-03', summary: '查阅历年来电记录' })),
  'consultation.attachment': () => [...fx.attachments, ...fx.attachments.map((a, n) => ({ itemId: fx.attachments[1 - n]!.itemId, attachmentId: a.attachmentId }))],
  'consultation.addMeeting': item(() => ({ date: '2025-06-03', departmentIds: [fx.deptA], minutes: '会商形成处理意见' })),
  'consultation.addMeasure': item(() => ({ content: '限期完成整改', ownerDepartmentId: fx.deptA, deadline: '2025-07-01' })),
  'consultation.updateMeasure': item(() => ({ measureId: '01900000-0000-7000-8000-000000000000', status: 'in_progress' })),
  'consultation.setPackage': item(() => ({ leader: '王区长', departmentId: fx.deptA, street: '和平街道', community: '和平社区' })),
  'consultation.saveReport': item(() => ({ title: '关于路灯维护的建议', problem: '多处路灯长期不亮', suggestions: '建立巡查机制' })),
  'consultation.recordInstruction': item(() => ({ leader: '李市长', date: '2025-06-03', text: '同意，抓紧落实' })),
  'consultation.addFeedback': item(() => ({ channel: 'visit', satisfied: true, content: '群众表示满意' })),
  'consultation.exportReport': item(() => ({})),
  'consultation.monthly': () => [{ month: '2025-06' }],
  'consultation.alerts': () => [{}],
  // A member who is no one: refused before anything moves, so later samples see the items as seeded.
  'consultation.reassign': () => I().map((id) => ({ id, toUserId: '01900000-0000-7000-8000-00000000ffff', reason: '改派测试', expectedVersion: 0 })),
  'analysis.escalateFinding': (who) => [{ month: '2025-06', finding: { kind: 'surge', scope: 'domain', key: fx.topCategory }, reason: `访问测试研判 ${who}`, route: 'station', urgency: 'normal' }],
  'classCases.create': () => [{ ticketIds: [fx.t.t2], title: '访问测试类案二' }],
  'outreach.plan': () => [{ title: '访问测试便民活动二', communityCode: fx.communityCode, address: '社区广场', date: '2025-06-04', teamIds: [people.agent01!.session!.user.id] }],
  'outreach.list': () => [{}],
  'outreach.get': () => [{ id: fx.outreach }],
  // A stale version: refused either way.
  'outreach.setPeopleMet': () => [{ id: fx.outreach, expectedVersion: 999_999, peopleMet: 10 }],
  // Stale versions: refused either way (the edit also because the event's day has passed).
  'outreach.edit': () => [{ id: fx.outreach, expectedVersion: 999_999, title: '访问测试便民活动改', communityCode: fx.communityCode, address: '社区广场', date: '2025-06-05', teamIds: [people.agent01!.session!.user.id] }],
  'outreach.cancel': () => [{ id: fx.outreach, expectedVersion: 999_999, reason: '访问测试取消' }],
  'classCases.list': () => [{ state: 'all', limit: 1000 }],
  'classCases.get': () => [{ id: fx.classCase }],
  'classCases.matchIntake': () => [{ text: '访问测试 小区路灯不亮' }],
  // Stale versions: refused either way, so walking them changes nothing.
  'classCases.addMembers': () => [{ id: fx.classCase, expectedVersion: 999_999, ticketIds: [fx.t.t3] }],
  'classCases.setRule': () => [{ id: fx.classCase, expectedVersion: 999_999, terms: ['路灯'], categoryId: null, areaCode: null }],
  'classCases.setPackage': () => [{ id: fx.classCase, expectedVersion: 999_999, leadDepartmentId: fx.deptB, person: '李科长' }],
  'classCases.addMeasure': () => [{ id: fx.classCase, expectedVersion: 999_999, content: '逐杆排查线路', ownerDepartmentId: fx.deptA, deadline: '2025-07-01' }],
  'classCases.updateMeasure': () => [{ id: fx.classCase, measureId: '01900000-0000-7000-8000-000000000000', expectedVersion: 999_999, status: 'done' }],
  'classCases.addCounter': () => [{ id: fx.classCase, expectedVersion: 999_999, label: '修复', target: 5, ownerDepartmentId: fx.deptA }],
  'classCases.updateCounter': () => [{ id: fx.classCase, counterId: fx.counter, expectedVersion: 999_999, value: 3 }],
  'classCases.reply': () => [{ id: fx.classCase, expectedVersion: 999_999, content: '已统一答复市民' }],
  'classCases.close': () => [{ id: fx.classCase, expectedVersion: 999_999, note: '整治完成', reply: '已统一答复市民' }],
  'classCases.escalate': () => [{ id: fx.classCase, expectedVersion: 999_999, reason: '需协调', route: 'studio', urgency: 'normal' }],
  // Last: releasing and closing change who may read what; the oracle reads the store after each call.
  'consultation.release': () => I().map((id) => ({ id })),
  'consultation.close': item(() => ({ note: '已办结' })),
};

describe('ticket visibility by department (9.2)', () => {
  it('a department lists the tickets dispatched to it - lead, co-department, returned - and no other', async () => {
    const ids = async (who: string) => new Set((await as<TicketListRow[]>(who, 'tickets.recent', { limit: 5000 })).map((r) => r.id));
    const a = await ids('deptA');
    expect([fx.t.t1, fx.t.t2, fx.t.t3, fx.t.t4].every((id) => a.has(id))).toBe(true);
    expect(a.has(fx.t.t5)).toBe(false);
    expect([...a]).toEqual(expect.arrayContaining([...(await ticketIdsVisibleTo(fx.deptA))]));
    const b = await ids('deptB');
    expect([fx.t.t2, fx.t.t4, fx.t.t5].every((id) => b.has(id))).toBe(true);
    expect(b.has(fx.t.t1) || b.has(fx.t.t3)).toBe(false);
    expect((await ids('deptNone')).size).toBe(0);
    // The hotline's own staff keep the whole picture.
    expect((await ids('agent01')).size).toBeGreaterThan(a.size + b.size);
  });

  it('a foreign ticket does not exist for a department: get and act answer not_found', async () => {
    expect((await fails('deptA', 'tickets.get', { id: fx.t.t5 })).code).toBe('not_found');
    expect((await fails('deptB', 'tickets.get', { id: fx.t.t3 })).code).toBe('not_found');
    expect((await fails('deptB', 'tickets.act', { ticketId: fx.t.t1, expectedVersion: 2, action: { type: 'sign' } })).code).toBe('not_found');
    expect((await fails('deptNone', 'tickets.get', { id: fx.t.t1 })).code).toBe('not_found');
  });

  it('a returned ticket stays readable to the department that returned it, read-only', async () => {
    const d = await as<TicketDetail>('deptA', 'tickets.get', { id: fx.t.t4 });
    expect(d.allowedActions).toEqual([]);
    expect(d.timeline.map((e) => e.action)).toContain('returnTicket');
  });

  it('a department sees a masked number, and on a confidential ticket no citizen at all', async () => {
    const own = await as<TicketDetail>('deptA', 'tickets.get', { id: fx.t.t1 });
    expect(own.phone).toBe('138****8001');
    const secret = await as<TicketDetail>('deptA', 'tickets.get', { id: fx.t.t3 });
    expect(secret).toMatchObject({ confidential: true, phone: null, callerName: null });
    const list = await as<TicketListRow[]>('deptA', 'tickets.recent', { limit: 5000 });
    expect(list.find((r) => r.id === fx.t.t3)?.phone).toBe('');
    expect((await as<TicketDetail>('agent01', 'tickets.get', { id: fx.t.t3 })).phone).toBe(fx.phones.t3);
  });

  it('work queues, search and the lead department desk hold only the department\'s own tickets', async () => {
    const work = await as<WorkRow[]>('deptA', 'tickets.work', { view: 'department', limit: 5000 });
    expect(work.map((r) => r.id)).toContain(fx.t.t1);
    expect(work.map((r) => r.id)).not.toContain(fx.t.t5);
    const hits = await as<TicketSearchResult>('deptA', 'tickets.search', { text: '访问测试', limit: 200 });
    expect(hits.rows.map((r) => r.id).sort()).toEqual([fx.t.t1, fx.t.t2, fx.t.t3, fx.t.t4].sort());
    expect(hits.total).toEqual({ count: 4, exact: true });
    expect((await as<TicketSearchResult>('deptB', 'tickets.search', { text: '路灯', limit: 200 })).rows.map((r) => r.id)).not.toContain(fx.t.t1);
    expect((await as<TicketSearchResult>('agent01', 'tickets.search', { text: '访问测试', limit: 200 })).rows).toHaveLength(7);
  });
});

describe('consultation items by route, claim and role (9.3)', () => {
  it('a member cannot open the liaison station\'s item or its files, nor an expert the studio\'s', async () => {
    expect(await fails('member01', 'consultation.get', { id: fx.station })).toMatchObject({ code: 'forbidden', details: { reason: 'consultation_wrong_route' } });
    expect((await fails('expert01', 'consultation.get', { id: fx.studio })).code).toBe('forbidden');
    const [studioFile, stationFile] = fx.attachments;
    expect((await fails('member01', 'consultation.attachment', stationFile)).code).toBe('forbidden');
    expect((await fails('expert01', 'consultation.attachment', studioFile)).code).toBe('forbidden');
    expect((await as<{ name: string }>('member01', 'consultation.attachment', studioFile)).name).toBe('现场.txt');
    expect((await fails('member01', 'consultation.exportReport', { itemId: fx.station })).code).toBe('forbidden');
  });

  it('full numbers only for the claimer and shift leads; others on the route see them masked', async () => {
    expect((await as<ConsultationDetail>('member01', 'consultation.get', { id: fx.studio })).tickets[0]!.phone).toBe(fx.phones.t1);
    expect((await as<ConsultationDetail>('lead01', 'consultation.get', { id: fx.studio })).tickets[0]!.phone).toBe(fx.phones.t1);
    // The agent who escalated it is answered with the item, without the number.
    expect(fx.escalatedPhone).toBe('138****8001');
    await as('admin', 'users.create', { username: 'member03', displayName: '孙委员', password: 'Demo-12345-c', roles: ['cppcc_member'] });
    people.member03 = { id: 'c-member03', label: 'member03', session: null, send: () => {} };
    t.app.dispatcher.attach(people.member03);
    await as('member03', 'session.login', { username: 'member03', password: 'Demo-12345-c' });
    await as('member03', 'session.changePassword', { currentPassword: 'Demo-12345-c', newPassword: 'Hotline-2026-c!' });
    expect((await as<ConsultationDetail>('member03', 'consultation.get', { id: fx.studio })).tickets[0]!.phone).toBe('138****8001');
  });

  it('the monthly list and the queue show each reader only the items on their route', async () => {
    const monthly = await as<{ rows: { list: { id: string }[] }[] }>('expert01', 'consultation.monthly', { month: '2025-06' });
    const ids = monthly.rows.flatMap((r) => r.list.map((i) => i.id));
    expect(ids).toContain(fx.station);
    expect(ids).not.toContain(fx.studio);
  });

  it('a department may open neither items nor their files', async () => {
    expect((await fails('deptA', 'consultation.get', { id: fx.studio })).code).toBe('forbidden');
    expect((await fails('deptA', 'consultation.attachment', fx.attachments[0])).code).toBe('forbidden');
  });
});

describe('class cases by department (issue 14)', () => {
  it('each department sees the case and only its own member tickets; a department with none sees nothing', async () => {
    const a = await as<{ memberList: { id: string }[] }>('deptA', 'classCases.get', { id: fx.classCase });
    expect(a.memberList.map((m) => m.id)).toEqual([fx.t.t1]);
    const b = await as<{ memberList: { id: string }[] }>('deptB', 'classCases.get', { id: fx.classCase });
    expect(b.memberList.map((m) => m.id)).toEqual([fx.t.t5]);
    expect((await fails('deptNone', 'classCases.get', { id: fx.classCase })).code).toBe('not_found');
    // Only the owner department (A) may report the counter's progress.
    expect((await fails('deptB', 'classCases.updateCounter', { id: fx.classCase, counterId: fx.counter, expectedVersion: 1, value: 3 })).details?.reason).toBe('class_case_not_owner');
  });
});

describe('every request marked as returning tickets or items, as every role', () => {
  it('has a way to be called in this test', () => {
    expect(everyRecordRequestMarked).toBe(true);
    const marked = (Object.keys(requests) as RequestName[]).filter((n) => (requests[n] as { returns?: RecordKind }).returns).sort();
    expect(marked.length).toBeGreaterThan(20);
    expect(Object.keys(cases).sort()).toEqual(marked);
  });

  it('shows no caller a record outside their department, route, claim or role', async () => {
    for (const name of Object.keys(cases) as RequestName[]) {
      for (const who of CALLERS) {
        for (const input of cases[name]!(who)) await probe(who, name, input);
      }
    }
    expect(walked).toBeGreaterThan(300);
  }, 120_000);
});

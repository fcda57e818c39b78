/**
 * The KPI report reads counts kept per China day by the ticket history's writer (kpi_daily) instead
 * of scanning the history. After a realistic mix of lifecycle actions through the contract, on
 * either store (this suite runs as `unit` on SQLite and as `pg` on PostgreSQL), the report and every
 * day's counts must be what the old scan of the history gives for the same whole China days; two
 * transactions writing at once must both count; and shift leads are told (coalesced) that the
 * figures changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, KpiReport, Result, TicketDetail } from '../../shared/contract';
import { chinaDateKey, keyOfDayNumber, requireDayNumber, startOfChinaDay } from '../../shared/domain/china-time';
import { KPI_COUNT_NAMES, type KpiCounts } from '../../shared/domain/kpi';
import type { Connection } from '../../electron/rpc/dispatcher';
import { KpiService } from '../../electron/services/kpi';
import { appendTicketEvent } from '../../electron/store/repos/ticket-events';
import { kpiDays, rebuildKpiDaily } from '../../electron/store/repos/kpi-daily';
import { loadDemoData } from '../../electron/demo';
import { createTestApp, type TestApp } from '../support/app';

type Recorder = Connection & { events: { name: EventName; payload: unknown }[] };
const conn = (): Recorder => {
  const events: Recorder['events'] = [];
  return { id: `c-${Math.random()}`, session: null, events, send: (name, payload) => { events.push({ name, payload }); } };
};

// 23:30 in Beijing on Thursday 3 December: UTC is still the same date an hour later, China is not.
let clock = new Date('2026-12-03T15:30:00.000Z');
let t: TestApp;
let kpis: KpiService;
const people: Record<string, Recorder> = {};
let leaf: string;
let deptId: string;

async function as<T>(who: string, name: string, input: unknown): Promise<T> {
  const r = (await t.app.dispatcher.dispatch(people[who]!, name, input)) as Result<T>;
  if (!r.ok) throw new Error(`${who} ${name}: ${JSON.stringify(r.error)}`);
  return r.value;
}
const report = (days: number) => as<KpiReport>('lead01', 'stats.kpis', { days });
const act = (who: string, tk: TicketDetail, action: Record<string, unknown>) =>
  as<TicketDetail>(who, 'tickets.act', { ticketId: tk.id, expectedVersion: tk.version, action });
async function newTicket(title: string): Promise<TicketDetail> {
  const created = await as<{ id: string }>('agent01', 'tickets.create', {
    channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
    title, content: '来电人反映小区门口路灯连续多日不亮，夜间出行不便，希望尽快修复。',
  });
  return as<TicketDetail>('agent01', 'tickets.get', { id: created.id });
}
const dispatch = (tk: TicketDetail) => act('agent01', tk, { type: 'dispatch', leadDepartmentId: deptId, coDepartmentIds: [], instructions: '请核实路灯故障并尽快修复，答复来电人。' });
const reply = (tk: TicketDetail) => act('dept01', tk, { type: 'reply', content: '经现场核查，已更换损坏灯具，路灯恢复正常照明。' });

/** b − a per count. */
const diff = (a: KpiReport, b: KpiReport) => Object.fromEntries(KPI_COUNT_NAMES.map((k) => [k, b.counts[k] - a.counts[k]]).filter(([, n]) => n !== 0));

/** The old way: scan the history over China days first..last. */
async function scanDays(first: string, last: string): Promise<KpiCounts> {
  const r = await kpis.fromHistory(startOfChinaDay(first).toISOString(), startOfChinaDay(keyOfDayNumber(requireDayNumber(last) + 1)).toISOString());
  return r.counts;
}

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 400, now: () => clock });
  kpis = new KpiService(t.app.store.db, t.app.store.dialect);
  for (const u of ['agent01', 'dept01', 'lead01']) {
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

describe('KPIs from daily counts kept by the history writer', () => {
  const tk: Record<string, TicketDetail> = {};

  it('counts each action on its China day: 23:30 is still today, 00:30 is tomorrow although UTC has the same date', async () => {
    const before = await report(1);
    expect(before.from).toBe('2026-12-02T16:00:00.000Z'); // 00:00 3 December in Beijing
    expect(before.to).toBe('2026-12-03T16:00:00.000Z');
    for (const k of ['a', 'b', 'c', 'd']) tk[k] = await newTicket(`路灯不亮 ${k}`);
    tk.a = await dispatch(tk.a!);
    tk.b = await dispatch(tk.b!);
    tk.d = await dispatch(tk.d!);
    tk.c = await act('agent01', tk.c!, { type: 'resolveDirectly', summary: '已告知来电人路灯报修电话及处理时限' });
    expect(diff(before, await report(1))).toEqual({ registered: 4, dispatched: 3, resolvedDirectly: 1 });

    clock = new Date('2026-12-03T16:30:00.000Z'); // 00:30 on Friday 4 December in Beijing
    const friday = await report(1);
    tk.a = await act('dept01', tk.a!, { type: 'sign' });
    tk.b = await act('dept01', tk.b!, { type: 'returnTicket', reason: '路灯属城管部门管理' });
    tk.b = await act('lead01', tk.b!, { type: 'approveReturn' });
    tk.b = await dispatch(tk.b!);
    expect(diff(friday, await report(1))).toEqual({ signedOnTime: 1, returned: 1, dispatched: 1 });
    // Thursday's work is in the two-day report, not in Friday's.
    expect((await report(2)).counts.registered - (await report(1)).counts.registered).toBeGreaterThanOrEqual(4);
  });

  it('late signs and replies count in the totals but not as on time; visits count resolved and satisfied', async () => {
    clock = new Date('2026-12-08T02:00:00.000Z'); // Tuesday 10:00, past both sign deadlines
    const start = await report(1);
    tk.b = await act('dept01', tk.b!, { type: 'sign' });
    tk.d = await act('dept01', tk.d!, { type: 'sign' });
    expect(tk.d.timeline.at(-1)).toMatchObject({ action: 'sign' });
    tk.a = await act('dept01', tk.a!, { type: 'startHandling' });
    tk.a = await reply(tk.a);
    tk.a = await act('agent01', tk.a, { type: 'review', approved: true });
    tk.a = await act('agent01', tk.a, { type: 'recordReturnVisit', resolved: true, satisfaction: 'satisfied' });
    tk.d = await act('dept01', tk.d!, { type: 'startHandling' });
    tk.d = await reply(tk.d);
    tk.d = await act('agent01', tk.d, { type: 'review', approved: true });
    tk.d = await act('agent01', tk.d, { type: 'recordReturnVisit', resolved: false, satisfaction: 'unsatisfied', note: '晚上仍有一盏不亮' });
    expect(diff(start, await report(1))).toEqual({ replied: 2, repliedOnTime: 2, returnVisits: 2, resolved: 1, satisfied: 1 });
    expect(tk.a.status).toBe('closed');
  });

  it('gives for the last N China days exactly what the old scan of the history gives for them', async () => {
    for (const days of [1, 7, 30, 366]) {
      const r = await report(days);
      expect(r.counts).toEqual((await kpis.fromHistory(r.from, r.to)).counts);
      expect(requireDayNumber(chinaDateKey(new Date(r.to))) - requireDayNumber(chinaDateKey(new Date(r.from)))).toBe(days);
    }
    expect((await report(366)).counts.returnVisits).toBeGreaterThan(2); // demo history is in it too
  });

  it('keeps each day\'s counts equal to a scan of that day, demo load included, and to a rebuild from the history', async () => {
    const days = await kpiDays(t.app.store.db);
    expect(days.size).toBeGreaterThan(10);
    for (const [day, counts] of days) expect({ day, ...counts }).toEqual({ day, ...await scanDays(day, day) });
    // Nothing counted outside the stored days.
    const first = [...days.keys()][0]!;
    const last = [...days.keys()].at(-1)!;
    expect(await scanDays(keyOfDayNumber(requireDayNumber(first) - 400), keyOfDayNumber(requireDayNumber(first) - 1))).toEqual(Object.fromEntries(KPI_COUNT_NAMES.map((k) => [k, 0])));
    expect(await scanDays(keyOfDayNumber(requireDayNumber(last) + 1), keyOfDayNumber(requireDayNumber(last) + 400))).toEqual(Object.fromEntries(KPI_COUNT_NAMES.map((k) => [k, 0])));
    // The migration's backfill (the same statement) recomputes exactly what the writer kept.
    await t.app.store.db.transaction().execute((trx) => rebuildKpiDaily(trx, t.app.store.dialect));
    expect(await kpiDays(t.app.store.db)).toEqual(days);
  });

  it('two transactions writing the same new day at once both count (an increment, not read-then-write)', async () => {
    const day = '2031-01-01';
    const at = startOfChinaDay(day).toISOString();
    const visit = (ticketId: string) => ({ ticketId, at, actorId: null, action: 'recordReturnVisit' as const, fromState: 'reviewed' as const, toState: 'closed' as const, data: { resolved: true, satisfied: true, note: null } });
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => { release = r; });
    let firstWrote: () => void = () => undefined;
    const wrote = new Promise<void>((r) => { firstWrote = r; });
    // The first holds its transaction open after writing; the second writes meanwhile (on PostgreSQL
    // it waits for the first's row; on SQLite transactions take turns), then the first commits.
    const first = t.app.store.db.transaction().execute(async (trx) => {
      await appendTicketEvent(trx, visit(tk.a!.id));
      firstWrote();
      await held;
    });
    await wrote;
    const second = t.app.store.db.transaction().execute(async (trx) => {
      await appendTicketEvent(trx, visit(tk.d!.id));
      await appendTicketEvent(trx, visit(tk.d!.id));
    });
    setTimeout(release, 200);
    await Promise.all([first, second]);
    expect((await kpiDays(t.app.store.db)).get(day)).toMatchObject({ returnVisits: 3, resolved: 3, satisfied: 3 });
    expect(await scanDays(day, day)).toMatchObject({ returnVisits: 3, resolved: 3, satisfied: 3 });
  });

  it('tells shift leads that figures changed, a burst of tickets in a few events, and not department users', async () => {
    // Quiet long enough for the earlier tests' last event to have gone and its second to have passed:
    // the next change is told at once, the rest of the burst in one event a second later.
    await new Promise((r) => setTimeout(r, 2100));
    for (const p of Object.values(people)) p.events.length = 0;
    const started = Date.now();
    for (let i = 0; i < 12; i++) await newTicket(`噪音扰民 ${i}`);
    const elapsed = Date.now() - started;
    const told = () => people.lead01!.events.filter((e) => e.name === 'stats.changed').length;
    // The change that started the burst is told at once (on PostgreSQL, once the bus carried it).
    await expect.poll(told, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 1500)); // the trailing event of the last second
    expect(told()).toBeGreaterThanOrEqual(2);
    expect(told()).toBeLessThanOrEqual(Math.floor(elapsed / 1000) + 2);
    expect(told()).toBeLessThan(12);
    expect(people.dept01!.events.filter((e) => e.name === 'stats.changed')).toEqual([]);
  });
});

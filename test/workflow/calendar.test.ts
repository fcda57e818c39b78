import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result, TicketDetail } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

const clock = new Date('2027-01-29T02:00:00Z'); // Friday before an (invented for the test) 2027 holiday week
let t: TestApp;
const agent: Connection = { id: 'a', session: null, send: () => {} };
const admin: Connection = { id: 'b', session: null, send: () => {} };
const call = async <T>(c: Connection, name: string, input: unknown) => (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 30, now: () => clock });
  for (const [c, u] of [[agent, 'agent01'], [admin, 'admin']] as const) {
    t.app.dispatcher.attach(c);
    await call(c, 'session.login', { username: u, password: 'Demo-12345' });
  }
}, 60_000);
afterAll(async () => { await t?.dispose(); });

async function dispatchNew(): Promise<TicketDetail> {
  const leaf = await t.app.store.db.selectFrom('categories').select('id').where('level', '=', 3).executeTakeFirstOrThrow();
  const dept = await t.app.store.db.selectFrom('departments').select('id').executeTakeFirstOrThrow();
  const c = await call<{ id: string }>(agent, 'tickets.create', { channel: 'walk_in', citizen: { confidential: false }, appealType: 'consultation', categoryId: leaf.id, urgency: 'normal', title: '咨询社保转移手续', content: '来访人咨询跨省社保转移需要办理哪些手续。' });
  const id = (c as { value: { id: string } }).value.id;
  const d = await call<TicketDetail>(agent, 'tickets.act', { ticketId: id, expectedVersion: 1, action: { type: 'dispatch', leadDepartmentId: dept.id, coDepartmentIds: [], instructions: '请核实并答复来电人' } });
  return (d as { value: TicketDetail }).value;
}

describe('working-day calendar kept by admins', () => {
  it('counts deadlines over the holidays an admin enters for a new year', async () => {
    // Without a 2027 calendar: consultation = 2 working days → Mon Feb 1, Tue Feb 2.
    expect((await dispatchNew()).replyBy).toBe('2027-02-02T15:59:59.000Z');
    const saved = await call(admin, 'calendar.setYear', { year: 2027, holidays: ['2027-02-01', '2027-02-02', '2027-02-03'], workdays: ['2027-01-30'] });
    expect(saved).toMatchObject({ ok: true, value: { year: 2027, source: 'admin' } });
    // Now Sat Jan 30 is a working day, Feb 1–3 are off: Jan 30, Feb 4.
    expect((await dispatchNew()).replyBy).toBe('2027-02-04T15:59:59.000Z');
  });

  it('refuses a calendar with mistakes, and only admins may change it', async () => {
    expect(await call(agent, 'calendar.setYear', { year: 2028, holidays: [], workdays: [] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const both = await call(admin, 'calendar.setYear', { year: 2028, holidays: ['2028-01-01'], workdays: ['2028-01-01'] });
    expect(both).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ problem: 'date_in_both_lists' }] } });
    const other = await call(admin, 'calendar.setYear', { year: 2028, holidays: ['2029-01-01'], workdays: [] });
    expect(other).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ problem: 'other_year' }] } });
    const years = await call<{ year: number }[]>(agent, 'calendar.list', {});
    expect(years.ok && years.value.map((y) => y.year)).toEqual([2025, 2026, 2027]);
  });
});

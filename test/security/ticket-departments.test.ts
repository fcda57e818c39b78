/**
 * The dispatch history behind department visibility (migration 0014): every department a ticket
 * was ever sent to - lead or co-department, by a dispatch or a redispatching reopen - is recorded,
 * whether the history came through the workflow, the demo generator or a store older than the table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { backfillTicketDepartments } from '../../electron/store/migrations/0014_ticket_departments_access';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 400, now: () => new Date('2025-06-03T02:00:00Z'), search: { inProcess: true } });
}, 90_000);
afterAll(async () => { await t?.dispose(); });

/** What the events say, read in JavaScript rather than SQL. */
async function fromEvents(): Promise<string[]> {
  const events = await t.app.store.db.selectFrom('ticket_events').select(['ticket_id', 'data']).where('action', 'in', ['dispatch', 'reopen']).execute();
  const pairs = new Set<string>();
  for (const e of events) {
    const d = JSON.parse(e.data) as { leadDepartmentId?: string; coDepartmentIds?: string[]; route?: { leadDepartmentId?: string; coDepartmentIds?: string[] } };
    for (const dep of [d.leadDepartmentId, ...(d.coDepartmentIds ?? []), d.route?.leadDepartmentId, ...(d.route?.coDepartmentIds ?? [])]) {
      if (dep) pairs.add(`${e.ticket_id}|${dep}`);
    }
  }
  return [...pairs].sort();
}
const stored = async () => (await t.app.store.db.selectFrom('ticket_departments').select(['ticket_id', 'department_id']).execute())
  .map((r) => `${r.ticket_id}|${r.department_id}`).sort();

describe('ticket_departments', () => {
  it('holds, after demo data is loaded, exactly the departments its dispatch events name - misrouted ones included', async () => {
    const expected = await fromEvents();
    expect(expected.length).toBeGreaterThan(200);
    // Some demo tickets went to a wrong office first and came back: more pairs than tickets with a lead.
    const leads = await t.app.store.db.selectFrom('tickets').select('id').where('lead_department_id', 'is not', null).execute();
    expect(expected.length).toBeGreaterThan(leads.length);
    expect(await stored()).toEqual(expected);
  });

  it('is rebuilt the same from the events alone (a store that predates the table), and running it twice adds nothing', async () => {
    const before = await stored();
    await t.app.store.db.deleteFrom('ticket_departments').execute();
    await backfillTicketDepartments(t.app.store.db, t.app.store.dialect);
    await backfillTicketDepartments(t.app.store.db, t.app.store.dialect);
    expect(await stored()).toEqual(before);
  });
});

/**
 * ticket_tallies (migration 0022) is kept by triggers on tickets, on both stores: whatever writes a
 * ticket row (a service, the demo loader, an import, a bulk update, a delete), the counts the
 * wallboard's overview reads equal the tickets grouped, and the overview itself agrees with a
 * direct count of the tickets table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { generateReferenceData, generateTickets } from '../../electron/demo';
import { ticketOverviewCounts } from '../../electron/store/repos/tickets';
import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import { openTestStore, STORE_KINDS, type StoreKind, type TestStore } from './stores';
import { writeReference, writeTickets } from './seed';
import { keptTallies, talliesFromTickets } from './tallies';

describe.each(STORE_KINDS)('ticket tallies on the %s store', (kind: StoreKind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(kind);
    const ref = generateReferenceData(12);
    await writeReference(t.store.db, ref);
    await writeTickets(t.store.db, generateTickets({ seed: 12, count: 300, referenceDate: '2026-11-28T02:00:00.000Z', days: 30, reference: ref }), 100);
  }, 60_000);
  afterAll(async () => { await t?.dispose(); });

  it('follow inserts, status and district changes, bulk updates and deletes', async () => {
    const db = t.store.db;
    expect(await keptTallies(db)).toEqual(await talliesFromTickets(db));
    const some = await db.selectFrom('tickets').select(['id', 'status']).orderBy('id').limit(40).execute();
    // One at a time, as the workflow moves tickets.
    for (const r of some.slice(0, 10)) await db.updateTable('tickets').set({ status: r.status === 'closed' ? 'handling' : 'closed' }).where('id', '=', r.id).execute();
    // A change that leaves the counted columns as they were.
    await db.updateTable('tickets').set({ title: sql`title` }).where('id', '=', some[10]!.id).execute();
    // A district taken away, and another given.
    await db.updateTable('tickets').set({ district_code: null }).where('id', '=', some[11]!.id).execute();
    const district = (await db.selectFrom('tickets').select('district_code').where('district_code', 'is not', null).where('id', '<>', some[11]!.id).executeTakeFirstOrThrow()).district_code;
    await db.updateTable('tickets').set({ district_code: district }).where('id', '=', some[11]!.id).execute();
    await db.updateTable('tickets').set({ district_code: null }).where('id', '=', some[12]!.id).execute();
    // Many in one statement.
    await db.updateTable('tickets').set({ status: 'merged' }).where('id', 'in', some.slice(13, 30).map((r) => r.id)).execute();
    // Deleted (their dependants first).
    const gone = some.slice(30, 40).map((r) => r.id);
    for (const table of ['ticket_events', 'ticket_state', 'ticket_departments', 'call_ticket_links', 'consultation_item_tickets'] as const) {
      await db.deleteFrom(table).where('ticket_id', 'in', gone).execute();
    }
    await db.deleteFrom('tickets').where('id', 'in', gone).execute();
    expect(await keptTallies(db)).toEqual(await talliesFromTickets(db));
  });

  it('give the overview the same figures as counting the tickets table', async () => {
    const db = t.store.db;
    const now = '2026-11-28T02:00:00.000Z';
    const c = await ticketOverviewCounts(db, { createdSince: '2026-11-27T16:00:00.000Z', openStates: OPEN_TICKET_STATES, now });
    const byStatus = await db.selectFrom('tickets').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
    expect(new Map(c.byStatus.map((r) => [r.status, r.count]))).toEqual(new Map(byStatus.map((r) => [r.status, Number(r.n)])));
    const open = byStatus.filter((r) => (OPEN_TICKET_STATES as readonly string[]).includes(r.status)).reduce((a, r) => a + Number(r.n), 0);
    expect(c.open).toBe(open);
    expect(c.open).toBeGreaterThan(0);
    const byType = await db.selectFrom('tickets').select(['appeal_type', sql<number>`count(*)`.as('n')]).groupBy('appeal_type').execute();
    expect(new Map(c.byAppealType.map((r) => [r.appealType, r.count]))).toEqual(new Map(byType.map((r) => [r.appeal_type, Number(r.n)])));
    const byDistrict = await db.selectFrom('tickets as t').innerJoin('divisions as d', 'd.code', 't.district_code').select(['d.name', sql<number>`count(*)`.as('n')])
      .where('t.status', 'in', [...OPEN_TICKET_STATES]).groupBy('d.name').execute();
    expect(new Map(c.byDistrict.map((r) => [r.district, r.count]))).toEqual(new Map(byDistrict.map((r) => [r.name, Number(r.n)])));
  });
});

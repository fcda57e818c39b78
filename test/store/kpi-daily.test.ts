/**
 * Migration 0021 on a store that already has history: the daily KPI counts it backfills are what
 * the history's writer would have kept, and what a scan of each day gives, on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { generateReferenceData, generateTickets } from '../../electron/demo';
import { migrate } from '../../electron/store/migrate';
import { migrations } from '../../electron/store/migrations';
import { kpiDays } from '../../electron/store/repos/kpi-daily';
import { KpiService } from '../../electron/services/kpi';
import { keyOfDayNumber, requireDayNumber, startOfChinaDay } from '../../shared/domain/china-time';
import { openTestStore, STORE_KINDS, type StoreKind, type TestStore } from './stores';
import { writeReference, writeTickets } from './seed';
import { dropTicketTallies, keptTallies, talliesFromTickets } from './tallies';

describe.each(STORE_KINDS)('migration 0021 (kpi_daily) on the %s store', (kind: StoreKind) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(kind);
    const ref = generateReferenceData(11);
    await writeReference(t.store.db, ref);
    await writeTickets(t.store.db, generateTickets({ seed: 11, count: 400, referenceDate: '2026-11-28T02:00:00.000Z', days: 45, reference: ref }), 100);
  }, 60_000);
  afterAll(async () => { await t?.dispose(); });

  it('counts the history already stored once: the same days and counts the writer kept, each equal to a scan of its day', async () => {
    const db = t.store.db;
    const kept = await kpiDays(db);
    expect(kept.size).toBeGreaterThan(30);
    // The store as version 20 left it: history, no daily counts (and no ticket tallies, migration 0022).
    await sql`drop table kpi_daily`.execute(db);
    await dropTicketTallies(db, t.store.dialect);
    // And none of what came after 0022: department routing counts (0023), class cases (0024), recordings (0025), outreach events (0026, with 0029's cancel columns).
    for (const table of ['department_tallies', 'department_returns', 'class_case_counters', 'class_case_measures', 'class_case_tickets', 'class_cases', 'recordings', 'outreach_event_tickets', 'outreach_event_people', 'outreach_events']) {
      await sql`drop table ${sql.table(table)}`.execute(db);
    }
    // And call quality's columns on call_records (0027).
    await sql`drop index call_records_poor_invited`.execute(db);
    for (const column of ['jitter_ms', 'jitter_p95_ms', 'loss_permille', 'rtt_ms', 'rtt_p95_ms', 'audio_warnings', 'poor_audio']) {
      await sql`alter table call_records drop column ${sql.ref(column)}`.execute(db);
    }
    // And SQLite's fresh search index (0030).
    if (t.store.dialect === 'sqlite') for (const table of ['ticket_fts_fresh', 'ticket_fts_bi_fresh', 'ticket_fts_uni_fresh']) await sql`drop table ${sql.table(table)}`.execute(db);
    // And the filter-mix indexes (0031), with the district index they replaced, and SQLite's documents' `plain`.
    await db.schema.dropIndex('tickets_district_status').execute();
    await db.schema.dropIndex('tickets_status_created').execute();
    await db.schema.createIndex('tickets_district').on('tickets').column('district_code').execute();
    if (t.store.dialect === 'sqlite') {
      await sql`drop index ticket_search_docs_plain_unknown`.execute(db);
      await sql`alter table ticket_search_docs drop column plain`.execute(db);
    }
    // And PostgreSQL's division lexemes (0032): its triggers and functions.
    if (t.store.dialect === 'postgres') {
      await sql`drop trigger ticket_search_docs_filter_lexemes on ticket_search_docs`.execute(db);
      await sql`drop trigger tickets_division_changed on tickets`.execute(db);
      await sql`drop function ticket_search_docs_filter_lexemes(), tickets_division_changed(), ticket_filter_lexemes(text, text)`.execute(db);
    }
    await db.deleteFrom('schema_migrations').where('version', '>=', 21).execute();
    expect(await migrate(db, t.store.dialect, migrations)).toMatchObject({ from: 20, to: migrations.length });
    // Migration 0022 counted the tickets already stored, once.
    expect(await keptTallies(db)).toEqual(await talliesFromTickets(db));
    const backfilled = await kpiDays(db);
    expect(backfilled).toEqual(kept);
    const kpis = new KpiService(db, t.store.dialect);
    for (const [day, counts] of backfilled) {
      const next = startOfChinaDay(keyOfDayNumber(requireDayNumber(day) + 1)).toISOString();
      expect({ day, ...counts }).toEqual({ day, ...(await kpis.fromHistory(startOfChinaDay(day).toISOString(), next)).counts });
    }
    expect([...backfilled.values()].reduce((n, c) => n + c.returnVisits, 0)).toBeGreaterThan(0);
  });
});

import { sql, type Insertable } from 'kysely';
import type Database from 'better-sqlite3';
import {
  readTicketEvent, type ReadTicketEvent, type TicketEventFlag, type TicketHistoryAction, type TicketHistoryDataMap, type TicketHistoryEvent,
} from '../../../shared/domain/ticket-events';
import type { TicketEventsTable } from '../schema';
import type { Db } from './db';
import type { Dialect } from '../migrations/types';
import { jsonFlag } from '../dialect';
import { uuidv7 } from '../../util/ids';
import { chinaDateKey } from '../../../shared/domain/china-time';
import { kpiCountsOfEntry } from '../../../shared/domain/kpi';
import { addKpiDeltas, KpiDeltas, sqliteKpiDeltasWriter } from './kpi-daily';

/**
 * The one writer of a ticket's history (`ticket_events`), and its readers. Every service appends through here, so
 * every row has an action the domain's event map (shared/domain/ticket-events.ts) knows and data of
 * that action's shape: a wrong action/data pair does not compile. History is append-only; nothing
 * here updates or deletes. test/lint/ticket-events-writer.test.ts fails if anything else in
 * electron/ inserts into the table.
 *
 * The writer also keeps the KPI counts per China day (kpi_daily, see kpi-daily.ts) in the same
 * transaction as the entries, so the KPI report never rescans the history. The one path that writes
 * entries without going through a typed entry (appendImportedEvents) writes only `imported`
 * entries, which no KPI counts.
 */

/** Adds an entry's KPI counts to its China day. */
function countEntry(deltas: KpiDeltas, e: TicketHistoryEvent): void {
  deltas.add(chinaDateKey(new Date(e.at)), kpiCountsOfEntry(e));
}

/** The stored form of an entry: data as JSON text, a time-ordered id unless one is given. */
export function ticketEventRow(e: TicketHistoryEvent): Insertable<TicketEventsTable> {
  return {
    id: e.id ?? uuidv7(Date.parse(e.at)), ticket_id: e.ticketId, at: e.at, actor_id: e.actorId, action: e.action,
    from_status: e.fromState, to_status: e.toState, data: JSON.stringify(e.data),
  };
}

/** Appends one entry to a ticket's history, inside the caller's transaction. */
export async function appendTicketEvent(db: Db, event: TicketHistoryEvent): Promise<void> {
  await db.insertInto('ticket_events').values(ticketEventRow(event)).execute();
  const deltas = new KpiDeltas();
  countEntry(deltas, event);
  await addKpiDeltas(db, deltas);
}

/** Rows per statement: 8 parameters each stays far below PostgreSQL's 65535 and SQLite's 32766. */
const CHUNK = 500;

/** Appends many entries (bulk loads): multi-row inserts of the same typed entries, their KPI counts one upsert per day. */
export async function appendTicketEvents(db: Db, events: readonly TicketHistoryEvent[]): Promise<void> {
  const deltas = new KpiDeltas();
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    await db.insertInto('ticket_events').values(chunk.map(ticketEventRow)).execute();
    for (const e of chunk) countEntry(deltas, e);
  }
  await addKpiDeltas(db, deltas);
}

/**
 * The `imported` entry of every ticket of a staged Excel batch, set-based from `import_staging`
 * (one statement however many rows): each ticket enters in its sheet's state at its sheet's time.
 */
export async function appendImportedEvents(db: Db, batchId: string, actorId: string): Promise<void> {
  const data: TicketHistoryDataMap['imported'] = { batch: batchId };
  await sql`insert into ticket_events (id, ticket_id, at, actor_id, action, from_status, to_status, data)
    select s.event_id, s.ticket_id, s.created_at, ${actorId}, ${'imported' satisfies TicketHistoryEvent['action']}, null, s.status, ${JSON.stringify(data)}
    from import_staging s where s.batch_id = ${batchId}`.execute(db);
}

/** The demo loader's writer: entries one by one, then `flush` before the transaction commits. */
export interface SqliteTicketEventWriter {
  (event: TicketHistoryEvent): void;
  /** Adds the KPI counts of the entries written since the last flush (one upsert per day). */
  flush(): void;
}

/**
 * The same writer for the demo loader's raw better-sqlite3 path: a statement prepared once and run
 * per entry synchronously (millions of rows), taking the same typed entries. KPI counts gather in
 * memory and are added by `flush`, which the caller runs inside the same transaction.
 */
export function sqliteTicketEventWriter(sqlite: Database.Database): SqliteTicketEventWriter {
  const insert = sqlite.prepare(`insert into ticket_events (id, ticket_id, at, actor_id, action, from_status, to_status, data)
    values (?, ?, ?, ?, ?, ?, ?, ?)`);
  const deltas = new KpiDeltas();
  const addDeltas = sqliteKpiDeltasWriter(sqlite);
  const write = (event: TicketHistoryEvent) => {
    const r = ticketEventRow(event);
    insert.run(r.id, r.ticket_id, r.at, r.actor_id, r.action, r.from_status, r.to_status, r.data);
    countEntry(deltas, event);
  };
  return Object.assign(write, { flush: () => addDeltas(deltas) });
}

/** A ticket's stored history in order, as rows the event map reads (readTicketEvent). */
export async function ticketHistory(db: Db, ticketId: string): Promise<{ action: string; at: string; data: string; from_status: string | null }[]> {
  return db.selectFrom('ticket_events').select(['action', 'at', 'data', 'from_status']).where('ticket_id', '=', ticketId)
    .orderBy('at').orderBy('id').execute();
}

/** The latest readable entry of the given actions per ticket, its data typed by the event map. */
export async function latestTicketEvents(db: Db, ticketIds: readonly string[], actions: readonly TicketHistoryAction[]): Promise<Map<string, ReadTicketEvent>> {
  const out = new Map<string, ReadTicketEvent>();
  if (actions.length === 0) return out;
  for (let i = 0; i < ticketIds.length; i += CHUNK) {
    const rows = await db.selectFrom('ticket_events').select(['ticket_id', 'action', 'data'])
      .where('ticket_id', 'in', ticketIds.slice(i, i + CHUNK)).where('action', 'in', actions).orderBy('at').orderBy('id').execute();
    for (const r of rows) {
      const e = readTicketEvent(r);
      if (e) out.set(r.ticket_id, e); // unreadable data: no facts
    }
  }
  return out;
}

/**
 * How many entries of one action fall in [from, to): optionally only those whose boolean fact
 * `flag` is `value`. KPIs count through this, by names and flags the event map types.
 */
export async function countTicketEvents<A extends TicketHistoryAction>(
  db: Db, dialect: Dialect, action: A, from: string, to: string, where?: { flag: TicketEventFlag<A>; value: boolean },
): Promise<number> {
  let q = db.selectFrom('ticket_events as e').where('e.action', '=', action).where('e.at', '>=', from).where('e.at', '<', to);
  if (where) q = q.where(jsonFlag(dialect, 'e.data', where.flag, where.value));
  const r = await q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A ticket's history for its timeline, oldest first, with the name of who acted (null: the system). */
export async function ticketTimeline(db: Db, ticketId: string) {
  return db.selectFrom('ticket_events as e').leftJoin('users as u', 'u.id', 'e.actor_id')
    .select(['e.id', 'e.at', 'e.action', 'e.from_status', 'e.to_status', 'e.data', 'u.display_name']).where('e.ticket_id', '=', ticketId)
    .orderBy('e.at').orderBy('e.id').execute();
}

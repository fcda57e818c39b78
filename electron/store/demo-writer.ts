import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { CategoriesTable, CitizensTable, DB, DepartmentsTable, DivisionsTable, TicketsTable } from './schema';
import type { Store } from './sqlite';
import type { TicketHistoryEvent } from '../../shared/domain/ticket-events';
import { appendTicketEvents, sqliteTicketEventWriter } from './repos/ticket-events';

/**
 * The store side of loading generated data (electron/demo makes the rows, this writes them): the
 * demo loader's batches, the bench's bulk inserts and the test seeders. Row shapes are declared here
 * (the demo's ReferenceData and TicketBundle fit them), so the store does not import the demo.
 */

/** Reference rows, parents before children (divisions and categories are generated top-down). */
export interface ReferenceRows {
  divisions: readonly Omit<DivisionsTable, 'retired'>[];
  categories: readonly CategoriesTable[];
  departments: readonly DepartmentsTable[];
}

/** One whole ticket: its caller when first seen, the ticket and its history. */
export interface TicketRows {
  citizen: CitizensTable | null;
  ticket: TicketsTable;
  events: readonly TicketHistoryEvent[];
}

/**
 * Bulk writing goes through the raw better-sqlite3 handle, not Kysely: a prepared statement is
 * compiled once and bound per row synchronously, while Kysely builds and compiles a query object and
 * awaits the driver for every row. For ~8 million rows (1M tickets with their events and callers)
 * that is the difference between tens of seconds and many minutes. Services keep using Kysely.
 */
export interface DemoWriter {
  writeReference(ref: ReferenceRows): void;
  writeBundle(b: TicketRows): void;
  /**
   * Adds the KPI counts of the bundles written since the last call (kept per day in memory, one
   * upsert per day): call it inside the transaction that wrote them, before it commits.
   */
  endBatch(): void;
  setMeta(key: string, value: string): void;
}

export function createDemoWriter(sqlite: Database.Database): DemoWriter {
  const division = sqlite.prepare('insert into divisions (code, name, level, parent_code) values (?, ?, ?, ?)');
  const category = sqlite.prepare('insert into categories (id, code, name, level, parent_id) values (?, ?, ?, ?, ?)');
  const department = sqlite.prepare('insert into departments (id, code, name, kind, district_code) values (?, ?, ?, ?, ?)');
  const citizen = sqlite.prepare('insert into citizens (id, phone, name, created_at) values (?, ?, ?, ?)');
  const ticket = sqlite.prepare(`insert into tickets (id, number, created_at, updated_at, channel, appeal_type, urgency,
    status, citizen_id, phone, caller_name, confidential, category_id, title, content, district_code, street_code,
    community_code, address, lat, lng, lead_department_id, sign_by, reply_by, closed_at, parent_id)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // Ticket history goes through its one writer, in its prepared-statement form.
  const event = sqliteTicketEventWriter(sqlite);
  const meta = sqlite.prepare('insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value');
  return {
    writeReference(ref) {
      for (const d of ref.divisions) division.run(d.code, d.name, d.level, d.parent_code);
      for (const c of ref.categories) category.run(c.id, c.code, c.name, c.level, c.parent_id);
      for (const d of ref.departments) department.run(d.id, d.code, d.name, d.kind, d.district_code);
    },
    writeBundle({ citizen: c, ticket: t, events }) {
      if (c) citizen.run(c.id, c.phone, c.name, c.created_at);
      ticket.run(t.id, t.number, t.created_at, t.updated_at, t.channel, t.appeal_type, t.urgency, t.status, t.citizen_id,
        t.phone, t.caller_name, t.confidential, t.category_id, t.title, t.content, t.district_code, t.street_code,
        t.community_code, t.address, t.lat, t.lng, t.lead_department_id, t.sign_by, t.reply_by, t.closed_at, t.parent_id);
      for (const e of events) event(e);
    },
    endBatch() {
      event.flush();
    },
    setMeta(key, value) {
      meta.run(key, value);
    },
  };
}

/**
 * Rows per statement in the Kysely writers: the widest row (tickets, 26 columns) stays below
 * PostgreSQL's 65535 bind parameters and SQLite's 32766.
 */
const CHUNK = 500;
function* chunks<T>(rows: readonly T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** Reference data through Kysely, the same way into either store, in the caller's transaction. */
export async function writeReferenceRows(db: Kysely<DB>, ref: ReferenceRows): Promise<void> {
  for (const rows of chunks(ref.divisions.map((d) => ({ code: d.code, name: d.name, level: d.level, parent_code: d.parent_code })))) {
    await db.insertInto('divisions').values(rows).execute();
  }
  for (const rows of chunks(ref.categories)) await db.insertInto('categories').values(rows).execute();
  for (const rows of chunks(ref.departments)) await db.insertInto('departments').values(rows).execute();
}

/** Whole tickets (callers, tickets, history) through Kysely in multi-row inserts, in the caller's transaction. */
export async function writeTicketBundles(db: Kysely<DB>, list: readonly TicketRows[]): Promise<void> {
  for (const rows of chunks(list.flatMap((b) => (b.citizen ? [b.citizen] : [])))) await db.insertInto('citizens').values(rows).execute();
  for (const rows of chunks(list.map((b) => b.ticket))) await db.insertInto('tickets').values(rows).execute();
  await appendTicketEvents(db, list.flatMap((b) => b.events));
}

async function setMetaRow(db: Kysely<DB>, key: string, value: string): Promise<void> {
  await db.insertInto('meta').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

/** True when the store has tickets, reference data or an earlier demo: demo data goes only into an empty store. */
export async function storeHasData(db: Kysely<DB>): Promise<boolean> {
  const r = await sql<{ n: number | boolean }>`select exists(select 1 from tickets) or exists(select 1 from categories)
    or exists(select 1 from divisions) or exists(select 1 from departments) or exists(select 1 from meta where key = 'demo') as n`.execute(db);
  return Boolean(r.rows[0]?.n);
}

/** Where a bulk load writes; each call is one transaction, so the store is consistent after each. */
export interface BulkSink {
  writeReference(ref: ReferenceRows, meta: Readonly<Record<string, string>>): Promise<void>;
  writeBatch(batch: readonly TicketRows[], meta: Readonly<Record<string, string>>): Promise<void>;
  setMeta(key: string, value: string): Promise<void>;
  /** Ends the load: restores the connection's settings (SQLite: page cache, fsync; folds the WAL back). */
  close(): Promise<void>;
}

/**
 * A bulk sink for either store: prepared statements on SQLite's handle (with fsync off while it
 * loads), multi-row Kysely inserts on PostgreSQL (the server does the work; the event loop stays free
 * between round trips).
 */
export function openBulkSink(store: Store): BulkSink {
  const sqlite = store.sqlite;
  if (!sqlite) {
    const db = store.db;
    return {
      writeReference: (ref, meta) => db.transaction().execute(async (trx) => {
        await writeReferenceRows(trx, ref);
        for (const [k, v] of Object.entries(meta)) await setMetaRow(trx, k, v);
      }),
      writeBatch: (batch, meta) => db.transaction().execute(async (trx) => {
        await writeTicketBundles(trx, batch);
        for (const [k, v] of Object.entries(meta)) await setMetaRow(trx, k, v);
      }),
      setMeta: (key, value) => setMetaRow(db, key, value),
      close: async () => {},
    };
  }
  const writer = createDemoWriter(sqlite);
  const previousCache = sqlite.pragma('cache_size', { simple: true }) as number;
  const previousSync = sqlite.pragma('synchronous', { simple: true }) as number;
  sqlite.pragma('cache_size = -131072');
  // Without fsync per commit the load runs about 2.5× faster here. WAL stays intact if the process
  // dies; only an OS crash or power cut mid-load could damage the file, and bulk-loaded demo data is disposable.
  sqlite.pragma('synchronous = OFF');
  const setAll = (meta: Readonly<Record<string, string>>) => { for (const [k, v] of Object.entries(meta)) writer.setMeta(k, v); };
  return {
    writeReference: async (ref, meta) => sqlite.transaction(() => { writer.writeReference(ref); setAll(meta); })(),
    writeBatch: async (batch, meta) => sqlite.transaction(() => { for (const b of batch) writer.writeBundle(b); writer.endBatch(); setAll(meta); })(),
    setMeta: async (key, value) => writer.setMeta(key, value),
    close: async () => {
      sqlite.pragma(`cache_size = ${previousCache}`);
      sqlite.pragma(`synchronous = ${previousSync}`);
      // Fold the (large) WAL back into the database so the next open does not replay it.
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
    },
  };
}

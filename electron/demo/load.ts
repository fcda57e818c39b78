import type Database from 'better-sqlite3';
import type { Store } from '../store/sqlite';
import { sqliteTicketEventWriter } from '../store/repos/ticket-events';
import { generateReferenceData, type ReferenceData } from './reference';
import { generateTickets, type GenerateTicketsOptions, type TicketBundle } from './tickets';

/**
 * Bulk writing goes through the raw better-sqlite3 handle, not Kysely: a prepared statement is
 * compiled once and bound per row synchronously, while Kysely builds and compiles a query object and
 * awaits the driver for every row. For ~8 million rows (1M tickets with their events and callers)
 * that is the difference between tens of seconds and many minutes. Services keep using Kysely.
 */
export interface DemoWriter {
  writeReference(ref: ReferenceData): void;
  writeBundle(b: TicketBundle): void;
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
      // Parents first: divisions and categories are generated top-down.
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
    setMeta(key, value) {
      meta.run(key, value);
    },
  };
}

export interface LoadDemoOptions {
  seed: number;
  /** How many tickets to generate. */
  tickets: number;
  /** The demo's "now"; tickets span the `days` before it. */
  referenceDate: string | Date;
  /** @default 730 */
  days?: number;
  /** Tickets per transaction: small enough to keep the event loop responsive between batches. @default 2000 */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface LoadDemoResult {
  /** Rows committed. After a cancel these are the complete batches before it, nothing partial. */
  tickets: number;
  citizens: number;
  events: number;
  cancelled: boolean;
  ms: number;
}

class Cancelled extends Error {}

/**
 * Fills an empty store with demo data. Reference data and each batch of tickets commit in their own
 * transactions; a batch holds whole tickets (with their callers and events), so the store is
 * consistent after every commit. Cancelling through `signal` rolls back the batch in progress and
 * resolves with `cancelled: true`; the meta keys then describe what is left (`demo_status` =
 * 'cancelled', `demo_tickets` = tickets kept).
 *
 * Runs synchronously per batch and yields between batches; a million tickets take a minute or two,
 * so call it from a worker thread when the process also carries calls.
 */
export async function loadDemoData(store: Store, opts: LoadDemoOptions): Promise<LoadDemoResult> {
  const sqlite = store.sqlite;
  if (!sqlite) throw new Error('demo data loads only into the embedded SQLite store');
  const started = performance.now();
  const nonEmpty = sqlite.prepare(`select exists(select 1 from tickets) or exists(select 1 from categories)
    or exists(select 1 from divisions) or exists(select 1 from departments) or exists(select 1 from meta where key = 'demo') as n`)
    .pluck().get() as number;
  if (nonEmpty) throw new Error('demo data can only be loaded into an empty store (it already has tickets, reference data or demo data)');

  const result: LoadDemoResult = { tickets: 0, citizens: 0, events: 0, cancelled: false, ms: 0 };
  const ref = generateReferenceData(opts.seed);
  const writer = createDemoWriter(sqlite);
  const refIso = typeof opts.referenceDate === 'string' ? new Date(opts.referenceDate).toISOString() : opts.referenceDate.toISOString();
  const previousCache = sqlite.pragma('cache_size', { simple: true }) as number;
  const previousSync = sqlite.pragma('synchronous', { simple: true }) as number;
  sqlite.pragma('cache_size = -131072');
  // Without fsync per commit the load runs about 2.5× faster here. WAL stays intact if the process
  // dies; only an OS crash or power cut mid-load could damage the file, and demo data is disposable.
  sqlite.pragma('synchronous = OFF');
  try {
    sqlite.transaction(() => {
      writer.writeReference(ref);
      writer.setMeta('demo', '1');
      writer.setMeta('demo_seed', String(opts.seed));
      writer.setMeta('demo_tickets', '0');
      writer.setMeta('demo_reference_date', refIso);
      writer.setMeta('demo_status', 'loading');
    })();

    const genOpts: GenerateTicketsOptions = { seed: opts.seed, count: opts.tickets, referenceDate: refIso, reference: ref };
    if (opts.days !== undefined) genOpts.days = opts.days;
    const it = generateTickets(genOpts);
    const batchSize = opts.batchSize ?? 2000;
    const runBatch = sqlite.transaction((): boolean => {
      let n = 0;
      let citizens = 0;
      let events = 0;
      for (; n < batchSize; n++) {
        if (opts.signal?.aborted) throw new Cancelled();
        const next = it.next();
        if (next.done) break;
        writer.writeBundle(next.value);
        if (next.value.citizen) citizens++;
        events += next.value.events.length;
      }
      writer.setMeta('demo_tickets', String(result.tickets + n));
      result.tickets += n;
      result.citizens += citizens;
      result.events += events;
      return n === batchSize && result.tickets < opts.tickets;
    });
    for (;;) {
      if (opts.signal?.aborted) throw new Cancelled();
      const before = { ...result };
      let more: boolean;
      try {
        more = runBatch();
      } catch (e) {
        Object.assign(result, before);
        throw e;
      }
      opts.onProgress?.(result.tickets, opts.tickets);
      if (!more) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    writer.setMeta('demo_status', 'complete');
  } catch (e) {
    if (!(e instanceof Cancelled)) throw e;
    result.cancelled = true;
    writer.setMeta('demo_status', 'cancelled');
  } finally {
    sqlite.pragma(`cache_size = ${previousCache}`);
    sqlite.pragma(`synchronous = ${previousSync}`);
  }
  // Fold the (large) WAL back into the database so the next open does not replay it.
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  result.ms = performance.now() - started;
  return result;
}

import type { Store } from '../store/sqlite';
import { openBulkSink, storeHasData } from '../store/demo-writer';
import { generateReferenceData } from './reference';
import { generateTickets, type GenerateTicketsOptions, type TicketBundle } from './tickets';

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

const NOT_EMPTY = 'demo data can only be loaded into an empty store (it already has tickets, reference data or demo data)';

/**
 * Fills an empty store with demo data, on either store (the writing is electron/store/demo-writer.ts).
 * Reference data and each batch of tickets commit in their own transactions; a batch holds whole
 * tickets (with their callers and events), so the store is consistent after every commit. Cancelling
 * through `signal` drops the batch in progress and resolves with `cancelled: true`; the meta keys then
 * describe what is left (`demo_status` = 'cancelled', `demo_tickets` = tickets kept).
 *
 * On SQLite each batch is written synchronously and the loader yields between batches; a million
 * tickets take a minute or two, so call it from a worker thread when the process also carries calls.
 */
export async function loadDemoData(store: Store, opts: LoadDemoOptions): Promise<LoadDemoResult> {
  const started = performance.now();
  if (await storeHasData(store.db)) throw new Error(NOT_EMPTY);
  const result: LoadDemoResult = { tickets: 0, citizens: 0, events: 0, cancelled: false, ms: 0 };
  const ref = generateReferenceData(opts.seed);
  const refIso = typeof opts.referenceDate === 'string' ? new Date(opts.referenceDate).toISOString() : opts.referenceDate.toISOString();
  const sink = openBulkSink(store);
  try {
    await sink.writeReference(ref, { demo: '1', demo_seed: String(opts.seed), demo_tickets: '0', demo_reference_date: refIso, demo_status: 'loading' });
    const genOpts: GenerateTicketsOptions = { seed: opts.seed, count: opts.tickets, referenceDate: refIso, reference: ref };
    if (opts.days !== undefined) genOpts.days = opts.days;
    const it = generateTickets(genOpts);
    const batchSize = opts.batchSize ?? 2000;
    try {
      for (;;) {
        if (opts.signal?.aborted) throw new Cancelled();
        const batch: TicketBundle[] = [];
        for (let next = it.next(); !next.done; next = it.next()) {
          batch.push(next.value);
          if (batch.length === batchSize) break;
        }
        if (batch.length) {
          await sink.writeBatch(batch, { demo_tickets: String(result.tickets + batch.length) });
          result.tickets += batch.length;
          result.citizens += batch.filter((b) => b.citizen).length;
          result.events += batch.reduce((n, b) => n + b.events.length, 0);
          opts.onProgress?.(result.tickets, opts.tickets);
        }
        if (batch.length < batchSize || result.tickets >= opts.tickets) break;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await sink.setMeta('demo_status', 'complete');
    } catch (e) {
      if (!(e instanceof Cancelled)) throw e;
      result.cancelled = true;
      await sink.setMeta('demo_status', 'cancelled');
    }
  } finally {
    await sink.close();
  }
  result.ms = performance.now() - started;
  return result;
}

/**
 * The demo loader on PostgreSQL: the same batches, progress, meta keys and cancel as on SQLite
 * (electron/demo/load.test.ts), through Kysely instead of the raw SQLite handle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loadDemoData } from '../../electron/demo';
import { DEFAULT_REFERENCE_DATE } from '../../electron/demo/version';
import type { Store } from '../../electron/store/sqlite';
import { openTestStore, type TestStore } from './stores';

let t: TestStore | null = null;
afterEach(async () => { await t?.dispose(); t = null; });

const n = async (store: Store, query: string) => Number((await sql<{ n: number }>`${sql.raw(query)}`.execute(store.db)).rows[0]!.n);
const meta = async (store: Store) => Object.fromEntries((await store.db.selectFrom('meta').select(['key', 'value']).execute()).map((r) => [r.key, r.value]));

describe('loadDemoData on PostgreSQL', () => {
  it('writes tickets, callers and history in batches, reports progress per batch and records the demo', async () => {
    t = await openTestStore('postgres');
    const progress: [number, number][] = [];
    const r = await loadDemoData(t.store, { seed: 42, tickets: 300, referenceDate: DEFAULT_REFERENCE_DATE, batchSize: 100, onProgress: (d, total) => progress.push([d, total]) });
    expect(r).toMatchObject({ tickets: 300, cancelled: false });
    expect(progress).toEqual([[100, 300], [200, 300], [300, 300]]);
    expect(await n(t.store, 'select count(*) as n from tickets')).toBe(300);
    expect(await n(t.store, 'select count(*) as n from citizens')).toBe(r.citizens);
    expect(await n(t.store, 'select count(*) as n from ticket_events')).toBe(r.events);
    expect(await meta(t.store)).toMatchObject({ demo: '1', demo_seed: '42', demo_tickets: '300', demo_status: 'complete' });
    await expect(loadDemoData(t.store, { seed: 42, tickets: 10, referenceDate: DEFAULT_REFERENCE_DATE })).rejects.toThrow(/empty store/);
  });

  it('a cancel keeps the whole batches before it and nothing of the one in progress', async () => {
    t = await openTestStore('postgres');
    const ac = new AbortController();
    const r = await loadDemoData(t.store, {
      seed: 42, tickets: 500, referenceDate: DEFAULT_REFERENCE_DATE, batchSize: 100, signal: ac.signal,
      onProgress: (d) => { if (d >= 200) ac.abort(); },
    });
    expect(r).toMatchObject({ tickets: 200, cancelled: true });
    expect(await n(t.store, 'select count(*) as n from tickets')).toBe(200);
    expect(await n(t.store, 'select count(*) as n from ticket_events e where not exists (select 1 from tickets t where t.id = e.ticket_id)')).toBe(0);
    expect(await meta(t.store)).toMatchObject({ demo_tickets: '200', demo_status: 'cancelled' });
  });
});

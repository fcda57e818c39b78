/**
 * The PostgreSQL search engine's planner sample (pg-search.ts) is refreshed in the background: a
 * search with a stale sample neither waits for the new one nor fails with it, and a refresh that
 * fails is retried later, never reported as an unhandled rejection (which would stop the server).
 * A rebuild of the index tokenizes on main's thread in slices.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_REFERENCE_DATE, generateReferenceData, generateTickets } from '../../electron/demo';
import { createPostgresSearchEngine, createSearchIndex } from '../../electron/store/search';
import { loadPostgresStats } from '../../electron/store/search/pg-search';
import { STATS_MAX_AGE_MS, STATS_RETRY_MS, type SearchStats } from '../../electron/search/plan';
import { openTestStore, type TestStore } from './stores';
import { writeReference, writeTickets } from './seed';

describe('PostgreSQL search: planner statistics off the request path', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('postgres');
    const ref = generateReferenceData(77);
    await writeReference(t.store.db, ref);
    await writeTickets(t.store.db, generateTickets({ seed: 77, count: 300, referenceDate: DEFAULT_REFERENCE_DATE, reference: ref }));
    await createSearchIndex(t.store, { inProcess: true }).reindex({ batchSize: 300 });
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  it('a search with a stale sample answers without waiting for the refresh; a failed refresh leaves the old sample and is retried later', async () => {
    let clock = 5_000_000;
    const loads: { settle: (s: SearchStats | Error) => void }[] = [];
    let real = true;
    const loadStats = () => {
      if (real) return loadPostgresStats(t.store.db).then((s) => ({ ...s, takenAt: clock }));
      // A refresh that has not answered yet (a slow sample on a loaded server), settled by the test.
      return new Promise<SearchStats>((resolve, reject) => {
        loads.push({ settle: (s) => (s instanceof Error ? reject(s) : resolve(s)) });
      });
    };
    const e = createPostgresSearchEngine(t.store.db, t.store.searchPool!, { clock: () => clock, loadStats });
    const query = { text: '噪音', limit: 20 };
    const expected = (await e.search(query)).rows.map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);

    real = false;
    clock += STATS_MAX_AGE_MS + 1;
    expect((await e.search(query)).rows.map((r) => r.id)).toEqual(expected);
    expect((await e.search(query)).rows.map((r) => r.id)).toEqual(expected);
    // One refresh started, still pending: the searches did not wait for it.
    expect(loads).toHaveLength(1);

    loads[0]!.settle(new Error('Connection terminated unexpectedly'));
    await new Promise((r) => setImmediate(r));
    expect((await e.search(query)).rows.map((r) => r.id)).toEqual(expected);
    expect(loads).toHaveLength(1);
    clock += STATS_RETRY_MS;
    expect((await e.search(query)).rows.map((r) => r.id)).toEqual(expected);
    expect(loads).toHaveLength(2);
    loads[1]!.settle({ ...(await loadPostgresStats(t.store.db)), takenAt: clock });
    await new Promise((r) => setImmediate(r));
    // The new sample is fresh: no further refresh.
    await e.search(query);
    expect(loads).toHaveLength(2);
  });
  it('a rebuild tokenizes each batch in slices, letting the event loop turn between tickets, and the index comes out whole', async () => {
    const index = createSearchIndex(t.store, { inProcess: true });
    const query = { text: '噪音', limit: 50 };
    const before = (await index.search(query)).rows.map((r) => r.id);
    const turns = async (sliceMs: number) => {
      const spy = vi.spyOn(globalThis, 'setImmediate');
      try {
        const r = await index.reindex({ rebuild: true, batchSize: 300, sliceMs });
        expect(r).toMatchObject({ indexed: 300, total: 300, cancelled: false });
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
      }
    };
    // A slice no ticket fits in yields before every ticket; without a budget, a batch is tokenized at once.
    const sliced = await turns(1e-6);
    const whole = await turns(Infinity);
    expect(sliced).toBeGreaterThanOrEqual(300);
    expect(whole).toBeLessThan(sliced / 2);
    expect((await index.search(query)).rows.map((r) => r.id)).toEqual(before);
    await index.close();
  });
});

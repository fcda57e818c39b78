import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/sqlite';
import { SearchError, type SearchInput, type SearchResult } from './query';
import { SearchClient } from './search-client';
import { createSearchEngine } from '../store/search/sqlite-search';
import { createTicketSearch, searchWorkerLocation } from '../store/search/search-index';
import { buildSearchFixture } from '../store/search/testing';

let dir: string;
let store: Store;
let client: SearchClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'search-worker-test-'));
  store = await buildSearchFixture(join(dir, 'store.sqlite'), { demoTickets: 1500, randomTickets: 200 });
  client = new SearchClient({ file: store.sqlite!.name, workerUrl: searchWorkerLocation() });
}, 120_000);

afterAll(async () => {
  await client?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const strip = (r: SearchResult) => ({ ...r, tookMs: 0 });
const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof SearchError ? e.code : String(e)));

describe('SearchClient (worker thread)', () => {
  it('returns what the in-process engine returns', async () => {
    const engine = createSearchEngine(store.sqlite!);
    const inputs: SearchInput[] = [
      { text: '来电人', limit: 20 }, { text: '电' }, { text: '油烟 扰民', status: ['closed', 'handling'] },
      { appealType: ['complaint'], limit: 7 }, { text: '3#楼' }, { text: '12345', countCap: 0 }, {},
    ];
    for (const input of inputs) {
      const first = engine.search(input);
      expect(strip(await client.search(input)), JSON.stringify(input)).toEqual(strip(first));
      if (first.nextCursor) {
        const next = { ...input, cursor: first.nextCursor };
        expect(strip(await client.search(next))).toEqual(strip(engine.search(next)));
      }
    }
  });

  it('carries validation errors across with their code', async () => {
    expect(await codeOf(client.search({ limit: 0 }))).toBe('limit_out_of_range');
    expect(await codeOf(client.search({ text: 'x'.repeat(10_000) }))).toBe('query_too_long');
    expect(await codeOf(client.search({ text: '"*():^-' }))).toBe('query_not_searchable');
  });

  it('drops superseded searches: queued ones never run, the running one is abandoned', async () => {
    const before = client.stats().dispatched;
    const typed = ['电', '电梯', '电梯故', '电梯故障'];
    const calls = typed.map((text) => client.search({ text, countCap: 10_000 }, { supersede: 'box' }));
    const codes = await Promise.all(calls.map(codeOf));
    expect(codes).toEqual(['superseded', 'superseded', 'superseded', 'ok']);
    const last = await calls[3]!;
    expect(last.rows.every((r) => (r.title + r.snippet.text).includes('电梯故障') || r.titleHighlights.length > 0)).toBe(true);
    // The first went to the worker at once; the middle two were dropped from the queue unsent.
    expect(client.stats().dispatched - before).toBe(2);
    // Other keys are independent.
    const [a, b] = await Promise.all([client.search({ text: '噪音' }, { supersede: 'a' }), client.search({ text: '噪音' }, { supersede: 'b' })]);
    expect(strip(a)).toEqual(strip(b));
  });

  it('honours an AbortSignal', async () => {
    const ac = new AbortController();
    const p = client.search({ text: '来电' }, { signal: ac.signal });
    ac.abort();
    expect(await codeOf(p)).toBe('cancelled');
    expect((await client.search({ text: '来电', limit: 1 })).rows).toHaveLength(1);
  });

  it('replaces a worker after a timeout and keeps serving', async () => {
    // A fresh client: its worker is still starting (hundreds of ms), so a 1 ms budget surely runs out.
    const slow = new SearchClient({ file: store.sqlite!.name, workerUrl: searchWorkerLocation() });
    expect(await codeOf(slow.search({ text: '人', countCap: 10_000 }, { timeoutMs: 1 }))).toBe('timeout');
    const r = await slow.search({ text: '来电', limit: 2 });
    expect(r.rows).toHaveLength(2);
    expect(slow.stats().workersStarted).toBe(2);
    await slow.close();
  });

  it('fails clearly when the store cannot be opened, without respawning forever', async () => {
    const bad = new SearchClient({ file: join(dir, 'missing.sqlite'), workerUrl: searchWorkerLocation() });
    expect(await codeOf(bad.search({ text: '电' }))).toBe('worker_failed');
    expect(await codeOf(bad.search({ text: '电' }))).toBe('worker_failed');
    expect(bad.stats().workersStarted).toBe(1);
    await bad.close();
  });

  it('createTicketSearch uses the worker for a file store', async () => {
    const search = createTicketSearch(store);
    const r = await search.searchTickets({ text: '来电人', limit: 3 });
    expect(r.rows).toHaveLength(3);
    await search.close();
  });
});

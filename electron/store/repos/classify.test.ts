import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type Store } from '../sqlite';
import { learnableTicketPage } from './classify';

describe('the category training\'s page query', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-classify-plan-'));
    store = await openSqliteStore(join(dir, 'plan.sqlite'));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['asc', 'desc'] as const)('bounds tickets_created by the cursor (%s), not only by the training window', async (order) => {
    const queries: { sql: string; parameters: readonly unknown[] }[] = [];
    // The query exactly as learnableTicketPage builds it, compiled as it goes out.
    const spy = store.db.withPlugin({ transformQuery: (a) => { queries.push(store.db.getExecutor().compileQuery(a.node, a.queryId)); return a.node; }, transformResult: async (a) => a.result });
    await learnableTicketPage(spy, { after: null, until: '2026-01-01T00:00:00.000Z', order, cursor: { at: '2025-06-01T00:00:00.000Z', id: 'x' }, limit: 250 });
    const { sql, parameters } = queries[0]!;
    const plan = (store.sqlite!.prepare(`explain query plan ${sql}`).all(...parameters) as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan).toMatch(order === 'asc' ? /tickets_created \(created_at>\? AND created_at<\?\)/ : /tickets_created \(created_at<\?\)/);
    expect(sql).toMatch(order === 'asc' ? /"created_at" >= \?/ : /"created_at" <= \?.*"created_at" <= \?/s);
  });
});

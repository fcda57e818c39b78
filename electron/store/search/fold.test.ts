import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../sqlite';
import { FreshIndexFolder } from './fold';
import { freshIndexSize, indexTicket } from './indexer';
import { createSearchEngine } from './sqlite-search';
import { buildSearchFixture, mulberry32, randomTicket } from './testing';

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fold-test-'));
  store = await buildSearchFixture(join(dir, 'store.sqlite'), { demoTickets: 400, randomTickets: 120 });
}, 60_000);

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('FreshIndexFolder', () => {
  it('waits for enough saved documents, then moves them all into the main index in small transactions; searches answer the same', async () => {
    const sqlite = store.sqlite!;
    const engine = createSearchEngine(sqlite);
    const queries = ['的', '问题', '小区', 'ab', '反映'];
    const before = queries.map((text) => engine.search({ text, limit: 200 }));
    expect(freshIndexSize(sqlite)).toBe(120);
    let clock = 0;
    const folder = new FreshIndexFolder(sqlite, { foldAt: 150, quietMs: 60_000, pollMs: 5, sliceMs: 0.01, clock: () => clock });
    // 120 documents, below 150, and the index grew just now: nothing moves.
    await new Promise((r) => setTimeout(r, 60));
    expect(folder.moved).toBe(0);
    // 40 more saves pass the threshold.
    const rnd = mulberry32(3);
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 40; i++) {
        const t = randomTicket(rnd, 10_000 + i, Date.parse('2025-06-01T00:00:00Z'));
        await trx.insertInto('tickets').values(t).execute();
        await indexTicket(trx, t);
      }
    });
    await until(() => freshIndexSize(sqlite) === 0);
    expect(folder.moved).toBe(160);
    const after = queries.map((text) => engine.search({ text, limit: 200 }));
    // The 40 new tickets may be among the answers; every earlier answer is still there, in the same order.
    for (const [i, b] of before.entries()) {
      const ids = after[i]!.rows.map((r) => r.id);
      expect(ids.filter((id) => b.rows.some((r) => r.id === id))).toEqual(b.rows.map((r) => r.id).filter((id) => ids.includes(id)));
      expect(after[i]!.total.count).toBeGreaterThanOrEqual(b.total.count);
    }
    // A few saves and then quiet: folded once the index has not grown for quietMs.
    await store.db.transaction().execute(async (trx) => {
      const t = randomTicket(rnd, 20_000, Date.parse('2025-06-02T00:00:00Z'));
      await trx.insertInto('tickets').values(t).execute();
      await indexTicket(trx, t);
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(freshIndexSize(sqlite)).toBe(1);
    clock += 60_000;
    await until(() => freshIndexSize(sqlite) === 0);
    expect(folder.moved).toBe(161);
    await folder.close();
  });
});

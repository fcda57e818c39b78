import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type Store } from '../store/sqlite';
import { loadDemoData, type LoadDemoResult } from './load';
import { DEFAULT_REFERENCE_DATE } from './version';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'hotline-demo-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const open = (name: string) => openSqliteStore(join(dir, name));
const count = (store: Store, sql: string) => store.sqlite!.prepare(sql).pluck().get() as number;
const meta = (store: Store) => Object.fromEntries((store.sqlite!.prepare('select key, value from meta').all() as { key: string; value: string }[])
  .map((r) => [r.key, r.value]));

describe('loadDemoData', () => {
  let store: Store;
  let result: LoadDemoResult;
  const progress: [number, number][] = [];

  beforeAll(async () => {
    store = await open('demo.sqlite');
    result = await loadDemoData(store, {
      seed: 42, tickets: 3000, referenceDate: DEFAULT_REFERENCE_DATE, batchSize: 1000, onProgress: (d, t) => progress.push([d, t]),
    });
  });
  afterAll(async () => { await store.close(); });

  it('writes the tickets, their callers and events, and reports progress per batch', () => {
    expect(result).toMatchObject({ tickets: 3000, cancelled: false });
    expect(count(store, 'select count(*) from tickets')).toBe(3000);
    expect(count(store, 'select count(*) from citizens')).toBe(result.citizens);
    expect(count(store, 'select count(*) from ticket_events')).toBe(result.events);
    expect(progress).toEqual([[1000, 3000], [2000, 3000], [3000, 3000]]);
  });

  it('records the demo in meta', () => {
    expect(meta(store)).toMatchObject({ demo: '1', demo_seed: '42', demo_tickets: '3000', demo_status: 'complete' });
  });

  it('leaves every reference resolvable (foreign keys are on)', () => {
    expect(store.sqlite!.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.sqlite!.pragma('foreign_key_check')).toEqual([]);
    // Not null where a ticket needs them, and pointing at the right level.
    expect(count(store, `select count(*) from tickets t
      left join categories c on c.id = t.category_id and c.level = 3
      left join divisions d on d.code = t.district_code and d.level = 1
      left join divisions s on s.code = t.street_code and s.parent_code = t.district_code
      left join divisions m on m.code = t.community_code and m.parent_code = t.street_code
      where c.id is null or d.code is null or s.code is null or m.code is null`)).toBe(0);
    expect(count(store, `select count(*) from tickets t left join departments d on d.id = t.lead_department_id
      where t.status not in ('registered', 'resolved_directly', 'merged') and d.id is null`)).toBe(0);
    expect(count(store, `select count(*) from tickets t left join citizens c on c.id = t.citizen_id
      where t.channel <> 'outreach' and (c.id is null or c.phone <> t.phone)`)).toBe(0);
    expect(count(store, `select count(*) from tickets t left join tickets p on p.id = t.parent_id
      where t.status = 'merged' and p.id is null`)).toBe(0);
  });

  it('has repeat callers and hotspot clusters visible in plain SQL', () => {
    expect(count(store, 'select count(*) from (select phone from tickets where phone is not null group by phone having count(*) >= 5)')).toBeGreaterThan(3);
    // 类案: one community, one leaf category, several tickets within four weeks.
    expect(count(store, `select count(*) from (select community_code, category_id from tickets
      group by community_code, category_id having count(*) >= 5 and julianday(max(created_at)) - julianday(min(created_at)) < 35)`)).toBeGreaterThan(3);
  });

  it('refuses a store that already has data', async () => {
    await expect(loadDemoData(store, { seed: 1, tickets: 10, referenceDate: DEFAULT_REFERENCE_DATE })).rejects.toThrow(/empty store/);
  });

  it('makes the same rows from the same seed', async () => {
    const again = await open('again.sqlite');
    try {
      await loadDemoData(again, { seed: 42, tickets: 3000, referenceDate: DEFAULT_REFERENCE_DATE, batchSize: 700 });
      const dump = (s: Store) => JSON.stringify(s.sqlite!.prepare('select * from tickets order by id').all())
        + JSON.stringify(s.sqlite!.prepare('select * from ticket_events order by id').all());
      expect(dump(again)).toBe(dump(store));
    } finally {
      await again.close();
    }
  });
});

describe('cancelling a load', () => {
  it('rolls back the batch in progress and leaves complete batches and consistent meta', async () => {
    const store = await open('cancel.sqlite');
    try {
      const controller = new AbortController();
      const result = await loadDemoData(store, {
        seed: 5, tickets: 10_000, referenceDate: DEFAULT_REFERENCE_DATE, batchSize: 500, signal: controller.signal,
        onProgress: (done) => { if (done >= 1500) controller.abort(); },
      });
      expect(result.cancelled).toBe(true);
      expect(result.tickets).toBe(1500);
      expect(count(store, 'select count(*) from tickets')).toBe(1500);
      expect(count(store, 'select count(*) from ticket_events')).toBe(result.events);
      expect(count(store, `select count(*) from tickets t where not exists (select 1 from ticket_events e where e.ticket_id = t.id)`)).toBe(0);
      expect(store.sqlite!.pragma('foreign_key_check')).toEqual([]);
      expect(meta(store)).toMatchObject({ demo: '1', demo_tickets: '1500', demo_status: 'cancelled' });
    } finally {
      await store.close();
    }
  });

  it('stops at once when the signal is already aborted, keeping only reference data', async () => {
    const store = await open('aborted.sqlite');
    try {
      const result = await loadDemoData(store, { seed: 5, tickets: 1000, referenceDate: DEFAULT_REFERENCE_DATE, signal: AbortSignal.abort() });
      expect(result).toMatchObject({ cancelled: true, tickets: 0 });
      expect(count(store, 'select count(*) from tickets')).toBe(0);
      expect(count(store, 'select count(*) from categories')).toBeGreaterThan(150);
    } finally {
      await store.close();
    }
  });
});

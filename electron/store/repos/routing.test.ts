import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type Store } from '../sqlite';
import { routingHistoryQuery } from './routing';

describe('the routing replay\'s page query', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-routing-plan-'));
    store = await openSqliteStore(join(dir, 'plan.sqlite'));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeks to the cursor in ticket_events_ticket instead of scanning it from the start on every page', () => {
    const { sql, parameters } = routingHistoryQuery(store.db, {
      until: '2026-01-01T00:00:00.000Z', cursor: { ticketId: '0190f0a0-0000-7000-8000-000000000000', at: '2025-06-01T00:00:00.000Z', id: 'x' }, limit: 300,
    }).compile();
    const plan = (store.sqlite!.prepare(`explain query plan ${sql}`).all(...parameters) as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan).toMatch(/SEARCH e USING INDEX ticket_events_ticket \(ticket_id>\?\)/);
    expect(plan).not.toMatch(/SCAN e/);
  });
});

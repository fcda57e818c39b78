import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type Store } from '../../electron/store/sqlite';
import { SCREEN_POP_SCAN_SQL, SCREEN_POP_SQL } from './queries';

describe('screen pop query plan', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-plan-'));
    store = await openSqliteStore(join(dir, 'plan.sqlite'));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = (sql: string) => (store.sqlite!.prepare(`explain query plan ${sql}`).all('13800000000') as { detail: string }[])
    .map((r) => r.detail).join('\n');

  it('seeks tickets_phone_created and needs no sort for the newest-first order', () => {
    const p = plan(SCREEN_POP_SQL);
    expect(p).toMatch(/SEARCH tickets USING INDEX tickets_phone_created \(phone=\?\)/);
    expect(p).not.toMatch(/TEMP B-TREE/);
  });

  it('the baseline really scans the table', () => {
    const p = plan(SCREEN_POP_SCAN_SQL);
    expect(p).toMatch(/SCAN tickets/);
    expect(p).not.toMatch(/USING INDEX/);
  });
});

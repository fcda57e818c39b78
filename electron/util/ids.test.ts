import { describe, expect, it } from 'vitest';
import { uuidv7 } from './ids';

describe('uuidv7', () => {
  it('makes RFC 9562 version-7 ids, unique and in order within one millisecond, across refills of the random pool', () => {
    const at = Date.UTC(2026, 11, 7, 6, 0, 0);
    // 1,000 ids: past the 4 KiB pool (256 ids) several times.
    const ids = Array.from({ length: 1000 }, () => uuidv7(at));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // The time is the first 48 bits (the counter carries into the next millisecond past 4,095 ids).
    expect(parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    // The random part differs from id to id (not a reused buffer).
    expect(new Set(ids.map((id) => id.slice(-12))).size).toBe(ids.length);
  });
});

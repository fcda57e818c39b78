import { describe, expect, it } from 'vitest';
import { sharedRead } from './stats';

describe('sharedRead (the overview every wallboard asks for)', () => {
  it('counts once for all wallboards asking within the age limit, again after it', async () => {
    let t = 0;
    let reads = 0;
    const read = sharedRead(async () => ++reads, 30_000, () => t);
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    t = 29_999;
    expect(await read()).toBe(1);
    t = 30_000;
    expect(await read()).toBe(2);
    expect(reads).toBe(2);
  });

  it('does not keep a failed read: the next caller tries again', async () => {
    let fail = true;
    const read = sharedRead(async () => { if (fail) throw new Error('store_unavailable'); return 'ok'; }, 30_000, () => 0);
    await expect(read()).rejects.toThrow('store_unavailable');
    fail = false;
    expect(await read()).toBe('ok');
  });
});

import { describe, expect, it } from 'vitest';
import { extractFeatures } from './features';

const total = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe('feature extraction', () => {
  it('gives Han unigrams and bigrams within runs, never across punctuation', () => {
    // 路灯不亮: 4 unigrams + 3 bigrams; 。splits 坏了 (2 + 1) from it.
    expect(total(extractFeatures('', '路灯不亮。坏了'))).toBe(4 + 3 + 2 + 1);
    expect(extractFeatures('', '路灯不亮。坏了')).toEqual(extractFeatures('', '路灯不亮 坏了'));
  });

  it('normalises full-width forms and case, and keeps Latin words and digits whole', () => {
    expect(extractFeatures('', 'ＫＴＶ噪音 A3区')).toEqual(extractFeatures('', 'ktv噪音 a3区'));
    expect(total(extractFeatures('', 'ktv'))).toBe(1);
  });

  it('maps long numbers to their shape, so phone numbers do not grow the vocabulary', () => {
    expect(extractFeatures('', '13812345678')).toEqual(extractFeatures('', '13900000000'));
    expect(extractFeatures('', '2019')).not.toEqual(extractFeatures('', '2020'));
  });

  it('weights the title', () => {
    const t = extractFeatures('路灯', '', { titleWeight: 3 });
    const c = extractFeatures('', '路灯', { titleWeight: 3 });
    expect(total(t)).toBe(3 * total(c));
  });

  it('adds the title once more under ids of its own with titleOwn, so title and content words stay apart', () => {
    const t = extractFeatures('路灯', '', { titleWeight: 2, titleOwn: 1 });
    const c = extractFeatures('', '路灯', { titleWeight: 2, titleOwn: 1 });
    expect(total(t)).toBe(3 * total(c));
    // The shared ids carry the title weight; the title's own ids are none of the content's.
    const own = [...t.keys()].filter((id) => !c.has(id));
    expect(own).toHaveLength(c.size);
    for (const [id, n] of c) expect(t.get(id)).toBe(2 * n);
    expect(extractFeatures('路灯', '', { titleOwn: 0 })).toEqual(extractFeatures('路灯', ''));
  });

  it('supports other n-gram ranges and rejects a hash space that is not a power of two', () => {
    expect(total(extractFeatures('', '路灯不亮', { minN: 2, maxN: 3 }))).toBe(3 + 2);
    expect(() => extractFeatures('', 'x', { buckets: 1000 })).toThrow(/power of two/);
  });

  it('is deterministic and empty for empty text', () => {
    expect(extractFeatures('标题', '内容')).toEqual(extractFeatures('标题', '内容'));
    expect(extractFeatures('', '').size).toBe(0);
  });
});

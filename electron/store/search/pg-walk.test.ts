import { describe, expect, it } from 'vitest';
import { buildStats, planSearch, sampleMatches, type SampleSource } from '../../search/plan';
import { validateSearch } from '../../search/query';
import { walkChoice } from './pg-search';

const NOW = new Date('2025-12-01T00:00:00Z');

/**
 * 1000 sampled tickets of a 1M store, text kept (as PostgreSQL's sample keeps it): "来电" in all,
 * "小区" in 2 %, "鼋鼍" in one; "湘江" in a tenth, all of them in district 430102 (which holds half
 * the tickets).
 */
function stats() {
  const rows: SampleSource[] = Array.from({ length: 1000 }, (_, i) => ({
    status: 'closed', appeal_type: 'complaint', category_id: null,
    district_code: i % 2 ? '430102' : '430103', street_code: null, lead_department_id: null,
    created_at: '2025-06-01T00:00:00Z', reply_by: null, departments: [],
    title: `来电反映${i % 50 === 0 ? '小区' : ''}`, content: `${i === 7 ? '鼋鼍' : ''}${i % 10 === 1 ? '湘江' : ''}楼道情况。`,
    number: `N${i}`, address: null, caller_name: null, confidential: 0,
  }));
  return buildStats(1_000_000, rows, [], NOW.getTime(), true);
}

const choose = (input: Record<string, unknown>) => {
  const v = validateSearch({ limit: 50, ...input });
  const s = stats();
  return walkChoice(v, planSearch(v, s, NOW), s, NOW);
};

describe('PostgreSQL search: walk the documents newest-first, or fetch the index hits', () => {
  it('measures a term on the sampled text, with the filters on the same tickets', () => {
    const s = stats();
    const seen = (input: Record<string, unknown>) => sampleMatches(validateSearch(input), s, NOW)!;
    expect(seen({ text: '小区' })).toEqual({ matched: 20, held: 20, sampled: 1000 });
    // Every ticket holds 情况 and 况。, none "情况。楼": only the text says so.
    expect(seen({ text: '况。' }).matched).toBe(1000);
    expect(seen({ text: '情况。楼' })).toMatchObject({ matched: 0 });
    expect(seen({ text: '湘江', districtCode: '430103' })).toEqual({ matched: 0, held: 100, sampled: 1000 });
    // SQLite's sample keeps no text: no such count.
    expect(sampleMatches(validateSearch({ text: '小区' }), buildStats(10, [], [], NOW.getTime()), NOW)).toBeNull();
  });

  it('a term in every ticket walks for the page and the count; one in 2 % walks for the page, thins its lookup to count to 1000', () => {
    expect(choose({ text: '来电' })).toEqual({ page: true, count: true, thin: null });
    // Page: ~2,500 documents walked against 20,000 hits fetched. Count: ~50,000 walked, or 20,000
    // hits read into the bitmap and ~1,000 fetched, or ~3,700 of its hits kept (2 × 1,001 matches
    // by the low estimate: 20 sampled, 11 two standard errors under) and ~1,850 fetched.
    const c = choose({ text: '小区' });
    expect(c).toMatchObject({ page: true, count: false, thin: { lexeme: "'小区'" } });
    expect(c.thin!.limit).toBeGreaterThan(2 * 1001 * (20 / 11) - 1);
    expect(c.thin!.limit).toBeLessThan(4000);
    expect(choose({ text: '小区', countCap: 0 })).toMatchObject({ page: true, thin: null });
    // A count to 2,000 keeps twice as many, and fetching its first 2,001 hits is then cheaper.
    expect(choose({ text: '小区', countCap: 2000 })).toMatchObject({ count: false, thin: null });
  });

  it('thins the rarest lexeme of a longer term, and only when the sample saw enough matches', () => {
    // 来电 is in every ticket, 小区 in 2 %: the thinned lookup reads 小区 and checks the whole term on each row.
    expect(choose({ text: '来电反映小区' }).thin).toMatchObject({ lexeme: "'映小'" });
    expect(choose({ text: '小区 来电' }).thin).toMatchObject({ lexeme: "'小区'" });
    // 10 sampled matches (湘江 in 430102 ∩ 小区 … none): too few to size a thinned lookup by.
    expect(choose({ text: '湘江', districtCode: '430102', status: ['registered'] }).thin).toBeNull();
  });

  it('fetches the hits of a rare term, and of a term that is common but never in the filtered district', () => {
    expect(choose({ text: '鼋鼍' })).toEqual({ page: false, count: false, thin: null });
    // 100,000 tickets hold 湘江, none of them in 430103: a walk would read the whole store, and a
    // thinned lookup would find nothing to count.
    expect(choose({ text: '湘江', districtCode: '430103' })).toEqual({ page: false, count: false, thin: null });
    // In its own district it fills a page after ~1,000 documents, and the count thins 湘江's hits.
    expect(choose({ text: '湘江', districtCode: '430102' })).toMatchObject({ page: true, thin: { lexeme: "'湘江'" } });
  });
});

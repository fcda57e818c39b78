import { describe, expect, it } from 'vitest';
import { buildStats, buildStatsSteps, filterShare, planSearch, runToEnd, sampleIds, type SampleSource } from './plan';
import { runInSlices } from '../util/time-slice';
import { validateSearch } from './query';

const NOW = new Date('2025-12-01T00:00:00Z');

/** 1000 sampled tickets of a 1M store: "来电" in all, "小区" in half, "鼋鼍" in one; district 430102 holds 1 in 20, a tenth of them open. */
function stats() {
  const rows: SampleSource[] = Array.from({ length: 1000 }, (_, i) => ({
    status: i % 200 === 0 ? 'handling' : 'closed', appeal_type: 'complaint', category_id: i % 2 ? 'c-child' : 'c-other',
    district_code: i % 20 === 0 ? '430102' : '430103', street_code: null, lead_department_id: null,
    created_at: '2025-06-01T00:00:00Z', reply_by: null, departments: i % 10 === 0 ? ['d-1'] : [],
    title: i % 2 ? '来电反映小区' : '来电反映', content: i === 7 ? '鼋鼍 楼' : '楼道情况。', number: `N${i}`, address: null, caller_name: null, confidential: 0,
  }));
  return buildStats(1_000_000, rows, [{ id: 'c-top', parent_id: null }, { id: 'c-child', parent_id: 'c-top' }, { id: 'c-other', parent_id: null }], NOW.getTime());
}

const plan = (input: Record<string, unknown>) => planSearch(validateSearch(input), stats(), NOW);

describe('search planner', () => {
  it('starts from the filtered tickets when the filters select far fewer tickets than the text matches', () => {
    const p = plan({ text: '来电', districtCode: '430102', status: ['handling', 'registered'] });
    expect(p.mode).toBe('filters');
    expect(p.check.map((t) => t.text)).toEqual(['来电']);
    expect(p.estimate.filtered).toBeLessThan(p.estimate.textScan);
  });

  it('starts from the index when the text is rarer than the filtered tickets, or there are no filters', () => {
    expect(plan({ text: '鼋鼍', districtCode: '430102' }).mode).toBe('text');
    expect(plan({ text: '来电' }).mode).toBe('text');
    // Many tickets pass the filters: reading text hits until the page and count fill is cheaper.
    expect(plan({ text: '来电', districtCode: '430103' }).mode).toBe('text');
  });

  it('leads with the rarest index condition and checks the other terms on each hit', () => {
    const rare = plan({ text: '鼋 小区' });
    expect(rare).toMatchObject({ mode: 'text', lead: 'uni' });
    expect(rare.check.map((t) => t.text)).toEqual(['小区']);
    const word = plan({ text: '鼋鼍 楼' });
    expect(word).toMatchObject({ mode: 'text', lead: 'bi' });
    expect(word.check.map((t) => t.text)).toEqual(['楼']);
    // "情况。来": a phrase and a lone character; the term is checked as a substring whatever leads.
    const across = plan({ text: '情况。来' });
    expect(across.check.map((t) => t.text)).toEqual(['情况。来']);
  });

  it('estimates filter mixes jointly from the sample, categories with their descendants and the reader scope', () => {
    const s = stats();
    const share = (input: Record<string, unknown>) => filterShare(validateSearch(input), s, NOW);
    expect(share({})).toBe(1);
    expect(share({ districtCode: '430102', status: ['handling'] })).toBeCloseTo(5.5 / 1001, 6);
    expect(share({ categoryIds: ['c-top'] })).toBeCloseTo(500.5 / 1001, 6);
    expect(share({ visibleToDepartmentId: 'd-1' })).toBeCloseTo(100.5 / 1001, 6);
    expect(share({ from: '2025-07-01T00:00:00Z' })).toBeCloseTo(0.5 / 1001, 6);
  });

  it('a forced plan is honoured (tests run every plan against the same expectations)', () => {
    const v = validateSearch({ text: '来电 楼' });
    expect(planSearch(v, stats(), NOW, { mode: 'filters' }).mode).toBe('filters');
    expect(planSearch(v, stats(), NOW, { lead: 'uni' }).lead).toBe('uni');
    expect(planSearch(v, null, NOW)).toMatchObject({ mode: 'text', lead: 'bi' });
  });

  it('samples distinct row ids within range', () => {
    const ids = sampleIds(10_000, 500);
    expect(new Set(ids).size).toBe(500);
    expect(Math.min(...ids)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...ids)).toBeLessThanOrEqual(10_000);
    expect(sampleIds(3, 500)).toEqual([1, 2, 3]);
  });
});

describe('runInSlices: the statistics refresh off the caller\'s path', () => {
  it('starts nothing synchronously, lets other callbacks run between slices, and gives the same statistics as at once', async () => {
    const rows: SampleSource[] = Array.from({ length: 50 }, (_, i) => ({
      status: 'closed', appeal_type: 'complaint', category_id: null, district_code: null, street_code: null, lead_department_id: null,
      created_at: '2025-06-01T00:00:00Z', reply_by: null, departments: [], title: `来电反映小区${i}`, content: '楼道情况。', number: `N${i}`, address: null, caller_name: null, confidential: 0,
    }));
    let started = false;
    let others = 0;
    const seenByStep: number[] = [];
    function* steps() {
      started = true;
      const inner = buildStatsSteps(1000, rows, [], 42);
      for (;;) {
        const r = inner.next();
        if (r.done) return r.value;
        seenByStep.push(others);
        yield;
      }
    }
    const running = runInSlices(steps, 0);
    expect(started).toBe(false);
    // Another task on the same thread, one step per turn of the event loop.
    let stop = false;
    const other = () => {
      others++;
      if (!stop) setImmediate(other);
    };
    setImmediate(other);
    const stats = await running;
    stop = true;
    expect(stats).toEqual(runToEnd(buildStatsSteps(1000, rows, [], 42)));
    // With 0 ms slices every step is its own turn: the other task ran between each two.
    expect(seenByStep.length).toBe(rows.length);
    expect(seenByStep.every((n, i) => i === 0 || n > seenByStep[i - 1]!)).toBe(true);
  });
});

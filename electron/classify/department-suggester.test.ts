import { describe, expect, it } from 'vitest';
import { MemoryTallies, outcomeDeltas, rankDepartments, routingKeys, streetNamedIn, titleBigrams, type RoutingTicket } from './department-suggester';

const ticket = (over: Partial<RoutingTicket> = {}): RoutingTicket => ({
  categoryId: 'noise', districtCode: '439902', streetCode: '439902001', title: '夜间施工噪音扰民', content: '', ...over,
});
const sign = (m: MemoryTallies, t: RoutingTicket, dept: string, n = 1) => { for (let i = 0; i < n; i++) m.apply(outcomeDeltas(t, dept, 'lead', 'signed')); };

describe('department suggester', () => {
  it('suggests nothing without history', () => {
    expect(new MemoryTallies().suggest(ticket())).toEqual({ lead: [], co: [] });
  });

  it('prefers the rule of the ticket\'s district over the city-wide habit, and says so', () => {
    const m = new MemoryTallies();
    sign(m, ticket({ districtCode: '439903', streetCode: '439903001' }), 'city-bureau', 20);
    sign(m, ticket(), 'jiangan-district', 4);
    const s = m.suggest(ticket({ streetCode: null }));
    expect(s.lead.map((x) => x.departmentId)).toEqual(['jiangan-district', 'city-bureau']);
    expect(s.lead[0]).toMatchObject({ basis: 'category_district', signed: 4 });
    expect(s.lead[1]).toMatchObject({ basis: 'category', signed: 20 });
  });

  it('counts a return against the department: two signed and one returned lose to one signed', () => {
    const m = new MemoryTallies();
    sign(m, ticket(), 'a', 2);
    sign(m, ticket(), 'b', 1);
    expect(m.suggest(ticket()).lead[0]!.departmentId).toBe('a');
    m.apply(outcomeDeltas(ticket(), 'a', 'lead', 'returned'));
    expect(m.suggest(ticket()).lead[0]!.departmentId).toBe('b');
  });

  it('unlearns a signed dispatch that turned out wrong', () => {
    const m = new MemoryTallies();
    sign(m, ticket(), 'a');
    m.apply(outcomeDeltas(ticket(), 'a', 'lead', 'unsign'));
    expect(m.suggest(ticket()).lead).toEqual([]);
  });

  it('suggests a co-department that most tickets of the kind had, never the lead itself', () => {
    const m = new MemoryTallies();
    for (let i = 0; i < 4; i++) {
      sign(m, ticket(), 'lead-dept');
      m.apply(outcomeDeltas(ticket(), 'co-dept', 'co', 'signed'));
    }
    m.apply(outcomeDeltas(ticket(), 'lead-dept', 'co', 'signed'));
    const s = m.suggest(ticket());
    expect(s.co.map((c) => c.departmentId)).toEqual(['co-dept']);
  });

  it('falls back on the title when the category is unknown', () => {
    const m = new MemoryTallies();
    sign(m, ticket({ title: '公交车晚点' }), 'bus', 3);
    sign(m, ticket({ title: '夜间施工噪音' }), 'env', 3);
    const s = m.suggest(ticket({ categoryId: null, streetCode: null, districtCode: null, title: '公交晚点严重' }));
    expect(s.lead[0]).toMatchObject({ departmentId: 'bus', basis: 'text' });
  });

  it('keys: lead and co for each category level, the street, the title bigrams', () => {
    const keys = routingKeys(ticket({ title: '噪音' })).map((k) => k.key);
    expect(keys).toEqual(['L:cs:noise:439902001', 'L:cd:noise:439902', 'L:c:noise', 'C:cs:noise:439902001', 'C:cd:noise:439902', 'C:c:noise', 'L:s:439902001', 'L:t:噪音']);
    expect(titleBigrams('ＡＢ噪音，噪音扰民')).toEqual(['噪音', '扰民', '音扰'].sort((a, b) => '噪音扰民'.indexOf(a) - '噪音扰民'.indexOf(b)));
    expect(rankDepartments([], [])).toEqual({ lead: [], co: [] });
  });

  it('finds the street a text names, within the ticket\'s district, and refuses a tie', () => {
    const streets = [
      { code: '1', name: '新华街道', districtCode: 'A' }, { code: '2', name: '新华街道', districtCode: 'B' }, { code: '3', name: '花桥街道', districtCode: 'A' },
    ];
    expect(streetNamedIn('花桥小区噪音', streets, 'A')).toBe('3');
    expect(streetNamedIn('新华街道路灯不亮', streets, 'B')).toBe('2');
    expect(streetNamedIn('新华路灯不亮', streets, null)).toBeNull();
    expect(streetNamedIn('路灯不亮', streets, 'A')).toBeNull();
  });
});

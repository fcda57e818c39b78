import { describe, expect, it } from 'vitest';

import { matchPlanted, synthMessages } from '../../test/support/hotspot-synth';
import { detectHotspots } from './engine';
import { mineTerms } from './mine';
import { tokenize } from './text';
import { DEFAULT_PARAMS, type HotspotInput } from './types';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);

function msg(id: string, title: string, text: string, day: number, extra: Partial<HotspotInput> = {}): HotspotInput {
  return { id, title, text, time: T0 + day * DAY + 3_600_000, ...extra };
}

/** Unrelated everyday appeals: a hotspot stands out against a background, as in any real inbox. */
function noise(n: number, days = 90): HotspotInput[] {
  const { messages } = synthMessages({ seed: 7, background: n, planted: 0, days, start: T0 });
  return messages;
}

describe('hotspot engine on generated data', () => {
  // Seeds 41/42 were not used to choose parameters (test/eval/hotspots-tune.ts tunes on 11–13).
  it('finds most planted hotspots in its top 10', () => {
    const { messages, planted } = synthMessages({ seed: 41, background: 1500, planted: 6, days: 120 });
    const top = detectHotspots(messages).slice(0, 10);
    const found = matchPlanted(planted, top).filter(Boolean).length;
    expect(found).toBeGreaterThanOrEqual(4);
    // The planted ones are flagged; the titles come from their own messages.
    const hits = top.filter((h) => planted.some((p) => matchPlanted([p], [h])[0]));
    // Alerts go to planted hotspots only.
    expect(hits.filter((h) => h.alert).length).toBeGreaterThanOrEqual(2);
    expect(top.filter((h) => h.alert && !hits.includes(h))).toEqual([]);
    for (const h of hits) expect(messages.some((m) => h.title.includes(m.title) || m.title.includes(h.title.split('：').pop()!))).toBe(true);
  });

  it('raises at most one alert on data without planted hotspots', () => {
    // Measured false alarms (test/eval/hotspots-tune.ts): 0 on the held-out null sets, 1 here —
    // thirteen messages in four weeks with one wording about thirteen different places, which a
    // detector without word lists cannot tell from a place.
    const { messages } = synthMessages({ seed: 42, background: 1500, planted: 0, days: 120 });
    const hs = detectHotspots(messages);
    expect(hs.filter((h) => h.alert).length).toBeLessThanOrEqual(1);
  });

  it('gives the same result whatever the input order', () => {
    const { messages } = synthMessages({ seed: 43, background: 400, planted: 3, days: 60 });
    const shuffled = [...messages].reverse();
    expect(detectHotspots(shuffled)).toEqual(detectHotspots(messages));
  });
});

describe('hotspot engine behaviour', () => {
  it('returns nothing for no messages, and handles messages without time', () => {
    expect(detectHotspots([])).toEqual([]);
    const undated = Array.from({ length: 5 }, (_, i) => ({ id: `u${i}`, title: `翠湖花园${i % 2 ? '路灯不亮' : '路灯坏了'}`, text: `翠湖花园门口路灯不亮很久了，${i}号楼`, time: null }));
    const hs = detectHotspots([...undated, ...noise(200).map((m) => ({ ...m, time: null }))]);
    const h = hs.find((x) => x.ids.includes('u0'))!;
    expect(h.ids).toHaveLength(5);
    expect(h.first).toBeNull();
    expect(h.timeline).toEqual([]);
    expect(h.alert).toBe(false);
    expect(hs.every((x) => Number.isFinite(x.score))).toBe(true);
  });

  it('counts a text re-posted under other ids as one person', () => {
    const posts = [
      msg('a', '金桥苑电梯困人', '金桥苑3栋电梯又困人了，物业不管', 1),
      msg('b', '金桥苑电梯困人', '金桥苑3栋电梯又困人了，物业不管', 1),
      msg('c', '金桥苑电梯困人', '金桥苑3栋电梯又困人了，物业不管', 2),
      msg('d', '金桥苑电梯坏了', '金桥苑电梯坏了一个月，老人上不了楼', 2),
    ];
    // Two people: below the three a hotspot needs.
    expect(detectHotspots([...posts, ...noise(200)]).some((h) => h.ids.includes('a'))).toBe(false);
    const more = [...posts, msg('e', '金桥苑电梯停运', '金桥苑电梯停运，物业不修', 3), ...noise(200)];
    const h = detectHotspots(more).find((x) => x.ids.includes('a'))!;
    expect(h.people).toBe(3);
    expect(h.ids).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('counts one citizen writing several times as one person', () => {
    const posts = ['路灯不亮', '路灯坏了', '晚上路灯不亮', '路灯一周没亮'].map((w, i) => msg(`p${i}`, `临江路${w}`, `临江路${w}，请处理`, i, { citizen: 'same' }));
    expect(detectHotspots([...posts, ...noise(200)]).some((h) => h.ids.includes('p0'))).toBe(false);
  });

  it('ranks a burst above a topic asked all year round', () => {
    const steady = Array.from({ length: 24 }, (_, i) => msg(`s${i}`, '咨询社保卡补办', `请问社保卡丢了怎么补办，需要什么材料${i}`, i * 15));
    const burst = Array.from({ length: 8 }, (_, i) => msg(`b${i}`, `南湖大道${i % 2 ? '夜间施工噪音' : '施工噪音扰民'}`, `南湖大道工地夜里施工，噪音吵得睡不着${i}`, 200 + (i % 4)));
    const hs = detectHotspots([...steady, ...burst, ...noise(300, 360)]);
    const b = hs.find((h) => h.ids.includes('b0'))!;
    const s = hs.find((h) => h.ids.includes('s0'));
    expect(b.alert).toBe(true);
    if (s) {
      expect(b.score).toBeGreaterThan(s.score);
      expect(s.alert).toBe(false);
    }
  });

  it('merges a typo of a name into the commoner spelling', () => {
    const texts = [...Array.from({ length: 6 }, (_, i) => `伊景园滨河苑车位捆绑销售${i}`), '伊景园滨河院车位捆绑销售', '伊景园滨河院车位问题'];
    const runs = texts.map((t) => tokenize(t));
    const { terms } = mineTerms(runs, { ...DEFAULT_PARAMS, maxDfShare: 1 });
    // One term, spelled the common way, with the typo among its aliases; no term of its own for the typo.
    const term = terms.find((t) => t.aliases.some((a) => a.includes('伊景园滨河院')));
    expect(term?.text).toContain('伊景园滨河苑');
    expect(term?.df).toBeGreaterThanOrEqual(7);
    expect(terms.some((t) => t.text.includes('伊景园滨河院'))).toBe(false);
  });

  it('keeps two estates written from one template apart', () => {
    const posts: HotspotInput[] = [];
    for (let i = 0; i < 5; i++) posts.push(msg(`x${i}`, `东湖花园二期这边垃圾无人清运`, `东湖花园二期这边垃圾无人清运，多次反映无人解决${i}`, 10 + i));
    for (let i = 0; i < 5; i++) posts.push(msg(`y${i}`, `西岭家园二期这边垃圾无人清运`, `西岭家园二期这边垃圾无人清运，多次反映无人解决${i}`, 10 + i));
    const hs = detectHotspots([...posts, ...noise(200)]);
    const x = hs.find((h) => h.ids.includes('x0'))!;
    const y = hs.find((h) => h.ids.includes('y0'))!;
    expect(x.id).not.toBe(y.id);
    expect(x.ids.some((i) => i.startsWith('y'))).toBe(false);
    expect(x.title).toContain('东湖花园');
    expect(y.title).toContain('西岭家园');
  });

  it('raises a surge for a category × area cell above its weekday baseline, and none for an area with no history', () => {
    const posts: HotspotInput[] = [];
    let n = 0;
    // Sixty days of two a week in 江岸区 (history), then thirty in the last week.
    for (let d = 0; d < 60; d += 3) posts.push(msg(`h${n++}`, `诉求${n}`, `普通内容${n}${'甲乙丙'[n % 3]}`, d, { category: '供水', area: '江岸区', citizen: `c${n}` }));
    for (let i = 0; i < 30; i++) posts.push(msg(`r${i}`, `停水${i}`, `家里没水${i}号楼${'甲乙丙丁'[i % 4]}`, 62 + (i % 5), { category: '供水', area: '江岸区', citizen: `r${i}` }));
    // A new area with only this week's tickets: no baseline, so no surge claimed.
    for (let i = 0; i < 6; i++) posts.push(msg(`new${i}`, `新区${i}`, `新区内容${i}${'戊己'[i % 2]}`, 63, { category: '供水', area: '新城区', citizen: `n${i}` }));
    const hs = detectHotspots(posts);
    const surge = hs.filter((h) => h.kind === 'surge');
    expect(surge.map((h) => h.area)).toEqual(['江岸区']);
    expect(surge[0]!.ids).toContain('r0');
    expect(hs.every((h) => Number.isFinite(h.score))).toBe(true);
  });
});

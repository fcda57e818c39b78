import { describe, expect, it } from 'vitest';
import { extractFeatures } from './features';
import { NaiveBayes, type NaiveBayesOptions } from './naive-bayes';

const DOCS: [string, string, string][] = [
  ['路灯不亮', '小区门口路灯坏了一周，晚上很黑', 'lamp'],
  ['路灯损坏', '路灯晚上不亮很危险，请尽快维修', 'lamp'],
  ['公积金提取', '咨询公积金提取需要哪些材料', 'fund'],
  ['公积金贷款', '公积金贷款额度怎么算', 'fund'],
  ['噪音扰民', '楼下KTV半夜噪音太大，影响休息', 'noise'],
  ['工地噪音', '工地夜间施工噪音扰民', 'noise'],
];
const f = (t: string, c = '') => extractFeatures(t, c);
const QUERIES = [f('我家楼下路灯不亮'), f('', '公积金怎么提取'), f('半夜施工', '噪音很大'), f('ktv', ''), f('无关的话', 'xyz 123')];

function trained(o: Partial<NaiveBayesOptions> = {}): NaiveBayes {
  const m = new NaiveBayes(o);
  for (const [t, c, l] of DOCS) m.learn(f(t, c), l);
  return m;
}

describe.each([
  ['complement', { variant: 'complement' }],
  ['multinomial', { variant: 'multinomial', prior: true }],
  ['complement, log-TF, normalised', { variant: 'complement', tf: 'log', norm: 30 }],
] as [string, Partial<NaiveBayesOptions>][])('naive Bayes (%s)', (_, o) => {
  it('suggests the label whose wording matches, best first, scores summing to 1', () => {
    const m = trained(o);
    expect(m.suggest(QUERIES[0]!, 1)[0]!.label).toBe('lamp');
    expect(m.suggest(QUERIES[1]!, 1)[0]!.label).toBe('fund');
    expect(m.suggest(QUERIES[2]!, 1)[0]!.label).toBe('noise');
    const all = m.scores(QUERIES[0]!);
    expect(all.map((s) => s.label).sort()).toEqual(['fund', 'lamp', 'noise']);
    expect(all.reduce((a, s) => a + s.score, 0)).toBeCloseTo(1, 12);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.score).toBeGreaterThanOrEqual(all[i]!.score);
  });

  it('unlearn restores the model exactly: same suggestions, same serialised counts', () => {
    const m = trained(o);
    const before = QUERIES.map((q) => m.scores(q));
    const json = JSON.stringify(m.toJSON());
    const extra = [f('路灯', '公积金提取路灯，噪音'), f('ktv', '半夜唱歌 123456789'), f('', '新的词语组合出现')];
    m.learn(extra[0]!, 'lamp');
    m.learn(extra[1]!, 'fund');
    m.learn(extra[2]!, 'noise');
    expect(QUERIES.map((q) => m.scores(q))).not.toEqual(before);
    expect(m.unlearn(extra[1]!, 'fund')).toBe(true);
    expect(m.unlearn(extra[0]!, 'lamp')).toBe(true);
    expect(m.unlearn(extra[2]!, 'noise')).toBe(true);
    expect(QUERIES.map((q) => m.scores(q))).toEqual(before);
    expect(JSON.stringify(m.toJSON())).toBe(json);
  });

  it('a corrected label moves the counts: same as having learned the right label in the first place', () => {
    const wrong = trained(o);
    const doc = f('路灯', '路灯不亮');
    wrong.learn(doc, 'fund');
    wrong.unlearn(doc, 'fund');
    wrong.learn(doc, 'lamp');
    const right = trained(o);
    right.learn(doc, 'lamp');
    for (const q of QUERIES) expect(wrong.scores(q)).toEqual(right.scores(q));
  });

  it('serialise / deserialise round-trips to identical suggestions, and keeps learning the same way', () => {
    const m = trained(o);
    const copy = NaiveBayes.fromJSON(JSON.parse(JSON.stringify(m.toJSON())) as ReturnType<NaiveBayes['toJSON']>);
    for (const q of QUERIES) expect(copy.scores(q)).toEqual(m.scores(q));
    expect(copy.documents).toBe(m.documents);
    expect(copy.vocabulary).toBe(m.vocabulary);
    const d = f('新增', '水管爆裂 停水');
    m.learn(d, 'water');
    copy.learn(d, 'water');
    for (const q of [...QUERIES, d]) expect(copy.scores(q)).toEqual(m.scores(q));
  });

  it('the label set is open: a new label appears with its first document and goes with its last', () => {
    const m = trained(o);
    const d = f('停水', '小区突然停水，水管爆裂');
    expect(m.labels).not.toContain('water');
    m.learn(d, 'water');
    expect(m.labels).toContain('water');
    expect(m.suggest(f('', '水管爆裂停水了'), 1)[0]!.label).toBe('water');
    m.unlearn(d, 'water');
    expect(m.labels).not.toContain('water');
    expect(m.scores(f('', '水管爆裂停水了')).map((s) => s.label)).not.toContain('water');
    expect(m.unlearn(d, 'water')).toBe(false);
    expect(m.unlearn(d, 'never-seen')).toBe(false);
  });
});

describe('naive Bayes edge cases', () => {
  it('suggests nothing from an empty model, empty text or text of unknown features only', () => {
    expect(new NaiveBayes().suggest(f('路灯'), 3)).toEqual([]);
    expect(trained().suggest(f('', '！！ ，。'), 3)).toEqual([]);
    expect(trained().suggest(f('', '鑫'), 3)).toEqual([]);
  });

  it('unlearning text it never learned leaves no negative counts behind', () => {
    const m = trained();
    m.learn(f('路灯'), 'lamp');
    m.unlearn(f('完全不同的文本'), 'lamp');
    const s = m.scores(QUERIES[0]!);
    for (const x of s) expect(Number.isFinite(x.score)).toBe(true);
    expect(m.toJSON().entryCount.length).toBeGreaterThan(0);
  });
});

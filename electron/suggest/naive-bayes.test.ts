import { describe, expect, it } from 'vitest';
import { features, NaiveBayes } from './naive-bayes';

describe('naive Bayes category suggestion', () => {
  const nb = () => {
    const m = new NaiveBayes();
    m.learn(features('路灯不亮', '小区门口路灯坏了一周'), 'lamp');
    m.learn(features('路灯损坏', '路灯晚上不亮很危险'), 'lamp');
    m.learn(features('公积金提取', '咨询公积金提取需要哪些材料'), 'fund');
    m.learn(features('公积金贷款', '公积金贷款额度怎么算'), 'fund');
    return m;
  };

  it('suggests the category whose wording matches, with the top first', () => {
    const s = nb().suggest(features('我家楼下路灯不亮', ''), 2);
    expect(s[0]!.label).toBe('lamp');
    expect(s[0]!.probability).toBeGreaterThan(s[1]!.probability);
  });

  it('unlearning a ticket undoes it exactly (a corrected category moves its counts)', () => {
    const m = nb();
    const before = m.suggest(features('公积金', '提取'), 2);
    const f = features('路灯', '公积金提取路灯');
    m.learn(f, 'lamp');
    m.unlearn(f, 'lamp');
    expect(m.suggest(features('公积金', '提取'), 2)).toEqual(before);
  });

  it('suggests nothing from an empty model or empty text', () => {
    expect(new NaiveBayes().suggest(features('路灯', ''), 3)).toEqual([]);
    expect(nb().suggest(features('', '！！'), 3)).toEqual([]);
  });
});

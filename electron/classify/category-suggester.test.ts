import { describe, expect, it } from 'vitest';
import { CategorySuggester, FEATURES_VERSION, type CategoryNode, type TrainingRow } from './category-suggester';
import { LinearModel } from './linear-model';

// 城乡建设 > 市政设施 > 路灯 | 供水; 劳动和社会保障 > 住房公积金 > 提取
const TAXONOMY: CategoryNode[] = [
  { id: 'c1', parentId: null }, { id: 'c1.1', parentId: 'c1' }, { id: 'lamp', parentId: 'c1.1' }, { id: 'water', parentId: 'c1.1' },
  { id: 'c2', parentId: null }, { id: 'c2.1', parentId: 'c2' }, { id: 'fund', parentId: 'c2.1' },
];
const ROWS: TrainingRow[] = [
  { title: '路灯不亮', text: '小区门口路灯坏了一周', categoryId: 'lamp' },
  { title: '路灯损坏', text: '路灯晚上不亮很危险', categoryId: 'lamp' },
  { title: '停水', text: '小区停水两天了，水管爆裂', categoryId: 'water' },
  { title: '水压低', text: '自来水水压太低', categoryId: 'water' },
  { title: '公积金提取', text: '咨询公积金提取需要哪些材料', categoryId: 'fund' },
  { title: '公积金贷款', text: '公积金贷款额度怎么算', categoryId: 'fund' },
];

async function* paged(rows: TrainingRow[]) { for (const r of rows) yield r; }

describe('CategorySuggester', () => {
  it('trains from an iterable or an async iterable, with the same result', async () => {
    const a = new CategorySuggester(TAXONOMY);
    const b = new CategorySuggester(TAXONOMY);
    expect(await a.train(ROWS)).toBe(6);
    expect(await b.train(paged(ROWS), { yieldEvery: 2 })).toBe(6);
    expect(b.suggest('路灯坏了', 3)).toEqual(a.suggest('路灯坏了', 3));
    expect(a.documents).toBe(6);
    expect(a.categories.sort()).toEqual(['fund', 'lamp', 'water']);
  });

  it('stops training when aborted', async () => {
    const s = new CategorySuggester(TAXONOMY);
    const ac = new AbortController();
    ac.abort();
    expect(await s.train(ROWS, { signal: ac.signal })).toBe(0);
  });

  it('suggests the leaf with its level, and rolls scores up to a level', async () => {
    const s = new CategorySuggester(TAXONOMY);
    await s.train(ROWS);
    const leaf = s.suggest({ title: '路灯', content: '楼下路灯不亮' }, 3);
    expect(leaf[0]).toMatchObject({ categoryId: 'lamp', level: 3 });
    const top = s.suggest({ title: '路灯', content: '楼下路灯不亮' }, 3, { level: 1 });
    expect(top.map((x) => x.categoryId)).toEqual(['c1', 'c2']);
    const byId = new Map(s.suggest({ title: '路灯', content: '楼下路灯不亮' }, 10).map((x) => [x.categoryId, x.score]));
    expect(top[0]!.score).toBeCloseTo(byId.get('lamp')! + byId.get('water')!, 12);
    expect(s.suggest('楼下路灯不亮', 3, { level: 2 })[0]!.categoryId).toBe('c1.1');
    expect(s.ancestorAt('fund', 1)).toBe('c2');
    expect(s.ancestorAt('c1', 3)).toBeNull();
    expect(s.levelOf('nope')).toBeNull();
  });

  it('relearn moves a corrected ticket; unlearn restores the earlier suggestions', async () => {
    const s = new CategorySuggester(TAXONOMY);
    await s.train(ROWS);
    const before = s.suggest('水管漏水 停水', 3);
    const t: TrainingRow = { title: '漏水', text: '水管漏水 停水', categoryId: 'fund' };
    s.learn(t);
    s.relearn(t, { ...t, categoryId: 'water' });
    s.unlearn({ ...t, categoryId: 'water' });
    expect(s.suggest('水管漏水 停水', 3)).toEqual(before);
  });

  it('learns a category that is new to the model (or to the taxonomy)', async () => {
    const s = new CategorySuggester(TAXONOMY);
    await s.train(ROWS);
    s.learn({ text: '井盖丢失，行人容易掉下去', categoryId: 'manhole' });
    expect(s.suggest('井盖丢了', 1)[0]).toMatchObject({ categoryId: 'manhole', level: null });
    s.setTaxonomy([...TAXONOMY, { id: 'manhole', parentId: 'c1.1' }]);
    expect(s.suggest('井盖丢了', 1)[0]).toMatchObject({ categoryId: 'manhole', level: 3 });
  });

  it('round-trips through JSON with identical suggestions, and refuses another feature version', async () => {
    const s = new CategorySuggester(TAXONOMY);
    await s.train(ROWS);
    const json = JSON.parse(JSON.stringify(s.toJSON())) as ReturnType<CategorySuggester['toJSON']>;
    const r = CategorySuggester.fromJSON(json, TAXONOMY);
    for (const q of ['路灯', '公积金', '停水了', 'abc']) expect(r.suggest(q, 3)).toEqual(s.suggest(q, 3));
    expect(() => CategorySuggester.fromJSON({ ...json, featuresVersion: FEATURES_VERSION + 1 })).toThrow(/retrain/);
  });

  describe('with a fitted linear model', () => {
    const fitted = async () => {
      const s = new CategorySuggester(TAXONOMY);
      await s.train(ROWS);
      s.setLinear(LinearModel.fit(ROWS.map((r) => ({ f: s.features({ title: r.title, content: r.text }), label: r.categoryId }))));
      return s;
    };

    it('suggests the linear model\'s first choice right after the fit, naive Bayes\' first two others next, and blends naive Bayes in by the share learned since', async () => {
      const s = await fitted();
      const nbOnly = new CategorySuggester(TAXONOMY);
      await nbOnly.train(ROWS);
      const q = s.features('楼下路灯不亮');
      const lin = s.linear!.scores(q);
      const first = lin[0]!.label;
      const runnersUp = nbOnly.scores(q).slice(0, 2).map((x) => x.label).filter((l) => l !== first);
      const expected = [first, ...runnersUp, ...lin.map((x) => x.label).filter((l) => l !== first && !runnersUp.includes(l))];
      expect(s.scores(q).map((x) => x.label)).toEqual(expected);
      // The scores are the linear model's, in that order: the first choice keeps its own.
      s.scores(q).forEach((x, i) => expect(x.score).toBeCloseTo(lin[i]!.score, 12));
      expect(s.sinceFit).toBe(0);
      // Tickets of a label the fit has not seen: only naive Bayes knows it, and it shows up as they come.
      for (let i = 0; i < 12; i++) s.learn({ text: `井盖丢失第${i}处，行人容易掉下去`, categoryId: 'manhole' });
      expect(s.sinceFit).toBe(12);
      const m = s.suggest('井盖丢失，行人容易掉下去', 4);
      expect(m[0]!.categoryId).toBe('manhole');
      expect(m.reduce((a, x) => a + x.score, 0)).toBeCloseTo(1, 10);
    });

    it('a correction changes the next suggestion for that text at once', async () => {
      const s = await fitted();
      const text = '路灯下面的水管漏水';
      const was = s.suggest(text, 1)[0]!.categoryId;
      const right = was === 'water' ? 'lamp' : 'water';
      const t: TrainingRow = { text, categoryId: was };
      s.learn(t);
      s.relearn(t, { ...t, categoryId: right });
      expect(s.suggest(text, 1)[0]!.categoryId).toBe(right);
      expect(s.linear!.corrected).toBe(1);
    });

    it('round-trips the linear model through JSON, and still reads a model saved without one', async () => {
      const s = await fitted();
      s.learn({ text: '井盖丢失', categoryId: 'manhole' });
      const json = JSON.parse(JSON.stringify(s.toJSON())) as ReturnType<CategorySuggester['toJSON']>;
      expect(json.format).toBe('category-suggester/2');
      const r = CategorySuggester.fromJSON(json, TAXONOMY);
      expect(r.sinceFit).toBe(1);
      for (const q of ['路灯', '公积金', '停水了', '井盖']) expect(r.suggest(q, 3)).toEqual(s.suggest(q, 3));
      const v1 = { ...json, format: 'category-suggester/1' as const, linear: undefined, sinceFit: undefined };
      expect(CategorySuggester.fromJSON(v1, TAXONOMY).linear).toBeNull();
    });
  });
});

import { describe, expect, it } from 'vitest';
import { extractFeatures } from './features';
import { FitCancelled, LinearModel, pack, type LinearExample } from './linear-model';

const fo = { minN: 1, maxN: 2, titleWeight: 2 };
const ex = (text: string, label: string): LinearExample => ({ f: extractFeatures('', text, fo), label });
const TRAIN: LinearExample[] = [
  ex('小区门口路灯坏了一周', 'lamp'), ex('路灯晚上不亮很危险', 'lamp'), ex('路灯损坏无人修', 'lamp'), ex('路灯一直闪烁', 'lamp'),
  ex('小区停水两天了水管爆裂', 'water'), ex('自来水水压太低', 'water'), ex('停水没有通知', 'water'), ex('水管漏水', 'water'),
  ex('咨询公积金提取需要哪些材料', 'fund'), ex('公积金贷款额度怎么算', 'fund'), ex('公积金账户转移', 'fund'), ex('提取公积金还房贷', 'fund'),
];
const top = (m: LinearModel, text: string) => m.scores(extractFeatures('', text, fo))[0]?.label;

describe('LinearModel (NBSVM)', () => {
  it('learns to tell categories apart from their n-grams, with probabilities summing to 1', () => {
    const m = LinearModel.fit(TRAIN);
    expect(m.labels).toEqual(['fund', 'lamp', 'water']);
    expect(top(m, '我家楼下路灯不亮')).toBe('lamp');
    expect(top(m, '停水了')).toBe('water');
    expect(top(m, '公积金怎么提取')).toBe('fund');
    const s = m.scores(extractFeatures('', '路灯', fo));
    expect(s.reduce((a, x) => a + x.score, 0)).toBeCloseTo(1, 10);
    expect(m.scores(extractFeatures('', '鸵鸟', fo))).toEqual([]); // nothing known: no suggestion
  });

  it('also fits with the squared hinge loss (category-grid.ts compares it), telling the same categories apart', () => {
    const m = LinearModel.fit(TRAIN, { loss: 'squared', C: 1 });
    expect(top(m, '我家楼下路灯不亮')).toBe('lamp');
    expect(top(m, '停水了')).toBe('water');
    expect(top(m, '公积金怎么提取')).toBe('fund');
    expect(m.toJSON()).not.toEqual(LinearModel.fit(TRAIN, { C: 1 }).toJSON());
  });

  it('also fits interpolated (β) and with class-balanced costs (category-grid.ts models compares them), telling the same categories apart', () => {
    for (const o of [{ beta: 0.5 }, { balanced: true }]) {
      const m = LinearModel.fit(TRAIN.slice(2), o); // two lamp examples fewer: the classes are unequal
      expect(top(m, '我家楼下路灯不亮')).toBe('lamp');
      expect(top(m, '停水了')).toBe('water');
      expect(top(m, '公积金怎么提取')).toBe('fund');
      expect(m.toJSON()).not.toEqual(LinearModel.fit(TRAIN.slice(2)).toJSON());
    }
    expect(LinearModel.fit(TRAIN, { beta: 1, balanced: false }).toJSON().w).toEqual(LinearModel.fit(TRAIN).toJSON().w);
  });

  it('is deterministic, and fits packed features exactly like maps', () => {
    const a = LinearModel.fit(TRAIN);
    const b = LinearModel.fit(TRAIN.map((e) => ({ f: pack(e.f as Map<number, number>), label: e.label })));
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it('round-trips through JSON with the same scores, and refuses arrays that do not fit together', () => {
    const m = LinearModel.fit(TRAIN);
    const back = LinearModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())) as ReturnType<LinearModel['toJSON']>);
    const q = extractFeatures('', '路灯坏了水管也漏', fo);
    expect(back.scores(q)).toEqual(m.scores(q));
    expect(() => LinearModel.fromJSON({ ...m.toJSON(), bias: [0] })).toThrow(/do not fit/);
    expect(() => LinearModel.fromJSON({ ...m.toJSON(), format: 'x' as 'linear/1' })).toThrow(/unknown linear model format/);
  });

  it('a correction makes the corrected text suggest the right category until the next fit', () => {
    const m = LinearModel.fit(TRAIN);
    const text = '路灯旁边的水管漏水';
    const f = extractFeatures('', text, fo);
    const was = top(m, text);
    const right = was === 'lamp' ? 'water' : 'lamp';
    expect(m.correct(f, right)).toBe(true);
    expect(top(m, text)).toBe(right);
    expect(m.corrected).toBe(1);
    expect(top(m, '公积金怎么提取')).toBe('fund'); // other texts keep theirs
    expect(m.correct(f, 'unseen-label')).toBe(false);
  });

  it('keeps at most maxEntries weights, dropping the smallest', () => {
    const full = LinearModel.fit(TRAIN);
    const small = LinearModel.fit(TRAIN, { maxEntries: 30 });
    expect(full.entries).toBeGreaterThan(30);
    expect(small.entries).toBeLessThanOrEqual(30);
    expect(top(small, '路灯不亮')).toBe('lamp');
  });

  it('stops between classes when cancelled', () => {
    let classes = 0;
    expect(() => LinearModel.fit(TRAIN, {}, { cancelled: () => classes > 0, progress: (d) => { classes = d; } })).toThrow(FitCancelled);
    expect(classes).toBe(1);
  });
});

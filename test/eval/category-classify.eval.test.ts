/**
 * Category suggestion (electron/classify) evaluated on real citizen messages. The data is read
 * from ../shared/data/real at test time only (never shipped); the test is skipped without it.
 *
 * Split: rows are deduplicated (same normalised text) and grouped by near-duplicate text (repeat
 * posts), then a group goes to the test fold when FNV(first id of the group) % 5 === 0 (≈ 20 %):
 * deterministic, no randomness, no repeat post on both sides. The segmented file is used as extra
 * training data only after dropping the rows that are copies of a held-out message.
 *
 * The floors are set just under the measured figures: a regression fails, noise cannot (nothing
 * here is random). The model shipped before (electron/suggest, frozen in legacy-naive-bayes.ts) is
 * measured on the same split for comparison. CLASSIFY_EVAL_FULL=1 adds the (slow) softmax-regression one.
 */
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { CategorySuggester, DEFAULT_SUGGESTER } from '../../electron/classify/category-suggester';
import { extractFeatures } from '../../electron/classify/features';
import { SoftmaxRegression } from './linear';
import { LinearModel } from '../../electron/classify/linear-model';
import { NaiveBayes, type NaiveBayesOptions } from '../../electron/classify/naive-bayes';
import { evaluate, pct, table, type Example, type Metrics, type Trainer } from './classify-eval';
import * as legacy from './legacy-naive-bayes';
import { foldOf, leakingSegmented, loadLabelled, loadSegmented, loadSegmentedRaw, realDataPresent, type Message } from './real-messages';

/**
 * Measured (features v2): 87.9 / 99.7 (the old model 86.1 / 99.0 on the same split), with the
 * segmented file 89.5 / 99.7, CV 87.2, 30 chars 84.1, ECE 0.037 (v1: 87.4 / 99.7, 89.2, CV 87.0,
 * 30 chars 84.3, ECE 0.036). One test message is 0.26 pp.
 */
const FLOORS = {
  top1: 0.87,
  top3: 0.995,
  top1WithSegmented: 0.89,
  top3WithSegmented: 0.995,
  cvTop1: 0.865,
  /** The first 30 characters typed (title first). */
  prefix30Top1: 0.84,
  /** Expected calibration error of the top score, at most. */
  ece: 0.04,
};
/**
 * The model the app serves (electron/classify/category-suggester.ts): the linear refit (NBSVM, one
 * vs rest, hinge loss, C = 2) gives the first choice, naive Bayes' first two choices other than it
 * come next (NB_TOP), over features v2 (the title's n-grams also under ids of their own); naive
 * Bayes is blended into the first choice only for tickets since the last refit, none here. The
 * settings were chosen by 4-fold grouped CV inside the training part (category-grid.ts ranking).
 * Measured (old → new in one run): split 92.03 / 99.49 → 92.03 / 99.74 (2 → 1 top-3 miss),
 * 5-fold grouped CV 89.90 / 99.20 → 90.10 / 99.45 (16 → 11 top-3 misses; the issue asks 90 / 99.5
 * there: top-3 is one message short), first 30 chars 87.7 → 86.9 (top-3 97.2 → 97.7), ECE 0.054.
 * The runners-up by the mean of both models' probabilities, the choice of category-grid.ts fusion
 * (4-fold CV inside the training part), measured 92.03 / 99.49 and CV 90.10 / 99.25 (15 misses),
 * first 30 chars top-3 98.7: not shipped.
 */
const FLOORS_NEW = {
  top1: 0.92,
  top3: 0.997,
  cvTop1: 0.90,
  cvTop3: 0.994,
  /**
   * The same 5-fold CV with a centre's larger history: each fold also trains on the segmented file
   * (6094 more labelled messages of the platform) less its copies of that fold's held-out messages
   * (leakingSegmented, 32–46 a fold). Measured 93.00 / 99.50 % (10 top-3 misses of 2000; the
   * labelled folds alone 90.10 / 99.45 %, 11), split 93.06 / 99.74 %: the issue's 90 / 99.5 with
   * that history, one message short without (category-grid.ts history; dropping also the rows with
   * ≥ 60 % of their 3-grams in a held-out message, 79–104 a fold: 93.10 / 99.45 %, 11 — top-3 is at
   * the edge either way). Settings chosen by inner CV over what category-grid.ts had not searched
   * (models: NBSVM β, class-balanced costs, nbAlpha, minDf, C, NB_TOP, naive Bayes' α and norm for
   * the runners-up, two feature views, 1–3-grams, title weights) picked naive Bayes norm 0 for the runners-up (14 vs 16 misses of 1611 there),
   * which measured 15 misses of 2000 here: not shipped.
   */
  cvHistoryTop1: 0.925,
  cvHistoryTop3: 0.9949,
  prefix30Top1: 0.865,
  ece: 0.06,
};
/** Two decimals: one message of the 2000 in the CV is 0.05 pp. */
const pct2 = (x: number) => `${(x * 100).toFixed(2)} %`;
/** The softmax regression takes ~10 s to train here; it is compared only on request. */
const FULL = process.env.CLASSIFY_EVAL_FULL === '1';

const fo = DEFAULT_SUGGESTER.features;
const nb = (o: Partial<NaiveBayesOptions>): Trainer => (train) => {
  const m = new NaiveBayes(o);
  for (const e of train) m.learn(e.f, e.label);
  return (f, k) => m.suggest(f, k);
};
/** An appeal as typed: what the shipped suggester extracts its own features from. */
type Appeal = { title: string; text: string };
/**
 * The model the app serves (electron/classify/category-suggester.ts): naive Bayes learns every
 * ticket, the linear model is fitted on the same tickets with the features and options a refit
 * worker uses (here in-process: the same code, see refit-client.test.ts), and suggestions come
 * from `CategorySuggester.scores` (no tickets since the fit here, so no NB share in the blend).
 */
const shipped: Trainer<Appeal> = (train) => {
  const s = new CategorySuggester();
  for (const e of train) s.learn({ title: e.f.title, text: e.f.text, categoryId: e.label });
  const fit = LinearModel.fit(train.map((e) => ({ f: extractFeatures(e.f.title, e.f.text, s.featureSettings), label: e.label })), s.linearOptions);
  s.setLinear(fit, 0);
  return (a, k) => s.scores(s.features({ title: a.title, content: a.text })).slice(0, k);
};
/** The NBSVM as shipped before (features v1: no title namespace; C = 2; its own ranking alone). */
const FEATURES_V1 = { ...DEFAULT_SUGGESTER.features, titleOwn: 0 };
const nbsvmBefore: Trainer<Appeal> = (train) => {
  const m = LinearModel.fit(train.map((e) => ({ f: extractFeatures(e.f.title, e.f.text, FEATURES_V1), label: e.label })), { C: 2 });
  return (a, k) => m.scores(extractFeatures(a.title, a.text, FEATURES_V1)).slice(0, k);
};
const softmax: Trainer = (train) => {
  const m = new SoftmaxRegression();
  m.fit(train);
  return (f, k) => m.suggest(f, k);
};
/** The model shipped before (electron/suggest, frozen in legacy-naive-bayes.ts), on its own string features. */
const old: Trainer<string[]> = (train) => {
  const m = new legacy.NaiveBayes();
  for (const e of train) m.learn(e.f, e.label);
  return (f, k) => m.suggest(f, k).map((s) => ({ label: s.label, score: s.probability }));
};
const oldEx = (rows: { title: string; text: string; category: string }[]): Example<string[]>[] =>
  rows.map((r) => ({ f: legacy.features(r.title, r.text), label: r.category }));
const ex = (rows: { title: string; text: string; category: string }[], cut = Infinity): Example[] =>
  rows.map((r) => {
    if (cut === Infinity) return { f: extractFeatures(r.title, r.text, fo), label: r.category };
    const title = r.title.slice(0, cut);
    return { f: extractFeatures(title, r.text.slice(0, Math.max(0, cut - title.length)), fo), label: r.category };
  });
/** Appeals as typed (the first `cut` characters, title first). */
const appeals = (rows: { title: string; text: string; category: string }[], cut = Infinity): Example<Appeal>[] =>
  rows.map((r) => {
    const title = r.title.slice(0, cut);
    return { f: { title, text: r.text.slice(0, Math.max(0, cut - title.length)) }, label: r.category };
  });

describe.skipIf(!realDataPresent())('category suggestion on real messages (electron/classify)', () => {
  it('reaches its measured top-1 / top-3 accuracy on held-out messages', { timeout: 900_000 }, async () => {
    const data = loadLabelled();
    const fold = foldOf(data.rows, 5);
    const train = data.rows.filter((r) => fold(r) !== 0);
    const test = data.rows.filter((r) => fold(r) === 0);
    const seg = loadSegmented();
    const segRaw = loadSegmentedRaw();
    const leak = leakingSegmented(seg, segRaw, test);
    const segTrain = seg.filter((s) => !leak.has(s.id)).map((s) => ({ title: '', text: s.text, category: s.category }));
    const trainEx = ex(train);
    const testEx = ex(test);

    // The shipped service, end to end (its own feature extraction, train, suggest, JSON).
    const svc = new CategorySuggester(Object.keys(Object.fromEntries(data.rows.map((r) => [r.category, 1]))).map((id) => ({ id, parentId: null })));
    const t0 = performance.now();
    await svc.train(train.map((r) => ({ title: r.title, text: r.text, categoryId: r.category })));
    const svcTrainMs = performance.now() - t0;
    let svcTop1 = 0;
    let svcTop3 = 0;
    for (const r of test) {
      const s = svc.suggest({ title: r.title, content: r.text }, 3, { level: 1 });
      if (s[0]?.categoryId === r.category) svcTop1++;
      if (s.some((x) => x.categoryId === r.category)) svcTop3++;
    }
    const json = JSON.stringify(svc.toJSON());

    const results: [string, Metrics][] = [
      ['CNB (default), labelled 80 %', evaluate(nb(DEFAULT_SUGGESTER.model), trainEx, testEx)],
      ['CNB (default), + segmented file', evaluate(nb(DEFAULT_SUGGESTER.model), [...trainEx, ...ex(segTrain)], testEx)],
      ['old model (electron/suggest: MNB α=0.1, string n-grams), labelled 80 %', evaluate(old, oldEx(train), oldEx(test))],
      ['CNB (default), first 30 chars typed', evaluate(nb(DEFAULT_SUGGESTER.model), trainEx, ex(test, 30))],
      ['CNB (default), first 60 chars typed', evaluate(nb(DEFAULT_SUGGESTER.model), trainEx, ex(test, 60))],
    ];
    if (FULL) results.push(['softmax regression (avg. SGD, 8 epochs)', evaluate(softmax, trainEx, testEx)]);
    const fresh = evaluate(shipped, appeals(train), appeals(test));
    const freshPrefix30 = evaluate(shipped, appeals(train), appeals(test, 30));
    const prev = evaluate(nbsvmBefore, appeals(train), appeals(test));
    const prevPrefix30 = evaluate(nbsvmBefore, appeals(train), appeals(test, 30));
    results.push(['NBSVM as shipped before (features v1, C = 2, its own ranking)', prev],
      ['new: suggester (NBSVM first choice, NB runners-up), labelled 80 %', fresh], ['new: suggester, first 30 chars typed', freshPrefix30]);

    // 5-fold cross-validation over all (deduplicated, grouped) rows, old and new model.
    const all = ex(data.rows);
    const allAppeals = appeals(data.rows);
    /** `extra(k)`: more training examples for fold k (none but the other folds' by default). */
    const crossValidate = <F>(trainer: Trainer<F>, all: Example<F>[], extra: (k: number) => Example<F>[] = () => []) => {
      let t1 = 0;
      let t3 = 0;
      const folds: string[] = [];
      for (let k = 0; k < 5; k++) {
        const m = evaluate(trainer, [...all.filter((_, i) => fold(data.rows[i]!) !== k), ...extra(k)], all.filter((_, i) => fold(data.rows[i]!) === k));
        // Whole messages: the floors below are compared with exact fractions.
        t1 += Math.round(m.top1 * m.n);
        t3 += Math.round(m.top3 * m.n);
        folds.push(pct(m.top1));
      }
      return { top1: t1 / all.length, top3: t3 / all.length, misses3: all.length - t3, folds };
    };
    const cvOld = crossValidate(nb(DEFAULT_SUGGESTER.model), all);
    const cvPrev = crossValidate(nbsvmBefore, allAppeals);
    const cvNew = crossValidate(shipped, allAppeals);
    // A centre's larger history: the segmented rows that copy none of fold k's messages.
    const cvHistory = crossValidate(shipped, allAppeals, (k) => {
      const leakK = leakingSegmented(seg, segRaw, data.rows.filter((r) => fold(r) === k));
      return appeals(seg.filter((s) => !leakK.has(s.id)).map((s) => ({ title: '', text: s.text, category: s.category })));
    });
    const cv1 = cvOld.top1;
    const cv3 = cvOld.top3;
    const foldTop1 = cvOld.folds;

    const [base, withSeg, before, prefix30] = results.map((r) => r[1]);
    const out: string[] = [];
    out.push(`Real labelled messages: ${data.read} read, ${data.exactDuplicates} exact duplicate(s) dropped, ${data.nearDuplicatePairs} near-duplicate pairs `
      + `(3-gram Jaccard ≥ 0.5) joining ${data.rowsInGroups} rows into groups kept on one side of the split; train ${train.length}, test ${test.length}. `
      + `Segmented file: ${seg.length} rows, ${leak.size} dropped as copies of held-out messages.`);
    out.push(table(['model / training data', 'top-1', 'top-3', 'ECE', 'train ms', 'test ms / msg'],
      results.map(([name, m]) => [name, pct(m.top1), pct(m.top3), m.ece.toFixed(3), m.trainMs.toFixed(0), (m.testMs / m.n).toFixed(3)])));
    out.push(`CategorySuggester (service, level-1 roll-up): top-1 ${pct(svcTop1 / test.length)}, top-3 ${pct(svcTop3 / test.length)}, train ${svcTrainMs.toFixed(0)} ms `
      + `(incl. feature extraction), ${svc.documents} docs; model JSON ${(json.length / 1024).toFixed(0)} KiB, gzip ${(gzipSync(json).length / 1024).toFixed(0)} KiB.`);
    out.push(`5-fold CV (default model, grouped folds, ${all.length} rows): top-1 ${pct(cv1)} (folds ${foldTop1.join(', ')}), top-3 ${pct(cv3)}.`);
    const row = (name: string, m: Metrics, cv: ReturnType<typeof crossValidate>, p30: Metrics) => [name, pct2(m.top1), pct2(m.top3), `${Math.round((1 - m.top3) * m.n)}`,
      pct2(cv.top1), pct2(cv.top3), `${cv.misses3}`, pct(p30.top1), pct(p30.top3), m.ece.toFixed(3), m.trainMs.toFixed(0)];
    out.push(`Old (complement NB) vs before (NBSVM alone) vs new (the suggester as shipped: NBSVM first choice, naive Bayes runners-up), same split and folds:\n${table(
      ['model', 'split top-1', 'split top-3', 'top-3 misses', 'CV top-1', 'CV top-3', 'CV top-3 misses', 'first 30 chars top-1', 'first 30 top-3', 'ECE', 'train ms'],
      [row('old: complement NB', base!, cvOld, prefix30!),
        row('before: NBSVM alone (features v1, C = 2)', prev, cvPrev, prevPrefix30),
        row('new: NBSVM first, NB runners-up (features v2, C = 2)', fresh, cvNew, freshPrefix30)])}\n`
      + `before CV folds top-1: ${cvPrev.folds.join(', ')}; new CV folds top-1: ${cvNew.folds.join(', ')}\n`
      + `new, each fold also trained on the segmented file less its copies of the fold's messages (a centre's larger history): CV top-1 ${pct2(cvHistory.top1)}, `
      + `top-3 ${pct2(cvHistory.top3)} (${cvHistory.misses3} misses; folds top-1 ${cvHistory.folds.join(', ')})`);
    out.push(table(['class', 'test rows', 'recall (labelled)', 'recall (+ segmented)'],
      [...base!.recall].map(([l, r]) => [l, test.filter((m: Message) => m.category === l).length, pct(r), pct(withSeg!.recall.get(l) ?? 0)])));
    console.log(out.join('\n\n'));

    expect(svcTop1 / test.length).toBeCloseTo(base!.top1, 10);
    expect(base!.top1).toBeGreaterThan(FLOORS.top1);
    expect(base!.top1).toBeGreaterThan(before!.top1);
    expect(base!.top3).toBeGreaterThan(FLOORS.top3);
    expect(withSeg!.top1).toBeGreaterThan(FLOORS.top1WithSegmented);
    expect(withSeg!.top3).toBeGreaterThan(FLOORS.top3WithSegmented);
    expect(cv1).toBeGreaterThan(FLOORS.cvTop1);
    expect(prefix30!.top1).toBeGreaterThan(FLOORS.prefix30Top1);
    expect(base!.ece).toBeLessThan(FLOORS.ece);

    expect(fresh.top1).toBeGreaterThan(FLOORS_NEW.top1);
    expect(fresh.top1).toBeGreaterThan(base!.top1);
    expect(fresh.top3).toBeGreaterThan(FLOORS_NEW.top3);
    expect(cvNew.top1).toBeGreaterThan(FLOORS_NEW.cvTop1);
    expect(cvNew.top1).toBeGreaterThan(cvOld.top1);
    expect(cvNew.top3).toBeGreaterThan(FLOORS_NEW.cvTop3);
    expect(cvHistory.top1).toBeGreaterThan(FLOORS_NEW.cvHistoryTop1);
    expect(cvHistory.top3).toBeGreaterThan(FLOORS_NEW.cvHistoryTop3);
    expect(freshPrefix30.top1).toBeGreaterThan(FLOORS_NEW.prefix30Top1);
    expect(fresh.ece).toBeLessThan(FLOORS_NEW.ece);
  });
});

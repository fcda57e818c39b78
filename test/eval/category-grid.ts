/**
 * How DEFAULT_SUGGESTER was chosen: `npx tsx test/eval/category-grid.ts [variants|ngrams|title|norm|buckets|kappa|linear|nbsvm|ranking|fusion]`.
 * `nbsvm` chooses the linear model's settings (electron/classify/linear-model.ts) by 4-fold grouped
 * CV inside the training part only (folds 1–4; fold 0 is the evaluation's test fold); `ranking`
 * does the same for the shipped suggester (title features of their own, C); `fusion [C]` for the order of the runners-up
 * behind the first choice (naive Bayes' top 2, fusions of both models' probabilities or ranks, a squared-hinge SVM of cost C);
 * `history` measures the shipped suggester with the segmented file as more training history; `models` chooses among
 * settings not searched before by the inner CV and measures the choice once against the shipped one.
 * 5-fold cross-validation over the real labelled messages (grouped folds, as in
 * category-classify.eval.test.ts); prints top-1, top-3 and the expected calibration error (ECE).
 * Reads ../shared/data/real at run time only. Each mode takes a minute or so on 2 cores.
 */
import { CategorySuggester, DEFAULT_SUGGESTER, type CategorySuggesterOptions } from '../../electron/classify/category-suggester';
import { DEFAULT_FEATURES, extractFeatures, type FeatureOptions } from '../../electron/classify/features';
import { SoftmaxRegression } from './linear';
import { LinearModel, type LinearOptions } from '../../electron/classify/linear-model';
import { NaiveBayes, type NaiveBayesOptions } from '../../electron/classify/naive-bayes';
import { evaluate, examplesOf, pct, table, type Trainer } from './classify-eval';
import { foldOf, leakingSegmented, loadLabelled, loadSegmented, loadSegmentedRaw } from './real-messages';

const data = loadLabelled();
const fold = foldOf(data.rows, 5);
const out: (string | number)[][] = [];
const cache = new Map<string, ReturnType<typeof examplesOf>>();
const nb = (o: Partial<NaiveBayesOptions>): Trainer => (train) => {
  const m = new NaiveBayes(o);
  for (const e of train) m.learn(e.f, e.label);
  return (f, k) => m.suggest(f, k);
};

function cv(name: string, fo: Partial<FeatureOptions>, trainer: Trainer, desc: string): void {
  const key = JSON.stringify(fo);
  if (!cache.has(key)) cache.set(key, examplesOf(data.rows, fo));
  const ex = cache.get(key)!;
  let t1 = 0, t3 = 0, ece = 0, ms = 0;
  for (let k = 0; k < 5; k++) {
    const m = evaluate(trainer, ex.filter((_, i) => fold(data.rows[i]!) !== k), ex.filter((_, i) => fold(data.rows[i]!) === k));
    t1 += m.top1 * m.n; t3 += m.top3 * m.n; ece += m.ece * m.n; ms += m.trainMs;
  }
  const n = ex.length;
  out.push([name, key, desc, pct(t1 / n), pct(t3 / n), (ece / n).toFixed(3), (ms / 5).toFixed(0)]);
}
/** 4-fold CV over folds 1–4 (the training part of the evaluation split). */
function inner(name: string, fo: Partial<FeatureOptions>, lo: Partial<LinearOptions>): void {
  const key = JSON.stringify(fo);
  if (!cache.has(key)) cache.set(key, examplesOf(data.rows, fo));
  const ex = cache.get(key)!;
  const trainer: Trainer = (train) => { const m = LinearModel.fit(train, lo); return (f, k) => m.scores(f).slice(0, k); };
  let t1 = 0, t3 = 0, ece = 0, ms = 0, n = 0;
  for (let k = 1; k < 5; k++) {
    const part = (i: number) => fold(data.rows[i]!);
    const m = evaluate(trainer, ex.filter((_, i) => part(i) !== 0 && part(i) !== k), ex.filter((_, i) => part(i) === k));
    t1 += m.top1 * m.n; t3 += m.top3 * m.n; ece += m.ece * m.n; ms += m.trainMs; n += m.n;
  }
  out.push([name, key, JSON.stringify(lo), pct(t1 / n), pct(t3 / n), (ece / n).toFixed(3), (ms / 4).toFixed(0)]);
}
/**
 * The suggester as the app runs it (NB learns every ticket, the linear model fitted on the same
 * ones, `scores` ranks), 4-fold CV over folds 1–4; `linearOnly` ranks by the linear model alone.
 */
function innerSuggester(name: string, fo: Partial<FeatureOptions>, lo: Partial<LinearOptions>, linearOnly: boolean): void {
  type Appeal = { title: string; text: string };
  const ex = data.rows.map((r) => ({ f: { title: r.title, text: r.text }, label: r.category }));
  const trainer: Trainer<Appeal> = (train) => {
    const s = new CategorySuggester([], { features: fo, linear: lo });
    for (const e of train) s.learn({ title: e.f.title, text: e.f.text, categoryId: e.label });
    const m = LinearModel.fit(train.map((e) => ({ f: extractFeatures(e.f.title, e.f.text, s.featureSettings), label: e.label })), s.linearOptions);
    s.setLinear(m, 0);
    return (a, k) => (linearOnly ? m.scores(s.features({ title: a.title, content: a.text })) : s.scores(s.features({ title: a.title, content: a.text }))).slice(0, k);
  };
  let t1 = 0, t3 = 0, ms = 0, n = 0;
  for (let k = 1; k < 5; k++) {
    const part = (i: number) => fold(data.rows[i]!);
    const m = evaluate(trainer, ex.filter((_, i) => part(i) !== 0 && part(i) !== k), ex.filter((_, i) => part(i) === k));
    t1 += Math.round(m.top1 * m.n); t3 += Math.round(m.top3 * m.n); ms += m.trainMs; n += m.n;
  }
  out.push([name, JSON.stringify(fo), `${JSON.stringify(lo)}${linearOnly ? ', linear ranking' : ', suggester ranking'}`, `${pct(t1 / n)} (${t1})`, `${pct(t3 / n)} (${n - t3} misses)`, '', (ms / 4).toFixed(0)]);
}
const run = (fo: Partial<FeatureOptions>, o: Partial<NaiveBayesOptions>) => cv(o.variant === 'multinomial' ? 'MNB' : 'CNB', fo, nb(o), JSON.stringify(o));
const CNB: Partial<NaiveBayesOptions> = { variant: 'complement', tf: 'raw', alpha: 1, norm: 30 };

const mode = process.argv[2] ?? 'variants';
/** `fusion`: the cost of the squared-hinge SVM it compares (measured 0.5, 1 and 2, see fusion()). */
const SQ_C = Number(process.argv[3] ?? 1);
if (mode === 'variants') {
  for (const variant of ['multinomial', 'complement'] as const)
    for (const tf of ['raw', 'log'] as const)
      for (const alpha of [0.1, 0.3, 1]) run({}, { variant, tf, alpha, norm: 0, prior: variant === 'multinomial' });
}
if (mode === 'ngrams') for (const [minN, maxN] of [[1, 1], [1, 2], [2, 2], [1, 3], [2, 3]] as const) run({ minN, maxN }, CNB);
if (mode === 'title') for (const titleWeight of [1, 2, 3, 5]) run({ titleWeight }, CNB);
if (mode === 'norm') for (const norm of [0, 10, 30, 60]) for (const alpha of [0.3, 1]) run({}, { ...CNB, norm, alpha });
if (mode === 'buckets') for (const buckets of [1 << 16, 1 << 18, 1 << 20, 1 << 22]) run({ buckets }, CNB);
if (mode === 'kappa') for (const kappa of [0.05, 0.1, 0.12, 0.2, 1]) run({}, { ...CNB, kappa });
if (mode === 'linear') cv('softmax', {}, (train) => { const m = new SoftmaxRegression(); m.fit(train); return (f, k) => m.suggest(f, k); }, 'avg. SGD, 8 epochs');
if (mode === 'nbsvm') {
  // Measured (inner CV, 1–2-grams, title ×2): TF-IDF SVM L2-loss C=1 87.3, NBSVM L2-loss C=1 88.1, NBSVM hinge C=2 89.0
  // (C=4 88.9; title ×3 89.0; 1–3-grams 87.2; binary features 86.4; NB blended in 87.2–88.1).
  for (const [fo, lo] of [
    [{ minN: 1, maxN: 2, titleWeight: 2 }, { nbAlpha: 0, C: 1 }], [{ minN: 1, maxN: 2, titleWeight: 2 }, { C: 1 }], [{ minN: 1, maxN: 2, titleWeight: 2 }, { C: 2 }],
    [{ minN: 1, maxN: 2, titleWeight: 2 }, { C: 4 }], [{ minN: 1, maxN: 2, titleWeight: 3 }, { C: 2 }], [{ minN: 1, maxN: 3, titleWeight: 2 }, { C: 2 }],
  ] as [Partial<FeatureOptions>, Partial<LinearOptions>][]) inner('NBSVM', fo, lo);
}
if (mode === 'ranking') {
  // Measured again with the runners-up by the mean of both models' probabilities (`fusion`, not shipped): titleOwn 1, C 2
  // still first (1431 / 14; C 1: 1428 / 15; titleOwn 0, C 2: 1430 / 17; titleOwn 0, C 1: 1429 / 17).
  // Measured with naive Bayes' top 2 next (before `fusion` chose the runners-up' order), inner CV over 1611 messages,
  // right first / top-3 misses: titleOwn 0, C 2: linear ranking 1430 / 17, NB top 2 next 1430 / 17; titleOwn 1, C 1: 1428 / 18 and 1428 / 17; titleOwn 1, C 2: 1431 / 16 and 1431 / 16 (chosen); titleOwn 0,
  // C 1: 1429 / 19 and 1429 / 18. All within 3 messages of each other.
  for (const [fo, lo] of [[{ titleOwn: 0 }, { C: 2 }], [{ titleOwn: 1 }, { C: 1 }], [{ titleOwn: 1 }, { C: 2 }], [{ titleOwn: 0 }, { C: 1 }]] as [Partial<FeatureOptions>, Partial<LinearOptions>][])
    for (const linearOnly of [true, false]) innerSuggester('suggester', fo, lo, linearOnly);
}
if (out.length > 0) console.log(table(['model', 'features', 'options', 'top-1', 'top-3', 'ECE', 'train ms'], out));
if (mode === 'fusion') fusion();

/**
 * Who fills slots 2–3 behind the linear model's first choice, 4-fold grouped CV over folds 1–4:
 * each inner fold is fitted once (naive Bayes, the hinge NBSVM as shipped, and a squared-hinge
 * NBSVM) and every ranking rule is scored on the same cached scores.
 *
 * Measured (1611 messages, all with 1431 right first; top-2 / top-3 misses): shipped (NB top 2
 * next) 49 / 16; linear order 46 / 16; mean of the linear model's probabilities (its softmax at
 * temperature 4, as shipped) and naive Bayes' 43 / 14 (temperature 1: 49 / 17, 2: 47 / 15, 8:
 * 42 / 18); 4·margin + NB log-posterior 44 / 15; reciprocal-rank fusion (k = 1, 10, 60) 50–51 /
 * 13–14; squared-hinge order (C = 0.5, 1, 2) 49 / 18–19, 49 / 18, 47 / 14, fused with naive Bayes
 * 45–49 / 15–20. The mean of probabilities, preferred here, was tried in the app: the eval
 * (category-classify.eval.test.ts) measured it worse — split top-3 misses 1 → 2, 5-fold CV 11 → 15
 * of 2000 (top-1 unchanged) — so it was not shipped: every rule here is within a few messages of
 * the others, the noise of 1611 messages, and the choice does not carry over to held-out data.
 */
function fusion(): void {
  type Row = { label: string; labels: readonly string[]; lin: Float64Array; sq: Float64Array; nb: Map<string, number>; nbLog: Map<string, number>; shipped: string[] };
  const rows: Row[] = [];
  const fitMs: number[] = [];
  for (let k = 1; k < 5; k++) {
    const part = (r: (typeof data.rows)[number]) => fold(r);
    const train = data.rows.filter((r) => part(r) !== 0 && part(r) !== k);
    const test = data.rows.filter((r) => part(r) === k);
    const s = new CategorySuggester();
    for (const r of train) s.learn({ title: r.title, text: r.text, categoryId: r.category });
    const tex = train.map((r) => ({ f: extractFeatures(r.title, r.text, s.featureSettings), label: r.category }));
    const t0 = performance.now();
    const lin = LinearModel.fit(tex, s.linearOptions);
    const t1 = performance.now();
    const sq = LinearModel.fit(tex, { ...s.linearOptions, loss: 'squared', C: SQ_C });
    fitMs.push(t1 - t0, performance.now() - t1);
    s.setLinear(lin, 0);
    const nbm = new NaiveBayes(DEFAULT_SUGGESTER.model);
    for (const e of tex) nbm.learn(e.f, e.label);
    for (const r of test) {
      const f = s.features({ title: r.title, content: r.text });
      const d = lin.decision(f);
      const dq = sq.decision(f);
      const nb = new Map(nbm.scores(f).map((x) => [x.label, x.score]));
      const nbLog = new Map([...nb].map(([l, p]) => [l, Math.log(Math.max(p, 1e-300))]));
      rows.push({ label: r.category, labels: lin.labels, lin: Float64Array.from(lin.labels.map((l) => d?.get(l) ?? 0)), sq: Float64Array.from(lin.labels.map((l) => dq?.get(l) ?? 0)), nb, nbLog, shipped: s.scores(f).map((x) => x.label) });
    }
  }
  const softmax = (m: Float64Array, t: number) => { const top = Math.max(...m); const e = m.map((x) => Math.exp(t * (x - top))); const z = e.reduce((a, b) => a + b, 0); return e.map((x) => x / z); };
  const rankOf = (order: string[]) => new Map(order.map((l, i) => [l, i + 1]));
  const byScore = (labels: readonly string[], v: ArrayLike<number>) => labels.map((l, i) => [l, v[i]!] as const).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map((x) => x[0]);
  type Rule = (r: Row) => string[];
  /** First choice fixed (the hinge model's), the rest ordered by `score` (higher first). */
  const behind = (score: (r: Row) => Map<string, number>): Rule => (r) => {
    const first = byScore(r.labels, r.lin)[0]!;
    const s = score(r);
    return [first, ...r.labels.filter((l) => l !== first).sort((a, b) => s.get(b)! - s.get(a)! || (a < b ? -1 : 1))];
  };
  const nbOrder = (r: Row) => [...r.nb].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map((x) => x[0]);
  const rules: [string, Rule][] = [
    ['linear (hinge) ranking', (r) => byScore(r.labels, r.lin)],
    ['hinge first, NB top 2, then linear (shipped)', (r) => {
      const all = byScore(r.labels, r.lin);
      const order = [all[0]!];
      for (const l of nbOrder(r).slice(0, 2)) if (l !== order[0]) order.push(l);
      return [...order, ...all.filter((l) => !order.includes(l))];
    }],
    ['NB ranking', nbOrder],
    ['CategorySuggester.scores (must match the shipped rule)', (r) => r.shipped],
    ['squared-hinge ranking', (r) => byScore(r.labels, r.sq)],
    ['hinge first, squared-hinge order', behind((r) => new Map(r.labels.map((l, i) => [l, r.sq[i]!])))],
  ];
  for (const t of [1, 2, 4, 8]) rules.push([`hinge first, mean of softmax(${t}·hinge) and NB`, behind((r) => { const p = softmax(r.lin, t); return new Map(r.labels.map((l, i) => [l, p[i]! + r.nb.get(l)!])); })]);
  for (const t of [1, 2, 4, 8]) rules.push([`hinge first, mean of softmax(${t}·squared) and NB`, behind((r) => { const p = softmax(r.sq, t); return new Map(r.labels.map((l, i) => [l, p[i]! + r.nb.get(l)!])); })]);
  for (const t of [1, 2, 4]) rules.push([`hinge first, ${t}·hinge + NB log-posterior`, behind((r) => new Map(r.labels.map((l, i) => [l, t * r.lin[i]! + r.nbLog.get(l)!])))]);
  for (const k of [1, 10, 60]) rules.push([`hinge first, reciprocal-rank fusion k=${k} (hinge, NB)`, behind((r) => {
    const a = rankOf(byScore(r.labels, r.lin)); const b = rankOf(nbOrder(r));
    return new Map(r.labels.map((l) => [l, 1 / (k + a.get(l)!) + 1 / (k + b.get(l)!)]));
  })]);
  for (const k of [1, 10, 60]) rules.push([`hinge first, reciprocal-rank fusion k=${k} (squared, NB)`, behind((r) => {
    const a = rankOf(byScore(r.labels, r.sq)); const b = rankOf(nbOrder(r));
    return new Map(r.labels.map((l) => [l, 1 / (k + a.get(l)!) + 1 / (k + b.get(l)!)]));
  })]);
  const res: (string | number)[][] = [];
  for (const [name, rule] of rules) {
    let h1 = 0, m2 = 0, m3 = 0, m5 = 0, rr = 0;
    for (const r of rows) {
      const rank = rule(r).indexOf(r.label) + 1;
      if (rank === 1) h1++;
      if (rank > 2) m2++;
      if (rank > 3) m3++;
      if (rank > 5) m5++;
      rr += 1 / rank;
    }
    res.push([name, h1, m2, m3, m5, (rr / rows.length).toFixed(4)]);
  }
  console.log(`inner 4-fold CV over folds 1–4: ${rows.length} messages; fit ms (hinge, squared C=${SQ_C}) per fold: ${fitMs.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(table(['rule (slot 1 / slots 2+)', 'right first', 'top-2 misses', 'top-3 misses', 'top-5 misses', 'MRR'], res));
}

/** An appeal's text and its category, as a centre's ticket history holds it. */
type Row = { title: string; text: string; category: string };
/** A suggester trained on rows: returns the ranking (best first) of an appeal's categories. */
type Candidate = (train: Row[]) => (title: string, text: string) => string[];
/** The suggester as the app serves it: NB learns every ticket, the linear model is fitted on the same ones with the refit's options. */
const suggester = (opts: Partial<CategorySuggesterOptions> = {}): Candidate => (train) => {
  const s = new CategorySuggester([], opts);
  for (const r of train) s.learn({ title: r.title, text: r.text, categoryId: r.category });
  s.setLinear(LinearModel.fit(train.map((r) => ({ f: extractFeatures(r.title, r.text, s.featureSettings), label: r.category })), s.linearOptions), 0);
  return (title, text) => s.scores(s.features({ title, content: text })).map((x) => x.label);
};
/** Right first and top-3 misses of a candidate over test folds `tests`, each trained on the other folds of `folds` (+ `extra(k)`). */
function foldsCv(c: Candidate, folds: number[], tests: number[], extra: (k: number) => Row[] = () => []) {
  const per: { k: number; n: number; top1: number; miss3: number }[] = [];
  for (const k of tests) {
    const train = data.rows.filter((r) => folds.includes(fold(r)) && fold(r) !== k);
    const test = data.rows.filter((r) => fold(r) === k);
    const predict = c([...train, ...extra(k)]);
    let top1 = 0, miss3 = 0;
    for (const r of test) {
      const rank = predict(r.title, r.text).indexOf(r.category);
      if (rank === 0) top1++;
      if (rank < 0 || rank > 2) miss3++;
    }
    per.push({ k, n: test.length, top1, miss3 });
  }
  const n = per.reduce((a, p) => a + p.n, 0), top1 = per.reduce((a, p) => a + p.top1, 0), miss3 = per.reduce((a, p) => a + p.miss3, 0);
  return { n, top1, miss3, per };
}
const pct2 = (x: number) => `${(x * 100).toFixed(2)} %`;
/** Inner CV: folds 1–4 only (fold 0, the eval's test fold, never read). */
const innerCv = (c: Candidate) => foldsCv(c, [1, 2, 3, 4], [1, 2, 3, 4]);
/** Outer 5-fold CV (fold 0 alone is the eval's split). */
const outerCv = (c: Candidate, extra?: (k: number) => Row[]) => foldsCv(c, [0, 1, 2, 3, 4], [0, 1, 2, 3, 4], extra);
const outerRow = (name: string, r: ReturnType<typeof outerCv>) => {
  const s = r.per.find((p) => p.k === 0)!;
  return [name, `${pct2(s.top1 / s.n)} (${s.top1}/${s.n})`, `${pct2(1 - s.miss3 / s.n)} (${s.miss3})`, `${pct2(r.top1 / r.n)} (${r.top1}/${r.n})`, `${pct2(1 - r.miss3 / r.n)} (${r.miss3})`,
    r.per.map((p) => `${p.top1}/${p.miss3}`).join(' ')];
};
const OUTER_HEAD = ['model', 'split top-1', 'split top-3 (misses)', '5-fold CV top-1', '5-fold CV top-3 (misses)', 'per fold right first / top-3 misses'];

/**
 * `history`: the shipped suggester trained, besides the labelled messages of the other folds, on
 * the segmented file (another 6094 labelled messages of the same platform: a centre's larger
 * ticket history), each fold dropping the segmented rows that copy one of its held-out messages
 * (leakingSegmented, as the eval's split does). Outer 5-fold CV, shipped settings, nothing tuned.
 *
 * Measured (one run; right first / top-3 misses of 2000): labelled folds only 1802 / 11 (90.10 / 99.45 %,
 * split 358 / 1 of 389); + segmented history (32–46 copies dropped a fold) 1860 / 10 (93.00 / 99.50 %,
 * split 362 / 1: 93.06 / 99.74 %). Dropping also the segmented rows with ≥ 60 % or ≥ 40 % of their
 * 3-grams in a held-out message (79–104 and 396–523 a fold; the stricter cut also drops rows that are
 * only about the same thing): 1862 / 11 and 1853 / 12. Top-1 ≈ 93 % holds; the 10th top-3 hit
 * depends on which rows count as copies: 99.5 % top-3 is at the edge even with that history.
 */
function history(): void {
  const seg = loadSegmented();
  const segRaw = loadSegmentedRaw();
  const extra = (threshold: number) => (k: number) => {
    const leak = leakingSegmented(seg, segRaw, data.rows.filter((r) => fold(r) === k), threshold);
    return seg.filter((s) => !leak.has(s.id)).map((s) => ({ title: '', text: s.text, category: s.category }));
  };
  const rows = [outerRow('shipped, labelled folds only', outerCv(suggester()))];
  // 0.8 as the eval; stricter ones also drop rows that only share much of their wording with a held-out message.
  for (const threshold of [0.8, 0.6, 0.4]) {
    const dropped = [0, 1, 2, 3, 4].map((k) => seg.length - extra(threshold)(k).length);
    rows.push(outerRow(`shipped, + segmented history less rows with ≥ ${threshold * 100} % of their 3-grams in a test message (${dropped.join(', ')} a fold)`, outerCv(suggester(), extra(threshold))));
  }
  console.log(`segmented rows ${seg.length}`);
  console.log(table(OUTER_HEAD, rows));
}
if (mode === 'history') history();

/** A variant of the suggester: its features, linear and naive Bayes options, runners-up from NB, and optional extra views. */
interface Spec {
  features?: Partial<FeatureOptions>;
  linear?: Partial<LinearOptions>;
  nb?: Partial<NaiveBayesOptions>;
  /** Naive Bayes' first this many choices follow the linear model's first (NB_TOP as shipped: 2). */
  nbTop?: number;
  /** Add the decision values of a linear model over the title alone and one over the content alone (two feature views). */
  views?: boolean;
}
/** The suggester's ranking rebuilt from its parts (no tickets since the fit, as in the eval), with the variant's settings. */
const variant = (sp: Spec): Candidate => (train) => {
  const fo: FeatureOptions = { ...DEFAULT_FEATURES, ...DEFAULT_SUGGESTER.features, ...sp.features };
  const nbm = new NaiveBayes({ ...DEFAULT_SUGGESTER.model, ...sp.nb });
  const ex = train.map((r) => ({ f: extractFeatures(r.title, r.text, fo), label: r.category }));
  for (const e of ex) nbm.learn(e.f, e.label);
  const lin = LinearModel.fit(ex, sp.linear);
  const views = sp.views
    ? [LinearModel.fit(train.map((r) => ({ f: extractFeatures(r.title, '', fo), label: r.category })), sp.linear),
      LinearModel.fit(train.map((r) => ({ f: extractFeatures('', r.text, fo), label: r.category })), sp.linear)]
    : [];
  const nbTop = sp.nbTop ?? 2;
  return (title, text) => {
    const f = extractFeatures(title, text, fo);
    const nbOrder = nbm.scores(f).map((x) => x.label);
    const d = lin.decision(f);
    if (!d) return nbOrder;
    if (views.length) {
      const vf = [extractFeatures(title, '', fo), extractFeatures('', text, fo)];
      views.forEach((m, i) => { for (const [l, v] of m.decision(vf[i]!) ?? []) d.set(l, d.get(l)! + v); });
    }
    const all = [...d].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map((x) => x[0]);
    const order = [all[0]!];
    for (const l of nbOrder.slice(0, nbTop)) if (l !== order[0]) order.push(l);
    return [...order, ...all.filter((l) => !order.includes(l))];
  };
};
/**
 * `models`: settings category-grid.ts had not searched, each by 4-fold grouped CV inside the
 * training part (folds 1–4; fold 0 never read), ranked by top-3 misses then right first; then the
 * best is measured once against the shipped suggester on the split and in the outer 5-fold CV.
 *
 * Measured (inner CV over 1611 messages; right first / top-3 misses): shipped 1431 / 16; NBSVM β 0.25 /
 * 0.5 / 0.75: 1378 / 24, 1414 / 20, 1423 / 17; class-balanced costs C 2: 1427 / 16, C 1: 1417 / 14;
 * nbAlpha 0.5 / 2: 1420 / 17, 1424 / 18; minDf 2: 1432 / 17; C 1.5 / 3: 1427 / 16, 1426 / 17; NB_TOP 1:
 * 1431 / 17; runners-up from naive Bayes α 0.3 / 3: 1431 / 15, 1431 / 19, norm 0: 1431 / 14 (chosen);
 * two more linear views (title, content) summed in: 1430 / 14; 1–3-grams 1415 / 25; title weight 3:
 * 1429 / 16; title namespace ×2: 1428 / 16. The chosen one, outer (same run, shipped first): split
 * 358 / 1 → 358 / 2 of 389, 5-fold CV 1802 / 11 → 1802 / 15 of 2000: worse, not shipped. As with
 * `fusion`, the inner CV's differences (a few messages; a fold's misses range 2–9) are its noise.
 */
function models(): void {
  const specs: [string, Spec | null][] = [
    ['shipped (CategorySuggester)', null],
    ['rebuilt shipped rule (must match the row above)', {}],
    ['NBSVM interpolation β = 0.25', { linear: { beta: 0.25 } }],
    ['NBSVM interpolation β = 0.5', { linear: { beta: 0.5 } }],
    ['NBSVM interpolation β = 0.75', { linear: { beta: 0.75 } }],
    ['class-balanced costs', { linear: { balanced: true } }],
    ['class-balanced costs, C = 1', { linear: { balanced: true, C: 1 } }],
    ['NB ratio smoothing nbAlpha = 0.5', { linear: { nbAlpha: 0.5 } }],
    ['NB ratio smoothing nbAlpha = 2', { linear: { nbAlpha: 2 } }],
    ['minDf = 2', { linear: { minDf: 2 } }],
    ['C = 1.5', { linear: { C: 1.5 } }],
    ['C = 3', { linear: { C: 3 } }],
    ['NB_TOP = 1 (slot 3 from the linear order)', { nbTop: 1 }],
    ['runners-up from NB α = 0.3', { nb: { alpha: 0.3 } }],
    ['runners-up from NB α = 3', { nb: { alpha: 3 } }],
    ['runners-up from NB norm 0', { nb: { norm: 0 } }],
    ['+ title-only and content-only linear views', { views: true }],
    ['Han 1–3-grams', { features: { maxN: 3 } }],
    ['title weight 3', { features: { titleWeight: 3 } }],
    ['title own namespace ×2', { features: { titleOwn: 2 } }],
  ];
  const res: { name: string; sp: Spec | null; r: ReturnType<typeof innerCv>; ms: number }[] = [];
  for (const [name, sp] of specs) {
    const t0 = performance.now();
    const r = innerCv(sp ? variant(sp) : suggester());
    res.push({ name, sp, r, ms: performance.now() - t0 });
    console.error(`${name}: ${r.top1} right first, ${r.miss3} top-3 misses of ${r.n}`);
  }
  console.log(`inner 4-fold CV over folds 1–4 (${res[0]!.r.n} messages):`);
  console.log(table(['candidate', 'settings', 'right first', 'top-3 misses', 'per fold right first / misses', 's'],
    res.map((x) => [x.name, x.sp ? JSON.stringify(x.sp) : 'DEFAULT_SUGGESTER', x.r.top1, x.r.miss3, x.r.per.map((p) => `${p.top1}/${p.miss3}`).join(' '), (x.ms / 1000).toFixed(0)])));
  const base = res[0]!;
  const best = res.slice(2).sort((a, b) => a.r.miss3 - b.r.miss3 || b.r.top1 - a.r.top1)[0]!;
  const better = best.r.miss3 < base.r.miss3 || (best.r.miss3 === base.r.miss3 && best.r.top1 > base.r.top1);
  console.log(`chosen by the inner CV: ${better ? `${best.name} ${JSON.stringify(best.sp)}` : 'none beats the shipped suggester'}`);
  if (!better) return;
  console.log(table(OUTER_HEAD, [outerRow('shipped', outerCv(suggester())), outerRow(`chosen: ${best.name}`, outerCv(variant(best.sp!)))]));
}
if (mode === 'models') models();

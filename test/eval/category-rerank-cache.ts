/**
 * Issue 16, CV top-3 (one message short of 99.5 %): fits the candidate models on every partition
 * and caches their per-label scores for category-rerank.ts and category-rerank-oof.ts, which try
 * ways of assembling the top 3 without refitting. Partitions: the outer 5 grouped folds (fold 0 is
 * the eval's split), and inside each outer training part REPEATS (default 2; 3 measured) repeated
 * grouped 4-fold partitions (inner CV: a choice is made there, never on the outer test fold).
 * Models: the NBSVM (hinge, C = 2) and complement NB over three views — features v2 (shipped),
 * Han 1–3-grams (v3), v2 + gapped Han bigrams c_i c_(i+2) (gap, a dictionary-free stand-in for
 * word pairs); on v2 also a squared-hinge SVM (C = 0.5) and a class-balanced one (C = 1).
 * OOF=1 instead caches, per partition, only v2's NBSVM and NB and 3-fold out-of-fold scores of the
 * partition's own training part (what a refit could learn a fusion or confusion prior from).
 * `REPEATS=3 npx tsx test/eval/category-rerank-cache.ts` (~6 min on 2 cores), then with OOF=1 (~3 min).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { DEFAULT_SUGGESTER } from '../../electron/classify/category-suggester';
import { DEFAULT_FEATURES, extractFeatures, normalizeText, type FeatureOptions, type Features } from '../../electron/classify/features';
import { LinearModel } from '../../electron/classify/linear-model';
import { NaiveBayes } from '../../electron/classify/naive-bayes';
import { fnv, foldOf, loadLabelled, type Message } from './real-messages';

const data = loadLabelled();
const fold = foldOf(data.rows, 5);
const key = new Map<number, string>();
for (const r of data.rows) if (!key.has(r.group)) key.set(r.group, r.id);
/** Murmur3's finaliser over FNV: FNV's low bits alone repeat the same partition under any salt. */
const mix = (h: number) => { h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16; return h >>> 0; };
const innerFold = (r: Message, salt: number) => mix(fnv(`${key.get(r.group)!}#${salt}`)) % 4;
const LABELS = [...new Set(data.rows.map((r) => r.category))].sort();
const fo: FeatureOptions = { ...DEFAULT_FEATURES, ...DEFAULT_SUGGESTER.features };
const fo3: FeatureOptions = { ...fo, maxN: 3 };
/** Gapped Han bigrams (c_i, c_{i+2}) added to the v2 bag: a cheap stand-in for word pairs. */
function gapped(title: string, text: string): Features {
  const f = extractFeatures(title, text, fo);
  const add = (s: string, w: number) => {
    for (const run of normalizeText(s).match(/[\u4e00-\u9fff]+/g) ?? []) for (let i = 0; i + 2 < run.length; i++) {
      const id = (fnv(`g${run[i]}${run[i + 2]}`) & ((1 << 20) - 1));
      f.set(id, (f.get(id) ?? 0) + w);
    }
  };
  add(title, 2); add(text, 1);
  return f;
}
const VIEWS: Record<string, (r: Message) => Features> = {
  v2: (r) => extractFeatures(r.title, r.text, fo),
  v3: (r) => extractFeatures(r.title, r.text, fo3),
  gap: (r) => gapped(r.title, r.text),
};
const feats: Record<string, Features[]> = {};
for (const [n, g] of Object.entries(VIEWS)) if (process.env.OOF !== '1' || n === 'v2') feats[n] = data.rows.map(g);
type Out = Record<string, number[][]>; // model → per test row → score per LABELS
function run(trainIdx: number[], testIdx: number[]): Out {
  const out: Out = {};
  if (process.env.OOF === '1') {
    // Out-of-fold scores of the training part (3 grouped sub-folds): what a refit could learn a confusion prior from.
    const sub = (i: number) => mix(fnv(`${key.get(data.rows[i]!.group)!}~oof`)) % 3;
    const oofLin: number[][] = [], oofNb: number[][] = [], oofGold: number[] = [];
    for (let s = 0; s < 3; s++) {
      const a = trainIdx.filter((i) => sub(i) !== s), b = trainIdx.filter((i) => sub(i) === s);
      const ex = a.map((i) => ({ f: feats.v2![i]!, label: data.rows[i]!.category }));
      const lin = LinearModel.fit(ex, {});
      const nb = new NaiveBayes(DEFAULT_SUGGESTER.model);
      for (const e of ex) nb.learn(e.f, e.label);
      for (const i of b) {
        const d = lin.decision(feats.v2![i]!); oofLin.push(LABELS.map((l) => d?.get(l) ?? -9));
        const sc = new Map(nb.scores(feats.v2![i]!).map((x) => [x.label, x.score])); oofNb.push(LABELS.map((l) => sc.get(l) ?? 0));
        oofGold.push(LABELS.indexOf(data.rows[i]!.category));
      }
    }
    out.oofLin = oofLin; out.oofNb = oofNb; out.oofGold = [oofGold];
    const ex = trainIdx.map((i) => ({ f: feats.v2![i]!, label: data.rows[i]!.category }));
    const lin = LinearModel.fit(ex, {});
    out.lin_v2 = testIdx.map((i) => { const d = lin.decision(feats.v2![i]!); return LABELS.map((l) => d?.get(l) ?? -9); });
    const nb = new NaiveBayes(DEFAULT_SUGGESTER.model);
    for (const e of ex) nb.learn(e.f, e.label);
    out.nb_v2 = testIdx.map((i) => { const s = new Map(nb.scores(feats.v2![i]!).map((x) => [x.label, x.score])); return LABELS.map((l) => s.get(l) ?? 0); });
    return out;
  }
  for (const v of ['v2', 'v3', 'gap']) {
    const ex = trainIdx.map((i) => ({ f: feats[v]![i]!, label: data.rows[i]!.category }));
    const lin = LinearModel.fit(ex, {});
    out[`lin_${v}`] = testIdx.map((i) => { const d = lin.decision(feats[v]![i]!); return LABELS.map((l) => d?.get(l) ?? -9); });
    if (v === 'v2') {
      const sq = LinearModel.fit(ex, { loss: 'squared', C: 0.5 });
      out.sq_v2 = testIdx.map((i) => { const d = sq.decision(feats[v]![i]!); return LABELS.map((l) => d?.get(l) ?? -9); });
      const bal = LinearModel.fit(ex, { balanced: true, C: 1 });
      out.bal_v2 = testIdx.map((i) => { const d = bal.decision(feats[v]![i]!); return LABELS.map((l) => d?.get(l) ?? -9); });
    }
    const nb = new NaiveBayes(DEFAULT_SUGGESTER.model);
    for (const e of ex) nb.learn(e.f, e.label);
    out[`nb_${v}`] = testIdx.map((i) => { const s = new Map(nb.scores(feats[v]![i]!).map((x) => [x.label, x.score])); return LABELS.map((l) => s.get(l) ?? 0); });
  }
  return out;
}
const R = Number(process.env.REPEATS ?? 2);
const parts: { name: string; outer: number; rep: number; test: number[]; gold: number[]; out: Out }[] = [];
const idx = data.rows.map((_, i) => i);
const t0 = performance.now();
for (let k = 0; k < 5; k++) {
  const tr = idx.filter((i) => fold(data.rows[i]!) !== k);
  const te = idx.filter((i) => fold(data.rows[i]!) === k);
  parts.push({ name: `outer${k}`, outer: k, rep: -1, test: te, gold: te.map((i) => LABELS.indexOf(data.rows[i]!.category)), out: run(tr, te) });
  for (let rep = 0; rep < R; rep++) for (let j = 0; j < 4; j++) {
    const f = (i: number) => innerFold(data.rows[i]!, rep * 10 + k);
    const itr = tr.filter((i) => f(i) !== j);
    const ite = tr.filter((i) => f(i) === j);
    parts.push({ name: `in${k}.${rep}.${j}`, outer: k, rep, test: ite, gold: ite.map((i) => LABELS.indexOf(data.rows[i]!.category)), out: run(itr, ite) });
  }
  console.error(`outer ${k} done ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
mkdirSync('.scratch', { recursive: true });
writeFileSync(process.env.OUT ?? (process.env.OOF === '1' ? '.scratch/rerank-oof.json' : '.scratch/rerank-cache.json'), JSON.stringify({ LABELS, ids: data.rows.map((r) => r.id), parts }));

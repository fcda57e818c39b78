/**
 * Issue 16: a multinomial logistic regression over the NBSVM's input (L2-normalised (1 + ln tf) · idf,
 * features v2), L2-regularised, fitted by L-BFGS to convergence (the averaged-SGD softmax of
 * linear.ts is under-trained): scores the cached partitions of the split's inner CV and the outer
 * folds (CACHE, default .scratch/rerank-cache.json → OUT .scratch/rerank-lr.json); rules in
 * category-rerank.ts LR=1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_SUGGESTER } from '../../electron/classify/category-suggester';
import { DEFAULT_FEATURES, extractFeatures, type Features } from '../../electron/classify/features';
import { foldOf, loadLabelled } from './real-messages';

const data = loadLabelled();
const fold = foldOf(data.rows, 5);
const fo = { ...DEFAULT_FEATURES, ...DEFAULT_SUGGESTER.features };
const feats = data.rows.map((r) => extractFeatures(r.title, r.text, fo));
const C = JSON.parse(readFileSync(process.env.CACHE ?? '.scratch/rerank-cache.json', 'utf8')) as { LABELS: string[]; parts: { name: string; outer: number; rep: number; test: number[]; out: Record<string, number[][]> }[] };
const K = C.LABELS.length;
const NESTED = process.env.NESTED === '1';

interface Sparse { cols: Int32Array; x: Float64Array }
function tfidf(train: Features[]): { vec: (f: Features) => Sparse; V: number } {
  const df = new Map<number, number>();
  for (const f of train) for (const [id, c] of f) if (c > 0) df.set(id, (df.get(id) ?? 0) + 1);
  const col = new Map<number, number>();
  const idf: number[] = [];
  for (const [id, d] of df) { col.set(id, idf.length); idf.push(Math.log((1 + train.length) / (1 + d)) + 1); }
  const vec = (f: Features): Sparse => {
    const cols: number[] = [], x: number[] = [];
    let ss = 0;
    for (const [id, c] of f) { const j = col.get(id); if (j === undefined || c <= 0) continue; const v = (1 + Math.log(c)) * idf[j]!; cols.push(j); x.push(v); ss += v * v; }
    const s = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    return { cols: Int32Array.from(cols), x: Float64Array.from(x.map((v) => v * s)) };
  };
  return { vec, V: idf.length };
}
/** Loss and gradient of mean cross-entropy + lambda/2 ‖W‖² (bias unregularised); W is K × (V + 1). */
function lossGrad(X: Sparse[], y: number[], V: number, lambda: number, w: Float64Array, g: Float64Array): number {
  g.fill(0);
  let loss = 0;
  const z = new Float64Array(K);
  const n = X.length;
  for (let i = 0; i < n; i++) {
    const xi = X[i]!;
    for (let c = 0; c < K; c++) { let s = w[c * (V + 1) + V]!; const o = c * (V + 1); for (let k = 0; k < xi.cols.length; k++) s += w[o + xi.cols[k]!]! * xi.x[k]!; z[c] = s; }
    let m = -Infinity; for (let c = 0; c < K; c++) if (z[c]! > m) m = z[c]!;
    let sum = 0; for (let c = 0; c < K; c++) { z[c] = Math.exp(z[c]! - m); sum += z[c]!; }
    loss += -Math.log(z[y[i]!]! / sum);
    for (let c = 0; c < K; c++) {
      const d = (z[c]! / sum - (c === y[i] ? 1 : 0)) / n;
      const o = c * (V + 1);
      for (let k = 0; k < xi.cols.length; k++) g[o + xi.cols[k]!]! += d * xi.x[k]!;
      g[o + V]! += d;
    }
  }
  loss /= n;
  for (let c = 0; c < K; c++) for (let j = 0; j < V; j++) { const q = c * (V + 1) + j; loss += 0.5 * lambda * w[q]! * w[q]!; g[q]! += lambda * w[q]!; }
  return loss;
}
function lbfgs(f: (w: Float64Array, g: Float64Array) => number, dim: number, iters: number): Float64Array {
  const m = 10;
  let w = new Float64Array(dim), g = new Float64Array(dim);
  let fx = f(w, g);
  const S: Float64Array[] = [], Y: Float64Array[] = [], R: number[] = [];
  const dot = (a: Float64Array, b: Float64Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; };
  for (let it = 0; it < iters; it++) {
    const q = Float64Array.from(g);
    const al: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) { const a = R[k]! * dot(S[k]!, q); al[k] = a; for (let i = 0; i < dim; i++) q[i]! -= a * Y[k]![i]!; }
    const gamma = S.length ? dot(S[S.length - 1]!, Y[Y.length - 1]!) / dot(Y[Y.length - 1]!, Y[Y.length - 1]!) : 1 / Math.max(1e-12, Math.sqrt(dot(g, g)));
    for (let i = 0; i < dim; i++) q[i]! *= gamma;
    for (let k = 0; k < S.length; k++) { const b = R[k]! * dot(Y[k]!, q); for (let i = 0; i < dim; i++) q[i]! += S[k]![i]! * (al[k]! - b); }
    // q is the ascent direction: step along -q with backtracking (Armijo).
    const gd = dot(g, q);
    if (gd <= 1e-12) break;
    let step = 1;
    const w2 = new Float64Array(dim), g2 = new Float64Array(dim);
    let f2 = 0;
    for (let ls = 0; ls < 30; ls++) { for (let i = 0; i < dim; i++) w2[i] = w[i]! - step * q[i]!; f2 = f(w2, g2); if (f2 <= fx - 1e-4 * step * gd) break; step /= 2; }
    const s = new Float64Array(dim), yv = new Float64Array(dim);
    for (let i = 0; i < dim; i++) { s[i] = w2[i]! - w[i]!; yv[i] = g2[i]! - g[i]!; }
    const sy = dot(s, yv);
    if (sy > 1e-12) { S.push(s); Y.push(yv); R.push(1 / sy); if (S.length > m) { S.shift(); Y.shift(); R.shift(); } }
    const done = Math.abs(fx - f2) < 1e-7 * Math.max(1, Math.abs(fx));
    w = w2; g = g2; fx = f2;
    if (done) break;
  }
  return w;
}
const LAMBDAS = (process.env.LAMBDAS ?? '1e-4,3e-4,1e-3').split(',').map(Number);
const t0 = performance.now();
for (const p of C.parts) {
  if (!NESTED && p.rep >= 0 && p.outer !== 0) continue;
  const test = new Set<number>(p.test);
  const train = data.rows.map((_, i) => i).filter((i) => !test.has(i) && (p.rep < 0 || fold(data.rows[i]!) !== p.outer));
  const { vec, V } = tfidf(train.map((i) => feats[i]!));
  const X = train.map((i) => vec(feats[i]!));
  const y = train.map((i) => C.LABELS.indexOf(data.rows[i]!.category));
  for (const lambda of LAMBDAS) {
    const w = lbfgs((w, g) => lossGrad(X, y, V, lambda, w, g), K * (V + 1), 300);
    p.out[`lr${lambda}`] = p.test.map((i) => {
      const x = vec(feats[i]!);
      return C.LABELS.map((_, c) => { let s = w[c * (V + 1) + V]!; for (let k = 0; k < x.cols.length; k++) s += w[c * (V + 1) + x.cols[k]!]! * x.x[k]!; return s; });
    });
  }
  console.error(p.name, ((performance.now() - t0) / 1000).toFixed(0));
}
if (!NESTED) C.parts = C.parts.filter((p) => p.rep < 0 || p.outer === 0);
writeFileSync(process.env.OUT ?? '.scratch/rerank-lr.json', JSON.stringify(C));

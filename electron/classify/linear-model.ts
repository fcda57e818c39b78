/**
 * The discriminative half of the category model: a one-vs-rest linear SVM over TF-IDF weighted
 * hashed n-gram features (features.ts), with naive-Bayes log-count-ratio feature scaling
 * (NBSVM, Wang & Manning 2012). Batch-trained (`LinearModel.fit`, run in a worker by
 * refit-client.ts); between refits the naive Bayes model learns every new ticket at once and
 * `correct` nudges this model for a category corrected at review, so the correction shows at once.
 *
 * Training, per class c (labels y = ±1):
 * - x = L2-normalised (1 + ln tf) · idf over the training vocabulary (features seen in ≥ minDf documents);
 * - r_c = log((α + p_c) / ‖α + p_c‖₁) − log((α + q_c) / ‖α + q_c‖₁), p_c / q_c the document
 *   frequencies of each feature inside / outside class c; the SVM sees x ⊙ r_c;
 * - hinge-loss SVM (squared hinge with `loss: 'squared'`, compared in category-grid.ts fusion) with a bias, solved in the dual by coordinate descent with shrinking
 *   (Hsieh et al. 2008, as liblinear), deterministic (seeded order);
 * - the weights are folded back (W_c = w_c ⊙ r_c), so scoring is one sparse dot product per class;
 * - `beta` (NBSVM interpolation) and `balanced` (class-balanced costs) are compared in
 *   category-grid.ts models and off by default (neither did better there).
 * Chosen on the real messages by grouped CV inside the training part (test/eval/category-grid.ts
 * nbsvm; C = 2 again with features v2, category-grid.ts ranking).
 *
 * Weights are kept feature-major (CSR: per vocabulary feature, its (class, weight) entries), pruned
 * to at most `maxEntries` overall by dropping each class's smallest weights, so a taxonomy of a few
 * hundred leaves stays a few tens of MB.
 */
import type { Features } from './features';
import type { Suggestion } from './naive-bayes';

export interface LinearOptions {
  /** SVM cost (inverse regularisation). */
  C: number;
  /** Passes over the data per class, at most. */
  epochs: number;
  /** Stop when the projected-gradient gap is below this. */
  tol: number;
  /** Smoothing of the NB log-count ratios (0: plain TF-IDF SVM). */
  nbAlpha: number;
  /** Features in fewer training documents are left out. */
  minDf: number;
  /** Probabilities are softmax(temperature · score). */
  temperature: number;
  /** Weight entries kept at most (the smallest per class are dropped beyond). */
  maxEntries: number;
  /**
   * 'hinge' (L1-loss SVM) or 'squared' (squared hinge, L2-loss SVM: every example keeps a pull,
   * so the scores of the runners-up below −1 still carry order).
   */
  loss?: 'hinge' | 'squared';
  /**
   * NBSVM interpolation (Wang & Manning 2012): w' = (1 − β)·w̄ + β·w, w̄ the mean |w| of the class
   * (1: none, as shipped; compared in category-grid.ts models).
   */
  beta?: number;
  /**
   * Class-balanced costs: each side of a one-vs-rest problem costs C·n / (2·its size), so a small
   * class is not outweighed by the rest (compared in category-grid.ts models).
   */
  balanced?: boolean;
}

export const DEFAULT_LINEAR: LinearOptions = { C: 2, epochs: 15, tol: 0.1, nbAlpha: 1, minDf: 1, temperature: 4, maxEntries: 6_000_000 };

/** A feature bag packed into typed arrays (what a refit worker keeps per ticket: a Map costs ~10× more). */
export interface PackedFeatures { ids: Uint32Array; counts: Float32Array }
export interface LinearExample { f: Features | PackedFeatures; label: string }

export function pack(f: Features): PackedFeatures {
  const ids = new Uint32Array(f.size);
  const counts = new Float32Array(f.size);
  let i = 0;
  for (const [id, c] of f) { ids[i] = id; counts[i++] = c; }
  return { ids, counts };
}

function each(f: Features | PackedFeatures, fn: (id: number, c: number) => void): void {
  if (f instanceof Map) { for (const [id, c] of f) fn(id, c); return; }
  for (let i = 0; i < f.ids.length; i++) fn(f.ids[i]!, f.counts[i]!);
}

/** Called between classes: return true to stop (the fit then throws FitCancelled). */
export interface FitHooks { cancelled?: () => boolean; progress?: (classesDone: number, classes: number) => void }

export class FitCancelled extends Error {
  constructor() { super('linear model fit cancelled'); }
}

/** The trained arrays; transferable between threads, and the persisted form (base64 in LinearModelJSON). */
export interface LinearArrays {
  labels: string[];
  /** Training documents. */
  docs: number;
  /** Vocabulary: hashed feature ids, ascending. */
  vocab: Uint32Array;
  idf: Float32Array;
  /** CSR over the vocabulary: entries of feature j are start[j]..start[j+1]. */
  start: Uint32Array;
  cls: Uint16Array;
  w: Float32Array;
  bias: Float64Array;
  options: LinearOptions;
}

export interface LinearModelJSON {
  format: 'linear/1';
  options: LinearOptions;
  labels: string[];
  docs: number;
  vocab: string;
  idf: string;
  start: string;
  cls: string;
  w: string;
  bias: number[];
}

const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function unb64<T>(s: string, make: (buf: ArrayBuffer, n: number) => T, bytes: number): T {
  const b = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(b.byteLength);
  new Uint8Array(copy).set(b);
  return make(copy, b.byteLength / bytes);
}

/** A query (or document) as the model sees it: vocabulary columns and L2-normalised TF-IDF values. */
interface Vec { cols: number[]; x: number[] }

export class LinearModel {
  private readonly a: LinearArrays;
  private readonly labelIndex: Map<string, number>;
  /** Corrections since the fit: vocabulary column → [class, delta, class, delta, …]. */
  private overlay = new Map<number, number[]>();
  private corrections = 0;

  constructor(arrays: LinearArrays) {
    this.a = arrays;
    this.labelIndex = new Map(arrays.labels.map((l, i) => [l, i]));
  }

  get labels(): readonly string[] { return this.a.labels; }
  get documents(): number { return this.a.docs; }
  get vocabulary(): number { return this.a.vocab.length; }
  get entries(): number { return this.a.w.length; }
  /** Corrections applied since the fit. */
  get corrected(): number { return this.corrections; }
  has(label: string): boolean { return this.labelIndex.has(label); }
  arrays(): LinearArrays { return this.a; }

  /** Batch training; deterministic. Throws FitCancelled when `hooks.cancelled` says so. */
  static fit(examples: readonly LinearExample[], options: Partial<LinearOptions> = {}, hooks: FitHooks = {}): LinearModel {
    const o = { ...DEFAULT_LINEAR, ...options };
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const K = labels.length;
    if (K >= 0xffff) throw new Error('too many labels');
    const li = new Map(labels.map((l, i) => [l, i]));
    const n = examples.length;
    // Vocabulary and document frequencies.
    const df = new Map<number, number>();
    for (const e of examples) each(e.f, (id, c) => { if (c > 0) df.set(id, (df.get(id) ?? 0) + 1); });
    const vocab = Uint32Array.from([...df].filter(([, d]) => d >= o.minDf).map(([id]) => id)).sort();
    const V = vocab.length;
    const col = new Map<number, number>();
    vocab.forEach((id, j) => col.set(id, j));
    const idf = new Float32Array(V);
    const dfCol = new Float64Array(V);
    for (let j = 0; j < V; j++) { dfCol[j] = df.get(vocab[j]!)!; idf[j] = Math.log((1 + n) / (1 + dfCol[j]!)) + 1; }
    df.clear();
    // Documents as CSR rows.
    const rowStart = new Int32Array(n + 1);
    const cols: number[] = [];
    const vals: number[] = [];
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const e = examples[i]!;
      y[i] = li.get(e.label)!;
      const from = cols.length;
      let ss = 0;
      each(e.f, (id, c) => {
        const j = col.get(id);
        if (j === undefined || c <= 0) return;
        const v = (1 + Math.log(c)) * idf[j]!;
        cols.push(j);
        vals.push(v);
        ss += v * v;
      });
      const s = ss > 0 ? 1 / Math.sqrt(ss) : 0;
      for (let k = from; k < vals.length; k++) vals[k]! *= s;
      rowStart[i + 1] = cols.length;
    }
    const C = Int32Array.from(cols);
    const X = Float64Array.from(vals);
    col.clear();
    const nnzOf = new Float64Array(K);
    for (let i = 0; i < n; i++) nnzOf[y[i]!]! += rowStart[i + 1]! - rowStart[i]!;
    const nnzAll = C.length;

    const perClass: { cols: Int32Array; w: Float32Array }[] = [];
    const bias = new Float64Array(K);
    const keep = Math.max(1, Math.floor(o.maxEntries / Math.max(1, K)));
    const r = new Float64Array(V);
    const cnt = new Float64Array(V);
    const w = new Float64Array(V + 1);
    const alpha = new Float64Array(n);
    const qd = new Float64Array(n);
    const index = new Int32Array(n);
    const XR = new Float64Array(C.length);
    let seed = 1;
    const rand = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 2 ** 32; };
    for (let c = 0; c < K; c++) {
      if (hooks.cancelled?.()) throw new FitCancelled();
      // NB log-count ratios of class c.
      if (o.nbAlpha > 0) {
        cnt.fill(0);
        for (let i = 0; i < n; i++) if (y[i] === c) for (let k = rowStart[i]!; k < rowStart[i + 1]!; k++) cnt[C[k]!]! += 1;
        // Document-frequency sums: Σ_j p_j is the class's non-zeros (binarised features).
        const sp = o.nbAlpha * V + nnzOf[c]!;
        const sq = o.nbAlpha * V + nnzAll - nnzOf[c]!;
        for (let j = 0; j < V; j++) r[j] = Math.log((o.nbAlpha + cnt[j]!) / sp) - Math.log((o.nbAlpha + dfCol[j]! - cnt[j]!) / sq);
      } else r.fill(1);
      // x ⊙ r_c once per class, then the dual solver (a function of its own so V8 optimises its loops).
      for (let k = 0; k < C.length; k++) XR[k] = X[k]! * r[C[k]!]!;
      solveHinge(rowStart, C, XR, y, c, V, o, w, alpha, qd, index, rand);
      bias[c] = w[V]!;
      const beta = o.beta ?? 1;
      if (beta !== 1) {
        let l1 = 0;
        for (let j = 0; j < V; j++) l1 += Math.abs(w[j]!);
        const mean = l1 / Math.max(1, V);
        for (let j = 0; j < V; j++) w[j] = (1 - beta) * mean + beta * w[j]!;
      }
      // Fold r back in and keep the `keep` largest weights.
      let nz = 0;
      for (let j = 0; j < V; j++) { w[j] = w[j]! * r[j]!; if (w[j] !== 0) nz++; }
      let cut = 0;
      if (nz > keep) {
        const mags = new Float64Array(nz);
        let m = 0;
        for (let j = 0; j < V; j++) if (w[j] !== 0) mags[m++] = Math.abs(w[j]!);
        mags.sort();
        cut = mags[nz - keep]!;
      }
      const kc: number[] = [];
      const kw: number[] = [];
      for (let j = 0; j < V; j++) if (w[j] !== 0 && Math.abs(w[j]!) >= cut && kc.length < keep) { kc.push(j); kw.push(w[j]!); }
      perClass.push({ cols: Int32Array.from(kc), w: Float32Array.from(kw) });
      hooks.progress?.(c + 1, K);
    }
    // Feature-major CSR.
    const start = new Uint32Array(V + 1);
    for (const p of perClass) for (const j of p.cols) start[j + 1]!++;
    for (let j = 0; j < V; j++) start[j + 1]! += start[j]!;
    const at = start.slice(0, V);
    const cls = new Uint16Array(start[V]!);
    const wt = new Float32Array(start[V]!);
    perClass.forEach((p, c) => { for (let k = 0; k < p.cols.length; k++) { const j = p.cols[k]!; const e = at[j]!++; cls[e] = c; wt[e] = p.w[k]!; } });
    return new LinearModel({ labels, docs: n, vocab, idf, start, cls, w: wt, bias, options: o });
  }

  private column(id: number): number {
    const v = this.a.vocab;
    let lo = 0;
    let hi = v.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = v[mid]!;
      if (x === id) return mid;
      if (x < id) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  private vector(f: Features): Vec {
    const cols: number[] = [];
    const x: number[] = [];
    let ss = 0;
    for (const [id, c] of f) {
      if (c <= 0) continue;
      const j = this.column(id);
      if (j < 0) continue;
      const v = (1 + Math.log(c)) * this.a.idf[j]!;
      cols.push(j);
      x.push(v);
      ss += v * v;
    }
    const s = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let i = 0; i < x.length; i++) x[i]! *= s;
    return { cols, x };
  }

  private raw(v: Vec): Float64Array {
    const { start, cls, w, bias } = this.a;
    const s = Float64Array.from(bias);
    for (let i = 0; i < v.cols.length; i++) {
      const j = v.cols[i]!;
      const xi = v.x[i]!;
      for (let e = start[j]!; e < start[j + 1]!; e++) s[cls[e]!]! += xi * w[e]!;
      const o = this.overlay.get(j);
      if (o) for (let e = 0; e < o.length; e += 2) s[o[e]!]! += xi * o[e + 1]!;
    }
    return s;
  }

  /** Raw decision values per label (tests, diagnostics); null when no feature of the text is known. */
  decision(f: Features): Map<string, number> | null {
    const v = this.vector(f);
    if (v.cols.length === 0) return null;
    const s = this.raw(v);
    return new Map(this.a.labels.map((l, i) => [l, s[i]!]));
  }

  /** All labels with softmax(temperature · score) probabilities, best first; empty when no feature of the text is known. */
  scores(f: Features): Suggestion[] {
    const v = this.vector(f);
    if (v.cols.length === 0) return [];
    const s = this.raw(v);
    const t = this.a.options.temperature;
    let top = -Infinity;
    for (const x of s) if (x > top) top = x;
    let z = 0;
    const out: Suggestion[] = this.a.labels.map((label, i) => { const e = Math.exp(t * (s[i]! - top)); z += e; return { label, score: e }; });
    for (const o of out) o.score /= z;
    return out.sort((a, b) => b.score - a.score || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  }

  /**
   * A category corrected at review: passive-aggressive steps on this text until `right` leads
   * every other label by a margin (at most a few steps), kept beside the fitted weights until
   * the next refit, which learns the corrected ticket properly. Returns false when `right` is a
   * label the fit has not seen (the naive Bayes model covers it until the next refit).
   */
  correct(f: Features, right: string): boolean {
    const c = this.labelIndex.get(right);
    if (c === undefined) return false;
    const v = this.vector(f);
    if (v.cols.length === 0) return false;
    const MARGIN = 0.5;
    for (let step = 0; step < 4; step++) {
      const s = this.raw(v);
      let other = -1;
      for (let i = 0; i < s.length; i++) if (i !== c && (other < 0 || s[i]! > s[other]!)) other = i;
      if (other < 0 || s[c]! - s[other]! >= MARGIN) break;
      // ‖x‖ = 1: moving both classes by τ·x changes the margin by 2τ.
      const tau = (MARGIN - (s[c]! - s[other]!)) / 2 + 1e-6;
      for (let i = 0; i < v.cols.length; i++) {
        const j = v.cols[i]!;
        let o = this.overlay.get(j);
        if (!o) { o = []; this.overlay.set(j, o); }
        add(o, c, tau * v.x[i]!);
        add(o, other, -tau * v.x[i]!);
      }
    }
    this.corrections++;
    return true;
  }

  toJSON(): LinearModelJSON {
    const a = this.a;
    return {
      format: 'linear/1', options: a.options, labels: a.labels, docs: a.docs,
      vocab: b64(a.vocab), idf: b64(a.idf), start: b64(a.start), cls: b64(a.cls), w: b64(a.w), bias: [...a.bias],
    };
  }

  static fromJSON(j: LinearModelJSON): LinearModel {
    if (j.format !== 'linear/1') throw new Error(`unknown linear model format ${String(j.format)}`);
    const arrays: LinearArrays = {
      labels: j.labels, docs: j.docs, options: { ...DEFAULT_LINEAR, ...j.options }, bias: Float64Array.from(j.bias),
      vocab: unb64(j.vocab, (b, n) => new Uint32Array(b, 0, n), 4),
      idf: unb64(j.idf, (b, n) => new Float32Array(b, 0, n), 4),
      start: unb64(j.start, (b, n) => new Uint32Array(b, 0, n), 4),
      cls: unb64(j.cls, (b, n) => new Uint16Array(b, 0, n), 2),
      w: unb64(j.w, (b, n) => new Float32Array(b, 0, n), 4),
    };
    const V = arrays.vocab.length;
    if (arrays.idf.length !== V || arrays.start.length !== V + 1 || arrays.cls.length !== arrays.w.length
      || arrays.start[V] !== arrays.w.length || arrays.bias.length !== j.labels.length) throw new Error('linear model arrays do not fit together');
    return new LinearModel(arrays);
  }
}

/**
 * One class of the one-vs-rest SVM: hinge loss (0 ≤ α ≤ C), bias as a constant feature, dual
 * coordinate descent with shrinking (Hsieh et al. 2008). Leaves the weights in `w` (bias at w[V]).
 */
function solveHinge(rowStart: Int32Array, C: Int32Array, XR: Float64Array, y: Int32Array, c: number, V: number, o: LinearOptions,
  w: Float64Array, alpha: Float64Array, qd: Float64Array, index: Int32Array, rand: () => number): void {
  const n = y.length;
  // Hinge: 0 ≤ α ≤ C. Squared hinge: α ≥ 0, with 1/(2C) on the diagonal (Hsieh et al. 2008, L2-loss);
  // C per example with `balanced`.
  const squared = o.loss === 'squared';
  let pos = 0;
  for (let i = 0; i < n; i++) if (y[i] === c) pos++;
  // Cost of a positive / negative example (class-balanced: n / (2 · its side's size) times C).
  const cPos = o.balanced ? o.C * n / (2 * Math.max(1, pos)) : o.C;
  const cNeg = o.balanced ? o.C * n / (2 * Math.max(1, n - pos)) : o.C;
  w.fill(0);
  alpha.fill(0);
  for (let i = 0; i < n; i++) {
    let s = 1 + (squared ? 1 / (2 * (y[i] === c ? cPos : cNeg)) : 0);
    for (let k = rowStart[i]!; k < rowStart[i + 1]!; k++) s += XR[k]! * XR[k]!;
    qd[i] = s;
    index[i] = i;
  }
  let active = n;
  let pgMaxOld = Infinity;
  let pgMinOld = -Infinity;
  for (let ep = 0; ep < o.epochs; ep++) {
    for (let i = active - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); const t = index[i]!; index[i] = index[j]!; index[j] = t; }
    let pgMax = -Infinity;
    let pgMin = Infinity;
    let s = 0;
    while (s < active) {
      const i = index[s]!;
      const yi = y[i] === c ? 1 : -1;
      const ci = yi > 0 ? cPos : cNeg;
      const U = squared ? Infinity : ci;
      const diag = squared ? 1 / (2 * ci) : 0;
      const from = rowStart[i]!;
      const to = rowStart[i + 1]!;
      let d = w[V]!;
      for (let k = from; k < to; k++) d += w[C[k]!]! * XR[k]!;
      const ai = alpha[i]!;
      const g = yi * d - 1 + diag * ai;
      let pg = 0;
      if (ai === 0) {
        if (g > pgMaxOld) { active--; index[s] = index[active]!; index[active] = i; continue; }
        if (g < 0) pg = g;
      } else if (ai >= U) {
        if (g < pgMinOld) { active--; index[s] = index[active]!; index[active] = i; continue; }
        if (g > 0) pg = g;
      } else pg = g;
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (pg !== 0) {
        const na = Math.min(Math.max(ai - g / qd[i]!, 0), U);
        const dl = (na - ai) * yi;
        alpha[i] = na;
        if (dl !== 0) {
          for (let k = from; k < to; k++) w[C[k]!]! += dl * XR[k]!;
          w[V]! += dl;
        }
      }
      s++;
    }
    if (pgMax - pgMin <= o.tol) {
      if (active === n) break;
      // Converged on the shrunk set: check everything once more (as liblinear does).
      active = n;
      pgMaxOld = Infinity;
      pgMinOld = -Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
    pgMinOld = pgMin >= 0 ? -Infinity : pgMin;
  }
}

function add(o: number[], c: number, d: number): void {
  for (let e = 0; e < o.length; e += 2) if (o[e] === c) { o[e + 1]! += d; return; }
  o.push(c, d);
}

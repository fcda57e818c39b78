/**
 * Multinomial logistic regression (softmax) over the same hashed feature bags, trained by averaged
 * SGD: the comparison point for the naive Bayes model. It is batch-trained (`fit`, several epochs
 * in a deterministic order); with no exact `unlearn` a corrected ticket would need a refit, which
 * is why the app uses naive Bayes. Evaluation only: category-classify.eval.test.ts with
 * CLASSIFY_EVAL_FULL=1, and `category-grid.ts linear`.
 */
import type { Features } from '../../electron/classify/features';
import type { Suggestion } from '../../electron/classify/naive-bayes';

export interface LinearOptions {
  epochs: number;
  /** Learning rate (decays as lr / (1 + t / n) over epochs). */
  lr: number;
  /** Seed of the per-epoch shuffle. */
  seed: number;
}

export const DEFAULT_LINEAR: LinearOptions = { epochs: 8, lr: 0.5, seed: 1 };

export class SoftmaxRegression {
  readonly options: LinearOptions;
  private labelNames: string[] = [];
  private labelIndex = new Map<string, number>();
  /** Per feature: current weights and the running sum for averaging (length = label capacity). */
  private w = new Map<number, Float64Array>();
  private u = new Map<number, Float64Array>();
  private b = new Float64Array(8);
  private ub = new Float64Array(8);
  private cap = 8;
  private steps = 1;

  constructor(options: Partial<LinearOptions> = {}) {
    this.options = { ...DEFAULT_LINEAR, ...options };
  }

  private label(l: string): number {
    let i = this.labelIndex.get(l);
    if (i !== undefined) return i;
    i = this.labelNames.length;
    this.labelNames.push(l);
    this.labelIndex.set(l, i);
    if (i >= this.cap) {
      const cap = this.cap * 2;
      const grow = (a: Float64Array) => { const g = new Float64Array(cap); g.set(a); return g; };
      for (const m of [this.w, this.u]) for (const [k, v] of m) m.set(k, grow(v));
      this.b = grow(this.b);
      this.ub = grow(this.ub);
      this.cap = cap;
    }
    return i;
  }

  private static vector(f: Features): { ids: number[]; x: number[] } {
    const ids: number[] = [];
    const x: number[] = [];
    let ss = 0;
    for (const [id, c] of f) { if (c > 0) { const v = Math.log1p(c); ids.push(id); x.push(v); ss += v * v; } }
    const s = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let i = 0; i < x.length; i++) x[i]! *= s;
    return { ids, x };
  }

  private raw(ids: number[], x: number[], avg: boolean): Float64Array {
    const n = this.labelNames.length;
    const z = new Float64Array(n);
    for (let j = 0; j < n; j++) z[j] = avg ? this.b[j]! - this.ub[j]! / this.steps : this.b[j]!;
    for (let i = 0; i < ids.length; i++) {
      const wi = this.w.get(ids[i]!);
      if (!wi) continue;
      const ui = this.u.get(ids[i]!)!;
      const xi = x[i]!;
      for (let j = 0; j < n; j++) z[j]! += xi * (avg ? wi[j]! - ui[j]! / this.steps : wi[j]!);
    }
    return z;
  }

  private step(f: Features, label: string, lr: number): void {
    const y = this.label(label);
    const { ids, x } = SoftmaxRegression.vector(f);
    const z = this.raw(ids, x, false);
    const n = this.labelNames.length;
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, z[j]!);
    let sum = 0;
    for (let j = 0; j < n; j++) { z[j] = Math.exp(z[j]! - max); sum += z[j]!; }
    const t = this.steps;
    for (let j = 0; j < n; j++) {
      const g = lr * ((j === y ? 1 : 0) - z[j]! / sum);
      this.b[j]! += g;
      this.ub[j]! += t * g;
    }
    for (let i = 0; i < ids.length; i++) {
      let wi = this.w.get(ids[i]!);
      let ui = this.u.get(ids[i]!);
      if (!wi || !ui) { wi = new Float64Array(this.cap); ui = new Float64Array(this.cap); this.w.set(ids[i]!, wi); this.u.set(ids[i]!, ui); }
      for (let j = 0; j < n; j++) {
        const g = lr * x[i]! * ((j === y ? 1 : 0) - z[j]! / sum);
        wi[j]! += g;
        ui[j]! += t * g;
      }
    }
    this.steps++;
  }

  /** Batch training: `epochs` passes in a seeded shuffled order, learning rate decaying per pass. */
  fit(examples: { f: Features; label: string }[]): void {
    const order = examples.map((_, i) => i);
    let seed = this.options.seed >>> 0;
    const rand = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 2 ** 32; };
    for (let e = 0; e < this.options.epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
      const lr = this.options.lr / (1 + e);
      for (const i of order) this.step(examples[i]!.f, examples[i]!.label, lr);
    }
  }

  suggest(f: Features, k: number): Suggestion[] {
    if (this.labelNames.length === 0) return [];
    const { ids, x } = SoftmaxRegression.vector(f);
    if (ids.length === 0) return [];
    const z = this.raw(ids, x, true);
    let max = -Infinity;
    for (const v of z) max = Math.max(max, v);
    let sum = 0;
    const out = this.labelNames.map((label, j) => { const e = Math.exp(z[j]! - max); sum += e; return { label, score: e }; });
    for (const o of out) o.score /= sum;
    return out.sort((a, b) => b.score - a.score || (a.label < b.label ? -1 : 1)).slice(0, k);
  }
}

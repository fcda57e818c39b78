/**
 * The category model the app shipped before electron/classify (electron/suggest/naive-bayes.ts,
 * removed), frozen here unchanged so the evaluation and the benchmark can compare the two in one
 * run: multinomial naive Bayes over string character unigrams and bigrams, title counted twice,
 * class prior, α = 0.1, plain softmax over the log scores.
 */
export function features(title: string, content: string): string[] {
  const out: string[] = [];
  const add = (text: string, weight: number) => {
    const s = text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ');
    for (const run of s.split(' ')) {
      for (let i = 0; i < run.length; i++) {
        for (let w = 0; w < weight; w++) {
          out.push(run[i]!);
          if (i + 1 < run.length) out.push(run.slice(i, i + 2));
        }
      }
    }
  };
  add(title, 2);
  add(content, 1);
  return out;
}

export interface Suggestion { label: string; probability: number }

export class NaiveBayes {
  private docs = new Map<string, number>();
  private tokens = new Map<string, number>();
  /** Inverted: feature → label → count, so scoring touches only the labels a feature occurs in. */
  private byFeature = new Map<string, Map<string, number>>();
  private totalDocs = 0;

  constructor(private readonly alpha = 0.1) {}

  learn(feats: string[], label: string, sign: 1 | -1 = 1): void {
    this.docs.set(label, (this.docs.get(label) ?? 0) + sign);
    this.totalDocs += sign;
    this.tokens.set(label, (this.tokens.get(label) ?? 0) + sign * feats.length);
    for (const f of feats) {
      let m = this.byFeature.get(f);
      if (!m) { m = new Map(); this.byFeature.set(f, m); }
      const n = (m.get(label) ?? 0) + sign;
      if (n > 0) m.set(label, n); else m.delete(label);
      // A feature nobody uses any more leaves the vocabulary, so unlearning restores the model exactly.
      if (m.size === 0) this.byFeature.delete(f);
    }
    if ((this.docs.get(label) ?? 0) <= 0) { this.docs.delete(label); this.tokens.delete(label); }
  }

  unlearn(feats: string[], label: string): void {
    if ((this.docs.get(label) ?? 0) > 0) this.learn(feats, label, -1);
  }

  get size(): number {
    return this.totalDocs;
  }

  /**
   * score(c) = log P(c) + Σ_f n_f · log((count(f,c) + α) / (tokens(c) + α·V)). Every label starts
   * from the score it would have if it had none of the features; only the labels a feature occurs
   * in are then corrected, which keeps a 150-category taxonomy fast.
   */
  suggest(feats: string[], k: number): Suggestion[] {
    if (this.totalDocs === 0 || feats.length === 0) return [];
    const v = this.byFeature.size;
    const n = new Map<string, number>();
    for (const f of feats) n.set(f, (n.get(f) ?? 0) + 1);
    const logAlpha = Math.log(this.alpha);
    const score = new Map<string, number>();
    for (const [label, d] of this.docs) {
      score.set(label, Math.log(d / this.totalDocs) + feats.length * (logAlpha - Math.log((this.tokens.get(label) ?? 0) + this.alpha * v)));
    }
    for (const [f, times] of n) {
      const m = this.byFeature.get(f);
      if (!m) continue;
      for (const [label, c] of m) score.set(label, score.get(label)! + times * (Math.log(c + this.alpha) - logAlpha));
    }
    const scores = [...score].sort((a, b) => b[1] - a[1]);
    // Softmax over log scores gives a comparable confidence for the UI, not a calibrated probability.
    const top = scores[0]![1];
    const z = scores.reduce((acc, [, x]) => acc + Math.exp(x - top), 0);
    return scores.slice(0, k).map(([label, x]) => ({ label, probability: Math.exp(x - top) / z }));
  }
}

/**
 * A multinomial naive Bayes classifier over character unigrams and bigrams of Chinese text, with
 * the title counted twice. No dictionary, no segmenter: bigrams carry most of the signal of
 * two-character words, and the model learns and unlearns one ticket at a time (a correction
 * moves its counts), so it follows the centre's own history as it grows.
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
  private counts = new Map<string, Map<string, number>>();
  private vocab = new Map<string, number>();
  private totalDocs = 0;

  constructor(private readonly alpha = 0.1) {}

  learn(feats: string[], label: string, sign: 1 | -1 = 1): void {
    this.docs.set(label, (this.docs.get(label) ?? 0) + sign);
    this.totalDocs += sign;
    this.tokens.set(label, (this.tokens.get(label) ?? 0) + sign * feats.length);
    let c = this.counts.get(label);
    if (!c) { c = new Map(); this.counts.set(label, c); }
    for (const f of feats) {
      const n = (c.get(f) ?? 0) + sign;
      if (n > 0) c.set(f, n); else c.delete(f);
      const v = (this.vocab.get(f) ?? 0) + sign;
      // A feature nobody uses any more leaves the vocabulary, so unlearning restores the model exactly.
      if (v > 0) this.vocab.set(f, v); else this.vocab.delete(f);
    }
    if ((this.docs.get(label) ?? 0) <= 0) { this.docs.delete(label); this.counts.delete(label); this.tokens.delete(label); }
  }

  unlearn(feats: string[], label: string): void {
    if ((this.docs.get(label) ?? 0) > 0) this.learn(feats, label, -1);
  }

  get size(): number {
    return this.totalDocs;
  }

  suggest(feats: string[], k: number): Suggestion[] {
    if (this.totalDocs === 0 || feats.length === 0) return [];
    const v = this.vocab.size;
    const scores: [string, number][] = [];
    for (const [label, n] of this.docs) {
      const c = this.counts.get(label)!;
      const denom = Math.log((this.tokens.get(label) ?? 0) + this.alpha * v);
      let s = Math.log(n / this.totalDocs);
      for (const f of feats) s += Math.log((c.get(f) ?? 0) + this.alpha) - denom;
      scores.push([label, s]);
    }
    scores.sort((a, b) => b[1] - a[1]);
    // Softmax over log scores gives a comparable confidence for the UI, not a calibrated probability.
    const top = scores[0]![1];
    const z = scores.reduce((acc, [, s]) => acc + Math.exp(s - top), 0);
    return scores.slice(0, k).map(([label, s]) => ({ label, probability: Math.exp(s - top) / z }));
  }
}

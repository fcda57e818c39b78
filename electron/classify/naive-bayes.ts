/**
 * Naive Bayes text classifier over hashed feature bags (see features.ts), learned one document at
 * a time: `learn` adds a document's counts, `unlearn` takes them away exactly (a corrected
 * category moves its counts), `suggest` ranks labels. The label set is open: a label is created by
 * its first document and stops being suggested when its last one is unlearned.
 *
 * Two variants:
 * - multinomial (MNB): score(c) = log P(c) + Σ_f q_f · log((n_cf + α) / (N_c + αV))
 * - complement (CNB, Rennie et al. 2003): score(c) = −Σ_f q_f · log((T_f − n_cf + α) / (N − N_c + αV)),
 *   which estimates each class from all the others' documents and so suffers less from small classes.
 * where n_cf is feature f's weight in class c, N_c the class total, T_f / N the totals over all
 * classes and V the vocabulary size. Scoring runs through an inverted index: every label starts
 * from the score of "none of the features", and only the labels a feature occurs in are corrected.
 *
 * Document weights are quantised to multiples of 1/256, so sums of them are exact in doubles and
 * unlearning restores the counts bit for bit (also after log-TF or length normalisation).
 */
import type { Features } from './features';

export interface NaiveBayesOptions {
  variant: 'multinomial' | 'complement';
  /** Lidstone smoothing α. */
  alpha: number;
  /** Term-frequency transform of a document's counts before they are added. */
  tf: 'raw' | 'log' | 'binary';
  /** Scale each document's weights to this L2 norm (0: leave them as they are). */
  norm: number;
  /** Use the class prior (multinomial only). */
  prior: boolean;
  /**
   * Confidence calibration: probabilities are softmax(κ · score). NB scores are sums over the
   * query's features, far apart, so a plain softmax says 1.00 for almost everything.
   */
  kappa: number;
}

export const DEFAULT_NB: NaiveBayesOptions = { variant: 'complement', alpha: 0.3, tf: 'log', norm: 0, prior: false, kappa: 1 };

export interface Suggestion {
  label: string;
  /** Calibrated confidence in 0..1; the scores of all labels sum to 1. */
  score: number;
}

/** Serialised model: plain JSON with the counts as base64 typed arrays. */
export interface NaiveBayesJSON {
  format: 'nb/1';
  options: NaiveBayesOptions;
  labels: string[];
  docs: number[];
  /** Feature ids, Uint32 little-endian, base64. */
  ids: string;
  /** Entries per feature, Uint16, base64. */
  nnz: string;
  /** Label index per entry, Uint16, base64. */
  entryLabel: string;
  /** Weight per entry × 256, Int32, base64. */
  entryCount: string;
}

const Q = 256;
const quantise = (w: number) => Math.max(1, Math.round(w * Q)) / Q;

/**
 * Per-feature label counts, interleaved [label, count, term, label, count, term, …] (a feature
 * occurs in few labels). `term` is the entry's score contribution per unit of query weight,
 * recomputed when the row changes, so suggesting is multiply-adds only.
 */
type Row = number[];
const STRIDE = 3;
/** A weighed document: feature ids and their weights, parallel. */
export interface Weighed { ids: number[]; w: number[] }

export class NaiveBayes {
  readonly options: NaiveBayesOptions;
  private labelNames: string[] = [];
  private labelIndex = new Map<string, number>();
  private docs: number[] = [];
  private totals: number[] = [];
  /** Feature id → row index + 1 (0: none); grows with the largest id seen. */
  private slot = new Int32Array(1024);
  private rows: Row[] = [];
  /** Rows whose terms are stale (learned since the last suggestion): refreshed lazily, so bulk training stays cheap. */
  private dirty: number[] = [];
  private isDirty = new Uint8Array(1024);
  private vocab = 0;
  private total = 0;
  private liveDocs = 0;

  constructor(options: Partial<NaiveBayesOptions> = {}) {
    this.options = { ...DEFAULT_NB, ...options };
  }

  /** Documents learned (net of unlearned ones). */
  get documents(): number { return this.liveDocs; }
  /** Distinct features in the model. */
  get vocabulary(): number { return this.vocab; }
  /** Labels with at least one document. */
  get labels(): string[] { return this.labelNames.filter((_, i) => this.docs[i]! > 0); }
  /** The label has at least one document. */
  has(label: string): boolean {
    const i = this.labelIndex.get(label);
    return i !== undefined && this.docs[i]! > 0;
  }

  /** The weights a document (or a query) contributes, after the TF transform and normalisation. */
  weigh(f: Features): Weighed {
    const { tf, norm } = this.options;
    const ids: number[] = [];
    const w: number[] = [];
    let ss = 0;
    for (const [id, c] of f) {
      if (c <= 0) continue;
      const x = tf === 'raw' ? c : tf === 'log' ? Math.log1p(c) : 1;
      ids.push(id);
      w.push(x);
      ss += x * x;
    }
    const scale = norm > 0 && ss > 0 ? norm / Math.sqrt(ss) : 1;
    for (let i = 0; i < w.length; i++) w[i] = quantise(w[i]! * scale);
    return { ids, w };
  }

  learn(f: Features, label: string): void {
    let li = this.labelIndex.get(label);
    if (li === undefined) {
      li = this.labelNames.length;
      if (li >= 0xffff) throw new Error('too many labels');
      this.labelNames.push(label);
      this.labelIndex.set(label, li);
      this.docs.push(0);
      this.totals.push(0);
    }
    this.apply(this.weigh(f), li, 1);
  }

  /**
   * Takes a document back (pass the same features it was learned with). Returns false, changing
   * nothing, when the label has no documents.
   */
  unlearn(f: Features, label: string): boolean {
    const li = this.labelIndex.get(label);
    if (li === undefined || this.docs[li]! <= 0) return false;
    this.apply(this.weigh(f), li, -1);
    return true;
  }

  private apply({ ids, w }: Weighed, li: number, sign: 1 | -1): void {
    this.docs[li]! += sign;
    this.liveDocs += sign;
    let sum = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const x = w[i]!;
      const ri = this.rowIndex(id, sign > 0);
      if (ri < 0) continue;
      const row = this.rows[ri]!;
      let at = -1;
      for (let e = 0; e < row.length; e += STRIDE) if (row[e] === li) { at = e + 1; break; }
      if (sign > 0) {
        if (row.length === 0) this.vocab++;
        if (at < 0) row.push(li, x, 0); else row[at]! += x;
        sum += x;
      } else if (at >= 0) {
        const left = row[at]! - x;
        // Clamped: unlearning features that were never learned must not leave negative counts.
        sum += Math.min(x, row[at]!);
        if (left > 0) row[at] = left;
        else {
          row.splice(at - 1, STRIDE);
          if (row.length === 0) this.vocab--;
        }
      } else continue;
      if (this.isDirty[ri] === 0) { this.isDirty[ri] = 1; this.dirty.push(ri); }
    }
    this.totals[li]! += sign * sum;
    this.total += sign * sum;
    if (this.docs[li] === 0) {
      // Exact by construction; guards against drift if unlearn was given other features.
      this.total -= this.totals[li]!;
      this.totals[li] = 0;
    }
  }

  private row(id: number, create: boolean): Row | undefined {
    const ri = this.rowIndex(id, create);
    return ri < 0 ? undefined : this.rows[ri];
  }

  private rowIndex(id: number, create: boolean): number {
    if (id >= this.slot.length) {
      if (!create) return -1;
      let n = this.slot.length;
      while (n <= id) n *= 2;
      const grown = new Int32Array(n);
      grown.set(this.slot);
      this.slot = grown;
    }
    const at = this.slot[id]!;
    if (at > 0) return at - 1;
    if (!create) return -1;
    this.rows.push([]);
    if (this.rows.length > this.isDirty.length) {
      const grown = new Uint8Array(this.isDirty.length * 2);
      grown.set(this.isDirty);
      this.isDirty = grown;
    }
    this.slot[id] = this.rows.length;
    return this.rows.length - 1;
  }

  private refresh(row: Row): void {
    const { alpha, variant } = this.options;
    if (variant === 'multinomial') {
      const logAlpha = Math.log(alpha);
      for (let e = 0; e < row.length; e += STRIDE) row[e + 2] = Math.log(row[e + 1]! + alpha) - logAlpha;
    } else {
      let tf = 0;
      for (let e = 1; e < row.length; e += STRIDE) tf += row[e]!;
      const base = Math.log(tf + alpha);
      for (let e = 0; e < row.length; e += STRIDE) row[e + 2] = base - Math.log(tf - row[e + 1]! + alpha);
    }
  }

  /** The k most likely labels for a feature bag, best first; empty for an empty model or bag. */
  suggest(f: Features, k: number): Suggestion[] {
    const all = this.scores(f);
    return all.slice(0, Math.max(0, k));
  }

  /** All labels with a calibrated score, best first. */
  scores(f: Features): Suggestion[] {
    if (this.liveDocs <= 0) return [];
    if (this.dirty.length > 0) {
      for (const ri of this.dirty) { this.refresh(this.rows[ri]!); this.isDirty[ri] = 0; }
      this.dirty = [];
    }
    const { alpha, variant, prior, kappa } = this.options;
    const { ids, w } = this.weigh(f);
    const n = this.labelNames.length;
    const v = Math.max(1, this.vocab);
    const logAlpha = Math.log(alpha);
    const s = new Float64Array(n);
    let qTotal = 0;
    // Multinomial: + Σ q_f (log(n_cf + α) − log α); complement: − Σ q_f (log(T_f − n_cf + α) − log(T_f + α)).
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const at = id < this.slot.length ? this.slot[id]! : 0;
      if (at === 0) continue;
      const row = this.rows[at - 1]!;
      if (row.length === 0) continue;
      const x = w[i]!;
      qTotal += x;
      for (let e = 0; e < row.length; e += STRIDE) s[row[e]!]! += x * row[e + 2]!;
    }
    if (variant === 'multinomial') {
      for (let i = 0; i < n; i++) {
        if (this.docs[i]! <= 0) continue;
        s[i]! += qTotal * (logAlpha - Math.log(this.totals[i]! + alpha * v));
        if (prior) s[i]! += Math.log(this.docs[i]! / this.liveDocs);
      }
    } else {
      // + Q log(N − N_c + αV); the rest, −Σ q_f log(T_f + α), is shared by all labels.
      for (let i = 0; i < n; i++) {
        if (this.docs[i]! <= 0) continue;
        s[i]! += qTotal * Math.log(this.total - this.totals[i]! + alpha * v);
      }
    }
    if (qTotal === 0) return [];
    let top = -Infinity;
    for (let i = 0; i < n; i++) if (this.docs[i]! > 0 && s[i]! > top) top = s[i]!;
    const out: Suggestion[] = [];
    let z = 0;
    for (let i = 0; i < n; i++) {
      if (this.docs[i]! <= 0) continue;
      const e = Math.exp(kappa * (s[i]! - top));
      z += e;
      out.push({ label: this.labelNames[i]!, score: e });
    }
    for (const o of out) o.score /= z;
    // Ties (e.g. a text of unknown features only) break by label name, so results are deterministic.
    return out.sort((a, b) => b.score - a.score || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  }

  toJSON(): NaiveBayesJSON {
    const ids: number[] = [];
    let entries = 0;
    for (let id = 0; id < this.slot.length; id++) {
      const at = this.slot[id]!;
      if (at > 0 && this.rows[at - 1]!.length > 0) { ids.push(id); entries += this.rows[at - 1]!.length / STRIDE; }
    }
    const idArr = new Uint32Array(ids.length);
    const nnz = new Uint16Array(ids.length);
    const el = new Uint16Array(entries);
    const ec = new Int32Array(entries);
    let e = 0;
    ids.forEach((id, i) => {
      const r = this.row(id, false)!;
      idArr[i] = id;
      nnz[i] = r.length / STRIDE;
      for (let j = 0; j < r.length; j += STRIDE) { el[e] = r[j]!; ec[e] = Math.round(r[j + 1]! * Q); e++; }
    });
    return {
      format: 'nb/1', options: { ...this.options }, labels: [...this.labelNames], docs: [...this.docs],
      ids: b64(idArr), nnz: b64(nnz), entryLabel: b64(el), entryCount: b64(ec),
    };
  }

  static fromJSON(j: NaiveBayesJSON): NaiveBayes {
    if (j.format !== 'nb/1') throw new Error(`unknown model format ${String(j.format)}`);
    const m = new NaiveBayes(j.options);
    m.labelNames = [...j.labels];
    j.labels.forEach((l, i) => m.labelIndex.set(l, i));
    m.docs = [...j.docs];
    m.totals = j.labels.map(() => 0);
    m.liveDocs = j.docs.reduce((a, b) => a + b, 0);
    const ids = fromB64(j.ids, Uint32Array);
    const nnz = fromB64(j.nnz, Uint16Array);
    const el = fromB64(j.entryLabel, Uint16Array);
    const ec = fromB64(j.entryCount, Int32Array);
    let e = 0;
    for (let i = 0; i < ids.length; i++) {
      const row = m.row(ids[i]!, true)!;
      for (let k = 0; k < nnz[i]!; k++, e++) {
        const c = ec[e]! / Q;
        row.push(el[e]!, c, 0);
        m.totals[el[e]!]! += c;
      }
      m.refresh(row);
      m.vocab++;
    }
    // Same order of additions as when learning is not guaranteed, but every value is a multiple
    // of 1/256 far below 2^44, so the sums are exact either way.
    m.total = m.totals.reduce((a, b) => a + b, 0);
    return m;
  }
}

function b64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromB64<T extends Uint32Array | Uint16Array | Int32Array>(s: string, Ctor: { new(b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  const buf = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(buf.byteLength);
  new Uint8Array(copy).set(buf);
  return new Ctor(copy);
}

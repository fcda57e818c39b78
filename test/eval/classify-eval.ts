/** Metrics for the category models on the real messages: top-k accuracy, per-class recall, calibration. */
import { extractFeatures, type FeatureOptions, type Features } from '../../electron/classify/features';
import type { Suggestion } from '../../electron/classify/naive-bayes';
import type { Message, SegMessage } from './real-messages';

/** A labelled example: its features (the hashed bag, or whatever another model takes) and label. */
export interface Example<F = Features> { f: F; label: string }
export type Trainer<F = Features> = (train: Example<F>[]) => (f: F, k: number) => Suggestion[];

export interface Metrics {
  n: number;
  top1: number;
  top3: number;
  recall: Map<string, number>;
  /** Expected calibration error of the top suggestion's score (10 bins). */
  ece: number;
  trainMs: number;
  testMs: number;
}

export const examplesOf = (rows: (Message | SegMessage)[], fo: Partial<FeatureOptions>): Example[] =>
  rows.map((r) => ({ f: extractFeatures('title' in r ? r.title : '', r.text, fo), label: r.category }));

export function evaluate<F>(trainer: Trainer<F>, train: Example<F>[], test: Example<F>[]): Metrics {
  const t0 = performance.now();
  const predict = trainer(train);
  const trainMs = performance.now() - t0;
  let top1 = 0;
  let top3 = 0;
  const hit = new Map<string, number>();
  const count = new Map<string, number>();
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, ok: 0 }));
  const t1 = performance.now();
  for (const { f, label } of test) {
    const s = predict(f, 3);
    const ok = s[0]?.label === label;
    if (ok) top1++;
    if (s.some((x) => x.label === label)) top3++;
    count.set(label, (count.get(label) ?? 0) + 1);
    if (ok) hit.set(label, (hit.get(label) ?? 0) + 1);
    const c = s[0]?.score ?? 0;
    const b = bins[Math.min(9, Math.floor(c * 10))]!;
    b.n++; b.conf += c; b.ok += ok ? 1 : 0;
  }
  const testMs = performance.now() - t1;
  const ece = bins.reduce((a, b) => a + (b.n ? Math.abs(b.conf - b.ok) : 0), 0) / test.length;
  const recall = new Map([...count].sort((a, b) => b[1] - a[1]).map(([l, n]) => [l, (hit.get(l) ?? 0) / n]));
  return { n: test.length, top1: top1 / test.length, top3: top3 / test.length, recall, ece, trainMs, testMs };
}

export const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
  return [line(head), `|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`, ...rows.map((r) => line(r.map(String)))].join('\n');
}

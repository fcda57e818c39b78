/** Adds a softmax regression (test/eval/linear.ts, 8 and 16 epochs) to the cached partitions of the split's inner CV and the outer folds (~3 min); see category-rerank.ts SM=1. */
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_SUGGESTER } from '../../electron/classify/category-suggester';
import { DEFAULT_FEATURES, extractFeatures } from '../../electron/classify/features';
import { SoftmaxRegression } from './linear';
import { foldOf, loadLabelled } from './real-messages';
const data = loadLabelled();
const fold = foldOf(data.rows, 5);
const fo = { ...DEFAULT_FEATURES, ...DEFAULT_SUGGESTER.features };
const feats = data.rows.map((r) => extractFeatures(r.title, r.text, fo));
const C = JSON.parse(readFileSync(process.env.CACHE ?? '.scratch/rerank-cache.json', 'utf8'));
const t0 = performance.now();
for (const p of C.parts) {
  if (p.rep >= 0 && p.outer !== 0) continue;
  const test = new Set<number>(p.test);
  const train = data.rows.map((_, i) => i).filter((i) => !test.has(i) && (p.rep < 0 || fold(data.rows[i]!) !== p.outer));
  for (const [name, o] of [['sm', {}], ['sm16', { epochs: 16 }]] as const) {
    const m = new SoftmaxRegression(o);
    m.fit(train.map((i) => ({ f: feats[i]!, label: data.rows[i]!.category })));
    p.out[name] = p.test.map((i: number) => { const s = new Map(m.suggest(feats[i]!, 99).map((x) => [x.label, x.score])); return C.LABELS.map((l: string) => s.get(l) ?? 0); });
  }
  console.error(p.name, ((performance.now() - t0) / 1000).toFixed(0));
}
C.parts = C.parts.filter((p: { rep: number; outer: number }) => p.rep < 0 || p.outer === 0);
writeFileSync(process.env.OUT ?? '.scratch/rerank-softmax.json', JSON.stringify(C));

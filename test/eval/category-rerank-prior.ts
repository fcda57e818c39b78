/**
 * Issue 16: the misses concentrate on the small classes (inner CV: 交通运输, 118 of 2000 messages,
 * missed 3.2 % against < 0.5 % for the large ones), so the runners-up are ranked with the training
 * part's class prior divided out: NB's log-probability − τ·log prior (mode nb), and also the linear
 * order's decision − 0.1·τ·log prior behind it (mode nb+lin); τ = 0 is the shipped rule. Scores the
 * cache of category-rerank-cache.ts: `npx tsx test/eval/category-rerank-prior.ts` (OUTER=1 adds the
 * outer 5-fold CV, right first / top-3 misses of 2000).
 *
 * Measured, top-3 misses in the inner CVs of outer training parts 0–4 (3 repeats each; part 0 is
 * the split's, the pre-registered choice): τ = 0: 40 37 40 41 41; nb τ = 0.25 / 0.5 / 0.75 / 1:
 * 40 34 42 41 40, 42 33 46 42 44, 40 34 45 41 43, 39 40 46 38 40; nb+lin: 38 32 38 42 40,
 * 40 33 40 41 44, 36 38 38 41 41 (chosen: fewest in part 0), 42 45 39 43 36. The chosen nb+lin
 * τ = 0.75 measured 1802 / 15 of 2000 in the outer CV against 11: not shipped. The other settings,
 * outer, all printed in the same run: nb τ = 0.25 / 0.5 / 0.75 / 1: 12, 10, 11, 15; nb+lin: 11, 11, 15, 18.
 * nb τ = 0.5 reaches 10 there while being among the worst inside (207 nested misses against 199):
 * shipping it would be choosing on the test folds.
 */
import { readFileSync } from 'node:fs';
import { foldOf, loadLabelled } from './real-messages';
const data = loadLabelled(); const fold = foldOf(data.rows, 5);
const C = JSON.parse(readFileSync(process.env.CACHE ?? '.scratch/rerank-cache.json', 'utf8')) as { LABELS: string[]; parts: { outer: number; rep: number; test: number[]; gold: number[]; out: Record<string, number[][]> }[] };
const K = C.LABELS.length;
const order = (v: number[]) => v.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((x) => x[1]);
const res: Record<string, Record<string, [number, number]>> = {};
for (const p of C.parts) {
  const test = new Set<number>(p.test);
  const freq = new Array<number>(K).fill(1);
  data.rows.forEach((r, i) => { if (!test.has(i) && (p.rep < 0 || fold(r) !== p.outer)) freq[C.LABELS.indexOf(r.category)]! += 1; });
  const z = freq.reduce((a: number, b: number) => a + b, 0);
  const bucket = p.rep < 0 ? 'outer' : `inner${p.outer}`;
  for (const tau of [0, 0.25, 0.5, 0.75, 1]) for (const mode of ['nb', 'nb+lin']) {
    const key = `${mode} τ=${tau}`; res[key] ??= {}; res[key][bucket] ??= [0, 0];
    p.test.forEach((_: number, j: number) => {
      const lin = p.out.lin_v2![j]!, nb = p.out.nb_v2![j]!;
      const nbp = nb.map((x: number, c: number) => Math.log(Math.max(x, 1e-300)) - tau * Math.log(freq[c]! / z));
      const linp = mode === 'nb+lin' ? lin.map((x: number, c: number) => x - tau * 0.1 * Math.log(freq[c]! / z)) : lin;
      const o: number[] = [order(lin)[0]!]; for (const l of order(nbp).slice(0, 2)) if (!o.includes(l)) o.push(l); for (const l of order(linp)) if (!o.includes(l)) o.push(l);
      const r = o.indexOf(p.gold[j]!) + 1; const cell = res[key]![bucket]!; cell[0] += r === 1 ? 1 : 0; cell[1] += r > 3 ? 1 : 0;
    });
  }
}
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(16), ['inner0', 'inner1', 'inner2', 'inner3', 'inner4'].map((b) => v[b]![1]).join(' '), ' 5-fold CV →', process.env.OUTER === '1' ? `${v.outer![0]}/${v.outer![1]}` : '');

/**
 * Issue 16: top-3 rules that learn from out-of-fold predictions of the training part itself (what a
 * refit worker could compute with 3 sub-fits): a confusion prior M[first][j] (how often label j was
 * right when the NBSVM's first choice i was wrong; the inner misses concentrate there: 交通运输 ←
 * 城乡建设 36 of 200), alone or with naive Bayes, and a stacked logistic regression over (decision,
 * log NB) per candidate. Cache: `OOF=1 REPEATS=3 npx tsx test/eval/category-rerank-cache.ts`;
 * run `npx tsx test/eval/category-rerank-oof.ts` (OUTER=1 adds the outer figures).
 *
 * Measured (right first / top-3 misses; columns as in category-rerank.ts):
 * | shipped | 4266/40 | 199 | 358/1 | 1802/11 |
 * | confusion prior alone (any smoothing) | 4266/204 | 922 | 358/12 | 1802/69 |
 * | log NB + λ·log M, λ = 0.5 / 1 / 2 | 4266/54, 64, 93 | 223, 274, 399 | 358/2, 1, 4 | 1802/18, 20, 31 |
 * | RRF k=1 (lin, NB, M) | 4266/56 | 274 | 358/2 | 1802/27 |
 * | slot 2 NB's top, slot 3 M's top | 4266/85 | 426 | 358/3 | 1802/35 |
 * | stacked LR (decision, log NB) | 4266/44 | 175 | 358/2 | 1802/15 |
 * | stacked LR (+ log M) / (+ reciprocal ranks) | 4266/74, 56 | 302, 256 | 358/2, 1 | 1802/22, 17 |
 * The out-of-fold confusion is too sparse (≈ 160 wrong first choices over 42 cells) to order runners-up.
 */
import { readFileSync } from 'node:fs';
import { table } from './classify-eval';
type Out = Record<string, number[][]>;
type Part = { name: string; outer: number; rep: number; test: number[]; gold: number[]; out: Out };
const C = JSON.parse(readFileSync(process.env.CACHE ?? '.scratch/rerank-oof.json', 'utf8')) as { LABELS: string[]; parts: Part[] };
const K = C.LABELS.length;
type V = number[];
const order = (v: V) => v.map((x, i) => [x, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((x) => x[1]);
const ranks = (v: V) => { const o = order(v); const r = new Array<number>(K); o.forEach((l, i) => { r[l] = i + 1; }); return r; };
const argmax = (v: V) => order(v)[0]!;
/** What a refit learns besides the model: from out-of-fold predictions of its own tickets. */
interface Learned { M: (a: number) => number[][]; stack: (feat: Feat) => (x: number[]) => number }
type Feat = (lin: V, nb: V, first: number, j: number, M: number[][]) => number[];
function learn(p: Part): Learned {
  const oofLin = p.out.oofLin!, oofNb = p.out.oofNb!, gold = p.out.oofGold![0]!;
  const cnt = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const freq = new Array<number>(K).fill(0);
  gold.forEach((g, i) => { freq[g]!++; const f = argmax(oofLin[i]!); if (f !== g) cnt[f]![g]!++; });
  const n = gold.length;
  const M = (a: number) => cnt.map((row, i) => { const tot = row.reduce((x, y) => x + y, 0); const pr = freq.map((f, j) => (j === i ? 0 : f)); const pz = pr.reduce((x, y) => x + y, 0); return row.map((c, j) => (j === i ? 0 : (c + a * pr[j]! / pz) / (tot + a))); });
  void n;
  const stack = (feat: Feat) => {
    // Logistic regression over (row, candidate ≠ first) pairs of the out-of-fold rows whose first is wrong.
    const Mx = M(1);
    const X: number[][] = [], Y: number[] = [];
    gold.forEach((g, i) => { const f = argmax(oofLin[i]!); if (f === g) return; for (let j = 0; j < K; j++) if (j !== f) { X.push(feat(oofLin[i]!, oofNb[i]!, f, j, Mx)); Y.push(j === g ? 1 : 0); } });
    const d = X[0]!.length;
    const w = new Array<number>(d + 1).fill(0);
    for (let it = 0; it < 300; it++) {
      const gr = new Array<number>(d + 1).fill(0);
      X.forEach((x, r) => { const z = w[d]! + x.reduce((a, v, k) => a + v * w[k]!, 0); const pr = 1 / (1 + Math.exp(-z)); const e = pr - Y[r]!; x.forEach((v, k) => { gr[k]! += e * v; }); gr[d]! += e; });
      for (let k = 0; k <= d; k++) w[k]! -= 0.5 * (gr[k]! / X.length + (k < d ? 0.01 * w[k]! : 0));
    }
    return (x: number[]) => w[d]! + x.reduce((a, v, k) => a + v * w[k]!, 0);
  };
  return { M, stack };
}
type Rule = (lin: V, nb: V, L: Learned) => number[];
const behind = (lin: V, score: (j: number) => number) => { const f = argmax(lin); return [f, ...[...Array(K).keys()].filter((j) => j !== f).sort((a, b) => score(b) - score(a) || a - b)]; };
const shipped: Rule = (lin, nb) => { const o = [argmax(lin)]; for (const l of order(nb).slice(0, 2)) if (!o.includes(l)) o.push(l); for (const l of order(lin)) if (!o.includes(l)) o.push(l); return o; };
const fLin: Feat = (lin, nb, f, j) => [lin[j]!, Math.log(Math.max(nb[j]!, 1e-12))];
const fLinM: Feat = (lin, nb, f, j, M) => [lin[j]!, Math.log(Math.max(nb[j]!, 1e-12)), Math.log(M[f]![j]!)];
const fRank: Feat = (lin, nb, f, j, M) => { const rl = ranks(lin), rn = ranks(nb); return [lin[j]!, Math.log(Math.max(nb[j]!, 1e-12)), Math.log(M[f]![j]!), 1 / rl[j]!, 1 / rn[j]!]; };
const cache = new Map<Part, Map<string, unknown>>();
const memo = <T>(p: Part, k: string, make: () => T): T => { let m = cache.get(p); if (!m) cache.set(p, m = new Map()); if (!m.has(k)) m.set(k, make()); return m.get(k) as T; };
const rules: [string, (p: Part) => Rule][] = [
  ['shipped', () => shipped],
  ...[0.3, 1, 3].map((a): [string, (p: Part) => Rule] => [`lin first, runners-up by confusion prior M(a=${a}), NB ties`, (p) => { const M = memo(p, `M${a}`, () => learn(p).M(a)); return (lin, nb) => { const f = argmax(lin); return behind(lin, (j) => M[f]![j]! + 1e-6 * nb[j]!); }; }]),
  ...[0.5, 1, 2].flatMap((lam) => [1].map((a): [string, (p: Part) => Rule] => [`lin first, log NB + ${lam}·log M(a=${a})`, (p) => { const M = memo(p, `M${a}`, () => learn(p).M(a)); return (lin, nb) => { const f = argmax(lin); return behind(lin, (j) => Math.log(nb[j]!) + lam * Math.log(M[f]![j]!)); }; }])),
  ['lin first, RRF1(lin, NB, M)', (p) => { const M = memo(p, 'M1', () => learn(p).M(1)); return (lin, nb) => { const f = argmax(lin); const a = ranks(lin), b = ranks(nb), c = ranks(M[f]!); return behind(lin, (j) => 1 / (1 + a[j]!) + 1 / (1 + b[j]!) + 1 / (1 + c[j]!)); }; }],
  ['lin first, RRF1(lin, NB)', () => (lin, nb) => { const a = ranks(lin), b = ranks(nb); return behind(lin, (j) => 1 / (1 + a[j]!) + 1 / (1 + b[j]!)); }],
  ['slot 2 NB top, slot 3 M top', (p) => { const M = memo(p, 'M1', () => learn(p).M(1)); return (lin, nb) => { const f = argmax(lin); const o = [f]; for (const l of order(nb)) if (!o.includes(l)) { o.push(l); break; } for (const l of order(M[f]!)) if (!o.includes(l)) o.push(l); return o; }; }],
  ['stacked LR (lin, log NB)', (p) => { const s = memo(p, 'sLin', () => learn(p).stack(fLin)); return (lin, nb) => { const f = argmax(lin); const M = null as unknown as number[][]; return behind(lin, (j) => s(fLin(lin, nb, f, j, M))); }; }],
  ['stacked LR (lin, log NB, log M)', (p) => { const L = learn(p); const s = memo(p, 'sLinM', () => L.stack(fLinM)); const M = memo(p, 'M1', () => L.M(1)); return (lin, nb) => { const f = argmax(lin); return behind(lin, (j) => s(fLinM(lin, nb, f, j, M))); }; }],
  ['stacked LR (+ reciprocal ranks)', (p) => { const L = learn(p); const s = memo(p, 'sRank', () => L.stack(fRank)); const M = memo(p, 'M1', () => L.M(1)); return (lin, nb) => { const f = argmax(lin); return behind(lin, (j) => s(fRank(lin, nb, f, j, M))); }; }],
];
function score(mk: (p: Part) => Rule, parts: Part[]) {
  let n = 0, t1 = 0, m3 = 0;
  for (const p of parts) { const rule = mk(p); p.test.forEach((_, j) => { const r = rule(p.out.lin_v2![j]!, p.out.nb_v2![j]!, null as unknown as Learned).indexOf(p.gold[j]!) + 1; n++; if (r === 1) t1++; if (r > 3) m3++; }); }
  return { n, t1, m3 };
}
const showOuter = process.env.OUTER === '1';
const reps = [0, 1, 2];
console.log(table(['rule', 'inner on split train part, per repeat right/miss3', 'sum', 'nested inner per outer fold (3 reps)', ...(showOuter ? ['split', '5-fold CV'] : [])], rules.map(([name, mk]) => {
  const inner0 = reps.map((rep) => score(mk, C.parts.filter((p) => p.outer === 0 && p.rep === rep)));
  const nested = [0, 1, 2, 3, 4].map((k) => score(mk, C.parts.filter((p) => p.outer === k && p.rep >= 0)));
  const row: (string | number)[] = [name, inner0.map((s) => `${s.t1}/${s.m3}`).join(' '), `${inner0.reduce((a, s) => a + s.t1, 0)}/${inner0.reduce((a, s) => a + s.m3, 0)}`, nested.map((s) => `${s.m3}`).join(' ') + ` = ${nested.reduce((a, s) => a + s.m3, 0)}`];
  if (showOuter) { const sp = score(mk, C.parts.filter((p) => p.name === 'outer0')); const cv = score(mk, C.parts.filter((p) => p.rep < 0)); row.push(`${sp.t1}/${sp.m3} of ${sp.n}`, `${cv.t1}/${cv.m3} of ${cv.n}`); }
  return row;
})));

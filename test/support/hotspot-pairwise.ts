/**
 * The hotspot engine's former clustering, kept as the reference that the indexed one in
 * electron/hotspots/engine.ts must equal (cluster.test): every pair of documents sharing a term is
 * compared, which is quadratic in a common term's document frequency. (BENCH_ONLY=hotspots-scale
 * now compares against the whole engine as it was, test/support/hotspot-before.)
 */
import type { HotspotParams } from '../../electron/hotspots/types';

export function clusterPairwise(
  members: number[],
  docTerms: number[][],
  weight: number[],
  norm: number[],
  days: (number | null)[],
  tau: number,
  p: HotspotParams,
  depth: number,
): number[][] {
  const local = new Map<number, number>();
  members.forEach((d, i) => local.set(d, i));
  const postings = new Map<number, number[]>();
  for (const d of members) {
    for (const t of docTerms[d]!) {
      const l = postings.get(t);
      if (l) l.push(d);
      else postings.set(t, [d]);
    }
  }
  const parent = members.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const dot = new Map<number, number>();
  for (const a of members) {
    dot.clear();
    for (const t of docTerms[a]!) {
      const w2 = weight[t]! ** 2;
      for (const b of postings.get(t)!) if (b > a) dot.set(b, (dot.get(b) ?? 0) + w2);
    }
    for (const [b, s] of dot) {
      if (s / (norm[a]! * norm[b]!) >= tau && near(days[a]!, days[b]!, p)) {
        const ra = find(local.get(a)!);
        const rb = find(local.get(b)!);
        if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  }
  const comps = new Map<number, number[]>();
  members.forEach((d, i) => {
    const r = find(i);
    const c = comps.get(r);
    if (c) c.push(d);
    else comps.set(r, [d]);
  });
  const out: number[][] = [];
  for (const comp of comps.values()) {
    if (comp.length >= p.minPeople && depth < 5 && coherence(comp, docTerms) < p.coherence) {
      out.push(...clusterPairwise(comp, docTerms, weight, norm, days, Math.min(0.95, tau * 1.3 + 0.05), p, depth + 1));
    } else out.push(comp);
  }
  return out;
}

function near(a: number | null, b: number | null, p: HotspotParams): boolean {
  return a === null || b === null || Math.abs(a - b) <= 2 * p.windowDays;
}

function coherence(comp: number[], docTerms: number[][]): number {
  const count = new Map<number, number>();
  for (const d of comp) for (const t of docTerms[d]!) count.set(t, (count.get(t) ?? 0) + 1);
  let best = 0;
  for (const v of count.values()) best = Math.max(best, v);
  return best / comp.length;
}

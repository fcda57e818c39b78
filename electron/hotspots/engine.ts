import { Background, poissonLlr } from './baseline';
import { mineTokens, type Term } from './mine';
import { stepMark } from './steps';
import { dayIndex, dayKey, hash32, repostKey, tokenizeIds, unionFind, weekdayOf } from './text';
import { DEFAULT_PARAMS, type Hotspot, type HotspotInput, type HotspotParams } from './types';

export interface Doc {
  input: HotspotInput;
  /** Token ids (text.ts: tokenizeIds), -1 after each run. */
  tokens: Int32Array;
  day: number | null;
  repost: string;
}

/** Tokenised form of one input: cached by the incremental index so that a new ticket costs one tokenisation. */
export function prepareDoc(input: HotspotInput, p: HotspotParams): Doc {
  const body = `${input.title}\n${input.text.slice(0, p.maxChars)}`;
  return {
    input,
    tokens: tokenizeIds(body),
    day: input.time === null || !Number.isFinite(input.time) ? null : dayIndex(input.time, p.tzOffsetMinutes),
    repost: repostKey(input.title, input.text),
  };
}

const byId = (a: Doc, b: Doc): number => (a.input.id < b.input.id ? -1 : a.input.id > b.input.id ? 1 : 0);

/** Ranked hotspots of a set of messages. Deterministic: the same set in any order gives the same result. */
export function detectHotspots(inputs: readonly HotspotInput[], params: Partial<HotspotParams> = {}): Hotspot[] {
  const p = { ...DEFAULT_PARAMS, ...params };
  return detectFromDocs(inputs.map((i) => prepareDoc(i, p)), p);
}

/** Mined terms and document vectors: depends only on the documents and the mining parameters. */
export interface Corpus {
  docs: Doc[];
  terms: Term[];
  docTerms: number[][];
  concentration: number[];
}

export function buildCorpus(prepared: readonly Doc[], p: HotspotParams): Corpus {
  const docs = [...prepared].sort(byId);
  stepMark('sort');
  const mined = mineTokens(
    docs.map((d) => d.tokens),
    p,
  );
  const terms: Term[] = [...mined.terms];
  const docTerms = mined.docTerms; // fresh arrays: the geo terms are appended in place
  addGeoTerms(docs, docTerms, terms, p);
  const concentration = timeConcentration(docs, docTerms, terms.length, p);
  stepMark('geo terms, time concentration');
  return { docs, terms, docTerms, concentration };
}

export function detectFromDocs(prepared: readonly Doc[], p: HotspotParams): Hotspot[] {
  if (prepared.length === 0) return [];
  return detectFromCorpus(buildCorpus(prepared, p), p);
}

/** Term weights, document norms and days: what documents are linked by. */
export function linkWeights(corpus: Corpus): { weight: number[]; norm: number[]; days: (number | null)[] } {
  const { docs, terms, docTerms, concentration } = corpus;
  const weight = terms.map((t, i) => t.idf * Math.max(1, t.len - 1) * concentration[i]!);
  const norm = docTerms.map((l) => Math.sqrt(l.reduce((s, t) => s + weight[t]! ** 2, 0)) || 1);
  return { weight, norm, days: docs.map((d) => d.day) };
}

export function detectFromCorpus(corpus: Corpus, p: HotspotParams): Hotspot[] {
  const { docs, terms, docTerms } = corpus;
  if (docs.length === 0) return [];
  const { weight, norm, days } = linkWeights(corpus);
  const all = docs.map((_, i) => i);
  stepMark('other');
  const links = findLinks(all, docTerms, weight, norm, days, p.linkThreshold, splitTau(p.linkThreshold), p);
  stepMark('link finding');
  const clusters = components(all, links, docTerms, p.linkThreshold, p, 0);
  stepMark('components');
  const merged = mergeFragments(clusters, docTerms, weight, days, p).flatMap((c) => splitCatchAll(c, docTerms, weight, p));
  stepMark('fragments, catch-alls');

  let firstDay = Infinity;
  let lastDay = -Infinity;
  for (const d of docs) {
    if (d.day === null) continue;
    if (d.day < firstDay) firstDay = d.day;
    if (d.day > lastDay) lastDay = d.day;
  }
  if (!Number.isFinite(firstDay)) firstDay = lastDay = 0;
  const nowDay = p.now !== undefined ? dayIndex(p.now, p.tzOffsetMinutes) : lastDay;
  const bg = new Background(firstDay, Math.max(lastDay, nowDay));
  for (const d of docs) if (d.day !== null) bg.add(cellOf(d.input), d.day);

  const out: Hotspot[] = [];
  const usedIds = new Set<string>();
  for (const members of merged) {
    const h = describe(members, docs, docTerms, terms, weight, bg, nowDay, p, usedIds);
    if (h) out.push(h);
  }
  stepMark('describe hotspots');
  out.push(...surges(docs, bg, nowDay, p, usedIds));
  stepMark('surges');
  out.sort((a, b) => b.score - a.score || (a.first ?? 0) - (b.first ?? 0) || (a.id < b.id ? -1 : 1));
  return out;
}

/**
 * Per term, the share of its documents inside its densest window of twice the scan window. A
 * phrase used all year round (greetings, "请相关部门", the name of the province, 社保 questions)
 * scores low and barely links documents; a name that many people write in the same weeks scores
 * near 1. Terms in documents without time are neutral (1).
 */
function timeConcentration(docs: readonly Doc[], docTerms: number[][], nTerms: number, p: HotspotParams): number[] {
  // Each term's days in one flat array (term t's: days[start[t] .. start[t + 1])), sorted per term.
  const start = new Int32Array(nTerms + 1);
  const undated = new Int32Array(nTerms);
  docs.forEach((d, i) => {
    for (const t of docTerms[i]!) {
      if (d.day === null) undated[t]!++;
      else start[t + 1]!++;
    }
  });
  for (let t = 0; t < nTerms; t++) start[t + 1]! += start[t]!;
  const days = new Float64Array(start[nTerms]!);
  const fill = start.slice(0, nTerms);
  docs.forEach((d, i) => {
    if (d.day === null) return;
    for (const t of docTerms[i]!) days[fill[t]!++] = d.day;
  });
  const L = 2 * p.windowDays;
  const out = new Array<number>(nTerms);
  for (let t = 0; t < nTerms; t++) {
    const s0 = start[t]!;
    const len = start[t + 1]! - s0;
    if (len === 0) {
      out[t] = 1;
      continue;
    }
    const list = days.subarray(s0, s0 + len);
    list.sort();
    let best = 0;
    let j = 0;
    for (let i = 0; i < len; i++) {
      while (list[i]! - list[j]! >= L) j++;
      best = Math.max(best, i - j + 1);
    }
    out[t] = (best + undated[t]!) / (len + undated[t]!);
  }
  return out;
}

const cellOf = (i: HotspotInput): string => `${i.category ?? ''}|${i.area ?? ''}`;

/** Coordinates become a grid-cell term (and its neighbours are not merged: a cell is ≈ a block). */
function addGeoTerms(docs: readonly Doc[], docTerms: number[][], terms: Term[], p: HotspotParams): void {
  const cells = new Map<string, number[]>();
  docs.forEach((d, i) => {
    const { lat, lon } = d.input;
    if (lat === undefined || lon === undefined || !Number.isFinite(lat) || !Number.isFinite(lon)) return;
    const key = `@${Math.floor(lat / p.geoCell)},${Math.floor(lon / p.geoCell)}`;
    const l = cells.get(key);
    if (l) l.push(i);
    else cells.set(key, [i]);
  });
  const n = docs.length;
  for (const key of [...cells.keys()].sort()) {
    const list = cells.get(key)!;
    if (list.length < p.minDf || list.length > Math.max(p.minDf, 30, n * p.maxDfShare)) continue;
    const ti = terms.length;
    terms.push({ text: key, aliases: [key], df: list.length, len: 2, idf: Math.log((n + 1) / (list.length + 0.5)) });
    for (const d of list) docTerms[d]!.push(ti);
  }
}

/**
 * Connected components of documents linked by cosine ≥ tau within 2 · windowDays of each other;
 * incoherent components are split again at a higher tau.
 *
 * Comparing every pair that shares a term was quadratic: a common phrase held by 2% of the
 * documents put each of them against all the others. The links are now found once, from an index
 * of each document's rarer terms only (prefix filtering, as in Bayardo, Ma & Srikant's All-Pairs),
 * and a split at a higher tau keeps the links that reach it, since a link at the higher tau is
 * one at the lower. The components are exactly those of the pairwise comparison (cluster.test
 * checks it against the former code).
 */
export function cluster(
  members: number[],
  docTerms: number[][],
  weight: number[],
  norm: number[],
  days: (number | null)[],
  tau: number,
  p: HotspotParams,
): number[][] {
  const links = findLinks(members, docTerms, weight, norm, days, tau, splitTau(tau), p);
  return components(members, links, docTerms, tau, p, 0);
}

interface Links {
  a: number[];
  b: number[];
  sim: number[];
}

/** The threshold at which an incoherent cluster is split again. */
const splitTau = (tau: number): number => Math.min(0.95, tau * 1.3 + 0.05);

/**
 * The links of the members within the link window, with their cosine: every pair at or above
 * keep (what a split needs), and enough pairs at or above tau to connect what they connect (a
 * pair already connected through others is not computed unless it could reach keep). With terms
 * ordered from the most to the least common, a document's leading common terms stay out of the
 * index while they cannot reach tau with any other document: bounded by each term's largest
 * normalised weight among the members, and by their own norm (the other document's is 1). Two
 * documents at or above tau then share a term that the earlier one indexed. While probing, the
 * shared indexed terms' part of the cosine is summed; a candidate whose sum plus its left-out
 * prefix's bound stays below tau is dropped, and the others are computed term by term as the
 * pairwise code did (same order, same rounding). Documents are visited by day and each posting is
 * read from its first document within the link window.
 */
function findLinks(
  members: number[],
  docTerms: number[][],
  weight: number[],
  norm: number[],
  days: (number | null)[],
  linkTau: number,
  keep: number,
  p: HotspotParams,
): Links {
  const tau = Math.min(linkTau, keep);
  const m = members.length;
  // Local term ids (by first use; an array over the terms, not a Map: all documents take part at
  // the top level, holding millions of terms at 1M tickets), document frequency and the smallest
  // norm among the members holding each term.
  let maxT = 0;
  for (const d of members) for (const t of docTerms[d]!) if (t > maxT) maxT = t;
  const localOf = new Int32Array(maxT + 1).fill(-1);
  const globalOf: number[] = [];
  const df: number[] = [];
  const minNorm: number[] = [];
  // Member i's terms as local ids: locFlat[locStart[i] .. locStart[i + 1]) (flat: no array per member).
  const locStart = new Int32Array(m + 1);
  let nLoc = 0;
  for (let i = 0; i < m; i++) nLoc += docTerms[members[i]!]!.length;
  const locFlat = new Int32Array(nLoc);
  nLoc = 0;
  for (let i = 0; i < m; i++) {
    const d = members[i]!;
    const n = norm[d]!;
    locStart[i] = nLoc;
    for (const t of docTerms[d]!) {
      let l = localOf[t]!;
      if (l < 0) {
        l = globalOf.length;
        localOf[t] = l;
        globalOf.push(t);
        df.push(0);
        minNorm.push(n);
      }
      df[l]!++;
      if (n < minNorm[l]!) minNorm[l] = n;
      locFlat[nLoc++] = l;
    }
  }
  locStart[m] = nLoc;
  const T = globalOf.length;
  const w = new Float64Array(T);
  const maxU = new Float64Array(T);
  for (let l = 0; l < T; l++) {
    w[l] = weight[globalOf[l]!]!;
    maxU[l] = w[l]! / minNorm[l]!;
  }
  // Most common first (ties by term id): the left-out prefix is the common terms.
  const byRank = sortedBy(T, (l) => m - df[l]!, (l) => globalOf[l]!, maxT + 1, (k) => localOf[k]!);
  const rank = new Int32Array(T);
  byRank.forEach((l, r) => (rank[l] = r));
  // Against rounding: a bound that nearly reaches a threshold counts as reaching it.
  const margin = tau * (1 - 1e-9);
  const keepMargin = keep * (1 - 1e-9);
  const prefixBound = new Float64Array(m);
  // Σ of the left-out prefix's squared normalised weights: with the other document's weight on
  // terms anyone left out (Cauchy–Schwarz), a second bound on what the prefix can share.
  const prefixSq = new Float64Array(m);
  // Each member's left-out prefix (local ids), kept to finish a candidate's sum exactly: member
  // i's are preFlat[preStart[i] .. preStart[i + 1]).
  const preStart = new Int32Array(m + 1);
  const preList: number[] = [];
  // Each member's terms by rank (most common first), in a flat copy: the left-out prefix, then
  // the indexed terms, byRankFlat[idxStart[i] .. locStart[i + 1]). Ranks are distinct, so a
  // numeric sort of the ranks gives the order.
  const byRankFlat = new Int32Array(nLoc);
  for (let j = 0; j < nLoc; j++) byRankFlat[j] = rank[locFlat[j]!]!;
  const idxStart = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const a = locStart[i]!;
    const e = locStart[i + 1]!;
    byRankFlat.subarray(a, e).sort();
    for (let j = a; j < e; j++) byRankFlat[j] = byRank[byRankFlat[j]!]!;
    const n = norm[members[i]!]!;
    let bound = 0;
    let sq = 0;
    let k = a;
    for (; k < e; k++) {
      const u = w[byRankFlat[k]!]! / n;
      const nb = bound + u * maxU[byRankFlat[k]!]!;
      const nsq = sq + u * u;
      if (Math.min(nb, Math.sqrt(nsq)) >= margin) break;
      bound = nb;
      sq = nsq;
    }
    prefixBound[i] = Math.min(bound, Math.sqrt(sq));
    prefixSq[i] = sq;
    preStart[i] = preList.length;
    for (let j = a; j < k; j++) preList.push(byRankFlat[j]!);
    idxStart[i] = k;
  }
  preStart[m] = preList.length;
  const preFlat = Int32Array.from(preList);

  const inSomePrefix = new Uint8Array(T);
  for (const l of preFlat) inSomePrefix[l] = 1;
  const dayArr = Float64Array.from(members, (d) => days[d] ?? -Infinity);
  // Visit order: undated documents first (they link on text alone), then by day.
  let minDay = Infinity;
  for (const v of dayArr) if (v !== -Infinity && v < minDay) minDay = v;
  const order = sortedBy(m, (i) => (dayArr[i] === -Infinity ? 0 : dayArr[i]! - minDay + 1), (i) => i, m, (k) => k);
  const span = 2 * p.windowDays;
  // Postings in flat arrays (each term's slice sized by the documents that index it), filled in
  // visit order; the dated ones carry the day beside each document.
  const uStart = new Int32Array(T + 1);
  const dStart = new Int32Array(T + 1);
  for (let i = 0; i < m; i++) {
    const st = dayArr[i] === -Infinity ? uStart : dStart;
    for (let j = idxStart[i]!, e = locStart[i + 1]!; j < e; j++) st[byRankFlat[j]! + 1]!++;
  }
  for (let l = 0; l < T; l++) {
    uStart[l + 1]! += uStart[l]!;
    dStart[l + 1]! += dStart[l]!;
  }
  const uPost = new Int32Array(uStart[T]!);
  const dPost = new Int32Array(dStart[T]!);
  const dDay = new Float64Array(dStart[T]!);
  const uEnd = uStart.slice(0, T);
  const dEnd = dStart.slice(0, T);
  const from = dStart.slice(0, T);
  const seen = new Int32Array(m).fill(-1);
  const acc = new Float64Array(m);
  const normOf = Float64Array.from(members, (d) => norm[d]!);
  const w2 = Float64Array.from(w, (v) => v * v);
  // The current document's terms, marked by its index: local ids (for the estimate) and global ids (for the cosine).
  const markLocal = new Int32Array(T).fill(-1);
  let maxTerm = 0;
  for (const g of globalOf) if (g > maxTerm) maxTerm = g;
  const markGlobal = new Int32Array(maxTerm + 1).fill(-1);
  const weightSq = new Float64Array(maxTerm + 1);
  for (const g of globalOf) weightSq[g] = weight[g]! ** 2;
  const cands: number[] = [];
  const links: Links = { a: [], b: [], sim: [] };
  const { parent, find } = unionFind(members.length);
  for (const x of order) {
    const dx = days[members[x]!];
    const nx = norm[members[x]!]!;
    const dated = dx !== null && dx !== undefined;
    cands.length = 0;
    let commonSq = 0;
    for (let li = locStart[x]!, le = locStart[x + 1]!; li < le; li++) {
      const l = locFlat[li]!;
      markLocal[l] = x;
      if (inSomePrefix[l]) commonSq += (w[l]! / nx) ** 2;
      const wl = w2[l]!;
      for (let k = uStart[l]!, ke = uEnd[l]!; k < ke; k++) {
        const y = uPost[k]!;
        if (seen[y] !== x) {
          seen[y] = x;
          acc[y] = 0;
          cands.push(y);
        }
        acc[y] = acc[y]! + wl / normOf[y]!;
      }
      let f = from[l]!;
      const fe = dEnd[l]!;
      if (dated) {
        const lo = dx - span;
        while (f < fe && dDay[f]! < lo) f++;
        from[l] = f;
      }
      for (; f < fe; f++) {
        const y = dPost[f]!;
        if (seen[y] !== x) {
          seen[y] = x;
          acc[y] = 0;
          cands.push(y);
        }
        acc[y] = acc[y]! + wl / normOf[y]!;
      }
    }
    const gx = docTerms[members[x]!]!;
    for (let k = 0; k < gx.length; k++) markGlobal[gx[k]!] = x;
    let rx = find(x);
    for (let ci = 0; ci < cands.length; ci++) {
      const y = cands[ci]!;
      // acc[y] · (1/nx) is the shared indexed terms' part of the cosine; the left-out prefix is bounded.
      const sharedIdx = acc[y]! / nx;
      if (sharedIdx + Math.min(prefixBound[y]!, Math.sqrt(prefixSq[y]! * commonSq)) < margin) continue;
      // The shared prefix terms' part, exactly: the sum is then the cosine up to rounding (far
      // below the margins), and a pair that cannot reach the thresholds is not computed.
      let est = sharedIdx;
      const ny = normOf[y]!;
      for (let k = preStart[y]!, ke = preStart[y + 1]!; k < ke; k++) {
        const l = preFlat[k]!;
        if (markLocal[l] === x) est += w2[l]! / (nx * ny);
      }
      if (est < margin) continue;
      const ry = find(y);
      if (rx === ry && est < keepMargin) continue;
      const a = Math.min(members[x]!, members[y]!);
      const b = Math.max(members[x]!, members[y]!);
      // The cosine as the pairwise code summed it: the shared terms' squared weights, ascending.
      const gy = docTerms[members[y]!]!;
      let dot = 0;
      for (let k = 0; k < gy.length; k++) if (markGlobal[gy[k]!] === x) dot += weightSq[gy[k]!]!;
      const sim = dot / (norm[a]! * norm[b]!);
      if (sim >= keep || (sim >= linkTau && rx !== ry)) {
        links.a.push(a);
        links.b.push(b);
        links.sim.push(sim);
      }
      if (sim >= linkTau && rx !== ry) {
        parent[Math.max(rx, ry)] = Math.min(rx, ry);
        rx = Math.min(rx, ry);
      }
    }
    if (dated) {
      for (let j = idxStart[x]!, e = locStart[x + 1]!; j < e; j++) {
        const l = byRankFlat[j]!;
        dDay[dEnd[l]!] = dx;
        dPost[dEnd[l]!++] = x;
      }
    } else for (let j = idxStart[x]!, e = locStart[x + 1]!; j < e; j++) uPost[uEnd[byRankFlat[j]!]!++] = x;
  }
  return links;
}

/**
 * 0 … n − 1 ordered by major(i) (a non-negative integer), then by minor(i) (distinct, below
 * limit; back to i by fromMinor): one numeric sort of packed keys, not a comparator over millions.
 */
function sortedBy(n: number, major: (i: number) => number, minor: (i: number) => number, limit: number, fromMinor: (k: number) => number): Int32Array {
  const keys = new Float64Array(n);
  let maxMajor = 0;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const v = major(i);
    if (!Number.isInteger(v)) integral = false;
    if (v > maxMajor) maxMajor = v;
  }
  if (!integral || (maxMajor + 1) * limit > Number.MAX_SAFE_INTEGER) {
    return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => major(a) - major(b) || minor(a) - minor(b));
  }
  for (let i = 0; i < n; i++) keys[i] = major(i) * limit + minor(i);
  keys.sort();
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = fromMinor(keys[k]! % limit);
  return out;
}

/** Components of the members over the links at or above tau; an incoherent one is split at a higher tau (links within it only). */
let localOf = new Int32Array(1024);

function components(members: number[], links: Links, docTerms: number[][], tau: number, p: HotspotParams, depth: number): number[][] {
  // Document → index among the members, in a shared array: a nested split only runs once this
  // level is done reading it.
  let hi = 0;
  for (const d of members) if (d > hi) hi = d;
  if (localOf.length <= hi) localOf = new Int32Array(Math.max(hi + 1, localOf.length * 2));
  const local = localOf;
  members.forEach((d, i) => (local[d] = i));
  const { find, union } = unionFind(members.length);
  for (let e = 0; e < links.sim.length; e++) {
    if (links.sim[e]! >= tau) union(local[links.a[e]!]!, local[links.b[e]!]!);
  }
  const comps = new Map<number, number[]>();
  members.forEach((d, i) => {
    const r = find(i);
    const c = comps.get(r);
    if (c) c.push(d);
    else comps.set(r, [d]);
  });
  const next = splitTau(tau);
  const split = new Map<number, Links>();
  for (const [r, comp] of comps) {
    if (comp.length >= p.minPeople && depth < 5 && coherence(comp, docTerms) < p.coherence) split.set(r, { a: [], b: [], sim: [] });
  }
  if (split.size) {
    for (let e = 0; e < links.sim.length; e++) {
      if (links.sim[e]! < next) continue;
      const sub = split.get(find(local[links.a[e]!]!));
      if (!sub) continue;
      sub.a.push(links.a[e]!);
      sub.b.push(links.b[e]!);
      sub.sim.push(links.sim[e]!);
    }
  }
  const out: number[][] = [];
  for (const [r, comp] of comps) {
    const sub = split.get(r);
    if (sub) out.push(...components(comp, sub, docTerms, next, p, depth + 1));
    else out.push(comp);
  }
  return out;
}

/** Share of members holding the cluster's most common term: low means a catch-all chained through different topics. */
function coherence(comp: number[], docTerms: number[][]): number {
  // Counted in a reused array (cleared through the terms touched): this runs on every cluster at every split level.
  let best = 0;
  const touched: number[] = [];
  for (const d of comp) {
    for (const t of docTerms[d]!) {
      if (t >= termCount.length) {
        const grown = new Int32Array(Math.max(t + 1, termCount.length * 2));
        grown.set(termCount);
        termCount = grown;
      }
      if (termCount[t] === 0) touched.push(t);
      const c = ++termCount[t]!;
      if (c > best) best = c;
    }
  }
  for (const t of touched) termCount[t] = 0;
  return best / comp.length;
}

let termCount = new Int32Array(1024);

/** Per term, its slot in termCounts' answer plus one (0: not seen in this call); reset before returning. */
let termSlot = new Int32Array(1024);

/**
 * How many of the documents hold each term: the terms in first-seen order (as a Map's keys would
 * be) and their counts, counted in a reused array instead of a Map per cluster.
 */
function termCounts(members: readonly number[], docTerms: number[][]): { terms: number[]; counts: number[] } {
  const terms: number[] = [];
  const counts: number[] = [];
  for (const d of members) {
    for (const t of docTerms[d]!) {
      if (t >= termSlot.length) {
        const grown = new Int32Array(Math.max(t + 1, termSlot.length * 2));
        grown.set(termSlot);
        termSlot = grown;
      }
      const k = termSlot[t]!;
      if (k === 0) {
        terms.push(t);
        counts.push(1);
        termSlot[t] = terms.length;
      } else counts[k - 1]!++;
    }
  }
  for (const t of terms) termSlot[t] = 0;
  return { terms, counts };
}

/** The cluster's anchor: the heaviest term held by at least half of its members. */
function anchorOf(comp: number[], docTerms: number[][], weight: number[]): number {
  const { terms: ts, counts } = termCounts(comp, docTerms);
  let best = -1;
  let bestScore = -1;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    const c = counts[i]!;
    if (c * 2 < comp.length && comp.length > 1) continue;
    const s = weight[t]! * c;
    if (s > bestScore || (s === bestScore && t < best)) {
      best = t;
      bestScore = s;
    }
  }
  return best;
}

/**
 * Fragments of one hotspot (the same place written about in different words, each group below
 * the link threshold of the others) are merged at the cluster level: each cluster's centroid keeps
 * the terms held by at least half its members, and clusters whose centroids reach the link
 * threshold join. A lone document then joins the cluster whose centroid it matches best, if it
 * holds that cluster's anchor and half the link threshold of similarity.
 */
function mergeFragments(clusters: number[][], docTerms: number[][], weight: number[], days: (number | null)[], p: HotspotParams): number[][] {
  const big = clusters.filter((c) => c.length >= 2);
  const spans = big.map((c) => {
    const ds = c.map((d) => days[d]).filter((d): d is number => d !== null);
    return ds.length ? [Math.min(...ds), Math.max(...ds)] : null;
  });
  const overlap = (i: number, j: number): boolean => {
    const a = spans[i];
    const b = spans[j];
    return !a || !b || (a[0]! <= b[1]! + 2 * p.windowDays && b[0]! <= a[1]! + 2 * p.windowDays);
  };
  const centroids = big.map((c) => {
    const { terms: ts, counts } = termCounts(c, docTerms);
    const v = new Map<number, number>();
    for (let i = 0; i < ts.length; i++) if (counts[i]! * 2 >= c.length) v.set(ts[i]!, (weight[ts[i]!]! * counts[i]!) / c.length);
    return v;
  });
  const norms = centroids.map((v) => Math.sqrt([...v.values()].reduce((s, x) => s + x * x, 0)) || 1);
  // Per term, the clusters whose centroid holds it (ascending) with its value there; each posting
  // is read from the first cluster after the current one, so a pair is summed once, over the
  // earlier cluster's terms in its centroid's order, as the Map of dot products did.
  const postings = new Map<number, { js: number[]; xs: number[]; from: number }>();
  centroids.forEach((v, i) => {
    for (const [t, x] of v) {
      const l = postings.get(t);
      if (l) {
        l.js.push(i);
        l.xs.push(x);
      } else postings.set(t, { js: [i], xs: [x], from: 0 });
    }
  });
  const { find, union } = unionFind(big.length);
  const dot = new Float64Array(big.length);
  const touched: number[] = [];
  centroids.forEach((v, i) => {
    touched.length = 0;
    for (const [t, x] of v) {
      const post = postings.get(t)!;
      const { js, xs } = post;
      let f = post.from;
      while (f < js.length && js[f]! <= i) f++;
      post.from = f;
      for (; f < js.length; f++) {
        const j = js[f]!;
        if (dot[j] === 0) touched.push(j);
        dot[j] = dot[j]! + x * xs[f]!;
      }
    }
    for (const j of touched) {
      const s = dot[j]!;
      dot[j] = 0;
      if (s / (norms[i]! * norms[j]!) >= p.linkThreshold && overlap(i, j)) union(i, j);
    }
  });
  const groups = new Map<number, number[]>();
  big.forEach((c, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(...c);
    else groups.set(r, [...c]);
  });
  const result = [...groups.values()];
  const anchors = result.map((c) => anchorOf(c, docTerms, weight));
  const byAnchor = new Map<number, number>();
  anchors.forEach((a, i) => {
    if (a >= 0 && !byAnchor.has(a)) byAnchor.set(a, i);
  });
  const sizes = result.map((c) => c.length);
  // A cluster's term counts, as it was before lone documents joined (they join at its end), worked
  // out the first time a lone document is tried against it: most clusters never are.
  const profiles: (Map<number, number> | undefined)[] = [];
  const profileOf = (ri: number): Map<number, number> => {
    let prof = profiles[ri];
    if (prof) return prof;
    prof = new Map<number, number>();
    const c = result[ri]!;
    for (let k = 0; k < sizes[ri]!; k++) for (const t of docTerms[c[k]!]!) prof.set(t, (prof.get(t) ?? 0) + 1);
    profiles[ri] = prof;
    return prof;
  };
  // Hotspots are close in place and in time: a lone document joins a cluster only within twice the
  // scan window of one of its members (undated documents on text alone), so that a street named
  // once a month for nine years does not chain into one "hotspot". Whether a day is near some
  // member of result[ri] (undated on either side, or at most 2 · windowDays apart): per cluster, once, whether a member is undated and its members' days sorted, then a binary search
  // (a lone document is tried against large clusters it is nowhere near in time).
  // (A lone document that joins a cluster counts for the next ones: joinCluster keeps this up to date.)
  const spanOf: ({ undated: boolean; sorted: number[] } | undefined)[] = [];
  const firstAtOrAfter = (sorted: number[], v: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const joinCluster = (ri: number, d: number): void => {
    result[ri]!.push(d);
    const sp = spanOf[ri];
    if (!sp) return;
    const dd = days[d];
    if (dd === null || dd === undefined) sp.undated = true;
    else sp.sorted.splice(firstAtOrAfter(sp.sorted, dd), 0, dd);
  };
  const nearCluster = (day: number | null, ri: number): boolean => {
    const c = result[ri]!;
    if (c.length === 0) return false;
    if (day === null) return true;
    let sp = spanOf[ri];
    if (!sp) {
      let undated = false;
      const ds: number[] = [];
      for (const m of c) {
        const dm = days[m];
        if (dm === null || dm === undefined) undated = true;
        else ds.push(dm);
      }
      sp = { undated, sorted: ds.sort((x, y) => x - y) };
      spanOf[ri] = sp;
    }
    if (sp.undated) return true;
    const { sorted } = sp;
    // The first member day at or after day - 2w: near if it is at most day + 2w.
    const i = firstAtOrAfter(sorted, day - 2 * p.windowDays);
    return i < sorted.length && sorted[i]! <= day + 2 * p.windowDays;
  };
  for (const c of clusters) {
    if (c.length !== 1) continue;
    const d = c[0]!;
    let best = -1;
    let bestSim = 0;
    for (const t of docTerms[d]!) {
      const ri = byAnchor.get(t);
      if (ri === undefined || !nearCluster(days[d]!, ri)) continue;
      let shared = 0;
      let own = 0;
      const prof = profileOf(ri);
      for (const u of docTerms[d]!) {
        own += weight[u]!;
        if ((prof.get(u) ?? 0) * 4 >= sizes[ri]!) shared += weight[u]!;
      }
      const sim = own > 0 ? shared / own : 0;
      if (sim >= p.linkThreshold / 2 && (sim > bestSim || (sim === bestSim && ri < best))) {
        best = ri;
        bestSim = sim;
      }
    }
    if (best >= 0) joinCluster(best, d);
  }
  return result.map((c) => c.sort((x, y) => x - y));
}

/**
 * A catch-all: one cluster that is really several places written from the same template ("…二期这边
 * 垃圾无人清运" about three estates). It is split when it holds two or more heavy terms with
 * near-disjoint members (each in at least minPeople members and at most 80% of the cluster) that
 * together cover nearly all of it; each member goes with the first such term it holds, the rest
 * with the largest part.
 */
function splitCatchAll(comp: number[], docTerms: number[][], weight: number[], p: HotspotParams): number[][] {
  if (comp.length < 2 * p.minPeople) return [comp];
  // What a split needs, from the term counts alone (most clusters fail it, and then no list of
  // holders is built): two terms of the right size whose members add up to 90% of the cluster
  // (what the picked ones cover is at most the sum of their counts).
  {
    const { counts } = termCounts(comp, docTerms);
    let fit = 0;
    let sum = 0;
    for (const c of counts) {
      if (c < p.minPeople || c > 0.8 * comp.length) continue;
      fit++;
      sum += c;
    }
    if (fit < 2 || sum < 0.9 * comp.length) return [comp];
  }
  const holders = new Map<number, number[]>();
  for (const d of comp) {
    for (const t of docTerms[d]!) {
      const l = holders.get(t);
      if (l) l.push(d);
      else holders.set(t, [d]);
    }
  }
  const cands = [...holders.entries()]
    .filter(([, l]) => l.length >= p.minPeople && l.length <= 0.8 * comp.length)
    .sort((a, b) => weight[b[0]]! * b[1].length - weight[a[0]]! * a[1].length || a[0] - b[0]);
  const picked: Set<number>[] = [];
  const covered = new Set<number>();
  for (const [, l] of cands) {
    const overlap = l.filter((d) => covered.has(d)).length;
    if (overlap > 0.1 * l.length) continue;
    picked.push(new Set(l));
    for (const d of l) covered.add(d);
  }
  // Near-complete cover only: a cluster where one wording takes a third and the rest is written
  // every which way is one hotspot in several words (路灯不亮 / 路灯坏了), not several places.
  if (picked.length < 2 || covered.size < 0.9 * comp.length) return [comp];
  const parts: number[][] = picked.map(() => []);
  const rest: number[] = [];
  for (const d of comp) {
    const k = picked.findIndex((s) => s.has(d));
    if (k >= 0) parts[k]!.push(d);
    else rest.push(d);
  }
  const largest = parts.reduce((a, b) => (b.length > a.length ? b : a));
  largest.push(...rest);
  return parts.map((x) => x.sort((a, b) => a - b));
}

/**
 * A hotspot needs a term of its own: held by at least half of its members, and with most of the
 * term's uses in the whole history inside this hotspot. Three unrelated messages that happen to
 * share "的开发商不" within a month are not a hotspot; three about "和谐家园" are.
 */
function hasOwnTerm(members: number[], docTerms: number[][], terms: Term[]): boolean {
  const { terms: ts, counts } = termCounts(members, docTerms);
  for (let i = 0; i < ts.length; i++) {
    const c = counts[i]!;
    if (c * 2 >= members.length && c * 2 >= terms[ts[i]!]!.df && c >= 2) return true;
  }
  return false;
}

/** Per document, its re-post text and its citizen as small integers (-1: no citizen), once per set of documents. */
interface PeopleKeys {
  repost: Int32Array;
  citizen: Int32Array;
  /** Per key, the member index that first held it in the current call (valid when its stamp is the call's). */
  firstRepost: Int32Array;
  firstCitizen: Int32Array;
  stampRepost: Int32Array;
  stampCitizen: Int32Array;
  call: number;
}

const peopleKeysOf = new WeakMap<readonly Doc[], PeopleKeys>();

function peopleKeys(docs: readonly Doc[]): PeopleKeys {
  let k = peopleKeysOf.get(docs);
  if (k) return k;
  const reposts = new Map<string, number>();
  const citizens = new Map<string, number>();
  const repost = new Int32Array(docs.length);
  const citizen = new Int32Array(docs.length).fill(-1);
  docs.forEach((d, i) => {
    let r = reposts.get(d.repost);
    if (r === undefined) reposts.set(d.repost, (r = reposts.size));
    repost[i] = r;
    const c = d.input.citizen;
    if (c) {
      let ci = citizens.get(c);
      if (ci === undefined) citizens.set(c, (ci = citizens.size));
      citizen[i] = ci;
    }
  });
  k = {
    repost,
    citizen,
    firstRepost: new Int32Array(reposts.size),
    firstCitizen: new Int32Array(citizens.size),
    stampRepost: new Int32Array(reposts.size),
    stampCitizen: new Int32Array(citizens.size),
    call: 0,
  };
  peopleKeysOf.set(docs, k);
  return k;
}

function distinctPeople(members: number[], docs: readonly Doc[]): number[] {
  // Union by citizen and by re-posted text (on member indexes, the keys as integers); returns one
  // representative document per person, the earliest.
  const k = peopleKeys(docs);
  const call = ++k.call;
  const m = members.length;
  const { find, union } = unionFind(m);
  for (let i = 0; i < m; i++) {
    const d = members[i]!;
    const r = k.repost[d]!;
    if (k.stampRepost[r] !== call) {
      k.stampRepost[r] = call;
      k.firstRepost[r] = i;
    } else union(k.firstRepost[r]!, i);
    const c = k.citizen[d]!;
    if (c < 0) continue;
    if (k.stampCitizen[c] !== call) {
      k.stampCitizen[c] = call;
      k.firstCitizen[c] = i;
    } else union(k.firstCitizen[c]!, i);
  }
  // Earliest document of each person (the first in member order among the earliest).
  const best = new Int32Array(m).fill(-1);
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    const r = find(i);
    const cur = best[r]!;
    if (cur < 0) {
      best[r] = out.length;
      out.push(members[i]!);
      continue;
    }
    const d = members[i]!;
    if ((docs[d]!.day ?? Infinity) < (docs[out[cur]!]!.day ?? Infinity)) out[cur] = d;
  }
  return out;
}

/**
 * Multi-window expectation-based scan: for windows of 1, 3, 7 days and the scan window, the
 * densest run of people against the hotspot's own total spread over the whole period by its
 * category × area weekday profile; the best log-likelihood ratio is the burst. Growth is the same
 * for the windows that end "now".
 */
function scan(personDays: number[], bgCell: string, bg: Background, nowDay: number, p: HotspotParams): { burst: number; growth: number } {
  const days = [...personDays].sort((a, b) => a - b);
  const total = days.length;
  if (total === 0) return { burst: 0, growth: 0 };
  const own = [0, 0, 0, 0, 0, 0, 0];
  for (const d of days) own[weekdayOf(d)]!++;
  const share = bg.sharer(bgCell, own);
  let best = 0;
  let growth = 0;
  for (const L of [...new Set([1, 3, 7, p.windowDays])].filter((l) => l <= p.windowDays)) {
    let j = 0;
    for (let i = 0; i < days.length; i++) {
      while (days[i]! - days[j]! >= L) j++;
      // Only the last person of a day closes a window (the window ends on that day).
      if (i + 1 < days.length && days[i + 1] === days[i]) continue;
      const c = i - j + 1;
      const llr = poissonLlr(c, total * share(days[i]! - L + 1, days[i]!));
      if (llr > best) best = llr;
    }
    const recent = days.filter((d) => d > nowDay - L).length;
    growth = Math.max(growth, poissonLlr(recent, total * share(nowDay - L + 1, nowDay)));
  }
  return { burst: best, growth };
}

/**
 * The ranking score: size + burst + growth, each on a comparable scale.
 *   ln(1 + distinct people)             size, with diminishing returns (a viral 300 does not bury ten 30s)
 *   + burstWeight  · √(2 · burst LLR)   the densest window against the background, as a z-like deviate
 *   + growthWeight · √(2 · growth LLR)  the latest window against the background: growing now
 * √(2·LLR) is the signed-root likelihood ratio, ≈ a standard normal deviate under the null, so a
 * burst of 3 is "three sigma" whatever the hotspot's size.
 */
export function scoreOf(people: number, burst: number, growth: number, p: HotspotParams): number {
  const z = (llr: number): number => Math.sqrt(2 * Math.max(0, llr));
  return Math.round((Math.log1p(people) + p.burstWeight * z(burst) + p.growthWeight * z(growth)) * 1000) / 1000;
}

function top<T extends string>(values: (T | undefined)[]): T | '' {
  const count = new Map<T, number>();
  for (const v of values) if (v) count.set(v, (count.get(v) ?? 0) + 1);
  let best: T | '' = '';
  let bc = 0;
  for (const [k, c] of count) if (c > bc || (c === bc && k < best)) [best, bc] = [k, c];
  return best;
}

function describe(
  members: number[],
  docs: readonly Doc[],
  docTerms: number[][],
  terms: Term[],
  weight: number[],
  bg: Background,
  nowDay: number,
  p: HotspotParams,
  usedIds: Set<string>,
): Hotspot | null {
  if (members.length < p.minPeople) return null; // fewer people than members, whatever they are
  const people = distinctPeople(members, docs);
  if (people.length < p.minPeople) return null;
  if (!hasOwnTerm(members, docTerms, terms)) return null;
  // Key terms: weight × coverage, dropping a term contained in a better one already chosen.
  const { terms: ts, counts } = termCounts(members, docTerms);
  const ranked = ts
    .map((t, i) => ({ t, c: counts[i]! }))
    .filter(({ c }) => c >= 2 || members.length < 2)
    .map(({ t, c }) => ({ t, s: weight[t]! * c }))
    .sort((a, b) => b.s - a.s || a.t - b.t);
  const chosen: number[] = [];
  for (const r of ranked) {
    const text = terms[r.t]!.text;
    if (chosen.some((c) => overlaps(terms[c]!.text, text))) continue;
    chosen.push(r.t);
    if (chosen.length >= 8) break;
  }
  const visible = chosen.filter((t) => !terms[t]!.text.startsWith('@'));
  const category = top(members.map((d) => docs[d]!.input.category));
  const area = top(members.map((d) => docs[d]!.input.area));
  const personDays = people.map((d) => docs[d]!.day).filter((d): d is number => d !== null);
  const { burst, growth } = scan(personDays, `${category}|${area}`, bg, nowDay, p);
  const times = members.map((d) => docs[d]!.input.time).filter((t): t is number => t !== null && Number.isFinite(t));
  const anchor = chosen[0] !== undefined ? terms[chosen[0]]!.text : '';
  let id = `hs-${hash32(`${anchor}|${category}`)}`;
  for (let k = 2; usedIds.has(id); k++) id = `hs-${hash32(`${anchor}|${category}|${k}`)}`;
  usedIds.add(id);
  const ordered = [...members].sort((a, b) => (docs[a]!.input.time ?? 0) - (docs[b]!.input.time ?? 0) || byId(docs[a]!, docs[b]!));
  return {
    id,
    kind: 'cluster',
    title: titleOf(members, docs, docTerms, chosen, weight, terms),
    score: scoreOf(people.length, burst, growth, p),
    ids: ordered.map((d) => docs[d]!.input.id),
    terms: visible.map((t) => terms[t]!.text),
    area,
    category,
    first: times.length ? Math.min(...times) : null,
    last: times.length ? Math.max(...times) : null,
    people: people.length,
    burst: Math.round(burst * 1000) / 1000,
    growth: Math.round(growth * 1000) / 1000,
    alert: burst >= p.alertLlr || growth >= p.alertLlr,
    timeline: timeline(members.map((d) => docs[d]!.input.time), p),
    center: centerOf(members.map((d) => docs[d]!.input)),
  };
}

/** Two phrases that share four characters or more are pieces of one phrase: show one of them. */
function overlaps(a: string, b: string): boolean {
  if (a.includes(b) || b.includes(a)) return true;
  const k = Math.min(4, a.length, b.length);
  for (let i = 0; i + k <= b.length; i++) if (a.includes(b.slice(i, i + k))) return true;
  return false;
}

/** A term's aliases by their first two UTF-16 units (and the shorter ones apart), for namesTerm. */
interface AliasHeads {
  byHead: Map<string, string[]>;
  short: string[];
}

const aliasHeads = new WeakMap<Term, AliasHeads>();

/**
 * Whether the text holds one of the term's spellings (aliases.some(a => text.includes(a))). A
 * term can have hundreds of typo spellings: past a few, the text's own two-character windows pick
 * the spellings that could start there.
 */
function namesTerm(text: string, term: Term): boolean {
  const aliases = term.aliases;
  if (aliases.length <= 8) return aliases.some((a) => text.includes(a));
  let h = aliasHeads.get(term);
  if (!h) {
    h = { byHead: new Map(), short: [] };
    for (const a of aliases) {
      if (a.length < 2) {
        h.short.push(a);
        continue;
      }
      const k = a.slice(0, 2);
      const l = h.byHead.get(k);
      if (l) l.push(a);
      else h.byHead.set(k, [a]);
    }
    aliasHeads.set(term, h);
  }
  if (h.short.some((a) => text.includes(a))) return true;
  for (let i = 0; i + 1 < text.length; i++) {
    const l = h.byHead.get(text.slice(i, i + 2));
    if (l && l.some((a) => text.startsWith(a, i))) return true;
  }
  return false;
}

/** The member title that covers the most key-term weight; prefixed with the anchor when it lacks it. */
function titleOf(members: number[], docs: readonly Doc[], docTerms: number[][], chosen: number[], weight: number[], terms: Term[]): string {
  const keyW = new Map(chosen.map((t, i) => [t, weight[t]! / (i + 1)]));
  let best = members[0]!;
  let bestS = -1;
  for (const d of members) {
    let title: string | null = null; // normalised once, when a key term is held
    let s = 0;
    for (const t of docTerms[d]!) {
      const w = keyW.get(t);
      if (w === undefined) continue;
      title ??= docs[d]!.input.title.normalize('NFKC').toLowerCase();
      const norm = title;
      if (namesTerm(norm, terms[t]!)) s += w;
    }
    if (s > bestS || (s === bestS && byId(docs[d]!, docs[best]!) < 0)) {
      best = d;
      bestS = s;
    }
  }
  let title = docs[best]!.input.title.trim() || docs[best]!.input.text.trim().slice(0, 30);
  // Prefixed with the anchor only when the title names none of the key terms (a 311 title is just
  // the complaint type; the anchor is then the address).
  const norm = title.normalize('NFKC').toLowerCase();
  const named = chosen.some((t) => namesTerm(norm, terms[t]!));
  const anchor = chosen.map((t) => terms[t]!).find((t) => !t.text.startsWith('@'));
  if (anchor && !named) title = `${anchor.text}：${title}`;
  return title.length > 48 ? `${title.slice(0, 47)}…` : title;
}

function timeline(times: (number | null)[], p: HotspotParams): { day: string; count: number }[] {
  const count = new Map<string, number>();
  for (const t of times) if (t !== null && Number.isFinite(t)) {
    const k = dayKey(t, p.tzOffsetMinutes);
    count.set(k, (count.get(k) ?? 0) + 1);
  }
  return [...count.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([day, c]) => ({ day, count: c }));
}

function centerOf(inputs: HotspotInput[]): { lat: number; lon: number } | null {
  let n = 0;
  let lat = 0;
  let lon = 0;
  for (const i of inputs) {
    if (i.lat === undefined || i.lon === undefined || !Number.isFinite(i.lat) || !Number.isFinite(i.lon)) continue;
    n++;
    lat += i.lat;
    lon += i.lon;
  }
  return n ? { lat: lat / n, lon: lon / n } : null;
}

/**
 * Category × area cells whose latest window exceeds what their own earlier history (by weekday)
 * predicts. Needs both fields and some history before the window: a cell seen only in the window
 * has no baseline to surge against, and is left to the text clusters.
 */
function surges(docs: readonly Doc[], bg: Background, nowDay: number, p: HotspotParams, usedIds: Set<string>): Hotspot[] {
  const L = p.windowDays;
  const byCell = new Map<string, Doc[]>();
  const indexOf = new Map<Doc, number>();
  docs.forEach((d, i) => {
    indexOf.set(d, i);
    if (!d.input.category || !d.input.area || d.day === null) return;
    const k = cellOf(d.input);
    const l = byCell.get(k);
    if (l) l.push(d);
    else byCell.set(k, [d]);
  });
  const histDays = nowDay - L + 1 - bg.firstDay;
  if (histDays < L) return [];
  const out: Hotspot[] = [];
  for (const cell of [...byCell.keys()].sort()) {
    const list = byCell.get(cell)!;
    const hist = list.filter((d) => d.day! <= nowDay - L).length;
    const recent = list.filter((d) => d.day! > nowDay - L);
    if (hist === 0 || recent.length < p.minPeople) continue;
    // Expected in the window: the history's count spread by the cell's weekday profile.
    const shareRecent = bg.share(cell, nowDay - L + 1, nowDay);
    const expected = (hist * shareRecent) / Math.max(1e-9, 1 - shareRecent);
    const idxs = recent.map((d) => indexOf.get(d)!);
    const people = distinctPeople(idxs, docs).length;
    const growth = poissonLlr(people, expected);
    if (growth < p.alertLlr) continue;
    const [category, area] = cell.split('|') as [string, string];
    const id = `hs-${hash32(`surge|${cell}`)}`;
    usedIds.add(id);
    const times = recent.map((d) => d.input.time!);
    out.push({
      id,
      kind: 'surge',
      title: `${area}·${category}：近${L}天${people}人反映（预期约${Math.round(expected * 10) / 10}）`,
      score: scoreOf(people, growth, growth, p),
      ids: [...recent].sort((a, b) => a.input.time! - b.input.time! || byId(a, b)).map((d) => d.input.id),
      terms: [category, area],
      area,
      category,
      first: Math.min(...times),
      last: Math.max(...times),
      people,
      burst: Math.round(growth * 1000) / 1000,
      growth: Math.round(growth * 1000) / 1000,
      alert: true,
      timeline: timeline(list.map((d) => d.input.time), p),
      center: centerOf(recent.map((d) => d.input)),
    });
  }
  return out;
}

/**
 * The hotspot engine's phrase mining as it was before the recompute was sped up (main at 5941844), kept
 * as the baseline of BENCH_ONLY=hotspots-scale: the bench runs it beside the product code on the
 * same tickets and checks that both give the same terms, document vectors and hotspots.
 */
import { joinTokens, type Runs } from '../../../electron/hotspots/text';
import type { HotspotParams } from '../../../electron/hotspots/types';

export interface Term {
  /** Canonical phrase (the most frequent spelling in its alias group). */
  text: string;
  /** All spellings merged into this term. */
  aliases: string[];
  /** Number of documents with any spelling. */
  df: number;
  /** Length in tokens of the canonical spelling. */
  len: number;
  idf: number;
}

export interface Mined {
  terms: Term[];
  /** Per document: indexes into terms, ascending, no duplicates. */
  docTerms: number[][];
}

type Params = Pick<HotspotParams, 'minTokens' | 'maxTokens' | 'minDf' | 'maxDfShare' | 'closeRatio'>;

/**
 * Repeated phrases (names of estates, roads, firms, schools; complaint phrases) mined from the
 * documents themselves: level-wise n-gram document frequencies (an n-gram is counted only when
 * both its (n-1)-gram halves are frequent), kept when closed (no one-token extension holds almost
 * all of its documents, so "发新城小" gives way to "丽发新城小区"), then spellings merged: a rarer
 * same-length phrase one character away is a typo of the commoner. Short forms ("丽发新城" beside
 * "丽发新城小区") stay separate terms: both are in the documents that use the long form, so they
 * link those documents anyway, and merging them transitively chained unrelated phrases. No word
 * list is involved.
 */
export function mineTerms(input: readonly Runs[], p: Params): Mined {
  let docs = input;
  const n = docs.length;
  // In a small corpus a share would exclude the very names that repeat: at least 30 documents.
  const maxDf = Math.max(p.minDf, 30, Math.floor(n * p.maxDfShare));
  let lat = countLevels(docs, p);
  // Typos: a rarer n-gram (≥ 4 tokens) one CJK token away from one at least twice as common is
  // rewritten to the commoner spelling in the documents, and the counts are taken again.
  const typos = findTypos(levelMaps(lat), p);
  if (typos.size) {
    docs = rewriteTypos(docs, typos, lat);
    lat = countLevels(docs, p);
  }
  const { levels } = lat;
  // Closure: the best one-token extension's df, per n-gram (by level and id: the extension's
  // prefix and suffix are the n-grams one level down).
  const bestExt = levels.map((l) => new Int32Array(l.keys.length));
  for (let li = 1; li < levels.length; li++) {
    const { df, prefix, suffix } = levels[li]!;
    const below = bestExt[li - 1]!;
    for (let id = 0; id < df.length; id++) {
      const v = df[id]!;
      if (below[prefix[id]!]! < v) below[prefix[id]!] = v;
      if (below[suffix[id]!]! < v) below[suffix[id]!] = v;
    }
  }
  const cand: { key: string; toks: string[]; df: number; li: number; id: number }[] = [];
  for (let li = p.minTokens - 1; li < Math.min(levels.length, p.maxTokens); li++) {
    const { keys, df } = levels[li]!;
    for (let id = 0; id < keys.length; id++) {
      const k = keys[id]!;
      const v = df[id]!;
      if (v > maxDf) continue;
      // At the longest length there is no longer phrase to give way to.
      if (li < p.maxTokens - 1 && bestExt[li]![id]! >= p.closeRatio * v) continue;
      const toks = k.split('\u0001');
      if (toks.every((t) => /^[0-9]+$/.test(t))) continue; // bare numbers are not names
      if (joinTokens(toks).length < 2) continue;
      cand.push({ key: k, toks, df: v, li, id });
    }
  }
  cand.sort((a, b) => b.toks.length - a.toks.length || b.df - a.df || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // Candidate index per (level, n-gram id).
  const candOf = levels.map((l) => new Int32Array(l.keys.length).fill(-1));
  cand.forEach((c, i) => (candOf[c.li]![c.id] = i));

  // Documents per candidate (needed for alias decisions and doc vectors): each document's
  // n-grams are walked level by level through the frequent ones only.
  const docsOf: number[][] = cand.map(() => []);
  const maxLen = cand.length ? cand[0]!.toks.length : 0;
  const perDoc: number[][] = [];
  const seen = new Set<number>();
  for (let d = 0; d < n; d++) {
    seen.clear();
    walkDoc(lat, d, maxLen, (li, ids, m) => {
      if (li < p.minTokens - 1) return;
      const co = candOf[li]!;
      for (let i = 0; i < m; i++) {
        const id = ids[i]!;
        if (id >= 0 && co[id]! >= 0) seen.add(co[id]!);
      }
    });
    const list = [...seen].sort((a, b) => a - b);
    for (const ci of list) docsOf[ci]!.push(d);
    perDoc.push(list);
  }

  // Alias groups (union-find over candidates).
  const parent = cand.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  // Typos: same length (≥ 4 tokens), one CJK token substituted, and one spelling at most half as common.
  const byMask = new Map<string, number[]>();
  cand.forEach((c, i) => {
    if (c.toks.length < 4) return;
    for (let k = 1; k < c.toks.length; k++) {
      if (!/[\u3400-\u9fff]/.test(c.toks[k]!)) continue;
      const mask = [...c.toks.slice(0, k), '*', ...c.toks.slice(k + 1)].join('\u0001');
      const list = byMask.get(mask);
      if (list) list.push(i);
      else byMask.set(mask, [i]);
    }
  });
  for (const list of byMask.values()) {
    if (list.length < 2) continue;
    const top = list.reduce((a, b) => (cand[b]!.df > cand[a]!.df ? b : a));
    for (const j of list) if (j !== top && cand[j]!.df <= 0.5 * cand[top]!.df) union(top, j);
  }

  // Canonical terms.
  const groups = new Map<number, number[]>();
  cand.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  const termOf = new Int32Array(cand.length).fill(-1);
  const terms: Term[] = [];
  const roots = [...groups.keys()].sort((a, b) => a - b);
  const typoIdx = typoIndex(typos);
  for (const r of roots) {
    const members = groups.get(r)!;
    const docSet = new Set<number>();
    for (const m of members) for (const d of docsOf[m]!) docSet.add(d);
    if (docSet.size > maxDf) continue;
    // Canonical spelling: the longest among those holding at least half the group's documents.
    const best = [...members].sort(
      (a, b) =>
        Number(docsOf[b]!.length >= docSet.size / 2) - Number(docsOf[a]!.length >= docSet.size / 2) ||
        cand[b]!.toks.length - cand[a]!.toks.length ||
        docsOf[b]!.length - docsOf[a]!.length ||
        a - b,
    )[0]!;
    const ti = terms.length;
    for (const m of members) termOf[m] = ti;
    terms.push({
      text: joinTokens(cand[best]!.toks),
      aliases: withTypos(members.map((m) => joinTokens(cand[m]!.toks)), typoIdx),
      df: docSet.size,
      len: cand[best]!.toks.length,
      idf: Math.log((n + 1) / (docSet.size + 0.5)),
    });
  }
  const docTerms = perDoc.map((list) => {
    const s = new Set<number>();
    for (const ci of list) if (termOf[ci]! >= 0) s.add(termOf[ci]!);
    return [...s].sort((a, b) => a - b);
  });
  return { terms, docTerms };
}

/** Frequent n-grams of one length: id → key ('\u0001'-joined tokens), df, and the ids one level down. */
interface Level {
  keys: string[];
  df: Int32Array;
  /** Id of the n-gram without its last token (level 0: unused). */
  prefix: Int32Array;
  /** Id of the n-gram without its first token (level 0: unused). */
  suffix: Int32Array;
  /** Level 0: token id → id; level n: prefix id × V + last token id → id. -1 when not frequent. */
  table: NumTable;
}

interface Lattice {
  levels: Level[];
  /** All documents' token ids, -1 after each run; document d is tok[starts[d] .. starts[d+1]). */
  tok: Int32Array;
  starts: Int32Array;
  /** Vocabulary size (token ids are below it). */
  V: number;
}

/**
 * df per n-gram, level by level (Apriori: the (n+1)-gram at i is counted only when the n-grams at
 * i and i+1 are both frequent, which loses nothing since a frequent n-gram's parts are frequent).
 * Tokens and n-grams are integer ids: an n-gram is its prefix's id × V + its last token, looked
 * up in an open-addressing table, and each document is counted once per n-gram by a last-seen
 * stamp, so no string is built for the millions of n-grams seen once.
 */
function countLevels(docs: readonly Runs[], p: Params): Lattice {
  const n = docs.length;
  const vocab = new Map<string, number>();
  const names: string[] = [];
  let total = 0;
  for (const runs of docs) for (const run of runs) total += run.length + 1;
  const tok = new Int32Array(total + 1);
  const starts = new Int32Array(n + 1);
  let k = 0;
  for (let d = 0; d < n; d++) {
    starts[d] = k;
    for (const run of docs[d]!) {
      for (const t of run) {
        let id = vocab.get(t);
        if (id === undefined) {
          id = names.length;
          vocab.set(t, id);
          names.push(t);
        }
        tok[k++] = id;
      }
      tok[k++] = -1;
    }
  }
  starts[n] = k;
  tok[k] = -1;
  const N = k;
  const V = Math.max(1, names.length);
  const levels: Level[] = [];
  const cur = new Int32Array(N + 1).fill(-1);
  const temp = new Int32Array(N + 1);
  for (let len = 1; len <= p.maxTokens; len++) {
    const seenKeys = new NumTable(1024);
    let df = new Int32Array(1024);
    let last = new Int32Array(1024);
    let keyOf = new Float64Array(1024);
    let suf = new Int32Array(1024);
    let nTemp = 0;
    temp.fill(-1);
    for (let d = 0; d < n; d++) {
      for (let i = starts[d]!, end = starts[d + 1]!; i < end; i++) {
        let key: number;
        let b = -1;
        if (len === 1) {
          if (tok[i]! < 0) continue;
          key = tok[i]!;
        } else {
          const a = cur[i]!;
          b = cur[i + 1]!;
          if (a < 0 || b < 0) continue;
          key = a * V + tok[i + len - 1]!;
        }
        let t = seenKeys.get(key);
        if (t < 0) {
          t = nTemp++;
          if (t === df.length) {
            df = grow(df);
            last = grow(last);
            keyOf = grow(keyOf);
            suf = grow(suf);
          }
          seenKeys.set(key, t);
          keyOf[t] = key;
          suf[t] = b;
          last[t] = -1;
          df[t] = 0;
        }
        if (last[t] !== d) {
          last[t] = d;
          df[t]!++;
        }
        temp[i] = t;
      }
    }
    const compact = new Int32Array(nTemp).fill(-1);
    let m = 0;
    for (let t = 0; t < nTemp; t++) if (df[t]! >= p.minDf) compact[t] = m++;
    const level: Level = { keys: new Array<string>(m), df: new Int32Array(m), prefix: new Int32Array(m), suffix: new Int32Array(m), table: new NumTable(m * 2 + 16) };
    const prev = levels[len - 2];
    for (let t = 0; t < nTemp; t++) {
      const id = compact[t]!;
      if (id < 0) continue;
      const key = keyOf[t]!;
      level.df[id] = df[t]!;
      level.table.set(key, id);
      if (len === 1) level.keys[id] = names[key]!;
      else {
        const pre = Math.floor(key / V);
        level.prefix[id] = pre;
        level.suffix[id] = suf[t]!;
        level.keys[id] = `${prev!.keys[pre]!}\u0001${names[key - pre * V]!}`;
      }
    }
    for (let i = 0; i < N; i++) cur[i] = temp[i]! < 0 ? -1 : compact[temp[i]!]!;
    levels.push(level);
    if (m === 0) break;
  }
  return { levels, tok, starts, V };
}

let walkA = new Int32Array(256);
let walkB = new Int32Array(256);

/**
 * Document d's frequent n-grams, level by level up to maxLen tokens: visit(li, ids, m) sees the id
 * of the (li+1)-gram starting at each of the document's m token positions, or -1.
 */
function walkDoc(lat: Lattice, d: number, maxLen: number, visit: (li: number, ids: Int32Array, m: number) => void): void {
  const { tok, starts, V, levels } = lat;
  const s0 = starts[d]!;
  const m = starts[d + 1]! - s0;
  if (walkA.length < m + 1) {
    walkA = new Int32Array(2 * m + 2);
    walkB = new Int32Array(2 * m + 2);
  }
  let cur = walkA;
  let nxt = walkB;
  const t0 = levels[0]!.table;
  for (let i = 0; i < m; i++) cur[i] = tok[s0 + i]! < 0 ? -1 : t0.get(tok[s0 + i]!);
  cur[m] = -1;
  for (let li = 0; li < Math.min(maxLen, levels.length); li++) {
    if (li > 0) {
      const table = levels[li]!.table;
      let any = false;
      for (let i = 0; i < m; i++) {
        const a = cur[i]!;
        const b = cur[i + 1]!;
        const id = a < 0 || b < 0 ? -1 : table.get(a * V + tok[s0 + i + li]!);
        nxt[i] = id;
        if (id >= 0) any = true;
      }
      nxt[m] = -1;
      [cur, nxt] = [nxt, cur];
      if (!any) return;
    }
    visit(li, cur, m);
  }
}

function grow<T extends Int32Array | Float64Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

function levelMaps(lat: Lattice): Map<string, number>[] {
  return lat.levels.map((l) => new Map(l.keys.map((k, id) => [k, l.df[id]!])));
}

/** Open-addressing hash table from a non-negative integer (below 2^53) to a non-negative int; get() is -1 when absent. */
class NumTable {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  private size = 0;

  constructor(capacity: number) {
    let c = 16;
    while (c < capacity * 2) c *= 2;
    this.keys = new Float64Array(c).fill(-1);
    this.vals = new Int32Array(c);
    this.mask = c - 1;
  }

  private slot(key: number): number {
    const lo = key | 0;
    const hi = (key / 4294967296) | 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 13;
    return h & this.mask;
  }

  get(key: number): number {
    let i = this.slot(key);
    for (;;) {
      const k = this.keys[i]!;
      if (k === key) return this.vals[i]!;
      if (k === -1) return -1;
      i = (i + 1) & this.mask;
    }
  }

  set(key: number, val: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.rehash();
    let i = this.slot(key);
    for (;;) {
      const k = this.keys[i]!;
      if (k === key) {
        this.vals[i] = val;
        return;
      }
      if (k === -1) {
        this.keys[i] = key;
        this.vals[i] = val;
        this.size++;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  private rehash(): void {
    const { keys, vals } = this;
    this.keys = new Float64Array(keys.length * 2).fill(-1);
    this.vals = new Int32Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) this.set(keys[i]!, vals[i]!);
  }
}

const CJK_TOKEN = /^[\u3400-\u9fff]$/;

function findTypos(levels: Map<string, number>[], p: Params): Map<string, string> {
  const typos = new Map<string, string>();
  // Token-aligned pieces of the typos found so far: "a shorter pair inside a longer one" is a set
  // lookup. A piece that starts or ends with a Latin word could also sit inside a longer word, so
  // that case alone scans the typos' text as before.
  const pieces = new Set<string>();
  const inTypo = (k: string, toks: string[]): boolean => {
    if (pieces.has(k)) return true;
    if (CJK_TOKEN.test(toks[0]!) && CJK_TOKEN.test(toks.at(-1)!)) return false;
    for (const v of typos.keys()) if (v.includes(k)) return true;
    return false;
  };
  for (let li = Math.min(levels.length, p.maxTokens) - 1; li >= 3; li--) {
    const byMask = new Map<string, string[]>();
    for (const k of levels[li]!.keys()) {
      // Token boundaries in the key: the mask cuts out one token by its character span.
      let start = k.indexOf('\u0001') + 1;
      while (start > 0) {
        const next = k.indexOf('\u0001', start);
        const end = next < 0 ? k.length : next;
        if (end - start === 1 && CJK_TOKEN.test(k[start]!)) {
          const mask = `${k.slice(0, start)}*\u0001${k.slice(end + 1)}`;
          const l = byMask.get(mask);
          if (l) l.push(k);
          else byMask.set(mask, [k]);
        }
        start = next + 1;
      }
    }
    const df = levels[li]!;
    for (const list of byMask.values()) {
      if (list.length < 2) continue;
      const top = list.reduce((a, b) => (df.get(b)! > df.get(a)! || (df.get(b) === df.get(a) && b < a) ? b : a));
      for (const k of list) {
        if (k === top || df.get(k)! * 2 > df.get(top)! || typos.has(k)) continue;
        // A shorter pair inside an already-found longer pair is the same typo.
        const toks = k.split('\u0001');
        if (inTypo(k, toks)) continue;
        typos.set(k, top);
        for (let a = 0; a < toks.length; a++) for (let b = a + 1; b <= toks.length; b++) pieces.add(toks.slice(a, b).join('\u0001'));
      }
    }
  }
  return typos;
}

/** Rewrites typo spellings to their canon, in the documents that hold one (found through the lattice). */
function rewriteTypos(docs: readonly Runs[], typos: Map<string, string>, lat: Lattice): Runs[] {
  const lens = [...new Set([...typos.keys()].map((k) => k.split('\u0001').length))].sort((a, b) => b - a);
  const isVariant = lat.levels.map((l) => new Uint8Array(l.keys.length));
  lat.levels.forEach((l, li) => l.keys.forEach((k, id) => typos.has(k) && (isVariant[li]![id] = 1)));
  const maxLen = lens[0] ?? 0;
  return docs.map((runs, d) => {
    let holds = false;
    walkDoc(lat, d, maxLen, (li, ids, m) => {
      const flag = isVariant[li]!;
      for (let i = 0; i < m && !holds; i++) if (ids[i]! >= 0 && flag[ids[i]!]) holds = true;
    });
    if (!holds) return runs;
    return runs.map((run) => {
      const out = [...run];
      for (const len of lens) {
        for (let i = 0; i + len <= out.length; i++) {
          const canon = typos.get(out.slice(i, i + len).join('\u0001'));
          if (canon) out.splice(i, len, ...canon.split('\u0001'));
        }
      }
      return out;
    });
  });
}

/**
 * The term's spellings plus the typo spellings that were rewritten into it. The typos are indexed
 * by their canonical spelling, and each spelling looks up its own substrings of those lengths, so
 * the cost grows with the spellings, not with spellings × typos.
 */
function withTypos(spellings: string[], typos: TypoIndex): string[] {
  const out = new Set(spellings);
  for (const s of spellings) {
    for (const len of typos.lengths) {
      for (let i = 0; i + len <= s.length; i++) {
        const variants = typos.byCanon.get(s.slice(i, i + len));
        if (!variants) continue;
        const c = s.slice(i, i + len);
        for (const v of variants) out.add(s.replace(c, v));
      }
    }
  }
  return [...out].sort();
}

interface TypoIndex {
  byCanon: Map<string, string[]>;
  lengths: number[];
}

function typoIndex(typos: Map<string, string>): TypoIndex {
  const byCanon = new Map<string, string[]>();
  for (const [variant, canon] of typos) {
    const c = joinTokens(canon.split('\u0001'));
    const v = joinTokens(variant.split('\u0001'));
    const l = byCanon.get(c);
    if (l) l.push(v);
    else byCanon.set(c, [v]);
  }
  return { byCanon, lengths: [...new Set([...byCanon.keys()].map((k) => k.length))] };
}

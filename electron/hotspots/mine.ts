import { joinTokens, type Runs } from './text';
import type { HotspotParams } from './types';

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
  let levels = countLevels(docs, p);
  // Typos: a rarer n-gram (≥ 4 tokens) one CJK token away from one at least twice as common is
  // rewritten to the commoner spelling in the documents, and the counts are taken again.
  const typos = findTypos(levels, p);
  if (typos.size) {
    docs = rewriteTypos(docs, typos);
    levels = countLevels(docs, p);
  }
  // Closure: the best one-token extension's df, per n-gram.
  const bestExt = new Map<string, number>();
  for (let li = 1; li < levels.length; li++) {
    for (const [k, v] of levels[li]!) {
      const toks = k.split('\u0001');
      for (const sub of [toks.slice(0, -1).join('\u0001'), toks.slice(1).join('\u0001')]) {
        if ((bestExt.get(sub) ?? 0) < v) bestExt.set(sub, v);
      }
    }
  }
  const cand: { key: string; toks: string[]; df: number }[] = [];
  for (let li = p.minTokens - 1; li < Math.min(levels.length, p.maxTokens); li++) {
    for (const [k, v] of levels[li]!) {
      if (v > maxDf) continue;
      // At the longest length there is no longer phrase to give way to.
      if (li < p.maxTokens - 1 && (bestExt.get(k) ?? 0) >= p.closeRatio * v) continue;
      const toks = k.split('\u0001');
      if (toks.every((t) => /^[0-9]+$/.test(t))) continue; // bare numbers are not names
      if (joinTokens(toks).length < 2) continue;
      cand.push({ key: k, toks, df: v });
    }
  }
  cand.sort((a, b) => b.toks.length - a.toks.length || b.df - a.df || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const index = new Map<string, number>();
  cand.forEach((c, i) => index.set(c.key, i));

  // Documents per candidate (needed for alias decisions and doc vectors).
  const docsOf: number[][] = cand.map(() => []);
  const maxLen = cand.length ? cand[0]!.toks.length : 0;
  const perDoc: number[][] = [];
  for (let d = 0; d < n; d++) {
    const seen = new Set<number>();
    for (const run of docs[d]!) {
      for (let len = p.minTokens; len <= maxLen; len++) {
        for (let i = 0; i + len <= run.length; i++) {
          const ci = index.get(run.slice(i, i + len).join('\u0001'));
          if (ci !== undefined) seen.add(ci);
        }
      }
    }
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

function countLevels(docs: readonly Runs[], p: Params): Map<string, number>[] {
  const n = docs.length;
  // df per n-gram, level by level. keys[d][r][i] holds the n-gram starting at token i of run r
  // while it is frequent at the current level (null otherwise): the (n+1)-gram at i is counted
  // only when the n-grams at i and i+1 are both frequent.
  const levels: Map<string, number>[] = [];
  let keys: (string | null)[][][] = docs.map((runs) => runs.map((run) => run.map((t) => t)));
  for (let len = 1; len <= p.maxTokens; len++) {
    const counts = new Map<string, number>();
    if (len > 1) {
      const prevKeys = keys;
      keys = docs.map((runs, d) =>
        runs.map((run, r) => {
          const pk = prevKeys[d]![r]!;
          const out: (string | null)[] = [];
          for (let i = 0; i + len <= run.length; i++) {
            const a = pk[i];
            out.push(a != null && pk[i + 1] != null ? `${a}\u0001${run[i + len - 1]!}` : null);
          }
          return out;
        }),
      );
    }
    const seen = new Set<string>();
    for (let d = 0; d < n; d++) {
      seen.clear();
      for (const row of keys[d]!) for (const k of row) if (k !== null) seen.add(k);
      for (const k of seen) counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (const [k, v] of counts) if (v < p.minDf) counts.delete(k);
    keys = keys.map((runs) => runs.map((row) => row.map((k) => (k !== null && counts.has(k) ? k : null))));
    levels.push(counts);
    if (counts.size === 0) break;
  }
  return levels;
}

const CJK_TOKEN = /^[\u3400-\u9fff]$/;

function findTypos(levels: Map<string, number>[], p: Params): Map<string, string> {
  const typos = new Map<string, string>();
  for (let li = Math.min(levels.length, p.maxTokens) - 1; li >= 3; li--) {
    const byMask = new Map<string, string[]>();
    for (const k of levels[li]!.keys()) {
      const toks = k.split('\u0001');
      for (let i = 1; i < toks.length; i++) {
        if (!CJK_TOKEN.test(toks[i]!)) continue;
        const mask = `${toks.slice(0, i).join('\u0001')}\u0001*\u0001${toks.slice(i + 1).join('\u0001')}`;
        const l = byMask.get(mask);
        if (l) l.push(k);
        else byMask.set(mask, [k]);
      }
    }
    const df = levels[li]!;
    for (const list of byMask.values()) {
      if (list.length < 2) continue;
      const top = list.reduce((a, b) => (df.get(b)! > df.get(a)! || (df.get(b) === df.get(a) && b < a) ? b : a));
      for (const k of list) {
        if (k === top || df.get(k)! * 2 > df.get(top)! || typos.has(k)) continue;
        // A shorter pair inside an already-found longer pair is the same typo.
        if ([...typos.keys()].some((v) => v.includes(k))) continue;
        typos.set(k, top);
      }
    }
  }
  return typos;
}

function rewriteTypos(docs: readonly Runs[], typos: Map<string, string>): Runs[] {
  const lens = [...new Set([...typos.keys()].map((k) => k.split('\u0001').length))].sort((a, b) => b - a);
  return docs.map((runs) =>
    runs.map((run) => {
      const out = [...run];
      for (const len of lens) {
        for (let i = 0; i + len <= out.length; i++) {
          const canon = typos.get(out.slice(i, i + len).join('\u0001'));
          if (canon) out.splice(i, len, ...canon.split('\u0001'));
        }
      }
      return out;
    }),
  );
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

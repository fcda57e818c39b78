import { joinTokens, runsToIds, tokenNames, unionFind, type Runs } from './text';
import { give, takeF64, takeI32 } from './pool';
import { stepMark } from './steps';
import type { HotspotParams } from './types';

export interface Term {
  /** Canonical phrase (the most frequent spelling in its alias group). */
  text: string;
  /**
   * All spellings merged into this term, sorted. From the miner it is worked out when first read
   * (a term's typo spellings can run to hundreds, and only the key terms of hotspots are read).
   */
  readonly aliases: string[];
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
  return mineTokens(input.map(runsToIds), p);
}

/** mineTerms on documents given as token ids (text.ts: tokenizeIds), -1 after each run. */
export function mineTokens(input: readonly Int32Array[], p: Params): Mined {
  const n = input.length;
  // In a small corpus a share would exclude the very names that repeat: at least 30 documents.
  const maxDf = Math.max(p.minDf, 30, Math.floor(n * p.maxDfShare));
  stepMark('other');
  const tids = tokenIds(input);
  stepMark('distinct runs');
  let lat = countLevels(tids, p);
  stepMark('counting, first pass');
  // Typos: a rarer n-gram (≥ 4 tokens) one CJK token away from one at least twice as common is
  // rewritten to the commoner spelling in the documents, and the counts are taken again.
  const typos = findTypos(lat, p);
  stepMark('typo grouping');
  const rewritten = typos.size ? rewriteTypos(typos, lat) : tids;
  for (const l of lat.levels) l.table.release();
  if (lat.at4) give(lat.at4);
  stepMark('typo rewrite');
  // Counted again (on the rewritten runs, or as they were), now noting each run's candidates.
  lat = countLevels(rewritten, p, maxDf);
  stepMark('counting, second pass');
  const { levels } = lat;
  // Closure: the best one-token extension's df, per n-gram (by level and id: the extension's
  // prefix and suffix are the n-grams one level down).
  const bestExt = levels.map((l) => new Int32Array(l.df.length));
  for (let li = 1; li < levels.length; li++) {
    const { df, prefix, suffix } = levels[li]!;
    const below = bestExt[li - 1]!;
    for (let id = 0; id < df.length; id++) {
      const v = df[id]!;
      if (below[prefix[id]!]! < v) below[prefix[id]!] = v;
      if (below[suffix[id]!]! < v) below[suffix[id]!] = v;
    }
  }
  // Candidates, longest first, then commonest, then by their tokens' text: as (level, id, df) in
  // typed arrays, ordered through one numeric sort of packed keys (the n-grams' text order comes
  // from the lattice: lexOrder), with no string or object per candidate (there are millions at 1M
  // tickets, and the collector traced them all).
  const lex = lexOrder(lat);
  const lastLi = Math.min(levels.length, p.maxTokens) - 1;
  let S = 1;
  for (const l of levels) S = Math.max(S, l.df.length + 1);
  const D = maxDf + 1;
  if (16 * D * S > Number.MAX_SAFE_INTEGER || lastLi >= 16) throw new Error('hotspots: too many n-grams to order');
  const { names } = lat.ids;
  const isNumber = Uint8Array.from(names, (t) => (/^[0-9]+$/.test(t) ? 1 : 0));
  let keys = new Float64Array(1024);
  let nCand = 0;
  for (let li = p.minTokens - 1; li <= lastLi; li++) {
    const { df, last } = levels[li]!;
    const rank = lex.rank[li]!;
    for (let id = 0; id < df.length; id++) {
      const v = df[id]!;
      if (v > maxDf) continue;
      // At the longest length there is no longer phrase to give way to.
      if (li < p.maxTokens - 1 && bestExt[li]![id]! >= p.closeRatio * v) continue;
      // Bare numbers are not names.
      let numeric = true;
      for (let l = li, x = id; l >= 0 && numeric; l--) {
        if (!isNumber[levels[l]!.last[x]!]) numeric = false;
        if (l > 0) x = levels[l]!.prefix[x]!;
      }
      if (numeric) continue;
      // Shorter than two characters (only a lone token can be).
      if (li === 0 && names[last[id]!]!.length < 2) continue;
      if (nCand === keys.length) keys = grow(keys);
      keys[nCand++] = ((15 - li) * D + (maxDf - v)) * S + rank[id]!;
    }
  }
  keys = keys.slice(0, nCand).sort();
  const cLi = new Int32Array(nCand);
  const cId = new Int32Array(nCand);
  const cDf = new Int32Array(nCand);
  for (let i = 0; i < nCand; i++) {
    const k = keys[i]!;
    const r = k % S;
    const rest = (k - r) / S;
    const dfPart = rest % D;
    const li = 15 - (rest - dfPart) / D;
    cLi[i] = li;
    cId[i] = lex.byRank[li]![r]!;
    cDf[i] = maxDf - dfPart;
  }
  // Candidate index per (level, n-gram id).
  const candOf = levels.map((l) => new Int32Array(l.df.length).fill(-1));
  for (let i = 0; i < nCand; i++) candOf[cLi[i]!]![cId[i]!] = i;

  // Documents per candidate (needed for alias decisions and doc vectors): a document takes the
  // candidates of its distinct runs, noted while counting. The documents are counted (a group of
  // spellings counts its documents below).
  const docsOf = new Int32Array(nCand);
  const { runStart, docRuns, docStart } = lat.ids;
  const R = runStart.length - 1;
  // Run r's candidates, each once: runFlat[runCand[r] .. runCand[r + 1]), read off what the
  // counting noted per level (the n-grams that pass the df and closure tests; the rest of the
  // tests drop some of them here).
  const runCand = new Int32Array(R + 1);
  let runFlat = new Int32Array(1024);
  let nRunFlat = 0;
  const noted = lat.noted!;
  for (let r = 0; r < R; r++) {
    runCand[r] = nRunFlat;
    for (let li = 0; li < noted.length; li++) {
      const nl = noted[li];
      if (!nl) continue;
      const co = candOf[li]!;
      for (let j = nl.start[r]!, je = nl.start[r + 1]!; j < je; j++) {
        const ci = co[nl.ids[j]!]!;
        if (ci < 0) continue;
        if (nRunFlat === runFlat.length) runFlat = grow(runFlat);
        runFlat[nRunFlat++] = ci;
      }
    }
  }
  runCand[R] = nRunFlat;
  // Document d's candidates, ascending: perFlat[perStart[d] .. perStart[d + 1]).
  const perStart = new Int32Array(n + 1);
  let perFlat = new Int32Array(1024);
  // A document's candidates, each once (by a last-seen stamp), in a reused buffer.
  const stamp = new Int32Array(nCand).fill(-1);
  let buf = new Int32Array(64);
  for (let d = 0; d < n; d++) {
    let k = 0;
    for (let q = docStart[d]!, qe = docStart[d + 1]!; q < qe; q++) {
      const r = docRuns[q]!;
      for (let j = runCand[r]!, je = runCand[r + 1]!; j < je; j++) {
        const ci = runFlat[j]!;
        if (stamp[ci] === d) continue;
        stamp[ci] = d;
        if (k === buf.length) buf = grow(buf);
        buf[k++] = ci;
      }
    }
    buf.subarray(0, k).sort();
    const at = perStart[d]!;
    while (perFlat.length < at + k) perFlat = grow(perFlat);
    for (let i = 0; i < k; i++) {
      docsOf[buf[i]!]!++;
      perFlat[at + i] = buf[i]!;
    }
    perStart[d + 1] = at + k;
  }

  stepMark('candidates per document');
  // Alias groups (union-find over candidates).
  const { find, union } = unionFind(nCand);
  // Typos: same length (≥ 4 tokens), one CJK token substituted, and one spelling at most half as common.
  const isCjk = cjkTokens(lat);
  const candsAt: number[][] = levels.map(() => []);
  for (let i = 0; i < nCand; i++) if (cLi[i]! >= 3) candsAt[cLi[i]!]!.push(i);
  candsAt.forEach((at, li) => {
    if (at.length < 2) return;
    const headDf = 2 * p.minDf;
    for (const group of oneTokenApart(lat, li, isCjk, at.length, (k) => cId[at[k]!]!, (k) => cDf[at[k]!]! >= headDf)) {
      const list = group.map((k) => at[k]!);
      const top = list.reduce((a, b) => (cDf[b]! > cDf[a]! ? b : a));
      for (const j of list) if (j !== top && cDf[j]! <= 0.5 * cDf[top]!) union(top, j);
    }
  });

  // Canonical terms. Groups of spellings by their root (its smallest member: unionFind), in
  // ascending order, each group's members ascending: gMembers[gStart[g] .. gStart[g + 1]).
  const groupOfRoot = new Int32Array(nCand).fill(-1);
  let G = 0;
  for (let i = 0; i < nCand; i++) if (find(i) === i) groupOfRoot[i] = G++;
  const gStart = new Int32Array(G + 1);
  for (let i = 0; i < nCand; i++) gStart[groupOfRoot[find(i)]! + 1]!++;
  for (let g = 0; g < G; g++) gStart[g + 1]! += gStart[g]!;
  const gMembers = new Int32Array(nCand);
  const gFill = gStart.slice(0, G);
  for (let i = 0; i < nCand; i++) gMembers[gFill[groupOfRoot[find(i)]!]!++] = i;
  const termOf = new Int32Array(nCand).fill(-1);
  const terms: Term[] = [];
  // Documents of each group of several spellings (a document once), through the documents' candidates.
  const multiOf = new Int32Array(nCand).fill(-1);
  const multiDocs: number[] = [];
  for (let g = 0; g < G; g++) {
    if (gStart[g + 1]! - gStart[g]! < 2) continue;
    for (let k = gStart[g]!; k < gStart[g + 1]!; k++) multiOf[gMembers[k]!] = multiDocs.length;
    multiDocs.push(0);
  }
  if (multiDocs.length) {
    const seenBy = new Int32Array(multiDocs.length).fill(-1);
    for (let d = 0; d < n; d++) {
      for (let i = perStart[d]!, e = perStart[d + 1]!; i < e; i++) {
        const g = multiOf[perFlat[i]!]!;
        if (g < 0 || seenBy[g] === d) continue;
        seenBy[g] = d;
        multiDocs[g]!++;
      }
    }
  }
  const typoIdx = typoIndex(typos);
  const spelling = (c: number): string => joinTokens(toksOf(lat, cLi[c]!, cId[c]!));
  for (let g = 0; g < G; g++) {
    const members = gMembers.subarray(gStart[g]!, gStart[g + 1]!);
    // Documents of the group (a candidate's own are distinct).
    const docCount = members.length > 1 ? multiDocs[multiOf[members[0]!]!]! : docsOf[members[0]!]!;
    if (docCount > maxDf) continue;
    // Canonical spelling: the longest among those holding at least half the group's documents.
    const best =
      members.length === 1
        ? members[0]!
        : [...members].sort(
            (a, b) =>
              Number(docsOf[b]! >= docCount / 2) - Number(docsOf[a]! >= docCount / 2) ||
              cLi[b]! - cLi[a]! ||
              docsOf[b]! - docsOf[a]! ||
              a - b,
          )[0]!;
    const ti = terms.length;
    for (const m of members) termOf[m] = ti;
    terms.push(
      minedTerm(
        spelling(best),
        () => Array.from(members, spelling),
        typoIdx,
        docCount,
        cLi[best]! + 1,
        Math.log((n + 1) / (docCount + 0.5)),
      ),
    );
  }
  const docTerms: number[][] = new Array<number[]>(n);
  let ts = new Int32Array(64);
  for (let d = 0; d < n; d++) {
    // The document's terms (a term once however many of its spellings it holds), ascending:
    // insertion sort in a reused buffer, the lists are short.
    let k = 0;
    for (let i = perStart[d]!, e = perStart[d + 1]!; i < e; i++) {
      const t = termOf[perFlat[i]!]!;
      if (t < 0) continue;
      if (k === ts.length) ts = grow(ts);
      let j = k++;
      while (j > 0 && ts[j - 1]! > t) {
        ts[j] = ts[j - 1]!;
        j--;
      }
      ts[j] = t;
    }
    const out: number[] = [];
    for (let i = 0; i < k; i++) if (i === 0 || ts[i] !== ts[i - 1]) out.push(ts[i]!);
    docTerms[d] = out;
  }
  for (const l of levels) l.table.release();
  stepMark('alias groups, terms');
  return { terms, docTerms };
}

/** Frequent n-grams of one length: id → df, the ids one level down and the last token (its text: toksOf). */
interface Level {
  df: Int32Array;
  /** Id of the n-gram without its last token (level 0: unused). */
  prefix: Int32Array;
  /** Id of the n-gram without its first token (level 0: unused). */
  suffix: Int32Array;
  /** The last token's id. */
  last: Int32Array;
  /** Level 0: token id → id; level n: prefix id × V + last token id → id. -1 when not frequent. */
  table: NumTable;
}

interface Lattice {
  levels: Level[];
  /**
   * When counted with a maxDf: per level, each distinct run's n-grams (each once) that are at
   * most maxDf documents and closed, run r's in ids[start[r] .. start[r + 1]); null below minTokens.
   */
  noted?: ({ start: Int32Array; ids: Int32Array } | null)[];
  /** The distinct runs' token ids, -1 after each (ids.tok). */
  tok: Int32Array;
  /**
   * When counted without a maxDf (before typos are known): per position of tok, the id of the
   * 4-gram starting there, or -1 (from the pool: give it back when done).
   */
  at4?: Int32Array;
  /** Vocabulary size (token ids are below it). */
  V: number;
  ids: TokenIds;
}

/**
 * The documents as token ids: each distinct run once (a run is a piece of text between
 * punctuation; templates, greetings and re-posts repeat them), -1 after each, and each document
 * as the list of its runs. A document's n-grams are those of its runs (none crosses a run
 * boundary), so the lattice is counted and walked on the distinct runs, and only the per-document
 * counting goes through the documents. Runs are numbered in the order the documents first use
 * them, so an n-gram is first seen in the same order as on the documents themselves.
 */
interface TokenIds {
  tok: Int32Array;
  /** Run r is tok[runStart[r] .. runStart[r + 1]), its last position the -1. */
  runStart: Int32Array;
  /** Document d's runs: docRuns[docStart[d] .. docStart[d + 1]). */
  docRuns: Int32Array;
  docStart: Int32Array;
  names: string[];
  vocab: Map<string, number>;
}

function tokenIds(docs: readonly Int32Array[]): TokenIds {
  const n = docs.length;
  const vocab = new Map<string, number>();
  const names: string[] = [];
  // Global token id → local, numbered by first use in these documents.
  const global = tokenNames;
  const localOf = new Int32Array(global.length).fill(-1);
  let nRuns = 0;
  for (const doc of docs) for (let i = 0; i < doc.length; i++) if (doc[i]! < 0) nRuns++;
  const docStart = new Int32Array(n + 1);
  const docRuns = new Int32Array(nRuns);
  let runStart = new Int32Array(1024);
  let tok = new Int32Array(4096);
  // Distinct runs by content: open addressing over run ids, keyed by a hash of the token ids.
  let slots = new Int32Array(1024).fill(-1);
  let hashes = new Int32Array(1024);
  let R = 0;
  let k = 0;
  let q = 0;
  let cur = new Int32Array(64);
  for (let d = 0; d < n; d++) {
    docStart[d] = q;
    const doc = docs[d]!;
    for (let rs = 0; rs < doc.length; ) {
      let re = rs;
      while (doc[re]! >= 0) re++;
      const len = re - rs;
      if (cur.length < len) cur = new Int32Array(2 * len);
      let h = len;
      for (let i = 0; i < len; i++) {
        const g = doc[rs + i]!;
        let id = localOf[g]!;
        if (id < 0) {
          id = names.length;
          localOf[g] = id;
          vocab.set(global[g]!, id);
          names.push(global[g]!);
        }
        cur[i] = id;
        h = Math.imul(h ^ id, 0x9e3779b1) ^ (h >>> 15);
      }
      rs = re + 1;
      const mask = slots.length - 1;
      let at = Math.imul(h, 0x85ebca6b) & mask;
      let r = -1;
      for (;;) {
        const c = slots[at]!;
        if (c < 0) break;
        if (hashes[c] === h && runStart[c + 1]! - runStart[c]! === len + 1) {
          let same = true;
          for (let i = 0, s0 = runStart[c]!; i < len; i++) {
            if (tok[s0 + i] !== cur[i]) {
              same = false;
              break;
            }
          }
          if (same) {
            r = c;
            break;
          }
        }
        at = (at + 1) & mask;
      }
      if (r < 0) {
        r = R++;
        while (runStart.length < R + 2) {
          runStart = grow(runStart);
          hashes = grow(hashes);
        }
        while (tok.length < k + len + 2) tok = grow(tok);
        runStart[r] = k;
        tok.set(cur.subarray(0, len), k);
        k += len;
        tok[k++] = -1;
        runStart[r + 1] = k;
        hashes[r] = h;
        slots[at] = r;
        if (R * 2 > slots.length) {
          // Rehash at half load.
          slots = new Int32Array(slots.length * 2).fill(-1);
          const m2 = slots.length - 1;
          for (let c = 0; c < R; c++) {
            let a = Math.imul(hashes[c]!, 0x85ebca6b) & m2;
            while (slots[a]! >= 0) a = (a + 1) & m2;
            slots[a] = c;
          }
        }
      }
      docRuns[q++] = r;
    }
  }
  docStart[n] = q;
  const out = new Int32Array(k + 1);
  out.set(tok.subarray(0, k));
  out[k] = -1;
  return { tok: out, runStart: runStart.slice(0, R + 1), docRuns, docStart, names, vocab };
}

/**
 * df per n-gram, level by level (Apriori: the (n+1)-gram at i is counted only when the n-grams at
 * i and i+1 are both frequent, which loses nothing since a frequent n-gram's parts are frequent).
 * Tokens and n-grams are integer ids: an n-gram is its prefix's id × V + its last token, looked
 * up in an open-addressing table, and each document is counted once per n-gram by a last-seen
 * stamp, so no string is built for the millions of n-grams seen once.
 */
function countLevels(ids: TokenIds, p: Params, maxDf?: number): Lattice {
  const { tok, runStart, docRuns, docStart, names } = ids;
  const n = docStart.length - 1;
  const N = runStart[runStart.length - 1]!;
  const V = Math.max(1, names.length);
  const levels: Level[] = [];
  const cur = takeI32(N + 1).fill(-1);
  const temp = takeI32(N + 1);
  const R = runStart.length - 1;
  // The positions where an n-gram of the level in cur starts (cur[i] >= 0), ascending:
  // pos[0 .. nPos), run r's at pos[runPos[r] .. runPos[r + 1]). Only they can start a longer one,
  // and they thin out level by level, so each level walks them instead of every token. cur is -1
  // everywhere else (a position, once out, stays out).
  const pos = takeI32(N + 1);
  let nPos = 0;
  for (let i = 0; i < N; i++) if (tok[i]! >= 0) pos[nPos++] = i;
  const runPos = takeI32(R + 1);
  const placeRuns = (): void => {
    let k = 0;
    for (let r = 0; r <= R; r++) {
      const s0 = runStart[r]!;
      while (k < nPos && pos[k]! < s0) k++;
      runPos[r] = k;
    }
  };
  placeRuns();
  let prevKeys = V;
  let at4: Int32Array | undefined;
  const noted: ({ start: Int32Array; ids: Int32Array } | null)[] = [];
  // Notes level li's candidates from its ids in cur, given the next level (null: none counted).
  const note = (li: number, next: Level | null): void => {
    if (maxDf === undefined) return;
    if (li < p.minTokens - 1 || li >= p.maxTokens) {
      noted[li] = null;
      return;
    }
    const { df } = levels[li]!;
    const bestExt = takeI32(df.length).fill(0);
    if (next) {
      for (let id = 0; id < next.df.length; id++) {
        const v = next.df[id]!;
        if (bestExt[next.prefix[id]!]! < v) bestExt[next.prefix[id]!] = v;
        if (bestExt[next.suffix[id]!]! < v) bestExt[next.suffix[id]!] = v;
      }
    }
    // The candidate tests of mineTokens that need no text: df, and closure below the longest length.
    const ok = new Uint8Array(df.length);
    for (let id = 0; id < df.length; id++) {
      const v = df[id]!;
      ok[id] = v <= maxDf && !(li < p.maxTokens - 1 && bestExt[id]! >= p.closeRatio * v) ? 1 : 0;
    }
    give(bestExt);
    const start = new Int32Array(R + 1);
    let out = new Int32Array(1024);
    let k = 0;
    const stamp = takeI32(df.length).fill(-1);
    for (let r = 0; r < R; r++) {
      start[r] = k;
      for (let q = runPos[r]!, qe = runPos[r + 1]!; q < qe; q++) {
        const id = cur[pos[q]!]!;
        if (!ok[id] || stamp[id] === r) continue;
        stamp[id] = r;
        if (k === out.length) out = grow(out);
        out[k++] = id;
      }
    }
    start[R] = k;
    give(stamp);
    noted[li] = { start, ids: out.subarray(0, k) };
  };
  for (let len = 1; len <= p.maxTokens; len++) {
    // Sized by the previous level's distinct n-grams (the next level has about as many): few rehashes.
    const seenKeys = new NumTable(Math.max(1024, prevKeys));
    const cap = Math.max(1024, prevKeys);
    let df = takeI32(cap);
    let last = takeI32(cap);
    let keyOf = takeF64(cap);
    let suf = takeI32(cap);
    let nTemp = 0;
    // Each distinct run's n-grams once, in run order (the order the documents first use them)...
    for (let k = 0; k < nPos; k++) {
      const i = pos[k]!;
      let key: number;
      let b = -1;
      if (len === 1) key = tok[i]!;
      else {
        b = cur[i + 1]!;
        if (b < 0) {
          temp[i] = -1;
          continue;
        }
        key = cur[i]! * V + tok[i + len - 1]!;
      }
      let t = seenKeys.get(key);
      if (t < 0) {
        t = nTemp++;
        if (t === df.length) {
          df = growPooled(df);
          last = growPooled(last);
          keyOf = growPooled(keyOf);
          suf = growPooled(suf);
        }
        seenKeys.set(key, t);
        keyOf[t] = key;
        suf[t] = b;
        last[t] = -1;
        df[t] = 0;
      }
      temp[i] = t;
    }
    // ...then counted once per document holding it (by a last-seen stamp) through its runs.
    for (let d = 0; d < n; d++) {
      for (let q = docStart[d]!, qe = docStart[d + 1]!; q < qe; q++) {
        const r = docRuns[q]!;
        for (let k = runPos[r]!, ke = runPos[r + 1]!; k < ke; k++) {
          const t = temp[pos[k]!]!;
          if (t < 0 || last[t] === d) continue;
          last[t] = d;
          df[t]!++;
        }
      }
    }
    seenKeys.release();
    const compact = takeI32(nTemp).fill(-1);
    let m = 0;
    for (let t = 0; t < nTemp; t++) if (df[t]! >= p.minDf) compact[t] = m++;
    const level: Level = { df: new Int32Array(m), prefix: new Int32Array(m), suffix: new Int32Array(m), last: new Int32Array(m), table: new NumTable(m * 2 + 16) };
    for (let t = 0; t < nTemp; t++) {
      const id = compact[t]!;
      if (id < 0) continue;
      const key = keyOf[t]!;
      level.df[id] = df[t]!;
      level.table.set(key, id);
      if (len === 1) level.last[id] = key;
      else {
        const pre = Math.floor(key / V);
        level.prefix[id] = pre;
        level.last[id] = key - pre * V;
        level.suffix[id] = suf[t]!;
      }
    }
    // cur still holds the level below's ids: its candidates can be told now that this level is counted.
    if (len >= 2) note(len - 2, level);
    let kept = 0;
    for (let k = 0; k < nPos; k++) {
      const i = pos[k]!;
      const c = temp[i]! < 0 ? -1 : compact[temp[i]!]!;
      cur[i] = c;
      if (c >= 0) pos[kept++] = i;
    }
    nPos = kept;
    placeRuns();
    if (len === 4 && maxDf === undefined) {
      at4 = takeI32(N + 1).fill(-1);
      for (let k = 0; k < nPos; k++) at4[pos[k]!] = cur[pos[k]!]!;
    }
    give(compact);
    give(df);
    give(last);
    give(keyOf);
    give(suf);
    levels.push(level);
    prevKeys = nTemp;
    if (m === 0) break;
  }
  // The longest level counted, when it holds n-grams: nothing longer was counted.
  if (levels.length && levels.at(-1)!.df.length > 0) note(levels.length - 1, null);
  give(cur);
  give(temp);
  give(pos);
  give(runPos);
  return { levels, tok, V, ids, noted: maxDf === undefined ? undefined : noted, at4 };
}

/**
 * The n-grams of each level in the order of their tokens' text (token by token, each compared as
 * strings: the order of their '\u0001'-joined keys, since every token's characters sort after
 * '\u0001'): rank[li][id] is the n-gram's place, byRank[li] the ids in that order. Two stable
 * counting sorts per level, by the last token's rank and then by the prefix's rank.
 */
function lexOrder(lat: Lattice): { rank: Int32Array[]; byRank: Int32Array[] } {
  const { levels } = lat;
  const names = lat.ids.names;
  const V = names.length;
  const tokRank = new Int32Array(V);
  Array.from({ length: V }, (_, i) => i)
    .sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0))
    .forEach((t, r) => (tokRank[t] = r));
  const rank: Int32Array[] = [];
  const byRank: Int32Array[] = [];
  /** ids in ascending key[id] (keys below K), stable over the given order. */
  const countingSort = (ids: Int32Array, key: (id: number) => number, K: number): Int32Array => {
    const count = new Int32Array(K + 1);
    for (let i = 0; i < ids.length; i++) count[key(ids[i]!) + 1]!++;
    for (let k = 0; k < K; k++) count[k + 1]! += count[k]!;
    const out = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[count[key(ids[i]!)]!++] = ids[i]!;
    return out;
  };
  levels.forEach((l, li) => {
    const m = l.df.length;
    let order: Int32Array = new Int32Array(m);
    for (let id = 0; id < m; id++) order[id] = id;
    order = countingSort(order, (id) => tokRank[l.last[id]!]!, V);
    if (li > 0) {
      const below = rank[li - 1]!;
      order = countingSort(order, (id) => below[l.prefix[id]!]!, levels[li - 1]!.df.length);
    }
    const r = new Int32Array(m);
    for (let k = 0; k < m; k++) r[order[k]!] = k;
    rank.push(r);
    byRank.push(order);
  });
  return { rank, byRank };
}

/** The tokens of the (li+1)-gram with this id, read back through the prefixes. */
function toksOf(lat: Lattice, li: number, id: number): string[] {
  const { levels } = lat;
  const names = lat.ids.names;
  const out = new Array<string>(li + 1);
  for (let l = li; l >= 0; l--) {
    out[l] = names[levels[l]!.last[id]!]!;
    if (l > 0) id = levels[l]!.prefix[id]!;
  }
  return out;
}

const keyOf = (lat: Lattice, li: number, id: number): string => toksOf(lat, li, id).join('\u0001');

/** The id of an n-gram given as '\u0001'-joined tokens, through the tables; -1 when it is not frequent. */
function idOf(lat: Lattice, key: string): number {
  const toks = key.split('\u0001');
  const { levels, V } = lat;
  let id = -1;
  for (let l = 0; l < toks.length; l++) {
    const t = lat.ids.vocab.get(toks[l]!);
    if (t === undefined || l >= levels.length) return -1;
    id = l === 0 ? levels[0]!.table.get(t) : levels[l]!.table.get(id * V + t);
    if (id < 0) return -1;
  }
  return id;
}

/**
 * The ids of the frequent n-grams of up to L tokens at each of the m positions of tok[s0 ..
 * s0 + m) (a run and its closing -1): out[li * (m + 1) + i] is the (li+1)-gram's at i, or -1.
 */
function runLevels(lat: Lattice, tok: Int32Array, s0: number, m: number, L: number, out: Int32Array): void {
  const { V, levels } = lat;
  const t0 = levels[0]!.table;
  for (let i = 0; i < m; i++) out[i] = tok[s0 + i]! < 0 ? -1 : t0.get(tok[s0 + i]!);
  out[m] = -1;
  let any = true;
  for (let li = 1; li < L; li++) {
    const pb = (li - 1) * (m + 1);
    const b = li * (m + 1);
    if (!any) {
      out.fill(-1, b, b + m + 1);
      continue;
    }
    any = false;
    const table = levels[li]!.table;
    for (let i = 0; i < m; i++) {
      const a = out[pb + i]!;
      const c = out[pb + i + 1]!;
      const id = a < 0 || c < 0 ? -1 : table.get(a * V + tok[s0 + i + li]!);
      out[b + i] = id;
      if (id >= 0) any = true;
    }
    out[b + m] = -1;
  }
}

/** runLevels after the tokens at [lo, hi) of the run changed: the windows that overlap them, again. */
function relevel(lat: Lattice, tok: Int32Array, s0: number, m: number, L: number, out: Int32Array, lo: number, hi: number): void {
  const { V, levels } = lat;
  const t0 = levels[0]!.table;
  for (let i = lo; i < hi; i++) out[i] = tok[s0 + i]! < 0 ? -1 : t0.get(tok[s0 + i]!);
  for (let li = 1; li < L; li++) {
    const pb = (li - 1) * (m + 1);
    const b = li * (m + 1);
    const table = levels[li]!.table;
    for (let i = Math.max(0, lo - li); i < hi; i++) {
      const a = out[pb + i]!;
      const c = out[pb + i + 1]!;
      out[b + i] = a < 0 || c < 0 ? -1 : table.get(a * V + tok[s0 + i + li]!);
    }
  }
}

/** grow() for an array taken from the pool: the old one goes back to it. */
function growPooled<T extends Int32Array | Float64Array>(a: T): T {
  const b = (a instanceof Int32Array ? takeI32(a.length * 2) : takeF64(a.length * 2)) as T;
  b.set(a);
  give(a);
  return b;
}

function grow<T extends Int32Array | Float64Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Open-addressing hash table from a non-negative integer (below 2^53) to a non-negative int; get()
 * is -1 when absent. Key and value sit side by side (one cache line per probe: the tables of the
 * lattice are far larger than the cache).
 */
class NumTable {
  /** slot i: key at 2i (-1 when empty), value at 2i + 1. */
  private kv: Float64Array;
  private mask: number;
  private size = 0;

  constructor(capacity: number) {
    let c = 16;
    while (c < capacity * 2) c *= 2;
    this.kv = takeF64(2 * c).fill(-1);
    this.mask = c - 1;
  }

  /** Hands the table's memory back to the pool: the table is not used again. */
  release(): void {
    give(this.kv);
    this.kv = new Float64Array(0);
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
    const kv = this.kv;
    let i = this.slot(key);
    for (;;) {
      const k = kv[2 * i]!;
      if (k === key) return kv[2 * i + 1]!;
      if (k === -1) return -1;
      i = (i + 1) & this.mask;
    }
  }

  set(key: number, val: number): void {
    if ((this.size + 1) * 4 > this.kv.length) this.rehash();
    const kv = this.kv;
    let i = this.slot(key);
    for (;;) {
      const k = kv[2 * i]!;
      if (k === key) {
        kv[2 * i + 1] = val;
        return;
      }
      if (k === -1) {
        kv[2 * i] = key;
        kv[2 * i + 1] = val;
        this.size++;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  private rehash(): void {
    const old = this.kv;
    this.kv = takeF64(old.length * 2).fill(-1);
    this.mask = old.length - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== -1) this.set(old[i]!, old[i + 1]!);
    give(old);
  }
}

const CJK_TOKEN = /^[\u3400-\u9fff]$/;

/** Per token id: 1 for a single CJK character (a token a typo may replace). */
const cjkTokens = (lat: Lattice): Uint8Array => Uint8Array.from(lat.ids.names, (t) => (t.length === 1 && CJK_TOKEN.test(t) ? 1 : 0));

/**
 * Groups of n-grams of one level that are the same but for one CJK token (not the first): what
 * '*' masks of their text grouped. Items are given by index (idOf(i) is the n-gram's id at level
 * li, i ascending gives the order within a group); a group is keyed by integers, (position, id of
 * the tokens before it, id of the tokens after it), read off the lattice. Only groups of two or
 * more that hold a head (isHead(i)) are returned, in the order they would open with the items
 * taken in ascending order (by their smallest item, then position), items ascending. Both callers
 * want a spelling at least twice as common as another, which makes its df at least 2 · minDf: the
 * heads open the groups, and the other items only join them (a lookup, no new group or entry for
 * the many n-grams seen in a few documents).
 */
function oneTokenApart(lat: Lattice, li: number, isCjk: Uint8Array, count: number, idOf: (i: number) => number, isHead: (i: number) => boolean): number[][] {
  const { levels } = lat;
  let maxSize = 0;
  for (const l of levels) maxSize = Math.max(maxSize, l.df.length);
  const S = maxSize + 1;
  // Sized by the heads (at most one group per head and position): no rehash while filling.
  let heads = 0;
  for (let i = 0; i < count; i++) if (isHead(i)) heads++;
  const byMask = Array.from({ length: li + 1 }, (_, j) => new NumTable(j === 0 ? 16 : Math.max(1024, heads)));
  // Groups as linked lists of entries, in the order they were opened.
  let first = new Int32Array(1024);
  let lastE = new Int32Array(1024);
  let size = new Int32Array(1024);
  let nGroups = 0;
  let entryItem = new Int32Array(1024);
  let entryNext = new Int32Array(1024);
  let nEntries = 0;
  let groupPos = new Int32Array(1024);
  const pre = new Int32Array(li + 1);
  const suf = new Int32Array(li + 2);
  const tokAt = new Int32Array(li + 1);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < count; i++) {
      if (isHead(i) !== (pass === 0)) continue;
      const id = idOf(i);
      // pre[l]: the first l+1 tokens' id at level l; suf[k]: the tokens from k on, at level li-k; tokAt: the tokens.
      pre[li] = id;
      for (let l = li; l > 0; l--) pre[l - 1] = levels[l]!.prefix[pre[l]!]!;
      for (let l = 0; l <= li; l++) tokAt[l] = levels[l]!.last[pre[l]!]!;
      suf[0] = id;
      for (let k = 1; k <= li; k++) suf[k] = levels[li - k + 1]!.suffix[suf[k - 1]!]!;
      suf[li + 1] = -1;
      for (let j = 1; j <= li; j++) {
        if (!isCjk[tokAt[j]!]) continue;
        const key = pre[j - 1]! * S + (suf[j + 1]! + 1);
        const table = byMask[j]!;
        let g = table.get(key);
        if (g < 0) {
          if (pass === 1) continue;
          g = nGroups++;
          if (g === first.length) {
            first = grow(first);
            lastE = grow(lastE);
            size = grow(size);
            groupPos = grow(groupPos);
          }
          table.set(key, g);
          first[g] = -1;
          size[g] = 0;
          groupPos[g] = j;
        }
        const e = nEntries++;
        if (e === entryItem.length) {
          entryItem = grow(entryItem);
          entryNext = grow(entryNext);
        }
        entryItem[e] = i;
        entryNext[e] = -1;
        if (first[g]! < 0) first[g] = e;
        else entryNext[lastE[g]!] = e;
        lastE[g] = e;
        size[g]!++;
      }
    }
  }
  const out: { list: number[]; j: number }[] = [];
  for (let g = 0; g < nGroups; g++) {
    if (size[g]! < 2) continue;
    const list: number[] = [];
    for (let e = first[g]!; e >= 0; e = entryNext[e]!) list.push(entryItem[e]!);
    out.push({ list: list.sort((a, b) => a - b), j: groupPos[g]! });
  }
  for (const t of byMask) t.release();
  return out.sort((a, b) => a.list[0]! - b.list[0]! || a.j - b.j).map((g) => g.list);
}

/**
 * Typo spellings: per length (≥ 4 tokens, longest first), the n-grams that differ in one CJK
 * token (not the first) are grouped, and one at most half as common as the group's commonest is
 * its typo. A group is keyed by integers, (position, id of the tokens before it, id of the tokens
 * after it), read off the lattice, so no string is built for the millions of frequent n-grams;
 * the groups are taken in the order their first n-gram (by id) opens them, as the string masks were.
 */
function findTypos(lat: Lattice, p: Params): Map<string, string> {
  const { levels } = lat;
  const typos = new Map<string, string>();
  // Token-aligned pieces of the typos found so far, flagged by level and id: "a shorter pair
  // inside a longer one" is a lookup. A piece that starts or ends with a Latin word could also sit
  // inside a longer word, so that case alone scans the typos' text as before.
  const isPiece = levels.map((l) => new Uint8Array(l.df.length));
  const inTypo = (li: number, id: number, k: string, toks: string[]): boolean => {
    if (isPiece[li]![id]) return true;
    if (CJK_TOKEN.test(toks[0]!) && CJK_TOKEN.test(toks.at(-1)!)) return false;
    for (const v of typos.keys()) if (v.includes(k)) return true;
    return false;
  };
  const isCjk = cjkTokens(lat);
  for (let li = Math.min(levels.length, p.maxTokens) - 1; li >= 3; li--) {
    const { df } = levels[li]!;
    const headDf = 2 * p.minDf;
    for (const list of oneTokenApart(lat, li, isCjk, df.length, (i) => i, (i) => df[i]! >= headDf)) {
      const top = list.reduce((a, b) => (df[b]! > df[a]! || (df[b] === df[a] && keyOf(lat, li, b) < keyOf(lat, li, a)) ? b : a));
      let topKey = '';
      for (const id of list) {
        if (id === top || df[id]! * 2 > df[top]!) continue;
        const k = keyOf(lat, li, id);
        if (typos.has(k)) continue;
        // A shorter pair inside an already-found longer pair is the same typo.
        const toks = k.split('\u0001');
        if (inTypo(li, id, k, toks)) continue;
        topKey ||= keyOf(lat, li, top);
        typos.set(k, topKey);
        // Its pieces [a, b): a times without the first token, then without the last ones.
        for (let a = 0, sa = id; a <= li; a++) {
          for (let lb = li - a, pb = sa; lb >= 0; lb--) {
            isPiece[lb]![pb] = 1;
            if (lb > 0) pb = levels[lb]!.prefix[pb]!;
          }
          if (a < li) sa = levels[li - a]!.suffix[sa]!;
        }
      }
    }
  }
  return typos;
}

/**
 * Rewrites typo spellings to their canon, in the distinct runs that hold one (found through the
 * lattice), on token ids: each run, for each typo length from the longest, left to right, a window
 * that is a typo is replaced by its canon (same length) before the next window is read. A window
 * is looked up through the lattice's tables (a typo is a frequent n-gram, so all its prefixes are
 * too); the documents' token ids are returned, the vocabulary unchanged.
 */
function rewriteTypos(typos: Map<string, string>, lat: Lattice): TokenIds {
  const { ids, levels } = lat;
  const lens = [...new Set([...typos.keys()].map((k) => k.split('\u0001').length))].sort((a, b) => b - a);
  // Per level and variant id: where its canon's tokens start in canonToks (-1: not a variant).
  const canonOf = levels.map((l) => new Int32Array(l.df.length).fill(-1));
  const isVariant = levels.map((l) => new Uint8Array(l.df.length));
  const canonList: number[] = [];
  for (const [k, canon] of typos) {
    const id = idOf(lat, k);
    const li = k.split('\u0001').length - 1;
    isVariant[li]![id] = 1;
    canonOf[li]![id] = canonList.length;
    for (const t of canon.split('\u0001')) canonList.push(ids.vocab.get(t)!);
  }
  const canonToks = Int32Array.from(canonList);
  const maxLen = lens[0] ?? 0;
  // Every typo is 4 tokens or more (findTypos): a run can hold one only where one of its 4-grams
  // begins a typo, which the 4-gram ids noted while counting tell. Most runs stop there.
  const H = 4;
  const isHead = new Uint8Array(levels[H - 1]?.df.length ?? 0);
  for (let li = H - 1; li < isVariant.length; li++) {
    const flag = isVariant[li]!;
    for (let id = 0; id < flag.length; id++) {
      if (!flag[id]) continue;
      let h = id;
      for (let l = li; l > H - 1; l--) h = levels[l]!.prefix[h]!;
      isHead[h] = 1;
    }
  }
  const out = ids.tok.slice();
  const { runStart } = ids;
  const R = runStart.length - 1;
  const L = Math.min(maxLen, levels.length);
  const at4 = lat.at4!;
  // Each distinct run once: a run that holds no typo is left as it is, whatever document it is in.
  // The ids of its windows at every length are read off the tables once (a window's id is its
  // prefix's and its last token's), and again after each rewrite, so that the windows read next
  // see the canon, as the token-by-token lookups did.
  let lv = new Int32Array(1024);
  for (let r = 0; r < R; r++) {
    const rs = runStart[r]!;
    const m = runStart[r + 1]! - rs;
    if (lv.length < L * (m + 1)) lv = new Int32Array(2 * L * (m + 1));
    let head = false;
    for (let i = 0; i < m; i++) {
      const id = at4[rs + i]!;
      if (id >= 0 && isHead[id]) {
        head = true;
        break;
      }
    }
    if (!head) continue;
    runLevels(lat, out, rs, m, L, lv);
    let holds = false;
    for (let li = 0; li < L && !holds; li++) {
      const flag = isVariant[li]!;
      for (let i = 0, b = li * (m + 1); i < m; i++) {
        const id = lv[b + i]!;
        if (id >= 0 && flag[id]) {
          holds = true;
          break;
        }
      }
    }
    if (!holds) continue;
    for (const len of lens) {
      const canonAt = canonOf[len - 1]!;
      const flag = isVariant[len - 1]!;
      const b = (len - 1) * (m + 1);
      for (let i = 0; i + len <= m - 1; i++) {
        const id = lv[b + i]!;
        if (id < 0 || !flag[id]) continue;
        const c = canonAt[id]!;
        out.set(canonToks.subarray(c, c + len), rs + i);
        relevel(lat, out, rs, m, L, lv, i, i + len);
      }
    }
  }
  return { ...ids, tok: out };
}

/** A term whose aliases (its spellings and their typo spellings: withTypos) are worked out when first read. */
function minedTerm(text: string, spellings: () => string[], typos: TypoIndex, df: number, len: number, idf: number): Term {
  let aliases: string[] | null = null;
  return {
    text,
    get aliases(): string[] {
      return (aliases ??= withTypos(spellings(), typos));
    },
    df,
    len,
    idf,
  };
}

/**
 * The term's spellings plus the typo spellings that were rewritten into it. The typos are indexed
 * by their canonical spelling, and each spelling looks up its own substrings of those lengths, so
 * the cost grows with the spellings, not with spellings × typos.
 */
function withTypos(spellings: string[], typos: TypoIndex): string[] {
  let out: Set<string> | null = null;
  const { heads, lengths } = typos;
  for (const s of spellings) {
    for (let i = 0; i < s.length; i++) {
      // Most windows start with no canon's first two characters: no substring is built for them
      // (a bit per hashed length and head; a false hit only costs the lookup).
      const h = headHash(s.charCodeAt(i), s.charCodeAt(i + 1));
      for (const len of lengths) {
        if (i + len > s.length) continue;
        const bit = headBit(h, len);
        if (!(heads[bit >>> 5]! & (1 << (bit & 31)))) continue;
        const variants = typos.byCanon.get(s.slice(i, i + len));
        if (!variants) continue;
        const c = s.slice(i, i + len);
        out ??= new Set(spellings);
        for (const v of variants) out.add(s.replace(c, v));
      }
    }
  }
  if (out) return [...out].sort();
  return spellings.length === 1 ? [spellings[0]!] : [...new Set(spellings)].sort();
}

interface TypoIndex {
  byCanon: Map<string, string[]>;
  lengths: number[];
  /** A bit per headBit of each canon (its length and first two UTF-16 units). */
  heads: Uint32Array;
}

/** A hash of a window's first two UTF-16 units (a one-unit string has NaN as its second, read as 0). */
const headHash = (c0: number, c1: number): number => Math.imul(c0 * 65599 + (c1 | 0), 0x85ebca6b);
const HEAD_BITS = 1 << 21;
const headBit = (h: number, len: number): number => (Math.imul(h ^ Math.imul(len, 0x9e3779b1), 0xc2b2ae35) >>> 11) & (HEAD_BITS - 1);

function typoIndex(typos: Map<string, string>): TypoIndex {
  const byCanon = new Map<string, string[]>();
  for (const [variant, canon] of typos) {
    const c = joinTokens(canon.split('\u0001'));
    const v = joinTokens(variant.split('\u0001'));
    const l = byCanon.get(c);
    if (l) l.push(v);
    else byCanon.set(c, [v]);
  }
  const heads = new Uint32Array(HEAD_BITS / 32);
  for (const k of byCanon.keys()) {
    const bit = headBit(headHash(k.charCodeAt(0), k.charCodeAt(1)), k.length);
    heads[bit >>> 5]! |= 1 << (bit & 31);
  }
  return { byCanon, lengths: [...new Set([...byCanon.keys()].map((k) => k.length))], heads };
}

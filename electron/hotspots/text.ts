/**
 * Tokens for phrase mining: each CJK character is a token, each run of Latin letters or digits is
 * one. Punctuation and spaces end a run, and no phrase crosses a run boundary.
 */
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const WORD = /[a-z0-9]/;

export type Runs = string[][];

/**
 * One string per CJK character: `for (const ch of t)` makes a new string for each character read,
 * and the worker holds every ticket's tokens for the horizon (12M at 1M tickets), which the garbage
 * collector then traced one by one. Bounded by the characters in use (tens of thousands).
 */
const CHARS = new Map<string, string>();
const intern = (ch: string): string => {
  const c = CHARS.get(ch);
  if (c !== undefined) return c;
  CHARS.set(ch, ch);
  return ch;
};

export function tokenize(s: string): Runs {
  const t = s.normalize('NFKC').toLowerCase();
  const runs: Runs = [];
  let run: string[] = [];
  let word = '';
  const endWord = (): void => {
    if (word) run.push(word);
    word = '';
  };
  const endRun = (): void => {
    endWord();
    if (run.length) runs.push(run);
    run = [];
  };
  for (const ch of t) {
    if (WORD.test(ch)) word += ch;
    else if (CJK.test(ch)) {
      endWord();
      run.push(intern(ch));
    } else if (ch === ' ' && word) endWord(); // Latin words in one run: "gerard avenue"
    else endRun();
  }
  endRun();
  return runs;
}

/**
 * Token ids shared by all documents of the process: a CJK character or a Latin word gets the next
 * id the first time it is seen. A prepared document holds its tokens as one Int32Array of ids
 * (-1 after each run) rather than an array of strings per run: the worker keeps every ticket of
 * the horizon (11M tokens in 1.2M runs at 1M tickets), and the garbage collector traced each of
 * those arrays at every major collection. The ids depend on the order tickets arrived; the miner
 * renumbers them by first use in its documents, so no result depends on them. Bounded by the
 * distinct tokens ever seen (characters in use and words).
 */
const TOKEN_ID = new Map<string, number>();
const TOKEN_NAMES: string[] = [];

/** The id of a token (a new one the first time). */
export function tokenId(t: string): number {
  let id = TOKEN_ID.get(t);
  if (id === undefined) {
    id = TOKEN_NAMES.length;
    TOKEN_ID.set(t, id);
    TOKEN_NAMES.push(t);
  }
  return id;
}

/** The tokens by id (read-only view). */
export const tokenNames: readonly string[] = TOKEN_NAMES;

/** tokenize's runs as token ids, -1 after each run. */
export const tokenizeIds = (s: string): Int32Array => runsToIds(tokenize(s));

/** Runs as token ids (see tokenizeIds). */
export function runsToIds(runs: Runs): Int32Array {
  let n = 0;
  for (const r of runs) n += r.length + 1;
  const out = new Int32Array(n);
  let k = 0;
  for (const r of runs) {
    for (const t of r) out[k++] = tokenId(t);
    out[k++] = -1;
  }
  return out;
}

const isWord = (tok: string): boolean => WORD.test(tok[0] ?? '');

/** Joins tokens into a readable phrase: Latin words with spaces, CJK characters without. */
export function joinTokens(toks: readonly string[], from = 0, to = toks.length): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const tok = toks[i]!;
    if (i > from && isWord(tok) && isWord(toks[i - 1]!)) s += ' ';
    s += tok;
  }
  return s;
}

/** A key for re-posts: the text without spaces or punctuation, first 120 characters. */
export function repostKey(title: string, text: string): string {
  const body = text.trim() ? text : title;
  return body.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '').slice(0, 120);
}

/** FNV-1a, 32 bits, as 8 hex digits: stable ids without a crypto dependency in pure code. */
export function hash32(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function dayKey(ms: number, tzOffsetMinutes: number): string {
  return new Date(ms + tzOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

export function dayIndex(ms: number, tzOffsetMinutes: number): number {
  return Math.floor((ms + tzOffsetMinutes * 60_000) / 86_400_000);
}

/** 0 = Sunday, as Date.getUTCDay on the shifted time. */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * Union-find over 0 … n − 1 with path halving; a set's representative is its smallest member
 * (`union` links the larger root under the smaller), so results do not depend on the order of unions
 * beyond which sets they join.
 */
export function unionFind(n: number): { parent: Int32Array; find(i: number): number; union(a: number, b: number): void } {
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
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
  return { parent, find, union };
}

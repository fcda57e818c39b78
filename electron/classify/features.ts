/**
 * Features of an appeal's text for the category model, without a dictionary or segmenter.
 *
 * Text is NFKC-normalised (full-width letters and digits become ASCII) and lower-cased, then cut
 * into runs: runs of Han characters give character n-grams (orders `minN..maxN`, never across
 * punctuation or a change of script), runs of Latin letters and digits give whole words (long
 * digit runs — phone, ID and ticket numbers — become their shape, `#11`, so they do not grow the
 * vocabulary). Title features count `titleWeight` times: the title is the agent's summary. With
 * `titleOwn` > 0 the title's n-grams are also added a second time under their own ids (hashed with
 * another seed), so a model can weigh a word differently in the title and in the content.
 *
 * Features are hashed (FNV-1a over UTF-16 code units) into `buckets` ids, so a bag is a
 * `Map<number, number>` (feature id → count), the model's vocabulary is bounded and no n-gram
 * string is ever allocated: extraction of a 400-character appeal takes a few microseconds.
 */

export interface FeatureOptions {
  /** Smallest Han n-gram order. @default 1 */
  minN: number;
  /** Largest Han n-gram order (1–4). @default 2 */
  maxN: number;
  /** How many times a title feature counts. @default 2 */
  titleWeight: number;
  /** Weight of the title's features in a namespace of their own, beside the shared ones (0: none). @default 0 */
  titleOwn: number;
  /** Hash space, a power of two. @default 2^20 */
  buckets: number;
  /** Text beyond this many characters (title and content each) is ignored. @default 4000 */
  maxChars: number;
}

export const DEFAULT_FEATURES: FeatureOptions = { minN: 1, maxN: 2, titleWeight: 2, titleOwn: 0, buckets: 1 << 20, maxChars: 4000 };

/** A bag of hashed features: feature id → count (title counts weighted). */
export type Features = Map<number, number>;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Digit-only runs longer than this become their shape (`#` + length). */
const MAX_LITERAL_DIGITS = 4;
/** XORed into the hash seeds of the title's own features (titleOwn). */
const TITLE_SALT = 0x7100;

const enum Kind { Other = 0, Han = 1, Word = 2 }

function kindOf(c: number): Kind {
  if (c < 0x80) {
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) return Kind.Word;
    return Kind.Other;
  }
  // CJK Unified Ideographs, Extension A, Compatibility Ideographs; surrogates (Extension B+) count as Han.
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xd800 && c <= 0xdfff)) return Kind.Han;
  // Latin-1 and Latin Extended letters (accented names), Greek, Cyrillic.
  if ((c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x370 && c <= 0x4ff)) return Kind.Word;
  return Kind.Other;
}

function hashRange(s: string, from: number, to: number, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** Normalises text the way feature extraction sees it (also used to find repeated posts). */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function addText(out: Features, raw: string, weight: number, o: FeatureOptions, salt = 0): void {
  if (!raw || weight <= 0) return;
  const s = normalizeText(raw.length > o.maxChars ? raw.slice(0, o.maxChars) : raw);
  const mask = o.buckets - 1;
  const add = (h: number) => {
    const id = h & mask;
    out.set(id, (out.get(id) ?? 0) + weight);
  };
  let i = 0;
  const len = s.length;
  while (i < len) {
    const k = kindOf(s.charCodeAt(i));
    if (k === Kind.Other) { i++; continue; }
    let j = i + 1;
    while (j < len && kindOf(s.charCodeAt(j)) === k) j++;
    if (k === Kind.Han) {
      for (let n = o.minN; n <= o.maxN; n++) {
        for (let p = i; p + n <= j; p++) add(hashRange(s, p, p + n, n ^ salt));
      }
    } else {
      let digits = true;
      for (let p = i; p < j && digits; p++) digits = s.charCodeAt(p) <= 0x39;
      if (digits && j - i > MAX_LITERAL_DIGITS) add(hashRange(`#${j - i}`, 0, `#${j - i}`.length, 0x77 ^ salt));
      else add(hashRange(s, i, j, 0x77 ^ salt));
    }
    i = j;
  }
}

/** The feature bag of an appeal: title (weighted) and content. Pure and deterministic. */
export function extractFeatures(title: string, content: string, options: Partial<FeatureOptions> = {}): Features {
  const o = options === DEFAULT_FEATURES ? DEFAULT_FEATURES : { ...DEFAULT_FEATURES, ...options };
  if ((o.buckets & (o.buckets - 1)) !== 0 || o.buckets < 2) throw new Error(`buckets must be a power of two, got ${o.buckets}`);
  const out: Features = new Map();
  addText(out, title, o.titleWeight, o);
  addText(out, title, o.titleOwn, o, TITLE_SALT);
  addText(out, content, 1, o);
  return out;
}

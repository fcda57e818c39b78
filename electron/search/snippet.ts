import type { HighlightRange, SearchSnippet } from './query';
import { normalizeText } from './tokenize';

/** Printable ASCII, CJK symbols and punctuation, CJK unified ideographs, full-width ASCII forms. */
const ONE_TO_ONE = /^[\u0020-\u007e\u3001-\u303f\u4e00-\u9fff\uff01-\uff5e]*$/;

/**
 * Where the normalised needles occur in an original (un-normalised) string, as ranges of the
 * original. Normalisation is applied per code point to keep the offset map; for the rare sequences
 * whose NFKC differs between per-character and whole-string application (combining marks), a
 * highlight may be missing, never wrong.
 */
export function highlightRanges(original: string, needles: readonly string[]): HighlightRange[] {
  if (!needles.length || !original) return [];
  let norm: string;
  let startOf: ((at: number) => number) | null = null;
  let endOf: ((at: number) => number) | null = null;
  if (ONE_TO_ONE.test(original)) {
    // Ticket text is almost always CJK, ASCII and full-width forms: NFKC maps each of these code
    // units to exactly one, so offsets carry over unchanged (and the per-character map is skipped).
    norm = normalizeText(original);
  } else {
    norm = '';
    const starts: number[] = [];
    const ends: number[] = [];
    let i = 0;
    for (const cp of original) {
      const piece = normalizeText(cp);
      for (let k = 0; k < piece.length; k++) {
        starts.push(i);
        ends.push(i + cp.length);
      }
      norm += piece;
      i += cp.length;
    }
    startOf = (at) => starts[at]!;
    endOf = (at) => ends[at]!;
  }
  const found: HighlightRange[] = [];
  for (const needle of needles) {
    if (!needle) continue;
    for (let at = norm.indexOf(needle); at !== -1; at = norm.indexOf(needle, at + 1)) {
      const last = at + needle.length - 1;
      found.push({ start: startOf ? startOf(at) : at, end: endOf ? endOf(last) : last + 1 });
    }
  }
  found.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: HighlightRange[] = [];
  for (const r of found) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

function isLowSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}

/** An excerpt of `text` around its first highlight, with the highlights inside it re-based. */
export function makeSnippet(text: string, needles: readonly string[], width = 100, lead = 20): SearchSnippet {
  const all = highlightRanges(text, needles);
  let start = all.length ? Math.max(0, all[0]!.start - lead) : 0;
  if (start > 0 && isLowSurrogate(text, start)) start--;
  let end = Math.min(text.length, start + width);
  if (end < text.length && isLowSurrogate(text, end)) end++;
  const highlights = all
    .filter((r) => r.end > start && r.start < end)
    .map((r) => ({ start: Math.max(r.start, start) - start, end: Math.min(r.end, end) - start }));
  return { text: text.slice(start, end), highlights, cutStart: start > 0, cutEnd: end < text.length };
}

/**
 * Tokenisation for ticket full-text search. Pure: no database, no Node APIs, so the same code
 * tokenises documents (in the writer) and queries (in the search worker) and can later run in a
 * PostgreSQL import job unchanged.
 *
 * The contract is SUBSTRING matching: a ticket matches a query term exactly when the normalised
 * title or the normalised content contains the normalised term. Chinese has no spaces and most
 * words are two characters, so the index is built from characters, not words:
 *
 * - normalisation: NFKC (full-width ＡＢＣ１２３ → ABC123, compatibility forms) then lower case.
 * - "indexable" characters are Unicode letters and numbers (\p{L}, \p{N}); everything else
 *   (spaces, punctuation, symbols, emoji, private-use) separates RUNS of indexable characters.
 * - every indexable character is one unit, whatever its script: CJK, Latin letters and digits
 *   alike. Latin/digit runs are deliberately NOT indexed as words (nor word prefixes): agents search
 *   the last four digits of a phone number, "3栋" inside "13栋", "12路" inside "312路"; only
 *   character grams give recall 1.0 against substring matching for those. Tickets are Chinese text
 *   with few Latin runs, so the extra grams cost little.
 * - a document yields two token streams:
 *   `uni`: the set of its characters (1-character queries);
 *   `bi`:  the overlapping bigrams of each run, in order, with a GAP token between runs and between
 *          title and content, so that a phrase of bigrams can only match contiguous characters.
 * - a query term of n ≥ 2 characters becomes the phrase of its n-1 bigrams ("油烟扰民" →
 *   "油烟 烟扰 扰民"), which matches exactly where the n characters are contiguous in one run;
 *   a 1-character term is a lookup in `uni`. A term that contains separators ("3#楼") becomes the
 *   AND of its runs plus a final substring check (see electron/store/search/sqlite-search.ts).
 * - EDGES, in the `uni` set: where separators without white space stand between two runs of one
 *   field, the token `a␁b` (the last character of the run before them, JOIN, the first of the run
 *   after them); where a run ends at a separator s, `a␃s'` (END and s's class, see sepClass); where
 *   one starts right after s, `␂s'b` (START). A term that contains separators ("12#楼", "情况。来",
 *   "年，") needs them in the document, so they are necessary conditions the index can look up; and
 *   they are rare where the term's runs are not ("12" and "楼" are in most tickets, "2␁楼" in few),
 *   so the search can start from them instead of reading every ticket that holds both runs. The
 *   separator's class (version 4) keeps "年，" from reading every ticket where 年 ends a run before
 *   "。" or a space. A term never holds white space (it splits terms), so no edge is written across
 *   it. Versions 3 and 4 of the tokenizer.
 *
 * Token strings are space-separated and contain only letters, digits and the gap token, so the
 * SQLite side indexes them with FTS5's `ascii` tokenizer (split on ASCII non-alphanumerics, every
 * non-ASCII character is a token character): no Unicode table of SQLite's can disagree with ours.
 *
 * PostgreSQL (pg-search.ts): the same two streams in one tsvector written as a literal (bigrams with
 * positions, a skipped position at each GAP; unigrams marked '.'), so PostgreSQL's own parser, which
 * in the store's C locale does not see CJK letters, is never involved; a longer term is the phrase
 * `'b1' <-> 'b2' <-> 'b3'`, a 1-character term the lexeme '.c'.
 */

import { normalizePhone } from '../../shared/domain/phone';

/**
 * Bumped whenever tokenisation changes: reindexAll rebuilds a store indexed by another version.
 * 2: a ticket's number, address, caller name and phone are indexed too (tokenizeTicket).
 * 3: edges around separators (JOIN, START, END tokens in `uni`).
 * 4: END and START edges carry the separator's class (sepClass); no edge across white space.
 */
export const TOKENIZER_VERSION = 4;

/** Separates runs in the `bi` stream. Private use: never produced from text (it is not \p{L}/\p{N}). */
export const GAP = '\uE000';
/** Edge marks (private use, never produced from text): a + JOIN + b, START + class + b, a + END + class (see EDGES above). */
export const JOIN = '\uE001';
export const START = '\uE002';
export const END = '\uE003';

/** Separator classes: private use from here on (past the marks above), one per code point modulo CLASS_COUNT. */
const CLASS_BASE = 0xe100;
const CLASS_COUNT = 0x1700;

/**
 * The class an END or START edge carries for the separator next to the run (version 4): a private-use
 * character, the same for the separator in a document and in a query (both normalised alike). Two
 * separators may share a class (code points CLASS_COUNT apart): an edge is a necessary condition,
 * checked on the text after the lookup, so sharing costs speed, never an answer.
 */
export function sepClass(sep: string): string {
  return String.fromCharCode(CLASS_BASE + (sep.codePointAt(0)! % CLASS_COUNT));
}

/** White space, as planQuery splits terms on it (/\s/u). */
function isSpace(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return /\s/u.test(ch);
}

/** NFKC + lower case; the one normalisation documents, queries and substring checks share. */
export function normalizeText(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

/** A term of these (the CJK unified ideographs and Extension A): normalisation leaves them as they are, and they compose with nothing. */
export const IDEOGRAPH_TERM = /^[\u3400-\u4dbf\u4e00-\u9fff]+$/u;

/**
 * Characters that are not such ideographs but normalise into text holding one (Kangxi radicals,
 * CJK compatibility ideographs, circled and squared ideographs …): every one of them, as the test
 * derives from normalizeText over all code points, inside these ranges.
 */
const IDEOGRAPH_FORMS = /[\u2e80-\u2fdf\u3038-\u303a\u3190-\u319f\u3220-\u3247\u3280-\u32b0\u32c0-\u32cb\u32ff\u3358-\u3370\u337b-\u337f\u33e0-\u33fe\uf900-\ufaff\u{1f200}-\u{1f2ff}\u{2f800}-\u{2fa1f}]/u;

/**
 * Whether a raw text finds a term of IDEOGRAPH_TERM exactly where its normalised form does. NFKC
 * decomposes each character on its own, moves only combining marks and composes nothing into an
 * ideograph, and lower-casing leaves ideographs alone: so the ideographs of the normalised text are
 * those of the raw text, in the same places, plus what IDEOGRAPH_FORMS turn into. Without those,
 * an ideograph term is in the normalised text if and only if it is in the raw text.
 */
export function rawFindsIdeographs(text: string | null | undefined): boolean {
  return !text || !IDEOGRAPH_FORMS.test(text);
}

/**
 * Characters each of which normalises to one character on its own, none composing with another:
 * printable ASCII, white space, the ideographs, CJK punctuation and brackets, full-width ASCII (the
 * test checks every one). A text of only these is normalised character by character.
 */
const MAPPED_ONE_TO_ONE = /^[\t\n\r\u0020-\u007e\u00b7\u2014\u2018\u2019\u201c\u201d\u3000-\u3003\u3008-\u3011\u3014-\u301f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]*$/u;

/**
 * Whether normalising a raw text maps each of its characters to one character, in place: then the
 * normalised text holds a term exactly where the raw text holds one of the term's raw spellings
 * (rawSpellings). Most texts are checked by MAPPED_ONE_TO_ONE; others character by character.
 */
export function normalisesCharByChar(text: string | null | undefined): boolean {
  if (!text || MAPPED_ONE_TO_ONE.test(text)) return true;
  if (!rawFindsIdeographs(text)) return false;
  let joined = '';
  for (const ch of text) {
    const n = normalizeText(ch);
    if (n.length !== ch.length || [...n].length !== 1) return false;
    joined += n;
  }
  return joined === normalizeText(text);
}

/** For each character, the characters outside IDEOGRAPH_FORMS that normalise to it alone (built on first use). */
let preimages: Map<string, string[]> | null = null;

/**
 * The Basic Multilingual Plane and the mathematical alphanumeric symbols (𝛁 → ∇) hold every character
 * that normalises to one character other than a letter or digit (the test checks all planes).
 */
function preimagesOf(c: string): readonly string[] {
  if (!preimages) {
    preimages = new Map();
    for (let x = 0; x <= 0x1d7ff; x = x === 0xffff ? 0x1d400 : x + 1) {
      if (x >= 0xd800 && x <= 0xdfff) continue;
      const ch = String.fromCodePoint(x);
      if (IDEOGRAPH_FORMS.test(ch)) continue;
      const n = normalizeText(ch);
      if ([...n].length !== 1) continue;
      const list = preimages.get(n);
      if (list) list.push(ch);
      else preimages.set(n, [ch]);
    }
  }
  return preimages.get(c) ?? [c];
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * The raw spellings of a normalised term (full-width and half-width punctuation …) when there are at
 * most `max`, for a text that normalisesCharByChar: it holds the term after normalisation exactly
 * when it holds one of these. Null when there are more: letters and digits have dozens of raw forms
 * (ａ, Ａ, ª, 𝐚 …), and a term with any other than ideographs is left to the JS check.
 */
export function rawSpellings(term: string, max = 8): string[] | null {
  let out = [''];
  for (const c of term) {
    let forms: readonly string[];
    if (/^[\u3400-\u4dbf\u4e00-\u9fff]$/u.test(c)) forms = [c];
    else if (LETTER_OR_DIGIT.test(c)) return null;
    else forms = preimagesOf(c);
    if (out.length * forms.length > max) return null;
    out = out.flatMap((p) => forms.map((f) => p + f));
  }
  return out;
}

const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

/** Fast paths for ASCII and the CJK unified ideographs block; the regex handles the rest. */
export function isIndexable(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  if (c >= 0x4e00 && c <= 0x9fff) return true;
  return LETTER_OR_NUMBER.test(ch);
}

/** Maximal runs of indexable characters (code points) of an already normalised string. */
export function runsOf(normalised: string): string[][] {
  const runs: string[][] = [];
  let cur: string[] = [];
  for (const ch of normalised) {
    if (isIndexable(ch)) cur.push(ch);
    else if (cur.length) {
      runs.push(cur);
      cur = [];
    }
  }
  if (cur.length) runs.push(cur);
  return runs;
}

export interface DocumentTokens {
  /** Distinct characters, space-separated. */
  uni: string;
  /** Bigrams of each run in order, runs separated by GAP. */
  bi: string;
}

/** Tokens of one ticket. Title and content are separate fields: a match never straddles them. */
export function tokenizeDocument(...fields: string[]): DocumentTokens {
  return joined(tokenSets(fields));
}

/** A document's tokens before they are joined: distinct characters and edges, bigrams in order. */
interface TokenSets { chars: Set<string>; bi: string[] }

const joined = (t: TokenSets): DocumentTokens => ({ uni: [...t.chars].join(' '), bi: t.bi.join(' ') });

function tokenSets(fields: readonly string[], prefix = ''): TokenSets {
  // The hot path of indexing (a million tickets): plain loops over code units, no per-run arrays.
  const chars = new Set<string>();
  const bi: string[] = [];
  for (const field of fields) {
    const s = normalizeText(field);
    // prev: the last character of the current run; runEnd: the last of the run before the separators
    // just read; sep: the last separator read since the last indexable character, in this field;
    // spaced: white space among those separators.
    let prev = '';
    let runEnd = '';
    let sep = '';
    let spaced = false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      let ch: string;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        ch = s.slice(i, i + 2);
        i++;
      } else {
        ch = s[i]!;
      }
      if (isIndexable(ch)) {
        chars.add(ch);
        if (prev) bi.push(prev + ch);
        else {
          if (bi.length && bi[bi.length - 1] !== GAP) bi.push(GAP);
          if (sep) {
            if (!isSpace(sep)) chars.add(START + sepClass(sep) + ch);
            if (runEnd && !spaced) chars.add(runEnd + JOIN + ch);
          }
        }
        prev = ch;
        sep = '';
      } else {
        if (prev) {
          if (!isSpace(ch)) chars.add(prev + END + sepClass(ch));
          runEnd = prev;
          spaced = false;
        }
        if (!spaced && isSpace(ch)) spaced = true;
        prev = '';
        sep = ch;
      }
    }
  }
  if (bi.length && bi[bi.length - 1] === GAP) bi.pop();
  if (prefix) return { chars: new Set([...chars].map((c) => prefix + c)), bi: bi.map((b) => (b === GAP ? GAP : prefix + b)) };
  return { chars, bi };
}

/**
 * What a ticket contributes to the index beyond its title and content. Number, address and the
 * caller's name (unless the ticket is confidential) are plain fields, searched by everyone who may
 * search. The caller's number and a confidential ticket's caller name are read-restricted
 * (ticket-intake.ts masks them per role), so their tokens carry a one-letter prefix that only
 * queries from a reader allowed to see them ask for (see `FIELD_PREFIX`).
 */
export interface TicketText {
  title: string;
  content: string;
  number?: string | null;
  address?: string | null;
  callerName?: string | null;
  /** Stored national form; indexed as its digits only, so "010-1234…" and "0101234…" agree. */
  phone?: string | null;
  confidential?: boolean;
}

/**
 * Prefixes of read-restricted tokens. A prefixed bigram has 3 characters and a prefixed unigram 2,
 * so none can equal a plain token (bigrams have 2 characters, unigrams 1).
 */
export const FIELD_PREFIX = {
  /** Phone digits of a non-confidential ticket. */
  phone: 'p',
  /** Phone digits of a confidential ticket. */
  confidentialPhone: 'q',
  /** Caller name of a confidential ticket. */
  confidentialName: 'c',
} as const;
export type FieldPrefix = (typeof FIELD_PREFIX)[keyof typeof FIELD_PREFIX];

/** Digits of a phone number, whatever its punctuation or width. */
export function phoneDigits(phone: string): string {
  return normalizeText(phone).replace(/\D/gu, '');
}

/** A field's own tokens (characters, edges, bigrams), each behind `prefix`, added to a document's. */
function appendPrefixed(tokens: TokenSets, prefix: string, text: string): void {
  const own = tokenSets([text], prefix);
  if (!own.chars.size) return;
  for (const c of own.chars) tokens.chars.add(c);
  if (own.bi.length) {
    if (tokens.bi.length) tokens.bi.push(GAP);
    for (const b of own.bi) tokens.bi.push(b);
  }
}

/** Tokens of one ticket: title, content and its identifying fields (restricted ones prefixed). */
export function tokenizeTicket(t: TicketText): DocumentTokens {
  const publicName = t.confidential ? '' : t.callerName ?? '';
  // Joined once: the restricted fields' tokens go into the same sets (the whole document's tokens
  // were split and joined again for each, a tenth of an intake save at 1M tickets).
  const tokens = tokenSets([t.title, t.content, t.number ?? '', t.address ?? '', publicName]);
  const digits = t.phone ? phoneDigits(t.phone) : '';
  if (digits) appendPrefixed(tokens, t.confidential ? FIELD_PREFIX.confidentialPhone : FIELD_PREFIX.phone, digits);
  if (t.confidential && t.callerName) appendPrefixed(tokens, FIELD_PREFIX.confidentialName, t.callerName);
  return joined(tokens);
}

/** The bigram phrase of one run of ≥ 2 characters. */
export function queryBigrams(run: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < run.length; i++) out.push(run[i]! + run[i + 1]!);
  return out;
}

/** What the index can do for one query term. */
export interface TermPlan {
  /** The normalised term, as the substring check sees it. */
  text: string;
  /** Runs of 1 character: look up in `uni`. */
  chars: string[];
  /** Runs of ≥ 2 characters: bigram phrases in `bi`. */
  phrases: string[][];
  /**
   * Edge tokens around the term's separators, looked up in `uni` like characters (see EDGES above);
   * none for a term that may match a caller's phone number (phone digits are indexed without edges).
   */
  edges: string[];
  /** True when the index answer is exact (one run, no separators); else a substring check follows. */
  exact: boolean;
}

/** The edge tokens a document must hold to contain `text` (normalised, no white space). */
export function termEdges(text: string): string[] {
  const out: string[] = [];
  let prev = '';
  let runEnd = '';
  let sep = '';
  // A term holds no white space (planQuery splits on it); the edges are the documents' (tokenSets).
  for (const ch of text) {
    if (isIndexable(ch)) {
      if (!prev && sep) {
        out.push(START + sepClass(sep) + ch);
        if (runEnd) out.push(runEnd + JOIN + ch);
      }
      prev = ch;
      sep = '';
    } else {
      if (prev) {
        out.push(prev + END + sepClass(ch));
        runEnd = prev;
      }
      prev = '';
      sep = ch;
    }
  }
  return [...new Set(out)];
}

/** Digits with the punctuation of a phone number only: such a term may match the caller's number (results.ts phoneNeedle). */
const PHONE_LIKE = /^[\d\s\-()+]+$/u;

/**
 * Splits a query into terms on white space (all terms must match: AND) and plans each term.
 * Characters the index cannot see (punctuation, symbols) stay in `text` and are checked literally.
 */
export function planQuery(query: string): TermPlan[] {
  const terms = collapsePhoneNumbers(normalizeText(query)).split(/\s+/u).filter(Boolean);
  return terms.map((text) => {
    const runs = runsOf(text);
    const chars: string[] = [];
    const phrases: string[][] = [];
    for (const run of runs) {
      if (run.length === 1) chars.push(run[0]!);
      else phrases.push(queryBigrams(run));
    }
    const exact = runs.length === 1 && [...text].length === runs[0]!.length;
    const edges = exact || (PHONE_LIKE.test(text) && /\d/u.test(text)) ? [] : termEdges(text);
    return { text, chars, phrases, edges, exact };
  });
}

/** A span of digits with the punctuation people write phone numbers with ("+86 138-1234 5678", "(010) 1234 5678"). */
const PHONE_SPAN = /[+(]*\d[\d\s\-()+]*\d\)?/gu;

/**
 * Replaces each complete phone number in a (normalised) query by its stored national digits, so
 * that the spaces, dashes, brackets and +86 an agent types do not split it into several terms or
 * miss the stored form. Spans that are not a valid Chinese number (dates, "3 12") stay as typed.
 */
export function collapsePhoneNumbers(normalised: string): string {
  return normalised.replace(PHONE_SPAN, (span) => {
    const digits = span.replace(/\D/gu, '');
    if (digits.length < 7) return span;
    const r = normalizePhone(span);
    return r.ok && (r.phone.kind === 'mobile' || r.phone.extension === null) ? r.phone.national : span;
  });
}

/** Quotes a token list as one FTS5 string (a phrase when it has several tokens). Tokens never hold a quote. */
export function ftsPhrase(tokens: readonly string[]): string {
  return `"${tokens.join(' ')}"`;
}

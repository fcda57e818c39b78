/**
 * The real labelled citizen messages (../shared/data/real, 2020 TipDM "智慧政务" data) for
 * evaluation only: they are read at test time and never copied into the product or demo data.
 *
 * Repeat posts are a known quirk (the same complaint re-posted under another id, often with a new
 * title or a few words changed), so rows are grouped by near-duplicate text before any split: a
 * group is on one side of a split, never both. Exact duplicates (same normalised text) are dropped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeText } from '../../electron/classify/features';

/** The repository sits beside ../shared; REAL_DATA_DIR overrides. */
export const REAL_DIR = process.env.REAL_DATA_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data/real');
export const LABELLED = resolve(REAL_DIR, 'messages-labelled.jsonl');
export const SEGMENTED = resolve(REAL_DIR, 'messages-labelled-segmented.jsonl');
export const realDataPresent = () => existsSync(LABELLED) && existsSync(SEGMENTED);

export interface Message { id: string; title: string; text: string; category: string; group: number }
export interface SegMessage { id: string; text: string; category: string }

const readJsonl = <T>(file: string): T[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
/** Letters and digits only: what repeat posts have in common. */
export const squash = (s: string) => normalizeText(s).replace(/[^\p{L}\p{N}]+/gu, '');

/** FNV-1a of a string: a split by it is deterministic across runs and machines. */
export function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function shingles(s: string, n = 3): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= s.length; i++) out.add(s.slice(i, i + n));
  return out;
}

export interface LoadedMessages {
  rows: Message[];
  read: number;
  exactDuplicates: number;
  /** Pairs of distinct rows whose 3-gram Jaccard similarity is ≥ NEAR_DUP. */
  nearDuplicatePairs: number;
  /** Rows that share their group with at least one other row. */
  rowsInGroups: number;
  groups: number;
}

export const NEAR_DUP = 0.5;

export function loadLabelled(): LoadedMessages {
  const raw = readJsonl<{ id: string; title: string | null; text: string | null; category: string }>(LABELLED);
  const seen = new Set<string>();
  const rows: Message[] = [];
  for (const r of raw) {
    const key = squash(`${r.title ?? ''}${r.text ?? ''}`);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ id: r.id, title: r.title ?? '', text: r.text ?? '', category: r.category, group: rows.length });
  }
  // Near duplicates by 3-gram Jaccard, through an inverted index of the rarer shingles; union-find groups.
  const sh = rows.map((r) => shingles(squash(r.title + r.text)));
  const index = new Map<string, number[]>();
  sh.forEach((set, i) => { for (const g of set) { const a = index.get(g); if (a) a.push(i); else index.set(g, [i]); } });
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => { while (parent[i] !== i) { parent[i] = parent[parent[i]!]!; i = parent[i]!; } return i; };
  let pairs = 0;
  sh.forEach((set, i) => {
    const hits = new Map<number, number>();
    for (const g of set) {
      const a = index.get(g)!;
      if (a.length > 100) continue;
      for (const j of a) if (j > i) hits.set(j, (hits.get(j) ?? 0) + 1);
    }
    for (const [j, h] of hits) {
      if (h / (set.size + sh[j]!.size - h) >= NEAR_DUP) {
        pairs++;
        parent[find(j)] = find(i);
      }
    }
  });
  const size = new Map<number, number>();
  rows.forEach((r, i) => { r.group = find(i); size.set(r.group, (size.get(r.group) ?? 0) + 1); });
  return {
    rows, read: raw.length, exactDuplicates: raw.length - rows.length, nearDuplicatePairs: pairs,
    rowsInGroups: rows.filter((r) => size.get(r.group)! > 1).length, groups: size.size,
  };
}

/** Fold (0..folds-1) of a row: by a hash of its group's first id, so repeat posts stay together. */
export function foldOf(rows: Message[], folds: number): (r: Message) => number {
  const key = new Map<number, string>();
  for (const r of rows) if (!key.has(r.group)) key.set(r.group, r.id);
  return (r) => fnv(key.get(r.group)!) % folds;
}

export function loadSegmented(): SegMessage[] {
  return readJsonl<{ id: string; text_seg: string; category: string }>(SEGMENTED)
    .map((r) => ({ id: r.id, text: r.text_seg.replace(/\s+/g, ''), category: r.category }));
}

/**
 * The segmented rows that are (near) copies of a held-out message: the segmented file is another
 * cut of the same platform's messages, with stopwords removed. A segmented row counts as a copy
 * when ≥ 80 % (`threshold`) of its within-word 3-grams occur in the message (and it has at least 8 of them).
 */
export function leakingSegmented(seg: { id: string }[], segRaw: Map<string, string>, held: Message[], threshold = 0.8): Set<string> {
  const heldGrams = held.map((m) => shingles(squash(m.title + m.text)));
  const index = new Map<string, number[]>();
  heldGrams.forEach((set, i) => { for (const g of set) { const a = index.get(g); if (a) a.push(i); else index.set(g, [i]); } });
  const out = new Set<string>();
  for (const s of seg) {
    const grams = new Set<string>();
    for (const word of (segRaw.get(s.id) ?? '').split(/\s+/)) for (const g of shingles(squash(word))) grams.add(g);
    if (grams.size < 8) continue;
    const hits = new Map<number, number>();
    for (const g of grams) for (const i of index.get(g) ?? []) hits.set(i, (hits.get(i) ?? 0) + 1);
    for (const h of hits.values()) if (h / grams.size >= threshold) { out.add(s.id); break; }
  }
  return out;
}

export function loadSegmentedRaw(): Map<string, string> {
  return new Map(readJsonl<{ id: string; text_seg: string }>(SEGMENTED).map((r) => [r.id, r.text_seg]));
}

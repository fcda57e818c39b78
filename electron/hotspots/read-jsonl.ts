import type { HotspotInput } from './types';

export type LineResult = { ok: true; input: HotspotInput } | { ok: false; error: string };

/**
 * Parses a naive local time ("2019-01-05 12:33:00", "2019/1/5 12:33", ISO with or without zone).
 * Naive times are read as UTC so that day boundaries are those of the source's own clock.
 */
export function parseTime(v: unknown): number | null | undefined {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(v.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = m;
  const base = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s);
  if (!Number.isFinite(base) || +mo! < 1 || +mo! > 12 || +d! < 1 || +d! > 31) return undefined;
  if (!zone || zone === 'Z') return base;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return base - sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
}

/** One line of the analysts' format: {id, title, text, time}; other fields ignored. */
export function parseMessageLine(line: string): LineResult {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return { ok: false, error: `not valid JSON (${(e as Error).message})` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, error: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  const id = typeof o.id === 'number' ? String(o.id) : o.id;
  if (typeof id !== 'string' || !id) return { ok: false, error: 'missing "id" (a string or number)' };
  const title = o.title ?? '';
  const text = o.text ?? '';
  if (typeof title !== 'string') return { ok: false, error: '"title" is not a string' };
  if (typeof text !== 'string') return { ok: false, error: '"text" is not a string' };
  if (!title.trim() && !text.trim()) return { ok: false, error: 'both "title" and "text" are empty' };
  const time = parseTime(o.time);
  if (time === undefined) return { ok: false, error: `"time" is not a date: ${JSON.stringify(o.time).slice(0, 40)}` };
  return { ok: true, input: { id, title, text, time } };
}

/** ISO-like local time without zone, as the input gave it. */
export function formatTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().slice(0, 19);
}

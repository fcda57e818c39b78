/**
 * Seeded randomness for the demo generator. Everything the generator makes comes from here, never
 * from Math.random or the clock, so one seed always gives byte-identical data (tests and benchmark
 * caches depend on that).
 */

/** A 32-bit integer hash of a few integers (murmur3's finaliser over a simple combine). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Small Fast Counter (sfc32): fast, well mixed, and 128 bits of state is plenty for demo data. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number, stream = 0) {
    this.a = hash32(seed, stream, 1);
    this.b = hash32(seed, stream, 2);
    this.c = hash32(seed, stream, 3);
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Roughly normal (Irwin–Hall of 4), cheap and bounded. */
  normal(mean: number, sd: number): number {
    const s = this.float() + this.float() + this.float() + this.float() - 2;
    return mean + s * sd * 1.732;
  }

  /** Index drawn from a cumulative weight table (see `cumulative`). */
  weighted(cum: Float64Array): number {
    const x = this.float() * cum[cum.length - 1]!;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > x) hi = mid; else lo = mid + 1;
    }
    return lo;
  }

  /** A fresh generator whose stream depends only on this one's next draw. */
  fork(stream: number): Rng {
    return new Rng(this.u32(), stream);
  }
}

export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => { s += w; out[i] = s; });
  return out;
}

export function pickWeighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let x = rng.float() * total;
  for (const [v, w] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return items[items.length - 1]![0];
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A UUIDv7 for time `ms` with its random bits from `rng`: same layout as `util/ids.ts` (time-ordered
 * keys keep B-tree inserts append-mostly) but reproducible.
 */
export function seededUuidv7(ms: number, rng: Rng): string {
  return uuidv7FromBits(ms, rng.u32(), rng.u32(), rng.u32());
}

/** UUIDv7 text for time `ms` with the given random bits (only 74 of the 96 are used). */
export function uuidv7FromBits(ms: number, r1: number, r2: number, r3: number): string {
  const hi = Math.floor(ms / 2 ** 16);
  const lo = ms % 2 ** 16;
  const t = hi.toString(16).padStart(8, '0') + '-' + lo.toString(16).padStart(4, '0');
  const a = 0x7000 | (r1 & 0x0fff);
  const b = 0x8000 | ((r1 >>> 16) & 0x3fff);
  return `${t}-${a.toString(16)}-${b.toString(16)}-${HEX[r2 & 0xff]}${HEX[(r2 >>> 8) & 0xff]}${HEX[(r2 >>> 16) & 0xff]}${HEX[r2 >>> 24]}${HEX[r3 & 0xff]}${HEX[(r3 >>> 8) & 0xff]}`;
}

const PAD2: string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const DAY_MS = 86_400_000;
const dayPrefix = new Map<number, string>();

/**
 * `new Date(ms).toISOString()`, several times faster: the generator formats ~10 timestamps per
 * ticket and Date#toISOString was the largest single cost of generating a million tickets.
 */
export function isoUtc(ms: number): string {
  const t = Math.round(ms);
  const day = Math.floor(t / DAY_MS);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    if (dayPrefix.size > 20_000) dayPrefix.clear();
    dayPrefix.set(day, prefix);
  }
  let r = t - day * DAY_MS;
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const s = Math.floor(r / 1000);
  return `${prefix}${PAD2[h]}:${PAD2[m]}:${PAD2[s]}.${PAD3[r - s * 1000]}Z`;
}

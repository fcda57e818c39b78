import { CITY, GIVEN_FEMALE, GIVEN_MALE, SURNAMES } from './lexicon';
import { cumulative, hash32, uuidv7FromBits } from './prng';

/**
 * Citizens are a pure function of (seed, index): the ticket generator can name caller #i without
 * keeping a million people in memory. Phone numbers come from a bijection of the index, so two
 * citizens never share a number (the store's citizens_phone index is unique).
 */
export interface CitizenIdentity {
  index: number;
  phone: string;
  /** Null when the caller never gave a name. */
  name: string | null;
  surname: string;
  female: boolean;
}

const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '153',
  '155', '156', '157', '158', '159', '166', '173', '175', '176', '177', '178', '180', '181', '182', '183',
  '184', '185', '186', '187', '188', '189', '191', '193', '195', '198', '199',
];
const SURNAME_CUM = cumulative(SURNAMES.map(([, w]) => w));
const SUFFIX_SPACE = 100_000_000;
/** Odd and not a multiple of 5, hence a unit mod 10^8: index → suffix is one-to-one. */
const SUFFIX_MULTIPLIER = 61_803_397;

function pickCum(cum: Float64Array, u: number): number {
  const x = u * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > x) hi = mid; else lo = mid + 1;
  }
  return lo;
}

export function citizenAt(seed: number, index: number): CitizenIdentity {
  if (index < 0 || index >= SUFFIX_SPACE) throw new RangeError(`citizen index ${index} out of range`);
  const h1 = hash32(seed, index, 11);
  const h2 = hash32(seed, index, 12);
  const offset = hash32(seed, 0x9b0e) % SUFFIX_SPACE;
  const suffix = String((index * SUFFIX_MULTIPLIER + offset) % SUFFIX_SPACE).padStart(8, '0');
  const first = suffix.charCodeAt(0) - 48;
  // About 8% call from a fixed line; local numbers cannot start with 0, 1 or 9.
  const fixed = (h1 % 100) < 11 && first >= 2 && first <= 8;
  const phone = fixed ? CITY.areaCode + suffix : MOBILE_PREFIXES[h1 % MOBILE_PREFIXES.length]! + suffix;
  const surname = SURNAMES[pickCum(SURNAME_CUM, (h2 & 0xffff) / 65536)]![0];
  const female = ((h2 >>> 16) & 1) === 1;
  const pool = female ? GIVEN_FEMALE : GIVEN_MALE;
  const h3 = hash32(seed, index, 13);
  const g1 = pool[h3 % pool.length]!;
  const g2 = ((h3 >>> 20) % 10) < 7 ? pool[(h3 >>> 8) % pool.length]! : '';
  const hasName = ((h2 >>> 17) % 100) >= 9;
  return { index, phone, name: hasName ? surname + g1 + g2 : null, surname, female };
}

/** A citizen's row id, stamped with the moment the citizen first called. */
export function citizenId(seed: number, index: number, firstCallMs: number): string {
  return uuidv7FromBits(firstCallMs, hash32(seed, index, 21), hash32(seed, index, 22), hash32(seed, index, 23));
}

export const PHONE_PATTERN = /^(1[3-9]\d{9}|0\d{2,3}[2-8]\d{6,7})$/;

/**
 * Chinese phone numbers as callers give them and as PBXs deliver them: "138 1234 5678",
 * "+86 138-1234-5678", "013812345678" (trunk 0 some PBXs add to a mobile from another city),
 * "(010) 1234-5678", "0755-1234567 转 801", full-width digits typed with a Chinese IME.
 *
 * `national` is the canonical form to store and to look a caller up by: the 11 mobile digits, or
 * trunk 0 + area code + local number for a fixed line. Area codes are prefix-free (010 and 02x have
 * three digits, every other one four), so `national` always splits back unambiguously.
 */
export type NormalizedPhone =
  | { kind: 'mobile'; national: string; display: string }
  | { kind: 'fixed_line'; national: string; areaCode: string; local: string; extension: string | null; display: string };

export type PhoneError =
  | 'empty'
  | 'invalid_characters'
  /** Starts like a mobile (1…) but is not 1[3-9] + 9 digits. */
  | 'invalid_mobile'
  /** Has an area code, but the local number has the wrong length or starts with 0. */
  | 'invalid_fixed_line'
  /** A bare 7–8 digit local number and no default area code to place it. */
  | 'missing_area_code'
  /** An international number outside mainland China. */
  | 'foreign_number'
  /** Service and short numbers (12345, 110, 95xxx, 400…) and anything else. */
  | 'unrecognised';

export type PhoneResult = { ok: true; phone: NormalizedPhone } | { ok: false; error: PhoneError };

export interface NormalizeOptions {
  /** Area code of the hotline's city (e.g. "0755"), used for local numbers given without one. */
  defaultAreaCode?: string;
}

const MOBILE = /^1[3-9]\d{9}$/;
const EXTENSION = /^(.*?)\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$/i;
const ALLOWED = /^[\d\s+\-()]*$/;

function areaCodeLength(digits: string): 3 | 4 | null {
  if (/^0(?:10|2\d)/.test(digits)) return 3;
  if (/^0[3-9]\d\d/.test(digits)) return 4;
  return null;
}

function fixedLine(areaCode: string, local: string, extension: string | null): PhoneResult {
  const areaLen = areaCodeLength(areaCode);
  const lengthsOk = areaLen === 3 ? local.length === 8 : local.length === 7 || local.length === 8;
  // A local number never starts with 0: that is a second trunk prefix, a typo. Real ones do not
  // start with 1 either, but example numbers such as 010-12345678 fill forms and demo data, and
  // the length rule already catches a mobile typed after an area code.
  if (areaLen === null || areaLen !== areaCode.length || !lengthsOk || local.startsWith('0')) {
    return { ok: false, error: 'invalid_fixed_line' };
  }
  const display = `${areaCode}-${local}${extension ? `-${extension}` : ''}`;
  return { ok: true, phone: { kind: 'fixed_line', national: areaCode + local, areaCode, local, extension, display } };
}

function classify(digits: string, extension: string | null, options: NormalizeOptions): PhoneResult {
  if (MOBILE.test(digits)) return { ok: true, phone: { kind: 'mobile', national: digits, display: digits } };
  if (/^01[3-9]\d{9}$/.test(digits)) return classify(digits.slice(1), extension, options);
  if (digits.startsWith('1')) return { ok: false, error: digits.length === 11 ? 'invalid_mobile' : 'unrecognised' };
  if (digits.startsWith('00')) return { ok: false, error: 'foreign_number' };
  if (digits.startsWith('0')) {
    const len = areaCodeLength(digits);
    if (len === null) return { ok: false, error: 'invalid_fixed_line' };
    return fixedLine(digits.slice(0, len), digits.slice(len), extension);
  }
  if (/^[2-9]\d{6,7}$/.test(digits)) {
    const area = options.defaultAreaCode;
    if (area === undefined) return { ok: false, error: 'missing_area_code' };
    return fixedLine(area, digits, extension);
  }
  return { ok: false, error: 'unrecognised' };
}

/** Parses a number into its canonical form, or says why it is not a usable Chinese number. */
export function normalizePhone(input: string, options: NormalizeOptions = {}): PhoneResult {
  // NFKC turns full-width digits, ＋ and － (common with Chinese IMEs) into ASCII.
  let s = input.normalize('NFKC').trim();
  if (s === '') return { ok: false, error: 'empty' };

  let extension: string | null = null;
  const ext = EXTENSION.exec(s);
  if (ext) {
    s = ext[1] ?? '';
    extension = ext[2] ?? null;
  }
  if (!ALLOWED.test(s)) return { ok: false, error: 'invalid_characters' };

  let international = false;
  let rest = s.replace(/[\s()]/g, '');
  if (rest.startsWith('+86')) [rest, international] = [rest.slice(3), true];
  else if (rest.startsWith('0086')) [rest, international] = [rest.slice(4), true];
  else if (rest.startsWith('+')) return { ok: false, error: 'foreign_number' };
  else if (/^861[3-9]\d{9}$/.test(rest.replace(/-/g, ''))) rest = rest.replace(/-/g, '').slice(2); // 86 without +

  const groups = rest.split('-').filter((g) => g !== '');
  if (groups.length === 0) return { ok: false, error: 'empty' };
  const toNational = (digits: string) =>
    // Abroad the trunk 0 is dropped (+86 10 …); put it back unless it is a mobile or already there.
    international && !digits.startsWith('0') && !MOBILE.test(digits) ? `0${digits}` : digits;

  const whole = classify(toNational(groups.join('')), extension, options);
  if (whole.ok || extension !== null || groups.length < 3) return whole;
  // "010-12345678-801": a trailing group after a complete fixed line is its extension.
  const last = groups[groups.length - 1] ?? '';
  const withoutLast = classify(toNational(groups.slice(0, -1).join('')), last, options);
  return withoutLast.ok && withoutLast.phone.kind === 'fixed_line' && last.length <= 6 ? withoutLast : whole;
}

export function isValidPhone(input: string, options: NormalizeOptions = {}): boolean {
  return normalizePhone(input, options).ok;
}

/**
 * The number as shown to roles that need not see it (a department handling a 举报 must not learn
 * who reported): a mobile keeps its first 3 and last 4 digits (138****5678); a fixed line keeps
 * its area code and last 4 digits (010-****5678) and drops any extension. Something that does not
 * parse keeps only its last 4 digits, so a bad number never leaks more than a good one.
 */
export function maskPhone(input: string | NormalizedPhone): string {
  const parsed = typeof input === 'string' ? unwrap(input) : input;
  if (parsed?.kind === 'mobile') return `${parsed.national.slice(0, 3)}****${parsed.national.slice(-4)}`;
  if (parsed?.kind === 'fixed_line') return `${parsed.areaCode}-${'*'.repeat(parsed.local.length - 4)}${parsed.local.slice(-4)}`;
  const digits = (typeof input === 'string' ? input.normalize('NFKC') : '').replace(/\D/g, '');
  return digits.length <= 4 ? '*'.repeat(digits.length) : '*'.repeat(digits.length - 4) + digits.slice(-4);
}

function unwrap(input: string): NormalizedPhone | null {
  const r = normalizePhone(input);
  return r.ok ? r.phone : null;
}

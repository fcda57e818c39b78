import { describe, expect, it } from 'vitest';
import { isValidPhone, maskPhone, normalizePhone, type PhoneError } from './phone';

describe('normalizePhone: mobiles', () => {
  it.each([
    ['13812345678'],
    ['138 1234 5678'],
    ['138-1234-5678'],
    ['+86 138 1234 5678'],
    ['+86-13812345678'],
    ['008613812345678'],
    ['8613812345678'],
    ['013812345678'], // trunk 0 added by some PBXs
    ['１３８１２３４５６７８'], // full-width, as typed with a Chinese IME
    ['＋８６ １３８１２３４５６７８'],
  ])('%s → 13812345678', (input) => {
    expect(normalizePhone(input)).toEqual({ ok: true, phone: { kind: 'mobile', national: '13812345678', display: '13812345678' } });
  });

  it('accepts every 1[3-9] prefix and refuses 10, 11 and 12', () => {
    for (const p of ['13', '14', '15', '16', '17', '18', '19']) expect(isValidPhone(`${p}912345678`), p).toBe(true);
    for (const p of ['10', '11', '12']) expect(normalizePhone(`${p}912345678`), p).toEqual({ ok: false, error: 'invalid_mobile' });
  });
});

describe('normalizePhone: fixed lines', () => {
  it.each([
    ['010-12345678', '010', '12345678', null, '010-12345678'],
    ['(010) 1234 5678', '010', '12345678', null, '010-12345678'],
    ['01012345678', '010', '12345678', null, '010-12345678'],
    ['021-87654321', '021', '87654321', null, '021-87654321'],
    ['0755-1234567', '0755', '1234567', null, '0755-1234567'],
    ['0755-12345678', '0755', '12345678', null, '0755-12345678'],
    ['075512345678', '0755', '12345678', null, '0755-12345678'],
    ['+86 10 12345678', '010', '12345678', null, '010-12345678'],
    ['+86-755-1234567', '0755', '1234567', null, '0755-1234567'],
    ['010-12345678-801', '010', '12345678', '801', '010-12345678-801'],
    ['0755-1234567 转 801', '0755', '1234567', '801', '0755-1234567-801'],
    ['010-12345678 ext. 12', '010', '12345678', '12', '010-12345678-12'],
  ])('%s → %s %s', (input, areaCode, local, extension, display) => {
    expect(normalizePhone(input)).toEqual({
      ok: true, phone: { kind: 'fixed_line', national: areaCode + local, areaCode, local, extension, display },
    });
  });

  it('places a bare local number in the hotline city when told which', () => {
    expect(normalizePhone('8765 4321', { defaultAreaCode: '0755' })).toMatchObject({ ok: true, phone: { national: '075587654321' } });
    expect(normalizePhone('87654321')).toEqual({ ok: false, error: 'missing_area_code' });
  });
});

describe('normalizePhone: refusals', () => {
  it.each<[string, PhoneError]>([
    ['', 'empty'],
    ['   ', 'empty'],
    ['138abc45678', 'invalid_characters'],
    ['1381234567', 'unrecognised'], // 10 digits
    ['138123456789', 'unrecognised'], // 12 digits
    ['010-1234567', 'invalid_fixed_line'], // 3-digit area codes have 8-digit numbers
    ['0755-123456', 'invalid_fixed_line'],
    ['0755-01234567', 'invalid_fixed_line'], // local numbers never start with 0
    ['010-123456789', 'invalid_fixed_line'],
    ['+1 415 555 0100', 'foreign_number'],
    ['0014155550100', 'foreign_number'],
    ['12345', 'unrecognised'],
    ['110', 'unrecognised'],
    ['400-123-4567', 'unrecognised'],
  ])('%j → %s', (input, error) => {
    expect(normalizePhone(input)).toEqual({ ok: false, error });
  });
});

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits of a mobile', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
  });

  it('keeps the area code and the last 4 digits of a fixed line and drops the extension', () => {
    expect(maskPhone('010-12345678')).toBe('010-****5678');
    expect(maskPhone('0755-1234567')).toBe('0755-***4567');
    expect(maskPhone('010-12345678-801')).toBe('010-****5678');
  });

  it('masks a parsed number the same way', () => {
    const r = normalizePhone('021 8765 4321');
    if (!r.ok) throw new Error('should parse');
    expect(maskPhone(r.phone)).toBe('021-****4321');
  });

  it('never shows more than the last 4 digits of something it cannot parse', () => {
    expect(maskPhone('400-123-4567')).toBe('******4567');
    expect(maskPhone('12345')).toBe('*2345');
    expect(maskPhone('110')).toBe('***');
    expect(maskPhone('')).toBe('');
  });
});

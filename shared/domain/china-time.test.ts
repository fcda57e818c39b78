import { describe, expect, it } from 'vitest';
import {
  addDays, chinaDateCompact, chinaDateKey, chinaDateTime, chinaDayNumber, chinaHour, chinaMonthRange, dayNumberOfKey, endOfChinaDay,
  fromChinaWallClock, isDateKey, isoWeekday, keyOfDayNumber, requireDayNumber, startOfChinaDay,
} from './china-time';

const at = (iso: string) => new Date(iso);

describe('China time', () => {
  it('starts the China day at 16:00 UTC of the day before', () => {
    expect(chinaDateKey(at('2026-03-01T15:59:59.999Z'))).toBe('2026-03-01');
    expect(chinaDateKey(at('2026-03-01T16:00:00.000Z'))).toBe('2026-03-02');
    expect(chinaDayNumber(at('2026-03-01T16:00:00.000Z')) - chinaDayNumber(at('2026-03-01T15:59:59.999Z'))).toBe(1);
    expect(chinaHour(at('2026-03-01T15:59:59Z'))).toBe(23);
    expect(chinaHour(at('2026-03-01T16:00:00Z'))).toBe(0);
    expect(chinaHour(at('2026-03-01T01:30:00Z'))).toBe(9);
  });

  it('turns the year and leap day over on China time', () => {
    expect(chinaDateKey(at('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
    expect(chinaDateCompact(at('2025-12-31T15:59:59Z'))).toBe('20251231');
    expect(chinaDateCompact(at('2025-12-31T16:00:00Z'))).toBe('20260101');
    expect(chinaDateKey(at('2028-02-28T16:00:00Z'))).toBe('2028-02-29');
    expect(chinaDateTime(at('2026-06-30T23:05:09Z'))).toBe('2026-07-01 07:05');
  });

  it('gives a date its first and last second in China', () => {
    expect(startOfChinaDay('2026-01-01').toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(endOfChinaDay('2026-01-01').toISOString()).toBe('2026-01-01T15:59:59.000Z');
    expect(chinaDateKey(startOfChinaDay('2026-05-20'))).toBe('2026-05-20');
    expect(chinaDateKey(endOfChinaDay('2026-05-20'))).toBe('2026-05-20');
    expect(chinaDateKey(new Date(endOfChinaDay('2026-05-20').getTime() + 1000))).toBe('2026-05-21');
  });

  it('refuses dates that do not exist', () => {
    for (const bad of ['2025-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-1-1', '20260101', '', '2026-01-01T00:00']) {
      expect(isDateKey(bad), bad).toBe(false);
      expect(dayNumberOfKey(bad), bad).toBeNull();
      expect(() => requireDayNumber(bad), bad).toThrow(RangeError);
      expect(() => startOfChinaDay(bad), bad).toThrow(RangeError);
      expect(() => endOfChinaDay(bad), bad).toThrow(RangeError);
      expect(() => addDays(bad, 1), bad).toThrow(RangeError);
    }
    expect(isDateKey('2024-02-29')).toBe(true);
    expect(() => chinaDateKey(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => chinaDayNumber(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('counts calendar days and weekdays on date keys', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2026-01-01', 0)).toBe('2026-01-01');
    expect(keyOfDayNumber(requireDayNumber('2026-07-15'))).toBe('2026-07-15');
    expect(keyOfDayNumber(chinaDayNumber(at('2026-07-14T16:00:00Z')))).toBe('2026-07-15');
    // 2026-01-05 is a Monday, 1970-01-01 a Thursday, 1969-12-28 a Sunday.
    expect(['2026-01-05', '2026-01-06', '2026-01-10', '2026-01-11'].map(isoWeekday)).toEqual([1, 2, 6, 7]);
    expect(isoWeekday('1970-01-01')).toBe(4);
    expect(isoWeekday('1969-12-28')).toBe(7);
  });

  it('bounds a China month by its first midnights', () => {
    const jan = chinaMonthRange('2026-01');
    expect([jan.start.toISOString(), jan.end.toISOString()]).toEqual(['2025-12-31T16:00:00.000Z', '2026-01-31T16:00:00.000Z']);
    const dec = chinaMonthRange('2026-12');
    expect([dec.start.toISOString(), dec.end.toISOString()]).toEqual(['2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z']);
    expect(chinaMonthRange('2028-02').end.toISOString()).toBe('2028-02-29T16:00:00.000Z');
    for (const bad of ['2026-13', '2026-00', '2026-1', '2026-01-01', '']) expect(() => chinaMonthRange(bad), bad).toThrow(RangeError);
  });

  it('reads a China wall-clock time as an instant, and refuses impossible ones', () => {
    expect(fromChinaWallClock(2026, 1, 1)?.toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(fromChinaWallClock(2026, 3, 15, 8, 30, 5)?.toISOString()).toBe('2026-03-15T00:30:05.000Z');
    expect(fromChinaWallClock(2026, 3, 15, 23, 59, 59)?.toISOString()).toBe('2026-03-15T15:59:59.000Z');
    const bad: [number, number, number, number?, number?, number?][] = [
      [2026, 2, 30], [2026, 13, 1], [2026, 0, 1], [2026, 1, 1, 24], [2026, 1, 1, 12, 60], [2026, 1, 1, 12, 0, 60], [2026, 1, 1, -1],
    ];
    for (const b of bad) expect(fromChinaWallClock(...b), String(b)).toBeNull();
  });
});

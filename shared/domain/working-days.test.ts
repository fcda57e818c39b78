import { describe, expect, it } from 'vitest';
import chineseDays from 'chinese-days';
import { CHINA_CALENDAR_2025_2026 as CAL } from './calendar-cn';
import {
  addWorkingDays, calendarYears, isWorkingDay, nextWorkingDay, sameDayDeadline,
  validateWorkingDayCalendar, workingDayCalendarSchema, workingDaysBetween, type WorkingDayCalendar,
} from './working-days';
import { chinaDateKey, endOfChinaDay } from './china-time';

// chinese-days' own functions misread dates west of UTC (see calendar-cn.test.ts); consult them only east of it.
const westOfUtc = new Date('2025-06-01T00:00:00Z').getTimezoneOffset() > 0;

/** An instant given as China local wall-clock time. */
const cst = (local: string) => new Date(`${local}+08:00`);
/** End of a China-local day, as the deadline functions return it. */
const eod = (day: string) => cst(`${day}T23:59:59`);

function* daysOf(from: string, to: string): Generator<string> {
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    yield new Date(t).toISOString().slice(0, 10);
  }
}

describe('isWorkingDay', () => {
  it('follows 国庆 2025: Oct 1–8 off, Sunday Sep 28 and Saturday Oct 11 worked', () => {
    for (const d of daysOf('2025-10-01', '2025-10-08')) expect(isWorkingDay(d, CAL), d).toBe(false);
    expect(isWorkingDay('2025-09-28', CAL)).toBe(true);
    expect(isWorkingDay('2025-10-11', CAL)).toBe(true);
    expect(isWorkingDay('2025-10-09', CAL)).toBe(true);
    expect(isWorkingDay('2025-10-12', CAL)).toBe(false);
  });

  it('reads an instant as the China-local date, whatever the machine zone', () => {
    // 2025-09-30 23:59 in Beijing is still a working day; one minute later it is National Day.
    expect(isWorkingDay(new Date('2025-09-30T15:59:00Z'), CAL)).toBe(true);
    expect(isWorkingDay(new Date('2025-09-30T16:00:00Z'), CAL)).toBe(false);
    expect(chinaDateKey(new Date('2025-09-30T16:00:00Z'))).toBe('2025-10-01');
  });

  it('treats unlisted weekdays as working and weekends as off', () => {
    const empty: WorkingDayCalendar = { holidays: [], workdays: [] };
    expect(isWorkingDay('2027-03-05', empty)).toBe(true); // Friday
    expect(isWorkingDay('2027-03-06', empty)).toBe(false); // Saturday
  });

  it('refuses a malformed date rather than guessing', () => {
    expect(() => isWorkingDay('2025-2-3', CAL)).toThrow(RangeError);
    expect(() => isWorkingDay('2025-02-30', CAL)).toThrow(RangeError);
    expect(() => isWorkingDay(new Date('nonsense'), CAL)).toThrow(RangeError);
  });

  it('lets "off" win when a calendar lists a day in both lists', () => {
    expect(isWorkingDay('2025-09-28', { holidays: ['2025-09-28'], workdays: ['2025-09-28'] })).toBe(false);
  });
});

describe('addWorkingDays', () => {
  it('does not count the start day and ends at 23:59:59 +08:00 of the n-th working day', () => {
    expect(addWorkingDays(cst('2025-09-22T10:00:00'), 1, CAL)).toEqual(eod('2025-09-23')); // Mon → Tue
    expect(addWorkingDays(cst('2025-09-22T10:00:00'), 1, CAL).toISOString()).toBe('2025-09-23T15:59:59.000Z');
  });

  it('jumps over 国庆 2025 and counts the Saturday make-up day', () => {
    const start = cst('2025-09-30T10:00:00');
    expect(addWorkingDays(start, 1, CAL)).toEqual(eod('2025-10-09'));
    expect(addWorkingDays(start, 2, CAL)).toEqual(eod('2025-10-10'));
    expect(addWorkingDays(start, 3, CAL)).toEqual(eod('2025-10-11'));
    expect(addWorkingDays(start, 4, CAL)).toEqual(eod('2025-10-13'));
  });

  it('starts counting on the next working day for a ticket registered on a day off', () => {
    expect(addWorkingDays(cst('2025-10-03T09:00:00'), 1, CAL)).toEqual(eod('2025-10-09')); // holiday
    expect(addWorkingDays(cst('2025-09-27T09:00:00'), 1, CAL)).toEqual(eod('2025-09-28')); // Sat before a make-up Sunday
    expect(addWorkingDays(cst('2025-10-12T09:00:00'), 1, CAL)).toEqual(eod('2025-10-13')); // ordinary Sunday
  });

  it('uses the China date of the start instant, not the UTC date', () => {
    // 23:30 on Monday Sep 29 in Beijing vs 00:30 on Tuesday Sep 30 (both Sep 29 in UTC).
    expect(addWorkingDays(new Date('2025-09-29T15:30:00Z'), 1, CAL)).toEqual(eod('2025-09-30'));
    expect(addWorkingDays(new Date('2025-09-29T16:30:00Z'), 1, CAL)).toEqual(eod('2025-10-09'));
  });

  it('handles 春节 2026 with make-up Saturdays Feb 14 and Feb 28', () => {
    const friday = cst('2026-02-13T16:00:00');
    expect(addWorkingDays(friday, 1, CAL)).toEqual(eod('2026-02-14'));
    expect(addWorkingDays(friday, 2, CAL)).toEqual(eod('2026-02-24'));
    expect(addWorkingDays(friday, 5, CAL)).toEqual(eod('2026-02-27'));
    expect(addWorkingDays(friday, 6, CAL)).toEqual(eod('2026-02-28'));
    expect(addWorkingDays(cst('2026-02-18T12:00:00'), 1, CAL)).toEqual(eod('2026-02-24'));
  });

  it('crosses the year end (元旦 2026 with make-up Sunday Jan 4)', () => {
    const newYearsEve = cst('2025-12-31T20:00:00');
    expect(addWorkingDays(newYearsEve, 1, CAL)).toEqual(eod('2026-01-04'));
    expect(addWorkingDays(newYearsEve, 2, CAL)).toEqual(eod('2026-01-05'));
    expect(addWorkingDays(cst('2025-12-26T12:00:00'), 4, CAL)).toEqual(eod('2026-01-04'));
    expect(addWorkingDays(cst('2025-12-26T12:00:00'), 5, CAL)).toEqual(eod('2026-01-05'));
  });

  it('refuses zero, negative and fractional counts', () => {
    for (const n of [0, -1, 1.5, Number.NaN]) expect(() => addWorkingDays(cst('2025-09-30T10:00:00'), n, CAL)).toThrow(RangeError);
  });

  it.skipIf(westOfUtc)('agrees with chinese-days findWorkday for every start day of 2025 and 2026', () => {
    for (const day of daysOf('2025-01-01', '2026-11-30')) {
      for (const n of [1, 2, 5, 10, 15]) {
        const mine = chinaDateKey(addWorkingDays(cst(`${day}T12:00:00`), n, CAL));
        expect(mine, `${day} + ${n}`).toBe(chineseDays.findWorkday(n, day));
      }
    }
  });
});

describe('workingDaysBetween', () => {
  it('counts working days after the first date up to and including the second', () => {
    expect(workingDaysBetween(cst('2025-09-30T10:00:00'), cst('2025-10-09T08:00:00'), CAL)).toBe(1);
    expect(workingDaysBetween(cst('2025-09-30T10:00:00'), cst('2025-09-30T23:00:00'), CAL)).toBe(0);
    expect(workingDaysBetween(cst('2025-10-01T10:00:00'), cst('2025-10-08T10:00:00'), CAL)).toBe(0);
    expect(workingDaysBetween(cst('2025-10-09T10:00:00'), cst('2025-09-30T10:00:00'), CAL)).toBe(-1);
  });

  it('inverts addWorkingDays across holidays and year ends', () => {
    for (const day of daysOf('2025-09-01', '2026-03-31')) {
      const start = cst(`${day}T09:30:00`);
      for (const n of [1, 3, 7, 15]) expect(workingDaysBetween(start, addWorkingDays(start, n, CAL), CAL), `${day} + ${n}`).toBe(n);
    }
  });
});

describe('sameDayDeadline', () => {
  it('ends the China-local day the clock starts on, holiday or not', () => {
    expect(sameDayDeadline(cst('2025-10-01T23:00:00'))).toEqual(eod('2025-10-01'));
    expect(sameDayDeadline(cst('2025-10-02T00:30:00'))).toEqual(eod('2025-10-02'));
    expect(sameDayDeadline(new Date('2025-10-01T16:30:00Z'))).toEqual(eod('2025-10-02'));
  });
});

describe('helpers', () => {
  it('finds the next working day and the end of a day', () => {
    expect(nextWorkingDay('2025-09-30', CAL)).toBe('2025-10-09');
    expect(nextWorkingDay('2026-02-14', CAL)).toBe('2026-02-24');
    expect(endOfChinaDay('2026-01-01').toISOString()).toBe('2026-01-01T15:59:59.000Z');
  });

  it('lists the years a calendar covers, so a missing year can be flagged', () => {
    expect(calendarYears(CAL)).toEqual([2025, 2026]);
    // Without 2027 in the calendar, New Year's Day 2027 counts as a working Friday.
    expect(isWorkingDay('2027-01-01', CAL)).toBe(true);
  });
});

describe('validateWorkingDayCalendar', () => {
  it('accepts the seed calendar', () => {
    expect(validateWorkingDayCalendar(CAL)).toEqual([]);
    expect(workingDayCalendarSchema.safeParse(CAL).success).toBe(true);
  });

  it('reports each kind of mistake with a code', () => {
    const issues = validateWorkingDayCalendar({
      holidays: ['2025-10-01', '2025-10-01', '2025-02-30', '2025-09-28'],
      workdays: ['2025-09-28', '2025-10-09'],
    });
    expect(issues).toEqual([
      { code: 'duplicate_date', list: 'holidays', date: '2025-10-01' },
      { code: 'invalid_date', list: 'holidays', index: 2, value: '2025-02-30' },
      { code: 'date_in_both_lists', date: '2025-09-28' },
      { code: 'workday_not_weekend', date: '2025-10-09' },
    ]);
  });

  it('rejects malformed dates in the schema', () => {
    expect(workingDayCalendarSchema.safeParse({ holidays: ['2025-1-1'], workdays: [] }).success).toBe(false);
    expect(workingDayCalendarSchema.safeParse({ holidays: [], workdays: ['2025-13-01'] }).success).toBe(false);
  });
});

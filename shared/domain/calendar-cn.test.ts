import { describe, expect, it } from 'vitest';
import chineseDays from 'chinese-days';
// The package's raw data: plain date keys, free of the time-zone handling of its functions.
import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import { CHINA_CALENDAR_2025_2026 as CAL } from './calendar-cn';
import { isWorkingDay } from './working-days';

/**
 * chinese-days' functions read dates in the machine's zone and get them wrong west of UTC (on a
 * runner in America/New_York, isWorkday('2025-09-28') is false). That is the reason shared/ never
 * imports it; here, its functions are only consulted where they work.
 */
const westOfUtc = new Date('2025-06-01T00:00:00Z').getTimezoneOffset() > 0;

function* daysOf(from: string, to: string): Generator<string> {
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    yield new Date(t).toISOString().slice(0, 10);
  }
}
const isWeekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

describe('CHINA_CALENDAR_2025_2026', () => {
  it('lists exactly the weekday holidays and make-up days in chinese-days data', () => {
    const inRange = (d: string) => d >= '2025-01-01' && d <= '2026-12-31';
    const theirHolidays = Object.keys(chineseDaysData.holidays).filter((d) => inRange(d) && !isWeekend(d)).sort();
    const theirWorkdays = Object.keys(chineseDaysData.workdays).filter((d) => inRange(d) && isWeekend(d)).sort();
    expect(CAL.holidays.filter((d) => !isWeekend(d)).sort()).toEqual(theirHolidays);
    expect([...CAL.workdays].sort()).toEqual(theirWorkdays);
  });

  it.skipIf(westOfUtc)('says the same as chinese-days isWorkday for every day of 2025 and 2026', () => {
    const wrong = [...daysOf('2025-01-01', '2026-12-31')].filter((d) => isWorkingDay(d, CAL) !== chineseDays.isWorkday(d));
    expect(wrong).toEqual([]);
  });
});

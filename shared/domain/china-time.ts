/**
 * Time in China, where the hotline is. China has used UTC+8 without daylight saving since 1991:
 * computing with the fixed offset, instead of the machine's zone, gives the same days, deadlines
 * and ticket numbers on a PC set to any zone and on a UTC CI runner. Dates are `YYYY-MM-DD` keys.
 */

/** The IANA zone, for Intl formatters. */
export const CHINA_TIME_ZONE = 'Asia/Shanghai';
export const CHINA_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_KEY = /^(\d{4})-(\d{2})$/;

/** China wall-clock time of an instant, as a Date whose UTC fields read as that wall clock. */
function wallClock(at: Date): Date {
  const t = at.getTime();
  if (!Number.isFinite(t)) throw new RangeError('Invalid Date');
  return new Date(t + CHINA_OFFSET_MS);
}

/** Whole days since 1970-01-01 in China local time: day arithmetic (working days, rosters) is on these. */
export function chinaDayNumber(at: Date): number {
  return Math.floor(wallClock(at).getTime() / DAY_MS);
}

/** The day number of a `YYYY-MM-DD` key; null if it is not a real calendar date (2025-02-30 is not). */
export function dayNumberOfKey(key: string): number | null {
  const m = DATE_KEY.exec(key);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2025-02-30 over to March; a round trip catches dates that do not exist.
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t / DAY_MS;
}

/** The `YYYY-MM-DD` key of a day number. */
export function keyOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The day number of a `YYYY-MM-DD` key. Throws on a malformed key. */
export function requireDayNumber(key: string): number {
  const day = dayNumberOfKey(key);
  if (day === null) throw new RangeError(`Not a YYYY-MM-DD date: ${key}`);
  return day;
}

/** Whether a string is a real calendar date in `YYYY-MM-DD` form. */
export function isDateKey(value: string): boolean {
  return dayNumberOfKey(value) !== null;
}

/** The China-local calendar date (`YYYY-MM-DD`) of an instant: "today in China" for `new Date()`. */
export function chinaDateKey(at: Date): string {
  return wallClock(at).toISOString().slice(0, 10);
}

/** The China-local date as `YYYYMMDD` (ticket numbers, file names). */
export function chinaDateCompact(at: Date): string {
  return chinaDateKey(at).replaceAll('-', '');
}

/** The China-local date and minute, `YYYY-MM-DD HH:mm` (spreadsheets). */
export function chinaDateTime(at: Date): string {
  return wallClock(at).toISOString().slice(0, 16).replace('T', ' ');
}

/** The hour (0–23) of the China wall clock. */
export function chinaHour(at: Date): number {
  return wallClock(at).getUTCHours();
}

/** 00:00:00 China time of a date. Throws on a malformed key. */
export function startOfChinaDay(dateKey: string): Date {
  return new Date(requireDayNumber(dateKey) * DAY_MS - CHINA_OFFSET_MS);
}

/** 23:59:59 China time of a date: deadlines are whole days, and this reads as "by the end of". Throws on a malformed key. */
export function endOfChinaDay(dateKey: string): Date {
  return endOfChinaDayNumber(requireDayNumber(dateKey));
}

/** 23:59:59 China time of a day number. */
export function endOfChinaDayNumber(day: number): Date {
  return new Date((day + 1) * DAY_MS - CHINA_OFFSET_MS - 1000);
}

/** The date `n` calendar days after (or before, for negative `n`) a date. Throws on a malformed key. */
export function addDays(dateKey: string, n: number): string {
  return keyOfDayNumber(requireDayNumber(dateKey) + n);
}

/** The ISO weekday of a date: 1 = Monday … 7 = Sunday. Throws on a malformed key. */
export function isoWeekday(dateKey: string): number {
  // Day 0 (1970-01-01) was a Thursday.
  return ((((requireDayNumber(dateKey) + 3) % 7) + 7) % 7) + 1;
}

/** A China-local month (`YYYY-MM`) as instants: from its first midnight to the next month's, end exclusive. */
export function chinaMonthRange(month: string): { start: Date; end: Date } {
  const m = MONTH_KEY.exec(month);
  const [y, mo] = [Number(m?.[1]), Number(m?.[2])];
  if (!m || mo < 1 || mo > 12) throw new RangeError(`Not a YYYY-MM month: ${month}`);
  return { start: new Date(Date.UTC(y, mo - 1, 1) - CHINA_OFFSET_MS), end: new Date(Date.UTC(y, mo, 1) - CHINA_OFFSET_MS) };
}

/** The instant of a China wall-clock time; null if the fields are no real date and time (month 13, 02-30, 24:00). */
export function fromChinaWallClock(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): Date | null {
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  const key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const dayNumber = dayNumberOfKey(key);
  if (dayNumber === null) return null;
  return new Date(dayNumber * DAY_MS - CHINA_OFFSET_MS + ((hour * 60 + minute) * 60 + second) * 1000);
}

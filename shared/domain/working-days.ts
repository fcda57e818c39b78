import { z } from 'zod';
import {
  chinaDayNumber as dayOfInstant, dayNumberOfKey, endOfChinaDayNumber as endOfDay, isDateKey, keyOfDayNumber as keyOfDay, requireDayNumber as requireDay,
} from './china-time';

/**
 * The working-day calendar, as data an admin edits (the State Council publishes each year's
 * holidays and make-up days in November; the console must not wait for a software update).
 *
 * - `holidays`: days off that would otherwise be working days. Weekend days inside a holiday
 *   period may be listed too (calendars exported from other tools do); they change nothing.
 * - `workdays`: make-up working days (调休上班) that fall on a Saturday or Sunday.
 *
 * Dates are `YYYY-MM-DD` in China local time. A date the lists do not mention is a working day
 * from Monday to Friday and a day off on Saturday and Sunday.
 */
export interface WorkingDayCalendar {
  readonly holidays: readonly string[];
  readonly workdays: readonly string[];
}

// Day arithmetic is on China day numbers (china-time.ts), whatever the machine's zone.
type DayNumber = number;

/** 0 = Sunday … 6 = Saturday. Day 0 (1970-01-01) was a Thursday. */
function weekdayOfDay(day: DayNumber): number {
  return (((day + 4) % 7) + 7) % 7;
}

interface CompiledCalendar {
  holidays: ReadonlySet<DayNumber>;
  workdays: ReadonlySet<DayNumber>;
}

// Deadline sweeps over thousands of tickets call isWorkingDay many times with the same calendar
// object; compiling its lists to sets once per object keeps that linear. Calendars are treated as
// immutable values: an edited calendar is a new object.
const compiled = new WeakMap<WorkingDayCalendar, CompiledCalendar>();

function compile(calendar: WorkingDayCalendar): CompiledCalendar {
  let c = compiled.get(calendar);
  if (!c) {
    // A malformed date would silently move deadlines; fail loudly instead. Saved calendars pass
    // validateWorkingDayCalendar first, so this only fires on a programming error.
    c = { holidays: new Set(calendar.holidays.map(requireDay)), workdays: new Set(calendar.workdays.map(requireDay)) };
    compiled.set(calendar, c);
  }
  return c;
}

function isWorkingDayNumber(day: DayNumber, c: CompiledCalendar): boolean {
  // A day listed in both lists is rejected by validation; if one slips through, "off" wins, so a
  // mistake can only give departments more time, never less.
  if (c.holidays.has(day)) return false;
  if (c.workdays.has(day)) return true;
  const wd = weekdayOfDay(day);
  return wd !== 0 && wd !== 6;
}

/**
 * Whether a day is a working day. A string is read as a China-local `YYYY-MM-DD` date; a Date is
 * an instant, and the China-local date it falls on is used.
 */
export function isWorkingDay(date: string | Date, calendar: WorkingDayCalendar): boolean {
  const day = typeof date === 'string' ? requireDay(date) : dayOfInstant(date);
  return isWorkingDayNumber(day, compile(calendar));
}

/** The first working day strictly after the given China-local date, as `YYYY-MM-DD`. */
export function nextWorkingDay(dateKey: string, calendar: WorkingDayCalendar): string {
  const c = compile(calendar);
  let day = requireDay(dateKey) + 1;
  while (!isWorkingDayNumber(day, c)) day++;
  return keyOfDay(day);
}

// Longer than any deadline or extension a policy can hold; a larger n is a caller's bug.
const MAX_WORKING_DAYS = 3650;

/**
 * The deadline `n` working days after `start`: 23:59:59 +08:00 of the n-th working day.
 *
 * Counting rule: the day the clock starts is never counted, and counting begins on the first
 * working day after it (开始的当日不计入, as in 民法典 art. 201). So a ticket registered on a Monday
 * with 1 working day is due at the end of Tuesday, and one registered on a Saturday, a holiday or
 * the Friday before a holiday starts counting on the next working day and, with 1 working day, is
 * due at the end of that day. This gives everyone at least one full working day whatever the hour
 * the ticket arrived, and makes `workingDaysBetween(start, addWorkingDays(start, n)) === n`.
 *
 * Loops over days; the calendar's lists are finite, so a run of days off always ends.
 */
export function addWorkingDays(start: Date, n: number, calendar: WorkingDayCalendar): Date {
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKING_DAYS) {
    // Zero working days is not "today": use sameDayDeadline for that, so the choice is explicit.
    throw new RangeError(`Working days must be an integer from 1 to ${MAX_WORKING_DAYS}, got ${n}`);
  }
  const c = compile(calendar);
  let day = dayOfInstant(start);
  for (let counted = 0; counted < n; ) {
    day++;
    if (isWorkingDayNumber(day, c)) counted++;
  }
  return endOfDay(day);
}

/**
 * Working days in the China-local dates after `from`'s date up to and including `to`'s date: the
 * same half-open count addWorkingDays uses. Negative when `to` is on an earlier date. Time of day
 * is ignored: two instants on the same date are 0 apart.
 */
export function workingDaysBetween(from: Date, to: Date, calendar: WorkingDayCalendar): number {
  const c = compile(calendar);
  const a = dayOfInstant(from);
  const b = dayOfInstant(to);
  const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
  let count = 0;
  for (let day = lo + 1; day <= hi; day++) if (isWorkingDayNumber(day, c)) count++;
  return sign * count;
}

/**
 * The deadline for emergencies: the end of the China-local day the clock starts on, working day or
 * not, because an emergency (a burst main, a person in danger) does not wait for Monday.
 */
export function sameDayDeadline(start: Date): Date {
  return endOfDay(dayOfInstant(start));
}

export const dateKeySchema = z.string().refine(isDateKey, { message: 'Expected a real date as YYYY-MM-DD' });

/** Shape of a calendar arriving from the admin screen or an import. validateWorkingDayCalendar checks the meaning. */
export const workingDayCalendarSchema = z.object({
  holidays: z.array(dateKeySchema),
  workdays: z.array(dateKeySchema),
});

export type CalendarIssue =
  | { code: 'invalid_date'; list: 'holidays' | 'workdays'; index: number; value: string }
  | { code: 'duplicate_date'; list: 'holidays' | 'workdays'; date: string }
  | { code: 'date_in_both_lists'; date: string }
  /** A weekday listed as a make-up working day changes nothing, so it is almost surely a typo. */
  | { code: 'workday_not_weekend'; date: string };

/** Everything wrong with a calendar an admin wants to save; empty when it may be saved. */
export function validateWorkingDayCalendar(calendar: WorkingDayCalendar): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  const seen = { holidays: new Set<DayNumber>(), workdays: new Set<DayNumber>() };
  for (const list of ['holidays', 'workdays'] as const) {
    calendar[list].forEach((value, index) => {
      const day = dayNumberOfKey(value);
      if (day === null) {
        issues.push({ code: 'invalid_date', list, index, value });
        return;
      }
      if (seen[list].has(day)) issues.push({ code: 'duplicate_date', list, date: value });
      seen[list].add(day);
    });
  }
  for (const day of seen.workdays) {
    if (seen.holidays.has(day)) issues.push({ code: 'date_in_both_lists', date: keyOfDay(day) });
    const wd = weekdayOfDay(day);
    if (wd !== 0 && wd !== 6) issues.push({ code: 'workday_not_weekend', date: keyOfDay(day) });
  }
  return issues;
}

/**
 * The years the calendar mentions. A deadline that runs into a year absent here is computed with
 * weekends only; the wallboard can warn an admin in November that next year still needs entering.
 */
export function calendarYears(calendar: WorkingDayCalendar): number[] {
  const years = new Set<number>();
  for (const key of [...calendar.holidays, ...calendar.workdays]) {
    if (isDateKey(key)) years.add(Number(key.slice(0, 4)));
  }
  return [...years].sort((a, b) => a - b);
}

import { fail, type CalendarYear } from '../../shared/contract';
import { CHINA_CALENDAR_2025_2026 } from '../../shared/domain/calendar-cn';
import { validateWorkingDayCalendar, type WorkingDayCalendar } from '../../shared/domain/working-days';
import { calendarYearRows, writeCalendarYear } from '../store/repos/calendar';
import { inTransaction, type Db } from '../store/repos/db';
import { writeAudit } from './audit';

/**
 * The working-day calendar deadlines are counted on: the shipped State Council years, overridden
 * or extended year by year by admins (each November, the next year's notice). Kept in memory for
 * the deadline arithmetic, which runs on every dispatch.
 */
export class CalendarService {
  private years = new Map<number, CalendarYear>();
  private merged: WorkingDayCalendar = CHINA_CALENDAR_2025_2026;

  constructor(private readonly db: Db) {
    for (const y of [2025, 2026]) {
      this.years.set(y, { year: y, holidays: CHINA_CALENDAR_2025_2026.holidays.filter((d) => d.startsWith(`${y}-`)), workdays: CHINA_CALENDAR_2025_2026.workdays.filter((d) => d.startsWith(`${y}-`)), source: 'shipped' });
    }
  }

  async load(): Promise<void> {
    for (const { year: y, value } of await calendarYearRows(this.db)) {
      const v = JSON.parse(value) as { holidays: string[]; workdays: string[] };
      this.years.set(y, { year: y, holidays: v.holidays, workdays: v.workdays, source: 'admin' });
    }
    this.rebuild();
  }

  private rebuild() {
    const all = [...this.years.values()];
    this.merged = { holidays: all.flatMap((y) => y.holidays).sort(), workdays: all.flatMap((y) => y.workdays).sort() };
  }

  calendar = (): WorkingDayCalendar => this.merged;

  list(): CalendarYear[] {
    return [...this.years.values()].sort((a, b) => a.year - b.year);
  }

  async setYear(input: { year: number; holidays: string[]; workdays: string[] }, actorId: string): Promise<CalendarYear> {
    const outside = [...input.holidays, ...input.workdays].filter((d) => !d.startsWith(`${input.year}-`));
    if (outside.length) fail('invalid_input', { issues: [{ path: 'holidays', problem: 'other_year' }], details: { date: outside[0]! } });
    const issues = validateWorkingDayCalendar({ holidays: input.holidays, workdays: input.workdays });
    if (issues.length) {
      const first = issues[0]!;
      fail('invalid_input', { issues: [{ path: 'list' in first ? first.list : 'workdays', problem: first.code }], details: { date: 'date' in first ? first.date : 'value' in first ? first.value : '' } });
    }
    const value = { holidays: [...input.holidays].sort(), workdays: [...input.workdays].sort() };
    await inTransaction(this.db, async (trx) => {
      await writeCalendarYear(trx, input.year, JSON.stringify(value));
      await writeAudit(trx, { actorId, action: 'calendar.year_set', subjectType: 'calendar', subjectId: String(input.year), data: { holidays: value.holidays.length, workdays: value.workdays.length } });
    });
    const year: CalendarYear = { year: input.year, ...value, source: 'admin' };
    this.years.set(input.year, year);
    this.rebuild();
    return year;
  }
}

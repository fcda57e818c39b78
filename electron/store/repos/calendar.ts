import type { Db } from './db';
import { writeMeta } from './meta';

/** Admin-set working-day calendar years, kept in `meta` under `calendar.<year>` as JSON text. */
const PREFIX = 'calendar.';

export async function calendarYearRows(db: Db): Promise<{ year: number; value: string }[]> {
  const rows = await db.selectFrom('meta').select(['key', 'value']).where('key', 'like', `${PREFIX}%`).execute();
  return rows.map((r) => ({ year: Number(r.key.slice(PREFIX.length)), value: r.value }));
}

export async function writeCalendarYear(db: Db, year: number, value: string): Promise<void> {
  await writeMeta(db, `${PREFIX}${year}`, value);
}

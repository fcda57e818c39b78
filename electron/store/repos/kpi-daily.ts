import { sql, type Insertable, type RawBuilder } from 'kysely';
import type Database from 'better-sqlite3';
import { KPI_COUNT_NAMES, noKpiCounts, type KpiCountName, type KpiCounts } from '../../../shared/domain/kpi';
import type { KpiDailyTable } from '../schema';
import type { Db } from './db';
import type { Dialect } from '../migrations/types';

/**
 * The KPI counts per China day (kpi_daily, migration 0021). Only the ticket history's writer
 * (ticket-events.ts) adds to them, in the transaction that appends the entries; the KPI report reads
 * them. Adding is one upsert that increments (`on conflict … set n = n + excluded.n`): two
 * transactions adding to the same day both count, on PostgreSQL the second waits for the first's
 * row lock instead of overwriting what it read.
 */

export type KpiColumn = Exclude<keyof KpiDailyTable, 'day'>;

/** The column of each count. */
export const KPI_COLUMNS: Readonly<Record<KpiCountName, KpiColumn>> = {
  registered: 'registered', resolvedDirectly: 'resolved_directly', dispatched: 'dispatched', signedOnTime: 'signed_on_time',
  returned: 'returned', returnVisits: 'return_visits', resolved: 'resolved', satisfied: 'satisfied', replied: 'replied',
  repliedOnTime: 'replied_on_time', reopened: 'reopened',
};
const COLUMNS = KPI_COUNT_NAMES.map((k) => KPI_COLUMNS[k]);

/** Counts to add per day, gathered from entries before they are written. */
export class KpiDeltas {
  private readonly days = new Map<string, KpiCounts>();

  add(day: string, counts: Partial<KpiCounts>): void {
    const names = Object.keys(counts) as KpiCountName[];
    if (names.length === 0) return;
    let row = this.days.get(day);
    if (!row) this.days.set(day, row = noKpiCounts());
    for (const k of names) row[k] += counts[k] ?? 0;
  }

  get empty(): boolean { return this.days.size === 0; }

  /**
   * Each day's row as stored, in day order, then forgets them. The order matters on PostgreSQL:
   * two transactions that add to the same days lock the rows in the same order, so neither waits
   * for a row the other holds while holding one it wants (no deadlock).
   */
  take(): Insertable<KpiDailyTable>[] {
    const rows = [...this.days].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([day, c]) => {
      const row: Insertable<KpiDailyTable> = { day } as Insertable<KpiDailyTable>;
      for (const k of KPI_COUNT_NAMES) row[KPI_COLUMNS[k]] = c[k];
      return row;
    });
    this.days.clear();
    return rows;
  }
}

/** Adds the gathered counts, inside the caller's transaction. */
export async function addKpiDeltas(db: Db, deltas: KpiDeltas): Promise<void> {
  if (deltas.empty) return;
  const rows = deltas.take();
  // 12 parameters a row: 500 rows stay far below either store's limit.
  for (let i = 0; i < rows.length; i += 500) {
    await db.insertInto('kpi_daily').values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.column('day').doUpdateSet((eb) => Object.fromEntries(
        COLUMNS.map((c) => [c, eb(eb.ref(`kpi_daily.${c}`), '+', eb.ref(`excluded.${c}`))]),
      ) as Record<KpiColumn, never>))
      .execute();
  }
}

/** The same upsert as a prepared statement on better-sqlite3's handle (the demo loader's path). */
export function sqliteKpiDeltasWriter(sqlite: Database.Database): (deltas: KpiDeltas) => void {
  const upsert = sqlite.prepare(`insert into kpi_daily (day, ${COLUMNS.join(', ')}) values (?${', ?'.repeat(COLUMNS.length)})
    on conflict (day) do update set ${COLUMNS.map((c) => `${c} = kpi_daily.${c} + excluded.${c}`).join(', ')}`);
  return (deltas) => {
    for (const row of deltas.take()) upsert.run(row.day, ...COLUMNS.map((c) => row[c]));
  };
}

/** The sums of the counts over the China days `fromDay`..`toDay` (YYYY-MM-DD, both included). */
export async function kpiCountsOfDays(db: Db, fromDay: string, toDay: string): Promise<KpiCounts> {
  const r = await db.selectFrom('kpi_daily').where('day', '>=', fromDay).where('day', '<=', toDay)
    .select(COLUMNS.map((c) => sql<string | number | null>`sum(${sql.ref(c)})`.as(c)))
    .executeTakeFirst();
  const out = noKpiCounts();
  for (const k of KPI_COUNT_NAMES) out[k] = Number((r as Record<string, unknown> | undefined)?.[KPI_COLUMNS[k]] ?? 0);
  return out;
}

/** Every stored day's counts, by day (tests compare them with the history). */
export async function kpiDays(db: Db): Promise<Map<string, KpiCounts>> {
  const rows = await db.selectFrom('kpi_daily').selectAll().orderBy('day').execute();
  return new Map(rows.map((r) => [r.day, Object.fromEntries(KPI_COUNT_NAMES.map((k) => [k, Number(r[KPI_COLUMNS[k]])])) as KpiCounts]));
}

/**
 * Recomputes every day's counts from the whole history in one grouped statement: the backfill of
 * migration 0021, and the way back for a loader that writes history around the writer. The
 * conditions are the ones the entries' facts give kpiCountsOfEntry (shared/domain/kpi.ts); the day
 * is the China day (UTC+8, no daylight saving) of the entry's time.
 */
export async function rebuildKpiDaily(db: Db, dialect: Dialect): Promise<void> {
  const day = dialect === 'sqlite'
    ? sql`date(at, '+8 hours')`
    : sql`to_char((at::timestamptz at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;
  // A row whose data is not JSON has no facts (SQLite's json_extract would throw on it).
  const flag = (key: string, value: boolean) => (dialect === 'sqlite'
    ? sql`(json_valid(data) and json_extract(data, ${`$.${key}`}) = ${sql.lit(value ? 1 : 0)})`
    : sql`((data::json ->> ${sql.lit(key)}) = ${sql.lit(String(value))})`);
  const n = (cond: RawBuilder<unknown>) => sql`sum(case when ${cond} then 1 else 0 end)`;
  const is = (action: string) => sql`action = ${sql.lit(action)}`;
  const counts: Record<KpiCountName, RawBuilder<unknown>> = {
    registered: n(is('register')),
    resolvedDirectly: n(is('resolveDirectly')),
    dispatched: n(is('dispatch')),
    signedOnTime: n(sql`${is('sign')} and ${flag('late', false)}`),
    returned: n(is('returnTicket')),
    returnVisits: n(is('recordReturnVisit')),
    resolved: n(sql`${is('recordReturnVisit')} and ${flag('resolved', true)}`),
    satisfied: n(sql`${is('recordReturnVisit')} and ${flag('satisfied', true)}`),
    replied: n(is('reply')),
    repliedOnTime: n(sql`${is('reply')} and ${flag('late', false)}`),
    reopened: n(is('reopen')),
  };
  const actions = ['register', 'resolveDirectly', 'dispatch', 'sign', 'returnTicket', 'recordReturnVisit', 'reply', 'reopen'];
  await sql`delete from kpi_daily`.execute(db);
  await sql`insert into kpi_daily (day, ${sql.join(COLUMNS.map((c) => sql.ref(c)))})
    select d, ${sql.join(KPI_COUNT_NAMES.map((k) => sql`${counts[k]}`))}
    from (select ${day} as d, action, data from ticket_events where action in (${sql.join(actions.map((a) => sql.lit(a)))})) e
    where d is not null group by d`.execute(db);
}

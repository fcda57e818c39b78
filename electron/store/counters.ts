import { sql, type Kysely } from 'kysely';
import type { DB } from './schema';

/**
 * Human-facing numbers (ticket 工单号, consultation item 编号, import numbers) come from one row per
 * series in `counters`, bumped atomically inside the caller's transaction: never `max(number) + 1`,
 * which two writers read alike and then collide on. A rolled-back transaction rolls its bump back
 * with it, so numbers within a series have no gaps as long as every number is taken in the same
 * transaction that writes the record (intake, consultation and import all do).
 *
 * SQLite serialises writers, PostgreSQL locks the counter row until commit: concurrent callers of
 * one series wait for each other's commit and then get the next value, on either store.
 */

/** Finds the highest number already used in a series whose counter row does not exist yet. */
export type CounterSeed = (db: Kysely<DB>) => Promise<number>;

/**
 * Reserves `count` numbers of `series` and returns the first; the reserved ones are first..first+count-1.
 * A series seen for the first time starts after `seed` (the highest number already written with
 * this series' prefix by something that does not use counters, e.g. generated demo data).
 */
export async function nextNumbers(db: Kysely<DB>, series: string, count: number, seed?: CounterSeed): Promise<number> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`nextNumbers: bad count ${count}`);
  const bumped = await db.updateTable('counters').set({ value: sql<number>`value + ${count}` }).where('series', '=', series)
    .returning('value').executeTakeFirst();
  if (bumped) return Number(bumped.value) - count + 1;
  const start = seed ? await seed(db) : 0;
  // ON CONFLICT: a concurrent first caller (PostgreSQL) created the row meanwhile; add on top of it.
  const row = await db.insertInto('counters').values({ series, value: start + count })
    .onConflict((oc) => oc.column('series').doUpdateSet({ value: sql<number>`counters.value + ${count}` }))
    .returning('value').executeTakeFirstOrThrow();
  return Number(row.value) - count + 1;
}

/** One number of `series`. */
export function nextNumber(db: Kysely<DB>, series: string, seed?: CounterSeed): Promise<number> {
  return nextNumbers(db, series, 1, seed);
}

/**
 * Makes sure the next number of `series` is above `atLeast`: records written with a number of their
 * own (an import of old tickets in today's format) must not be handed out again.
 */
export async function raiseCounter(db: Kysely<DB>, series: string, atLeast: number): Promise<void> {
  await db.insertInto('counters').values({ series, value: atLeast })
    .onConflict((oc) => oc.column('series').doUpdateSet({ value: sql<number>`case when counters.value < ${atLeast} then ${atLeast} else counters.value end` }))
    .execute();
}

/**
 * A seed reading the highest `<prefix><digits>` number in `table.number`, where the digits are
 * exactly `digits` long (numbers of other shapes that share the prefix are ignored). Plain LIKE
 * with `_` wildcards, so it reads the same on SQLite and PostgreSQL.
 */
export function maxNumberSeed(table: 'tickets' | 'consultation_items', prefix: string, digits: number): CounterSeed {
  if (!/^[A-Z0-9]+$/.test(prefix)) throw new Error(`maxNumberSeed: prefix ${prefix} must be letters and digits`);
  return async (db) => {
    const rows = await db.selectFrom(table).select('number').where('number', 'like', prefix + '_'.repeat(digits))
      .orderBy('number', 'desc').limit(50).execute();
    const top = rows.map((r) => r.number.slice(prefix.length)).find((d) => /^[0-9]+$/.test(d));
    return top ? Number(top) : 0;
  };
}

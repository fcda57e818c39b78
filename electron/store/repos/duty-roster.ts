import type { Insertable, Updateable } from 'kysely';
import type { DutyPatternsTable, DutySwapsTable } from '../schema';
import type { Db } from './db';

/** The duty roster: weekly patterns and the one-day swaps of a pattern. Writes say whether the row was there. */

export async function hasDutyPatterns(db: Db): Promise<boolean> {
  return !!(await db.selectFrom('duty_patterns').select('id').limit(1).executeTakeFirst());
}

export async function dutyPatternRows(db: Db): Promise<DutyPatternsTable[]> {
  return db.selectFrom('duty_patterns').selectAll().execute();
}

export async function dutySwapRows(db: Db): Promise<Pick<DutySwapsTable, 'pattern_id' | 'date' | 'replacement_user_id'>[]> {
  return db.selectFrom('duty_swaps').select(['pattern_id', 'date', 'replacement_user_id']).execute();
}

export async function insertDutyPattern(db: Db, row: Insertable<DutyPatternsTable>): Promise<void> {
  await db.insertInto('duty_patterns').values(row).execute();
}

export async function updateDutyPattern(db: Db, id: string, set: Updateable<DutyPatternsTable>): Promise<boolean> {
  const r = await db.updateTable('duty_patterns').set(set).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Deletes a pattern with its swaps (call in a transaction). */
export async function deleteDutyPattern(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom('duty_swaps').where('pattern_id', '=', id).execute();
  const r = await db.deleteFrom('duty_patterns').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Sets who stands in for a pattern's shift on a day, replacing an earlier swap of that day. */
export async function upsertDutySwap(db: Db, row: DutySwapsTable): Promise<void> {
  const { replacement_user_id, reason, created_by, created_at } = row;
  await db.insertInto('duty_swaps').values(row)
    .onConflict((oc) => oc.columns(['pattern_id', 'date']).doUpdateSet({ replacement_user_id, reason, created_by, created_at })).execute();
}

/** Enabled users holding any of these roles, one row per role held, by username. */
export async function enabledUsersWithRoles(db: Db, roles: readonly string[]): Promise<{ id: string; display_name: string; role: string }[]> {
  return db.selectFrom('user_roles as r').innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['u.id', 'u.display_name', 'r.role']).where('r.role', 'in', [...roles]).where('u.disabled', '=', 0)
    .orderBy('u.username').execute();
}

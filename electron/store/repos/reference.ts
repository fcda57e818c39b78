import type { ReferenceData } from '../../../shared/contract';
import type { Db } from './db';

/** Reference data: categories (three levels), administrative divisions and departments. */

/** Everything intake offers, each list in code order. */
export async function loadReferenceData(db: Db): Promise<ReferenceData> {
  const [categories, divisions, departments] = await Promise.all([
    db.selectFrom('categories').selectAll().orderBy('code').execute(),
    db.selectFrom('divisions').selectAll().orderBy('code').execute(),
    db.selectFrom('departments').selectAll().orderBy('code').execute(),
  ]);
  return {
    categories: categories.map((c) => ({ id: c.id, code: c.code, name: c.name, level: c.level, parentId: c.parent_id })),
    divisions: divisions.map((d) => ({ code: d.code, name: d.name, level: d.level, parentCode: d.parent_code, retired: d.retired === 1 })),
    departments: departments.map((d) => ({ id: d.id, code: d.code, name: d.name, kind: d.kind, districtCode: d.district_code })),
  };
}

/** Which of these department ids exist. */
export async function existingDepartmentIds(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  return (await db.selectFrom('departments').select('id').where('id', 'in', [...ids]).execute()).map((r) => r.id);
}

/** Every category with the names of its parent (p) and grandparent (g). */
export async function categoriesWithAncestors(db: Db) {
  return db.selectFrom('categories as c').leftJoin('categories as p', 'p.id', 'c.parent_id').leftJoin('categories as g', 'g.id', 'p.parent_id')
    .select(['c.id', 'c.code', 'c.name', 'c.level', 'p.name as p', 'g.name as g']).execute();
}

/** Districts (level 1), retired ones first, then by code. */
export async function districtsRetiredFirst(db: Db) {
  return db.selectFrom('divisions').select(['code', 'name']).where('level', '=', 1).orderBy('retired', 'desc').orderBy('code').execute();
}

/** How many divisions there are per level and retired flag. */
export async function divisionCounts(db: Db) {
  return db.selectFrom('divisions').select(['level', 'retired', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['level', 'retired']).execute();
}

/** The city (level 0) currently in use, if any. */
export async function currentCity(db: Db) {
  return db.selectFrom('divisions').select(['code', 'name']).where('level', '=', 0).where('retired', '=', 0).orderBy('code').executeTakeFirst();
}

export async function allDivisions(db: Db) {
  return db.selectFrom('divisions').select(['code', 'level', 'parent_code']).execute();
}

/** Division codes that tickets (district, street, community) or departments refer to. */
export async function usedDivisionCodes(db: Db): Promise<Set<string>> {
  const used = new Set<string>();
  for (const col of ['district_code', 'street_code', 'community_code'] as const) {
    for (const t of await db.selectFrom('tickets').select(col).distinct().where(col, 'is not', null).execute()) used.add(t[col]!);
  }
  for (const d of await db.selectFrom('departments').select('district_code').distinct().where('district_code', 'is not', null).execute()) used.add(d.district_code!);
  return used;
}

/** Writes divisions as current (not retired), replacing name, level and parent of existing codes. */
export async function upsertDivisions(db: Db, rows: readonly { code: string; name: string; level: number; parent_code: string | null }[]): Promise<void> {
  await db.insertInto('divisions').values(rows.map((r) => ({ ...r, retired: 0 })))
    .onConflict((oc) => oc.column('code').doUpdateSet((eb) => ({
      name: eb.ref('excluded.name'), level: eb.ref('excluded.level'), parent_code: eb.ref('excluded.parent_code'), retired: 0,
    }))).execute();
}

export async function retireDivisions(db: Db, codes: readonly string[]): Promise<void> {
  await db.updateTable('divisions').set({ retired: 1 }).where('code', 'in', [...codes]).execute();
}

export async function deleteDivisions(db: Db, codes: readonly string[]): Promise<void> {
  await db.deleteFrom('divisions').where('code', 'in', [...codes]).execute();
}

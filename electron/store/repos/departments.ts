import type { Db } from './db';

/** Department names by id. */
export async function departmentNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('departments').select(['id', 'name']).execute();
  return new Map(rows.map((d) => [d.id, d.name]));
}

/** One department's name; undefined when there is no such department. */
export async function departmentName(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom('departments').select('name').where('id', '=', id).executeTakeFirst())?.name;
}

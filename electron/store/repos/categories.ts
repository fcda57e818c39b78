import type { Db } from './db';

/** The appeal categories as a tree: each with its name and parent (null: a top-level category). */
export async function categoryTree(db: Db): Promise<{ id: string; name: string; parentId: string | null }[]> {
  return db.selectFrom('categories').select(['id', 'name', 'parent_id as parentId']).execute();
}

export async function categoryExists(db: Db, id: string): Promise<boolean> {
  return !!(await db.selectFrom('categories').select('id').where('id', '=', id).executeTakeFirst());
}

/** One category's name and parent, if it exists. */
export async function categoryNode(db: Db, id: string): Promise<{ name: string; parent_id: string | null } | undefined> {
  return db.selectFrom('categories').select(['name', 'parent_id']).where('id', '=', id).executeTakeFirst();
}

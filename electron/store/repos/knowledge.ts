import type { Insertable, Updateable } from 'kysely';
import type { CallScriptsTable, KnowledgeArticlesTable } from '../schema';
import type { Db } from './db';

/** Knowledge articles and call scripts. Updates and deletes say whether the row was there. */

/** How many articles there are and when the latest was changed: the key of a cache of them. */
export async function articlesStamp(db: Db): Promise<{ n: number; latest: string | null }> {
  const r = await db.selectFrom('knowledge_articles')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('latest')]).executeTakeFirst();
  return { n: Number(r?.n ?? 0), latest: r?.latest ?? null };
}

export async function allArticles(db: Db): Promise<KnowledgeArticlesTable[]> {
  return db.selectFrom('knowledge_articles').selectAll().execute();
}

export async function articleById(db: Db, id: string): Promise<KnowledgeArticlesTable | undefined> {
  return db.selectFrom('knowledge_articles').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertArticle(db: Db, row: Insertable<KnowledgeArticlesTable>): Promise<void> {
  await db.insertInto('knowledge_articles').values(row).execute();
}

export async function updateArticle(db: Db, id: string, set: Updateable<KnowledgeArticlesTable>): Promise<boolean> {
  const r = await db.updateTable('knowledge_articles').set(set).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The general scripts (no category), and those of `categoryId` when given; by sort, then title. */
export async function scriptRows(db: Db, categoryId?: string): Promise<CallScriptsTable[]> {
  let q = db.selectFrom('call_scripts').selectAll().orderBy('sort').orderBy('title');
  q = categoryId ? q.where((eb) => eb.or([eb('category_id', 'is', null), eb('category_id', '=', categoryId)])) : q.where('category_id', 'is', null);
  return q.execute();
}

export async function scriptById(db: Db, id: string): Promise<CallScriptsTable | undefined> {
  return db.selectFrom('call_scripts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function hasScripts(db: Db): Promise<boolean> {
  return !!(await db.selectFrom('call_scripts').select('id').limit(1).executeTakeFirst());
}

export async function insertScripts(db: Db, rows: readonly Insertable<CallScriptsTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('call_scripts').values([...rows]).execute();
}

export async function updateScript(db: Db, id: string, set: Updateable<CallScriptsTable>): Promise<boolean> {
  const r = await db.updateTable('call_scripts').set(set).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteScript(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('call_scripts').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

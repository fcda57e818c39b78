import type { Insertable } from 'kysely';
import type { CategoryModelTable } from '../schema';
import type { Db } from './db';

/** What the category suggester reads and keeps: the saved model (one row, id 1) and tickets to learn from. */

export interface LearnableTicket { id: string; created_at: string; title: string; content: string; category_id: string | null; status: string }

export async function savedCategoryModel(db: Db): Promise<CategoryModelTable | undefined> {
  return db.selectFrom('category_model').selectAll().where('id', '=', 1).executeTakeFirst();
}

export async function saveCategoryModel(db: Db, values: Omit<Insertable<CategoryModelTable>, 'id'>): Promise<void> {
  await db.insertInto('category_model').values({ id: 1, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}

export async function learnableTicket(db: Db, id: string): Promise<LearnableTicket | undefined> {
  return db.selectFrom('tickets').select(['id', 'created_at', 'title', 'content', 'category_id', 'status']).where('id', '=', id).executeTakeFirst();
}

/**
 * One keyset page of categorised, unmerged tickets created after `after` (exclusive; null: from
 * the first) up to `until` (inclusive), past `cursor` in `order` (created_at, then id).
 */
export async function learnableTicketPage(db: Db, q: {
  after: string | null; until: string; order: 'asc' | 'desc'; cursor: { at: string; id: string } | null; limit: number;
}): Promise<LearnableTicket[]> {
  const { after, cursor: c, order } = q;
  return db.selectFrom('tickets').select(['id', 'created_at', 'title', 'content', 'category_id', 'status'])
    .where('created_at', '<=', q.until)
    .$if(after !== null, (b) => b.where('created_at', '>', after!))
    .where('category_id', 'is not', null).where('status', '<>', 'merged')
    // The cursor's bound on created_at is implied by the OR but stated: without it SQLite ranges over
    // tickets_created from `until` to the cursor on every page (60 ms a page a quarter of the way into 200k tickets).
    .$if(c !== null, (b) => b.where('created_at', order === 'asc' ? '>=' : '<=', c!.at).where((eb) => order === 'asc'
      ? eb.or([eb('created_at', '>', c!.at), eb.and([eb('created_at', '=', c!.at), eb('id', '>', c!.id)])])
      : eb.or([eb('created_at', '<', c!.at), eb.and([eb('created_at', '=', c!.at), eb('id', '<', c!.id)])])))
    .orderBy('created_at', order).orderBy('id', order).limit(q.limit).execute();
}

/** created_at of the newest ticket, if any. */
export async function newestTicketAt(db: Db): Promise<string | null> {
  const r = await db.selectFrom('tickets').select('created_at').orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  return r?.created_at ?? null;
}

/** How many tickets were created after `after` (exclusive; null: from the first) up to `until` (inclusive). */
export async function countTicketsCreated(db: Db, after: string | null, until: string): Promise<number> {
  let q = db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).where('created_at', '<=', until);
  if (after !== null) q = q.where('created_at', '>', after);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

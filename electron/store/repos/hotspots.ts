import type { Db } from './db';

/** What the hotspot engine reads of a ticket: text, time, category, district, citizen, coordinates. */
export interface HotspotTicketRow {
  id: string;
  number: string;
  created_at: string;
  title: string;
  content: string;
  citizen_id: string | null;
  category: string | null;
  district: string | null;
  lat: number | null;
  lng: number | null;
}

function base(db: Db) {
  return db
    .selectFrom('tickets as t')
    .leftJoin('categories as c', 'c.id', 't.category_id')
    .leftJoin('divisions as d', 'd.code', 't.district_code')
    .select(['t.id', 't.number', 't.created_at', 't.title', 't.content', 't.citizen_id', 'c.name as category', 'd.name as district', 't.lat', 't.lng']);
}

/** Tickets registered since `since` (ISO), oldest first, a page at a time (after the last seen id). */
export async function hotspotTicketsSince(db: Db, q: { since: string; after?: { createdAt: string; id: string }; limit: number }): Promise<HotspotTicketRow[]> {
  let query = base(db).where('t.created_at', '>=', q.since);
  if (q.after) {
    const a = q.after;
    query = query.where((eb) => eb.or([eb('t.created_at', '>', a.createdAt), eb.and([eb('t.created_at', '=', a.createdAt), eb('t.id', '>', a.id)])]));
  }
  return query.orderBy('t.created_at').orderBy('t.id').limit(q.limit).execute();
}

export async function hotspotTicketsByIds(db: Db, ids: readonly string[]): Promise<HotspotTicketRow[]> {
  if (ids.length === 0) return [];
  return base(db).where('t.id', 'in', [...ids]).execute();
}

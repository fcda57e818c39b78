import type { Expression, Insertable, SqlBool, Updateable } from 'kysely';
import type {
  ConsultationAttachmentsTable, ConsultationItemsTable, ConsultationMeasuresTable, ConsultationRecordsTable,
} from '../schema';
import type { Db } from './db';

/**
 * The consultation queue's store: items, the tickets linked to them, the work recorded on them
 * (records, attachments, measures). Item writes are guarded by the item's version; a guarded write
 * says whether it went through.
 */

// ---- items ----

export async function itemById(db: Db, id: string): Promise<ConsultationItemsTable | undefined> {
  return db.selectFrom('consultation_items').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function itemsByIds(db: Db, ids: readonly string[]): Promise<ConsultationItemsTable[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('consultation_items').selectAll().where('id', 'in', [...ids]).orderBy('number').execute();
}

/**
 * A page of the queue. `open`: queued items, the oldest claim deadline first; the others newest
 * first: `mine` the user's unclosed claims, `hard` the hard-list items, `closed` the closed ones.
 * `routes`: only items on these routes (null: every route).
 */
export async function queueItems(db: Db, q: {
  scope: 'open' | 'mine' | 'all' | 'hard' | 'closed'; userId: string; routes: readonly string[] | null; limit: number;
}): Promise<ConsultationItemsTable[]> {
  let b = db.selectFrom('consultation_items').selectAll();
  if (q.scope === 'open') b = b.where('stage', '=', 'queued');
  if (q.scope === 'mine') b = b.where('claimed_by', '=', q.userId).where('stage', '!=', 'closed');
  if (q.scope === 'hard') b = b.where('source', '=', 'hard_list');
  if (q.scope === 'closed') b = b.where('stage', '=', 'closed');
  if (q.routes) b = b.where('route', 'in', [...q.routes]);
  return b.orderBy(q.scope === 'open' ? 'claim_by' : 'created_at', q.scope === 'open' ? 'asc' : 'desc').limit(q.limit).execute();
}

export async function insertItem(db: Db, row: Insertable<ConsultationItemsTable>): Promise<void> {
  await db.insertInto('consultation_items').values(row).execute();
}

/** Writes item columns if the item is still at `version` (and at `stage`, when given), moving it to version + 1. */
export async function updateItemIfCurrent(db: Db, id: string, expected: { version: number; stage?: string }, set: Updateable<ConsultationItemsTable>): Promise<boolean> {
  let q = db.updateTable('consultation_items').set({ ...set, version: expected.version + 1 }).where('id', '=', id).where('version', '=', expected.version);
  if (expected.stage !== undefined) q = q.where('stage', '=', expected.stage);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setItemStage(db: Db, id: string, stage: string): Promise<void> {
  await db.updateTable('consultation_items').set({ stage }).where('id', '=', id).execute();
}

export async function itemClaimer(db: Db, id: string): Promise<string | null> {
  return (await db.selectFrom('consultation_items').select('claimed_by').where('id', '=', id).executeTakeFirst())?.claimed_by ?? null;
}

/** Items created in [from, to), by number. */
export async function itemsCreatedBetween(db: Db, from: string, to: string) {
  return db.selectFrom('consultation_items').select(['id', 'number', 'title', 'stage', 'domain', 'route', 'claimed_by', 'created_by'])
    .where('created_at', '>=', from).where('created_at', '<', to).orderBy('number').execute();
}

/** Queued items, the oldest claim deadline first. */
export async function queuedItems(db: Db, limit: number) {
  return db.selectFrom('consultation_items').select(['id', 'number', 'title', 'route', 'claim_by', 'created_at'])
    .where('stage', '=', 'queued').orderBy('claim_by').limit(limit).execute();
}

// ---- linked tickets ----

export async function linkTickets(db: Db, itemId: string, ticketIds: readonly string[]): Promise<void> {
  if (ticketIds.length === 0) return;
  await db.insertInto('consultation_item_tickets').values(ticketIds.map((t) => ({ item_id: itemId, ticket_id: t }))).execute();
}

/** One row per linked ticket of these items. */
export async function ticketLinksOf(db: Db, itemIds: readonly string[]): Promise<{ item_id: string }[]> {
  if (itemIds.length === 0) return [];
  return db.selectFrom('consultation_item_tickets').select(['item_id']).where('item_id', 'in', [...itemIds]).execute();
}

/** The tickets linked to an item, oldest first. */
export async function itemTickets(db: Db, itemId: string) {
  return db.selectFrom('consultation_item_tickets as l').innerJoin('tickets as t', 't.id', 'l.ticket_id')
    .select(['t.id', 't.number', 't.title', 't.status', 't.created_at', 't.phone', 't.caller_name', 't.confidential', 't.citizen_id'])
    .where('l.item_id', '=', itemId).orderBy('t.created_at').execute();
}

/** An unclosed item one of these tickets is already linked to, if any, with the ticket's number. */
export async function openItemOfTickets(db: Db, ticketIds: readonly string[]) {
  return db.selectFrom('consultation_item_tickets as l').innerJoin('consultation_items as i', 'i.id', 'l.item_id')
    .innerJoin('tickets as t', 't.id', 'l.ticket_id').select(['t.number', 'i.number as item', 'i.route', 'i.claimed_by', 'i.created_by'])
    .where('l.ticket_id', 'in', [...ticketIds]).where('i.stage', '!=', 'closed').executeTakeFirst();
}

/** The newest item a ticket is linked to, with its claimer's name. */
export async function latestItemOfTicket(db: Db, ticketId: string) {
  return db.selectFrom('consultation_item_tickets as l').innerJoin('consultation_items as i', 'i.id', 'l.item_id')
    .leftJoin('users as u', 'u.id', 'i.claimed_by')
    .select(['i.id', 'i.number', 'i.stage', 'i.route', 'u.display_name']).where('l.ticket_id', '=', ticketId)
    .orderBy('i.created_at', 'desc').executeTakeFirst();
}

// ---- the tickets an item is made from ----

export async function ticketTitles(db: Db, ids: readonly string[]): Promise<{ id: string; title: string }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('tickets').select(['id', 'title']).where('id', 'in', [...ids]).execute();
}

export async function ticketCategoryId(db: Db, id: string): Promise<string | null> {
  return (await db.selectFrom('tickets').select('category_id').where('id', '=', id).executeTakeFirst())?.category_id ?? null;
}

/** Up to 50 other tickets of these citizens, newest first. */
export async function otherTicketsOfCitizens(db: Db, citizenIds: readonly string[], exceptTicketIds: readonly string[]) {
  if (citizenIds.length === 0) return [];
  let q = db.selectFrom('tickets').select(['id', 'number', 'created_at', 'title', 'status']).where('citizen_id', 'in', [...citizenIds]);
  if (exceptTicketIds.length > 0) q = q.where('id', 'not in', [...exceptTicketIds]);
  return q.orderBy('created_at', 'desc').limit(50).execute();
}

/**
 * Tickets not linked to any item, `visible` to the reader, that are in one of `states`, or in one
 * of `overdueStates` with the reply deadline before `now`; the oldest first.
 */
export async function unescalatedTickets(db: Db, q: {
  visible: Expression<SqlBool>; states: readonly string[]; overdueStates: readonly string[]; now: string; limit: number;
}) {
  const escalated = db.selectFrom('consultation_item_tickets').select('ticket_id');
  return db.selectFrom('tickets as t').leftJoin('divisions as d', 'd.code', 't.district_code')
    .select(['t.id', 't.number', 't.title', 't.status', 't.created_at', 't.reply_by', 'd.name as district'])
    .where('t.id', 'not in', escalated)
    .where(q.visible)
    .where((eb) => eb.or([
      eb('t.status', 'in', [...q.states]),
      eb.and([eb('t.status', 'in', [...q.overdueStates]), eb('t.reply_by', '<', q.now)]),
    ]))
    .orderBy('t.created_at', 'asc').limit(q.limit).execute();
}

// ---- work recorded on an item ----

export async function itemRecords(db: Db, itemId: string): Promise<ConsultationRecordsTable[]> {
  return db.selectFrom('consultation_records').selectAll().where('item_id', '=', itemId).orderBy('at').orderBy('id').execute();
}

export async function insertRecord(db: Db, row: ConsultationRecordsTable): Promise<void> {
  await db.insertInto('consultation_records').values(row).execute();
}

/** The attachments of an item, without their content. */
export async function attachmentList(db: Db, itemId: string) {
  return db.selectFrom('consultation_attachments').select(['id', 'record_id', 'name', 'size', 'mime']).where('item_id', '=', itemId).execute();
}

export async function attachmentOf(db: Db, itemId: string, attachmentId: string) {
  return db.selectFrom('consultation_attachments').select(['name', 'mime', 'content'])
    .where('id', '=', attachmentId).where('item_id', '=', itemId).executeTakeFirst();
}

export async function insertAttachment(db: Db, row: ConsultationAttachmentsTable): Promise<void> {
  await db.insertInto('consultation_attachments').values(row).execute();
}

// ---- measures ----

export async function itemMeasures(db: Db, itemId: string): Promise<ConsultationMeasuresTable[]> {
  return db.selectFrom('consultation_measures').selectAll().where('item_id', '=', itemId).orderBy('created_at').orderBy('id').execute();
}

/** Status and deadline of every measure of these items. */
export async function measureStates(db: Db, itemIds: readonly string[]) {
  if (itemIds.length === 0) return [];
  return db.selectFrom('consultation_measures').select(['item_id', 'status', 'deadline', 'drop_reason']).where('item_id', 'in', [...itemIds]).execute();
}

export async function measureOf(db: Db, itemId: string, measureId: string): Promise<ConsultationMeasuresTable | undefined> {
  return db.selectFrom('consultation_measures').selectAll().where('id', '=', measureId).where('item_id', '=', itemId).executeTakeFirst();
}

export async function insertMeasure(db: Db, row: ConsultationMeasuresTable): Promise<void> {
  await db.insertInto('consultation_measures').values(row).execute();
}

export async function updateMeasure(db: Db, id: string, set: Updateable<ConsultationMeasuresTable>): Promise<void> {
  await db.updateTable('consultation_measures').set(set).where('id', '=', id).execute();
}

/** Measures in these states on unclosed items (only the items `claimedBy` holds, when given), the earliest deadline first. */
export async function measuresDue(db: Db, q: { states: readonly string[]; claimedBy: string | null; limit: number }) {
  let b = db.selectFrom('consultation_measures as m').innerJoin('consultation_items as i', 'i.id', 'm.item_id')
    .select(['i.id', 'i.number', 'i.title', 'm.content', 'm.deadline', 'm.status', 'm.drop_reason'])
    .where('m.status', 'in', [...q.states]).where('i.stage', '!=', 'closed');
  if (q.claimedBy !== null) b = b.where('i.claimed_by', '=', q.claimedBy);
  return b.orderBy('m.deadline').limit(q.limit).execute();
}

import { sql, type Insertable, type Updateable } from 'kysely';
import type { ClassCaseCountersTable, ClassCaseMeasuresTable, ClassCasesTable } from '../schema';
import type { Db } from './db';
import { visibleTickets, type TicketScope } from './tickets';

/**
 * The class cases' store (类案, migration 0023): cases, member tickets, measures, counters. Case,
 * measure and counter writes are guarded by their row's version and say whether they went through.
 */

/** Ids per statement: far below either store's parameter limit. */
const CHUNK = 500;

function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

// ---- cases ----

export async function insertClassCase(db: Db, row: Insertable<ClassCasesTable>): Promise<void> {
  await db.insertInto('class_cases').values(row).execute();
}

export async function classCaseById(db: Db, id: string): Promise<ClassCasesTable | undefined> {
  return db.selectFrom('class_cases').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Cases in a state (null: all), newest first. */
export async function classCaseList(db: Db, state: string | null, limit: number): Promise<ClassCasesTable[]> {
  let q = db.selectFrom('class_cases').selectAll();
  if (state) q = q.where('state', '=', state);
  return q.orderBy('created_at', 'desc').limit(limit).execute();
}

/** Cases created in [from, to), or still open then. */
export async function classCasesTouching(db: Db, from: string, to: string): Promise<ClassCasesTable[]> {
  return db.selectFrom('class_cases').selectAll().where('created_at', '<', to)
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', from)])).orderBy('created_at').execute();
}

/** Writes case columns if the case is still at `version`, moving it to version + 1. */
export async function updateClassCaseIfCurrent(db: Db, id: string, version: number, set: Updateable<ClassCasesTable>): Promise<boolean> {
  const r = await db.updateTable('class_cases').set({ ...set, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Open cases with their match rules (few: a center runs tens at a time). */
export async function openClassCaseRules(db: Db) {
  return db.selectFrom('class_cases').select(['id', 'number', 'title', 'category_id', 'area_code', 'terms']).where('state', '=', 'open').execute();
}

// ---- members ----

/** Which of these tickets exist. */
export async function existingTicketIds(db: Db, ids: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of chunks(ids)) out.push(...(await db.selectFrom('tickets').select('id').where('id', 'in', c).execute()).map((r) => r.id));
  return out;
}

/** Adds members not there yet; returns the ones added. */
export async function addClassCaseMembers(db: Db, caseId: string, ticketIds: readonly string[], at: string, auto: boolean): Promise<string[]> {
  const present = new Set<string>();
  for (const c of chunks(ticketIds)) {
    for (const r of await db.selectFrom('class_case_tickets').select('ticket_id').where('class_case_id', '=', caseId).where('ticket_id', 'in', c).execute()) present.add(r.ticket_id);
  }
  const fresh = [...new Set(ticketIds)].filter((t) => !present.has(t));
  for (const c of chunks(fresh)) {
    await db.insertInto('class_case_tickets').values(c.map((t) => ({ class_case_id: caseId, ticket_id: t, added_at: at, auto: auto ? 1 : 0 }))).execute();
  }
  return fresh;
}

/** Member ids with their state, oldest member first. */
export async function classCaseMemberStates(db: Db, caseId: string): Promise<{ id: string; number: string; status: string }[]> {
  return db.selectFrom('class_case_tickets as m').innerJoin('tickets as t', 't.id', 'm.ticket_id')
    .select(['t.id', 't.number', 't.status']).where('m.class_case_id', '=', caseId).orderBy('m.added_at').orderBy('t.number').execute();
}

/** A page of members this reader may see, newest first, with district and lead department names. */
export async function classCaseMemberRows(db: Db, caseId: string, scope: TicketScope, limit: number) {
  return db.selectFrom('class_case_tickets as m').innerJoin('tickets as t', 't.id', 'm.ticket_id')
    .leftJoin('divisions as d', 'd.code', 't.district_code').leftJoin('departments as dep', 'dep.id', 't.lead_department_id')
    .select(['t.id', 't.number', 't.title', 't.status', 't.created_at', 't.phone', 't.confidential', 'm.auto', 'd.name as district', 'dep.name as dep'])
    .where('m.class_case_id', '=', caseId).where(visibleTickets(scope)).orderBy('t.created_at', 'desc').limit(limit).execute();
}

/** Members per case and, of them, how many are finished. */
export async function classCaseMemberCounts(db: Db, caseIds: readonly string[]): Promise<Map<string, { members: number; finished: number }>> {
  const out = new Map<string, { members: number; finished: number }>();
  if (caseIds.length === 0) return out;
  const rows = await db.selectFrom('class_case_tickets as m').innerJoin('tickets as t', 't.id', 'm.ticket_id')
    .select(['m.class_case_id as id', sql<number>`count(*)`.as('n'),
      sql<number>`sum(case when t.status in ('closed', 'resolved_directly') then 1 else 0 end)`.as('f')])
    .where('m.class_case_id', 'in', [...caseIds]).groupBy('m.class_case_id').execute();
  for (const r of rows) out.set(r.id, { members: Number(r.n), finished: Number(r.f ?? 0) });
  return out;
}

/** Open class cases a ticket belongs to. */
export async function openClassCasesOfTicket(db: Db, ticketId: string) {
  return db.selectFrom('class_case_tickets as m').innerJoin('class_cases as c', 'c.id', 'm.class_case_id')
    .select(['c.id', 'c.number', 'c.title']).where('m.ticket_id', '=', ticketId).where('c.state', '=', 'open').execute();
}

/** What a rule looks at on a ticket: category, divisions and text. */
export async function ticketMatchFacts(db: Db, ticketId: string) {
  return db.selectFrom('tickets').select(['id', 'category_id', 'district_code', 'street_code', 'community_code', 'title', 'content', 'status'])
    .where('id', '=', ticketId).executeTakeFirst();
}

/** Whether the department leads or helps with any of these tickets (a liaison reads such a case). */
export async function departmentOnTickets(db: Db, caseId: string, departmentId: string): Promise<boolean> {
  const r = await db.selectFrom('class_case_tickets as m').innerJoin('ticket_departments as v', 'v.ticket_id', 'm.ticket_id')
    .select('m.ticket_id').where('m.class_case_id', '=', caseId).where('v.department_id', '=', departmentId).limit(1).executeTakeFirst();
  return r !== undefined;
}

// ---- measures and counters ----

export async function insertClassCaseMeasure(db: Db, row: Insertable<ClassCaseMeasuresTable>): Promise<void> {
  await db.insertInto('class_case_measures').values(row).execute();
}

export async function classCaseMeasures(db: Db, caseId: string): Promise<ClassCaseMeasuresTable[]> {
  return db.selectFrom('class_case_measures').selectAll().where('class_case_id', '=', caseId).orderBy('deadline').orderBy('id').execute();
}

export async function updateClassCaseMeasureIfCurrent(db: Db, id: string, caseId: string, version: number, set: Updateable<ClassCaseMeasuresTable>): Promise<boolean> {
  const r = await db.updateTable('class_case_measures').set({ ...set, version: version + 1 })
    .where('id', '=', id).where('class_case_id', '=', caseId).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertClassCaseCounter(db: Db, row: Insertable<ClassCaseCountersTable>): Promise<void> {
  await db.insertInto('class_case_counters').values(row).execute();
}

export async function classCaseCounters(db: Db, caseIds: readonly string[]): Promise<ClassCaseCountersTable[]> {
  if (caseIds.length === 0) return [];
  return db.selectFrom('class_case_counters').selectAll().where('class_case_id', 'in', [...caseIds]).orderBy('id').execute();
}

export async function updateClassCaseCounterIfCurrent(db: Db, id: string, caseId: string, version: number, set: Updateable<ClassCaseCountersTable>): Promise<boolean> {
  const r = await db.updateTable('class_case_counters').set({ ...set, version: version + 1 })
    .where('id', '=', id).where('class_case_id', '=', caseId).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Category parents by id (the tree is small: a few hundred nodes). */
export async function categoryParents(db: Db): Promise<Map<string, string | null>> {
  const rows = await db.selectFrom('categories').select(['id', 'parent_id']).execute();
  return new Map(rows.map((r) => [r.id, r.parent_id]));
}

/** A division's name. */
export async function divisionName(db: Db, code: string): Promise<string | null> {
  return (await db.selectFrom('divisions').select('name').where('code', '=', code).executeTakeFirst())?.name ?? null;
}

/** Of these tickets, the ones linked to a consultation item that is not closed. */
export async function ticketsInOpenItems(db: Db, ticketIds: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const c of chunks(ticketIds)) {
    const rows = await db.selectFrom('consultation_item_tickets as l').innerJoin('consultation_items as i', 'i.id', 'l.item_id')
      .select('l.ticket_id').where('l.ticket_id', 'in', c).where('i.stage', '!=', 'closed').execute();
    for (const r of rows) out.add(r.ticket_id);
  }
  return out;
}

/** A consultation item's number and stage. */
export async function consultationItemRef(db: Db, id: string) {
  return db.selectFrom('consultation_items').select(['id', 'number', 'stage']).where('id', '=', id).executeTakeFirst();
}

import { sql } from 'kysely';
import type { Db } from './db';

/**
 * Reads for the wallboard's charts and the shift lead's alerts: each bounded to the days it needs
 * by an index (call_records by invited_at, tickets by created_at) or to a small table.
 */

/**
 * Citizens' inbound calls of [from, to) grouped by minute ("YYYY-MM-DDTHH:MM" in UTC, as stored):
 * offered and answered within `inTimeMs`. At most 1,440 rows a day, counted by the store.
 */
export async function callsByMinute(db: Db, q: { from: string; to: string; extensions: readonly string[]; inTimeMs: number }) {
  const minute = sql<string>`substr(invited_at, 1, 16)`;
  let query = db.selectFrom('call_records')
    .select([
      minute.as('minute'),
      sql<number | string>`count(*)`.as('offered'),
      sql<number | string>`sum(case when answered_at is not null and ring_ms <= ${q.inTimeMs} then 1 else 0 end)`.as('in_time'),
    ])
    .where('invited_at', '>=', q.from).where('invited_at', '<', q.to).where('direction', '=', 'inbound');
  if (q.extensions.length) query = query.where('remote_number', 'not in', [...q.extensions]);
  const rows = await query.groupBy(minute).execute();
  return rows.map((r) => ({ minute: r.minute, offered: Number(r.offered), inTime: Number(r.in_time) }));
}

/** Tickets registered in [from, to) per category (null: none given), through the created_at index. */
export async function ticketsByCategoryBetween(db: Db, from: string, to: string) {
  const rows = await db.selectFrom('tickets').select(['category_id', sql<number | string>`count(*)`.as('n')])
    .where('created_at', '>=', from).where('created_at', '<', to).groupBy('category_id').execute();
  return rows.map((r) => ({ categoryId: r.category_id, count: Number(r.n) }));
}

/** The taxonomy's tree links, to roll categories up to their top level. */
export async function categoryTree(db: Db) {
  return db.selectFrom('categories').select(['id', 'name', 'parent_id']).execute();
}

/** Open tickets past their reply deadline (index on status, reply_by). */
export async function overdueTicketCount(db: Db, openStates: readonly string[], now: string): Promise<number> {
  const r = await db.selectFrom('tickets').select(sql<number | string>`count(*)`.as('n'))
    .where('status', 'in', [...openStates]).where('reply_by', '<', now).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Consultation items waiting in the queue, claimed by nobody. */
export async function unclaimedItemCount(db: Db): Promise<number> {
  const r = await db.selectFrom('consultation_items').select(sql<number | string>`count(*)`.as('n'))
    .where('stage', '=', 'queued').executeTakeFirstOrThrow();
  return Number(r.n);
}

const ALERT_PREFIX = 'lead_alert:';

/**
 * Marks an alert raised, unless it already is: true for the one caller (of every server of a
 * center) that raised it, so each breach is announced once.
 */
export async function claimLeadAlert(db: Db, kind: string, value: string): Promise<boolean> {
  const r = await db.insertInto('meta').values({ key: ALERT_PREFIX + kind, value }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Clears a raised alert: true for the one caller that cleared it. */
export async function releaseLeadAlert(db: Db, kind: string): Promise<boolean> {
  const r = await db.deleteFrom('meta').where('key', '=', ALERT_PREFIX + kind).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The alerts raised now, as stored (kind and its JSON). */
export async function raisedLeadAlerts(db: Db): Promise<{ kind: string; value: string }[]> {
  const rows = await db.selectFrom('meta').select(['key', 'value']).where('key', 'like', `${ALERT_PREFIX}%`).execute();
  return rows.map((r) => ({ kind: r.key.slice(ALERT_PREFIX.length), value: r.value }));
}

// ---- the lead's consultation figures: one filter each, for the count and for the list ----

/**
 * 未认领升级: items still queued; 超认领时限: queued with the claim deadline before `now`
 * (through the stage index; the queued items are few).
 */
function queuedItemsQuery(db: Db, pastClaimAt: string | null) {
  let q = db.selectFrom('consultation_items as i').where('i.stage', '=', 'queued');
  if (pastClaimAt !== null) q = q.where('i.claim_by', '<', pastClaimAt);
  return q;
}

/** 措施逾期: measures planned or in progress whose due day is before `today` (China date key), on unclosed items (index on status, deadline). */
function overdueMeasuresQuery(db: Db, openStates: readonly string[], today: string) {
  return db.selectFrom('consultation_measures as m').innerJoin('consultation_items as i', 'i.id', 'm.item_id')
    .where('m.status', 'in', [...openStates]).where('m.deadline', '<', today).where('i.stage', '!=', 'closed');
}

export type LeadConsultFilter =
  | { kind: 'queued'; pastClaimAt: string | null }
  | { kind: 'measures'; openStates: readonly string[]; today: string };

export async function leadConsultCount(db: Db, f: LeadConsultFilter): Promise<number> {
  const q = f.kind === 'queued' ? queuedItemsQuery(db, f.pastClaimAt) : overdueMeasuresQuery(db, f.openStates, f.today);
  const r = await q.select(sql<number | string>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The rows behind a figure, the earliest deadline first, with the claimer's name. */
export async function leadConsultRows(db: Db, f: LeadConsultFilter, limit: number) {
  if (f.kind === 'queued') {
    return queuedItemsQuery(db, f.pastClaimAt).leftJoin('users as u', 'u.id', 'i.claimed_by')
      .select(['i.id', 'i.number', 'i.title', 'i.created_at', 'i.claim_by as deadline', sql<string | null>`null`.as('measure_id'), sql<string | null>`null`.as('measure'), 'u.display_name as claimer', 'i.version', 'i.claimed_by'])
      .orderBy('i.claim_by').orderBy('i.number').limit(limit).execute();
  }
  return overdueMeasuresQuery(db, f.openStates, f.today).leftJoin('users as u', 'u.id', 'i.claimed_by')
    .select(['i.id', 'i.number', 'i.title', 'i.created_at', 'm.deadline', 'm.id as measure_id', 'm.content as measure', 'u.display_name as claimer', 'i.version', 'i.claimed_by'])
    .orderBy('m.deadline').orderBy('i.number').orderBy('m.id').limit(limit).execute();
}

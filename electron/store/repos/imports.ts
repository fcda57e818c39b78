import { sql, type Insertable } from 'kysely';
import type { ImportStagingTable } from '../schema';
import type { Db } from './db';

/**
 * Excel imports: checked rows wait in `import_staging` under a batch id until one transaction
 * publishes the batch into citizens and tickets with a few set-based statements.
 */

/** Rows per INSERT statement (SQLite allows 32,766 bound values). */
const STAGE_STATEMENT = 100;

export type StagedRow = Insertable<ImportStagingTable>;

export async function insertStagedRows(db: Db, rows: readonly StagedRow[]): Promise<void> {
  for (let j = 0; j < rows.length; j += STAGE_STATEMENT) await db.insertInto('import_staging').values(rows.slice(j, j + STAGE_STATEMENT)).execute();
}

export async function countStagedRows(db: Db, batchId: string): Promise<number> {
  const r = await db.selectFrom('import_staging').select((eb) => eb.fn.countAll<number>().as('n')).where('batch_id', '=', batchId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Creates the citizens first seen in a batch (one row per new phone number). */
export async function publishStagedCitizens(db: Db, batchId: string): Promise<void> {
  await sql`insert into citizens (id, phone, name, created_at)
    select s.new_citizen_id, s.phone, s.caller_name, s.created_at from import_staging s
    where s.batch_id = ${batchId} and s.new_citizen_id is not null and not exists (select 1 from citizens c where c.phone = s.phone)`.execute(db);
}

/**
 * Creates a batch's tickets, in sheet order. A row without a number of its own gets
 * `series` + (`base` + its gen_seq), zero-padded to 6 digits.
 */
export async function publishStagedTickets(db: Db, batchId: string, n: { series: string; base: number; at: string }): Promise<void> {
  const seqText = sql`cast(${n.base} + s.gen_seq as text)`;
  const genNumber = sql`${n.series} || case when length(${seqText}) >= 6 then ${seqText} else substr('00000' || ${seqText}, length(${seqText})) end`;
  await sql`insert into tickets (id, number, created_at, updated_at, channel, appeal_type, urgency, status, citizen_id, phone, caller_name, confidential,
      category_id, title, content, district_code, street_code, community_code, address, lat, lng, lead_department_id, sign_by, reply_by, closed_at, parent_id)
    select s.ticket_id, coalesce(s.number, ${genNumber}), s.created_at, ${n.at}, 'letter', s.appeal_type, 'normal', s.status,
      (select c.id from citizens c where c.phone = s.phone), s.phone, s.caller_name, 0,
      s.category_id, s.title, s.content, s.district_code, null, null, s.address, null, null, null, null, null, s.closed_at, null
    from import_staging s where s.batch_id = ${batchId} order by s.seq`.execute(db);
}

/** Deletes up to `limit` staged rows of a batch; returns how many went. */
export async function deleteStagedRows(db: Db, batchId: string, limit: number): Promise<number> {
  const r = await db.deleteFrom('import_staging').where('batch_id', '=', batchId)
    .where('seq', 'in', (eb) => eb.selectFrom('import_staging').select('seq').where('batch_id', '=', batchId).limit(limit)).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Deletes every staged row (of any batch), or those staged before a time; returns how many. */
export async function deleteStaleStagedRows(db: Db, before?: string): Promise<number> {
  let q = db.deleteFrom('import_staging');
  if (before) q = q.where('staged_at', '<', before);
  return Number((await q.executeTakeFirst()).numDeletedRows);
}

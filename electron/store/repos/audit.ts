import type { Insertable } from 'kysely';
import type { AuditEventsTable } from '../schema';
import type { Db } from './db';

/** The audit trail's writer: one line, in the caller's transaction. Lines are never updated or deleted. */
export async function insertAuditEvent(db: Db, row: Insertable<AuditEventsTable>): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}

/** When `actorId` last did `action` to the subject (ISO), or null: read through the subject's index. */
export async function lastAuditAt(db: Db, actorId: string, action: string, subjectType: string, subjectId: string): Promise<string | null> {
  const r = await db.selectFrom('audit_events').select((eb) => eb.fn.max('at').as('at'))
    .where('subject_type', '=', subjectType).where('subject_id', '=', subjectId).where('actor_id', '=', actorId).where('action', '=', action)
    .executeTakeFirst();
  return (r?.at as string | null | undefined) ?? null;
}

/** The audit lines about one subject (say, a consultation item), oldest first. */
export async function auditTrailOf(db: Db, subjectType: string, subjectId: string) {
  return db.selectFrom('audit_events').select(['id', 'at', 'actor_id', 'action', 'data'])
    .where('subject_type', '=', subjectType).where('subject_id', '=', subjectId).orderBy('at').orderBy('id').execute();
}

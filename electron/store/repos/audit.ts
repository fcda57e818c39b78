import type { Insertable } from 'kysely';
import type { AuditEventsTable } from '../schema';
import type { Db } from './db';

/** The audit trail's writer: one line, in the caller's transaction. Lines are never updated or deleted. */
export async function insertAuditEvent(db: Db, row: Insertable<AuditEventsTable>): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}

/** The audit lines about one subject (say, a consultation item), oldest first. */
export async function auditTrailOf(db: Db, subjectType: string, subjectId: string) {
  return db.selectFrom('audit_events').select(['id', 'at', 'actor_id', 'action', 'data'])
    .where('subject_type', '=', subjectType).where('subject_id', '=', subjectId).orderBy('at').orderBy('id').execute();
}

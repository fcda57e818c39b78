import { insertAuditEvent } from '../store/repos/audit';
import type { Db } from '../store/repos/db';
import { uuidv7 } from '../util/ids';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  /** What changed. Never put a password, a token or a citizen's phone number here. */
  data?: Record<string, unknown>;
}

/** Written in the caller's transaction so the audit line and the change commit or fail together. */
export async function writeAudit(db: Db, entry: AuditEntry, at = new Date()): Promise<void> {
  await insertAuditEvent(db, {
    id: uuidv7(at.getTime()),
    at: at.toISOString(),
    actor_id: entry.actorId,
    action: entry.action,
    subject_type: entry.subjectType,
    subject_id: entry.subjectId ?? null,
    data: JSON.stringify(entry.data ?? {}),
  });
}

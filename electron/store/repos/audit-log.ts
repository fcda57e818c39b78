import type { Kysely } from 'kysely';
import type { AuditRow } from '../../../shared/contract';
import type { DB } from '../schema';

/** The newest audit lines first, with the actor's display name; only one action's if given. */
export async function listAuditEvents(db: Kysely<DB>, filter: { limit: number; action?: string }): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_events as a').leftJoin('users as u', 'u.id', 'a.actor_id')
    .select(['a.id', 'a.at', 'a.action', 'a.subject_type', 'a.subject_id', 'a.data', 'u.display_name'])
    .orderBy('a.at', 'desc').orderBy('a.id', 'desc').limit(filter.limit);
  if (filter.action) q = q.where('a.action', '=', filter.action);
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, at: r.at, actorName: r.display_name, action: r.action, subjectType: r.subject_type, subjectId: r.subject_id, data: r.data }));
}

import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema';
import type { Dialect, Migration } from './types';
import { createIndex, strict } from './ddl';

/**
 * Fills ticket_departments from the dispatch history: every department a ticket was dispatched to
 * (lead or co-department, by a dispatch or a reopen that redispatched). Idempotent; also run after
 * demo data is loaded, whose history is written as events without going through the workflow.
 */
export async function backfillTicketDepartments(db: Kysely<DB>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') {
    for (const path of ['$.leadDepartmentId', '$.route.leadDepartmentId']) {
      await sql`insert or ignore into ticket_departments (ticket_id, department_id)
        select e.ticket_id, d.id from ticket_events e join departments d on d.id = json_extract(e.data, ${path})
        where e.action in ('dispatch', 'reopen') and json_valid(e.data)`.execute(db);
    }
    for (const path of ['$.coDepartmentIds', '$.route.coDepartmentIds']) {
      await sql`insert or ignore into ticket_departments (ticket_id, department_id)
        select e.ticket_id, d.id from ticket_events e join json_each(e.data, ${path}) j join departments d on d.id = j.value
        where e.action in ('dispatch', 'reopen') and json_valid(e.data)`.execute(db);
    }
    return;
  }
  await sql`insert into ticket_departments (ticket_id, department_id)
    select distinct e.ticket_id, d.id from ticket_events e
    cross join lateral (
      select e.data::jsonb ->> 'leadDepartmentId' as dep
      union all select e.data::jsonb -> 'route' ->> 'leadDepartmentId'
      union all select jsonb_array_elements_text(coalesce(e.data::jsonb -> 'coDepartmentIds', '[]'::jsonb))
      union all select jsonb_array_elements_text(coalesce(e.data::jsonb -> 'route' -> 'coDepartmentIds', '[]'::jsonb))
    ) x
    join departments d on d.id = x.dep
    where e.action in ('dispatch', 'reopen')
    on conflict do nothing`.execute(db);
}

/**
 * Which departments a ticket was ever dispatched to, so that a department keeps read access to
 * co-department tickets and to tickets it returned or that were redispatched away (the lead
 * column only names the current lead). Read by the ticket visibility scope.
 */
export const migration0014ticketDepartmentsAccess: Migration = {
  version: 14,
  name: 'ticket_departments_access',
  async up(db, dialect) {
    await strict(db.schema.createTable('ticket_departments')
      .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id'))
      .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addPrimaryKeyConstraint('ticket_departments_pk', ['ticket_id', 'department_id']), dialect).execute();
    await createIndex(db, 'ticket_departments_department', 'ticket_departments', ['department_id', 'ticket_id']);
    await backfillTicketDepartments(db, dialect);
  },
};

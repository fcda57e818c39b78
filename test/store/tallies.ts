import { sql, type Kysely } from 'kysely';
import type { DB } from '../../electron/store/schema';
import type { Dialect } from '../../electron/store/migrations';

/** Takes a store back to before migration 0022: no ticket_tallies, no triggers keeping it. */
export async function dropTicketTallies(db: Kysely<DB>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') {
    for (const name of ['ticket_tallies_insert', 'ticket_tallies_delete', 'ticket_tallies_update']) await sql.raw(`drop trigger ${name}`).execute(db);
  } else {
    await sql`drop trigger ticket_tallies_keep on tickets`.execute(db);
    await sql`drop function ticket_tallies_keep()`.execute(db);
    await sql`drop function ticket_tallies_add(text[], integer)`.execute(db);
  }
  await sql`drop table ticket_tallies`.execute(db);
}

/** What ticket_tallies must hold: the tickets grouped, as sorted "status|type|district=n" lines. */
export async function talliesFromTickets(db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('tickets').select(['status', 'appeal_type', sql<string>`coalesce(district_code, '')`.as('d'), sql<number>`count(*)`.as('n')])
    .groupBy(['status', 'appeal_type', sql`coalesce(district_code, '')`]).execute();
  return rows.map((r) => `${r.status}|${r.appeal_type}|${r.d}=${Number(r.n)}`).sort();
}

/** What ticket_tallies holds, rows of 0 left out, in the same form. */
export async function keptTallies(db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('ticket_tallies').selectAll().where('n', '<>', 0).execute();
  return rows.map((r) => `${r.status}|${r.appeal_type}|${r.district_code}=${Number(r.n)}`).sort();
}

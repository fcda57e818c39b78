/**
 * The console app on a center's PostgreSQL database (createConsoleApp with `store: postgres`): two
 * servers starting at once on an empty database load exactly one demo data set (the setup advisory
 * lock), the demo is searchable and readable by departments there, and an event one server
 * publishes reaches the other's connections through the default PostgreSQL bus; a server that
 * finds the search index behind re-indexes it at start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import { createConsoleApp, type ConsoleApp } from '../../electron/app/console-app';
import { silentLogger } from '../../electron/log';
import { loadDemoData, seedDemoKnowledge } from '../../electron/demo';
import { demoAccounts } from '../../electron/app/demo-accounts';
import type { Connection } from '../../electron/rpc/dispatcher';
import type { EventName, Result } from '../../shared/contract';
import { createDatabaseOn } from '../support/postgres';
import { FAST_SCRYPT } from '../support/app';
import { userIdByUsername } from '../../electron/store/repos/setup';
import { searchIndexStatusOf } from '../../electron/store/search';

const DEMO_TICKETS = 150;
const dirs: string[] = [];
let url = '';
let a: ConsoleApp;
let b: ConsoleApp;

const start = (name: string) => {
  const dataDir = mkdtempSync(join(tmpdir(), `hotline-pg-app-${name}-`));
  dirs.push(dataDir);
  return createConsoleApp({
    dataDir, runtime: 'host', version: 'test', log: silentLogger, store: { kind: 'postgres', url },
    demo: true, demoTickets: DEMO_TICKETS, loadDemoData, seedKnowledge: seedDemoKnowledge, users: { cost: FAST_SCRYPT },
    now: () => new Date('2026-11-28T02:00:00Z'),
  });
};

beforeAll(async () => {
  url = await createDatabaseOn(inject('postgresAdminUrl'));
  // Two servers of a center started at the same moment on an empty database.
  [a, b] = await Promise.all([start('a'), start('b')]);
}, 120_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function connect(app: ConsoleApp, id: string) {
  const events: { name: EventName; payload: unknown }[] = [];
  const c: Connection = { id, session: null, send: (name, payload) => { events.push({ name: name as EventName, payload }); } };
  app.dispatcher.attach(c);
  const call = async <T>(name: string, input: unknown) => (await app.dispatcher.dispatch(c, name, input)) as Result<T>;
  return { c, events, call };
}

const count = async (app: ConsoleApp, table: 'tickets' | 'users' | 'departments' | 'consultation_items' | 'knowledge_articles') =>
  Number((await app.store.db.selectFrom(table).select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('two console servers on one PostgreSQL database', () => {
  it('load exactly one demo data set when they start at once', async () => {
    expect(a.store.dialect).toBe('postgres');
    expect(await count(a, 'tickets')).toBe(DEMO_TICKETS);
    expect(await count(b, 'users')).toBe(demoAccounts.length);
    const depts = await count(a, 'departments');
    expect(depts).toBeGreaterThan(0);
    // Reference data, knowledge and consultation items once, not twice.
    const dupDepts = await sql<{ n: number }>`select count(*) - count(distinct code) as n from departments`.execute(a.store.db);
    expect(Number(dupDepts.rows[0]!.n)).toBe(0);
    const titles = await sql<{ n: number }>`select count(*) - count(distinct title) as n from knowledge_articles`.execute(a.store.db);
    expect(Number(titles.rows[0]!.n)).toBe(0);
    const items = await count(a, 'consultation_items');
    expect(items).toBeGreaterThan(0);
    const itemTitles = await sql<{ n: number }>`select count(*) - count(distinct title) as n from consultation_items`.execute(a.store.db);
    expect(Number(itemTitles.rows[0]!.n)).toBe(0);
    expect((await a.info()).demo).toBe(true);
    expect((await b.info()).setupRequired).toBe(false);
    // The setup claim belongs to the one load that ran.
    expect(await a.store.db.selectFrom('meta').select('value').where('key', '=', 'setup.claimed').execute()).toHaveLength(1);
  });

  it('indexed the demo for search and let departments read what was dispatched to them', async () => {
    const indexed = await sql<{ n: number }>`select count(*) as n from ticket_search_docs where tsv is not null`.execute(a.store.db);
    expect(Number(indexed.rows[0]!.n)).toBe(DEMO_TICKETS);
    const dispatched = await sql<{ n: number }>`select count(distinct ticket_id) as n from ticket_events where action = 'dispatch'`.execute(a.store.db);
    const readable = await sql<{ n: number }>`select count(distinct ticket_id) as n from ticket_departments`.execute(a.store.db);
    expect(Number(readable.rows[0]!.n)).toBe(Number(dispatched.rows[0]!.n));

    const agent = connect(b, 'agent-b');
    expect((await agent.call('session.login', { username: 'agent01', password: 'Demo-12345' })).ok).toBe(true);
    const one = await a.store.db.selectFrom('tickets').select(['number', 'title']).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    const found = await agent.call<{ rows: { number: string }[] }>('tickets.search', { text: one.number, limit: 10 });
    expect(found.ok && found.value.rows.map((r) => r.number)).toContain(one.number);
  });

  it('a change on one server reaches the desks signed in on the other', async () => {
    const lead = connect(a, 'lead-a');
    expect((await lead.call('session.login', { username: 'lead01', password: 'Demo-12345' })).ok).toBe(true);
    const admin = connect(b, 'admin-b');
    expect((await admin.call('session.login', { username: 'admin', password: 'Demo-12345' })).ok).toBe(true);
    const before = lead.events.length;
    // A duty roster change saved on b is published on the center bus; a's lead hears it.
    const member = await userIdByUsername(b.store.db, 'member01');
    const saved = await admin.call('duty.savePattern', { userId: member, desk: 'studio', weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', validFrom: '2026-12-01' });
    expect(saved.ok, JSON.stringify(saved)).toBe(true);
    await expect.poll(() => lead.events.slice(before).map((e) => e.name), { timeout: 5_000 }).toContain('duty.changed');
  });

  it('a server starting on a database whose search index lags re-indexes it in the background', async () => {
    // Ten tickets lose their search documents (an older console, a restore from a partial dump).
    await sql`delete from ticket_search_docs where ticket_id in (select id from tickets order by id limit 10)`.execute(a.store.db);
    expect((await searchIndexStatusOf(a.store)).upToDate).toBe(false);
    const c = await start('c');
    try {
      await expect.poll(async () => (await searchIndexStatusOf(c.store)).indexed, { timeout: 10_000 }).toBe(DEMO_TICKETS);
      expect((await searchIndexStatusOf(c.store)).upToDate).toBe(true);
    } finally {
      await c.close();
    }
  });
});

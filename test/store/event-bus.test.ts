/**
 * The center's event bus on a real PostgreSQL: two console servers (two buses) on one database see
 * each other's events in publish order, with their audience; a payload far beyond NOTIFY's 8000
 * bytes crosses whole; a server whose listening connection is killed reconnects and catches up on
 * what was published while it was away. And the hub of a server delivers what arrives by audience.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { silentLogger } from '../../electron/log';
import { createPostgresEventBus, type ListenStatus, type PostgresEventBus } from '../../electron/events/postgres-bus';
import type { BusEvent } from '../../electron/events/bus';
import { Dispatcher, type Connection, type Handlers } from '../../electron/rpc/dispatcher';
import type { EventName, Result, Role, SessionInfo, TicketChanged } from '../../shared/contract';
import { openPostgresStore } from '../../electron/store/postgres';
import { createDatabaseOn, withClient } from '../support/postgres';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

let url = '';
const buses: PostgresEventBus[] = [];
beforeAll(async () => {
  url = await createDatabaseOn(inject('postgresAdminUrl'));
  // The events table is the store's (migration 0017): the store is opened once, as a server does first.
  await (await openPostgresStore(url)).close();
});
afterAll(async () => { for (const b of buses.splice(0)) await b.close(); });

async function server(onStatus?: (s: ListenStatus) => void, reconnectDelayMs?: number): Promise<PostgresEventBus> {
  const bus = await createPostgresEventBus({ url, log: silentLogger, onStatus, reconnectDelayMs });
  buses.push(bus);
  return bus;
}

/** Records what a bus's subscribers receive; `until(n)` resolves once n events arrived. */
function recorder(bus: PostgresEventBus) {
  const got: BusEvent[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  bus.subscribe((e) => {
    got.push(e);
    for (const w of waiting.splice(0)) {
      if (got.length >= w.n) w.resolve();
      else waiting.push(w);
    }
  });
  return {
    got,
    until: (n: number) => new Promise<void>((resolve) => { if (got.length >= n) resolve(); else waiting.push({ n, resolve }); }),
  };
}

const ticket = (n: number, dept: string | null = null): TicketChanged => ({
  ticketId: `t${n}`, number: `JC${n}`, state: 'dispatched', action: 'dispatch', leadDepartmentId: dept, coDepartmentIds: [], version: n, previousDepartmentIds: [],
});

const withAdmin = <T>(f: (c: pg.Client) => Promise<T>): Promise<T> => withClient(url, f);

describe('PostgreSQL event bus', () => {
  it('an event published on one server reaches the other\'s subscribers, in order, with its audience, once', async () => {
    const a = await server();
    const b = await server();
    const atA = recorder(a);
    const atB = recorder(b);
    for (let i = 1; i <= 20; i++) a.publish('ticket.changed', ticket(i, i % 2 ? 'dept-1' : null));
    b.publish('job.progress', { id: 'j1', kind: 'divisions.import', state: 'running', phase: 'writing', done: 1, total: 2, startedAt: '2026-01-01T00:00:00Z', finishedAt: null, result: null, error: null }, { userIds: ['u-7'] });
    await atB.until(21);
    await a.flush();
    await atA.until(21);
    const numbers = (got: BusEvent[]) => got.filter((e) => e.name === 'ticket.changed').map((e) => (e.payload as TicketChanged).version);
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(numbers(atB.got)).toEqual(twenty);
    expect(numbers(atA.got)).toEqual(twenty);
    // The audience travelled as data: the rule's answer for the payload, the publisher's for a job.
    expect(atB.got.find((e) => e.name === 'ticket.changed')).toMatchObject({ audience: { roles: ['agent', 'cppcc_member', 'shift_lead'], departmentIds: ['dept-1'] } });
    expect(atA.got.find((e) => e.name === 'job.progress')).toMatchObject({ audience: { userIds: ['u-7'] } });
    // Each server heard each event exactly once (its own delivered locally, not again from the table).
    await b.flush();
    expect(atA.got).toHaveLength(21);
    expect(atB.got).toHaveLength(21);
  });

  it('carries a payload far beyond NOTIFY\'s 8000 bytes unchanged', async () => {
    const a = await server();
    const b = await server();
    const atB = recorder(b);
    const text = '群众反映小区电梯长期停运，'.repeat(4000); // about 156 kB in UTF-8
    a.publish('app.notice', { level: 'warning', code: 'big', params: { text } }, { roles: ['shift_lead'] });
    a.publish('duty.changed', { at: '2026-01-01T00:00:00.000Z' });
    await atB.until(2);
    expect(Buffer.byteLength(text)).toBeGreaterThan(8000);
    expect(atB.got[0]).toEqual({ name: 'app.notice', payload: { level: 'warning', code: 'big', params: { text } }, audience: { roles: ['shift_lead'] } });
    expect(atB.got[1]).toEqual({ name: 'duty.changed', payload: { at: '2026-01-01T00:00:00.000Z' }, audience: { everyone: true } });
  });

  it('a server whose listening connection is killed reconnects and catches up on what it missed, in order', async () => {
    const timeline: string[] = [];
    const a = await server();
    // A reconnect delay long enough that the events below are written while B is not listening.
    const b = await server((s) => timeline.push(s), 1500);
    const atB = recorder(b);
    const lost = new Promise<void>((resolve) => { const t = setInterval(() => { if (timeline.includes('lost')) { clearInterval(t); resolve(); } }, 10); });
    const killed = await withAdmin(async (c) => (await c.query(
      'select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1', [`hotline-events-${b.id}`])).rows);
    expect(killed).toEqual([{ ok: true }]);
    await lost;
    // Twelve: read back in one batch, sequence 10 must come after 9 (numbers, not text, order).
    for (let i = 1; i <= 12; i++) a.publish('ticket.changed', ticket(i));
    await a.flush();
    timeline.push('published');
    await atB.until(12);
    // B was away when the events were written: they came by catch-up, not by notification.
    expect(timeline).toEqual(['listening', 'lost', 'published', 'listening']);
    expect(atB.got.map((e) => (e.payload as TicketChanged).version)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // And it listens again: the next event arrives as before.
    a.publish('reference.changed', { at: '2026-01-02T00:00:00.000Z' });
    await atB.until(13);
    expect(atB.got[12]!.name).toBe('reference.changed');
  });

  it('a write that fails is tried again, and the events after it wait their turn', async () => {
    const warnings: string[] = [];
    let firstFailure: () => void = () => {};
    const failed = new Promise<void>((resolve) => { firstFailure = resolve; });
    const log = { ...silentLogger, warn: (msg: string) => { warnings.push(msg); if (msg === 'event write failed; retrying') firstFailure(); } };
    const a = await createPostgresEventBus({ url, log });
    buses.push(a);
    const b = await server();
    const atB = recorder(b);
    // The table is away (as during a restart): the first write fails.
    await withAdmin((c) => c.query('alter table console_events rename to console_events_away'));
    a.publish('ticket.changed', ticket(1));
    a.publish('ticket.changed', ticket(2));
    await failed;
    await withAdmin((c) => c.query('alter table console_events_away rename to console_events'));
    await a.flush();
    await atB.until(2);
    expect(atB.got.map((e) => (e.payload as TicketChanged).version)).toEqual([1, 2]);
    expect(warnings).toContain('event write failed; retrying');
  });

  it('refuses to start on a database the store never migrated, saying what to do, and creates nothing', async () => {
    const bare = await createDatabaseOn(inject('postgresAdminUrl'));
    await expect(createPostgresEventBus({ url: bare, log: silentLogger })).rejects.toThrow(/中没有 console_events 表：事件总线须在数据库打开（并升级到第 17 版）之后启动/);
    const c = new pg.Client({ connectionString: bare });
    await c.connect();
    try {
      expect((await c.query(`select count(*)::int as n from pg_tables where schemaname = 'public'`)).rows).toEqual([{ n: 0 }]);
    } finally {
      await c.end();
    }
  });

  it('keeps events for the retention time: older rows are deleted when a server starts, newer ones stay', async () => {
    await server();
    await withAdmin(async (c) => {
      await c.query("insert into console_events (origin, name, payload, audience, at) values ('x', 'duty.changed', '{}', '{\"everyone\":true}', now() - interval '2 days')");
      await c.query("insert into console_events (origin, name, payload, audience, at) values ('x', 'duty.changed', '{}', '{\"everyone\":true}', now() - interval '2 hours')");
    });
    const bus = await createPostgresEventBus({ url, log: silentLogger, retentionMs: 86_400_000 });
    buses.push(bus);
    const ages = await withAdmin(async (c) => (await c.query<{ old: boolean }>("select at < now() - interval '1 day' as old from console_events where origin = 'x' order by seq")).rows);
    expect(ages).toEqual([{ old: false }]);
  });

  it('skips a row it cannot read (unknown event, malformed audience) and goes on', async () => {
    const a = await server();
    const b = await server();
    const atB = recorder(b);
    await withAdmin(async (c) => {
      await c.query("insert into console_events (origin, name, payload, audience) values ('x', 'no.such.event', '{}', '{}')");
      await c.query("insert into console_events (origin, name, payload, audience) values ('x', 'duty.changed', '{}', '{\"roles\":[\"root\"]}')");
      await c.query("insert into console_events (origin, name, payload, audience) values ('x', 'session.ended', '{\"reason\":\"logout\"}', '{\"everyone\":true}')");
    });
    a.publish('duty.changed', { at: '2026-01-03T00:00:00.000Z' });
    await atB.until(1);
    await a.flush();
    expect(atB.got).toEqual([{ name: 'duty.changed', payload: { at: '2026-01-03T00:00:00.000Z' }, audience: { everyone: true } }]);
  });

  it('the hub of the other server delivers an arriving event only to its connections in the audience', async () => {
    const a = await server();
    const b = await server();
    const hub = new Dispatcher({} as Handlers, silentLogger);
    b.subscribe((e) => hub.deliver(e.name, e.payload, e.audience));
    const inbox = new Map<string, EventName[]>();
    const connect = (id: string, roles: Role[], departmentId: string | null = null) => {
      const session: SessionInfo = { user: { id, username: id, displayName: id, roles, departmentId }, frames: [], mustChangePassword: false };
      const c: Connection = { id: `c-${id}`, session, send: (name) => { inbox.set(id, [...(inbox.get(id) ?? []), name]); } };
      hub.attach(c);
    };
    connect('agent', ['agent']);
    connect('dept1', ['department'], 'dept-1');
    connect('dept2', ['department'], 'dept-2');
    connect('member', ['cppcc_member']);
    connect('expert', ['liaison_expert']);
    const atB = recorder(b);
    a.publish('ticket.changed', ticket(1, 'dept-1'));
    a.publish('consultation.changed', {
      kind: 'created',
      item: { id: 'i1', number: 'ZX1', createdAt: '2026-01-01T00:00:00Z', title: 't', domain: 'd', route: 'studio', urgency: 'normal', stage: 'queued', source: 'ticket', claimBy: '2026-01-02T00:00:00Z', claimedAt: null, claimFlag: 'ok', claimedByName: null, ticketCount: 1, openMeasures: 0, overdueMeasures: 0 },
    }, { roles: ['shift_lead'], routes: ['studio'] });
    a.publish('job.progress', { id: 'j1', kind: 'divisions.import', state: 'running', phase: 'writing', done: 1, total: 2, startedAt: '2026-01-01T00:00:00Z', finishedAt: null, result: null, error: null }, { userIds: ['dept2'] });
    await atB.until(3);
    expect(Object.fromEntries(inbox)).toEqual({
      agent: ['ticket.changed'],
      dept1: ['ticket.changed'],
      dept2: ['job.progress'],
      member: ['ticket.changed', 'consultation.changed'],
    });
  });

  it('two console apps given PostgreSQL buses: a ticket registered on one tells the shift leads on the other that figures changed', async () => {
    const apps: TestApp[] = [];
    try {
      let clock = new Date('2026-12-01T02:00:00.000Z');
      const a = await createTestApp({ demo: true, loadDemoData, demoTickets: 50, now: () => clock, eventBus: await server() });
      apps.push(a);
      const b = await createTestApp({ demo: true, eventBus: await server() });
      apps.push(b);
      const got: { who: string; at: string }[] = [];
      const signIn = async (t: TestApp, who: string, username: string) => {
        const c: Connection = { id: `${who}-${Math.random()}`, session: null, send: (name, payload) => {
          if (name === 'stats.changed') got.push({ who, at: (payload as { at: string }).at });
        } };
        t.app.dispatcher.attach(c);
        const r = await t.app.dispatcher.dispatch(c, 'session.login', { username, password: 'Demo-12345' });
        if (!r.ok) throw new Error(JSON.stringify(r.error));
        return c;
      };
      await signIn(b, 'lead-on-b', 'lead01');
      await signIn(b, 'agent-on-b', 'agent01');
      const agent = await signIn(a, 'agent-on-a', 'agent01');
      const ref = (await a.app.dispatcher.dispatch(agent, 'reference.get', {})) as Result<{ categories: { id: string; parentId: string | null }[] }>;
      if (!ref.ok) throw new Error('reference.get');
      const parents = new Set(ref.value.categories.map((c) => c.parentId));
      clock = new Date('2026-12-05T03:00:00.000Z');
      const created = await a.app.dispatcher.dispatch(agent, 'tickets.create', {
        channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint',
        categoryId: ref.value.categories.find((c) => !parents.has(c.id))!.id, urgency: 'normal',
        title: '小区门口夜间施工噪音', content: '来电人反映小区门口工地每晚十一点后仍在施工，噪音很大，影响休息。',
      });
      expect(created.ok).toBe(true);
      const told = () => got.filter((g) => g.at === clock.toISOString()).map((g) => g.who);
      await expect.poll(told, { timeout: 5000 }).toEqual(['lead-on-b']);
    } finally {
      for (const t of apps) await t.dispose();
    }
  });

  it('two console apps given PostgreSQL buses: a duty change made on one reaches the signed-in desks of the other', async () => {
    const apps: TestApp[] = [];
    try {
      const a = await createTestApp({ demo: true, eventBus: await server() });
      apps.push(a);
      const b = await createTestApp({ demo: true, eventBus: await server() });
      apps.push(b);
      const sent: { who: string; name: EventName }[] = [];
      const connect = (t: TestApp, who: string): Connection => {
        const c: Connection = { id: `${who}-${Math.random()}`, session: null, send: (name) => { sent.push({ who, name }); } };
        t.app.dispatcher.attach(c);
        return c;
      };
      const call = async <T>(t: TestApp, c: Connection, name: string, input: unknown): Promise<T> => {
        const r = (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;
        if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
        return r.value;
      };
      const lead = connect(a, 'lead-on-a');
      await call(a, lead, 'session.login', { username: 'lead01', password: 'Demo-12345' });
      const member = connect(b, 'member-on-b');
      await call(b, member, 'session.login', { username: 'member01', password: 'Demo-12345' });
      connect(b, 'signed-out-on-b');
      const arrived = new Promise<void>((resolve) => b.app.dispatcher.attach({ id: 'probe', session: member.session, send: () => resolve() }));
      const memberOnA = await a.app.store.db.selectFrom('users').select('id').where('username', '=', 'member01').executeTakeFirstOrThrow();
      await call(a, lead, 'duty.savePattern', { userId: memberOnA.id, desk: 'studio', weekdays: [1, 2, 3, 4, 5], start: '08:00', end: '18:00', validFrom: '2026-01-01', validUntil: null });
      await arrived;
      expect(sent.filter((s) => s.name === 'duty.changed')).toEqual([{ who: 'lead-on-a', name: 'duty.changed' }, { who: 'member-on-b', name: 'duty.changed' }]);
    } finally {
      for (const t of apps) await t.dispose();
    }
  });
});

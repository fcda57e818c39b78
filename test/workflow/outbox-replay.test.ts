import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result, TicketCreated } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { uuidv7 } from '../../electron/util/ids';

// A desk's outbox replays tickets.create with the id and the time it made; the center must register each once.
const clock = new Date('2026-11-20T06:00:00Z');
let t: TestApp;
const agent: Connection = { id: 'a', session: null, send: () => {} };
const other: Connection = { id: 'b', session: null, send: () => {} };
const call = async <T>(c: Connection, name: string, input: unknown) => (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;
let leaf = '';
const appeal = (extra: Record<string, unknown>) => ({
  channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
  title: '小区门口路灯不亮', content: '来电人反映小区门口路灯已经坏了一周，夜间出行不便。', ...extra,
});
const count = async (table: 'tickets' | 'ticket_events' | 'audit_events', col: string, id: string) =>
  Number((await t.app.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where(col as never, '=', id as never).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 20, now: () => clock });
  for (const [c, u] of [[agent, 'agent01'], [other, 'agent02']] as const) {
    t.app.dispatcher.attach(c);
    await call(c, 'session.login', { username: u, password: 'Demo-12345' });
  }
  leaf = (await t.app.store.db.selectFrom('categories').select('id').where('level', '=', 3).executeTakeFirstOrThrow()).id;
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('tickets.create replayed from a desk outbox', () => {
  it('the same id sent again (a reply lost in a cut) answers the ticket already made, with one timeline and one audit line', async () => {
    const id = uuidv7();
    const first = await call<TicketCreated>(agent, 'tickets.create', appeal({ clientId: id }));
    expect(first).toMatchObject({ ok: true, value: { id, status: 'registered' } });
    const again = await call<TicketCreated>(agent, 'tickets.create', appeal({ clientId: id }));
    expect(again).toEqual(first);
    expect(await count('tickets', 'id', id)).toBe(1);
    expect(await count('ticket_events', 'ticket_id', id)).toBe(1);
    expect(await count('audit_events', 'subject_id', id)).toBe(1);
  });

  it('parallel replays of one write make one ticket', async () => {
    const id = uuidv7();
    const results = await Promise.all(Array.from({ length: 6 }, () => call<TicketCreated>(agent, 'tickets.create', appeal({ clientId: id }))));
    const numbers = new Set(results.map((r) => (r.ok ? r.value.number : r.error.code)));
    expect([...numbers]).toHaveLength(1);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await count('tickets', 'id', id)).toBe(1);
  });

  it('an id another user registered is refused, and shows nothing of that ticket', async () => {
    const id = uuidv7();
    await call(agent, 'tickets.create', appeal({ clientId: id }));
    const r = await call(other, 'tickets.create', appeal({ clientId: id, title: '另一件诉求的标题' }));
    expect(r).toEqual({ ok: false, error: { code: 'conflict', details: { reason: 'ticket_id_taken' } } });
  });

  it('a ticket taken offline keeps the time the agent saved it; deadlines run from then', async () => {
    const at = new Date(clock.getTime() - 5 * 3600_000).toISOString();
    const r = await call<TicketCreated>(agent, 'tickets.create', appeal({ clientId: uuidv7(), registeredAt: at }));
    expect(r.ok).toBe(true);
    const row = await t.app.store.db.selectFrom('tickets').select(['created_at']).where('id', '=', (r as { value: { id: string } }).value.id).executeTakeFirstOrThrow();
    expect(new Date(row.created_at).toISOString()).toBe(at);
  });

  it('a time more than 72 hours back, or ahead of the center, is refused and saves nothing', async () => {
    for (const at of [new Date(clock.getTime() - 73 * 3600_000), new Date(clock.getTime() + 3600_000)]) {
      const id = uuidv7();
      const r = await call(agent, 'tickets.create', appeal({ clientId: id, registeredAt: at.toISOString() }));
      expect(r).toEqual({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'registeredAt', problem: 'out_of_range' }] } });
      expect(await count('tickets', 'id', id)).toBe(0);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadlinePolicyView, Result, TicketDetail } from '../../shared/contract';
import { DEFAULT_DEADLINE_POLICY } from '../../shared/domain/deadlines';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createConsoleApp } from '../../electron/app/console-app';
import { silentLogger } from '../../electron/log';
import { createTestApp, FAST_SCRYPT, testStoreChoice, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

const clock = new Date('2026-11-27T02:00:00Z'); // Friday 10:00 in Beijing
let t: TestApp;
const agent: Connection = { id: 'a', session: null, send: () => {} };
const admin: Connection = { id: 'b', session: null, send: () => {} };
const call = async <T>(c: Connection, name: string, input: unknown) => (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;
const clone = () => JSON.parse(JSON.stringify(DEFAULT_DEADLINE_POLICY)) as { sign: Record<string, { kind: string; days?: number }>; reply: Record<string, Record<string, { kind: string; days?: number }>> };

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 30, now: () => clock });
  for (const [c, u] of [[agent, 'agent01'], [admin, 'admin']] as const) {
    t.app.dispatcher.attach(c);
    await call(c, 'session.login', { username: u, password: 'Demo-12345' });
  }
}, 60_000);
afterAll(async () => { await t?.dispose(); });

async function dispatchComplaint(): Promise<TicketDetail> {
  const leaf = await t.app.store.db.selectFrom('categories').select('id').where('level', '=', 3).executeTakeFirstOrThrow();
  const dept = await t.app.store.db.selectFrom('departments').select('id').executeTakeFirstOrThrow();
  const c = await call<{ id: string }>(agent, 'tickets.create', { channel: 'walk_in', citizen: { confidential: false }, appealType: 'complaint', categoryId: leaf.id, urgency: 'normal', title: '投诉夜间施工噪音', content: '小区旁工地每晚十一点后仍在施工，噪音很大。' });
  const id = (c as { value: { id: string } }).value.id;
  const d = await call<TicketDetail>(agent, 'tickets.act', { ticketId: id, expectedVersion: 1, action: { type: 'dispatch', leadDepartmentId: dept.id, coDepartmentIds: [], instructions: '请核实并答复来电人' } });
  return (d as { value: TicketDetail }).value;
}

describe('deadline policy kept by admins', () => {
  it('starts from the published defaults, and dispatch uses what the admin sets', async () => {
    expect(await call(agent, 'deadlines.get', {})).toMatchObject({ ok: true, value: { source: 'default', policy: DEFAULT_DEADLINE_POLICY } });
    // Default complaint: 15 working days from Fri Nov 27 → Fri Dec 18.
    expect((await dispatchComplaint()).replyBy).toBe('2026-12-18T15:59:59.000Z');
    const p = clone();
    p.reply.normal!.complaint = { kind: 'working_days', days: 13 };
    const saved = await call<DeadlinePolicyView>(admin, 'deadlines.set', { policy: p });
    expect(saved).toMatchObject({ ok: true, value: { source: 'admin', policy: { reply: { normal: { complaint: { days: 13 } } } } } });
    // 13 working days → Wed Dec 16.
    expect((await dispatchComplaint()).replyBy).toBe('2026-12-16T15:59:59.000Z');
    const audit = await t.app.store.db.selectFrom('audit_events').select('data').where('action', '=', 'deadlines.policy_set').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data)).toEqual({ changes: ['reply.normal.complaint: 15 → 13'] });
  });

  it('refuses a policy that does not make sense, naming each place, and keeps the one in force', async () => {
    const before = await call<DeadlinePolicyView>(agent, 'deadlines.get', {});
    const p = clone();
    p.reply.normal!.help = { kind: 'working_days', days: 11 }; // published cap for help: 10
    p.reply.urgent!.consultation = { kind: 'working_days', days: 3 }; // more than normal (2)
    p.sign.normal = { kind: 'working_days', days: 3 }; // after the 2-day consultation reply
    const r = await call(admin, 'deadlines.set', { policy: p });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const problems = (r as { error: { issues: { path: string; problem: string }[] } }).error.issues.map((i) => `${i.path}:${i.problem}`);
    expect(problems).toEqual(expect.arrayContaining([
      'policy.reply.normal.help:exceeds_limit', 'policy.reply.urgent.consultation:urgency_order', 'policy.reply.normal.consultation:sign_after_reply',
    ]));
    const zero = clone();
    zero.reply.normal!.praise = { kind: 'working_days', days: 0 };
    expect(await call(admin, 'deadlines.set', { policy: zero })).toMatchObject({ ok: false, error: { issues: [{ path: 'policy.reply.normal.praise', problem: 'not_positive_integer' }] } });
    expect(await call(admin, 'deadlines.set', { policy: { sign: {} } })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call(agent, 'deadlines.set', { policy: clone() })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(agent, 'deadlines.get', {})).toEqual(before);
  });

  it('survives a restart', async () => {
    await t.app.close();
    const app = await createConsoleApp({ dataDir: t.dir, store: await testStoreChoice(t.dir), runtime: 'host', version: 'test', log: silentLogger, now: () => clock, users: { cost: FAST_SCRYPT } });
    t = { ...t, app };
    for (const c of [agent, admin]) t.app.dispatcher.attach(c);
    await call(agent, 'session.login', { username: 'agent01', password: 'Demo-12345' });
    expect(await call(agent, 'deadlines.get', {})).toMatchObject({ ok: true, value: { source: 'admin', policy: { reply: { normal: { complaint: { days: 13 } } } } } });
  });
});

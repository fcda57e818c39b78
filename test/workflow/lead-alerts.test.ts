import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadAlertChange, LeadAlertView, Result, WallboardCharts } from '../../shared/contract';
import { addDays, chinaDateKey, startOfChinaDay } from '../../shared/domain/china-time';
import type { Connection } from '../../electron/rpc/dispatcher';
import { insertCallRecord } from '../../electron/store/repos/calls';
import { upsertSipAccount } from '../../electron/store/repos/sip-accounts';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { uuidv7 } from '../../electron/util/ids';

// The lead's alerts and the wallboard's charts on the store the center runs on (unit: SQLite, pg: PostgreSQL).
let t: TestApp;
const alerts: LeadAlertChange[] = [];
const lead: Connection = { id: 'lead', session: null, send: (name: string, payload: unknown) => { if (name === 'lead.alert') alerts.push(payload as LeadAlertChange); } } as Connection;
const agent: Connection = { id: 'agent', session: null, send: () => {} };
const admin: Connection = { id: 'admin', session: null, send: () => {} };
const call = async <T>(c: Connection, name: string, input: unknown) => (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;
const off = { serviceLevelTargetPct: null, longestWaitSeconds: null, overdueCount: null, unclaimedEscalations: null };

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 5 });
  for (const c of [lead, agent, admin]) t.app.dispatcher.attach(c);
  await call(admin, 'session.login', { username: 'admin', password: 'Demo-12345' });
  await call(lead, 'session.login', { username: 'lead01', password: 'Demo-12345' });
  await call(agent, 'session.login', { username: 'agent01', password: 'Demo-12345' });
  await call(admin, 'wallboard.setAlertSettings', off);
}, 60_000);
afterAll(async () => { await t?.dispose(); });

async function record(dayKey: string, minuteOfDay: number, ringS: number, answered: boolean) {
  const db = t.app.store.db;
  const user = await db.selectFrom('users').select('id').where('username', '=', 'agent01').executeTakeFirstOrThrow();
  const at = startOfChinaDay(dayKey).getTime() + minuteOfDay * 60_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  await insertCallRecord(db, {
    id: uuidv7(), user_id: user.id, direction: 'inbound', remote_number: '13900001111', invited_at: iso(at),
    answered_at: answered ? iso(at + ringS * 1000) : null, ended_at: iso(at + ringS * 1000 + 60_000),
    ring_ms: ringS * 1000, talk_ms: answered ? 60_000 : 0, hold_ms: 0, end_reason: answered ? 'local-hangup' : 'caller-cancelled',
    sip_code: null, transfer_target: null, wrap_up_code: null,
  });
}

describe('the lead\'s alerts', () => {
  it('only an admin sets the thresholds, each in range, and the change is audited', async () => {
    expect((await call(lead, 'wallboard.setAlertSettings', off)).ok).toBe(false);
    const bad = await call(admin, 'wallboard.setAlertSettings', { ...off, serviceLevelTargetPct: 120 });
    expect(bad.ok).toBe(false);
    expect(await call(lead, 'wallboard.getAlertSettings', {})).toMatchObject({ ok: true, value: off });
    const audit = await t.app.store.db.selectFrom('audit_events').select('action').where('action', '=', 'wallboard.alert_settings_changed').execute();
    expect(audit.length).toBeGreaterThanOrEqual(1);
  });

  it('raises a service-level breach once, clears it when the level recovers, and raises the next one again', async () => {
    const db = t.app.store.db;
    const user = await db.selectFrom('users').select('id').where('username', '=', 'agent01').executeTakeFirstOrThrow();
    await upsertSipAccount(db, user.id, { ws_url: 'wss://127.0.0.1:1/ws', aor: 'sip:1001@center.test', auth_user: '1001', secret_enc: 'x', display_name: null, media_mode: 'renderer', updated_at: new Date().toISOString() });
    const today = chinaDateKey(new Date());
    // Two of four answered in time today: 50 %.
    await record(today, 1, 5, true);
    await record(today, 2, 40, true);
    await record(today, 3, 10, false);
    await record(today, 4, 3, true);
    alerts.length = 0;
    const set = await call(admin, 'wallboard.setAlertSettings', { ...off, serviceLevelTargetPct: 80 });
    expect(set.ok, JSON.stringify(set)).toBe(true);
    expect(alerts).toEqual([{ state: 'raised', alert: expect.objectContaining({ kind: 'service_level', value: 50, threshold: 80 }) }]);
    expect(await call<LeadAlertView[]>(lead, 'wallboard.alerts', {})).toMatchObject({ ok: true, value: [{ kind: 'service_level', value: 50 }] });

    // More events that move the figure (another call, still below target): no second notice.
    await record(today, 5, 50, true);
    await call(admin, 'wallboard.setAlertSettings', { ...off, serviceLevelTargetPct: 80 });
    expect(alerts).toHaveLength(1);

    // Sixteen calls answered at once: 18 of 21 in time (85.7 %), past the target and its margin.
    for (let i = 0; i < 16; i++) await record(today, 6 + i, 2, true);
    await call(admin, 'wallboard.setAlertSettings', { ...off, serviceLevelTargetPct: 80 });
    expect(alerts.map((a) => a.state)).toEqual(['raised', 'cleared']);
    expect(await call(lead, 'wallboard.alerts', {})).toMatchObject({ ok: true, value: [] });

    // A higher target is a new breach: raised again, once.
    await call(admin, 'wallboard.setAlertSettings', { ...off, serviceLevelTargetPct: 95 });
    await call(admin, 'wallboard.setAlertSettings', { ...off, serviceLevelTargetPct: 95 });
    expect(alerts.map((a) => a.state)).toEqual(['raised', 'cleared', 'raised']);
  });

  it('raises an overdue spike from the tickets past their deadline', async () => {
    alerts.length = 0;
    await call(admin, 'wallboard.setAlertSettings', { ...off, overdueCount: 1 });
    const overdue = await t.app.store.db.selectFrom('tickets').select('id').where('reply_by', '<', new Date().toISOString())
      .where('status', 'in', ['registered', 'dispatched', 'signed', 'returned', 'handling', 'extension_requested', 'reopened']).execute();
    expect(alerts.filter((a) => a.alert.kind === 'overdue').map((a) => a.state)).toEqual(overdue.length >= 1 ? ['raised'] : []);
    // Removing the threshold clears what it raised.
    await call(admin, 'wallboard.setAlertSettings', off);
    expect(await call(lead, 'wallboard.alerts', {})).toMatchObject({ ok: true, value: [] });
  });
});

describe('the wallboard\'s charts', () => {
  it('counts today\'s calls per 15 minutes beside the mean of the same weekday of four weeks, and service level through the day', async () => {
    const today = chinaDateKey(new Date());
    // Two weeks ago, 4 calls in the first slot: usual 1 (4 / 4 weeks).
    for (let i = 0; i < 4; i++) await record(addDays(today, -14), 1 + i, 2, true);
    // Five weeks ago is not one of the four.
    await record(addDays(today, -35), 1, 2, true);
    const r = await call<WallboardCharts>(lead, 'wallboard.charts', {});
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.value.usualDays).toEqual([7, 14, 21, 28].map((d) => addDays(today, -d)));
    const first = r.value.quarters[0]!;
    expect(first.slot).toBe('00:00');
    expect(first.usual).toBe(1);
    // Today's calls of the first slot (minutes 1–14 of the day): 14 recorded above, 21 in all by 00:21.
    expect(first.today).toBe(14);
    const second = r.value.quarters[1]!;
    expect(second.today).toBe(7);
    expect(second.serviceLevel).toBeCloseTo((18 / 21) * 100, 0);
    expect(r.value.serviceLevelTargetPct).toBeNull();
    expect(r.value.categories.reduce((a, c) => a + c.today, 0)).toBeGreaterThanOrEqual(0);
    expect((await call(agent, 'wallboard.charts', {})).ok).toBe(false);
  });
});

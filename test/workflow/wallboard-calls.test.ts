import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallStatsView, Result } from '../../shared/contract';
import { chinaDateKey, startOfChinaDay } from '../../shared/domain/china-time';
import type { Connection } from '../../electron/rpc/dispatcher';
import { insertCallRecord, appendAgentState } from '../../electron/store/repos/calls';
import { upsertSipAccount } from '../../electron/store/repos/sip-accounts';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { uuidv7 } from '../../electron/util/ids';

// The wallboard's call figures read today's call records on the store the center runs on: the
// same records must give the same 接通率, 放弃, 服务水平 on SQLite and on PostgreSQL.
let t: TestApp;
const lead: Connection = { id: 'lead', session: null, send: () => {} };
const agent: Connection = { id: 'agent', session: null, send: () => {} };
const admin: Connection = { id: 'admin', session: null, send: () => {} };
const call = async <T>(c: Connection, name: string, input: unknown) => (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 5 });
  t.app.dispatcher.attach(lead);
  t.app.dispatcher.attach(agent);
  t.app.dispatcher.attach(admin);
  await call(admin, 'session.login', { username: 'admin', password: 'Demo-12345' });
  await call(lead, 'session.login', { username: 'lead01', password: 'Demo-12345' });
  await call(agent, 'session.login', { username: 'agent01', password: 'Demo-12345' });
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('call figures on the wallboard', () => {
  it('counts today\'s citizens\' calls into offered, answered, abandoned and service level, hour by hour', async () => {
    const db = t.app.store.db;
    const user = await db.selectFrom('users').select('id').where('username', '=', 'agent01').executeTakeFirstOrThrow();
    // Two seats with phones: a call from extension 1002 is a colleague consulting, not a citizen.
    const colleague = await db.selectFrom('users').select('id').where('username', '=', 'agent02').executeTakeFirstOrThrow();
    const seat = (ext: string) => ({ ws_url: 'wss://127.0.0.1:1/ws', aor: `sip:${ext}@center.test`, auth_user: ext, secret_enc: 'x', display_name: null, media_mode: 'renderer', updated_at: new Date().toISOString() });
    await upsertSipAccount(db, user.id, seat('1001'));
    await upsertSipAccount(db, colleague.id, seat('1002'));
    const before = await call<CallStatsView>(lead, 'wallboard.calls', {});
    expect(before.ok, JSON.stringify(before)).toBe(true);
    if (!before.ok) return;
    const today = chinaDateKey(new Date());
    expect(before.value.day).toBe(today);
    // Calls at China 09:xx and 10:xx of today (later in the day still counts as today).
    const nine = startOfChinaDay(today).getTime() + 9 * 3_600_000;
    const at = (ms: number) => new Date(ms).toISOString();
    const record = (offset: number, ringS: number, answered: boolean, endReason: string, from = '13900001111', direction = 'inbound') =>
      insertCallRecord(db, {
        id: uuidv7(), user_id: user.id, direction, remote_number: from, invited_at: at(nine + offset),
        answered_at: answered ? at(nine + offset + ringS * 1000) : null, ended_at: at(nine + offset + ringS * 1000 + 60_000),
        ring_ms: ringS * 1000, talk_ms: answered ? 60_000 : 0, hold_ms: answered ? 10_000 : 0, end_reason: endReason,
        sip_code: null, transfer_target: null, wrap_up_code: null,
      });
    await record(0, 5, true, 'local-hangup');        // answered in time
    await record(60_000, 35, true, 'remote-hangup'); // answered late
    await record(120_000, 12, false, 'caller-cancelled'); // the citizen gave up
    await record(3_600_000, 3, true, 'local-hangup'); // 10:00, in time
    await record(3_660_000, 2, true, 'local-hangup', '1002'); // a colleague's consult call: not a citizen's
    await record(3_720_000, 0, true, 'local-hangup', '13900002222', 'outbound'); // an outbound call
    // After-call work of 90 s.
    await appendAgentState(db, { id: uuidv7(), user_id: user.id, at: at(nine + 200_000), state: 'after_call_work', reason: null, call_id: null });
    await appendAgentState(db, { id: uuidv7(), user_id: user.id, at: at(nine + 290_000), state: 'ready', reason: null, call_id: null });

    const after = await call<CallStatsView>(lead, 'wallboard.calls', {});
    expect(after.ok).toBe(true);
    if (!after.ok) return;
    const v = after.value;
    expect(v.offered - before.value.offered).toBe(4);
    expect(v.answered - before.value.answered).toBe(3);
    expect(v.abandoned - before.value.abandoned).toBe(1);
    expect(v.answeredInTime - before.value.answeredInTime).toBe(2);
    expect(v.serviceLevelSeconds).toBe(20);
    const nineHour = v.byHour.find((h) => h.hour === 9);
    const tenHour = v.byHour.find((h) => h.hour === 10);
    expect(nineHour).toMatchObject({ offered: 3, answered: 2, abandoned: 1, answeredInTime: 1 });
    expect(nineHour!.serviceLevel).toBeCloseTo(1 / 3);
    expect(tenHour).toMatchObject({ offered: 1, answered: 1, answeredInTime: 1, serviceLevel: 1 });
    expect(v.acwMs).not.toBeNull();

    // The admin raises the threshold to 40 s: the call answered after 35 s is now in time.
    const config = await call<{ notReadyReasons: unknown; wrapUpCodes: unknown; acwSeconds: number }>(admin, 'phone.getConfig', {});
    if (!config.ok) throw new Error(JSON.stringify(config));
    const { notReadyReasons, wrapUpCodes, acwSeconds } = config.value;
    expect(await call(admin, 'phone.setConfig', { notReadyReasons, wrapUpCodes, acwSeconds, serviceLevelSeconds: 40 })).toMatchObject({ ok: true });
    const raised = await call<CallStatsView>(lead, 'wallboard.calls', {});
    expect(raised.ok && raised.value.serviceLevelSeconds).toBe(40);
    expect(raised.ok && raised.value.byHour.find((h) => h.hour === 9)).toMatchObject({ offered: 3, answeredInTime: 2 });
    expect(await call(admin, 'phone.setConfig', { notReadyReasons, wrapUpCodes, acwSeconds, serviceLevelSeconds: 2 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('is the shift lead\'s and the admin\'s figure, not an agent\'s', async () => {
    expect(await call(agent, 'wallboard.calls', {})).toEqual({ ok: false, error: { code: 'forbidden' } });
    expect(await call(lead, 'wallboard.calls', { day: '2026-01-01' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

/**
 * The seat as an agent uses it, through the contract: sign in to the phone against a real
 * Kamailio, calls from real sipp phones, agent states, 486 while not ready, screen pop from the
 * store, call records and wrap-up. Media is the null bridge (sipp carries no WebRTC).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload, Result, SessionInfo } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { describeRun, startUac, type UacOptions } from '../sip/sipp';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

interface Seen { name: string; payload: unknown }

function connection(): Connection & { seen: Seen[] } {
  const seen: Seen[] = [];
  return { id: `conn-${Math.random()}`, session: null, seen, send: (name, payload) => { seen.push({ name, payload }); } };
}

async function waitForEvent<E extends EventName>(c: { seen: Seen[] }, name: E, pred: (p: EventPayload<E>) => boolean = () => true, from = 0, ms = 10_000): Promise<EventPayload<E>> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = c.seen.slice(from).find((e) => e.name === name && pred(e.payload as EventPayload<E>));
    if (hit) return hit.payload as EventPayload<E>;
    if (Date.now() > end) throw new Error(`no ${name} event within ${ms} ms; saw ${c.seen.slice(from).map((e) => e.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('agent seat against Kamailio and sipp', { timeout: 60_000 }, () => {
  let kamailio: KamailioHarness;
  let t: TestApp;
  let conn: ReturnType<typeof connection>;
  let knownCaller: string;
  const call = async <T = unknown>(name: string, input: unknown): Promise<T> => {
    const r = (await t.app.dispatcher.dispatch(conn, name, input)) as Result<T>;
    if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`);
    return r.value;
  };
  const citizen = (o: Partial<UacOptions> & Pick<UacOptions, 'scenario'>) =>
    startUac({ proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called: '1001', ...o });

  beforeAll(async () => {
    kamailio = await KamailioHarness.start();
    t = await createTestApp({ loadDemoData, demo: true, demoTickets: 300, phone: { acwSeconds: 2 } });
    conn = connection();
    t.app.dispatcher.attach(conn);
    await call<SessionInfo>('session.login', { username: 'agent01', password: 'Demo-12345' });
    const admin = connection();
    t.app.dispatcher.attach(admin);
    await t.app.dispatcher.dispatch(admin, 'session.login', { username: 'admin', password: 'Demo-12345' });
    const agentId = conn.session!.user.id;
    const set = await t.app.dispatcher.dispatch(admin, 'sip.setAccount', {
      userId: agentId, wsUrl: kamailio.wsUrl, aor: `1001@${kamailio.domain}`, authUser: '1001', password: TEST_AGENTS['1001'], media: 'null',
    });
    expect(set).toMatchObject({ ok: true, value: { hasPassword: true } });
    expect(JSON.stringify(set)).not.toContain(TEST_AGENTS['1001']!);
    const row = await t.app.store.db.selectFrom('tickets').select('phone').where('phone', 'is not', null)
      .groupBy('phone').orderBy((eb) => eb.fn.countAll(), 'desc').executeTakeFirstOrThrow();
    knownCaller = row.phone!;
  }, 60_000);

  afterAll(async () => {
    await t?.dispose();
    await kamailio?.stop();
  }, 30_000);

  it('signs in to the phone: registered, and not ready until the agent says so', async () => {
    const status = await call<{ agent: { name: string; reason: string } }>('phone.signIn', {});
    expect(status.agent).toMatchObject({ name: 'not_ready', reason: 'login' });
    await waitForEvent(conn, 'phone.registration', (r) => r.state === 'registered');
    const stored = await t.app.store.db.selectFrom('sip_accounts').select('secret_enc').executeTakeFirstOrThrow();
    expect(stored.secret_enc).not.toContain(TEST_AGENTS['1001']!);
  });

  it('rejects a call with 486 while not ready, and still logs it', async () => {
    const from = conn.seen.length;
    const sipp = await citizen({ scenario: 'uac-expect-486', callerNumber: knownCaller });
    const incoming = await waitForEvent(conn, 'phone.incoming', () => true, from);
    expect(incoming.autoRejected).toBe(true);
    const result = await sipp.result;
    expect(result.exitCode, describeRun(result)).toBe(0);
    await waitForEvent(conn, 'phone.ended', (e) => e.callId === incoming.callId, from);
    const rec = await t.app.store.db.selectFrom('call_records').selectAll().where('id', '=', incoming.callId).executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ direction: 'inbound', answered_at: null, remote_number: knownCaller });
  });

  it('rings a ready agent with the screen pop, answers, and requires a wrap-up code before ready; the shift lead sees the seat ring, talk and wrap up', async () => {
    const lead = connection();
    t.app.dispatcher.attach(lead);
    expect(await t.app.dispatcher.dispatch(lead, 'session.login', { username: 'lead01', password: 'Demo-12345' })).toMatchObject({ ok: true });
    const agentId = conn.session!.user.id;
    const seatAt = (activity: string) => waitForEvent(lead, 'seat.changed', (v) => v.userId === agentId && v.activity === activity);
    await call('phone.setReady', {});
    const from = conn.seen.length;
    const sipp = await citizen({ scenario: 'uac-answer-bye', callerNumber: knownCaller, pauseMs: 700 });
    const incoming = await waitForEvent(conn, 'phone.incoming', (i) => !i.autoRejected, from);
    expect(incoming.remoteNumber).toBe(knownCaller);

    const pop = await call<{ phone: string; totalTickets: number; callsLast30Days: number; repeatCaller: boolean; pastTickets: unknown[]; openTickets: unknown[] }>('phone.screenPop', { callId: incoming.callId });
    const tickets = await t.app.store.db.selectFrom('tickets').select('id').where('phone', '=', knownCaller).execute();
    expect(pop.phone).toBe(knownCaller);
    expect(pop.totalTickets).toBe(tickets.length);
    expect(pop.pastTickets.length + pop.openTickets.length).toBe(Math.min(tickets.length, pop.openTickets.length + 20));
    // The refused call a moment ago counts: this citizen is calling again.
    expect(pop.callsLast30Days).toBeGreaterThanOrEqual(1);
    expect(pop.repeatCaller).toBe(true);

    const ringing = await seatAt('ringing');
    expect(ringing.call).toMatchObject({ direction: 'inbound' });
    expect(ringing.call!.remote).not.toBe(knownCaller); // masked for the lead

    await call('phone.answer', { callId: incoming.callId });
    await waitForEvent(conn, 'phone.agent', (a) => a.name === 'on_call', from);
    expect(await seatAt('talking')).toMatchObject({ agent: 'on_call' });
    const twice = await t.app.dispatcher.dispatch(conn, 'phone.answer', { callId: incoming.callId });
    expect(twice).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const ended = await waitForEvent(conn, 'phone.ended', (e) => e.callId === incoming.callId, from);
    expect(ended.missed).toBe(false);
    await waitForEvent(conn, 'phone.agent', (a) => a.name === 'after_call_work', from);
    expect((await sipp.result).exitCode).toBe(0);
    expect(await seatAt('after_call_work')).toMatchObject({ agent: 'after_call_work', call: null });

    const tooEarly = await t.app.dispatcher.dispatch(conn, 'phone.setReady', {});
    expect(tooEarly).toMatchObject({ ok: false, error: { details: { reason: 'agent_wrap_up_required' } } });
    const bad = await t.app.dispatcher.dispatch(conn, 'phone.wrapUp', { callId: incoming.callId, code: 'made-up' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    await call('phone.wrapUp', { callId: incoming.callId, code: 'answered' });
    // The 2-second wrap-up timer then makes the agent ready on its own.
    await waitForEvent(conn, 'phone.agent', (a) => a.name === 'ready', from, 6000);

    const rec = await t.app.store.db.selectFrom('call_records').selectAll().where('id', '=', incoming.callId).executeTakeFirstOrThrow();
    expect(rec.wrap_up_code).toBe('answered');
    expect(rec.answered_at).not.toBeNull();
    expect(rec.talk_ms).toBeGreaterThanOrEqual(500);
    const states = await t.app.store.db.selectFrom('agent_state_events').select('state').where('user_id', '=', conn.session!.user.id).orderBy('at').orderBy('id').execute();
    expect(states.map((s) => s.state)).toEqual(['not_ready', 'ready', 'on_call', 'after_call_work', 'ready']);
  });

  it('is not ready while its phone is unregistered, on the wallboard too, and ready again once registered', async () => {
    const agentId = conn.session!.user.id;
    expect(t.app.phone.status(conn.session!).agent.name).toBe('ready');
    const from = conn.seen.length;
    await kamailio.kill();
    const lost = await waitForEvent(conn, 'phone.agent', (a) => a.name === 'not_ready', from);
    expect(lost.reason).toBe('unregistered');
    const board = (await t.app.phone.seatBoard()).find((v) => v.userId === agentId);
    expect(board).toMatchObject({ agent: 'not_ready', reason: '电话未注册，不能接听', registered: false });
    // Clicking 就绪 now cannot make them ready: they wait, not ready, for the phone.
    expect(await call('phone.setReady', {})).toMatchObject({ name: 'not_ready', reason: 'unregistered' });

    await kamailio.restart();
    await waitForEvent(conn, 'phone.registration', (r) => r.state === 'registered', from, 15_000);
    await waitForEvent(conn, 'phone.agent', (a) => a.name === 'ready', from);
    const states = await t.app.store.db.selectFrom('agent_state_events').select(['state', 'reason']).where('user_id', '=', agentId).orderBy('at').orderBy('id').execute();
    expect(states.slice(-2)).toEqual([{ state: 'not_ready', reason: 'unregistered' }, { state: 'ready', reason: null }]);
  });

  it('refuses a plain-RTP call to a WebRTC seat with 488 before it rings, and records why', async () => {
    const desk = connection();
    t.app.dispatcher.attach(desk);
    await t.app.dispatcher.dispatch(desk, 'session.login', { username: 'agent02', password: 'Demo-12345' });
    const admin = connection();
    t.app.dispatcher.attach(admin);
    await t.app.dispatcher.dispatch(admin, 'session.login', { username: 'admin', password: 'Demo-12345' });
    await t.app.dispatcher.dispatch(admin, 'sip.setAccount', { userId: desk.session!.user.id, wsUrl: kamailio.wsUrl, aor: `1002@${kamailio.domain}`, authUser: '1002', password: TEST_AGENTS['1002'], media: 'webrtc' });
    await t.app.dispatcher.dispatch(desk, 'phone.signIn', {});
    await waitForEvent(desk, 'phone.registration', (r) => r.state === 'registered');
    await t.app.dispatcher.dispatch(desk, 'phone.setReady', {});
    const from = desk.seen.length;
    // sipp offers RTP/AVP with no fingerprint or ICE, as a carrier trunk does without a media proxy.
    const sipp = await citizen({ scenario: 'uac-expect-488', called: '1002', callerNumber: '13800000488' });
    const incoming = await waitForEvent(desk, 'phone.incoming', () => true, from);
    expect(incoming).toMatchObject({ autoRejected: true, rejected: { code: 488, reason: 'rejected-media', mediaProblem: 'no-dtls' } });
    expect((await sipp.result).exitCode).toBe(0);
    await waitForEvent(desk, 'phone.ended', (e) => e.callId === incoming.callId, from);
    expect(desk.seen.slice(from).some((e) => e.name === 'phone.call' && (e.payload as { state: string }).state === 'ringing')).toBe(false);
    const rec = await t.app.store.db.selectFrom('call_records').selectAll().where('id', '=', incoming.callId).executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ end_reason: 'rejected-media', sip_code: 488, answered_at: null });
    // Still ready: the refusal was the media's, not the agent's.
    expect(t.app.phone.status(desk.session!).agent.name).toBe('ready');
    await t.app.dispatcher.dispatch(desk, 'phone.signOut', {});
  });

  it('refuses phone requests from a role without a phone', async () => {
    const dept = connection();
    t.app.dispatcher.attach(dept);
    await t.app.dispatcher.dispatch(dept, 'session.login', { username: 'dept01', password: 'Demo-12345' });
    expect(await t.app.dispatcher.dispatch(dept, 'phone.signIn', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('reports a wrong SIP password as a failed registration with the reason', async () => {
    const other = connection();
    t.app.dispatcher.attach(other);
    await t.app.dispatcher.dispatch(other, 'session.login', { username: 'agent02', password: 'Demo-12345' });
    const admin = connection();
    t.app.dispatcher.attach(admin);
    await t.app.dispatcher.dispatch(admin, 'session.login', { username: 'admin', password: 'Demo-12345' });
    await t.app.dispatcher.dispatch(admin, 'sip.setAccount', { userId: other.session!.user.id, wsUrl: kamailio.wsUrl, aor: `1002@${kamailio.domain}`, authUser: '1002', password: 'not-the-password', media: 'null' });
    await t.app.dispatcher.dispatch(other, 'phone.signIn', {});
    const failed = await waitForEvent(other, 'phone.registration', (r) => r.state === 'failed');
    expect(failed.reason).toBeTruthy();
    await t.app.dispatcher.dispatch(other, 'phone.signOut', {});
  });
});

/**
 * A desk of a center takes a real call (issue 12 A, end to end): the softphone registers from the
 * desk with the account the center gave, a sipp citizen calls it through Kamailio, the agent answers
 * and wraps up; the call's record, with its wrap-up code, reaches the center through the desk's
 * outbox and shows in the shift lead's wallboard figures, and stays in the desk's own call log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallStatsView, EventName, EventPayload, Result } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { startConsoleServer, type ConsoleServer } from '../../electron/server/server';
import { CenterForwarder } from '../../electron/desk/forwarder';
import { DeskStore } from '../../electron/store/desk-store';
import { silentLogger } from '../../electron/log';
import { loadDemoData } from '../../electron/demo';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { describeRun, startUac } from '../sip/sipp';
import { createTestApp, type TestApp } from '../support/app';
import { until } from '../support/wire-client';

interface Seen { name: string; payload: unknown }

async function waitForEvent<E extends EventName>(seen: Seen[], name: E, pred: (p: EventPayload<E>) => boolean = () => true, ms = 15_000): Promise<EventPayload<E>> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = seen.find((e) => e.name === name && pred(e.payload as EventPayload<E>));
    if (hit) return hit.payload as EventPayload<E>;
    if (Date.now() > end) throw new Error(`no ${name} event within ${ms} ms; saw ${seen.map((e) => e.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a call taken on a desk reaches the center', { timeout: 60_000 }, () => {
  let kamailio: KamailioHarness;
  let center: TestApp;
  let desk: TestApp;
  let server: ConsoleServer;
  let store: DeskStore;
  let forwarder: CenterForwarder;
  const seen: Seen[] = [];
  const window: Connection = { id: 'desk-window', session: null, send: (name, payload) => { seen.push({ name, payload }); } };
  const lead: Connection = { id: 'center-lead', session: null, send: () => {} };
  const call = async <T = unknown>(name: string, input: unknown): Promise<T> => {
    const r = (await forwarder.dispatch(window, name, input)) as Result<T>;
    if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`);
    return r.value;
  };
  const figures = async () => {
    const r = (await center.app.dispatcher.dispatch(lead, 'wallboard.calls', {})) as Result<CallStatsView>;
    if (!r.ok) throw new Error(r.error.code);
    return r.value;
  };

  beforeAll(async () => {
    kamailio = await KamailioHarness.start();
    center = await createTestApp({ loadDemoData, demo: true, demoTickets: 5 });
    const rendererDir = mkdtempSync(join(tmpdir(), 'hotline-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');
    server = await startConsoleServer({ app: center.app, config: { host: '127.0.0.1', port: 0, tls: null, rendererDir }, eventsStatus: () => 'listening', log: silentLogger });
    // The desk: its own console app (its store keeps this seat's call log) behind the forwarder, as host mode --center runs it.
    desk = await createTestApp({ phone: { acwSeconds: 60 } });
    store = DeskStore.open(desk.dir);
    forwarder = new CenterForwarder(desk.app.dispatcher, { url: `ws://127.0.0.1:${server.port}/rpc` }, silentLogger, store,
      (session, account) => desk.app.phone.provisionFromCenter(session, account));
    desk.app.phone.sendCallsTo(forwarder.offline);
    forwarder.attach(window);
    await call('session.login', { username: 'agent01', password: 'Demo-12345' });
    const admin: Connection = { id: 'center-admin', session: null, send: () => {} };
    center.app.dispatcher.attach(admin);
    await center.app.dispatcher.dispatch(admin, 'session.login', { username: 'admin', password: 'Demo-12345' });
    const set = await center.app.dispatcher.dispatch(admin, 'sip.setAccount', {
      userId: window.session!.user.id, wsUrl: kamailio.wsUrl, aor: `1001@${kamailio.domain}`, authUser: '1001', password: TEST_AGENTS['1001'], media: 'null',
    });
    expect(set.ok).toBe(true);
    center.app.dispatcher.attach(lead);
    await center.app.dispatcher.dispatch(lead, 'session.login', { username: 'lead01', password: 'Demo-12345' });
  }, 60_000);

  afterAll(async () => {
    await desk?.app.phone.close();
    forwarder?.close();
    store?.close();
    await server?.close();
    await desk?.dispose();
    await center?.dispose();
    await kamailio?.stop();
  }, 30_000);

  it('answered and wrapped up on the desk: on the lead\'s wallboard, with its wrap-up code, once', async () => {
    await call('phone.signIn', {});
    await waitForEvent(seen, 'phone.registration', (r) => r.state === 'registered');
    await call('phone.setReady', {});
    const before = await figures();
    const sipp = await startUac({ proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called: '1001', scenario: 'uac-answer-bye', callerNumber: '13912345678', pauseMs: 700 });
    const incoming = await waitForEvent(seen, 'phone.incoming', (i) => !i.autoRejected);
    await call('phone.answer', { callId: incoming.callId });
    await waitForEvent(seen, 'phone.ended', (e) => e.callId === incoming.callId);
    expect((await sipp.result).exitCode, describeRun(await sipp.result)).toBe(0);
    await waitForEvent(seen, 'phone.agent', (a) => a.name === 'after_call_work');
    await call('phone.wrapUp', { callId: incoming.callId, code: 'answered' });

    const atCenter = () => center.app.store.db.selectFrom('call_records').selectAll().where('id', '=', incoming.callId).execute();
    await until(async () => (await atCenter())[0]?.wrap_up_code === 'answered');
    expect(await atCenter()).toEqual([expect.objectContaining({ user_id: window.session!.user.id, direction: 'inbound', remote_number: '13912345678', end_reason: 'remote-hangup' })]);
    expect((await atCenter())[0]!.talk_ms).toBeGreaterThanOrEqual(500);
    const after = await figures();
    expect({ offered: after.offered - before.offered, answered: after.answered - before.answered }).toEqual({ offered: 1, answered: 1 });
    // This seat's call log stays on the desk too.
    const local = await desk.app.store.db.selectFrom('call_records').select(['id', 'wrap_up_code']).execute();
    expect(local).toEqual([{ id: incoming.callId, wrap_up_code: 'answered' }]);
    await call('phone.signOut', {});
  });
});

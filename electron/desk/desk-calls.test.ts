import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallStatsView, DeskSync, Result } from '../../shared/contract';
import type { ConsoleServer } from '../server/server';
import { silentLogger } from '../log';
import type { TestApp } from '../../test/support/app';
import type { TcpProxy } from '../../test/support/tcp-proxy';
import { noLocalPhone, startCenterBehindProxy, type CenterBehindProxy } from '../../test/support/desk-center';
import { WireClient, until } from '../../test/support/wire-client';
import type { Connection } from '../rpc/dispatcher';
import { DeskStore } from '../store/desk-store';
import type { DeskCallRecord } from '../phone/phone-service';
import { CenterForwarder } from './forwarder';

/**
 * A desk's finished calls reach its center (issue 12 A): the desk's forwarder and outbox in this
 * process, handed each call as its phone service hands it (PhoneService.sendCallsTo), talking to a
 * console server through a TCP proxy this test cuts. Counted in the center's store and in what a
 * shift lead's wallboard shows: each call once, also when it was made during an outage or its
 * reply was lost; a record for another user is refused.
 */

let fixture: CenterBehindProxy;
let center: TestApp;
let centerHost: ConsoleServer;
let proxy: TcpProxy;
let store: DeskStore;
let forwarder: CenterForwarder;
let agentId = '';
const window: Connection = { id: 'desk-window', session: null, send: () => {} };

const lead: Connection = { id: 'center-lead', session: null, send: () => {} };
const asLead = async <T,>(name: string, input: unknown) => {
  const r = await center.app.dispatcher.dispatch(lead, name, input) as Result<T>;
  if (!r.ok) throw new Error(`${name}: ${r.error.code}`);
  return r.value;
};
const deskStatus = async () => {
  const r = await forwarder.dispatch(window, 'desk.status', {}) as Result<DeskSync>;
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
};
const centerCall = (id: string) => center.app.store.db.selectFrom('call_records').selectAll().where('id', '=', id).execute();
const linksOf = (id: string) => center.app.store.db.selectFrom('call_ticket_links').select('ticket_id').where('call_id', '=', id).execute();

/** A citizen's call answered on the desk a minute ago, as the desk's phone service reports it. */
function answeredCall(extra: Partial<DeskCallRecord> = {}): DeskCallRecord {
  const end = Date.now() - 1000;
  return {
    callId: randomUUID(), userId: agentId, direction: 'inbound', remoteNumber: '13912345678',
    invitedAt: new Date(end - 60_000).toISOString(), answeredAt: new Date(end - 55_000).toISOString(), endedAt: new Date(end).toISOString(),
    ringMs: 5000, talkMs: 50_000, holdMs: 0, endReason: 'remote-hangup', sipCode: null, transferTarget: null, wrapUpCode: null, ticketId: null, ...extra,
  };
}

beforeAll(async () => {
  fixture = await startCenterBehindProxy();
  ({ app: center, host: centerHost, proxy } = fixture);
  store = DeskStore.open(mkdtempSync(join(tmpdir(), 'hotline-desk-')));
  forwarder = new CenterForwarder(noLocalPhone, { url: `ws://127.0.0.1:${proxy.port}/rpc`, heartbeatMs: 1000, maxRetryMs: 500 }, silentLogger, store);
  forwarder.attach(window);
  const login = await forwarder.dispatch(window, 'session.login', { username: 'agent01', password: 'Demo-12345' });
  if (!login.ok) throw new Error(JSON.stringify(login));
  agentId = window.session!.user.id;
  center.app.dispatcher.attach(lead);
  await asLead('session.login', { username: 'lead01', password: 'Demo-12345' });
}, 60_000);

afterAll(async () => {
  forwarder?.close();
  store?.close();
  await fixture?.close();
});

describe('a desk\'s calls on the center\'s wallboard', () => {
  it('a call ended online is on the lead\'s wallboard at once, with the wrap-up code the agent gave it', async () => {
    const before = await asLead<CallStatsView>('wallboard.calls', {});
    const call = answeredCall();
    forwarder.offline!.callRecorded(call);
    await until(async () => (await centerCall(call.callId)).length === 1);
    forwarder.offline!.callWrappedUp(agentId, call.callId, 'answered');
    await until(async () => (await centerCall(call.callId))[0]?.wrap_up_code === 'answered');
    expect(await centerCall(call.callId)).toEqual([expect.objectContaining({ user_id: agentId, direction: 'inbound', remote_number: '13912345678', talk_ms: 50_000, end_reason: 'remote-hangup' })]);
    const after = await asLead<CallStatsView>('wallboard.calls', {});
    expect({ offered: after.offered - before.offered, answered: after.answered - before.answered }).toEqual({ offered: 1, answered: 1 });
    // Bookkeeping, not the agent's work: nothing for them in the header's count.
    expect(await deskStatus()).toMatchObject({ online: true, waiting: 0, failed: 0 });
  });

  it('calls made while the center is cut arrive once each, in order, after the link is back; the ticket a call was dialled from is linked', async () => {
    const before = await asLead<CallStatsView>('wallboard.calls', {});
    const ticketId = (await center.app.store.db.selectFrom('tickets').select('id').executeTakeFirstOrThrow()).id;
    proxy.cut();
    await until(async () => !(await deskStatus()).online);
    const missed = answeredCall({ answeredAt: null, talkMs: 0, ringMs: 20_000, endReason: 'caller-cancelled' });
    const callback = answeredCall({ direction: 'outbound', remoteNumber: '13912345678', ticketId });
    forwarder.offline!.callRecorded(missed);
    forwarder.offline!.callRecorded(callback);
    forwarder.offline!.callWrappedUp(agentId, callback.callId, 'registered');
    // A second report of the same call (the phone reporting twice) is not a second call.
    forwarder.offline!.callRecorded(callback);
    await new Promise((r) => setTimeout(r, 1500));
    expect([...await centerCall(missed.callId), ...await centerCall(callback.callId)]).toEqual([]);
    expect((await asLead<CallStatsView>('wallboard.calls', {})).offered).toBe(before.offered);

    proxy.restore();
    await until(async () => (await centerCall(callback.callId))[0]?.wrap_up_code === 'registered', 30_000);
    expect(await centerCall(missed.callId)).toEqual([expect.objectContaining({ answered_at: null, end_reason: 'caller-cancelled' })]);
    expect(await linksOf(callback.callId)).toEqual([{ ticket_id: ticketId }]);
    const after = await asLead<CallStatsView>('wallboard.calls', {});
    // The outbound call back is not a citizen's call offered to the hotline: one more offered, abandoned.
    expect({ offered: after.offered - before.offered, answered: after.answered - before.answered, abandoned: after.abandoned - before.abandoned })
      .toEqual({ offered: 1, answered: 0, abandoned: 1 });
  }, 60_000);

  it('a record whose reply was lost is sent again and still counted once', async () => {
    const before = await asLead<CallStatsView>('wallboard.calls', {});
    proxy.blackhole();
    const call = answeredCall();
    forwarder.offline!.callRecorded(call);
    // The center took it; the desk never heard back, so it keeps it and sends it again later.
    // (Generous limit: under CI's parallel load the desk's send can wait behind a reconnect.)
    await until(async () => (await centerCall(call.callId)).length === 1, 45_000);
    expect(store.hasOutboxId(call.callId)).toBe(true);
    proxy.cut();
    proxy.restore();
    await until(() => !store.hasOutboxId(call.callId), 45_000);
    expect(await centerCall(call.callId)).toHaveLength(1);
    expect((await asLead<CallStatsView>('wallboard.calls', {})).offered - before.offered).toBe(1);
  }, 90_000);

  it('a record for another user, or for another user\'s call, is refused and audited; a renderer or a page cannot send one', async () => {
    const other = (await center.app.store.db.selectFrom('users').select('id').where('username', '=', 'agent02').executeTakeFirstOrThrow()).id;
    // A desk's main process (a program: no Origin) signed in as agent01.
    const desk = await WireClient.open(centerHost.port, '');
    expect((await desk.call('session.login', { username: 'agent01', password: 'Demo-12345' })).ok).toBe(true);
    const forged = answeredCall({ userId: other });
    expect(await desk.call('seat.recordCall', forged)).toMatchObject({ ok: false, error: { code: 'forbidden', details: { reason: 'other_user' } } });
    expect(await centerCall(forged.callId)).toEqual([]);
    const theirs = answeredCall({ userId: other });
    await center.app.store.db.insertInto('call_records').values({
      id: theirs.callId, user_id: other, direction: 'inbound', remote_number: '13800000000', invited_at: theirs.invitedAt, answered_at: null,
      ended_at: theirs.endedAt, ring_ms: 1, talk_ms: 0, hold_ms: 0, end_reason: 'caller-cancelled', sip_code: null, transfer_target: null, wrap_up_code: null,
    }).execute();
    expect(await desk.call('seat.recordCall', { ...theirs, userId: agentId })).toMatchObject({ ok: false, error: { code: 'forbidden', details: { reason: 'other_users_call' } } });
    expect(await desk.call('seat.wrapUpCall', { callId: theirs.callId, code: 'invalid' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await centerCall(theirs.callId)).toEqual([expect.objectContaining({ user_id: other, remote_number: '13800000000', wrap_up_code: null })]);
    const audit = await center.app.store.db.selectFrom('audit_events').select(['actor_id', 'subject_id']).where('action', '=', 'call.record_refused').execute();
    expect(audit).toHaveLength(2);
    expect(audit).toEqual(expect.arrayContaining([{ actor_id: agentId, subject_id: other }, { actor_id: agentId, subject_id: agentId }]));
    desk.ws.close();
    // The renderer of a desk asking it to send one: refused by the desk.
    expect(await forwarder.dispatch(window, 'seat.recordCall', answeredCall())).toEqual({ ok: false, error: { code: 'forbidden' } });
    // A page (a browser at the center) signed in as the same agent: refused by the center.
    const page: Connection = { id: 'center-page', session: null, send: () => {}, program: false };
    center.app.dispatcher.attach(page);
    await center.app.dispatcher.dispatch(page, 'session.login', { username: 'agent01', password: 'Demo-12345' });
    const fromPage = answeredCall();
    expect(await center.app.dispatcher.dispatch(page, 'seat.recordCall', fromPage)).toEqual({ ok: false, error: { code: 'forbidden' } });
    expect(await centerCall(fromPage.callId)).toEqual([]);
  }, 30_000);
});

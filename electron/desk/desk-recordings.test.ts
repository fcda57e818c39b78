import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { RecordingView, Result, SessionInfo } from '../../shared/contract';
import { silentLogger } from '../log';
import { createTestApp, type TestApp } from '../../test/support/app';
import type { TcpProxy } from '../../test/support/tcp-proxy';
import { startCenterBehindProxy, type CenterBehindProxy } from '../../test/support/desk-center';
import { until } from '../../test/support/wire-client';
import type { Connection } from '../rpc/dispatcher';
import { DeskStore } from '../store/desk-store';
import type { DeskRecordingSource } from '../services/recordings';
import type { DeskCallRecord } from '../phone/phone-service';
import { CenterForwarder } from './forwarder';
import { UPLOAD_RANGE_BYTES } from './recording-upload';

/**
 * A desk's call recordings reach its center (issue 15.1, center mode): the desk's own console app
 * (its phone, its RecordingService on its SQLite store) behind a forwarder in this process, the
 * center on either store behind a TCP proxy the test cuts. The window records a call through the
 * desk as it does on a real one (recording.start / chunk / finish, served by the desk); the desk
 * sends each closed recording to the center, and the lead listens to it from the call's ticket.
 */

let fixture: CenterBehindProxy;
let center: TestApp;
let proxy: TcpProxy;
let desk: TestApp;
let store: DeskStore;
let forwarder: CenterForwarder;
let agentId = '';
const window: Connection = { id: 'desk-window', session: null, send: () => {} };
const lead: Connection = { id: 'center-lead', session: null, send: () => {} };
/** The calls on the desk's line now (its phone service's view). */
const onLine = new Set<string>();
/** Called before the desk reads each range of a recording to send (the test cuts the link from here). */
let beforeRead: ((offset: number) => void) | null = null;

async function asLead<T>(name: string, input: unknown): Promise<T> {
  const r = await center.app.dispatcher.dispatch(lead, name, input) as Result<T>;
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
  return r.value;
}
async function viaDesk<T>(name: string, input: unknown): Promise<T> {
  const r = await forwarder.dispatch(window, name, input) as Result<T>;
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
  return r.value;
}
const centerRecording = (id: string) => center.app.store.db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
const deskFile = async (id: string) => {
  const r = await desk.app.store.db.selectFrom('recordings').select('path').where('id', '=', id).executeTakeFirstOrThrow();
  return readFileSync(join(desk.app.recordings.dir, r.path));
};
/** The center's unfinished copy of a recording (`<id>.<user id>.part`), its size; null when there is none. */
const centerPart = (id: string) => {
  const name = readdirSync(center.app.recordings.dir).find((f) => f.startsWith(`${id}.`) && f.endsWith('.part'));
  return name ? statSync(join(center.app.recordings.dir, name)).size : null;
};

/** The window records a call on the desk: chunks of audio as its MediaRecorder hands them over. */
async function recordOnDesk(callId: string, chunks: Buffer[]): Promise<string> {
  onLine.add(callId);
  const { recordingId } = await viaDesk<{ recordingId: string }>('recording.start', { callId, mime: 'audio/webm;codecs=opus' });
  for (const [seq, c] of chunks.entries()) await viaDesk('recording.chunk', { callId, seq, data: c.toString('base64'), durationMs: (seq + 1) * 2000 });
  onLine.delete(callId);
  await viaDesk('recording.finish', { callId, durationMs: chunks.length * 2000 });
  return recordingId;
}
/** The call's record as the desk's phone reports it when the call ends. */
function endedCall(callId: string, ticketId: string | null): DeskCallRecord {
  const end = Date.now();
  return {
    callId, userId: agentId, direction: 'inbound', remoteNumber: '13912345678',
    invitedAt: new Date(end - 60_000).toISOString(), answeredAt: new Date(end - 55_000).toISOString(), endedAt: new Date(end).toISOString(),
    ringMs: 5000, talkMs: 55_000, holdMs: 0, endReason: 'remote-hangup', sipCode: null, transferTarget: null, wrapUpCode: null, ticketId,
  };
}
/** What a lead hears of a recording at the center: opened (audited), then read to the end. */
async function leadHears(recordingId: string): Promise<Buffer> {
  await asLead('recording.open', { recordingId });
  const parts: Buffer[] = [];
  for (let offset = 0; ;) {
    const r = await asLead<{ data: string; eof: boolean }>('recording.read', { recordingId, offset, length: 1024 * 1024 });
    parts.push(Buffer.from(r.data, 'base64'));
    offset += parts.at(-1)!.length;
    if (r.eof) return Buffer.concat(parts);
  }
}

beforeAll(async () => {
  fixture = await startCenterBehindProxy();
  ({ app: center, proxy } = fixture);
  // The desk's own app is on SQLite, as a desk is, whatever the center runs on.
  desk = await createTestApp({ store: { kind: 'sqlite' }, recordingRetention: false });
  vi.spyOn(desk.app.phone, 'hasCall').mockImplementation((_s: SessionInfo, callId: string) => (onLine.has(callId) ? ({ callId } as never) : undefined));
  const recordings = desk.app.recordings;
  const source: DeskRecordingSource = {
    closedRecordings: (since, after, limit) => recordings.closedRecordings(since, after, limit),
    onClosed: (l) => recordings.onClosed(l),
    readRecording: (id, offset, length) => {
      beforeRead?.(offset);
      return recordings.readRecording(id, offset, length);
    },
  };
  store = DeskStore.open(desk.dir);
  forwarder = new CenterForwarder(desk.app.dispatcher, { url: `ws://127.0.0.1:${proxy.port}/rpc`, heartbeatMs: 500, maxRetryMs: 500, connectTimeoutMs: 2000 }, silentLogger, store,
    (session, account) => desk.app.phone.provisionFromCenter(session, account), source);
  forwarder.attach(window);
  await viaDesk('session.login', { username: 'agent01', password: 'Demo-12345' });
  agentId = window.session!.user.id;
  // The window asks for its phone: the desk takes the center's account for this user (and the user with it).
  await viaDesk('phone.status', {});
  center.app.dispatcher.attach(lead);
  await asLead('session.login', { username: 'lead01', password: 'Demo-12345' });
}, 60_000);

afterAll(async () => {
  forwarder?.close();
  store?.close();
  await desk?.dispose();
  await fixture?.close();
});

describe('a desk\'s recordings at the center', () => {
  it('a call recorded while the center is cut off reaches it after the link is back; the lead hears it from the call\'s ticket, byte for byte', async () => {
    const ticketId = (await center.app.store.db.selectFrom('tickets').select('id').executeTakeFirstOrThrow()).id;
    proxy.cut();
    await until(async () => !(await viaDesk<{ online: boolean }>('desk.status', {})).online);
    const callId = randomUUID();
    const id = await recordOnDesk(callId, [randomBytes(150_000), randomBytes(150_000), randomBytes(30_000)]);
    forwarder.offline!.callRecorded(endedCall(callId, ticketId));
    await forwarder.offline!.uploads!.idle();
    expect(await centerRecording(id)).toBeUndefined();
    expect(store.uploadState(id)).toBeNull();

    proxy.restore();
    await until(async () => store.uploadState(id) === 'uploaded', 30_000);
    await until(async () => (await asLead<RecordingView[]>('recording.ofTicket', { ticketId })).some((r) => r.id === id), 30_000);
    const [view] = (await asLead<RecordingView[]>('recording.ofTicket', { ticketId })).filter((r) => r.id === id);
    expect(view).toMatchObject({ callId, ticketId, agentName: expect.any(String), bytes: 330_000, durationMs: 6000, state: 'complete' });
    expect(view!.agentName).not.toBe('');
    expect((await leadHears(id)).equals(await deskFile(id))).toBe(true);
  }, 60_000);

  it('an upload cut off mid-way (the center\'s answer lost) goes on from where the center stopped: its copy is the desk\'s file exactly', async () => {
    const chunks = Array.from({ length: 5 }, () => randomBytes(200_000));
    // The third range goes out but its answer never comes back; then the link drops.
    let cutAt: number | null = null;
    beforeRead = (offset) => {
      if (cutAt === null && offset >= 2 * UPLOAD_RANGE_BYTES) {
        cutAt = offset;
        proxy.blackhole();
      }
    };
    const callId = randomUUID();
    const id = await recordOnDesk(callId, chunks);
    forwarder.offline!.callRecorded(endedCall(callId, null));
    // The center wrote the third range; the desk did not hear so.
    await until(() => centerPart(id) === 3 * UPLOAD_RANGE_BYTES, 30_000);
    expect(cutAt).toBe(2 * UPLOAD_RANGE_BYTES);
    expect(store.uploadState(id)).toBeNull();
    const readAfter: number[] = [];
    beforeRead = (offset) => readAfter.push(offset);
    proxy.cut();
    proxy.restore();
    await until(() => store.uploadState(id) === 'uploaded', 45_000);
    // It went on from the center's end: none of what the center had was read or sent again.
    expect(readAfter[0]).toBe(3 * UPLOAD_RANGE_BYTES);
    expect(readAfter.every((o) => o >= 3 * UPLOAD_RANGE_BYTES)).toBe(true);
    const row = (await centerRecording(id))!;
    expect(row).toMatchObject({ call_id: callId, user_id: agentId, bytes: 1_000_000, state: 'complete' });
    const centerCopy = readFileSync(join(center.app.recordings.dir, row.path));
    expect(centerCopy.length).toBe(1_000_000);
    expect(centerCopy.equals(await deskFile(id))).toBe(true);
    expect(centerPart(id)).toBeNull();
    beforeRead = null;
  }, 90_000);

  it('a recording of a call the center knows as another agent\'s is refused once and not sent again', async () => {
    const other = (await center.app.store.db.selectFrom('users').select('id').where('username', '=', 'agent02').executeTakeFirstOrThrow()).id;
    const callId = randomUUID();
    const at = new Date().toISOString();
    await center.app.store.db.insertInto('call_records').values({
      id: callId, user_id: other, direction: 'inbound', remote_number: '13800000000', invited_at: at, answered_at: at,
      ended_at: at, ring_ms: 1, talk_ms: 1, hold_ms: 0, end_reason: 'remote-hangup', sip_code: null, transfer_target: null, wrap_up_code: null,
    }).execute();
    const reads: number[] = [];
    beforeRead = (offset) => reads.push(offset);
    const id = await recordOnDesk(callId, [randomBytes(1000)]);
    await until(() => store.uploadState(id) === 'refused');
    expect(await centerRecording(id)).toBeUndefined();
    expect(centerPart(id)).toBeNull();
    // Settled: the next chance to send (a sign-in, a reconnect) leaves it alone.
    const before = reads.length;
    await forwarder.offline!.uploads!.kick();
    expect(reads.length).toBe(before);
    beforeRead = null;
  }, 30_000);
});

describe('a recording the desk cannot read', () => {
  it('is set aside and does not hold back the recordings after it', async () => {
    proxy.cut();
    await until(async () => !(await viaDesk<{ online: boolean }>('desk.status', {})).online);
    const lost = await recordOnDesk(randomUUID(), [randomBytes(1000)]);
    // Its file is gone from the desk's disk (removed by hand, a disk fault).
    const { path } = await desk.app.store.db.selectFrom('recordings').select('path').where('id', '=', lost).executeTakeFirstOrThrow();
    unlinkSync(join(desk.app.recordings.dir, path));
    const next = await recordOnDesk(randomUUID(), [randomBytes(1000)]);
    proxy.restore();
    await until(() => store.uploadState(next) === 'uploaded', 30_000);
    expect(store.uploadState(lost)).toBe('missing');
    expect(await centerRecording(lost)).toBeUndefined();
  }, 60_000);
});

describe('the call\'s ticket, whichever of the call\'s record and its recording reaches the center first', () => {
  it('the recording is the ticket\'s either way', async () => {
    // The desk's main process as the center sees it: a program signed in as the agent.
    const main: Connection = { id: 'desk-main', session: null, send: () => {}, program: true };
    center.app.dispatcher.attach(main);
    const asDesk = async (name: string, input: unknown) => {
      const r = await center.app.dispatcher.dispatch(main, name, input);
      if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
      return r.value;
    };
    await asDesk('session.login', { username: 'agent01', password: 'Demo-12345' });
    const tickets = await center.app.store.db.selectFrom('tickets').select('id').orderBy('id').limit(2).execute();
    const upload = (callId: string, data: Buffer) => asDesk('recording.upload', {
      recordingId: randomUUID(), callId, startedAt: new Date().toISOString(), durationMs: 3000, mime: 'audio/webm;codecs=opus', state: 'complete',
      totalBytes: data.length, offset: 0, data: data.toString('base64'), final: true,
    });
    const ticketOf = async (callId: string) => (await center.app.store.db.selectFrom('recordings').select('ticket_id').where('call_id', '=', callId).executeTakeFirstOrThrow()).ticket_id;

    const recordFirst = randomUUID();
    await asDesk('seat.recordCall', endedCall(recordFirst, tickets[0]!.id));
    await upload(recordFirst, randomBytes(500));
    expect(await ticketOf(recordFirst)).toBe(tickets[0]!.id);

    const recordingFirst = randomUUID();
    await upload(recordingFirst, randomBytes(500));
    expect(await ticketOf(recordingFirst)).toBeNull();
    await asDesk('seat.recordCall', endedCall(recordingFirst, tickets[1]!.id));
    expect(await ticketOf(recordingFirst)).toBe(tickets[1]!.id);
    for (const [callId, ticketId] of [[recordFirst, tickets[0]!.id], [recordingFirst, tickets[1]!.id]] as const) {
      expect((await asLead<RecordingView[]>('recording.ofTicket', { ticketId })).map((r) => [r.callId, r.ticketId])).toContainEqual([callId, ticketId]);
    }
    center.app.dispatcher.detach(main.id);
  });
});

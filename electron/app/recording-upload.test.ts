/**
 * A desk's recordings reaching the center (issue 15.1, center mode) through the contract, on SQLite
 * ('unit') and PostgreSQL ('pg'): `recording.upload` in ranges from a desk's main process; a range
 * at the wrong offset is told how much the center holds and the upload goes on from there (also
 * after a restart of the center); once whole, the lead and the agent listen to exactly the desk's
 * bytes from the ticket; a renderer, a page, another agent and an inconsistent upload are refused.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobView, RecordingView, RequestInput, RequestName, SessionInfo } from '../../shared/contract';
import type { Connection } from '../rpc/dispatcher';
import { createTestApp, FAST_SCRYPT, TEST_STORE, testStoreChoice, type TestApp } from '../../test/support/app';
import { createConsoleApp } from './console-app';
import { silentLogger } from '../log';
import { setPendingCallLink } from '../services/call-links';
import { DEFAULT_UPLOAD_LIMIT } from '../services/recordings';
import { UPLOAD_RANGE_BYTES } from '../desk/recording-upload';

let t: TestApp;
let clock: Date;
let seq = 0;
/** A desk's main process (a WebSocket peer without Origin) is a program; a renderer or a page is not. */
const conn = (program: boolean): Connection => {
  const c: Connection = { id: `c${++seq}`, session: null, send: () => {}, program };
  t.app.dispatcher.attach(c);
  return c;
};
const call = <N extends RequestName>(c: Connection, name: N, input: RequestInput<N>) => t.app.dispatcher.dispatch(c, name, input);
async function ok<T>(c: Connection, name: RequestName, input: unknown): Promise<T> {
  const r = await t.app.dispatcher.dispatch(c, name, input);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
  return r.value as T;
}
async function signIn(username: string, program: boolean): Promise<Connection> {
  const c = conn(program);
  await ok(c, 'session.login', { username, password: 'Right-pass1' });
  return c;
}
const ticketId = '0190a5e8-0000-7000-8000-000000000001';

let desk: Connection;
let otherDesk: Connection;
let lead: Connection;
let agentPage: Connection;
let deptDesk: Connection;
let agentId = '';
let otherId = '';

beforeEach(async () => {
  clock = new Date('2026-03-02T01:00:00Z');
  t = await createTestApp({ now: () => clock, recordingRetention: false });
  await t.app.store.db.insertInto('departments').values({ id: 'dep-a', code: 'JC-ZJ', name: '市住建局', kind: 'bureau', district_code: null }).execute();
  const mk = (username: string, roles: SessionInfo['user']['roles'], departmentId: string | null = null) =>
    t.app.users.create({ username, displayName: username, password: 'Right-pass1', roles, departmentId }, null, { skipStrength: true });
  agentId = await mk('agent01', ['agent']);
  otherId = await mk('agent02', ['agent']);
  await mk('lead01', ['shift_lead']);
  await mk('dept01', ['department'], 'dep-a');
  desk = await signIn('agent01', true);
  otherDesk = await signIn('agent02', true);
  lead = await signIn('lead01', false);
  agentPage = await signIn('agent01', false);
  deptDesk = await signIn('dept01', true);
});
afterEach(async () => { await t.dispose(); });

/** A recording as the desk has it: its id, call and bytes (several ranges' worth). */
function deskRecording(bytes = 250_000) {
  return { recordingId: randomUUID(), callId: randomUUID(), startedAt: '2026-03-02T00:58:00.000Z', durationMs: 95_000, data: randomBytes(bytes) };
}
type DeskRec = ReturnType<typeof deskRecording>;
/** One range of it, as the desk's uploader sends it. */
const range = (r: DeskRec, offset: number, end: number, extra: Partial<RequestInput<'recording.upload'>> = {}): RequestInput<'recording.upload'> => ({
  recordingId: r.recordingId, callId: r.callId, startedAt: r.startedAt, durationMs: r.durationMs, mime: 'audio/webm;codecs=opus', state: 'complete',
  totalBytes: r.data.length, offset, data: r.data.subarray(offset, end).toString('base64'), final: end >= r.data.length, ...extra,
});
/** Sends the whole recording from `from` in ranges of `step` bytes. */
async function send(c: Connection, r: DeskRec, from = 0, step = 100_000) {
  let last: { received: number; complete: boolean } | null = null;
  for (let at = from; at < r.data.length; at += step) last = await ok(c, 'recording.upload', range(r, at, Math.min(at + step, r.data.length)));
  return last!;
}
const rowsOfCall = (callId: string) => t.app.store.db.selectFrom('recordings').selectAll().where('call_id', '=', callId).execute();
const uploadAudits = () => t.app.store.db.selectFrom('audit_events').select(['actor_id', 'subject_id']).where('action', '=', 'recording.uploaded').execute();
const partFiles = () => readdirSync(t.app.recordings.dir).filter((f) => f.endsWith('.part'));

/** Everything a listener hears: opened (audited), then read a megabyte at a time. */
async function listen(c: Connection, recordingId: string): Promise<Buffer> {
  await ok(c, 'recording.open', { recordingId });
  const parts: Buffer[] = [];
  for (let offset = 0; ;) {
    const r = await ok<{ data: string; eof: boolean }>(c, 'recording.read', { recordingId, offset, length: 1024 * 1024 });
    const b = Buffer.from(r.data, 'base64');
    parts.push(b);
    offset += b.length;
    if (r.eof) return Buffer.concat(parts);
  }
}

describe('a desk sending a recording to the center', () => {
  it('goes in ranges; a range at the wrong offset is told how much is here and the upload goes on from there; whole, the lead hears exactly the desk\'s bytes', async () => {
    const rec = deskRecording();
    await setPendingCallLink(t.app.store.db, rec.callId, ticketId);
    expect(await ok(desk, 'recording.upload', range(rec, 0, 100_000))).toEqual({ received: 100_000, complete: false });
    // Not listenable until it is whole.
    expect(await ok(lead, 'recording.ofTicket', { ticketId })).toEqual([]);
    // The reply was lost and the desk sends the same range again; or it skips ahead: told where the center is.
    for (const offset of [0, 200_000]) {
      expect(await call(desk, 'recording.upload', range(rec, offset, offset + 50_000)))
        .toEqual({ ok: false, error: { code: 'conflict', details: { reason: 'upload_offset', received: 100_000 } } });
    }
    expect(await send(desk, rec, 100_000)).toEqual({ received: 250_000, complete: true });

    const [view] = await ok<RecordingView[]>(lead, 'recording.ofTicket', { ticketId });
    expect(view).toEqual({
      id: rec.recordingId, callId: rec.callId, ticketId, agentName: 'agent01', startedAt: rec.startedAt, durationMs: 95_000,
      bytes: 250_000, mime: 'audio/webm;codecs=opus', state: 'complete', part: 0,
    });
    expect((await listen(lead, rec.recordingId)).equals(rec.data)).toBe(true);
    expect((await listen(agentPage, rec.recordingId)).equals(rec.data)).toBe(true);
    // Another agent may not listen to it.
    expect(await ok(otherDesk, 'recording.ofTicket', { ticketId })).toEqual([]);
    expect(await call(otherDesk, 'recording.open', { recordingId: rec.recordingId })).toEqual({ ok: false, error: { code: 'forbidden' } });
    expect(await uploadAudits()).toEqual([{ actor_id: agentId, subject_id: rec.recordingId }]);
    expect(partFiles()).toEqual([]);
  });

  it('resumes after the center restarted, where its file ends', async () => {
    const rec = deskRecording();
    await ok(desk, 'recording.upload', range(rec, 0, 75_000));
    await ok(desk, 'recording.upload', range(rec, 75_000, 150_000));
    expect(partFiles()).toHaveLength(1);
    const dir = t.dir;
    await t.app.close();
    t = await createTestApp({ now: () => clock, recordingRetention: false, dataDir: dir });
    desk = await signIn('agent01', true);
    lead = await signIn('lead01', false);
    expect(await call(desk, 'recording.upload', range(rec, 0, 75_000)))
      .toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'upload_offset', received: 150_000 } } });
    expect(await send(desk, rec, 150_000, 75_000)).toEqual({ received: 250_000, complete: true });
    expect((await listen(lead, rec.recordingId)).equals(rec.data)).toBe(true);
  });

  // PostgreSQL only: a center of several console servers exists only on PostgreSQL (on SQLite the
  // store is one seat's file, opened by one process).
  it.runIf(TEST_STORE === 'postgres')('on a center of two servers sharing one recordings folder, an upload begun on one goes on through the other, and a lead on either hears it', async () => {
    const rec = deskRecording();
    await setPendingCallLink(t.app.store.db, rec.callId, ticketId);
    await ok(desk, 'recording.upload', range(rec, 0, 100_000));
    // The desk reconnects and lands on the second server (its own data folder, the same database and recordings folder).
    const secondDir = mkdtempSync(join(tmpdir(), 'hotline-second-'));
    const second = await createConsoleApp({
      dataDir: secondDir, runtime: 'host', version: 'test', log: silentLogger,
      store: await testStoreChoice(t.dir), recordingsDir: t.app.recordings.dir, recordingRetention: false, now: () => clock, users: { cost: FAST_SCRYPT },
      sessions: { idleMs: 86_400_000, maxMs: 86_400_000 },
    });
    try {
      const on2 = (program: boolean): Connection => { const c: Connection = { id: `s2-${++seq}`, session: null, send: () => {}, program }; second.dispatcher.attach(c); return c; };
      const desk2 = on2(true);
      expect((await second.dispatcher.dispatch(desk2, 'session.login', { username: 'agent01', password: 'Right-pass1' })).ok).toBe(true);
      // It is told how much the center holds, whichever server it reached, and goes on from there.
      expect(await second.dispatcher.dispatch(desk2, 'recording.upload', range(rec, 0, 50_000)))
        .toEqual({ ok: false, error: { code: 'conflict', details: { reason: 'upload_offset', received: 100_000 } } });
      for (let at = 100_000; at < rec.data.length; at += 100_000) {
        const r = await second.dispatcher.dispatch(desk2, 'recording.upload', range(rec, at, Math.min(at + 100_000, rec.data.length)));
        expect(r.ok).toBe(true);
      }
      // A lead on the first server hears exactly the desk's bytes; so does one on the second.
      expect((await listen(lead, rec.recordingId)).equals(rec.data)).toBe(true);
      const lead2 = on2(false);
      await second.dispatcher.dispatch(lead2, 'session.login', { username: 'lead01', password: 'Right-pass1' });
      expect((await second.dispatcher.dispatch(lead2, 'recording.open', { recordingId: rec.recordingId })).ok).toBe(true);
      const read = await second.dispatcher.dispatch(lead2, 'recording.read', { recordingId: rec.recordingId, offset: 0, length: 1024 * 1024 }) as { ok: true; value: { data: string; eof: boolean } };
      expect(Buffer.from(read.value.data, 'base64').equals(rec.data)).toBe(true);
    } finally {
      await second.close();
      rmSync(secondDir, { recursive: true, force: true });
    }
  });

  it('keeps an interrupted recording\'s state and a recording of an Ogg recorder as Ogg', async () => {
    const rec = deskRecording(1000);
    await ok(desk, 'recording.upload', range(rec, 0, 1000, { state: 'interrupted', mime: 'audio/ogg;codecs=opus' }));
    const [row] = await rowsOfCall(rec.callId);
    expect(row).toMatchObject({ state: 'interrupted', mime: 'audio/ogg;codecs=opus', bytes: 1000, user_id: agentId });
    expect(row!.path.endsWith('.ogg')).toBe(true);
    expect(readFileSync(join(t.app.recordings.dir, row!.path)).equals(rec.data)).toBe(true);
  });

  it('sent again after it completed, it is answered as complete and kept once', async () => {
    const rec = deskRecording();
    await send(desk, rec);
    const [row] = await rowsOfCall(rec.callId);
    // The desk never heard the last answer and starts over: complete at once, nothing written twice.
    expect(await ok(desk, 'recording.upload', range(rec, 0, 100_000))).toEqual({ received: 250_000, complete: true });
    expect(await send(desk, rec)).toEqual({ received: 250_000, complete: true });
    expect(await rowsOfCall(rec.callId)).toEqual([row]);
    expect(readFileSync(join(t.app.recordings.dir, row!.path)).equals(rec.data)).toBe(true);
    expect(await uploadAudits()).toHaveLength(1);
    // Another recording as the same part of a call the center has is refused.
    const twin = { ...deskRecording(1000), callId: rec.callId };
    expect(await call(desk, 'recording.upload', range(twin, 0, 1000))).toEqual({ ok: false, error: { code: 'conflict', details: { reason: 'call_recorded' } } });
    expect(await rowsOfCall(rec.callId)).toEqual([row]);
    expect(partFiles()).toEqual([]);
    // The call's next part (the desk's recording window reloaded mid-call) is a recording of its own.
    expect(await ok(desk, 'recording.upload', range(twin, 0, 1000, { part: 1 }))).toEqual({ received: 1000, complete: true });
    expect((await rowsOfCall(rec.callId)).map((r) => [r.id, r.part]).sort()).toEqual([[rec.recordingId, 0], [twin.recordingId, 1]].sort());
  });
});

describe('who may send one', () => {
  it('a renderer or a page signed in as the agent cannot; nor a department user', async () => {
    const rec = deskRecording(1000);
    expect(await call(agentPage, 'recording.upload', range(rec, 0, 1000))).toEqual({ ok: false, error: { code: 'forbidden' } });
    expect(await call(deptDesk, 'recording.upload', range(rec, 0, 1000))).toEqual({ ok: false, error: { code: 'forbidden' } });
    expect(await rowsOfCall(rec.callId)).toEqual([]);
    expect(partFiles()).toEqual([]);
  });

  it('another agent cannot attach a recording to my call, nor take over my recording', async () => {
    const mine = deskRecording(1000);
    await t.app.store.db.insertInto('call_records').values({
      id: mine.callId, user_id: agentId, direction: 'inbound', remote_number: '13800000000', invited_at: '2026-03-02T00:57:50.000Z',
      answered_at: '2026-03-02T00:58:00.000Z', ended_at: '2026-03-02T00:59:35.000Z', ring_ms: 10_000, talk_ms: 95_000, hold_ms: 0,
      end_reason: 'remote-hangup', sip_code: null, transfer_target: null, wrap_up_code: null,
    }).execute();
    expect(await call(otherDesk, 'recording.upload', range(mine, 0, 1000))).toEqual({ ok: false, error: { code: 'not_found' } });
    expect(await rowsOfCall(mine.callId)).toEqual([]);
    expect(partFiles()).toEqual([]);
    await send(desk, mine);
    // Re-sending someone else's finished recording does not make it theirs, nor say it is complete.
    expect(await call(otherDesk, 'recording.upload', range(mine, 0, 1000))).toEqual({ ok: false, error: { code: 'not_found' } });
    expect(await rowsOfCall(mine.callId)).toEqual([expect.objectContaining({ user_id: agentId })]);
    expect(otherId).not.toBe(agentId);
  });

  it('an upload half way, before the center has the call: another agent sending the same id adds nothing to mine', async () => {
    const mine = deskRecording(1000);
    await ok(desk, 'recording.upload', range(mine, 0, 500));
    // The other agent's bytes go to a part of their own: mine still holds exactly my first half.
    const forged = { ...mine, data: Buffer.alloc(1000, 7) };
    expect(await ok(otherDesk, 'recording.upload', range(forged, 0, 500))).toEqual({ received: 500, complete: false });
    expect(await ok(desk, 'recording.upload', range(mine, 500, 1000))).toEqual({ received: 1000, complete: true });
    const [row] = await rowsOfCall(mine.callId);
    expect(row).toMatchObject({ user_id: agentId, bytes: 1000 });
    expect(readFileSync(join(t.app.recordings.dir, row!.path)).equals(mine.data)).toBe(true);
    // Theirs cannot become the recording any more.
    expect(await call(otherDesk, 'recording.upload', range(forged, 500, 1000))).toEqual({ ok: false, error: { code: 'not_found' } });
  });
});

describe('an inconsistent upload', () => {
  it('whose last range does not make the total it announced is refused and nothing of it is kept', async () => {
    const rec = deskRecording();
    await ok(desk, 'recording.upload', range(rec, 0, 100_000));
    // The desk says final at 200 000 bytes of a recording it announced as 250 000.
    expect(await call(desk, 'recording.upload', range(rec, 100_000, 200_000, { final: true })))
      .toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'totalBytes' }] } });
    expect(await rowsOfCall(rec.callId)).toEqual([]);
    expect(await uploadAudits()).toEqual([]);
    expect(readdirSync(t.app.recordings.dir)).toEqual([]);
    // Started over properly, it goes through.
    expect(await send(desk, rec)).toEqual({ received: 250_000, complete: true });
    expect((await listen(lead, rec.recordingId)).equals(rec.data)).toBe(true);
  });

  it('a range going past the announced total is refused and nothing of it is kept', async () => {
    const rec = deskRecording(150_000);
    await ok(desk, 'recording.upload', range(rec, 0, 100_000, { totalBytes: 120_000, final: false }));
    expect(await call(desk, 'recording.upload', range(rec, 100_000, 150_000, { totalBytes: 120_000, final: false })))
      .toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'data', problem: 'beyond_total' }] } });
    expect(await rowsOfCall(rec.callId)).toEqual([]);
    expect(readdirSync(t.app.recordings.dir)).toEqual([]);
  });

  it('a later range that claims another total than the first one is refused and changes nothing; the upload goes on under the first total', async () => {
    const rec = deskRecording();
    await ok(desk, 'recording.upload', range(rec, 0, 100_000));
    const part = join(t.app.recordings.dir, `${rec.recordingId}.${agentId}.part`);
    // Shrunk to what has arrived and called final, grown, or asked about in a probe: each refused, told the first total.
    for (const bad of [range(rec, 100_000, 200_000, { totalBytes: 200_000, final: true }), range(rec, 100_000, 200_000, { totalBytes: 400_000 }), range(rec, 0, 0, { totalBytes: 300_000, final: false })]) {
      expect(await call(desk, 'recording.upload', bad))
        .toEqual({ ok: false, error: { code: 'conflict', details: { reason: 'upload_total_changed', totalBytes: 250_000, received: 100_000 } } });
    }
    expect(readFileSync(part).equals(rec.data.subarray(0, 100_000))).toBe(true);
    expect(await rowsOfCall(rec.callId)).toEqual([]);
    expect(await uploadAudits()).toEqual([]);
    // After the center restarted, the first total still holds.
    const dir = t.dir;
    await t.app.close();
    t = await createTestApp({ now: () => clock, recordingRetention: false, dataDir: dir });
    desk = await signIn('agent01', true);
    lead = await signIn('lead01', false);
    expect(await call(desk, 'recording.upload', range(rec, 100_000, 200_000, { totalBytes: 200_000, final: true })))
      .toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'upload_total_changed', totalBytes: 250_000 } } });
    expect(await send(desk, rec, 100_000)).toEqual({ received: 250_000, complete: true });
    expect((await listen(lead, rec.recordingId)).equals(rec.data)).toBe(true);
    // Whole, nothing of the upload is left beside the recording.
    expect(readdirSync(t.app.recordings.dir).filter((f) => f.startsWith(rec.recordingId))).toEqual([]);
    expect(readdirSync(t.app.recordings.dir)).toHaveLength(1);
  });
});

describe('how fast a desk may send', () => {
  /** Bytes of an upload the center holds so far. */
  const partSize = (r: DeskRec) => statSync(join(t.app.recordings.dir, `${r.recordingId}.${agentId}.part`), { throwIfNoEntry: false })?.size ?? 0;

  it('a backlog of recordings goes back to back up to 8 MB; then a range is refused with how long to wait, nothing of it written; after waiting it goes on; another agent is not held up', async () => {
    // A desk back after an outage, with ten calls of about four minutes each, in its 192 KB ranges.
    const recs = Array.from({ length: 10 }, () => deskRecording(1_000_000));
    let whole = 0;
    let refused: { rec: DeskRec; at: number; error: unknown } | null = null;
    backlog: for (const rec of recs) {
      for (let at = 0; at < rec.data.length; at += UPLOAD_RANGE_BYTES) {
        const r = await call(desk, 'recording.upload', range(rec, at, at + UPLOAD_RANGE_BYTES));
        if (!r.ok) { refused = { rec, at, error: r.error }; break backlog; }
      }
      whole++;
    }
    expect(whole).toBe(Math.floor(DEFAULT_UPLOAD_LIMIT.burstBytes / 1_000_000));
    expect(refused!.error).toEqual({ code: 'too_many_attempts', details: { reason: 'upload_rate_limited', seconds: 1 } });
    const { rec, at } = refused!;
    expect(partSize(rec)).toBe(at);
    // Sent again at once, it is refused again and still nothing is written.
    expect(await call(desk, 'recording.upload', range(rec, at, at + UPLOAD_RANGE_BYTES))).toMatchObject({ ok: false, error: { code: 'too_many_attempts' } });
    expect(partSize(rec)).toBe(at);
    // Meanwhile another agent's desk sends its own.
    const theirs = deskRecording(300_000);
    expect(await send(otherDesk, theirs, 0, UPLOAD_RANGE_BYTES)).toEqual({ received: 300_000, complete: true });

    // The desk waits as long as it is told each time and sends the same range again: everything arrives.
    let waits = 0;
    for (const r of recs.slice(whole)) {
      for (let offset = r === rec ? at : 0; offset < r.data.length;) {
        const answer = await call(desk, 'recording.upload', range(r, offset, offset + UPLOAD_RANGE_BYTES));
        if (!answer.ok) {
          expect(answer.error).toMatchObject({ code: 'too_many_attempts', details: { reason: 'upload_rate_limited' } });
          clock = new Date(clock.getTime() + Number(answer.error.details!.seconds) * 1000);
          waits++;
          continue;
        }
        offset = (answer.value as { received: number }).received;
      }
    }
    expect(waits).toBeGreaterThan(0);
    expect((await t.app.store.db.selectFrom('recordings').select('id').where('user_id', '=', agentId).execute())).toHaveLength(10);
    expect((await listen(lead, recs.at(-1)!.recordingId)).equals(recs.at(-1)!.data)).toBe(true);
    expect(partFiles()).toEqual([]);
  });

  it('a program sending ranges without audio as fast as it can is held to its burst, then to a few a second', async () => {
    const rec = deskRecording(1000);
    const probe = () => call(desk, 'recording.upload', range(rec, 0, 0, { final: false }));
    let taken = 0;
    while ((await probe()).ok) taken++;
    expect(taken).toBe(DEFAULT_UPLOAD_LIMIT.burstRanges);
    expect(await probe()).toEqual({ ok: false, error: { code: 'too_many_attempts', details: { reason: 'upload_rate_limited', seconds: 1 } } });
    clock = new Date(clock.getTime() + 1000);
    taken = 0;
    while ((await probe()).ok) taken++;
    expect(taken).toBe(DEFAULT_UPLOAD_LIMIT.rangesPerSecond);
  });
});

describe('retention', () => {
  it('removes an upload left unfinished for more than a day, and leaves one still going', async () => {
    const stale = deskRecording(1000);
    const going = deskRecording(1000);
    await ok(desk, 'recording.upload', range(stale, 0, 500));
    await ok(desk, 'recording.upload', range(going, 0, 500));
    const dir = t.app.recordings.dir;
    const ago = (ms: number) => new Date(clock.getTime() - ms);
    utimesSync(join(dir, `${stale.recordingId}.${agentId}.part`), ago(25 * 3_600_000), ago(25 * 3_600_000));
    utimesSync(join(dir, `${going.recordingId}.${agentId}.part`), ago(3_600_000), ago(3_600_000));
    const admin = conn(false);
    await t.app.users.create({ username: 'root', displayName: 'root', password: 'Right-pass1', roles: ['admin'] }, null, { skipStrength: true });
    await ok(admin, 'session.login', { username: 'root', password: 'Right-pass1' });
    const job = await ok<JobView>(admin, 'recording.purgeExpired', {});
    let v = job;
    while (v.state === 'running') {
      await new Promise((r) => setTimeout(r, 20));
      v = await ok<JobView>(admin, 'jobs.get', { id: job.id });
    }
    expect(v).toMatchObject({ state: 'done', result: { deleted: 0 } });
    expect(partFiles()).toEqual([`${going.recordingId}.${agentId}.part`]);
    // The total pinned beside the removed part goes with it.
    expect(readdirSync(dir).filter((f) => f.endsWith('.total'))).toEqual([`${going.recordingId}.${agentId}.part.total`]);
    // The desk that gave up and comes back starts over; the other goes on.
    expect(await call(desk, 'recording.upload', range(stale, 500, 1000)))
      .toEqual({ ok: false, error: { code: 'conflict', details: { reason: 'upload_offset', received: 0 } } });
    expect(await send(desk, stale)).toEqual({ received: 1000, complete: true });
    expect(await ok(desk, 'recording.upload', range(going, 500, 1000))).toEqual({ received: 1000, complete: true });
  });
});

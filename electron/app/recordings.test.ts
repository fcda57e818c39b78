/**
 * Call recordings (issue 15.1) through the contract, on SQLite ('unit') and PostgreSQL ('pg'):
 * chunks appended in order to one file per call, only by the agent on the call; who may listen
 * (not a department user, not another agent) and an audit line per listen; retention deletes only
 * expired recordings; a recording left open by a stop is marked interrupted and stays readable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobView, RecordingView, RequestInput, RequestName, Result, SessionInfo } from '../../shared/contract';
import type { Connection } from '../rpc/dispatcher';
import { createTestApp, type TestApp } from '../../test/support/app';
import { setPendingCallLink } from '../services/call-links';

let t: TestApp;
let clock: Date;
let seq = 0;
const conn = (): Connection => {
  const c: Connection = { id: `c${++seq}`, session: null, send: () => {} };
  t.app.dispatcher.attach(c);
  return c;
};
const call = <N extends RequestName>(c: Connection, name: N, input: RequestInput<N>) => t.app.dispatcher.dispatch(c, name, input);
const errorOf = (r: Result<unknown>) => (r.ok ? 'ok' : r.error.code);
async function ok<T>(c: Connection, name: RequestName, input: unknown): Promise<T> {
  const r = await t.app.dispatcher.dispatch(c, name, input);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
  return r.value as T;
}
async function signIn(username: string): Promise<Connection> {
  const c = conn();
  await ok(c, 'session.login', { username, password: 'Right-pass1' });
  return c;
}
const audits = async (action: string) =>
  t.app.store.db.selectFrom('audit_events').select(['actor_id', 'subject_id']).where('action', '=', action).execute();
const b64 = (s: string) => Buffer.from(s).toString('base64');
const ticketId = '0190a5e8-0000-7000-8000-000000000001';

let agent: Connection;
let other: Connection;
let lead: Connection;
let dept: Connection;
let admin: Connection;
let agentId = '';
/** The calls on each user's line now, as the phone service would report them. */
const lines = new Map<string, Set<string>>();

async function boot(dataDir?: string) {
  t = await createTestApp({ now: () => clock, recordingRetention: false, ...(dataDir ? { dataDir } : {}) });
  vi.spyOn(t.app.phone, 'hasCall').mockImplementation((s: SessionInfo, callId: string) =>
    (lines.get(s.user.id)?.has(callId) ? ({ callId } as never) : undefined));
}

beforeEach(async () => {
  clock = new Date('2026-03-02T01:00:00Z');
  lines.clear();
  await boot();
  await t.app.store.db.insertInto('departments').values({ id: 'dep-a', code: 'JC-ZJ', name: '市住建局', kind: 'bureau', district_code: null }).execute();
  const mk = (username: string, roles: SessionInfo['user']['roles'], departmentId: string | null = null) =>
    t.app.users.create({ username, displayName: username, password: 'Right-pass1', roles, departmentId }, null, { skipStrength: true });
  agentId = await mk('agent01', ['agent']);
  await mk('agent02', ['agent']);
  await mk('lead01', ['shift_lead']);
  await mk('dept01', ['department'], 'dep-a');
  await mk('root', ['admin']);
  [agent, other, lead, dept, admin] = await Promise.all(['agent01', 'agent02', 'lead01', 'dept01', 'root'].map(signIn)) as [Connection, Connection, Connection, Connection, Connection];
  lines.set(agentId, new Set(['call-1', 'call-2']));
});
afterEach(async () => { await t.dispose(); });

async function recordCall(callId: string, chunks: string[], finish = true) {
  const { recordingId } = await ok<{ recordingId: string }>(agent, 'recording.start', { callId, mime: 'audio/webm;codecs=opus' });
  for (const [i, c] of chunks.entries()) await ok(agent, 'recording.chunk', { callId, seq: i, data: b64(c), durationMs: (i + 1) * 1000 });
  if (finish) await ok(agent, 'recording.finish', { callId, durationMs: chunks.length * 1000 });
  return recordingId;
}
const otherId = async () => (await t.app.store.db.selectFrom('users').select('id').where('username', '=', 'agent02').executeTakeFirstOrThrow()).id;
const fileOf = async (id: string) => {
  const r = await t.app.store.db.selectFrom('recordings').select('path').where('id', '=', id).executeTakeFirstOrThrow();
  return join(t.app.recordings.dir, r.path);
};

describe('writing a recording', () => {
  it('appends the chunks in order to one file; a retried chunk is written once; a gap is refused', async () => {
    await setPendingCallLink(t.app.store.db, 'call-1', ticketId);
    const id = await recordCall('call-1', ['AAAA', 'BBBB'], false);
    // The renderer retried chunk 1 after a lost answer: acknowledged, not written again.
    expect(errorOf(await call(agent, 'recording.chunk', { callId: 'call-1', seq: 1, data: b64('BBBB'), durationMs: 2000 }))).toBe('ok');
    expect(errorOf(await call(agent, 'recording.chunk', { callId: 'call-1', seq: 5, data: b64('CCCC'), durationMs: 3000 }))).toBe('conflict');
    await ok(agent, 'recording.finish', { callId: 'call-1', durationMs: 2400 });
    expect(readFileSync(await fileOf(id), 'utf8')).toBe('AAAABBBB');
    const [rec] = await ok<RecordingView[]>(agent, 'recording.ofTicket', { ticketId });
    expect(rec).toMatchObject({ id, callId: 'call-1', ticketId, agentName: 'agent01', durationMs: 2400, bytes: 8, state: 'complete' });
    // A finished recording takes no more audio.
    expect(errorOf(await call(agent, 'recording.chunk', { callId: 'call-1', seq: 2, data: b64('DDDD'), durationMs: 3000 }))).toBe('conflict');
  });

  it('a reload of the recording window mid-call: the part so far is kept, closed, and the call goes on in its next part', async () => {
    await setPendingCallLink(t.app.store.db, 'call-1', ticketId);
    const first = await recordCall('call-1', ['AAAA', 'BBBB'], false);
    // The reloaded window's recorder starts over on the same call.
    const { recordingId: second } = await ok<{ recordingId: string }>(agent, 'recording.start', { callId: 'call-1', mime: 'audio/webm;codecs=opus' });
    expect(second).not.toBe(first);
    // The old window's last chunk, late: refused, not written into the new part.
    expect(errorOf(await call(agent, 'recording.chunk', { callId: 'call-1', recordingId: first, seq: 0, data: b64('OLD!'), durationMs: 3000 }))).toBe('conflict');
    await ok(agent, 'recording.chunk', { callId: 'call-1', recordingId: second, seq: 0, data: b64('CCCC'), durationMs: 1000 });
    await ok(agent, 'recording.finish', { callId: 'call-1', recordingId: second, durationMs: 1500 });
    expect(readFileSync(await fileOf(first), 'utf8')).toBe('AAAABBBB');
    expect(readFileSync(await fileOf(second), 'utf8')).toBe('CCCC');
    const list = await ok<RecordingView[]>(lead, 'recording.ofTicket', { ticketId });
    expect(list.map((r) => [r.id, r.part, r.state, r.bytes])).toEqual([[first, 0, 'interrupted', 8], [second, 1, 'complete', 4]]);
    // A window that finished its part on its way out: the next window's recorder goes on in a third part.
    const { recordingId: third } = await ok<{ recordingId: string }>(agent, 'recording.start', { callId: 'call-1', mime: 'audio/webm;codecs=opus' });
    const rows = await t.app.store.db.selectFrom('recordings').select(['id', 'part', 'state']).where('call_id', '=', 'call-1').orderBy('part').execute();
    expect(rows.map((r) => [r.id, Number(r.part), r.state])).toEqual([[first, 0, 'interrupted'], [second, 1, 'complete'], [third, 2, 'recording']]);
    // Another agent never adds to my call's recording; once the call has left my line, nothing starts it again.
    lines.set(await otherId(), new Set(['call-1']));
    expect(errorOf(await call(other, 'recording.start', { callId: 'call-1', mime: 'audio/webm;codecs=opus' }))).toBe('conflict');
    lines.get(agentId)!.delete('call-1');
    expect(errorOf(await call(agent, 'recording.start', { callId: 'call-1', mime: 'audio/webm;codecs=opus' }))).toBe('not_found');
  });

  it('records only a call on my own line, and nobody else writes to it', async () => {
    expect(errorOf(await call(agent, 'recording.start', { callId: 'call-9', mime: 'audio/webm;codecs=opus' }))).toBe('not_found');
    expect(errorOf(await call(other, 'recording.start', { callId: 'call-1', mime: 'audio/webm;codecs=opus' }))).toBe('not_found');
    await ok(agent, 'recording.start', { callId: 'call-1', mime: 'audio/webm;codecs=opus' });
    expect(errorOf(await call(other, 'recording.chunk', { callId: 'call-1', seq: 0, data: b64('XXXX'), durationMs: 1 }))).toBe('not_found');
    expect(errorOf(await call(dept, 'recording.chunk', { callId: 'call-1', seq: 0, data: b64('XXXX'), durationMs: 1 }))).toBe('forbidden');
  });

  it('refuses an oversized chunk, a non-audio type and a flood of chunks', async () => {
    await ok(agent, 'recording.start', { callId: 'call-1', mime: 'audio/webm;codecs=opus' });
    const big = Buffer.alloc(300 * 1024, 1).toString('base64');
    expect(errorOf(await call(agent, 'recording.chunk', { callId: 'call-1', seq: 0, data: big, durationMs: 1 }))).toBe('invalid_input');
    expect(errorOf(await call(agent, 'recording.start', { callId: 'call-2', mime: 'text/html' as never }))).toBe('invalid_input');
    const results = [];
    // The clock stands still: twenty chunks in the window, then the next is refused, retried or not.
    for (let i = 0; i < 25; i++) results.push(errorOf(await call(agent, 'recording.chunk', { callId: 'call-1', seq: Math.min(i, 20), data: b64('AAAA'), durationMs: i })));
    expect(results.filter((r) => r === 'ok')).toHaveLength(20);
    expect(results.slice(20)).toEqual(Array(5).fill('too_many_attempts'));
    // Said as the recording's limit, not the sign-in limit the bare code stands for.
    expect(await call(agent, 'recording.chunk', { callId: 'call-1', seq: 20, data: b64('AAAA'), durationMs: 20 })).toMatchObject({ ok: false, error: { details: { reason: 'recording_rate_limited' } } });
    clock = new Date(clock.getTime() + 11_000);
    expect(errorOf(await call(agent, 'recording.chunk', { callId: 'call-1', seq: 20, data: b64('AAAA'), durationMs: 21 }))).toBe('ok');
  });
});

describe('listening', () => {
  it('the agent of the call and a shift lead may listen; another agent and a department user may not; each listen is audited', async () => {
    await setPendingCallLink(t.app.store.db, 'call-1', ticketId);
    const id = await recordCall('call-1', ['hello', 'world']);
    for (const c of [other, dept]) {
      expect(await ok(c, 'recording.ofTicket', { ticketId })).toEqual([]);
      expect(errorOf(await call(c, 'recording.open', { recordingId: id }))).toBe('forbidden');
      expect(errorOf(await call(c, 'recording.read', { recordingId: id, offset: 0, length: 100 }))).toBe('forbidden');
    }
    // Reading without opening (which leaves the audit line) is refused even to the agent.
    expect(errorOf(await call(agent, 'recording.read', { recordingId: id, offset: 0, length: 100 }))).toBe('forbidden');
    expect(await audits('recording.listen')).toEqual([]);
    for (const c of [agent, lead]) {
      await ok(c, 'recording.open', { recordingId: id });
      const part = await ok<{ data: string; eof: boolean }>(c, 'recording.read', { recordingId: id, offset: 5, length: 100 });
      expect(part).toEqual({ data: b64('world'), eof: true });
    }
    const listens = await audits('recording.listen');
    expect(listens).toHaveLength(2);
    expect(listens.every((a) => a.subject_id === id)).toBe(true);
  });
});

describe('listening through another server of the center', () => {
  it('a recording opened before a restart (or on another server) reads on, for four hours, for the one who opened it only', async () => {
    const id = await recordCall('call-1', ['hello', 'world']);
    await ok(agent, 'recording.open', { recordingId: id });
    // A second server on the same store: none of this one's memory, only the store.
    const dir = t.dir;
    await t.app.close();
    await boot(dir);
    [agent, lead] = await Promise.all([signIn('agent01'), signIn('lead01')]) as [Connection, Connection];
    expect(await ok(agent, 'recording.read', { recordingId: id, offset: 0, length: 5 })).toEqual({ data: b64('hello'), eof: false });
    // The shift lead may listen, but has not opened it: no audit line of theirs, no bytes.
    expect(errorOf(await call(lead, 'recording.read', { recordingId: id, offset: 0, length: 5 }))).toBe('forbidden');
    // Four hours after the open, it must be opened (and audited) again.
    clock = new Date(clock.getTime() + 4 * 3_600_000 + 1000);
    expect(errorOf(await call(agent, 'recording.read', { recordingId: id, offset: 0, length: 5 }))).toBe('forbidden');
    await ok(agent, 'recording.open', { recordingId: id });
    expect(await ok(agent, 'recording.read', { recordingId: id, offset: 5, length: 5 })).toEqual({ data: b64('world'), eof: true });
    expect(await audits('recording.listen')).toHaveLength(2);
  });
});

describe('retention', () => {
  async function waitJob(c: Connection, id: string): Promise<JobView> {
    for (;;) {
      const v = await ok<JobView>(c, 'jobs.get', { id });
      if (v.state !== 'running') return v;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('deletes only recordings older than the policy, file and row, each with an audit line', async () => {
    expect(await ok(admin, 'recording.policy', {})).toEqual({ retentionDays: 180, noticeEnabled: false });
    expect(errorOf(await call(lead, 'recording.setPolicy', { retentionDays: 30, noticeEnabled: true }))).toBe('forbidden');
    expect(errorOf(await call(admin, 'recording.setPolicy', { retentionDays: 0, noticeEnabled: true }))).toBe('invalid_input');
    await ok(admin, 'recording.setPolicy', { retentionDays: 30, noticeEnabled: true });

    lines.set(agentId, new Set(['old-1', 'old-2', 'old-open', 'new-1']));
    clock = new Date('2026-01-01T01:00:00Z');
    const old1 = await recordCall('old-1', ['a']);
    const old2 = await recordCall('old-2', ['b']);
    const oldOpen = await recordCall('old-open', ['c'], false);
    clock = new Date('2026-02-20T01:00:00Z');
    const new1 = await recordCall('new-1', ['d']);
    clock = new Date('2026-03-02T01:00:00Z');
    const files = await Promise.all([old1, old2, oldOpen, new1].map(fileOf));

    const job = await ok<JobView>(admin, 'recording.purgeExpired', {});
    const done = await waitJob(admin, job.id);
    expect(done).toMatchObject({ state: 'done', result: { deleted: 2, bytes: 2 } });
    expect(files.map((f) => existsSync(f))).toEqual([false, false, true, true]);
    const left = await t.app.store.db.selectFrom('recordings').select('id').orderBy('id').execute();
    expect(left.map((r) => r.id)).toEqual([oldOpen, new1].sort());
    expect((await audits('recording.delete')).map((a) => a.subject_id).sort()).toEqual([old1, old2].sort());
    expect(errorOf(await call(lead, 'recording.purgeExpired', {}))).toBe('forbidden');
  });
});

describe('a stop mid-call', () => {
  it('leaves the recording interrupted and readable up to its last chunk', async () => {
    const id = await recordCall('call-1', ['first', 'second'], false);
    const dir = t.dir;
    await t.app.close();
    await boot(dir);
    agent = await signIn('agent01');
    const rec = await t.app.store.db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ state: 'interrupted', bytes: 11 });
    await ok(agent, 'recording.open', { recordingId: id });
    expect(await ok(agent, 'recording.read', { recordingId: id, offset: 0, length: 1000 })).toEqual({ data: b64('firstsecond'), eof: true });
    expect(errorOf(await call(agent, 'recording.chunk', { callId: 'call-1', seq: 2, data: b64('more'), durationMs: 3000 }))).toBe('conflict');
  });
});

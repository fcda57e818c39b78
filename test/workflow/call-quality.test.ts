import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallStatsView, PoorAudioCallRow, Result } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { callQualityOf, callRecordRow, insertCallRecord } from '../../electron/store/repos/calls';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { uuidv7 } from '../../electron/util/ids';

// A call's audio quality is kept on its record (migration 0027) on the store the console runs on,
// and today's poor calls are the wallboard's 音质差 figure and its list, on SQLite and PostgreSQL alike.
let t: TestApp;
const lead: Connection = { id: 'lead', session: null, send: () => {} };
const call = async <T>(c: Connection, name: string, input: unknown) => (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 5 });
  t.app.dispatcher.attach(lead);
  await call(lead, 'session.login', { username: 'lead01', password: 'Demo-12345' });
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('call audio quality', () => {
  it('stores each call\'s quality and counts and lists today\'s poor calls for the wallboard', async () => {
    const db = t.app.store.db;
    const user = await db.selectFrom('users').select(['id', 'display_name']).where('username', '=', 'agent01').executeTakeFirstOrThrow();
    const before = await call<CallStatsView>(lead, 'wallboard.calls', {});
    if (!before.ok) throw new Error(JSON.stringify(before));
    const now = Date.now();
    const record = (quality: Parameters<typeof callRecordRow>[0]['quality']) => {
      const callId = uuidv7();
      return insertCallRecord(db, callRecordRow({
        callId, userId: user.id, direction: 'inbound', remoteNumber: '13900001111', invitedAt: new Date(now - 120_000).toISOString(),
        answeredAt: new Date(now - 110_000).toISOString(), endedAt: new Date(now - 10_000).toISOString(), ringMs: 10_000, talkMs: 100_000, holdMs: 0,
        endReason: 'local-hangup', sipCode: null, transferTarget: null, wrapUpCode: null, ...(quality === undefined ? {} : { quality }),
      })).then(() => callId);
    };
    const good = await record({ jitterMs: 4, jitterP95Ms: 8, lossPermille: 2, rttMs: 30, rttP95Ms: 45, warnings: 0 });
    const silent = await record({ jitterMs: 5, jitterP95Ms: 9, lossPermille: 0, rttMs: 25, rttP95Ms: 30, warnings: 1 });
    const lossy = await record({ jitterMs: 40, jitterP95Ms: 120, lossPermille: 87, rttMs: 210, rttP95Ms: 380, warnings: 0 });
    const unmeasured = await record(undefined);

    expect(await callQualityOf(db, lossy)).toEqual({ jitterMs: 40, jitterP95Ms: 120, lossPermille: 87, rttMs: 210, rttP95Ms: 380, warnings: 0 });
    expect(await callQualityOf(db, good)).toMatchObject({ lossPermille: 2 });
    expect(await callQualityOf(db, unmeasured)).toBeNull();

    const after = await call<CallStatsView>(lead, 'wallboard.calls', {});
    if (!after.ok) throw new Error(JSON.stringify(after));
    expect(after.value.poorAudio - before.value.poorAudio).toBe(2);
    const list = await call<PoorAudioCallRow[]>(lead, 'wallboard.poorAudioCalls', {});
    if (!list.ok) throw new Error(JSON.stringify(list));
    const ours = list.value.filter((r) => [good, silent, lossy, unmeasured].includes(r.callId));
    expect(ours.map((r) => r.callId).sort()).toEqual([silent, lossy].sort());
    const row = ours.find((r) => r.callId === lossy)!;
    expect(row).toMatchObject({ agentName: user.display_name, lossPermille: 87, jitterP95Ms: 120, rttMs: 210, warnings: 0 });
    // The lead sees who had poor audio, not whom they talked to.
    expect(row.remote).not.toBe('13900001111');
  });
});

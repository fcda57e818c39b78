import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from '../../shared/contract';
import { silentLogger } from '../log';
import { createTestApp, type TestApp } from '../../test/support/app';
import type { Connection } from '../rpc/dispatcher';
import { DeskStore } from '../store/desk-store';
import type { DeskRecordingSource, LocalRecording } from '../services/recordings';
import { RecordingUploader } from './recording-upload';

/**
 * A desk's backlog of recordings meets the center's upload limit (on either store): the desk's
 * uploader, sending its ranges back to back over a program's connection, is told to wait, waits as
 * long as the center says and goes on from where it was, until every recording is at the center,
 * byte for byte; nothing is given up. The center here takes 512 KB at once, then 256 KB a second.
 */

let center: TestApp;
let deskDir: string;
let store: DeskStore;
let uploader: RecordingUploader;
const program: Connection = { id: 'desk-main', session: null, send: () => {}, program: true };
/** Every answer the center gave the desk. */
const answers: Result<unknown>[] = [];
const recordings = new Map<string, { rec: LocalRecording; data: Buffer }>();

beforeAll(async () => {
  center = await createTestApp({
    recordingRetention: false,
    recordingUploadLimit: { bytesPerSecond: 256 * 1024, burstBytes: 512 * 1024, rangesPerSecond: 50, burstRanges: 50 },
  });
  await center.app.users.create({ username: 'agent01', displayName: '话务员', password: 'Right-pass1', roles: ['agent'] }, null, { skipStrength: true });
  center.app.dispatcher.attach(program);
  const login = await center.app.dispatcher.dispatch(program, 'session.login', { username: 'agent01', password: 'Right-pass1' });
  if (!login.ok) throw new Error(JSON.stringify(login.error));
  deskDir = mkdtempSync(join(tmpdir(), 'hotline-desk-'));
  store = DeskStore.open(deskDir);
  const userId = program.session!.user.id;
  const startedAt = new Date(Date.now() - 3_600_000).toISOString();
  for (let i = 0; i < 3; i++) {
    const id = randomUUID();
    const data = randomBytes(300_000);
    recordings.set(id, { data, rec: { id, callId: randomUUID(), part: 0, userId, startedAt, durationMs: 75_000, bytes: data.length, mime: 'audio/webm;codecs=opus', state: 'complete' } });
  }
  // This desk's closed recordings, as its RecordingService would list and read them.
  const source: DeskRecordingSource = {
    closedRecordings: async (_since, after) => (after ? [] : [...recordings.values()].map((r) => r.rec)),
    readRecording: async (id, offset, length) => recordings.get(id)!.data.subarray(offset, offset + length),
    onClosed: () => {},
  };
  const channel = {
    send: async (name: string, input: unknown) => {
      const r = await center.app.dispatcher.dispatch(program, name, input);
      answers.push(r);
      return r;
    },
  };
  uploader = new RecordingUploader({ store, source, channelOf: () => channel, log: silentLogger });
}, 60_000);

afterAll(async () => {
  uploader?.close();
  store?.close();
  if (deskDir) rmSync(deskDir, { recursive: true, force: true });
  await center?.dispose();
});

describe('a desk\'s backlog against the center\'s upload limit', () => {
  it('is told to wait, waits and goes on: every recording reaches the center whole, none given up', async () => {
    await uploader.kick();
    const limited = answers.filter((r) => !r.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r) => !r.ok && r.error.code === 'too_many_attempts' && r.error.details?.reason === 'upload_rate_limited')).toBe(true);
    for (const { rec, data } of recordings.values()) {
      expect(store.uploadState(rec.id)).toBe('uploaded');
      const row = await center.app.store.db.selectFrom('recordings').selectAll().where('id', '=', rec.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ call_id: rec.callId, bytes: 300_000, state: 'complete' });
      expect(readFileSync(join(center.app.recordings.dir, row.path)).equals(data)).toBe(true);
    }
  }, 60_000);
});

import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail, RECORDING_CHUNK_MAX_BYTES, RECORDING_MAX_BYTES, type RecordingPolicy, type RequestInput, type RecordingPurgeResult, type RecordingState, type RecordingView, type SessionInfo } from '../../shared/contract';
import type { Logger } from '../log';
import { lastAuditAt } from '../store/repos/audit';
import { callRecordOwner } from '../store/repos/calls';
import { inTransaction, type Db } from '../store/repos/db';
import { readMeta, writeMeta } from '../store/repos/meta';
import {
  closeRecording, countExpiredRecordings, deleteRecording, expiredRecordings, insertRecording, openRecordings, recordChunk,
  closedRecordingsSince, linkedTicketOfCall, recordingById, recordingOfCall, recordingOfCallPart, recordingsOfTicket, recordingWithAgent, type RecordingRow,
} from '../store/repos/recordings';
import { uuidv7 } from '../util/ids';
import { writeAudit } from './audit';
import { pendingCallLink } from './call-links';

export const DEFAULT_RETENTION_DAYS = 180;
export type RecordingUpload = RequestInput<'recording.upload'>;

/** A closed recording of this desk's calls, as its own store has it. */
export interface LocalRecording {
  id: string;
  callId: string;
  /** 0, or the part that followed a reload of the recording window mid-call. */
  part: number;
  userId: string;
  startedAt: string;
  durationMs: number;
  bytes: number;
  mime: RequestInput<'recording.upload'>['mime'];
  state: 'complete' | 'interrupted';
}

/** The desk's own recordings (its RecordingService): what is closed, and the bytes of one. */
export interface DeskRecordingSource {
  /** Closed recordings started at or after `since`, after the cursor, oldest first. */
  closedRecordings(since: string, after: { startedAt: string; id: string } | null, limit: number): Promise<LocalRecording[]>;
  readRecording(id: string, offset: number, length: number): Promise<Buffer>;
  /** Called when one of this desk's recordings closes (the call ended and the recorder stopped). */
  onClosed(listener: () => void): void;
}

/** Chunks accepted per call in any RATE_WINDOW_MS (the recorder sends one every 1–2 s). */
const RATE_MAX_CHUNKS = 20;
const RATE_WINDOW_MS = 10_000;

/**
 * How fast one user's recording.upload ranges are taken: a token bucket of bytes and one of ranges
 * (a probe without audio counts as a range). A desk sends its 192 KB ranges back to back.
 */
export interface UploadLimit { bytesPerSecond: number; burstBytes: number; rangesPerSecond: number; burstRanges: number }
/**
 * A recording is about 240 KB a minute: after an outage a desk's backlog of dozens of calls goes at
 * full speed up to 8 MB, then at 1 MB a second (over 4 hours of audio a minute); a program that
 * sends faster is told to wait, and never writes more than that to the center's disk.
 */
export const DEFAULT_UPLOAD_LIMIT: UploadLimit = { bytesPerSecond: 1024 * 1024, burstBytes: 8 * 1024 * 1024, rangesPerSecond: 8, burstRanges: 64 };
/** How long an opened recording may be read without opening (and auditing) it again. */
const OPEN_TTL_MS = 4 * 3_600_000;
const PURGE_BATCH = 100;
/** A desk's unfinished upload (`<id>.<user id>.part`) not added to for this long is removed by the retention run. */
const STALE_PART_MS = 86_400_000;
/** Beside a part (`<part>.total`): the totalBytes its first range announced. */
const TOTAL_SUFFIX = '.total';

/** The total pinned for a part, or null when none is kept (or what is kept is unreadable). */
async function readPinnedTotal(file: string): Promise<number | null> {
  const n = Number(await readFile(file, 'utf8').catch(() => ''));
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** What the retention job's body is given (electron/jobs JobContext, or nothing for the timer). */
export interface PurgeContext {
  progress(phase: string, done: number, total: number): void;
  checkpoint(): Promise<void>;
}

export interface RecordingServiceOptions {
  db: Db;
  /** The data folder; recordings go to its `recordings` directory. */
  dataDir: string;
  /** The recordings folder. @default <dataDir>/recordings */
  dir?: string;
  now: () => Date;
  log: Logger;
  /** The caller's current call with this id (the phone service's view), if any. */
  currentCall(session: SessionInfo, callId: string): { ticketId?: string | null } | undefined;
  /** How fast a desk's uploads are taken, per user. @default DEFAULT_UPLOAD_LIMIT */
  uploadLimit?: UploadLimit;
}

/** Who may listen to a recording: shift leads and admins (quality checks), and the agent who took the call. */
export function mayListen(session: SessionInfo, row: Pick<RecordingRow, 'user_id'>): boolean {
  const roles = session.user.roles;
  return roles.includes('shift_lead') || roles.includes('admin') || row.user_id === session.user.id;
}

/** A recording's file in the recordings folder: by month, then id, with its container's extension. */
const recordingFileName = (startedAt: string, id: string, mime: string) =>
  `${startedAt.slice(0, 7)}-${id}.${mime.startsWith('audio/ogg') ? 'ogg' : 'webm'}`;

const view = (r: RecordingRow & { display_name?: string }, agentName = r.display_name ?? ''): RecordingView => ({
  id: r.id, callId: r.call_id, ticketId: r.ticket_id, agentName, startedAt: r.started_at, durationMs: Number(r.duration_ms),
  bytes: Number(r.bytes), mime: r.mime, state: r.state as RecordingState, part: Number(r.part),
});

/**
 * Call recordings on this console's data folder: chunks appended to one file per call as they
 * arrive (synced, so a crash loses at most the chunk in flight), the row kept in step; playback
 * read back by range after a per-record permission check, each listen audited; retention by policy.
 */
export class RecordingService implements DeskRecordingSource {
  readonly dir: string;
  /** Per recording: the chunks in flight one after another, and when recent chunks came (rate limit). */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly recent = new Map<string, number[]>();
  /** Per user: what is left of their upload buckets, as of `at`. */
  private readonly uploadBuckets = new Map<string, { bytes: number; ranges: number; at: number }>();
  /**
   * `${userId}:${recordingId}` → when it was opened (audited), as this server saw it. The audit line
   * is the record: a recording opened through another server of the center (or before a restart)
   * is found there.
   */
  private readonly opened = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly closedListeners: (() => void)[] = [];

  constructor(private readonly o: RecordingServiceOptions) {
    this.dir = o.dir ?? join(o.dataDir, 'recordings');
    mkdirSync(this.dir, { recursive: true });
  }

  private file(row: Pick<RecordingRow, 'path'>) {
    return join(this.dir, row.path);
  }

  /**
   * Recordings a crash left open whose file is here are marked interrupted, with the bytes the file
   * holds (the chunk in flight may have reached the file and not the row). Another server's live
   * recording (its file is in its own data folder) is left alone.
   */
  async recoverInterrupted(): Promise<number> {
    let n = 0;
    for (const r of await openRecordings(this.o.db)) {
      const size = await stat(this.file(r)).then((s) => s.size, () => null);
      if (size === null) continue;
      await closeRecording(this.o.db, r.id, { state: 'interrupted', endedAt: this.o.now().toISOString(), bytes: size });
      n++;
    }
    if (n > 0) this.o.log.warn('recordings cut short by a stop were marked interrupted', { count: n });
    return n;
  }

  async start(s: SessionInfo, callId: string, mime: string): Promise<{ recordingId: string }> {
    const call = this.o.currentCall(s, callId);
    if (!call) fail('not_found');
    return this.serial(callId, async () => {
      const have = await recordingOfCall(this.o.db, callId);
      if (have && have.user_id !== s.user.id) fail('conflict');
      // The renderer retried its start: the same recording, still open, of the same agent.
      if (have && have.state === 'recording' && have.chunks === 0) return { recordingId: have.id };
      const now = this.o.now();
      if (have) {
        // The call is still on my line but the window that recorded it went away (a reload, a
        // crashed renderer) and the new one starts over. What was sent stays: closed as cut short
        // if the old window could not finish it, as it was if it did (on its way out). The call
        // goes on in its next part.
        if (have.state === 'recording') await this.closeOpen(have, 'interrupted');
        this.o.log.info('recording continues in a new part after its window went away', { callId, part: Number(have.part) + 1 });
      }
      const id = uuidv7(now.getTime());
      const path = recordingFileName(now.toISOString(), id, mime);
      await (await open(join(this.dir, path), 'wx')).close();
      await insertRecording(this.o.db, {
        id, call_id: callId, part: have ? Number(have.part) + 1 : 0, ticket_id: call.ticketId ?? null, user_id: s.user.id, started_at: now.toISOString(), ended_at: null,
        duration_ms: 0, bytes: 0, chunks: 0, mime, path, state: 'recording',
      });
      return { recordingId: id };
    });
  }

  private async ownOpen(s: SessionInfo, callId: string, recordingId?: string): Promise<RecordingRow> {
    const r = await recordingOfCall(this.o.db, callId);
    // Only the agent whose call it is writes to it, and only while it is open.
    if (!r || r.user_id !== s.user.id) fail('not_found');
    // A part a reload closed takes no more (its window's last chunk may still be on its way).
    if (r.state !== 'recording' || (recordingId !== undefined && r.id !== recordingId)) fail('conflict');
    return r;
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(key) ?? Promise.resolve()).then(fn, fn);
    const settled = next.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => { if (this.queues.get(key) === settled) this.queues.delete(key); });
    return next;
  }

  private limit(id: string) {
    const at = this.o.now().getTime();
    const times = (this.recent.get(id) ?? []).filter((t) => at - t < RATE_WINDOW_MS);
    if (times.length >= RATE_MAX_CHUNKS) fail('too_many_attempts', { details: { reason: 'recording_rate_limited' } });
    times.push(at);
    this.recent.set(id, times);
  }

  /**
   * Takes one range of `bytes` from the user's upload buckets, or refuses it with how many seconds
   * until it would be taken (too_many_attempts, reason upload_rate_limited): the desk waits and sends it again.
   */
  private limitUpload(userId: string, bytes: number): void {
    const l = this.o.uploadLimit ?? DEFAULT_UPLOAD_LIMIT;
    const at = this.o.now().getTime();
    const b = this.uploadBuckets.get(userId) ?? { bytes: l.burstBytes, ranges: l.burstRanges, at };
    const seconds = Math.max(0, at - b.at) / 1000;
    b.bytes = Math.min(l.burstBytes, b.bytes + seconds * l.bytesPerSecond);
    b.ranges = Math.min(l.burstRanges, b.ranges + seconds * l.rangesPerSecond);
    b.at = at;
    this.uploadBuckets.set(userId, b);
    if (b.bytes < bytes || b.ranges < 1) {
      const wait = Math.max((bytes - b.bytes) / l.bytesPerSecond, (1 - b.ranges) / l.rangesPerSecond);
      fail('too_many_attempts', { details: { reason: 'upload_rate_limited', seconds: Math.max(1, Math.ceil(wait)) } });
    }
    b.bytes -= bytes;
    b.ranges -= 1;
  }

  /** Appends chunk `seq`; a chunk already written (a retry) is acknowledged and not written again. */
  async append(s: SessionInfo, callId: string, seq: number, base64: string, durationMs: number, recordingId?: string): Promise<{ bytes: number }> {
    const data = Buffer.from(base64, 'base64');
    if (data.length === 0 || data.length > RECORDING_CHUNK_MAX_BYTES) fail('invalid_input', { issues: [{ path: 'data', problem: 'chunk_too_large' }] });
    return this.serial(callId, async () => {
      const r = await this.ownOpen(s, callId, recordingId);
      if (seq < r.chunks) return { bytes: Number(r.bytes) };
      if (seq > r.chunks) fail('conflict', { issues: [{ path: 'seq', problem: `expected ${r.chunks}` }] });
      if (Number(r.bytes) + data.length > RECORDING_MAX_BYTES) fail('invalid_input', { issues: [{ path: 'data', problem: 'recording_too_long' }] });
      this.limit(r.id);
      const fh = await open(this.file(r), 'a');
      try {
        await fh.write(data);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      await recordChunk(this.o.db, r.id, seq, data.length, durationMs);
      return { bytes: Number(r.bytes) + data.length };
    });
  }

  /** Closes an open recording (finished, or cut short by its window going away), linked to the call's ticket if one is known. */
  private async closeOpen(r: RecordingRow, state: 'complete' | 'interrupted', durationMs?: number): Promise<void> {
    const ticketId = r.ticket_id ?? await pendingCallLink(this.o.db, r.call_id);
    await closeRecording(this.o.db, r.id, { state, endedAt: this.o.now().toISOString(), ticketId, ...(durationMs !== undefined ? { durationMs } : {}) });
    this.recent.delete(r.id);
    this.closedOne();
  }

  /** The recorder stopped with the call: the recording is complete, linked to the call's ticket if one is known. */
  async finish(s: SessionInfo, callId: string, durationMs: number, recordingId?: string): Promise<null> {
    return this.serial(callId, async () => {
      await this.closeOpen(await this.ownOpen(s, callId, recordingId), 'complete', durationMs);
      return null;
    });
  }

  /**
   * A desk's finished recording arriving at the center (recording.upload), a range at a time, into
   * `<id>.<user id>.part`; its row is made only with the last range (then it is listenable, from the call's
   * ticket and the call log). A range that does not start where the file ends is refused with how
   * much is here (`received`), so an upload cut off resumes there; the whole upload sent again after
   * it completed is answered as complete; a range announcing another total than the first is
   * refused. Only the agent whose recording it is sends it, at most as fast as the upload limit.
   */
  async receiveUpload(s: SessionInfo, u: RecordingUpload): Promise<{ received: number; complete: boolean }> {
    const data = Buffer.from(u.data, 'base64');
    if (data.length > RECORDING_CHUNK_MAX_BYTES) fail('invalid_input', { issues: [{ path: 'data', problem: 'chunk_too_large' }] });
    // Before anything is read or written: a range over the limit costs the center nothing more.
    this.limitUpload(s.user.id, data.length);
    return this.serial(`upload:${u.recordingId}`, async () => {
      const have = await recordingById(this.o.db, u.recordingId);
      if (have) {
        if (have.user_id !== s.user.id || have.call_id !== u.callId) fail('not_found');
        return { received: Number(have.bytes), complete: true };
      }
      // Another recording as this part of the call (the same part twice) is refused.
      if (await recordingOfCallPart(this.o.db, u.callId, u.part ?? 0)) fail('conflict', { details: { reason: 'call_recorded' } });
      const owner = await callRecordOwner(this.o.db, u.callId);
      // A call the center knows is someone else's: not this agent's to attach a recording to.
      if (owner !== null && owner !== s.user.id) fail('not_found');
      // Whose upload it is is in the name: another agent sending the same recording id writes a
      // part of their own (and is refused at the end: the row is made for the first to finish).
      const part = join(this.dir, `${u.recordingId}.${s.user.id}.part`);
      // The total the first range announced, kept beside the part: every later range is held to it.
      const pin = `${part}${TOTAL_SUFFIX}`;
      const size = await stat(part).then((st) => st.size, () => 0);
      const pinned = size > 0 ? await readPinnedTotal(pin) : null;
      if (pinned !== null && u.totalBytes !== pinned) fail('conflict', { details: { reason: 'upload_total_changed', totalBytes: pinned, received: size } });
      if (u.offset !== size) fail('conflict', { details: { reason: 'upload_offset', received: size } });
      const received = size + data.length;
      // Ranges that do not add up to the total the desk announced: nothing of this upload is kept
      // (checked before writing, so a refused last range never lands in the file either).
      const wrong = received > u.totalBytes ? { path: 'data', problem: 'beyond_total' } : u.final && received !== u.totalBytes ? { path: 'totalBytes', problem: `received ${received}` } : null;
      if (wrong) {
        await Promise.all([part, pin].map((f) => unlink(f).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; })));
        fail('invalid_input', { issues: [wrong] });
      }
      // Pinned with the first bytes (a probe writes nothing and pins nothing); a part from before
      // totals were kept, or one whose pin a crash lost, is pinned by the range that goes on with it.
      if (data.length > 0 && pinned === null) await writeFile(pin, String(u.totalBytes));
      if (data.length > 0) {
        const fh = await open(part, 'a');
        try {
          await fh.write(data);
          await fh.datasync();
        } finally {
          await fh.close();
        }
      }
      if (!u.final) return { received, complete: false };
      const path = recordingFileName(u.startedAt, u.recordingId, u.mime);
      await rename(part, join(this.dir, path));
      // The call's ticket as the center knows it: a link made while the call lasted, or the ticket its
      // record (seat.recordCall, which may come before or after this) is linked to.
      const ticketId = await pendingCallLink(this.o.db, u.callId) ?? await linkedTicketOfCall(this.o.db, u.callId);
      const endedAt = new Date(Date.parse(u.startedAt) + u.durationMs).toISOString();
      try {
        await inTransaction(this.o.db, async (trx) => {
          await insertRecording(trx, {
            id: u.recordingId, call_id: u.callId, part: u.part ?? 0, ticket_id: ticketId, user_id: s.user.id, started_at: new Date(u.startedAt).toISOString(), ended_at: endedAt,
            duration_ms: u.durationMs, bytes: received, chunks: 1, mime: u.mime, path, state: u.state,
          });
          await writeAudit(trx, { actorId: s.user.id, action: 'recording.uploaded', subjectType: 'recording', subjectId: u.recordingId, data: { callId: u.callId, bytes: received } }, this.o.now());
        });
      } catch (e) {
        // No row (the store failed): the file goes back to being a part, so the desk's retry finds it whole and only finishes.
        await rename(join(this.dir, path), part).catch(() => undefined);
        throw e;
      }
      await unlink(pin).catch(() => undefined);
      return { received, complete: true };
    });
  }

  // ---- a desk's side of the upload (DeskRecordingSource) ---------------------------------------

  onClosed(listener: () => void): void {
    this.closedListeners.push(listener);
  }

  private closedOne(): void {
    for (const l of this.closedListeners) l();
  }

  async closedRecordings(since: string, after: { startedAt: string; id: string } | null, limit: number): Promise<LocalRecording[]> {
    return (await closedRecordingsSince(this.o.db, since, after, limit)).map((r) => ({
      id: r.id, callId: r.call_id, part: Number(r.part), userId: r.user_id, startedAt: r.started_at, durationMs: Number(r.duration_ms), bytes: Number(r.bytes),
      mime: r.mime as LocalRecording['mime'], state: r.state === 'interrupted' ? 'interrupted' : 'complete',
    }));
  }

  async readRecording(id: string, offset: number, length: number): Promise<Buffer> {
    const r = await recordingById(this.o.db, id);
    if (!r) fail('not_found');
    const fh = await open(this.file(r), 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, offset);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }

  /** A ticket's recordings the reader may listen to (a department user sees none: they may not listen). */
  async ofTicket(s: SessionInfo, ticketId: string): Promise<RecordingView[]> {
    return (await recordingsOfTicket(this.o.db, ticketId)).filter((r) => mayListen(s, r)).map((r) => view(r));
  }

  private async listenable(s: SessionInfo, recordingId: string) {
    const r = await recordingWithAgent(this.o.db, recordingId);
    if (!r) fail('not_found');
    if (!mayListen(s, r)) fail('forbidden');
    return r;
  }

  /** Opens a recording for listening: checked for this reader and this record, and audited. */
  async openForListening(s: SessionInfo, recordingId: string): Promise<RecordingView> {
    const r = await this.listenable(s, recordingId);
    const at = this.o.now();
    await writeAudit(this.o.db, { actorId: s.user.id, action: 'recording.listen', subjectType: 'recording', subjectId: r.id, data: { callId: r.call_id, ticketId: r.ticket_id } }, at);
    this.opened.set(`${s.user.id}:${r.id}`, at.getTime());
    return view(r);
  }

  /** A range of an opened recording's bytes. */
  async read(s: SessionInfo, recordingId: string, offset: number, length: number): Promise<{ data: string; eof: boolean }> {
    const r = await this.listenable(s, recordingId);
    const key = `${s.user.id}:${r.id}`;
    const fresh = (at: number | undefined): at is number => at !== undefined && this.o.now().getTime() - at <= OPEN_TTL_MS;
    let openedAt = this.opened.get(key);
    if (!fresh(openedAt)) {
      const audited = await lastAuditAt(this.o.db, s.user.id, 'recording.listen', 'recording', r.id);
      openedAt = audited === null ? undefined : Date.parse(audited);
      if (fresh(openedAt)) this.opened.set(key, openedAt);
    }
    // Every listen leaves its audit line: reading without opening is refused.
    if (!fresh(openedAt)) fail('forbidden');
    const fh = await open(this.file(r), 'r').catch(() => fail('not_found'));
    try {
      const size = (await fh.stat()).size;
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.alloc(n);
      if (n > 0) await fh.read(buf, 0, n, offset);
      return { data: buf.toString('base64'), eof: offset + n >= size };
    } finally {
      await fh.close();
    }
  }

  async policy(): Promise<RecordingPolicy> {
    const days = Number(await readMeta(this.o.db, 'recording.retentionDays'));
    return {
      retentionDays: Number.isInteger(days) && days > 0 ? days : DEFAULT_RETENTION_DAYS,
      noticeEnabled: (await readMeta(this.o.db, 'recording.noticeEnabled')) === '1',
    };
  }

  async setPolicy(p: RecordingPolicy, actorId: string): Promise<RecordingPolicy> {
    await inTransaction(this.o.db, async (trx) => {
      await writeMeta(trx, 'recording.retentionDays', String(p.retentionDays));
      await writeMeta(trx, 'recording.noticeEnabled', p.noticeEnabled ? '1' : '0');
      await writeAudit(trx, { actorId, action: 'recording.policy', subjectType: 'settings', data: { ...p } }, this.o.now());
    });
    return this.policy();
  }

  /**
   * Deletes recordings older than the policy's days (file, then row with its audit line), a batch at
   * a time. Cancelled, it stops after the recording in hand: what it deleted stays deleted, each
   * with its audit line. Open recordings are never deleted.
   */
  async purgeExpired(ctx: PurgeContext, actorId: string | null): Promise<RecordingPurgeResult> {
    const { retentionDays } = await this.policy();
    const before = new Date(this.o.now().getTime() - retentionDays * 86_400_000).toISOString();
    const total = await countExpiredRecordings(this.o.db, before);
    let deleted = 0;
    let bytes = 0;
    ctx.progress('deleting', 0, total);
    for (;;) {
      const batch = await expiredRecordings(this.o.db, before, PURGE_BATCH);
      if (batch.length === 0) break;
      for (const r of batch) {
        await ctx.checkpoint();
        await unlink(this.file(r)).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
        await inTransaction(this.o.db, async (trx) => {
          await deleteRecording(trx, r.id);
          await writeAudit(trx, { actorId, action: 'recording.delete', subjectType: 'recording', subjectId: r.id,
            data: { callId: r.call_id, ticketId: r.ticket_id, startedAt: r.started_at, retentionDays } }, this.o.now());
        });
        deleted++;
        bytes += Number(r.bytes);
        ctx.progress('deleting', deleted, total);
      }
    }
    if (deleted > 0) this.o.log.info('expired recordings deleted', { deleted, bytes, retentionDays });
    await this.purgeStaleParts(ctx);
    return { deleted, bytes };
  }

  /**
   * Uploads from desks that stopped half way and were not resumed for a day (the desk gave up, or
   * its recording was deleted there): their `.part` files go. A desk that comes back later starts
   * its upload over (the center answers that it holds nothing).
   */
  private async purgeStaleParts(ctx: PurgeContext): Promise<void> {
    const before = this.o.now().getTime() - STALE_PART_MS;
    let removed = 0;
    const gone = (f: string) => unlink(f).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
    for (const name of await readdir(this.dir)) {
      const pinOnly = name.endsWith(`.part${TOTAL_SUFFIX}`);
      if (!name.endsWith('.part') && !pinOnly) continue;
      await ctx.checkpoint();
      const file = join(this.dir, name);
      await this.serial(`upload:${name.split('.')[0]}`, async () => {
        const st = await stat(file).catch(() => null);
        if (!st || st.mtimeMs >= before) return;
        if (pinOnly) {
          // A pinned total left without its part (a stop between the two): the part decides, not the pin.
          if (!(await stat(file.slice(0, -TOTAL_SUFFIX.length)).then(() => true, () => false))) await gone(file);
          return;
        }
        await gone(file);
        await gone(`${file}${TOTAL_SUFFIX}`);
        removed++;
      });
    }
    if (removed > 0) this.o.log.info('unfinished recording uploads removed', { removed });
  }

  /** Runs the retention now and then every `everyMs` (a console runs for weeks). */
  startRetention(everyMs = 6 * 3_600_000): void {
    const run = () => void this.purgeExpired({ progress: () => {}, checkpoint: () => Promise.resolve() }, null)
      .catch((e: unknown) => this.o.log.error('recording retention failed', { error: String(e) }));
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref?.();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.queues.values()]);
  }
}

import type { ContractError, Result } from '../../shared/contract';
import type { Logger } from '../log';
import type { DeskStore } from '../store/desk-store';
import type { DeskRecordingSource, LocalRecording } from '../services/recordings';
import type { CenterChannel } from './forwarder';

/** Errors after which the upload waits for the next chance (the center or the link is back). */
const TRANSIENT = new Set<ContractError['code']>(['center_unreachable', 'disconnected', 'store_unavailable', 'store_timeout', 'store_full', 'internal']);
/** A range per request: well under the center's chunk limit and its message size. */
export const UPLOAD_RANGE_BYTES = 192 * 1024;
/** Recordings older than this are not sent any more (the desk's retention deletes them soon after). */
const UPLOAD_HORIZON_DAYS = 30;
const PAGE = 200;
const RETRY_MS = 10_000;
/** The longest the uploader waits on the center's upload limit before sending again. */
const MAX_LIMIT_WAIT_MS = 60_000;

export interface RecordingUploaderOptions {
  store: DeskStore;
  source: DeskRecordingSource;
  /** An open channel signed in as this user, if the desk has one now. */
  channelOf(userId: string): Pick<CenterChannel, 'send'> | null;
  log: Logger;
  now?: () => Date;
  rangeBytes?: number;
}

type Outcome = 'done' | 'retry' | 'failed' | 'no_channel';

/**
 * Issue 15.1 in center mode: every recording made on this desk goes to the center when its call
 * ends, in ranges over the agent's own channel, so that the lead and the ticket's readers can
 * listen to it there. It resumes where the center stopped after a cut, a restart of either side or
 * a lost reply (the center answers how much it holds), and each is sent until the center has it
 * whole; a recording the center refuses for good is marked and logged, not retried for ever. The
 * desk keeps its copy until its own retention deletes it.
 */
export class RecordingUploader {
  private running: Promise<void> | null = null;
  private again = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Ends a wait on the center's upload limit early (close). */
  private wake: (() => void) | null = null;

  constructor(private readonly o: RecordingUploaderOptions) {
    o.source.onClosed(() => this.kick());
  }

  /** Looks for recordings to send (a call ended, a channel opened, a user signed in). */
  kick(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().catch((e: unknown) => this.o.log.error('desk: recording upload failed', { error: String(e) })).finally(() => {
      this.running = null;
      if (this.again && !this.closed) {
        this.again = false;
        void this.kick();
      }
    });
    return this.running;
  }

  /** Resolves when no upload is running (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    const now = this.o.now?.() ?? new Date();
    const since = new Date(now.getTime() - UPLOAD_HORIZON_DAYS * 86_400_000).toISOString();
    let after: { startedAt: string; id: string } | null = null;
    let waiting = false;
    for (;;) {
      const page = await this.o.source.closedRecordings(since, after, PAGE);
      const settled = this.o.store.uploadsSettled(page.map((r) => r.id));
      for (const rec of page) {
        if (this.closed) return;
        if (settled.has(rec.id)) continue;
        if (await this.uploadOne(rec) === 'retry') waiting = true;
      }
      if (page.length < PAGE) break;
      const last = page.at(-1)!;
      after = { startedAt: last.startedAt, id: last.id };
    }
    if (waiting) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => { this.retryTimer = null; void this.kick(); }, RETRY_MS);
    this.retryTimer.unref?.();
  }

  /** One recording; what goes wrong with it is its own, and the ones after it are still sent. */
  private async uploadOne(rec: LocalRecording): Promise<Outcome> {
    try {
      return await this.upload(rec);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        // Its file is gone from this desk's disk: nothing left to send, ever.
        this.o.store.settleUpload(rec.id, rec.userId, 'missing', null);
        this.o.log.warn('desk: a recording\'s file is missing, not sent to the center', { recordingId: rec.id });
        return 'failed';
      }
      this.o.log.error('desk: sending a recording failed', { recordingId: rec.id, error: String(e) });
      return 'retry';
    }
  }

  private async upload(rec: LocalRecording): Promise<Outcome> {
    if (rec.bytes <= 0) {
      // Nothing was recorded (the recorder never sent a chunk): nothing to send.
      this.o.store.settleUpload(rec.id, rec.userId, 'empty', null);
      return 'done';
    }
    const range = this.o.rangeBytes ?? UPLOAD_RANGE_BYTES;
    let offset = 0;
    // Each answer moves the offset forward or says where the center is: a bounded number of steps.
    for (let step = 0; step < Math.ceil(rec.bytes / range) * 3 + 4; step++) {
      if (this.closed) return 'retry';
      const channel = this.o.channelOf(rec.userId);
      if (!channel) return 'no_channel';
      // The first request carries no audio: it asks how much the center holds (some of it after a
      // cut, a lost answer or a restart; all of it if it is done), so no range is sent twice.
      const probe = step === 0;
      const data = !probe && offset < rec.bytes ? await this.o.source.readRecording(rec.id, offset, Math.min(range, rec.bytes - offset)) : Buffer.alloc(0);
      const final = !probe && offset + data.length >= rec.bytes;
      const r = await channel.send('recording.upload', {
        recordingId: rec.id, callId: rec.callId, part: rec.part, startedAt: rec.startedAt, durationMs: rec.durationMs, mime: rec.mime, state: rec.state,
        totalBytes: rec.bytes, offset, data: data.toString('base64'), final,
      }) as Result<{ received: number; complete: boolean }>;
      if (r.ok) {
        if (r.value.complete) {
          this.o.store.settleUpload(rec.id, rec.userId, 'uploaded', null);
          this.o.log.info('desk: recording uploaded to the center', { recordingId: rec.id, bytes: rec.bytes });
          return 'done';
        }
        offset = r.value.received;
        continue;
      }
      const e = r.error;
      if (e.code === 'conflict' && e.details?.reason === 'upload_offset' && typeof e.details.received === 'number') {
        // The center holds a different amount (a reply lost, a restart): go on from there.
        offset = Math.min(e.details.received, rec.bytes);
        continue;
      }
      if (e.code === 'too_many_attempts') {
        // The center's limit on one user's uploads (a backlog after an outage goes back to back):
        // wait as long as it says, then send the same range again. A wait is not a step without progress.
        const seconds = typeof e.details?.seconds === 'number' ? e.details.seconds : 1;
        await this.pause(Math.min(MAX_LIMIT_WAIT_MS, Math.max(1, seconds) * 1000));
        step--;
        continue;
      }
      if (TRANSIENT.has(e.code)) return 'retry';
      this.o.store.settleUpload(rec.id, rec.userId, 'refused', e);
      this.o.log.warn('desk: the center refused a recording', { recordingId: rec.id, code: e.code });
      return 'failed';
    }
    this.o.log.warn('desk: a recording upload made no progress', { recordingId: rec.id });
    return 'retry';
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.wake = null; resolve(); }, ms);
      timer.unref?.();
      this.wake = () => { clearTimeout(timer); this.wake = null; resolve(); };
    });
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.wake?.();
  }
}

import { RECORDING_MIMES, type ConsoleApi } from '../../../shared/contract';
import type { WebRtcMedia } from './webrtc-media';
import { withNotice } from './recording-notice';

/** One chunk every second: a crash mid-call loses at most this much of the recording. */
const TIMESLICE_MS = 1000;
/** Opus, two channels of speech: about 240 KB a minute. */
const BITS_PER_SECOND = 32_000;
const SEND_ATTEMPTS = 3;

interface Active {
  recorder: MediaRecorder;
  context: AudioContext;
  startedAt: number;
  seq: number;
  /** The chunks go out one after another, in order. */
  sending: Promise<void>;
  failed: boolean;
  /** Settles once the recording is closed in main (or given up). */
  closed: Promise<void>;
  markClosed: () => void;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * Records each call in the renderer that holds its audio, as two channels — the agent's microphone
 * left, the caller right — so a reviewer hears who said what and a check can tell the sides apart.
 * The Opus stream goes to main a chunk a second (recording.chunk), where it is appended to the
 * call's file; recording.finish closes it when the call ends.
 */
export class CallRecorder {
  private readonly active = new Map<string, Active>();

  constructor(private readonly api: ConsoleApi) {}

  static supported(): (typeof RECORDING_MIMES)[number] | null {
    if (typeof MediaRecorder === 'undefined' || typeof AudioContext === 'undefined') return null;
    return RECORDING_MIMES.find((m) => MediaRecorder.isTypeSupported(m)) ?? null;
  }

  /** Starts recording a call once both its directions exist; a second start for the call is ignored. */
  async start(callId: string, local: MediaStream, remote: MediaStream): Promise<void> {
    const mime = CallRecorder.supported();
    if (!mime || this.active.has(callId)) return;
    const context = new AudioContext();
    const merger = context.createChannelMerger(2);
    context.createMediaStreamSource(local).connect(merger, 0, 0);
    context.createMediaStreamSource(remote).connect(merger, 0, 1);
    const dest = context.createMediaStreamDestination();
    dest.channelCount = 2;
    merger.connect(dest);
    const recorder = new MediaRecorder(dest.stream, { mimeType: mime, audioBitsPerSecond: BITS_PER_SECOND });
    let markClosed = () => {};
    const closed = new Promise<void>((resolve) => { markClosed = resolve; });
    const a: Active = { recorder, context, startedAt: performance.now(), seq: 0, sending: Promise.resolve(), failed: false, closed, markClosed };
    this.active.set(callId, a);
    const started = await this.api.request('recording.start', { callId, mime });
    if (!started.ok) {
      // Not this seat's call any more (it ended meanwhile), or recording refused: nothing to keep.
      this.active.delete(callId);
      markClosed();
      void context.close();
      return;
    }
    const { recordingId } = started.value;
    recorder.ondataavailable = (ev) => {
      if (ev.data.size === 0) return;
      const seq = a.seq++;
      const durationMs = Math.round(performance.now() - a.startedAt);
      a.sending = a.sending.then(() => this.send(callId, recordingId, a, seq, ev.data, durationMs));
    };
    recorder.onstop = () => {
      const durationMs = Math.round(performance.now() - a.startedAt);
      // onstop comes after the last dataavailable: its chunk is queued before the finish.
      a.sending = a.sending.then(async () => {
        if (!a.failed) await this.api.request('recording.finish', { callId, recordingId, durationMs });
        void context.close();
      }).finally(markClosed);
    };
    recorder.start(TIMESLICE_MS);
  }

  private async send(callId: string, recordingId: string, a: Active, seq: number, blob: Blob, durationMs: number) {
    if (a.failed) return;
    const data = toBase64(new Uint8Array(await blob.arrayBuffer()));
    for (let attempt = 1; attempt <= SEND_ATTEMPTS; attempt++) {
      const r = await this.api.request('recording.chunk', { callId, recordingId, seq, data, durationMs });
      if (r.ok) return;
      // A refusal (not this seat's recording, out of order) does not get better by retrying.
      if (r.error.code !== 'disconnected' && r.error.code !== 'internal' && r.error.code !== 'store_timeout') break;
      await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
    }
    a.failed = true;
  }

  /** The call ended: the recorder flushes its last chunk and the recording is closed. */
  stop(callId: string): Promise<void> {
    const a = this.active.get(callId);
    if (!a) return Promise.resolve();
    this.active.delete(callId);
    if (a.recorder.state !== 'inactive') a.recorder.stop(); else a.markClosed();
    return a.closed;
  }

  recording(callId: string): boolean {
    return this.active.has(callId);
  }
}

/** Records every call this media bridge carries (inbound, outbound, consult legs: each its own call id). */
export function recordCalls(media: WebRtcMedia, api: ConsoleApi): CallRecorder {
  const recorder = new CallRecorder(api);
  const notices = new Map<string, { close(): void }>();
  media.hooks = {
    callAudio: (callId, local, remote) => void recorder.start(callId, local, remote).catch(() => undefined),
    callClosed: (callId) => {
      void recorder.stop(callId).finally(() => { notices.get(callId)?.close(); notices.delete(callId); });
    },
    // An answered citizen's call hears the recording notice first, where the admin enabled it.
    outgoing: async (callId, mic, inbound) => {
      if (!inbound || typeof AudioContext === 'undefined') return null;
      const policy = await api.request('recording.policy', {});
      if (!policy.ok || !policy.value.noticeEnabled) return null;
      const n = withNotice(mic);
      notices.set(callId, n);
      return { stream: n.stream, connected: n.play };
    },
  };
  return recorder;
}

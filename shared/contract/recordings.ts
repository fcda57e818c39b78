import { z } from 'zod';
import { request } from './define';
import type { JobViewOf } from './jobs';

/**
 * Call recordings (issue 15.1). The renderer that holds a call's audio records it (Opus via
 * MediaRecorder) and sends it to main in chunks while the call lasts; main appends them to one
 * file per call, so a crash loses at most the last chunk. Listening is read back through main,
 * a range at a time, by whoever may listen to that record; each listen is audited.
 */

export type RecordingState = 'recording' | 'complete' | 'interrupted';

export interface RecordingView {
  id: string;
  callId: string;
  ticketId: string | null;
  /** The agent who took the call. */
  agentName: string;
  startedAt: string;
  durationMs: number;
  bytes: number;
  mime: string;
  state: RecordingState;
  /** 0; 1, 2 … for the parts that followed a reload of the recording window mid-call. */
  part: number;
}

export interface RecordingPolicy {
  /** Recordings older than this many days are deleted by the retention job. */
  retentionDays: number;
  /** Whether callers hear the recording notice (录音告知) when the agent answers. */
  noticeEnabled: boolean;
}

export interface RecordingPurgeResult { deleted: number; bytes: number }

/** At most this many bytes of audio per chunk (about 2 s of Opus is 5–10 KB; room for slow timers). */
export const RECORDING_CHUNK_MAX_BYTES = 256 * 1024;
/** A recording longer than this is refused (Opus at 32 kbit/s: about 14 hours). */
export const RECORDING_MAX_BYTES = 200 * 1024 * 1024;
/** At most this many bytes per read of a recording. */
export const RECORDING_READ_MAX_BYTES = 1024 * 1024;
export const RECORDING_MIMES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus'] as const;

const PHONE_ROLES = ['agent', 'cppcc_member', 'liaison_expert', 'shift_lead'] as const;
const callId = z.string().min(1).max(100);
const id = z.string().uuid();
// base64 of at most RECORDING_CHUNK_MAX_BYTES.
const chunkData = z.string().min(4).max(Math.ceil(RECORDING_CHUNK_MAX_BYTES / 3) * 4).regex(/^[A-Za-z0-9+/]+={0,2}$/);

export const recordingRequests = {
  /** Starts recording one of my current calls (from the renderer that holds its audio). */
  'recording.start': request<{ recordingId: string }>()(z.object({ callId, mime: z.enum(RECORDING_MIMES) }).strict(), PHONE_ROLES),
  /** Appends the next chunk (seq counts from 0; a chunk sent twice is written once). */
  'recording.chunk': request<{ bytes: number }>()(z.object({
    // The part this recorder started (recording.start's answer): a chunk of a part that a reload
    // closed is refused, never written into the part that followed it.
    callId, recordingId: id.optional(), seq: z.number().int().min(0).max(1_000_000), data: chunkData, durationMs: z.number().int().min(0).max(86_400_000),
  }).strict(), PHONE_ROLES),
  /** The call's recording is whole: its length as the recorder measured it. */
  'recording.finish': request<null>()(z.object({ callId, recordingId: id.optional(), durationMs: z.number().int().min(0).max(86_400_000) }).strict(), PHONE_ROLES),
  /**
   * A desk's main process sends a finished recording of its agent's call to the center (center
   * mode), a range at a time: `offset` is where this range starts; the center answers how many
   * bytes it holds, and a range that does not start there is refused with details.received, so an
   * upload cut off resumes where the center stopped. The last range (`final`) makes it listenable.
   * Its ticket is the one the center has linked to the call (a desk's word is not taken for it).
   */
  'recording.upload': request<{ received: number; complete: boolean }>()(z.object({
    // part: which part of the call this is (a reload of the desk's recording window mid-call starts the next).
    recordingId: id, callId, part: z.number().int().min(0).max(1000).optional(), startedAt: z.string().datetime({ offset: true }),
    durationMs: z.number().int().min(0).max(86_400_000), mime: z.enum(RECORDING_MIMES),
    state: z.enum(['complete', 'interrupted']),
    totalBytes: z.number().int().min(1).max(RECORDING_MAX_BYTES), offset: z.number().int().min(0).max(RECORDING_MAX_BYTES),
    data: z.union([chunkData, z.literal('')]), final: z.boolean(),
  }).strict(), PHONE_ROLES),
  /** A ticket's recordings that I may listen to. */
  'recording.ofTicket': request<RecordingView[]>()(z.object({ ticketId: id }).strict(), 'session'),
  /** Opens a recording to listen to it: checked per record and audited. */
  'recording.open': request<RecordingView>()(z.object({ recordingId: id }).strict(), 'session'),
  /** A range of a recording's bytes (base64), after recording.open. */
  'recording.read': request<{ data: string; eof: boolean }>()(z.object({
    recordingId: id, offset: z.number().int().min(0), length: z.number().int().min(1).max(RECORDING_READ_MAX_BYTES),
  }).strict(), 'session'),
  /** The recording policy: the desk reads whether to play the notice; admins set it. */
  'recording.policy': request<RecordingPolicy>()(z.object({}).strict(), 'session'),
  'recording.setPolicy': request<RecordingPolicy>()(z.object({
    retentionDays: z.number().int().min(1).max(3650), noticeEnabled: z.boolean(),
  }).strict(), ['admin']),
  /** Starts the retention job now: deletes recordings older than the policy's days (progress as job.progress). */
  'recording.purgeExpired': request<JobViewOf<'recordings.purge'>>()(z.object({}).strict(), ['admin']),
};

import { fail } from '../../../shared/contract';
import type { JobRunner } from '../../jobs/job-runner';
import type { RecordingService } from '../../services/recordings';
import { sessionOf, type HandlerSlice } from './context';

/** Call recordings: writing from the renderer that holds the call's audio, listening, policy, retention. */
export function recordingHandlers(recordings: RecordingService, jobs: JobRunner): HandlerSlice<`recording.${string}`> {
  return {
    'recording.start': (i, ctx) => recordings.start(sessionOf(ctx), i.callId, i.mime),
    'recording.chunk': (i, ctx) => recordings.append(sessionOf(ctx), i.callId, i.seq, i.data, i.durationMs, i.recordingId),
    'recording.finish': (i, ctx) => recordings.finish(sessionOf(ctx), i.callId, i.durationMs, i.recordingId),
    // Only a desk's main process (a program, not a page or a desk's renderer) sends its recordings.
    'recording.upload': (i, ctx) => (ctx.connection.program ? recordings.receiveUpload(sessionOf(ctx), i) : fail('forbidden')),
    'recording.ofTicket': (i, ctx) => recordings.ofTicket(sessionOf(ctx), i.ticketId),
    'recording.open': (i, ctx) => recordings.openForListening(sessionOf(ctx), i.recordingId),
    'recording.read': (i, ctx) => recordings.read(sessionOf(ctx), i.recordingId, i.offset, i.length),
    'recording.policy': () => recordings.policy(),
    'recording.setPolicy': (i, ctx) => recordings.setPolicy(i, sessionOf(ctx).user.id),
    'recording.purgeExpired': (_i, ctx) => {
      const actor = sessionOf(ctx).user.id;
      return jobs.start('recordings.purge', actor, (job) => recordings.purgeExpired(job, actor));
    },
  };
}

import type { Migration } from './types';
import { createIndex } from './ddl';

/**
 * Audio quality of each call (issue 15.4), measured from the WebRTC stats of the renderer that
 * carried it and summarised when the call ends (shared/domain/audio-health.ts): jitter mean and
 * 95th percentile, loss over the whole call in ‰, round trip mean and 95th percentile, and how
 * many audio warnings the agent saw. Null: not measured (no WebRTC media, or a call never up).
 * `poor_audio` (0/1) is the wallboard's rule applied once at the end, so the day's figure is a count.
 */
export const migration0027callQuality: Migration = {
  version: 27,
  name: 'call_quality',
  async up(db) {
    for (const column of ['jitter_ms', 'jitter_p95_ms', 'loss_permille', 'rtt_ms', 'rtt_p95_ms', 'audio_warnings', 'poor_audio']) {
      await db.schema.alterTable('call_records').addColumn(column, 'integer').execute();
    }
    // The wallboard's 音质差 list reads the day's poor calls by time.
    await createIndex(db, 'call_records_poor_invited', 'call_records', ['poor_audio', 'invited_at']);
  },
};

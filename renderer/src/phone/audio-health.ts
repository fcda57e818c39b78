import type { ConsoleApi } from '../../../shared/contract';
import { initialAudioHealth, stepAudioHealth, type AudioHealthState, type AudioStatsSample } from '../../../shared/domain/audio-health';

/** How often a call's WebRTC stats are read. */
export const AUDIO_HEALTH_INTERVAL_MS = 1000;

type StatsReport = { type: string; kind?: string; packetsReceived?: number; packetsLost?: number; jitter?: number; roundTripTime?: number; totalAudioEnergy?: number; totalSamplesDuration?: number };

/** One reading of a peer connection's audio stats, for the detector (shared/domain/audio-health.ts). */
export async function readAudioSample(pc: RTCPeerConnection, held: boolean, muted: boolean, at: number): Promise<AudioStatsSample> {
  const s: AudioStatsSample = { at, up: pc.connectionState === 'connected', held, muted, packetsReceived: null, packetsLost: null, jitterS: null, rttS: null, micEnergy: null, micDuration: null };
  (await pc.getStats()).forEach((r: StatsReport) => {
    if (r.type === 'inbound-rtp' && r.kind === 'audio') {
      s.packetsReceived = (s.packetsReceived ?? 0) + (r.packetsReceived ?? 0);
      s.packetsLost = (s.packetsLost ?? 0) + Math.max(0, r.packetsLost ?? 0);
      if (typeof r.jitter === 'number') s.jitterS = r.jitter;
    } else if (r.type === 'remote-inbound-rtp' && r.kind === 'audio' && typeof r.roundTripTime === 'number') s.rttS = r.roundTripTime;
    else if (r.type === 'media-source' && r.kind === 'audio' && typeof r.totalAudioEnergy === 'number') {
      s.micEnergy = r.totalAudioEnergy;
      s.micDuration = r.totalSamplesDuration ?? null;
    }
  });
  return s;
}

/**
 * Watches one call's audio once a second while its media lives in this renderer: the detector's
 * warnings and the second's quality figures go to main (media.audioHealth), which keeps the call's
 * summary and tells the agent's windows. Returns the stop function.
 */
export function watchAudioHealth(api: ConsoleApi, callId: string, pc: RTCPeerConnection, flags: () => { held: boolean; muted: boolean }): () => void {
  let state: AudioHealthState = initialAudioHealth();
  let reading = false;
  const tick = async () => {
    if (reading || pc.connectionState === 'closed') return;
    reading = true;
    try {
      const { held, muted } = flags();
      const r = stepAudioHealth(state, await readAudioSample(pc, held, muted, performance.now()));
      state = r.state;
      if (r.interval) await api.request('media.audioHealth', { callId, warnings: r.warnings, interval: r.interval });
    } catch { /* the next second tries again */ } finally { reading = false; }
  };
  const id = setInterval(() => void tick(), AUDIO_HEALTH_INTERVAL_MS);
  return () => clearInterval(id);
}

/**
 * Audio health of a call (issue 15.4), from the WebRTC statistics the renderer holding the call reads
 * once a second. Pure, so the rules are tested over a series of samples:
 *
 * - no_inbound: the call is up, not on hold, and no new inbound audio packet arrived for
 *   NO_INBOUND_AFTER_MS (one-way audio: "收 0 包"). Hold suspends the rule (a held far end sends
 *   nothing) and its clock starts again on resume, as it starts when the call comes up.
 * - mic_silent: the call is up, not on hold, not muted, and the microphone's energy was about zero
 *   (mean power under MIC_SILENT_POWER, i.e. below -80 dBFS) for MIC_SILENT_AFTER_MS. A dead or
 *   unplugged microphone gives digital silence; a working one in a quiet room still has noise above it.
 *
 * Each warning clears on the first sample that shows audio again.
 */

export const NO_INBOUND_AFTER_MS = 3000;
export const MIC_SILENT_AFTER_MS = 5000;
/** Mean power (energy per second of audio, full scale 1) under which the microphone counts as silent: -80 dBFS. */
export const MIC_SILENT_POWER = 1e-8;

export const AUDIO_WARNINGS = ['no_inbound', 'mic_silent'] as const;
export type AudioWarning = (typeof AUDIO_WARNINGS)[number];

/** One reading of a call's WebRTC stats (cumulative counters as getStats gives them). */
export interface AudioStatsSample {
  /** When read, ms (any monotonic clock). */
  at: number;
  /** The media path is up (ICE/DTLS connected): before it, nothing is expected to arrive. */
  up: boolean;
  held: boolean;
  muted: boolean;
  /** inbound-rtp audio: packetsReceived, packetsLost, jitter (s); null while no such report exists. */
  packetsReceived: number | null;
  packetsLost: number | null;
  jitterS: number | null;
  /** remote-inbound-rtp roundTripTime (s), from the far end's RTCP reports. */
  rttS: number | null;
  /** media-source (the microphone): totalAudioEnergy and totalSamplesDuration (s), cumulative. */
  micEnergy: number | null;
  micDuration: number | null;
}

export interface AudioHealthState {
  /** Since when no new packet arrived, while it counts (up, not held); null: not counting. */
  quietSince: number | null;
  lastPackets: number;
  lastLost: number;
  /** Since when the microphone was silent, while it counts (up, not held, not muted). */
  silentSince: number | null;
  lastMicEnergy: number | null;
  lastMicDuration: number | null;
  /** The previous sample's time, and whether each rule was counting then. */
  lastAt: number | null;
  lastCounting: boolean;
  lastMicCounting: boolean;
}

/** What one second of a call adds to its quality (sent to main, which keeps the call's summary). */
export interface AudioInterval {
  received: number;
  lost: number;
  jitterMs: number | null;
  rttMs: number | null;
}

export interface AudioHealthStep {
  state: AudioHealthState;
  warnings: AudioWarning[];
  /** Null while the call is not up. */
  interval: AudioInterval | null;
}

export const initialAudioHealth = (): AudioHealthState => ({ quietSince: null, lastPackets: 0, lastLost: 0, silentSince: null, lastMicEnergy: null, lastMicDuration: null, lastAt: null, lastCounting: false, lastMicCounting: false });

const finite = (x: number | null): x is number => x !== null && Number.isFinite(x);

export function stepAudioHealth(prev: AudioHealthState, s: AudioStatsSample): AudioHealthStep {
  const packets = finite(s.packetsReceived) ? s.packetsReceived : prev.lastPackets;
  const lost = finite(s.packetsLost) ? s.packetsLost : prev.lastLost;
  // A counter that went back (a new peer connection after a renegotiation) starts again from 0.
  const received = packets >= prev.lastPackets ? packets - prev.lastPackets : packets;
  const lostNow = Math.max(0, lost >= prev.lastLost ? lost - prev.lastLost : lost);
  const counting = s.up && !s.held;
  // Quiet since the last reading that showed packets: when that reading counted too, the gap began there.
  const since = (wasCounting: boolean) => (wasCounting && prev.lastAt !== null ? prev.lastAt : s.at);
  const quietSince = !counting || received > 0 ? null : prev.quietSince ?? since(prev.lastCounting);

  let power: number | null = null;
  if (finite(s.micEnergy) && finite(s.micDuration) && prev.lastMicEnergy !== null && prev.lastMicDuration !== null) {
    const dt = s.micDuration - prev.lastMicDuration;
    if (dt > 0) power = Math.max(0, s.micEnergy - prev.lastMicEnergy) / dt;
  }
  // No new microphone audio at all (no duration added) is as silent as zero energy.
  const micCounting = counting && !s.muted && finite(s.micDuration);
  const silentNow = power === null ? (prev.lastMicDuration !== null && finite(s.micDuration) && s.micDuration <= prev.lastMicDuration) : power < MIC_SILENT_POWER;
  const silentSince = !micCounting || !silentNow ? null : prev.silentSince ?? since(prev.lastMicCounting);

  const warnings: AudioWarning[] = [];
  if (quietSince !== null && s.at - quietSince >= NO_INBOUND_AFTER_MS) warnings.push('no_inbound');
  if (silentSince !== null && s.at - silentSince >= MIC_SILENT_AFTER_MS) warnings.push('mic_silent');
  return {
    state: {
      quietSince, lastPackets: packets, lastLost: lost, silentSince,
      lastMicEnergy: finite(s.micEnergy) ? s.micEnergy : prev.lastMicEnergy, lastMicDuration: finite(s.micDuration) ? s.micDuration : prev.lastMicDuration,
      lastAt: s.at, lastCounting: counting, lastMicCounting: micCounting,
    },
    warnings,
    interval: s.up ? {
      received, lost: lostNow,
      jitterMs: finite(s.jitterS) ? Math.round(s.jitterS * 1000) : null,
      rttMs: finite(s.rttS) ? Math.round(s.rttS * 1000) : null,
    } : null,
  };
}

/** A finished call's audio quality as kept on its record (call_records, migration 0027). */
export interface CallQuality {
  /** Jitter of the inbound audio (ms): mean of the per-second readings, and their 95th percentile. */
  jitterMs: number | null;
  jitterP95Ms: number | null;
  /** Packets lost over packets expected (received + lost) for the whole call, in ‰ (0–1000). */
  lossPermille: number | null;
  /** Round trip (ms) from the far end's RTCP reports: mean and 95th percentile. */
  rttMs: number | null;
  rttP95Ms: number | null;
  /** How many audio warnings the agent was shown during the call. */
  warnings: number;
}

/**
 * Poor audio, as the wallboard counts it: any warning shown, ≥ 5 % loss, jitter p95 ≥ 50 ms or
 * mean round trip ≥ 400 ms (ITU-T G.114's limit for one-way delay is 400 ms; 5 % loss is where
 * Opus speech becomes hard to follow).
 */
export const POOR_LOSS_PERMILLE = 50;
export const POOR_JITTER_P95_MS = 50;
export const POOR_RTT_MS = 400;

export const POOR_AUDIO_REASONS = ['warnings', 'loss', 'jitter', 'rtt'] as const;
export type PoorAudioReason = (typeof POOR_AUDIO_REASONS)[number];

/** Which parts of the rule a call's audio broke (none: not poor), so a list of poor calls can say why each is there. */
export function poorAudioReasons(q: Pick<CallQuality, 'warnings' | 'lossPermille' | 'jitterP95Ms' | 'rttMs'>): PoorAudioReason[] {
  const out: PoorAudioReason[] = [];
  if (q.warnings > 0) out.push('warnings');
  if ((q.lossPermille ?? 0) >= POOR_LOSS_PERMILLE) out.push('loss');
  if ((q.jitterP95Ms ?? 0) >= POOR_JITTER_P95_MS) out.push('jitter');
  if ((q.rttMs ?? 0) >= POOR_RTT_MS) out.push('rtt');
  return out;
}

export function poorAudio(q: CallQuality): boolean {
  return poorAudioReasons(q).length > 0;
}

const p95 = (xs: readonly number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
};
const mean = (xs: readonly number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

/** A call's quality from its intervals: null when none was measured (no media, or never up). */
export function summarizeQuality(intervals: readonly AudioInterval[], warnings: number): CallQuality | null {
  if (!intervals.length) return null;
  const jitter = intervals.flatMap((i) => (i.jitterMs === null ? [] : [i.jitterMs]));
  const rtt = intervals.flatMap((i) => (i.rttMs === null ? [] : [i.rttMs]));
  const received = intervals.reduce((a, i) => a + i.received, 0);
  const lost = intervals.reduce((a, i) => a + i.lost, 0);
  return {
    jitterMs: mean(jitter), jitterP95Ms: p95(jitter),
    lossPermille: received + lost > 0 ? Math.round((lost / (received + lost)) * 1000) : null,
    rttMs: mean(rtt), rttP95Ms: p95(rtt), warnings,
  };
}

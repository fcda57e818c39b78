import { describe, expect, it } from 'vitest';
import { initialAudioHealth, poorAudio, poorAudioReasons, stepAudioHealth, summarizeQuality, type AudioStatsSample, type AudioWarning } from './audio-health';

/** A call's stats read once a second; `packets`/`energy` per second give the cumulative counters. */
function series(seconds: { packets?: number; energy?: number; held?: boolean; muted?: boolean; up?: boolean; lost?: number; jitter?: number; rtt?: number }[]) {
  let packets = 0;
  let lost = 0;
  let energy = 0;
  return seconds.map((x, i): AudioStatsSample => {
    packets += x.packets ?? 50;
    lost += x.lost ?? 0;
    energy += x.energy ?? 0.01;
    return {
      at: 10_000 + i * 1000, up: x.up ?? true, held: x.held ?? false, muted: x.muted ?? false,
      packetsReceived: packets, packetsLost: lost, jitterS: x.jitter ?? 0.004, rttS: x.rtt ?? 0.02, micEnergy: energy, micDuration: i + 1,
    };
  });
}

/** The warnings shown after each second. */
function run(samples: AudioStatsSample[]): AudioWarning[][] {
  let state = initialAudioHealth();
  return samples.map((s) => {
    const r = stepAudioHealth(state, s);
    state = r.state;
    return r.warnings;
  });
}

const times = (n: number, x: Parameters<typeof series>[0][number] = {}) => Array.from({ length: n }, () => x);

describe('audio health detector', () => {
  it('says nothing while audio flows both ways', () => {
    expect(run(series(times(20))).flat()).toEqual([]);
  });

  it('warns when no inbound packet arrived for 3 s, and clears when packets come back', () => {
    const w = run(series([...times(3), ...times(4, { packets: 0 }), ...times(2)]));
    // Last packets at second 2; seconds 3, 4 are quiet but under 3 s; 5 (3 s) and 6 warn; 7 has packets again.
    expect(w.map((x) => x.includes('no_inbound'))).toEqual([false, false, false, false, false, true, true, false, false]);
  });

  it('warns of a call whose audio never arrived, counted from when the call came up', () => {
    const w = run(series([...times(2, { up: false, packets: 0 }), ...times(4, { packets: 0 })]));
    expect(w.map((x) => x.includes('no_inbound'))).toEqual([false, false, false, false, false, true]);
  });

  it('hold suppresses the no-audio warning, and its clock starts again on resume', () => {
    const w = run(series([...times(2), ...times(6, { packets: 0, held: true }), ...times(4, { packets: 0 })]));
    expect(w.slice(2, 8).flat()).toEqual([]);
    // Resumed at second 8 with still no packets: the warning waits 3 s from there.
    expect(w.slice(8).map((x) => x.includes('no_inbound'))).toEqual([false, false, false, true]);
  });

  it('warns when the microphone sends silence for 5 s, not when muted, and clears on sound', () => {
    const w = run(series([...times(2), ...times(7, { energy: 0 }), ...times(1)]));
    expect(w.map((x) => x.includes('mic_silent'))).toEqual([false, false, false, false, false, false, true, true, true, false]);
    const muted = run(series([...times(2), ...times(8, { energy: 0, muted: true })]));
    expect(muted.flat()).toEqual([]);
  });

  it('a quiet room (noise above -80 dBFS) is not a silent microphone', () => {
    // -60 dBFS: power 1e-6 per second of audio.
    expect(run(series([...times(2), ...times(8, { energy: 1e-6 })])).flat()).toEqual([]);
  });

  it('summarises a call: mean and p95 jitter and round trip, loss over the whole call', () => {
    let state = initialAudioHealth();
    const intervals = series([...times(18, { jitter: 0.01, rtt: 0.05 }), { jitter: 0.2, rtt: 0.3, lost: 100, packets: 0 }, { jitter: 0.01, rtt: 0.05 }]).map((s) => {
      const r = stepAudioHealth(state, s);
      state = r.state;
      return r.interval!;
    });
    const q = summarizeQuality(intervals, 0)!;
    expect(q).toEqual({ jitterMs: 20, jitterP95Ms: 10, lossPermille: Math.round(100 / 1050 * 1000), rttMs: 63, rttP95Ms: 50, warnings: 0 });
    expect(poorAudio(q)).toBe(true);
    expect(poorAudio({ ...q, lossPermille: 10 })).toBe(false);
    expect(summarizeQuality([], 0)).toBeNull();
  });

  it('says which part of the rule made a call poor', () => {
    const fine = { warnings: 0, lossPermille: 0, jitterP95Ms: 5, rttMs: 20 };
    expect(poorAudioReasons(fine)).toEqual([]);
    expect(poorAudioReasons({ ...fine, warnings: 2 })).toEqual(['warnings']);
    expect(poorAudioReasons({ warnings: 1, lossPermille: 50, jitterP95Ms: 50, rttMs: 400 })).toEqual(['warnings', 'loss', 'jitter', 'rtt']);
    expect(poorAudioReasons({ warnings: 0, lossPermille: null, jitterP95Ms: null, rttMs: null })).toEqual([]);
  });
});

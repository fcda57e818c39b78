import { describe, expect, it } from 'vitest';
import { NOTICE_RATE, noticeSamples } from './recording-notice';

/** Level of a window of samples (RMS). */
const level = (s: Float32Array, fromS: number, toS: number) => {
  let sum = 0;
  const a = Math.floor(fromS * NOTICE_RATE);
  const b = Math.floor(toS * NOTICE_RATE);
  for (let i = a; i < b; i++) sum += s[i]! * s[i]!;
  return Math.sqrt(sum / (b - a));
};

describe('the recording notice', () => {
  const s = noticeSamples();

  it('lasts under three seconds and never clips', () => {
    expect(s.length / NOTICE_RATE).toBeGreaterThan(2);
    expect(s.length / NOTICE_RATE).toBeLessThan(3);
    expect(s.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThan(1);
  });

  it('is two beeps, a spoken-like run of syllables and a closing beep, with gaps between', () => {
    // Beeps at 0–0.18 s and 0.28–0.46 s, a gap between them.
    expect(level(s, 0.03, 0.15)).toBeGreaterThan(0.2);
    expect(level(s, 0.19, 0.27)).toBeLessThan(0.01);
    expect(level(s, 0.31, 0.43)).toBeGreaterThan(0.2);
    // Seven syllables, each followed by a pause.
    for (let i = 0; i < 7; i++) {
      expect(level(s, 0.67 + i * 0.22, 0.79 + i * 0.22)).toBeGreaterThan(0.15);
      expect(level(s, 0.82 + i * 0.22, 0.86 + i * 0.22)).toBeLessThan(0.01);
    }
    expect(level(s, 2.38, 2.55)).toBeGreaterThan(0.15);
  });
});

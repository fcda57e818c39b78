/**
 * The recording notice (录音告知) a caller hears when the agent answers, where the admin enables it:
 * no audio file to ship or download — synthesized here. Two rising beeps, then a short syllable-like
 * pattern of voiced tones (a "spoken" cadence at speech pitch), then a closing beep; about 2.6 s.
 */
export const NOTICE_RATE = 48_000;

interface Segment { at: number; dur: number; hz: number; /** 0..1 */ level: number; vibrato?: number }

const SEGMENTS: Segment[] = [
  { at: 0.00, dur: 0.18, hz: 880, level: 0.35 },
  { at: 0.28, dur: 0.18, hz: 1175, level: 0.35 },
  // Seven "syllables" at speech pitch, each with a little glide, like a short sentence.
  ...[0, 1, 2, 3, 4, 5, 6].map((i): Segment => ({ at: 0.65 + i * 0.22, dur: 0.16, hz: [220, 247, 233, 262, 220, 196, 208][i]!, level: 0.3, vibrato: 18 })),
  { at: 2.35, dur: 0.25, hz: 988, level: 0.3 },
];

/** The notice as mono samples at NOTICE_RATE (raised-cosine edges, so no clicks). */
export function noticeSamples(rate = NOTICE_RATE): Float32Array<ArrayBuffer> {
  const end = Math.max(...SEGMENTS.map((s) => s.at + s.dur));
  const out = new Float32Array(Math.ceil(end * rate));
  for (const s of SEGMENTS) {
    const from = Math.floor(s.at * rate);
    const n = Math.floor(s.dur * rate);
    const edge = Math.floor(0.01 * rate);
    let phase = 0;
    for (let i = 0; i < n; i++) {
      const t = i / rate;
      const hz = s.hz + (s.vibrato ? s.vibrato * Math.sin(2 * Math.PI * 5 * t) : 0);
      phase += (2 * Math.PI * hz) / rate;
      const env = i < edge ? 0.5 - 0.5 * Math.cos((Math.PI * i) / edge) : i > n - edge ? 0.5 - 0.5 * Math.cos((Math.PI * (n - i)) / edge) : 1;
      // A voiced syllable has harmonics; a beep is a pure tone.
      const v = s.vibrato ? Math.sin(phase) + 0.4 * Math.sin(2 * phase) + 0.2 * Math.sin(3 * phase) : Math.sin(phase);
      out[from + i] = (out[from + i] ?? 0) + v * s.level * env;
    }
  }
  return out;
}

/**
 * The stream sent to the caller: the notice first, then the agent's microphone (held at zero while
 * the notice plays, so the caller hears the notice before the agent). `play` starts it (at answer,
 * once media flows); the microphone opens when it ends.
 */
export function withNotice(mic: MediaStream): { stream: MediaStream; play(): void; close(): void } {
  const ctx = new AudioContext({ sampleRate: NOTICE_RATE });
  const dest = ctx.createMediaStreamDestination();
  const gate = ctx.createGain();
  gate.gain.value = 0;
  ctx.createMediaStreamSource(mic).connect(gate).connect(dest);
  const samples = noticeSamples(ctx.sampleRate);
  const buffer = ctx.createBuffer(1, samples.length, ctx.sampleRate);
  buffer.copyToChannel(samples, 0);
  let played = false;
  return {
    stream: dest.stream,
    play: () => {
      if (played) return;
      played = true;
      void ctx.resume();
      const src = ctx.createBufferSource();
      src.buffer = buffer;
      src.connect(dest);
      const at = ctx.currentTime + 0.05;
      src.start(at);
      gate.gain.setValueAtTime(1, at + buffer.duration);
    },
    close: () => void ctx.close(),
  };
}

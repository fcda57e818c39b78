/**
 * A ring made with WebAudio (no audio file to ship), played on the chosen output device so a
 * headset agent can ring on the desk speaker.
 */
export class Ringtone {
  private ctx: AudioContext | null = null;
  private el: HTMLAudioElement | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  async start(deviceId?: string) {
    if (this.ctx) return;
    const ctx = new AudioContext();
    const dest = ctx.createMediaStreamDestination();
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(dest);
    for (const f of [440, 480]) {
      const o = ctx.createOscillator();
      o.frequency.value = f;
      o.connect(gain);
      o.start();
    }
    const el = new Audio();
    el.srcObject = dest.stream;
    const withSink = el as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (deviceId && withSink.setSinkId) await withSink.setSinkId(deviceId).catch(() => undefined);
    void el.play().catch(() => undefined);
    // China ring cadence: 1 s on, 4 s off.
    const ring = () => {
      const t = ctx.currentTime;
      gain.gain.setValueAtTime(0.15, t);
      gain.gain.setValueAtTime(0, t + 1);
    };
    ring();
    this.timer = setInterval(ring, 5000);
    this.ctx = ctx;
    this.el = el;
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.el?.pause();
    this.el = null;
    void this.ctx?.close();
    this.ctx = null;
  }
}

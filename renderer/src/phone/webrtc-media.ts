import type { ConsoleApi, MediaCommandEvent } from '../../../shared/contract';
import { loadDevices } from './devices';
import { watchAudioHealth } from './audio-health';

const ICE_GATHER_TIMEOUT_MS = 2000;
/**
 * How long ICE may stay "disconnected" before the far end counts as gone. Short network hiccups
 * recover within a second or two; a caller whose phone died, or whose network vanished, does not.
 */
export const MEDIA_LOST_AFTER_MS = 5000;

interface Leg {
  pc: RTCPeerConnection; stream: MediaStream | null; held: boolean; muted: boolean; audio: HTMLAudioElement; lostTimer?: ReturnType<typeof setTimeout>;
  /** What the caller is sent, when a hook put something before the microphone (the recording notice). */
  sent?: MediaStream;
  /** Stops the audio health watch (audio-health.ts). */
  stopHealth?: () => void;
}

/** What else may follow a call's audio (the recorder): told when both directions exist and when the call's media closes. */
export interface CallAudioHooks {
  callAudio?(callId: string, local: MediaStream, remote: MediaStream): void;
  callClosed?(callId: string): void;
  /** May put audio before the microphone on an answered (inbound) call; `connected` runs once media flows. */
  outgoing?(callId: string, mic: MediaStream, inbound: boolean): Promise<{ stream: MediaStream; connected(): void } | null>;
}

export interface MediaDevicesChoice {
  microphoneId?: string;
  speakerId?: string;
  /** Where the ring plays; the speaker when unset (a headset agent may ring on the desk speaker). */
  ringerId?: string;
}

/**
 * The renderer half of the media bridge: main's SIP session asks for offers and answers, this
 * makes them with a real RTCPeerConnection and plays the far end. SIP carries whole SDP, so each
 * description is returned only after ICE gathering completes (or a short timeout).
 */
export class WebRtcMedia {
  private legs = new Map<string, Leg>();
  /** Read at the start of each call, so a change in the settings applies to the next call. */
  devices: () => MediaDevicesChoice = loadDevices;
  hooks: CallAudioHooks = {};

  constructor(private readonly api: ConsoleApi) {}

  /** Handles media commands from main; the caller decides when to claim the audio (media.attach). */
  listen(): () => void {
    return this.api.on('media.command', (cmd) => void this.handle(cmd));
  }

  /** RTP packets sent and received on a call so far: shown as call quality, proof that audio flows. */
  async stats(callId: string): Promise<{ sent: number; received: number; lost: number } | null> {
    const leg = this.legs.get(callId);
    if (!leg) return null;
    let sent = 0;
    let received = 0;
    let lost = 0;
    (await leg.pc.getStats()).forEach((r: { type: string; kind?: string; packetsSent?: number; packetsReceived?: number; packetsLost?: number }) => {
      if (r.type === 'outbound-rtp' && r.kind === 'audio') sent += r.packetsSent ?? 0;
      if (r.type === 'inbound-rtp' && r.kind === 'audio') { received += r.packetsReceived ?? 0; lost += r.packetsLost ?? 0; }
    });
    return { sent, received, lost };
  }

  private async handle(cmd: MediaCommandEvent) {
    try {
      const r = await this.run(cmd);
      await this.api.request('media.reply', { id: cmd.id, ok: true, ...r });
    } catch (e) {
      await this.api.request('media.reply', { id: cmd.id, ok: false, error: String((e as Error).message ?? e).slice(0, 400) });
    }
  }

  private creating = new Map<string, Promise<Leg>>();

  /** One peer connection per call, even when two commands for a new call arrive together. */
  private leg(callId: string, inbound = false): Promise<Leg> {
    const have = this.legs.get(callId);
    if (have) return Promise.resolve(have);
    let p = this.creating.get(callId);
    if (!p) {
      p = this.createLeg(callId, inbound).finally(() => this.creating.delete(callId));
      this.creating.set(callId, p);
    }
    return p;
  }

  private async createLeg(callId: string, inbound: boolean): Promise<Leg> {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const audio = new Audio();
    audio.autoplay = true;
    pc.ontrack = (ev) => {
      const remote = ev.streams[0] ?? new MediaStream([ev.track]);
      audio.srcObject = remote;
      void this.applySpeaker(audio).then(() => audio.play()).catch(() => undefined);
      const have = this.legs.get(callId);
      const local = have?.sent ?? have?.stream;
      if (local) this.hooks.callAudio?.(callId, local, remote);
    };
    const stream = await navigator.mediaDevices.getUserMedia({ audio: this.devices().microphoneId ? { deviceId: { exact: this.devices().microphoneId! } } : true });
    const out = await this.hooks.outgoing?.(callId, stream, inbound).catch(() => null) ?? null;
    const sent = out?.stream ?? stream;
    for (const t of sent.getAudioTracks()) pc.addTrack(t, sent);
    if (out) pc.addEventListener('connectionstatechange', () => { if (pc.connectionState === 'connected') out.connected(); });
    const leg: Leg = { pc, stream, held: false, muted: false, audio, ...(out ? { sent } : {}) };
    this.watchIce(callId, leg);
    leg.stopHealth = watchAudioHealth(this.api, callId, pc, () => ({ held: leg.held, muted: leg.muted }));
    this.legs.set(callId, leg);
    return leg;
  }

  /**
   * A far end that vanishes sends no BYE: without this the call would show 通话中 for ever. ICE
   * failed, or disconnected for MEDIA_LOST_AFTER_MS, is told to main, which ends the call.
   */
  private watchIce(callId: string, leg: Leg) {
    let told = false;
    const tell = (ice: 'disconnected' | 'failed') => {
      if (told || this.legs.get(callId) !== leg) return;
      told = true;
      void this.api.request('media.lost', { callId, ice });
    };
    leg.pc.addEventListener('iceconnectionstatechange', () => {
      const state = leg.pc.iceConnectionState;
      if (state === 'failed') tell('failed');
      else if (state === 'disconnected') {
        leg.lostTimer ??= setTimeout(() => { leg.lostTimer = undefined; if (leg.pc.iceConnectionState === 'disconnected') tell('disconnected'); }, MEDIA_LOST_AFTER_MS);
        return;
      }
      if (leg.lostTimer) clearTimeout(leg.lostTimer);
      leg.lostTimer = undefined;
    });
  }

  private async applySpeaker(el: HTMLAudioElement) {
    const withSink = el as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    const speaker = this.devices().speakerId;
    if (speaker && withSink.setSinkId) await withSink.setSinkId(speaker);
  }

  private async localSdp(pc: RTCPeerConnection): Promise<string> {
    if (pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const done = () => { pc.removeEventListener('icegatheringstatechange', check); resolve(); };
        const check = () => { if (pc.iceGatheringState === 'complete') done(); };
        pc.addEventListener('icegatheringstatechange', check);
        setTimeout(done, ICE_GATHER_TIMEOUT_MS);
      });
    }
    return pc.localDescription?.sdp ?? '';
  }

  /**
   * Hold offers sendonly (room for music on hold), so the microphone itself must go quiet: a held
   * caller must not hear the agent, e.g. while they consult a colleague. A disabled track still
   * sends RTP (silence), which keeps the far end's RTP timeout and NAT bindings happy.
   */
  private applyMicrophone(leg: Leg) {
    leg.stream?.getAudioTracks().forEach((t) => { t.enabled = !leg.held && !leg.muted; });
  }

  private direction(leg: Leg): RTCRtpTransceiverDirection {
    return leg.held ? 'sendonly' : 'sendrecv';
  }

  private async run(cmd: MediaCommandEvent): Promise<{ sdp?: string; dtmfSent?: boolean; audio?: { packets: number; energy: number }; fresh?: boolean }> {
    const c = cmd.command;
    if (c.op === 'audioStats') {
      const leg = this.legs.get(cmd.callId);
      if (!leg) throw new Error('no media for this call');
      let packets = 0;
      let energy = 0;
      (await leg.pc.getStats()).forEach((r: { type: string; kind?: string; packetsReceived?: number; totalAudioEnergy?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') { packets += r.packetsReceived ?? 0; energy += r.totalAudioEnergy ?? 0; }
      });
      return { audio: { packets, energy } };
    }
    if (c.op === 'close') {
      this.hooks.callClosed?.(cmd.callId);
      const leg = this.legs.get(cmd.callId);
      if (leg?.lostTimer) clearTimeout(leg.lostTimer);
      leg?.stopHealth?.();
      leg?.pc.close();
      leg?.stream?.getTracks().forEach((t) => t.stop());
      if (leg) leg.audio.srcObject = null;
      this.legs.delete(cmd.callId);
      return {};
    }
    if (c.op === 'adopt') {
      // A call main already has up, handed to this renderer (it reloaded, or just claimed the audio).
      const fresh = !this.legs.has(cmd.callId) && !this.creating.has(cmd.callId);
      const leg = await this.leg(cmd.callId);
      leg.held = c.held;
      leg.muted = c.muted;
      this.applyMicrophone(leg);
      return { fresh };
    }
    if (c.op !== 'createOffer' && c.op !== 'createAnswer' && !this.legs.has(cmd.callId) && !this.creating.has(cmd.callId)) {
      // Only an offer or an answer starts a call's media; anything else for an unknown call is stale.
      if (c.op === 'setRemote') throw new Error('no media for this call');
      return {};
    }
    const leg = await this.leg(cmd.callId, c.op === 'createAnswer');
    const { pc } = leg;
    switch (c.op) {
      case 'createOffer': {
        for (const t of pc.getTransceivers()) t.direction = this.direction(leg);
        await pc.setLocalDescription(await pc.createOffer());
        return { sdp: await this.localSdp(pc) };
      }
      case 'createAnswer': {
        await pc.setRemoteDescription({ type: 'offer', sdp: c.sdp });
        for (const t of pc.getTransceivers()) if (t.direction !== 'inactive') t.direction = this.direction(leg);
        await pc.setLocalDescription(await pc.createAnswer());
        return { sdp: await this.localSdp(pc) };
      }
      case 'setRemote':
        await pc.setRemoteDescription({ type: 'answer', sdp: c.sdp });
        return {};
      case 'rollback':
        if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
        return {};
      case 'sendDtmf': {
        const sender = pc.getSenders().find((s) => s.track?.kind === 'audio');
        if (!sender?.dtmf?.canInsertDTMF) return { dtmfSent: false };
        sender.dtmf.insertDTMF(c.tones, 120, 70);
        return { dtmfSent: true };
      }
      case 'setHold':
        leg.held = c.held;
        this.applyMicrophone(leg);
        return {};
      case 'setMute':
        leg.muted = c.muted;
        this.applyMicrophone(leg);
        return {};
    }
  }
}

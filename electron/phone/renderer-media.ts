import { webrtcOfferProblem, type MediaBridge } from '../sip/media-bridge';

export type MediaOp =
  | { op: 'createOffer' }
  | { op: 'createAnswer'; sdp: string }
  | { op: 'setRemote'; sdp: string }
  | { op: 'rollback' }
  | { op: 'sendDtmf'; tones: string }
  | { op: 'setHold'; held: boolean }
  | { op: 'setMute'; muted: boolean }
  | { op: 'close' }
  | { op: 'audioStats' }
  | { op: 'adopt'; held: boolean; muted: boolean };

export interface MediaCommand { id: string; callId: string; command: MediaOp }
export interface MediaReply { id: string; ok: boolean; sdp?: string; dtmfSent?: boolean; error?: string; audio?: InboundAudio; fresh?: boolean }

/** Inbound audio of a call so far, from the renderer's WebRTC stats. */
export interface InboundAudio { packets: number; energy: number }

/**
 * The WebRTC side of a call lives in a renderer; this bridge sends each SDP operation there as an
 * event and waits for the reply request. A renderer that does not answer in time fails the
 * operation (the call fails cleanly) instead of hanging the SIP transaction.
 */
export class RendererMediaRelay {
  private pending = new Map<string, { resolve(r: MediaReply): void; timer: NodeJS.Timeout }>();
  private seq = 0;

  constructor(private readonly send: (cmd: MediaCommand) => boolean, private readonly timeoutMs = 10_000) {}

  reply(r: MediaReply): boolean {
    const p = this.pending.get(r.id);
    if (!p) return false;
    clearTimeout(p.timer);
    this.pending.delete(r.id);
    p.resolve(r);
    return true;
  }

  private ask(callId: string, command: MediaOp): Promise<MediaReply> {
    const id = `${callId}:${++this.seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('renderer media did not answer'));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      if (!this.send({ id, callId, command })) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new Error('no renderer owns the audio'));
      }
    }).then((r) => {
      const reply = r as MediaReply;
      if (!reply.ok) throw new Error(reply.error ?? 'media operation failed');
      return reply;
    });
  }

  /** What a call's renderer has received so far (packets, total audio energy). */
  async inboundAudio(callId: string): Promise<InboundAudio> {
    const r = await this.ask(callId, { op: 'audioStats' });
    if (!r.audio) throw new Error('renderer returned no audio statistics');
    return r.audio;
  }

  bridgeFor(callId: string): MediaBridge {
    const need = (r: MediaReply) => {
      if (!r.sdp) throw new Error('renderer returned no SDP');
      return r.sdp;
    };
    return {
      createOffer: async () => need(await this.ask(callId, { op: 'createOffer' })),
      createAnswer: async (sdp) => need(await this.ask(callId, { op: 'createAnswer', sdp })),
      setRemote: async (sdp) => { await this.ask(callId, { op: 'setRemote', sdp }); },
      rollback: async () => { await this.ask(callId, { op: 'rollback' }); },
      sendDtmf: async (tones) => (await this.ask(callId, { op: 'sendDtmf', tones })).dtmfSent === true,
      setHold: async (held) => { await this.ask(callId, { op: 'setHold', held }); },
      setMute: async (muted) => { await this.ask(callId, { op: 'setMute', muted }); },
      adopt: async (state) => (await this.ask(callId, { op: 'adopt', ...state })).fresh === true,
      close: () => { void this.ask(callId, { op: 'close' }).catch(() => undefined); },
      // The renderer's RTCPeerConnection speaks only DTLS-SRTP with ICE.
      offerProblem: webrtcOfferProblem,
    };
  }
}

/**
 * Call control lives in main, audio in a renderer (WebRTC). A MediaBridge is the seam: it turns
 * offers/answers into SDP strings and carries DTMF, hold and mute, all as plain data, so the
 * renderer side can sit behind IPC. One bridge per call.
 */
export interface MediaBridge {
  /** Local offer for a new call or a re-INVITE; reflects the current hold state. */
  createOffer(): Promise<string>;
  /** Takes the remote offer and returns the local answer. */
  createAnswer(offerSdp: string): Promise<string>;
  /** Applies the remote answer to our last offer. */
  setRemote(answerSdp: string): Promise<void>;
  /** Forgets an offer the other side refused (re-INVITE rejected), so the next one starts clean. */
  rollback(): Promise<void>;
  /** RFC 4733 tones; resolves false when the peer did not negotiate telephone-event (caller falls back to SIP INFO). */
  sendDtmf(tones: string): Promise<boolean>;
  /** Changes the direction the next offer/answer asks for (sendonly while held). */
  setHold(held: boolean): Promise<void>;
  setMute(muted: boolean): Promise<void>;
  close(): void;
  /**
   * A new owner of the call's media (a renderer that reloaded, crashed and came back, or another
   * window that claimed the audio) takes the connected call over with its hold and mute state.
   * Resolves true when it had no media for the call and made new media: its offer must then reach
   * the far end (re-INVITE). Bridges whose media cannot be lost (no renderer) leave it undefined.
   */
  adopt?(state: { held: boolean; muted: boolean }): Promise<boolean>;
  /**
   * Why this bridge cannot take a remote offer, checked before the call rings; undefined when it
   * can. A WebRTC desk cannot answer plain RTP (no DTLS-SRTP, no ICE): without a media proxy such
   * a call could never be answered, so it is refused (488) instead of offered to the agent.
   */
  offerProblem?(offerSdp: string): OfferProblem | undefined;
}

/** What makes a remote offer unanswerable by a WebRTC peer connection. */
export type OfferProblem = "no-audio" | "no-dtls" | "no-ice";

/**
 * What a browser's RTCPeerConnection needs of a remote offer: an audio stream over DTLS-SRTP
 * (a fingerprint, a secure profile) with ICE credentials. A carrier trunk's plain RTP
 * (RTP/AVP, no fingerprint) has neither.
 */
export function webrtcOfferProblem(sdp: string): OfferProblem | undefined {
  const lines = sdp.split(/\r?\n/);
  const audio = lines.find((l) => l.startsWith("m=audio "))?.split(" ");
  if (!audio || audio[1] === "0") return "no-audio";
  // DTLS-SRTP: a secure profile (UDP/TLS/RTP/SAVPF, or RTP/SAVPF from older stacks) and a fingerprint.
  if (!/SAVPF?$/i.test(audio[2] ?? "") || !lines.some((l) => l.startsWith("a=fingerprint:"))) return "no-dtls";
  if (!lines.some((l) => l.startsWith("a=ice-ufrag:")) || !lines.some((l) => l.startsWith("a=ice-pwd:"))) return "no-ice";
  return undefined;
}

export type MediaBridgeFactory = (callId: string) => MediaBridge;

export type SdpDirection = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/** The direction of the first audio stream (media level wins over session level). */
export function sdpDirection(sdp: string): SdpDirection {
  let direction: SdpDirection = "sendrecv";
  let inAudio = false;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith("m=")) {
      if (inAudio) break;
      inAudio = line.startsWith("m=audio");
    }
    const match = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/.exec(line);
    if (match?.[1]) direction = match[1] as SdpDirection;
  }
  return direction;
}

/** The answer direction RFC 3264 allows for an offer, given whether we hold. */
export function answerDirection(offer: SdpDirection, localHold: boolean): SdpDirection {
  if (offer === "inactive") return "inactive";
  if (offer === "sendonly") return localHold ? "inactive" : "recvonly";
  if (offer === "recvonly") return "sendonly";
  return localHold ? "sendonly" : "sendrecv";
}

export interface NullMediaBridgeOptions {
  /** Address written into the SDP; nothing is sent or received there. @default "127.0.0.1" */
  address?: string;
  /** @default a random even port in 40000-49998 */
  port?: number;
  /** Refuse offers a WebRTC desk could not answer (plain RTP), as the renderer's bridge does. @default false */
  requireWebRtc?: boolean;
}

/**
 * Media for peers without WebRTC and for tests: a static PCMU + telephone-event SDP, no RTP.
 * It keeps enough state (directions, DTMF sent) for a test to see what was negotiated.
 */
export class NullMediaBridge implements MediaBridge {
  readonly sentDtmf: string[] = [];
  held = false;
  muted = false;
  closed = false;
  remoteSdp: string | undefined;
  private readonly sessionId = String(Math.floor(Math.random() * 1e9));
  private version = 0;
  private readonly address: string;
  private readonly port: number;
  private readonly requireWebRtc: boolean;

  constructor(options: NullMediaBridgeOptions = {}) {
    this.address = options.address ?? "127.0.0.1";
    this.port = options.port ?? 40000 + 2 * Math.floor(Math.random() * 5000);
    this.requireWebRtc = options.requireWebRtc ?? false;
  }

  offerProblem(offerSdp: string): OfferProblem | undefined {
    return this.requireWebRtc ? webrtcOfferProblem(offerSdp) : undefined;
  }

  /** What the far end last said about its sending direction, e.g. "sendonly" when it holds us. */
  get remoteDirection(): SdpDirection | undefined {
    return this.remoteSdp === undefined ? undefined : sdpDirection(this.remoteSdp);
  }

  async createOffer(): Promise<string> {
    return this.sdp(this.held ? "sendonly" : "sendrecv", "101");
  }

  async createAnswer(offerSdp: string): Promise<string> {
    this.remoteSdp = offerSdp;
    return this.sdp(answerDirection(sdpDirection(offerSdp), this.held), telephoneEventPayload(offerSdp));
  }

  async setRemote(answerSdp: string): Promise<void> {
    this.remoteSdp = answerSdp;
  }

  async rollback(): Promise<void> {
    // A static SDP has nothing pending to undo.
  }

  async sendDtmf(tones: string): Promise<boolean> {
    if (this.remoteSdp === undefined || telephoneEventPayload(this.remoteSdp) === undefined) return false;
    this.sentDtmf.push(tones);
    return true;
  }

  async setHold(held: boolean): Promise<void> {
    this.held = held;
  }

  async setMute(muted: boolean): Promise<void> {
    this.muted = muted;
  }

  close(): void {
    this.closed = true;
  }

  private sdp(direction: SdpDirection, tePayload: string | undefined): string {
    this.version += 1;
    const formats = tePayload ? `0 ${tePayload}` : "0";
    const lines = [
      "v=0",
      `o=- ${this.sessionId} ${this.version} IN IP4 ${this.address}`,
      "s=-",
      `c=IN IP4 ${this.address}`,
      "t=0 0",
      `m=audio ${this.port} RTP/AVP ${formats}`,
      "a=rtpmap:0 PCMU/8000",
      ...(tePayload ? [`a=rtpmap:${tePayload} telephone-event/8000`, `a=fmtp:${tePayload} 0-15`] : []),
      "a=ptime:20",
      `a=${direction}`,
    ];
    return lines.join("\r\n") + "\r\n";
  }
}

/** The payload type the peer uses for telephone-event, if it offered one. */
export function telephoneEventPayload(sdp: string): string | undefined {
  return /^a=rtpmap:(\d+) telephone-event\/8000/im.exec(sdp)?.[1];
}

/**
 * Browser side of the WebRTC caller used by the WebRTC e2e tests (webrtc-call, call-reload,
 * audio-health, …): a citizen's phone made of sip.js in a Chromium page (fake microphone). Bundled with esbuild into an IIFE by the test; it
 * exposes a few functions on the page's global object for page.evaluate().
 *
 * test/tsconfig has no DOM lib, so the few browser objects used here are typed locally.
 */
import { Inviter, Registerer, RegistererState, SessionState, UserAgent, type Invitation, type Session } from 'sip.js';

interface StatsReport { forEach(cb: (r: Record<string, unknown> & { type: string; id: string }) => void): void }
interface PcLike {
  getStats(): Promise<StatsReport>;
  iceConnectionState: string;
  connectionState: string;
  iceGatheringState: string;
  localDescription: { sdp: string } | null;
  remoteDescription: { sdp: string } | null;
  getSenders(): Array<{ track: { kind: string } | null; replaceTrack(t: unknown): Promise<void> }>;
}

export interface CallerStats {
  sessionState: string;
  iceConnectionState: string | null;
  connectionState: string | null;
  packetsReceived: number;
  packetsSent: number;
  bytesReceived: number;
  /** Sum of the squared audio level of what was received (grows only while there is sound). */
  totalAudioEnergy: number;
  /** Each stream received (one per SSRC: a renegotiated far end sends a new one), with its packets and audio energy. */
  inbound: Array<{ ssrc: number; packets: number; energy: number }>;
  /** The candidate pair ICE selected, as "local-address:port (type) -> remote-address:port (type)". */
  selectedPair: string | null;
  localSdp: string | null;
  remoteSdp: string | null;
}

const log: string[] = [];
let ua: UserAgent | undefined;
let session: Session | undefined;

function pc(): PcLike | undefined {
  const sdh = session?.sessionDescriptionHandler as unknown as { peerConnection?: PcLike } | undefined;
  return sdh?.peerConnection;
}

/** A registered phone for `aor`; `onInvite` gets the calls made to it. */
async function registeredPhone(wsUrl: string, aor: string, authUser: string, password: string, displayName: string, onInvite?: (invitation: Invitation) => void): Promise<void> {
  const uri = UserAgent.makeURI(`sip:${aor}`);
  if (!uri) throw new Error(`bad AOR ${aor}`);
  ua = new UserAgent({
    uri,
    displayName,
    authorizationUsername: authUser,
    authorizationPassword: password,
    transportOptions: { server: wsUrl },
    // No STUN: nothing may leave the machine, and an unreachable STUN server would stall gathering.
    sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 2000 },
    logBuiltinEnabled: false,
    logLevel: 'warn',
    logConnector: (level, category, _label, content) => { log.push(`${level} ${category}: ${content}`); },
    ...(onInvite ? { delegate: { onInvite } } : {}),
  });
  await ua.start();
  const registerer = new Registerer(ua, { expires: 300 });
  const registered = new Promise<void>((resolve, reject) => {
    registerer.stateChange.addListener((s) => {
      if (s === RegistererState.Registered) resolve();
      if (s === RegistererState.Terminated) reject(new Error('registration terminated'));
    });
  });
  await registerer.register({ requestDelegate: { onReject: (r) => log.push(`REGISTER rejected ${r.message.statusCode}`) } });
  await registered;
}

async function callHotline(wsUrl: string, aor: string, authUser: string, password: string, target: string, displayName: string): Promise<void> {
  const targetUri = UserAgent.makeURI(`sip:${target}@${aor.split('@')[1] ?? ''}`);
  if (!targetUri) throw new Error(`bad target ${target}`);
  await registeredPhone(wsUrl, aor, authUser, password, displayName);
  const inviter = new Inviter(ua!, targetUri, { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
  follow(inviter);
  await inviter.invite({ requestDelegate: { onReject: (r) => log.push(`INVITE rejected ${r.message.statusCode}`) } });
}

/**
 * The citizen's phone waits for a call (an agent calling out): it rings (sip.js sends 180) until
 * answerCall(); the call's state is in callerStats().sessionState ('Initial' while ringing).
 */
async function waitForCall(wsUrl: string, aor: string, authUser: string, password: string, displayName: string): Promise<void> {
  await registeredPhone(wsUrl, aor, authUser, password, displayName, (invitation) => {
    log.push(`INVITE from ${invitation.remoteIdentity.uri.toString()}`);
    follow(invitation);
  });
}

/** Picks up the ringing call. */
async function answerCall(): Promise<void> {
  const invitation = session as Invitation | undefined;
  if (!invitation || invitation.state !== SessionState.Initial) throw new Error(`no ringing call (state ${invitation?.state ?? 'none'})`);
  await invitation.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
}

/** Makes `s` the call: plays what it receives, and follows a transfer (REFER) like a desk phone. */
function follow(s: Session): void {
  session = s;
  s.stateChange.addListener((state) => {
    log.push(`session ${state}`);
    // Play the far end like a phone would: Chrome computes received audio levels for played tracks.
    if (state === SessionState.Established) {
      const sdh = s.sessionDescriptionHandler as unknown as { remoteMediaStream?: unknown } | undefined;
      const AudioCtor = (globalThis as unknown as { Audio: new () => { srcObject: unknown; play(): Promise<void> } }).Audio;
      const audio = new AudioCtor();
      audio.srcObject = sdh?.remoteMediaStream ?? null;
      audio.play().catch((e: unknown) => log.push(`remote audio does not play: ${String(e)}`));
    }
  });
  s.delegate = {
    onRefer: (referral) => {
      log.push(`REFER to ${referral.referTo.toString()}`);
      transfers.push(referral.referTo.toString());
      void referral.accept().then(() => {
        // makeInviter carries the Replaces of the Refer-To (attended transfer) into the new INVITE.
        const next = referral.makeInviter({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
        follow(next);
        return next.invite({ requestDelegate: { onReject: (r) => log.push(`transfer INVITE rejected ${r.message.statusCode}`) } });
      }).catch((e: unknown) => log.push(`transfer failed: ${String(e)}`));
    },
  };
}

/** Refer-To targets this caller was sent to, in order. */
const transfers: string[] = [];

async function callerStats(): Promise<CallerStats> {
  const p = pc();
  const out: CallerStats = {
    sessionState: session?.state ?? 'none', iceConnectionState: p?.iceConnectionState ?? null, connectionState: p?.connectionState ?? null,
    packetsReceived: 0, packetsSent: 0, bytesReceived: 0, totalAudioEnergy: 0, inbound: [], selectedPair: null,
    localSdp: p?.localDescription?.sdp ?? null, remoteSdp: p?.remoteDescription?.sdp ?? null,
  };
  if (!p) return out;
  const byId = new Map<string, Record<string, unknown>>();
  let pairId: string | undefined;
  (await p.getStats()).forEach((r) => {
    byId.set(r.id, r);
    if (r.type === 'inbound-rtp' && r['kind'] === 'audio') { out.packetsReceived += Number(r['packetsReceived'] ?? 0); out.bytesReceived += Number(r['bytesReceived'] ?? 0);
      out.totalAudioEnergy += Number(r['totalAudioEnergy'] ?? 0);
      out.inbound.push({ ssrc: Number(r['ssrc'] ?? 0), packets: Number(r['packetsReceived'] ?? 0), energy: Number(r['totalAudioEnergy'] ?? 0) });
    }
    if (r.type === 'outbound-rtp' && r['kind'] === 'audio') out.packetsSent += Number(r['packetsSent'] ?? 0);
    if (r.type === 'transport' && typeof r['selectedCandidatePairId'] === 'string') pairId = r['selectedCandidatePairId'];
  });
  const pair = pairId ? byId.get(pairId) : undefined;
  if (pair) {
    const c = (id: unknown) => byId.get(String(id));
    const fmt = (x: Record<string, unknown> | undefined) => (x ? `${String(x['address'] ?? x['ip'])}:${String(x['port'])} (${String(x['candidateType'])})` : '?');
    out.selectedPair = `${fmt(c(pair['localCandidateId']))} -> ${fmt(c(pair['remoteCandidateId']))}`;
  }
  return out;
}

type Sender = ReturnType<PcLike['getSenders']>[number];
/** The audio sender and its microphone track while the caller is silenced (stopSendingAudio), to put back. */
let silenced: { sender: Sender; track: { kind: string } } | null = null;

/**
 * The citizen's phone stops sending audio mid-call (a dead microphone path, a one-way network
 * fault): the sender's track is taken away, so no RTP leaves this side while the call stays up.
 */
async function stopSendingAudio(): Promise<void> {
  const sender = pc()?.getSenders().find((x) => x.track?.kind === 'audio');
  if (!sender?.track) throw new Error('the caller has no audio sender');
  silenced = { sender, track: sender.track };
  await sender.replaceTrack(null);
  log.push('audio sending stopped');
}

/** Puts the microphone back: audio flows to the far end again. */
async function resumeSendingAudio(): Promise<void> {
  if (!silenced) throw new Error('the caller was not silenced');
  await silenced.sender.replaceTrack(silenced.track);
  silenced = null;
  log.push('audio sending resumed');
}

async function hangupCaller(): Promise<void> {
  if (session?.state === SessionState.Established) await session.bye();
  await ua?.stop();
}

Object.assign(globalThis, { callHotline, waitForCall, answerCall, callerStats, hangupCaller, stopSendingAudio, resumeSendingAudio, callerLog: () => log.slice(), callerTransfers: () => transfers.slice() });

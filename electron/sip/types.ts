/**
 * Plain-data shapes of the softphone. Everything here can cross the IPC boundary as JSON:
 * no sip.js objects, no functions (except the policy and logger the owner injects).
 */

import type { OfferProblem } from "./media-bridge.js";

export interface SoftphoneConfig {
  /** WebSocket URL of the registrar/proxy, e.g. "wss://pbx.example.gov.cn:8443" or "ws://127.0.0.1:5066". */
  wsUrl: string;
  /** Address of record, e.g. "sip:1001@hotline.example"; a bare "1001@hotline.example" is accepted. */
  aor: string;
  authorizationUsername: string;
  password: string;
  displayName?: string;
  /** Registration lifetime asked of the registrar, seconds. @default 300 */
  registerExpiresSec?: number;
  /** WebSocket ping period; a missing pong within keepAliveTimeoutMs means the link is dead. @default 15000 */
  keepAliveIntervalMs?: number;
  /** @default 5000 */
  keepAliveTimeoutMs?: number;
  /** First reconnect delay; doubles per failed attempt up to reconnectMaxDelayMs (each ±20 % jitter). @default 500 */
  reconnectBaseDelayMs?: number;
  /**
   * Longest wait between attempts. Short on purpose: an agent is unreachable until the phone is
   * registered again, and a 30 s cap kept agents away for 24 s after a 34 s outage had ended;
   * one REGISTER every 4 s per seat is nothing to a registrar. @default 4000
   */
  reconnectMaxDelayMs?: number;
  /** WebSocket open timeout. @default 5000 */
  connectTimeoutMs?: number;
  /**
   * While registered, an OPTIONS to the registrar this often: a WebSocket pong proves only that
   * the socket is open, not that the proxy still handles SIP (a stopped or wedged proxy). 0 turns it off. @default 5000
   */
  sipKeepAliveIntervalMs?: number;
  /** An OPTIONS unanswered this long means the SIP path is dead: the connection is dropped and rebuilt. @default 3000 */
  sipKeepAliveTimeoutMs?: number;
  /**
   * During a connected call, an in-dialog OPTIONS this often: 481 (the far end no longer knows the
   * call) or 408 (nobody answers) ends it as dropped by the network, for far ends that vanish
   * without a BYE where no WebRTC media reports it. 0 turns it off. @default 30000
   */
  callKeepAliveIntervalMs?: number;
}

/**
 * Why the phone is not registered, as a kind the UI can explain (in Chinese, with what to check):
 * unreachable (no connection to the server), timeout (connected, no answer), lost (connection
 * dropped), keepalive (the server stopped answering SIP), certificate (TLS certificate refused),
 * auth (wrong password: 401/407 after authenticating), forbidden (403), not-found (404),
 * unavailable (5xx), refused (any other refusal).
 */
export type RegistrationCause =
  | "unreachable" | "timeout" | "lost" | "keepalive" | "certificate" | "auth" | "forbidden" | "not-found" | "unavailable" | "refused";

export type RegistrationState = "stopped" | "registering" | "registered" | "reconnecting" | "failed";

export interface RegistrationStatus {
  state: RegistrationState;
  /** Why we are not registered, in words an agent or an admin understands. */
  reason?: string;
  /** SIP status code behind the reason, when there is one (401, 403, 408, 503...). */
  code?: number;
  /** The kind of failure, for the agent's explanation; absent while registering or registered. */
  cause?: RegistrationCause;
  /** When the next attempt is due (epoch ms), while reconnecting. */
  nextAttemptAt?: number;
  at: number;
}

export type CallDirection = "inbound" | "outbound";

export type CallState = "ringing" | "dialing" | "early" | "active" | "ended";

export type EndReason =
  | "remote-hangup"
  | "local-hangup"
  /** The caller gave up while it rang: a missed call. */
  | "caller-cancelled"
  | "rejected-busy"
  | "rejected-policy"
  | "rejected-local"
  /** Refused before ringing because this desk cannot carry the offered media (plain RTP to a WebRTC desk): 488. */
  | "rejected-media"
  /** Outbound: the far end declined or failed (see sipCode). */
  | "remote-rejected"
  | "cancelled-local"
  | "transferred"
  /** Replaced by another dialog (attended transfer completed at this end). */
  | "replaced"
  | "connection-lost"
  | "failed";

export interface CallSnapshot {
  callId: string;
  direction: CallDirection;
  /** The citizen's number (inbound) or the dialled number (outbound). */
  remoteNumber: string;
  remoteDisplayName?: string;
  state: CallState;
  held: boolean;
  muted: boolean;
  /** Set on a consult call: the call it consults about. */
  consultForCallId?: string;
  /**
   * The hotline ticket this call is about: given to startConsult, received in the consult INVITE
   * (X-Hotline-Ticket), or carried over from the consult call an attended transfer replaced.
   */
  ticketId: string | null;
}

/** Options of SoftphoneService.startConsult. */
export interface ConsultOptions {
  /** Sent to the consulted party as X-Hotline-Ticket; letters, digits, "-" and "_", at most 64. */
  ticketId?: string;
}

export interface CallRecord {
  callId: string;
  direction: CallDirection;
  remoteNumber: string;
  remoteDisplayName?: string;
  /** Epoch ms. */
  invitedAt: number;
  answeredAt?: number;
  endedAt: number;
  ringMs: number;
  talkMs: number;
  holdMs: number;
  endReason: EndReason;
  /** SIP status of the final failure response, when the call failed with one. */
  sipCode?: number;
  transferTarget?: string;
  consultForCallId?: string;
  ticketId?: string;
  /** Set on a call refused for its media (488): what was wrong with the offer. */
  mediaProblem?: OfferProblem;
}

export interface IncomingCallInfo {
  callId: string;
  remoteNumber: string;
  remoteDisplayName?: string;
  /** Present when the call was refused without ringing (busy, not ready, media it cannot answer). */
  autoRejected?: { code: number; reason: EndReason; mediaProblem?: OfferProblem };
  /** The ticket the calling colleague consults about (X-Hotline-Ticket), null when none or invalid. */
  ticketId: string | null;
  /**
   * Set when the call replaces one of ours (attended transfer completed by a colleague): it is
   * answered without ringing and that call ends with reason "replaced".
   */
  replacesCallId?: string;
  at: number;
}

/** What the agent-state layer answers for a new incoming call. */
export type AcceptDecision = { action: "ring" } | { action: "reject"; code?: 480 | 486 | 603 };

export interface AcceptPolicyInput {
  remoteNumber: string;
  remoteDisplayName?: string;
  /** Calls of this softphone not yet ended. */
  activeCalls: number;
}

export type AcceptPolicy = (input: AcceptPolicyInput) => AcceptDecision;

/**
 * The BYE of a call the agent hung up while the SIP server was out of reach: queued and sent when
 * the connection is back. "pending" until then; "sent" once delivered (or the far end hung up
 * first); "failed" when it could not be delivered within the bound and the far end may still hold the line.
 */
export interface HangupSignal {
  callId: string;
  state: "pending" | "sent" | "failed";
  at: number;
}

/** What handing a connected call's media to a new owner did (see SoftphoneService.renegotiateMedia). */
export interface MediaHandover {
  callId: string;
  /**
   * kept: the owner already had the call's media, nothing to do; renegotiated: the far end took the
   * re-INVITE (the new owner's offer, or a target refresh after a reconnect); dropped: it refused or did not answer, the call ended as
   * dropped by the network; ended: the call ended meanwhile for another reason; awaiting-answer:
   * an outgoing call still ringing, whose new media goes to the far end by re-INVITE once it answers
   * (reported then as `mediaAfterAnswer`).
   */
  outcome: "kept" | "renegotiated" | "dropped" | "ended" | "awaiting-answer";
  /** From the hand-over's start to the far end's answer (or the failure). */
  ms: number;
  /** The SIP code of a refused re-INVITE. */
  sipCode?: number;
}

export interface SoftphoneEvents {
  registration: RegistrationStatus;
  incoming: IncomingCallInfo;
  call: CallSnapshot;
  ended: CallRecord;
  hangupSignal: HangupSignal;
  /** A connected call's route refreshed by re-INVITE after the SIP connection came back (or the call dropped because it could not be). */
  dialogRefreshed: MediaHandover;
  /** An outgoing call handed to a new media owner while it rang was answered: its re-INVITE with the new owner's offer went through (or the call dropped). */
  mediaAfterAnswer: MediaHandover;
}

export interface SoftphoneLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type SoftphoneErrorCode =
  | "NOT_STARTED"
  | "NOT_REGISTERED"
  | "NO_SUCH_CALL"
  | "ALREADY_ANSWERED"
  | "INVALID_STATE"
  | "INVALID_TARGET"
  | "REQUEST_FAILED";

/** Errors the UI can show as they are: the message is meant for people. */
export class SoftphoneError extends Error {
  constructor(
    readonly code: SoftphoneErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SoftphoneError";
  }
}

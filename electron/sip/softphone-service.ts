/**
 * The softphone of one agent seat, for the main process. It drives sip.js (UserAgent,
 * Registerer, Inviter, Invitation) and speaks to the rest of the app only in plain data:
 * events carry snapshots and records, methods take call ids. No sip.js object leaves this file.
 */
import { randomUUID } from "node:crypto";
import {
  Invitation,
  Inviter,
  SessionState,
  SIPExtension,
  UserAgent,
  type Core,
  type LogLevel,
  type Session,
  type URI,
} from "sip.js";
import { BridgeSessionDescriptionHandler, bridgeSdhFactory } from "./bridge-sdh.js";
import { CallLeg } from "./call-leg.js";
import { TypedEmitter } from "./emitter.js";
import { NullMediaBridge, type MediaBridge, type MediaBridgeFactory } from "./media-bridge.js";
import { RegistrationSupervisor } from "./registration.js";
import {
  SoftphoneError,
  type AcceptDecision,
  type AcceptPolicy,
  type CallSnapshot,
  type ConsultOptions,
  type EndReason,
  type IncomingCallInfo,
  type MediaHandover,
  type RegistrationStatus,
  type SoftphoneConfig,
  type SoftphoneEvents,
  type SoftphoneLogger,
} from "./types.js";
import { NodeWsTransport, type NodeWsTransportOptions } from "./ws-transport.js";

export interface SoftphoneDeps {
  logger?: SoftphoneLogger;
  /** Makes the media side of each call; tests and non-WebRTC peers use NullMediaBridge. */
  mediaBridgeFactory?: MediaBridgeFactory;
  /** Asked for every incoming call while the seat is idle; the agent-state layer plugs in here. */
  acceptPolicy?: AcceptPolicy;
}

interface ResponseLike {
  message: { statusCode?: number; reasonPhrase?: string };
}

const silentLogger: SoftphoneLogger = { debug() {}, info() {}, warn() {}, error() {} };
const DIALLABLE = /^\+?[0-9*#]{1,32}$/;
const DTMF = /^[0-9A-Da-d*#]{1,32}$/;
/** Ended calls kept so that a late click gets "already ended" instead of "no such call". */
const KEEP_ENDED = 50;
/** How long an in-dialog request waits for the ACK of our 200 before going out anyway. */
const CONFIRM_WAIT_MS = 4000;
/** Ticket ids travel in a SIP header; anything else could inject header syntax. */
const TICKET_ID = /^[A-Za-z0-9_-]{1,64}$/;
const TICKET_HEADER = "X-Hotline-Ticket";
/** How long an attended transfer waits for the caller's phone to report the outcome (final NOTIFY). */
const TRANSFER_CONFIRM_MS = 10_000;
/** See SoftphoneConfig.reconnectMaxDelayMs. */
export const DEFAULT_RECONNECT_BASE_MS = 500;
export const DEFAULT_RECONNECT_MAX_MS = 4000;
/** How long a BYE waits for the SIP server to be back before the agent is told it could not be sent. */
const BYE_QUEUE_MS = 120_000;
/** Failed sends of one queued BYE before giving up (each after a reconnect). */
const BYE_ATTEMPTS = 5;
/** Tries of a media renegotiation that met a glare (491), a far end still in its previous INVITE (500), or a re-INVITE of ours still out. */
const RENEGOTIATE_TRIES = 4;
/** How long a re-INVITE (new media, target refresh) may go unanswered before the call counts as lost. */
const REINVITE_TIMEOUT_MS = 8000;
/** Internal responses sip.js makes when a request could not be sent (503) or got no answer (408). */
const UNDELIVERED = new Set([408, 503]);

interface QueuedBye {
  leg: CallLeg;
  /** Sends the BYE once more; undefined while the session can still send its own. */
  resend: ((delegate: ByeDelegate) => void) | undefined;
  attempts: number;
  timer: NodeJS.Timeout;
}

interface ByeDelegate { onAccept(): void; onReject(response: ResponseLike): void }

export class SoftphoneService {
  private readonly emitter: TypedEmitter<SoftphoneEvents>;
  private readonly logger: SoftphoneLogger;
  private readonly bridgeFactory: MediaBridgeFactory;
  private acceptPolicy: AcceptPolicy;
  private readonly legs = new Map<string, CallLeg>();
  private readonly bridges = new WeakMap<Session, MediaBridge>();
  private ua: UserAgent | undefined;
  private supervisor: RegistrationSupervisor | undefined;
  private domain = "";
  private status: RegistrationStatus = { state: "stopped", at: Date.now() };
  private callPingMs = 30_000;
  /** BYEs of calls hung up while the SIP server was out of reach, by call id. */
  private readonly byes = new Map<string, QueuedBye>();
  /** Set when the registration is lost, cleared when it is back: then the calls' routes are refreshed. */
  private connectionLost = false;

  constructor(deps: SoftphoneDeps = {}) {
    this.logger = deps.logger ?? silentLogger;
    this.bridgeFactory = deps.mediaBridgeFactory ?? (() => new NullMediaBridge());
    this.acceptPolicy = deps.acceptPolicy ?? (() => ({ action: "ring" }));
    this.emitter = new TypedEmitter((error) => this.logger.error(`softphone listener threw: ${String(error)}`));
  }

  on<K extends keyof SoftphoneEvents>(event: K, listener: (payload: SoftphoneEvents[K]) => void): () => void {
    return this.emitter.on(event, listener);
  }

  setAcceptPolicy(policy: AcceptPolicy): void {
    this.acceptPolicy = policy;
  }

  get registration(): RegistrationStatus {
    return { ...this.status };
  }

  calls(): CallSnapshot[] {
    return [...this.legs.values()].filter((leg) => !leg.ended).map((leg) => leg.snapshot());
  }

  async start(config: SoftphoneConfig): Promise<void> {
    if (this.ua) throw new SoftphoneError("INVALID_STATE", "the softphone is already started; stop it first");
    const uri = UserAgent.makeURI(config.aor.startsWith("sip") ? config.aor : `sip:${config.aor}`);
    if (!uri?.user) throw new SoftphoneError("INVALID_TARGET", `“${config.aor}” is not a valid SIP address of record`);
    this.domain = uri.host;
    this.callPingMs = config.callKeepAliveIntervalMs ?? 30_000;
    const transportOptions: NodeWsTransportOptions = {
      server: config.wsUrl,
      connectTimeoutMs: config.connectTimeoutMs ?? 5000,
      keepAliveIntervalMs: config.keepAliveIntervalMs ?? 15_000,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs ?? 5000,
      logger: this.logger,
    };
    const ua = new UserAgent({
      uri,
      authorizationUsername: config.authorizationUsername,
      authorizationPassword: config.password,
      displayName: config.displayName ?? "",
      transportConstructor: NodeWsTransport,
      transportOptions,
      sessionDescriptionHandlerFactory: bridgeSdhFactory((session) => this.bridgeOf(session)),
      // Reconnection is ours (RegistrationSupervisor). sip.js's own is off by default
      // (reconnectionAttempts 0) and would race with it; setting the option only logs a deprecation.
      // 180 is sent only once the accept policy said "ring", so a refused call never rings.
      sendInitialProvisionalResponse: false,
      sipExtensionReplaces: SIPExtension.Supported,
      noAnswerTimeout: 120,
      userAgentString: "12345-hotline-console",
      logBuiltinEnabled: false,
      logConfiguration: false, // it would print the password
      logLevel: "warn",
      logConnector: (level: LogLevel, category: string, _label: string | undefined, content: string) => {
        const line = `sip.js ${category}: ${content}`;
        if (level === "error") this.logger.error(line);
        else if (level === "warn") this.logger.warn(line);
        else this.logger.debug(line);
      },
      delegate: {
        onInvite: (invitation) => this.guard("incoming INVITE", () => this.onInvite(invitation)),
        onDisconnect: (error) => this.supervisor?.transportLost(error),
      },
    });
    this.ua = ua;
    skipAutomaticTrying(ua);
    this.supervisor = new RegistrationSupervisor(
      ua,
      {
        expiresSec: config.registerExpiresSec ?? 300,
        baseDelayMs: config.reconnectBaseDelayMs ?? DEFAULT_RECONNECT_BASE_MS,
        maxDelayMs: config.reconnectMaxDelayMs ?? DEFAULT_RECONNECT_MAX_MS,
        sipKeepAliveIntervalMs: config.sipKeepAliveIntervalMs ?? 5000,
        sipKeepAliveTimeoutMs: config.sipKeepAliveTimeoutMs ?? 3000,
        dropTransport: (reason) => (ua.transport as NodeWsTransport).drop(reason),
      },
      this.logger,
      (status) => this.setStatus(status),
    );
    this.supervisor.start();
  }

  /** Hangs up what is still up, unregisters, disconnects. */
  async stop(): Promise<void> {
    const ua = this.ua;
    if (!ua) return;
    for (const leg of this.legs.values()) {
      if (!leg.ended) leg.pendingEndReason ??= "local-hangup";
    }
    for (const queued of this.byes.values()) clearTimeout(queued.timer);
    this.byes.clear();
    await this.supervisor?.stop();
    // sip.js waits for the BYE of every call to complete; a dead peer must not hold up quitting.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      ua.stop().catch((error: unknown) => this.logger.warn(`stopping sip.js failed: ${String(error)}`)),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.logger.warn("sip.js did not stop within 3 s; closing the connection");
          void ua.transport.dispose().catch(() => undefined).then(resolve);
        }, 3000);
      }),
    ]);
    clearTimeout(timer);
    this.ua = undefined;
    this.supervisor = undefined;
    // Sessions sip.js dropped without a state change still need their record.
    for (const leg of this.legs.values()) this.finish(leg, "local-hangup");
  }

  async answer(callId: string): Promise<void> {
    const leg = this.leg(callId);
    if (!(leg.session instanceof Invitation)) throw new SoftphoneError("INVALID_STATE", "an outgoing call cannot be answered");
    if (leg.ended) throw new SoftphoneError("INVALID_STATE", "the caller hung up before the call was answered");
    if (leg.answering || leg.state === "active") throw new SoftphoneError("ALREADY_ANSWERED", "this call has already been answered");
    leg.answering = true;
    try {
      await leg.session.accept();
    } catch (error) {
      throw this.requestFailed("answering the call failed", error);
    }
  }

  /** Declines a ringing call (486 Busy Here by default). */
  async reject(callId: string, code: 480 | 486 | 603 = 486): Promise<void> {
    const leg = this.leg(callId);
    if (!(leg.session instanceof Invitation) || leg.state !== "ringing" || leg.answering) {
      throw new SoftphoneError("INVALID_STATE", "only a ringing incoming call can be rejected");
    }
    leg.pendingEndReason = "rejected-local";
    leg.sipCode = code;
    await leg.session.reject({ statusCode: code }).catch((error: unknown) => {
      throw this.requestFailed("rejecting the call failed", error);
    });
  }

  async hangup(callId: string): Promise<void> {
    const leg = this.leg(callId);
    if (leg.ended) return;
    const session = leg.session;
    if (session instanceof Invitation && session.state === SessionState.Initial) {
      return this.reject(callId, 486);
    }
    if (session instanceof Inviter && session.state !== SessionState.Established) {
      leg.pendingEndReason = "cancelled-local";
      await session.cancel().catch((error: unknown) => this.logger.warn(`CANCEL failed: ${String(error)}`));
      return;
    }
    leg.pendingEndReason ??= "local-hangup";
    if (!this.ua?.isConnected()) {
      // sip.js would fail the BYE at once (an internal 503) and forget the dialog, leaving the
      // citizen on a dead line. The call ends for the agent now; the BYE waits for the connection.
      this.queueBye(leg, undefined);
      return;
    }
    await this.sendBye(leg);
  }

  /** Sends the BYE of an established call; one that cannot be delivered is queued for the reconnect. */
  private async sendBye(leg: CallLeg): Promise<void> {
    const dialog = leg.session.dialog;
    await leg.session.bye({
      requestDelegate: {
        onAccept: () => this.byeDone(leg.callId, "sent"),
        onReject: (response: ResponseLike) => {
          const code = response.message.statusCode ?? 0;
          if (UNDELIVERED.has(code) && dialog) this.queueBye(leg, (delegate) => dialog.bye(delegate));
          else this.byeDone(leg.callId, "sent"); // any real answer means the far end heard it
        },
      },
    }).catch((error: unknown) => {
      // The far end is unreachable; the call is over for the agent all the same.
      this.logger.warn(`BYE failed: ${String(error)}`);
      this.finish(leg, "local-hangup");
    });
  }

  private queueBye(leg: CallLeg, resend: QueuedBye["resend"]): void {
    const queued = this.byes.get(leg.callId);
    if (queued) {
      queued.resend = resend;
      queued.attempts += 1;
      if (queued.attempts >= BYE_ATTEMPTS) this.byeDone(leg.callId, "failed");
      return;
    }
    this.logger.warn(`BYE of call ${leg.callId} queued until the SIP server is reachable again`);
    const timer = setTimeout(() => this.byeDone(leg.callId, "failed"), BYE_QUEUE_MS);
    timer.unref();
    this.byes.set(leg.callId, { leg, resend, attempts: 0, timer });
    this.finish(leg, "local-hangup");
    this.emitter.emit("hangupSignal", { callId: leg.callId, state: "pending", at: Date.now() });
  }

  /** Sends every queued BYE; called when the registration is back (the connection is up). */
  private flushByes(): void {
    for (const [callId, queued] of this.byes) {
      const delegate: ByeDelegate = {
        onAccept: () => this.byeDone(callId, "sent"),
        onReject: (response) => {
          if (!UNDELIVERED.has(response.message.statusCode ?? 0)) this.byeDone(callId, "sent");
          else if (++queued.attempts >= BYE_ATTEMPTS) this.byeDone(callId, "failed");
        },
      };
      this.guard("queued BYE", () => {
        if (queued.resend) queued.resend(delegate);
        else if (queued.leg.session.state === SessionState.Established) {
          const dialog = queued.leg.session.dialog;
          // From here sip.js forgets the dialog; a second failure resends on it directly.
          queued.resend = dialog ? (d) => dialog.bye(d) : undefined;
          void queued.leg.session.bye({ requestDelegate: delegate }).catch((error: unknown) => {
            this.logger.warn(`queued BYE failed: ${String(error)}`);
            this.byeDone(callId, "failed");
          });
        } else this.byeDone(callId, "sent"); // the far end ended it meanwhile
      });
    }
  }

  private byeDone(callId: string, state: "sent" | "failed"): void {
    const queued = this.byes.get(callId);
    if (!queued) return;
    this.byes.delete(callId);
    clearTimeout(queued.timer);
    if (state === "failed") {
      this.logger.error(`BYE of call ${callId} could not be delivered; the far end may still hold the line`);
      if (queued.leg.session.state !== SessionState.Terminated) void queued.leg.session.dispose().catch(() => undefined);
    } else this.logger.info(`queued BYE of call ${callId} delivered`);
    this.emitter.emit("hangupSignal", { callId, state, at: Date.now() });
  }

  /**
   * The far end vanished without a BYE (its media connection failed): end the call as dropped by
   * the network, with a BYE in case the far end's signalling is still there (queued if the proxy
   * is down too). A call already ended is left alone.
   */
  async dropLostCall(callId: string): Promise<void> {
    const leg = this.leg(callId);
    if (leg.ended || leg.state !== "active") return;
    leg.pendingEndReason = "connection-lost";
    await this.hangup(callId);
  }

  /**
   * The renderer that carries the calls' audio changed (it reloaded, crashed and came back, or
   * another window claimed the audio). Each connected call is handed to it: it makes the call's
   * media anew (with the call's hold and mute) and the far end gets its offer by re-INVITE, so the
   * conversation goes on after a short gap as the same call. A far end that refuses the new offer
   * or does not answer leaves the call without audio: it ends as dropped by the network, and the
   * agent is told (with a call-back) like any dropped call.
   *
   * An outgoing call that still rings is handed over too: its early dialog cannot take a re-INVITE,
   * and the far end will answer the offer the old renderer made. The new renderer makes the media
   * now; the far end's answer (200 OK) is ACKed without applying it, and the new offer follows at
   * once by re-INVITE (see onAnsweredAfterHandover).
   */
  async renegotiateMedia(): Promise<MediaHandover[]> {
    const legs = [...this.legs.values()].filter((leg) => !leg.ended && (leg.state === "active" || leg.ringingOut));
    return Promise.all(legs.map((leg) => {
      // One hand-over at a time per call: a second attach waits for the first, then finds the media in place.
      const next = (leg.handover ?? Promise.resolve()).then(() => this.handOver(leg));
      leg.handover = next.then(() => undefined, () => undefined);
      return next;
    }));
  }

  private async handOver(leg: CallLeg): Promise<MediaHandover> {
    const started = Date.now();
    const done = (outcome: MediaHandover["outcome"], sipCode?: number): MediaHandover =>
      ({ callId: leg.callId, outcome, ms: Date.now() - started, ...(sipCode !== undefined ? { sipCode } : {}) });
    if (leg.ended) return done("ended");
    let fresh: boolean;
    try {
      fresh = (await leg.bridge.adopt?.({ held: leg.held, muted: leg.muted })) ?? false;
    } catch (error) {
      this.logger.warn(`call ${leg.callId}: the new media owner could not take the call (${String(error)}); ending it as dropped`);
      return this.dropAfterHandover(leg, done);
    }
    if (!fresh || leg.ended) return done(leg.ended ? "ended" : "kept");
    if (leg.ringingOut) return this.handOverRinging(leg, done);
    return this.reinvite(leg, "the new media offer", done);
  }

  /** The far end of this outgoing call has not answered: its answer to the old offer is set aside, the new offer goes once it answers. */
  private handOverRinging(leg: CallLeg, done: (outcome: MediaHandover["outcome"], sipCode?: number) => MediaHandover): MediaHandover {
    const sdh = leg.session.sessionDescriptionHandler;
    if (!(sdh instanceof BridgeSessionDescriptionHandler) || !sdh.forgetPendingOffer()) {
      // The INVITE is not out yet: its offer is still being made by the renderer that went away, and
      // fails with it (the renderer's time-out); the agent sees the call fail and can dial again.
      this.logger.warn(`call ${leg.callId}: handed to a new renderer before its INVITE went out; it fails with the old renderer's offer`);
      return done("kept");
    }
    leg.reofferOnAnswer = true;
    this.logger.info(`call ${leg.callId}: still ringing at the hand-over; the new media offer goes by re-INVITE once it is answered`);
    return done("awaiting-answer");
  }

  /** A call handed over while it rang was answered (ACKed with the old offer's answer set aside): the new media's offer goes now. */
  private onAnsweredAfterHandover(leg: CallLeg): void {
    leg.reofferOnAnswer = false;
    const started = Date.now();
    const done = (outcome: MediaHandover["outcome"], sipCode?: number): MediaHandover =>
      ({ callId: leg.callId, outcome, ms: Date.now() - started, ...(sipCode !== undefined ? { sipCode } : {}) });
    const next = (leg.handover ?? Promise.resolve()).then(() => this.reinvite(leg, "the new media offer after the answer", done));
    leg.handover = next.then(() => undefined, () => undefined);
    void next.then((h) => this.emitter.emit("mediaAfterAnswer", h))
      .catch((error: unknown) => this.logger.warn(`re-offering call ${leg.callId} after its answer failed: ${String(error)}`));
  }

  /**
   * Sends a re-INVITE with our current offer (and our Contact, over the current connection) until
   * the far end takes it; glare and a far end still busy with a previous INVITE are tried again.
   * Refused, or unanswered within REINVITE_TIMEOUT_MS, the call has lost its media or its route:
   * it ends as dropped by the network.
   */
  private async reinvite(leg: CallLeg, what: string, done: (outcome: MediaHandover["outcome"], sipCode?: number) => MediaHandover): Promise<MediaHandover> {
    const started = Date.now();
    await leg.confirmed(CONFIRM_WAIT_MS);
    for (let attempt = 1; ; attempt++) {
      if (leg.ended) return done("ended");
      let timer: NodeJS.Timeout | undefined;
      const code = await new Promise<number>((resolve) => {
        // sip.js would wait out Timer B (32 s) before giving up; the agent must not talk into silence that long.
        timer = setTimeout(() => resolve(408), REINVITE_TIMEOUT_MS);
        leg.session.invite({
          requestDelegate: { onAccept: () => resolve(200), onReject: (response: ResponseLike) => resolve(response.message.statusCode ?? 500) },
        }).catch((error: unknown) => {
          // sip.js refuses while a re-INVITE of ours (hold, resume) is still out: try again after it.
          this.logger.debug(`re-INVITE (${what}) on ${leg.callId} not sent: ${String(error)}`);
          resolve(leg.session.state === SessionState.Established ? 491 : 0);
        });
      });
      clearTimeout(timer);
      if (code >= 200 && code < 300) {
        this.logger.info(`call ${leg.callId}: the far end took ${what} in ${Date.now() - started} ms`);
        return done("renegotiated");
      }
      if (leg.ended || code === 0) return done("ended");
      if ((code === 491 || code === 500) && attempt < RENEGOTIATE_TRIES) {
        // 491: glare (RFC 3261 §14.1); 500: the far end is still in its previous INVITE transaction,
        // e.g. waiting for an ACK (RFC 5407 §3.1.5). Both ask to try again shortly; the audio is off meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt + Math.floor(Math.random() * 300)));
        continue;
      }
      this.logger.warn(`call ${leg.callId}: the far end answered ${code} to ${what}; ending it as dropped by the network`);
      leg.sipCode = code;
      return this.dropAfterHandover(leg, done, code);
    }
  }

  /**
   * The connection to the SIP server was lost and is back (registered again over a new one). The
   * proxy reaches us by the connection it saw our requests on, so the far end's route to us is
   * stale: each connected call refreshes it by a re-INVITE over the new connection (RFC 3261
   * §12.2: a target refresh). Where the PBX cannot carry it, the call ends at once as dropped by
   * the network, and the agent is offered a call-back.
   */
  private refreshDialogs(): void {
    const legs = [...this.legs.values()].filter((leg) => !leg.ended && leg.state === "active");
    for (const leg of legs) {
      const started = Date.now();
      const done = (outcome: MediaHandover["outcome"], sipCode?: number): MediaHandover =>
        ({ callId: leg.callId, outcome, ms: Date.now() - started, ...(sipCode !== undefined ? { sipCode } : {}) });
      const next = (leg.handover ?? Promise.resolve()).then(() => this.reinvite(leg, "the target refresh after a reconnect", done));
      leg.handover = next.then(() => undefined, () => undefined);
      void next.then((h) => this.emitter.emit("dialogRefreshed", h))
        .catch((error: unknown) => this.logger.warn(`refreshing call ${leg.callId} after a reconnect failed: ${String(error)}`));
    }
  }

  private async dropAfterHandover(leg: CallLeg, done: (outcome: MediaHandover["outcome"], sipCode?: number) => MediaHandover, code?: number): Promise<MediaHandover> {
    await this.dropLostCall(leg.callId).catch((error: unknown) => this.logger.warn(`ending a call without media failed: ${String(error)}`));
    return done("dropped", code);
  }

  /** Resolves once the far end accepted the re-INVITE; the call is reported held only then. */
  async hold(callId: string): Promise<void> {
    await this.setHold(this.activeLeg(callId), true);
  }

  async resume(callId: string): Promise<void> {
    await this.setHold(this.activeLeg(callId), false);
  }

  async mute(callId: string, muted: boolean): Promise<void> {
    const leg = this.activeLeg(callId);
    await leg.bridge.setMute(muted);
    leg.muted = muted;
    this.emitter.emit("call", leg.snapshot());
  }

  /** RFC 4733 through the media bridge when negotiated, otherwise one SIP INFO per tone. */
  async sendDtmf(callId: string, tones: string): Promise<"rfc4733" | "sip-info"> {
    const leg = this.activeLeg(callId);
    if (!DTMF.test(tones)) throw new SoftphoneError("INVALID_TARGET", `“${tones}” contains keys a phone does not have`);
    if (await leg.bridge.sendDtmf(tones)) return "rfc4733";
    await leg.confirmed(CONFIRM_WAIT_MS);
    for (const tone of tones.toUpperCase()) {
      await this.request("sending a key press", (requestDelegate) =>
        leg.session.info({
          requestDelegate,
          requestOptions: {
            body: { contentDisposition: "render", contentType: "application/dtmf-relay", content: `Signal=${tone}\r\nDuration=160\r\n` },
          },
        }),
      );
    }
    return "sip-info";
  }

  /** REFER the caller to target; ends our leg once the far end accepted (202). */
  async blindTransfer(callId: string, target: string): Promise<void> {
    const leg = this.activeLeg(callId);
    const uri = this.targetUri(target);
    await this.refer(leg, uri);
    leg.transferTarget = target.trim();
    leg.pendingEndReason = "transferred";
    await leg.session.bye().catch((error: unknown) => this.logger.warn(`BYE after transfer failed: ${String(error)}`));
  }

  /** Places an outbound call; resolves with its call id as soon as the INVITE is on its way. */
  async call(number: string): Promise<string> {
    return (await this.placeCall(number, null)).callId;
  }

  private async placeCall(number: string, ticketId: string | null, consultForCallId?: string): Promise<CallLeg> {
    const ua = this.ua;
    if (!ua) throw new SoftphoneError("NOT_STARTED", "the softphone is not started");
    if (!ua.isConnected()) throw new SoftphoneError("NOT_REGISTERED", "not connected to the SIP server");
    const uri = this.targetUri(number);
    const callId = randomUUID();
    const inviter = new Inviter(ua, uri, ticketId === null ? {} : { extraHeaders: [`${TICKET_HEADER}: ${ticketId}`] });
    const leg = this.addLeg(new CallLeg(callId, "outbound", number.trim(), undefined, inviter, this.bridgeFactory(callId), Date.now()));
    // Set before the first snapshot goes out, so no listener sees the leg half-made.
    leg.ticketId = ticketId;
    leg.consultForCallId = consultForCallId;
    this.emitter.emit("call", leg.snapshot());
    inviter
      .invite({
        requestDelegate: {
          onProgress: (response: ResponseLike) => {
            if (leg.state === "dialing" && (response.message.statusCode ?? 0) >= 180) {
              leg.state = "early";
              this.emitter.emit("call", leg.snapshot());
            }
          },
          onReject: (response: ResponseLike) => {
            leg.sipCode = response.message.statusCode;
            leg.pendingEndReason ??= "remote-rejected";
          },
        },
      })
      .catch((error: unknown) => {
        this.logger.warn(`INVITE failed: ${String(error)}`);
        this.finish(leg, "failed");
      });
    return leg;
  }

  /**
   * Attended transfer, step 1: hold the caller and call the consulted party. With a ticketId the
   * consult INVITE carries it (X-Hotline-Ticket) so the colleague's console can open the ticket.
   */
  async startConsult(callId: string, target: string, opts: ConsultOptions = {}): Promise<string> {
    const ticketId = opts.ticketId ?? null;
    if (ticketId !== null && !TICKET_ID.test(ticketId)) {
      throw new SoftphoneError("INVALID_TARGET", `“${ticketId}” is not a valid ticket id (1–64 letters, digits, “-” or “_”)`);
    }
    const leg = this.activeLeg(callId);
    this.targetUri(target);
    if (!leg.held) await this.setHold(leg, true);
    return (await this.placeCall(target, ticketId, callId)).callId;
  }

  /**
   * Attended transfer, step 2: REFER the caller to the consulted party with Replaces. Resolves once
   * the caller's phone reported the new call connected (final NOTIFY 2xx) and our leg to the caller
   * is released. If it reports a failure, or nothing within 10 s, this rejects and both calls stay
   * as they were (caller on hold), so the agent can take the caller back: a hotline must not drop
   * a citizen because a transfer went wrong.
   */
  async completeAttendedTransfer(consultCallId: string): Promise<void> {
    const consult = this.leg(consultCallId);
    const original = consult.consultForCallId ? this.leg(consult.consultForCallId) : undefined;
    if (!original) throw new SoftphoneError("INVALID_STATE", "this call is not a consultation");
    if (consult.state !== "active") throw new SoftphoneError("INVALID_STATE", "the consulted party has not answered");
    this.activeLeg(original.callId);

    let settle: (outcome: number | "caller-gone" | "timeout") => void = () => undefined;
    const outcome = new Promise<number | "caller-gone" | "timeout">((resolve) => (settle = resolve));
    const timer = setTimeout(() => settle("timeout"), TRANSFER_CONFIRM_MS);
    // The caller's phone may release our leg itself once connected, before or instead of the final NOTIFY.
    const onState = (state: SessionState): void => {
      if (state === SessionState.Terminated) settle("caller-gone");
    };
    original.session.stateChange.addListener(onState);
    const ended = { original: original.pendingEndReason, consult: consult.pendingEndReason };
    try {
      // Marked before the REFER goes out: the far end may hang up as soon as it has accepted it.
      original.transferTarget = consult.remoteNumber;
      original.pendingEndReason = "transferred";
      consult.transferTarget = consult.remoteNumber;
      consult.pendingEndReason = "transferred";
      await this.refer(original, consult.session, (code) => {
        if (code >= 200) settle(code);
      });
      const result = await outcome;
      if (result === "caller-gone") return;
      if (result === "timeout" || result >= 300) {
        throw new SoftphoneError("REQUEST_FAILED", result === "timeout"
          ? "the caller's phone did not confirm the transfer; the caller is still on hold"
          : `the caller could not be connected to ${consult.remoteNumber} (${result}); the caller is still on hold`);
      }
    } catch (error) {
      for (const [leg, reason] of [[original, ended.original], [consult, ended.consult]] as const) {
        if (leg.ended) continue;
        leg.pendingEndReason = reason;
        leg.transferTarget = undefined;
      }
      throw error;
    } finally {
      clearTimeout(timer);
      original.session.stateChange.removeListener(onState);
    }
    if (!original.ended) {
      await original.session.bye().catch((error: unknown) => this.logger.warn(`BYE after transfer failed: ${String(error)}`));
    }
    // The target ends the consult dialog when the caller's INVITE replaces it; clean up if it does not.
    setTimeout(() => void this.hangup(consultCallId).catch(() => undefined), 30_000).unref();
  }

  /** Attended transfer abandoned: end the consultation and take the caller off hold. */
  async cancelConsult(consultCallId: string): Promise<void> {
    const consult = this.leg(consultCallId);
    const originalId = consult.consultForCallId;
    if (!originalId) throw new SoftphoneError("INVALID_STATE", "this call is not a consultation");
    await this.hangup(consultCallId);
    const original = this.leg(originalId);
    if (!original.ended && original.held) await this.setHold(original, false);
  }

  // ---- incoming calls -------------------------------------------------------------------

  private onInvite(invitation: Invitation): void {
    const identity = invitation.assertedIdentity ?? invitation.remoteIdentity;
    const callId = randomUUID();
    const displayName = (identity.displayName ?? "").trim() || undefined;
    const leg = this.addLeg(new CallLeg(callId, "inbound", identity.uri.user ?? identity.uri.host, displayName,
      invitation, this.bridgeFactory(callId), Date.now()));
    leg.ticketId = this.incomingTicketId(invitation);
    const info = { callId, remoteNumber: leg.remoteNumber, at: leg.invitedAt, ...(displayName ? { remoteDisplayName: displayName } : {}) };

    // Media this desk cannot answer (plain RTP from a trunk without a media proxy) would ring an
    // agent who can never pick it up: refuse it at once with 488, which tells the proxy to try
    // elsewhere or transcode, not to retry here as it would after 480.
    const offer = invitation.body;
    const problem = offer && /application\/sdp/i.test(invitation.request.getHeader("Content-Type") ?? "")
      ? leg.bridge.offerProblem?.(offer) : undefined;
    if (problem) {
      this.logger.warn(`refusing the call from ${leg.remoteNumber} with 488: its offer has ${problem} (a WebRTC desk needs DTLS-SRTP and ICE; is the media proxy bypassed?)`);
      leg.pendingEndReason = "rejected-media";
      leg.sipCode = 488;
      leg.mediaProblem = problem;
      this.emitter.emit("incoming", { ...info, ticketId: leg.ticketId, autoRejected: { code: 488, reason: "rejected-media", mediaProblem: problem } });
      invitation.reject({ statusCode: 488 }).catch((error: unknown) => this.logger.warn(`488 failed: ${String(error)}`));
      return;
    }

    // sip.js matched the Replaces header to one of our dialogs (an unknown one was already answered 481).
    if (invitation.replacee) {
      this.takeOver(leg, invitation, info);
      return;
    }

    const activeCalls = [...this.legs.values()].filter((l) => !l.ended && l !== leg).length;
    let decision: AcceptDecision = { action: "reject", code: 486 };
    let reason: EndReason = "rejected-busy";
    if (activeCalls === 0) {
      reason = "rejected-policy";
      try {
        decision = this.acceptPolicy({ remoteNumber: leg.remoteNumber, activeCalls, ...(displayName ? { remoteDisplayName: displayName } : {}) });
      } catch (error) {
        this.logger.error(`accept policy threw, ringing anyway: ${String(error)}`);
        decision = { action: "ring" };
      }
    }
    if (decision.action === "reject") {
      const code = decision.code ?? 486;
      leg.pendingEndReason = reason;
      leg.sipCode = code;
      // Still reported: a refused call belongs in the call log like any other.
      this.emitter.emit("incoming", { ...info, ticketId: leg.ticketId, autoRejected: { code, reason } });
      invitation.reject({ statusCode: code }).catch((error: unknown) => this.logger.warn(`486 failed: ${String(error)}`));
      return;
    }
    this.emitter.emit("incoming", { ...info, ticketId: leg.ticketId });
    this.emitter.emit("call", leg.snapshot());
    // A listener may have answered already (auto-answer in tests): its 200 OK is on the way, a 180 now would be refused.
    if (!leg.answering) invitation.progress().catch((error: unknown) => this.logger.warn(`180 Ringing failed: ${String(error)}`));
  }

  /**
   * Attended transfer completed by a colleague: the caller's INVITE replaces our established
   * consult call. It is answered at once (the agent is already talking about this caller) and
   * inherits the consult's ticket; accept() makes sip.js send the BYE on the replaced dialog.
   */
  private takeOver(leg: CallLeg, invitation: Invitation, info: Omit<IncomingCallInfo, "ticketId">): void {
    const replaced = [...this.legs.values()].find((l) => l.session === invitation.replacee);
    if (!replaced || replaced.ended || replaced.state !== "active") {
      // RFC 3891 §3: an early or terminated dialog we did not originate is answered 481. Replacing a
      // ringing call (call pickup) is not something this console offers.
      this.logger.warn(`INVITE with Replaces for a call that is not connected (${replaced?.state ?? "unknown"}); 481`);
      leg.pendingEndReason = "failed";
      leg.sipCode = 481;
      this.emitter.emit("incoming", { ...info, ticketId: leg.ticketId, autoRejected: { code: 481, reason: "failed" } });
      invitation.reject({ statusCode: 481 }).catch((error: unknown) => this.logger.warn(`481 failed: ${String(error)}`));
      return;
    }
    leg.ticketId ??= replaced.ticketId;
    leg.answering = true;
    // The answer waits for the media (a renderer's answer to the offer): tell the proxy we are on it (see skipAutomaticTrying).
    invitation.progress({ statusCode: 100 }).catch((error: unknown) => this.logger.warn(`100 Trying failed: ${String(error)}`));
    // Set before accept(): sip.js ends the replaced session inside it, before accept() resolves.
    replaced.pendingEndReason = "replaced";
    this.logger.info(`call ${leg.callId} from ${leg.remoteNumber} replaces ${replaced.callId}`);
    this.emitter.emit("incoming", { ...info, ticketId: leg.ticketId, replacesCallId: replaced.callId });
    invitation.accept().then(() => {
      // sip.js 0.21 BYEs the replacee itself; only a session it left up needs our BYE.
      if (!replaced.ended && replaced.session.state === SessionState.Established) return replaced.session.bye();
      return undefined;
    }).catch((error: unknown) => {
      replaced.pendingEndReason = undefined;
      this.logger.warn(`taking over a replaced call failed: ${String(error)}`);
    });
  }

  /** The X-Hotline-Ticket of an incoming INVITE, when it holds one valid id. */
  private incomingTicketId(invitation: Invitation): string | null {
    const values = invitation.request.getHeaders(TICKET_HEADER).map((v) => v.trim());
    if (values.length === 0) return null;
    const [value] = values;
    if (values.length === 1 && value !== undefined && TICKET_ID.test(value)) return value;
    this.logger.warn(`ignoring invalid ${TICKET_HEADER} from ${invitation.remoteIdentity.uri.toString()}: ${JSON.stringify(values.join(", ").slice(0, 100))}`);
    return null;
  }

  // ---- plumbing -------------------------------------------------------------------------

  private addLeg(leg: CallLeg): CallLeg {
    this.legs.set(leg.callId, leg);
    this.bridges.set(leg.session, leg.bridge);
    const session = leg.session;
    session.delegate = {
      onAck: () => leg.confirm(),
      // Having a delegate makes answering our job: sip.js no longer sends the 200 itself.
      onBye: (bye) => {
        leg.pendingEndReason ??= "remote-hangup";
        bye.accept().catch((error: unknown) => this.logger.warn(`200 to BYE failed: ${String(error)}`));
      },
      onInfo: (info) => {
        this.logger.debug(`INFO on ${leg.callId}: ${info.request.body.slice(0, 80)}`);
        info.accept().catch((error: unknown) => this.logger.warn(`200 to INFO failed: ${String(error)}`));
      },
      onCancel: () => {
        leg.pendingEndReason ??= "caller-cancelled";
      },
      // The far end holding us is its business; the agent's own hold state does not change.
      onInvite: () => this.logger.debug(`re-INVITE from the far end on ${leg.callId}`),
    };
    session.stateChange.addListener((state) => this.guard("session state", () => {
      if (state === SessionState.Established) {
        leg.markAnswered(Date.now());
        this.startCallPing(leg);
        if (leg.direction === "outbound") leg.confirm();
        this.emitter.emit("call", leg.snapshot());
        if (leg.reofferOnAnswer) this.onAnsweredAfterHandover(leg);
      } else if (state === SessionState.Terminated) {
        // sip.js ends a refused INVITE's session before it hands the response to the request
        // delegate that records its SIP code (Inviter onReject): an unanswered outgoing leg ends a
        // microtask later, once the code is known, so its record says "refused, 486" and not "failed".
        if (leg.direction === "outbound" && leg.answeredAt === undefined) {
          queueMicrotask(() => this.guard("session state", () => this.finish(leg, this.fallbackEndReason(leg))));
        } else {
          this.finish(leg, this.fallbackEndReason(leg));
        }
      }
    }));
    this.pruneEnded();
    return leg;
  }

  private fallbackEndReason(leg: CallLeg): EndReason {
    if (leg.answeredAt !== undefined) return "remote-hangup";
    if (leg.direction === "outbound") return leg.sipCode !== undefined ? "remote-rejected" : "failed";
    return "failed";
  }

  /** In-dialog OPTIONS while the call is up: a far end that forgot the call (481) or went silent (408) dropped it. */
  private startCallPing(leg: CallLeg): void {
    if (this.callPingMs <= 0 || leg.pingTimer) return;
    let waiting = false;
    leg.pingTimer = setInterval(() => this.guard("call keep-alive", () => {
      const dialog = leg.session.dialog;
      if (waiting || leg.ended || !dialog || !this.ua?.isConnected()) return;
      waiting = true;
      const settle = (code: number | undefined): void => {
        waiting = false;
        // 503 is sip.js's own when it could not send (proxy down): the registration handles that, not the call.
        if (code !== 481 && code !== 408) return;
        this.logger.warn(`call ${leg.callId}: the far end answered the in-dialog OPTIONS with ${code}; ending it as dropped by the network`);
        void this.dropLostCall(leg.callId).catch((error: unknown) => this.logger.warn(`ending a lost call failed: ${String(error)}`));
      };
      // The session's dialog is sip.js's SessionDialog; its public type hides the request builder.
      const message = (dialog as unknown as Core.SessionDialog).createOutgoingRequestMessage("OPTIONS");
      this.ua.userAgentCore.request(message, {
        onAccept: () => settle(200),
        onReject: (response) => settle(response.message.statusCode),
        onRedirect: () => settle(300),
      });
    }), this.callPingMs);
    leg.pingTimer.unref();
  }

  private finish(leg: CallLeg, fallback: EndReason): void {
    if (leg.pingTimer) clearInterval(leg.pingTimer);
    leg.pingTimer = undefined;
    if (!leg.markEnded(Date.now(), fallback)) return;
    leg.bridge.close();
    this.emitter.emit("call", leg.snapshot());
    this.emitter.emit("ended", leg.record());
  }

  private pruneEnded(): void {
    const ended = [...this.legs.values()].filter((leg) => leg.ended);
    for (const leg of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) this.legs.delete(leg.callId);
  }

  private bridgeOf(session: Session): MediaBridge {
    const bridge = this.bridges.get(session);
    if (bridge) return bridge;
    this.logger.warn("session without a media bridge; using a null bridge");
    const fallback = new NullMediaBridge();
    this.bridges.set(session, fallback);
    return fallback;
  }

  private async setHold(leg: CallLeg, held: boolean): Promise<void> {
    if (leg.held === held) return;
    await leg.confirmed(CONFIRM_WAIT_MS);
    await leg.bridge.setHold(held);
    try {
      await this.request(held ? "putting the caller on hold" : "taking the caller off hold", (requestDelegate) =>
        leg.session.invite({ requestDelegate }));
    } catch (error) {
      await leg.bridge.setHold(!held);
      throw error;
    }
    leg.markHeld(held, Date.now());
    this.emitter.emit("call", leg.snapshot());
  }

  /** `onProgress` gets the status code of each sipfrag NOTIFY about the transfer (100, 180, 200, 486...). */
  private async refer(leg: CallLeg, target: URI | Session, onProgress?: (code: number) => void): Promise<void> {
    await leg.confirmed(CONFIRM_WAIT_MS);
    return this.request("transferring the call", (requestDelegate) =>
      leg.session.refer(target, {
        requestDelegate,
        // Progress of the transfer (sipfrag); accepted so the far end does not retransmit.
        onNotify: (notification) => {
          const status = notification.request.body.split("\r\n")[0] ?? "";
          this.logger.debug(`transfer progress on ${leg.callId}: ${status}`);
          void notification.accept().catch(() => undefined);
          const code = /^SIP\/2\.0 (\d{3})/.exec(status.trim())?.[1];
          if (code !== undefined) this.guard("transfer progress", () => onProgress?.(Number(code)));
        },
      }));
  }

  /** Sends one in-dialog request and resolves on 2xx, rejects with a readable error otherwise. */
  private request(
    what: string,
    send: (delegate: { onAccept: () => void; onReject: (response: ResponseLike) => void }) => Promise<unknown>,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      send({
        onAccept: () => resolve(),
        onReject: (response) => {
          const code = response.message.statusCode;
          reject(new SoftphoneError("REQUEST_FAILED", `${what} failed: the other side answered ${code ?? "?"} ${response.message.reasonPhrase ?? ""}`.trim()));
        },
      }).catch((error: unknown) => reject(this.requestFailed(`${what} failed`, error)));
    });
  }

  private targetUri(target: string): URI {
    const trimmed = target.trim();
    let uri: URI | undefined;
    if (DIALLABLE.test(trimmed)) uri = UserAgent.makeURI(`sip:${trimmed.replace(/#/g, "%23")}@${this.domain}`);
    else if (/^sips?:[^@\s]+@[^@\s]+$/i.test(trimmed)) uri = UserAgent.makeURI(trimmed);
    if (!uri) throw new SoftphoneError("INVALID_TARGET", `“${target}” is not a phone number or SIP address`);
    return uri;
  }

  private leg(callId: string): CallLeg {
    const leg = this.legs.get(callId);
    if (!leg) throw new SoftphoneError("NO_SUCH_CALL", "no such call (it may have ended long ago)");
    return leg;
  }

  private activeLeg(callId: string): CallLeg {
    const leg = this.leg(callId);
    if (leg.ended) throw new SoftphoneError("INVALID_STATE", "the call has already ended");
    if (leg.state !== "active") throw new SoftphoneError("INVALID_STATE", "the call is not connected yet");
    return leg;
  }

  private setStatus(status: Omit<RegistrationStatus, "at">): void {
    const wasRegistered = this.status.state === "registered";
    if (wasRegistered && status.state !== "registered") this.connectionLost = true;
    this.status = { ...status, at: Date.now() };
    this.emitter.emit("registration", { ...this.status });
    if (status.state === "registered" && this.byes.size > 0) this.flushByes();
    if (status.state === "registered" && this.connectionLost) {
      this.connectionLost = false;
      this.refreshDialogs();
    }
  }

  private requestFailed(what: string, error: unknown): SoftphoneError {
    if (error instanceof SoftphoneError) return error;
    return new SoftphoneError("REQUEST_FAILED", `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }

  /** sip.js callbacks run inside its transport handler: an exception here must not escape. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.logger.error(`${what} handling failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  }
}

/**
 * sip.js sends 100 Trying for every INVITE before the application sees it ("FIXME: 100 Trying send
 * should be configurable. Only required if TU will not respond in 200ms", RFC 3261 §17.2.1). This
 * service responds to every new INVITE at once, in onInvite: 180 to ring, or 486/488/481; only a
 * call that replaces another waits for its media to answer, and it sends its 100 itself (takeOver).
 * The proxy has sent its own 100 upstream already. The automatic one cost main a response build and
 * a WebSocket write (and the proxy its processing) between the INVITE and the answer, on every call.
 */
function skipAutomaticTrying(ua: UserAgent): void {
  const delegate = ua.userAgentCore.delegate;
  const onInvite = delegate.onInvite;
  if (!onInvite) return;
  delegate.onInvite = (request: Core.IncomingInviteRequest) => {
    // Only the first call, sip.js's own: a later progress({ statusCode: 100 }) reaches the prototype's trying().
    const own = request as { trying?: Core.IncomingInviteRequest["trying"] };
    own.trying = () => {
      delete own.trying;
      return undefined as unknown as Core.OutgoingResponse;
    };
    try {
      onInvite.call(delegate, request);
    } finally {
      delete own.trying;
    }
  };
}

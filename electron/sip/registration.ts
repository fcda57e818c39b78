/**
 * Keeps the agent registered: connect, REGISTER, let sip.js refresh, and when anything breaks
 * (transport lost, refresh refused or timed out) reconnect with capped exponential backoff.
 *
 * Each connection gets a fresh sip.js Registerer. A REGISTER sent on a link that died silently
 * keeps its Registerer "waiting" until Timer F (32 s) and any register() on it fails with
 * "REGISTER request already in progress"; a new Registerer has no such memory.
 */
import { Registerer, RegistererState, UserAgent } from "sip.js";
import type { RegistrationCause, RegistrationStatus, SoftphoneLogger } from "./types.js";
import { TransportConnectError } from "./ws-transport.js";

export interface RegistrationOptions {
  expiresSec: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** OPTIONS to the registrar while registered (0: off); see SoftphoneConfig.sipKeepAliveIntervalMs. */
  sipKeepAliveIntervalMs: number;
  sipKeepAliveTimeoutMs: number;
  /** Tears the connection down as if the network died; the transport then reports it lost. */
  dropTransport: (reason: string) => void;
}

/** The kind of a refused REGISTER, by its SIP code. */
export function registerFailureCause(code: number | undefined): RegistrationCause {
  if (code === 401 || code === 407) return "auth";
  if (code === 403) return "forbidden";
  if (code === 404) return "not-found";
  if (code === 408 || code === undefined) return "timeout";
  if (code >= 500) return "unavailable";
  return "refused";
}

/** Codes after which retrying with the same credentials cannot help. */
const FATAL_CODES = new Set([401, 403, 404, 407]);

export function describeRegisterFailure(code: number | undefined, phrase?: string): string {
  switch (code) {
    case 401:
    case 407:
      return "wrong username or password (the server refused the credentials: 401)";
    case 403:
      return "this account may not register this number (403 Forbidden)";
    case 404:
      return "the number is unknown to the SIP server (404)";
    case 408:
      return "the SIP server did not answer in time (408 timeout)";
    case 423:
      return "the SIP server wants a longer registration interval (423)";
    case 500:
    case 503:
      return `the SIP server is unavailable (${code})`;
    case undefined:
      return "registration failed";
    default:
      return `registration refused: ${code}${phrase ? ` ${phrase}` : ""}`;
  }
}

export class RegistrationSupervisor {
  private registerer: Registerer | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  /** Bumped by every new cycle; callbacks of older cycles see a stale value and do nothing. */
  private cycle = 0;
  private stopped = false;
  private started = false;
  private pingTimer: NodeJS.Timeout | undefined;
  /** Set when our OPTIONS went unanswered and we dropped the link: the loss that follows is the keep-alive's. */
  private keepAliveFailed = false;

  constructor(
    private readonly ua: UserAgent,
    private readonly options: RegistrationOptions,
    private readonly logger: SoftphoneLogger,
    private readonly report: (status: Omit<RegistrationStatus, "at">) => void,
  ) {}

  start(): void {
    this.report({ state: "registering" });
    void this.connectAndRegister();
  }

  /** Called by the service when sip.js reports the transport gone. */
  transportLost(error: Error | undefined): void {
    if (this.stopped) return;
    this.stopPing();
    const byKeepAlive = this.keepAliveFailed;
    this.keepAliveFailed = false;
    if (byKeepAlive) this.scheduleRetry(`the SIP server stopped answering OPTIONS keep-alives within ${this.options.sipKeepAliveTimeoutMs} ms`, undefined, "keepalive");
    else this.scheduleRetry(error?.message ?? "connection to the SIP server closed", undefined, "lost");
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopPing();
    this.cycle += 1;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const registerer = this.registerer;
    this.registerer = undefined;
    if (registerer && registerer.state === RegistererState.Registered && this.ua.isConnected()) {
      // Unregister so calls stop being routed here the moment the agent quits.
      await withTimeout(new Promise<void>((resolve) => {
        registerer.stateChange.addListener(() => resolve(), { once: true });
        registerer.unregister().catch(() => resolve());
      }), 2000);
    }
    await withTimeout(registerer?.dispose() ?? Promise.resolve(), 1000);
    this.report({ state: "stopped" });
  }

  private async connectAndRegister(): Promise<void> {
    const cycle = ++this.cycle;
    try {
      if (!this.started) {
        this.started = true;
        await this.ua.start();
      } else if (!this.ua.isConnected()) {
        await this.ua.reconnect();
      }
    } catch (error) {
      if (cycle === this.cycle && !this.stopped) {
        this.scheduleRetry(error instanceof Error ? error.message : "cannot reach the SIP server", undefined,
          error instanceof TransportConnectError ? error.kind : "unreachable");
      }
      return;
    }
    if (cycle !== this.cycle || this.stopped) return;
    await this.register(cycle);
  }

  private async register(cycle: number): Promise<void> {
    const old = this.registerer;
    this.registerer = undefined;
    if (old) {
      // dispose() unregisters a binding that is still Registered; await it (briefly) so it cannot
      // land after the new REGISTER and remove the fresh binding.
      await withTimeout(old.dispose(), 2000);
      if (cycle !== this.cycle || this.stopped) return;
    }
    const registerer = new Registerer(this.ua, {
      expires: this.options.expiresSec,
      // Refresh at 80 % of the granted time, leaving room for one slow round trip.
      refreshFrequency: 80,
      logConfiguration: false,
    });
    this.registerer = registerer;
    let lastCode: number | undefined;
    let lastPhrase: string | undefined;
    registerer.stateChange.addListener((state) => {
      if (registerer !== this.registerer || this.stopped) return;
      if (state === RegistererState.Registered) {
        this.attempt = 0;
        this.report({ state: "registered" });
        this.startPing();
      } else if (state === RegistererState.Unregistered) {
        // Either the first REGISTER or a refresh was refused, timed out or lost its transport.
        // sip.js changes state before it calls onReject, so read the code a tick later.
        this.stopPing();
        queueMicrotask(() => {
          if (registerer !== this.registerer || this.stopped) return;
          const code = lastCode;
          lastCode = undefined;
          if (code !== undefined && FATAL_CODES.has(code)) {
            this.report({ state: "failed", code, reason: describeRegisterFailure(code, lastPhrase), cause: registerFailureCause(code) });
            return;
          }
          this.scheduleRetry(describeRegisterFailure(code, lastPhrase), code, registerFailureCause(code));
        });
      }
    });
    this.report({ state: "registering" });
    const delegate = {
      onReject: (response: { message: { statusCode?: number; reasonPhrase?: string } }) => {
        lastCode = response.message.statusCode;
        lastPhrase = response.message.reasonPhrase;
      },
    };
    try {
      // The delegate sees only this first REGISTER; refresh failures arrive as Unregistered without a code.
      await registerer.register({ requestDelegate: delegate });
    } catch (error) {
      this.logger.warn(`REGISTER could not be sent: ${String(error)}`);
      if (cycle === this.cycle) this.scheduleRetry("could not send REGISTER", undefined, "lost");
    }
  }

  /**
   * OPTIONS to the registrar's domain while registered. Any answer (200, 404, 405...) proves the
   * proxy still handles SIP; none within the timeout means it does not (stopped, wedged, a dead
   * path the WebSocket has not noticed), and the connection is rebuilt at once.
   */
  private startPing(): void {
    this.stopPing();
    const { sipKeepAliveIntervalMs: every, sipKeepAliveTimeoutMs: timeout } = this.options;
    if (every <= 0) return;
    let waiting: NodeJS.Timeout | undefined;
    const ping = (): void => {
      if (waiting || this.stopped || !this.ua.isConnected()) return;
      const core = this.ua.userAgentCore;
      const self = this.ua.configuration.uri;
      const target = UserAgent.makeURI(`sip:${self.host}${self.port ? `:${self.port}` : ""}`);
      if (!target) return;
      const answered = (): void => {
        if (waiting) clearTimeout(waiting);
        waiting = undefined;
      };
      waiting = setTimeout(() => {
        waiting = undefined;
        if (this.stopped || this.pingTimer === undefined) return;
        this.logger.warn(`SIP keep-alive: OPTIONS unanswered for ${timeout} ms; reconnecting`);
        this.keepAliveFailed = true;
        this.stopPing();
        this.options.dropTransport("SIP keep-alive unanswered");
      }, timeout);
      try {
        core.request(core.makeOutgoingRequestMessage("OPTIONS", target, self, target, {}), {
          onAccept: answered,
          // sip.js answers for itself with 408/503 when it could not send or heard nothing: not the server's answer.
          onReject: (response) => { if (response.message.statusCode !== 503 && response.message.statusCode !== 408) answered(); },
          onRedirect: answered,
          onProgress: () => undefined,
          onTrying: () => undefined,
        });
      } catch (error) {
        this.logger.warn(`SIP keep-alive OPTIONS could not be sent: ${String(error)}`);
      }
    };
    this.pingTimer = setInterval(ping, every);
    this.stopPingWaiting = () => {
      if (waiting) clearTimeout(waiting);
      waiting = undefined;
    };
  }

  private stopPingWaiting: () => void = () => undefined;

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    this.stopPingWaiting();
  }

  private scheduleRetry(reason: string, code?: number, cause?: RegistrationCause): void {
    if (this.stopped) return;
    this.stopPing();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.cycle += 1;
    this.attempt += 1;
    const exp = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (this.attempt - 1));
    // Jitter so that a whole call centre does not reconnect in the same millisecond after an outage.
    const delay = Math.round(exp * (0.8 + Math.random() * 0.4));
    const status: Omit<RegistrationStatus, "at"> = { state: "reconnecting", reason, nextAttemptAt: Date.now() + delay };
    if (code !== undefined) status.code = code;
    if (cause !== undefined) status.cause = cause;
    this.report(status);
    this.logger.info(`SIP registration retry in ${delay} ms: ${reason}`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connectAndRegister();
    }, delay);
  }
}

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  if (timer) clearTimeout(timer);
}

/**
 * sip.js Transport over the `ws` package, for the Node main process.
 *
 * Why not sip.js's Web transport with `ws` as the global WebSocket: the browser API has no
 * ping/pong, so a TCP link that died without a FIN (Wi-Fi drop, NAT timeout, sleep) stays
 * "connected" until the OS gives up minutes later, and its CRLF keep-alive never checks for an
 * answer. Here every keep-alive is a WebSocket ping that must be answered in time or the socket
 * is torn down, which sip.js then sees as a disconnect. It also catches exceptions thrown while
 * handling a message, which the Web transport rethrows into the event loop.
 */
import WebSocket from "ws";
import { EmitterImpl, TransportState, type Emitter, type Transport } from "sip.js";
import type { SoftphoneLogger } from "./types.js";

/** A connect failure with its kind, so the registration can tell a certificate from a dead host. */
export class TransportConnectError extends Error {
  constructor(message: string, readonly kind: "unreachable" | "timeout" | "certificate" | "refused") {
    super(message);
    this.name = "TransportConnectError";
  }
}

const CERT_ERROR = /CERT|certificate|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i;

/** What a failed WebSocket open says about the server, from the error ws reported. */
export function connectFailureCause(error: (Error & { code?: string }) | undefined): TransportConnectError["kind"] {
  if (!error) return "unreachable";
  if (CERT_ERROR.test(error.code ?? "") || CERT_ERROR.test(error.message)) return "certificate";
  if (/timed out|timeout/i.test(error.message) || error.code === "ETIMEDOUT") return "timeout";
  if (/Unexpected server response/i.test(error.message)) return "refused";
  return "unreachable";
}

export interface NodeWsTransportOptions {
  server: string;
  connectTimeoutMs: number;
  keepAliveIntervalMs: number;
  keepAliveTimeoutMs: number;
  logger: SoftphoneLogger;
}

export class NodeWsTransport implements Transport {
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;

  private _state: TransportState = TransportState.Disconnected;
  private readonly _stateChange = new EmitterImpl<TransportState>();
  private socket: WebSocket | undefined;
  private connecting: Promise<void> | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private readonly options: NodeWsTransportOptions;

  // sip.js constructs transports as `new transportConstructor(logger, transportOptions)`.
  constructor(_sipLogger: unknown, options: NodeWsTransportOptions) {
    this.options = options;
  }

  get protocol(): string {
    return this.options.server.startsWith("wss:") ? "WSS" : "WS";
  }
  get state(): TransportState {
    return this._state;
  }
  get stateChange(): Emitter<TransportState> {
    return this._stateChange;
  }
  isConnected(): boolean {
    return this._state === TransportState.Connected;
  }

  connect(): Promise<void> {
    if (this._state === TransportState.Connected) return Promise.resolve();
    if (this.connecting) return this.connecting;
    this.connecting = new Promise<void>((resolve, reject) => {
      this.setState(TransportState.Connecting);
      const socket = new WebSocket(this.options.server, "sip", {
        handshakeTimeout: this.options.connectTimeoutMs,
        perMessageDeflate: false,
      });
      this.socket = socket;
      let opened = false;
      let lastError: (Error & { code?: string }) | undefined;
      socket.on("open", () => {
        opened = true;
        this.connecting = undefined;
        this.setState(TransportState.Connected);
        this.startKeepAlive(socket);
        resolve();
        this.safely("onConnect", () => this.onConnect?.());
      });
      socket.on("message", (data, isBinary) => this.receive(data, isBinary));
      socket.on("pong", () => this.clearPongTimer());
      socket.on("error", (error) => {
        lastError = error;
        this.options.logger.warn(`SIP WebSocket error: ${error.message}`);
      });
      socket.on("close", (code, reason) => {
        if (socket !== this.socket) return;
        this.socket = undefined;
        this.stopKeepAlive();
        const wasConnected = opened && this._state === TransportState.Connected;
        const wasDisconnecting = this._state === TransportState.Disconnecting;
        this.connecting = undefined;
        this.setState(TransportState.Disconnected);
        if (!opened) {
          const detail = lastError ? `: ${lastError.message}` : "";
          reject(new TransportConnectError(`cannot reach the SIP server at ${this.options.server}${detail}`, connectFailureCause(lastError)));
          return;
        }
        if (wasConnected && !wasDisconnecting) {
          const why = reason.length > 0 ? reason.toString() : `code ${code}`;
          this.safely("onDisconnect", () => this.onDisconnect?.(new Error(`connection to the SIP server lost (${why})`)));
        } else if (wasDisconnecting) {
          this.safely("onDisconnect", () => this.onDisconnect?.());
        }
      });
    });
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.stopKeepAlive();
    this.setState(TransportState.Disconnecting);
    await new Promise<void>((resolve) => {
      // A dead peer never completes the closing handshake: do not wait for it for long.
      const timer = setTimeout(() => socket.terminate(), 1000);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close(1000);
    });
  }

  async dispose(): Promise<void> {
    await this.disconnect();
  }

  send(message: string): Promise<void> {
    const socket = this.socket;
    if (!socket || this._state !== TransportState.Connected) {
      return Promise.reject(new Error("not connected to the SIP server"));
    }
    return new Promise((resolve, reject) => socket.send(message, (error) => (error ? reject(error) : resolve())));
  }

  /** Kills the socket as if the network vanished; used when the app knows the link is gone. */
  drop(reason: string): void {
    this.options.logger.warn(`SIP WebSocket dropped: ${reason}`);
    this.socket?.terminate();
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    const text = Buffer.isBuffer(data) ? data.toString("utf8")
      : Array.isArray(data) ? Buffer.concat(data).toString("utf8")
      : Buffer.from(data).toString("utf8");
    if (/^(\r\n)+$/.test(text)) return; // CRLF keep-alive answer
    if (this._state !== TransportState.Connected) return;
    if (isBinary) this.options.logger.debug("SIP message arrived as a binary frame; decoded as UTF-8");
    // A message that breaks sip.js (malformed, unexpected) is dropped and logged: one bad packet
    // from the network must not take the console down.
    this.safely("onMessage", () => this.onMessage?.(text), text);
  }

  private startKeepAlive(socket: WebSocket): void {
    if (this.options.keepAliveIntervalMs <= 0) return;
    this.pingTimer = setInterval(() => {
      if (this.pongTimer) return;
      this.pongTimer = setTimeout(() => {
        this.pongTimer = undefined;
        this.drop(`no answer to keep-alive within ${this.options.keepAliveTimeoutMs} ms`);
      }, this.options.keepAliveTimeoutMs);
      try {
        socket.ping();
      } catch (error) {
        this.drop(`keep-alive failed: ${String(error)}`);
      }
    }, this.options.keepAliveIntervalMs);
  }

  private clearPongTimer(): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  private stopKeepAlive(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    this.clearPongTimer();
  }

  private setState(state: TransportState): void {
    if (this._state === state) return;
    this._state = state;
    this.safely("stateChange", () => this._stateChange.emit(state));
  }

  private safely(what: string, fn: () => void, message?: string): void {
    try {
      fn();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const head = message === undefined ? "" : ` (message starts: ${JSON.stringify(message.slice(0, 120))})`;
      this.options.logger.warn(`SIP ${what} failed and was ignored: ${detail}${head}`);
    }
  }
}

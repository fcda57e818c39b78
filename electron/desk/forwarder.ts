import WebSocket from 'ws';
import {
  CLOCK_SKEW_WARN_MS, CLOSE_CONTRACT_MISMATCH, contractVersion, deskLocalRequests, deskMainOnlyRequests, hello, isEventName, isRequestName, readServerFrame, requestNames,
  sessionEffects, type ContractError, type EventName, type RequestName, type Result, type SessionEndReason, type SessionInfo, type SignedIn,
} from '../../shared/contract';
import type { Connection, RequestRouter } from '../rpc/dispatcher';
import type { Logger } from '../log';
import { DeskStore } from '../store/desk-store';
import { DeskOffline, type SeatProvisioner } from './offline';
import type { DeskRecordingSource } from '../services/recordings';

/** A center address the desk was configured with was refused; the message is for the person starting it. */
export class CenterConfigError extends Error {}

export interface CenterOptions {
  /**
   * ws(s)://host:port/rpc?token=… or the http(s)://host:port/#token=… address host mode prints;
   * several, separated by commas, name the servers of one center: a desk that loses one goes on
   * with the next.
   */
  url: string;
  /** PEM certificate(s) the center's certificate must chain to (wss); the system's roots when left out. */
  ca?: string | Buffer;
  /** The desk's clock (tests set it off to play a desk whose time is wrong). @default Date.now */
  clock?: () => number;
  /** How long one connection attempt (TCP, TLS, upgrade, hello) may take. */
  connectTimeoutMs?: number;
  /** Longest wait between reconnect attempts. */
  maxRetryMs?: number;
  /**
   * A ping every this many ms; a center that has not answered two in a row is taken as gone (a
   * cut that sends no reset, such as a pulled cable or a dead NAT entry, would otherwise hang).
   */
  heartbeatMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
// Room for one workbook import plus the envelope, as the center's binding allows.
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** The WebSocket address of a center; plain ws only to this machine (TLS for any other address). */
export function centerSocketUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new CenterConfigError(`中心地址无效：${raw.slice(0, 200)}（例如 wss://center.example:8443/rpc）`);
  }
  const scheme = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' }[u.protocol];
  if (!scheme) throw new CenterConfigError(`中心地址应以 wss:// 或 https:// 开头（收到 ${u.protocol}）`);
  if (scheme === 'ws:' && !LOOPBACK.has(u.hostname)) {
    throw new CenterConfigError(`连接 ${u.hostname} 上的中心必须使用加密连接（wss:// 或 https://）`);
  }
  const out = new URL(`${scheme}//${u.host}${u.pathname === '/' ? '/rpc' : u.pathname}${u.search}`);
  const hashToken = new URLSearchParams(u.hash.slice(1)).get('token');
  if (hashToken && !out.searchParams.has('token')) out.searchParams.set('token', hashToken);
  return out.toString();
}

/** Every server address of a center, in the order given (at least one). */
export function centerSocketUrls(raw: string): string[] {
  const urls = raw.split(',').map((u) => u.trim()).filter(Boolean).map(centerSocketUrl);
  if (urls.length === 0) throw new CenterConfigError('中心地址为空（例如 wss://center.example:8443/rpc）');
  return urls;
}

/** Where each request runs on a desk in center mode, built from the contract's names and its desk list. */
export const routeOf: Readonly<Record<RequestName, 'desk' | 'center' | 'refused'>> = Object.fromEntries(
  requestNames.map((n) => [n,
    (deskLocalRequests as readonly RequestName[]).includes(n) ? 'desk' : (deskMainOnlyRequests as readonly RequestName[]).includes(n) ? 'refused' : 'center']),
) as Record<RequestName, 'desk' | 'center' | 'refused'>;

const unreachable = (reason: string): Result<never> => ({ ok: false, error: { code: 'center_unreachable', details: { reason } } });

/** What the desk's offline layer hears from a channel. */
export interface ChannelHooks {
  /** The channel is open (hello answered, sign-in resumed) or went down. */
  onState?: (channel: CenterChannel) => void;
  /** A session token passed (sign-in, resume) with the session it stands for; null session = ended. */
  onSession?: (token: string, session: SessionInfo | null) => void;
  /** An event from the center, before it goes on to the window (and before session.ended signs the channel out). */
  onEvent?: (channel: CenterChannel, name: EventName, payload: unknown) => void;
  /**
   * After the hello, before the channel resumes its token: true when the hook took care of the
   * sign-in (an offline one made real, or ended), so the token is not resumed as it is.
   */
  beforeResume?: (channel: CenterChannel) => Promise<boolean>;
}

/**
 * One renderer connection's link to the center: its own WebSocket, so the center sees one
 * connection per renderer, as it would if the renderer spoke to it directly. Keeps the session
 * token it has seen pass and resumes with it after a reconnect.
 */
export class CenterChannel {
  private ws: WebSocket | null = null;
  private state: 'connecting' | 'open' | 'down' | 'mismatch' | 'closed' = 'down';
  private settled: Promise<void> = Promise.resolve();
  private readonly pending = new Map<number, (r: Result<unknown>) => void>();
  private nextId = 1;
  private retry = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private token: string | null = null;
  private mismatch: ContractError | null = null;
  private lastFailure = 'not_connected';
  private heartbeat: NodeJS.Timeout | null = null;
  /** Which of the center's servers this channel tries; the next one after a failure or a loss. */
  private server = 0;
  private skew: number | null = null;

  constructor(
    private readonly urls: readonly string[], private readonly opts: CenterOptions, readonly conn: Connection, private readonly log: Logger,
    private readonly hooks: ChannelHooks = {},
  ) {}

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** This desk's clock minus the center's (ms) at the last hello that said the center's time; null before one. */
  get clockSkewMs(): number | null {
    return this.skew;
  }

  /** From the center's clock in its hello, taken to be read halfway between our hello and its answer. */
  private noteClock(centerNow: string, sentAt: number): void {
    const at = Date.parse(centerNow);
    if (!Number.isFinite(at)) return;
    const now = (this.opts.clock ?? Date.now)();
    const skew = Math.round((sentAt + now) / 2 - at);
    const wrong = Math.abs(skew) >= CLOCK_SKEW_WARN_MS;
    if (wrong && (this.skew === null || Math.abs(this.skew) < CLOCK_SKEW_WARN_MS)) {
      this.log.warn('desk: this computer\'s clock is off from the center\'s', { skewMs: skew, center: centerNow });
    }
    this.skew = skew;
  }

  connect(): void {
    if (this.state === 'closed' || this.state === 'connecting' || this.state === 'open') return;
    this.state = 'connecting';
    let done!: () => void;
    this.settled = new Promise<void>((r) => { done = r; });
    const timeout = this.opts.connectTimeoutMs ?? 5000;
    const url = this.urls[this.server % this.urls.length]!;
    const ws = new WebSocket(url, { ca: this.opts.ca, handshakeTimeout: timeout, maxPayload: MAX_MESSAGE_BYTES });
    this.ws = ws;
    // The hello must come back within the same time; a silent peer is not a center.
    const helloTimer = setTimeout(() => { this.lastFailure = 'no_hello'; ws.terminate(); }, timeout);
    let helloSentAt = 0;
    ws.on('open', () => {
      helloSentAt = (this.opts.clock ?? Date.now)();
      ws.send(JSON.stringify(hello()));
      let missed = 0;
      ws.on('pong', () => { missed = 0; });
      this.heartbeat = setInterval(() => {
        if (++missed > 2) {
          this.lastFailure = 'no_heartbeat';
          this.log.warn('desk: the center stopped answering pings');
          ws.terminate();
          return;
        }
        ws.ping();
      }, this.opts.heartbeatMs ?? 5000);
      this.heartbeat.unref?.();
    });
    ws.on('message', (raw) => {
      const frame = readServerFrame(raw.toString());
      if (!frame) {
        this.log.warn('desk: unreadable frame from the center');
        return;
      }
      if ('hello' in frame) {
        clearTimeout(helloTimer);
        if (frame.hello.error || frame.hello.contract !== contractVersion()) {
          this.mismatch = frame.hello.error ?? { code: 'contract_mismatch', details: { ours: contractVersion(), peer: frame.hello.contract } };
          this.state = 'mismatch';
          this.log.error('desk: the center speaks another contract version', { ours: contractVersion(), center: frame.hello.contract });
          ws.close(CLOSE_CONTRACT_MISMATCH, 'contract_mismatch');
          done();
          return;
        }
        this.retry = 0;
        if (frame.hello.now) this.noteClock(frame.hello.now, helloSentAt);
        void this.opened().finally(done);
      } else if ('result' in frame) {
        if (typeof frame.id !== 'number') return;
        this.pending.get(frame.id)?.(frame.result);
        this.pending.delete(frame.id);
      } else if (isEventName(frame.event)) {
        this.hooks.onEvent?.(this, frame.event, frame.payload);
        if (frame.event === 'session.ended') this.signOut();
        if (frame.event === 'session.changed') this.conn.session = frame.payload as SessionInfo;
        this.conn.send(frame.event, frame.payload as never);
      }
    });
    ws.on('error', (e) => {
      this.lastFailure = (e as NodeJS.ErrnoException).code ?? 'socket_error';
      this.log.warn('desk: center connection error', { error: e.message });
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = null;
      this.ws = null;
      // A request in flight may or may not have run at the center: say so, never resend.
      for (const p of this.pending.values()) p({ ok: false, error: { code: 'disconnected' } });
      this.pending.clear();
      if (this.state === 'connecting' || this.state === 'open') {
        const wasOpen = this.state === 'open';
        // That server failed or went: the next attempt goes to the next one of the center.
        this.server++;
        if (wasOpen && this.urls.length > 1) this.retry = 0;
        this.state = 'down';
        if (wasOpen) this.hooks.onState?.(this);
        const wait = Math.min(this.opts.maxRetryMs ?? 5000, 250 * 2 ** this.retry++);
        this.retryTimer = setTimeout(() => { this.retryTimer = null; this.connect(); }, wait);
      }
      done();
    });
  }

  /** After the hello: the sign-in this renderer had resumes before any of its requests is sent. */
  private async opened(): Promise<void> {
    if (this.hooks.beforeResume && await this.hooks.beforeResume(this)) {
      // Taken care of (an offline sign-in made real at the center, or ended).
    } else if (this.token) {
      const token = this.token;
      const r = await this.send('session.resume', { token });
      if (r.ok) {
        this.conn.session = r.value as SessionInfo;
        this.hooks.onSession?.(token, this.conn.session);
      } else if (r.error.code === 'session_expired') {
        this.signOut();
        this.conn.send('session.ended', { reason: 'expired' });
      }
    }
    if (this.state === 'connecting') {
      this.state = 'open';
      this.hooks.onState?.(this);
    }
  }

  private signOut(): void {
    if (this.token) this.hooks.onSession?.(this.token, null);
    this.token = null;
    this.conn.session = null;
  }

  /**
   * A sign-in the desk confirmed while the center was out of reach (a window reloaded offline):
   * the channel carries the token, and resumes it at the center once it is back.
   */
  adoptOffline(token: string, session: SessionInfo): void {
    this.token = token;
    this.conn.session = session;
  }

  /** The session token this channel carries (to resume after a reconnect), if signed in. */
  get sessionToken(): string | null {
    return this.token;
  }

  /** A sign-in made at the center on the desk's behalf (an offline one made real): carried from now on. */
  adoptOnline(token: string, session: SessionInfo): void {
    this.token = token;
    this.conn.session = session;
    this.hooks.onSession?.(token, session);
  }

  /** Ends the sign-in this channel carries, telling the window why (the desk decided, not the center). */
  endSession(reason: SessionEndReason): void {
    this.token = null;
    this.conn.session = null;
    this.conn.send('session.ended', { reason });
  }

  /** Sends one frame to the open center; a reply, or center_unreachable / disconnected. */
  send(name: string, input: unknown): Promise<Result<unknown>> {
    const ws = this.ws;
    if (!ws || ws.readyState !== ws.OPEN) return Promise.resolve(unreachable(this.lastFailure));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      ws.send(JSON.stringify({ id, name, input }), (e) => {
        if (e && this.pending.delete(id)) resolve(unreachable('send_failed'));
      });
    });
  }

  async request(name: RequestName, input: unknown): Promise<Result<unknown>> {
    if (this.state === 'down' && !this.retryTimer) this.connect();
    if (this.state === 'connecting') await this.settled;
    if (this.state === 'mismatch' && this.mismatch) return { ok: false, error: this.mismatch };
    if (this.state !== 'open') return unreachable(this.lastFailure);
    const r = await this.send(name, input);
    this.follow(name, input, r);
    return r;
  }

  /** Keeps the desk's view of the sign-in (token, session) in step with what passed through. */
  private follow(name: RequestName, input: unknown, r: Result<unknown>): void {
    const effect = (sessionEffects as Partial<Record<RequestName, string>>)[name];
    if (!effect || !r.ok) return;
    if (effect === 'ended') return this.signOut();
    if (effect === 'signed_in') {
      const { token, ...session } = r.value as SignedIn;
      this.token = token;
      this.conn.session = session;
      this.hooks.onSession?.(token, session);
      return;
    }
    if (name === 'session.resume') this.token = (input as { token: string }).token;
    this.conn.session = r.value as SessionInfo | null;
    if (r.value === null) this.signOut();
    else if (this.token) this.hooks.onSession?.(this.token, this.conn.session);
  }

  close(): void {
    this.state = 'closed';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.close();
  }
}

/**
 * A desk in center mode: the one layer between the desk's bindings and the center. Every contract
 * request is forwarded unchanged, except the desk-local ones (shared/contract/wire.ts
 * deskLocalRequests), which this desk's own dispatcher serves; events of both reach the renderer.
 */
export class CenterForwarder implements RequestRouter {
  private readonly channels = new Map<string, CenterChannel>();
  private readonly urls: string[];
  /** The outbox and caches that keep this desk working while the center is down (with a desk store). */
  readonly offline: DeskOffline | null;

  constructor(
    private readonly local: RequestRouter, private readonly opts: CenterOptions, private readonly log: Logger, store?: DeskStore,
    provision?: SeatProvisioner, recordings?: DeskRecordingSource,
  ) {
    this.urls = centerSocketUrls(opts.url);
    this.offline = store
      ? new DeskOffline({ store, local, log, center: this.urls.map((u) => new URL(u).host).join(', '), channels: () => this.channels.values(), provision, recordings })
      : null;
  }

  attach(connection: Connection): void {
    const offline = this.offline;
    // The desk's own phone events pass through here on their way to the renderer, so that the
    // center hears how this seat's phone is (seat.report): everything else of the connection is the renderer's.
    const tap: Connection = offline
      ? Object.create(connection, {
        send: { value: (name: EventName, payload: unknown) => { offline.onLocalEvent(connection, name, payload); connection.send(name, payload as never); } },
      }) as Connection
      : connection;
    this.local.attach(tap);
    const hooks: ChannelHooks = offline
      ? {
        onState: (c) => offline.onState(c), onSession: (token, session) => offline.onSession(token, session), onEvent: (c, name, payload) => offline.onCenterEvent(c, name, payload),
        beforeResume: (c) => offline.beforeResume(c),
      }
      : {};
    const channel = new CenterChannel(this.urls, this.opts, connection, this.log, hooks);
    this.channels.set(connection.id, channel);
    channel.connect();
  }

  detach(connectionId: string): void {
    this.local.detach(connectionId);
    this.channels.get(connectionId)?.close();
    this.channels.delete(connectionId);
  }

  async dispatch(connection: Connection, name: unknown, input: unknown): Promise<Result<unknown>> {
    // Unknown names get the dispatcher's refusal; desk-local requests run here under the session the center gave.
    // A user's SIP password is for this process only (it registers the phone), never for a renderer.
    if (isRequestName(name) && routeOf[name] === 'refused') return { ok: false, error: { code: 'forbidden' } };
    const channel = this.channels.get(connection.id);
    // The phone runs on this desk with the account the center has for this user: taken when the
    // window asks whether there is one (a fresh desk would otherwise say 未配置电话 and offer no
    // sign-in) and again before the phone registers. Offline, what the desk last took stands.
    if ((name === 'phone.status' || name === 'phone.signIn') && channel && this.offline) await this.offline.provisionSeat(channel);
    if (!isRequestName(name) || routeOf[name] === 'desk') return this.local.dispatch(connection, name, input);
    if (!channel) return unreachable('not_attached');
    return this.offline ? this.offline.dispatch(channel, name, input) : channel.request(name, input);
  }

  close(): void {
    this.offline?.close();
    for (const c of this.channels.values()) c.close();
    this.channels.clear();
  }
}

/** A desk of a center with its own desk.sqlite (outbox, drafts, caches) in the data folder. */
export function openDesk(
  local: RequestRouter, opts: CenterOptions, log: Logger, dataDir: string, provision?: SeatProvisioner, recordings?: DeskRecordingSource,
): { forwarder: CenterForwarder; close(): void } {
  const store = DeskStore.open(dataDir);
  const forwarder = new CenterForwarder(local, opts, log, store, provision, recordings);
  return { forwarder, close: () => { forwarder.close(); store.close(); } };
}

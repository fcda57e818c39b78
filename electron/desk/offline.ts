import { randomBytes } from 'node:crypto';
import {
  type ContractError, type DeskSync, type EventPayload, type SessionEndReason, type SignedIn, type PhoneCall, type PhoneRegistration, type SeatCommand, type PhoneStatus, type RequestName, type Result, type ScreenPop, type SessionInfo,
  type SipAccountForDesk, type TicketCreated, type TicketCreateInput,
} from '../../shared/contract';
import { normalizePhone } from '../../shared/domain/phone';
import type { AgentState, AgentStateName } from '../../shared/domain/agent-state';
import { accessRefusal, parseRequestInput, type Connection, type RequestRouter } from '../rpc/dispatcher';
import type { Logger } from '../log';
import { isAgentWrite, outboxView, type DeskStore, type OutboxRow } from '../store/desk-store';
import type { CallSink, DeskCallRecord } from '../phone/phone-service';
import { uuidv7 } from '../util/ids';
import { jitteredMs } from '../util/jitter';
import { OfflineSignIn } from './offline-signin';
import type { CenterChannel } from './forwarder';
import { RecordingUploader } from './recording-upload';
import type { DeskRecordingSource } from '../services/recordings';

/**
 * What keeps a desk working when its center cannot be reached (issue "center mode", part 4):
 * - writes the desk can take offline (shared/contract/desk.ts outboxRequests: registering an
 *   appeal) go through the outbox in desk.sqlite with an id made here, and are replayed in order
 *   when the center is back; the center answers a replayed id with the ticket already made, so
 *   each is registered exactly once whatever was lost in between;
 * - a write the center refuses on replay stays, marked, for the agent to correct or discard;
 * - drafts are the desk's own (they survive a cut and a crash of either side);
 * - reference data, the knowledge base and call scripts (each query as last answered), the
 *   outreach events (an outreach laptop registers at an event offline) and the
 *   recent callers' screen pops are cached from the center's answers and served from the cache
 *   while it is down;
 * - a sign-in the center confirmed survives a reload of the window while offline;
 * - this seat's finished calls go to the center through the same outbox (seat.recordCall);
 * - a user who signed in online on this desk recently may sign in while the center is down
 *   (offline-signin.ts); the desk makes that sign-in real at the center when it answers again,
 *   and what was saved under it is sent only then (beforeResume).
 * Everything else answers center_unreachable, which the renderer says in Chinese.
 */

/** Errors after which a write may still reach the center later: it stays waiting. */
const TRANSIENT = new Set<ContractError['code']>(['center_unreachable', 'disconnected', 'store_unavailable', 'store_timeout', 'store_full', 'internal']);
const isTransient = (e: ContractError) => TRANSIENT.has(e.code);
/** How long a save waits for its own reply from a reachable center before it is answered as queued. */
const DIRECT_SEND_WAIT_MS = 8000;
/**
 * A seat's phone is reported to the center every 45–75 s besides every change (the center believes
 * a report 3 minutes), drawn anew each time so that desks started together do not report together.
 */
const SEAT_REPORT_MIN_MS = 45_000;
const SEAT_REPORT_MAX_MS = 75_000;
/** A replay that stopped on a transient error is tried again after this long (while online). */
const RETRY_MS = 5000;

export interface DeskOfflineOptions {
  store: DeskStore;
  /** The desk's own dispatcher (phone state: a call's number for its screen pop). */
  local: RequestRouter;
  log: Logger;
  /** host:port of the center, for the header's tooltip. */
  center: string;
  /** The channels of this desk's windows (the forwarder's), to send from and to tell. */
  channels: () => Iterable<CenterChannel>;
  /** Keeps the SIP account the center gave a user in the desk's own store (the phone registers from here). */
  provision?: SeatProvisioner;
  /** This desk's call recordings, sent to the center when each call ends (issue 15.1). */
  recordings?: DeskRecordingSource;
}

export type SeatProvisioner = (session: SessionInfo, account: SipAccountForDesk | null) => Promise<void>;

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const refusal = (error: ContractError): Result<never> => ({ ok: false, error });

/** What the desk tells the center of one seat (seat.report), with the call's id to match its end. */
interface SeatReport {
  agent: AgentStateName;
  registered: boolean;
  reason: string | null;
  since?: string;
  call: { callId: string; direction: PhoneCall['direction']; remote: string; state: PhoneCall['state']; held: boolean; ticketId: string | null } | null;
}

/** How long a session made offline on a desk is answered as valid (the center's confirmation ends or replaces it sooner). */
const OFFLINE_SESSION_MS = 12 * 3600_000;
/** The center's answers to a sign-in that mean the password or the account is no longer good. */
const SIGNIN_REFUSED = new Set<ContractError['code']>(['login_failed', 'account_disabled']);

export class DeskOffline implements CallSink {
  private readonly signin: OfflineSignIn;
  /**
   * Offline sign-ins to make real at the center once it answers, by their token: the password is
   * kept in this process's memory only, until then (never on disk: after a restart the user signs
   * in again, offline_unconfirmed).
   */
  private readonly toConfirm = new Map<string, { username: string; password: string }>();
  /** Offline tokens the center has confirmed, with the center's token: a window reloaded with the old one resumes the new. */
  private readonly confirmed = new Map<string, string>();
  private readonly flushing = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private retryTimer: NodeJS.Timeout | null = null;
  private lastOnline = false;

  /** Sends this desk's recordings to the center (with a recording source). */
  readonly uploads: RecordingUploader | null;

  constructor(private readonly o: DeskOfflineOptions) {
    this.signin = new OfflineSignIn(o.store, o.store.now);
    this.uploads = o.recordings
      ? new RecordingUploader({ store: o.store, source: o.recordings, channelOf: (userId) => this.channelOf(userId), log: o.log, now: o.store.now })
      : null;
  }

  private get online(): boolean {
    for (const c of this.o.channels()) if (c.isOpen) return true;
    return false;
  }

  /** The header's line for one window. */
  /** The header's line for one window: its session, and the token it carries (an offline sign-in's is the desk's own). */
  status(session: SessionInfo | null, token: string | null): DeskSync {
    const counts = this.o.store.counts(session?.user.id ?? null);
    const offlineSignIn = session !== null && token !== null && this.o.store.isOfflineSession(token);
    let clockSkewMs: number | null = null;
    for (const c of this.o.channels()) if (c.clockSkewMs !== null) clockSkewMs = c.clockSkewMs;
    return { mode: 'center', online: this.online, ...counts, lastSyncAt: this.o.store.getMeta('last_sync_at'), center: this.o.center, offlineSignIn, clockSkewMs };
  }

  /** Tells every window its line (online changed, or an outbox did). */
  broadcast(): void {
    for (const c of this.o.channels()) c.conn.send('desk.sync', this.status(c.conn.session, c.sessionToken));
  }

  // ---- hooks from the channels --------------------------------------------------------------

  onState(channel: CenterChannel): void {
    const online = this.online;
    if (online !== this.lastOnline) {
      this.lastOnline = online;
      this.o.log.info(online ? 'desk: center reachable' : 'desk: center unreachable');
    }
    this.broadcast();
    const userId = channel.conn.session?.user.id;
    if (channel.isOpen && userId) {
      void this.flush(userId);
      void this.reportSeat(userId);
      void this.uploads?.kick();
    }
  }

  onSession(token: string, session: SessionInfo | null): void {
    if (session) {
      this.o.store.rememberSession(token, session);
      // A window that signs in (again) sends what its user left waiting, also from before a restart.
      void this.flush(session.user.id).then(() => this.broadcast());
      void this.uploads?.kick();
    } else this.o.store.forgetSession(token);
  }

  // ---- requests -----------------------------------------------------------------------------

  /** Requests this layer answers or shapes; anything else goes to the center as it is. */
  async dispatch(channel: CenterChannel, name: RequestName, input: unknown): Promise<Result<unknown>> {
    const conn = channel.conn;
    switch (name) {
      case 'desk.status': case 'desk.outbox': case 'desk.outboxDiscard': case 'desk.outboxInput':
      case 'drafts.get': case 'drafts.save': case 'drafts.discard':
        return this.deskOwn(conn, name, input, channel.sessionToken);
      case 'tickets.create':
        return this.create(channel, input);
      case 'session.login':
        return this.login(channel, input);
      case 'app.info': {
        // The sign-in screen needs it: the center's last answer is kept for a desk started offline.
        const r = await channel.request(name, input);
        if (r.ok) this.o.store.setMeta('app_info', JSON.stringify(r.value));
        const cached = this.o.store.getMeta('app_info');
        return !r.ok && r.error.code === 'center_unreachable' && cached ? ok(JSON.parse(cached) as unknown) : r;
      }
      case 'session.changePassword': {
        const r = await channel.request(name, input);
        const parsed = parseRequestInput('session.changePassword', input);
        if (r.ok && parsed.ok) this.remember(parsed.value.newPassword, r.value as SessionInfo);
        return r;
      }
      case 'session.logout': {
        const token = channel.sessionToken;
        if (!token || !this.o.store.isOfflineSession(token)) return channel.request(name, input);
        // A sign-in the center never saw ends here.
        this.toConfirm.delete(token);
        this.o.store.forgetSession(token);
        this.o.store.audit(conn.session?.user.id ?? null, 'offline.logout');
        channel.endSession('logout');
        this.broadcast();
        return ok(null);
      }
      case 'session.resume':
        return this.resume(channel, input);
      case 'session.current': {
        const r = await channel.request(name, input);
        return r.ok || r.error.code !== 'center_unreachable' ? r : ok(conn.session);
      }
      case 'reference.get':
        return this.readThrough(conn, channel, name, input, (userId, value) => this.o.store.cacheReference(userId, value), (userId) => this.o.store.cachedReference(userId));
      case 'phone.screenPop':
        return this.screenPop(channel, input);
      // The knowledge base and call scripts as last answered, for the agent who is offline; and the
      // outreach events as last answered, for the outreach laptop (its fast intake saves through the outbox).
      case 'knowledge.search': case 'knowledge.get': case 'scripts.list': case 'outreach.list': case 'outreach.get':
        return this.readThrough(conn, channel, name, input,
          (userId, value) => this.o.store.cacheAnswer(userId, name, input, value), (userId) => this.o.store.cachedAnswer(userId, name, input));
      default:
        return channel.request(name, input);
    }
  }

  /** The dispatcher's own checks (input schema, access) for what this layer answers itself. */
  private admit(conn: Connection, name: RequestName, input: unknown): Result<{ session: SessionInfo; input: unknown }> {
    const parsed = parseRequestInput(name, input);
    if (!parsed.ok) return parsed;
    const refused = accessRefusal(name, conn.session);
    if (refused || !conn.session) return refusal(refused ?? { code: 'unauthenticated' });
    return ok({ session: conn.session, input: parsed.value });
  }

  private deskOwn(conn: Connection, name: RequestName, input: unknown, token: string | null): Result<unknown> {
    const a = this.admit(conn, name, input);
    if (!a.ok) return a;
    const userId = a.value.session.user.id;
    const i = a.value.input as { id?: string; key?: string; data?: string };
    const store = this.o.store;
    switch (name) {
      case 'desk.status': return ok(this.status(a.value.session, token));
      case 'desk.outbox': return ok(store.outbox(userId).map(outboxView));
      case 'desk.outboxDiscard': {
        if (!store.discard(userId, i.id!)) return refusal({ code: 'not_found' });
        this.o.log.info('desk: outbox write discarded by the agent', { outboxId: i.id });
        this.broadcast();
        return ok(null);
      }
      case 'desk.outboxInput': {
        const row = store.outboxItem(userId, i.id!);
        return row ? ok(row.input) : refusal({ code: 'not_found' });
      }
      case 'drafts.get': return ok(store.getDraft(userId, i.key!));
      case 'drafts.save': return ok(store.saveDraft(userId, i.key!, i.data!));
      case 'drafts.discard': store.discardDraft(userId, i.key!); return ok(null);
      default: return refusal({ code: 'unknown_request' });
    }
  }

  /**
   * Registers an appeal through the outbox. Reachable center and nothing older waiting: sent at
   * once, and its answer (the number, or a refusal the agent corrects in the form) comes back as
   * usual. Otherwise it waits in the outbox and the agent is told it is kept on this desk.
   */
  private async create(channel: CenterChannel, raw: unknown): Promise<Result<unknown>> {
    const a = this.admit(channel.conn, 'tickets.create', raw);
    if (!a.ok) return a;
    const { session } = a.value;
    const input = a.value.input as TicketCreateInput;
    const userId = session.user.id;
    const { draftKey, ...rest } = input;
    const id = input.clientId ?? uuidv7();
    const store = this.o.store;
    if (store.outboxItem(userId, id)) return refusal({ code: 'conflict', details: { reason: 'already_queued' } });
    const write = { ...rest, clientId: id, registeredAt: input.registeredAt ?? new Date().toISOString() };
    // Saved under a sign-in the center has not confirmed: sent only once it has (see beforeResume).
    const token = channel.sessionToken;
    const offlineToken = token && this.o.store.isOfflineSession(token) ? token : null;

    if (channel.isOpen && !store.nextWaiting(userId)) {
      store.enqueue({ id, userId, name: 'tickets.create', input: write, summary: input.title });
      store.noteAttempt(id);
      const r = await Promise.race([
        channel.send('tickets.create', write),
        new Promise<Result<never>>((res) => setTimeout(() => res(refusal({ code: 'center_unreachable', details: { reason: 'slow' } })), DIRECT_SEND_WAIT_MS)),
      ]);
      if (r.ok || !isTransient(r.error)) {
        // A definite answer: the ticket exists, or the agent corrects the form (nothing waits).
        store.delivered(id);
        if (r.ok && draftKey) store.discardDraft(userId, draftKey);
        this.broadcast();
        return r;
      }
      this.o.log.warn('desk: a save did not reach the center, kept in the outbox', { outboxId: id, code: r.error.code });
      if (draftKey) store.discardDraft(userId, draftKey);
      this.scheduleRetry();
    } else {
      // In the outbox and out of the drafts in one transaction: it is in exactly one place.
      store.enqueue({ id, userId, name: 'tickets.create', input: write, summary: input.title, draftKey, offlineToken });
      this.o.log.info('desk: a save kept in the outbox', { outboxId: id, online: channel.isOpen });
      if (channel.isOpen) void this.flush(userId);
    }
    this.broadcast();
    const queued: TicketCreated = { id, number: null, status: null, queued: true };
    return ok(queued);
  }

  /**
   * Sends this user's waiting writes in order, one at a time, through an open channel of theirs.
   * A refused write is marked and skipped (it waits for the agent); a transient failure stops the
   * replay until the next chance (reconnect, sign-in, retry timer).
   */
  flush(userId: string): Promise<void> {
    const running = this.flushing.get(userId);
    if (running) {
      // Asked again while a replay runs (it may have stopped just before a channel opened): once more after it.
      this.again.add(userId);
      return running;
    }
    const p = this.replay(userId).finally(() => {
      this.flushing.delete(userId);
      if (this.again.delete(userId)) void this.flush(userId);
    });
    this.flushing.set(userId, p);
    return p;
  }

  /** A notice about a user's outbox, to each of their windows (whichever one's channel sent it). */
  private tell(userId: string, notice: EventPayload<'app.notice'>): void {
    for (const c of this.o.channels()) if (c.conn.session?.user.id === userId) c.conn.send('app.notice', notice);
  }

  private channelOf(userId: string): CenterChannel | null {
    for (const c of this.o.channels()) if (c.isOpen && c.conn.session?.user.id === userId && !c.conn.session.mustChangePassword) return c;
    return null;
  }

  private async replay(userId: string): Promise<void> {
    const store = this.o.store;
    let sent = 0;
    for (;;) {
      const channel = this.channelOf(userId);
      const item: OutboxRow | null = store.nextWaiting(userId);
      if (!item || !channel) break;
      store.noteAttempt(item.id);
      const r = await channel.send(item.name, item.input);
      // A call record is the desk's bookkeeping, not the agent's work: no notice either way.
      const agents = isAgentWrite(item.name);
      if (r.ok) {
        store.delivered(item.id);
        sent++;
        const number = (r.value as { number?: string } | null)?.number ?? '';
        if (agents) this.tell(userId, { level: 'info', code: 'desk.synced', params: { number, title: item.summary.slice(0, 40) } });
      } else if (isTransient(r.error)) {
        this.o.log.warn('desk: outbox replay stopped', { code: r.error.code, outboxId: item.id });
        this.scheduleRetry();
        break;
      } else {
        store.refused(item.id, r.error);
        this.o.log.warn('desk: the center refused an outbox write', { code: r.error.code, outboxId: item.id, name: item.name });
        if (agents) this.tell(userId, { level: 'warning', code: 'desk.refused', params: { title: item.summary.slice(0, 40) } });
      }
      this.broadcast();
    }
    if (this.channelOf(userId) && !store.nextWaiting(userId)) store.setMeta('last_sync_at', new Date().toISOString());
    if (sent) this.o.log.info('desk: outbox replayed', { sent });
  }

  // ---- this seat's calls, for the center -------------------------------------------------------

  /**
   * A call ended on this desk's phone: its record goes to the center through the outbox (after
   * whatever its user saved before, id = the call's id), so it arrives once, in order, also after
   * an outage or a restart. The desk's own call log keeps it as well.
   */
  callRecorded(record: DeskCallRecord): void {
    if (this.o.store.hasOutboxId(record.callId)) return;
    this.o.store.enqueue({ id: record.callId, userId: record.userId, name: 'seat.recordCall', input: record, summary: `call ${record.direction}` });
    void this.flush(record.userId);
  }

  /** The agent gave an ended call its wrap-up code: to the center after the call's record. */
  callWrappedUp(userId: string, callId: string, code: string): void {
    this.o.store.enqueue({ id: uuidv7(), userId, name: 'seat.wrapUpCall', input: { callId, code }, summary: `wrap-up ${code}` });
    void this.flush(userId);
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      for (const userId of this.o.store.usersWaiting()) void this.flush(userId);
    }, RETRY_MS);
    this.retryTimer.unref?.();
  }

  /**
   * Before the phone signs in: the account the center has for this user now (it may have been
   * changed or removed by an admin). Offline, the one kept from the last time is used.
   */
  async provisionSeat(channel: CenterChannel): Promise<void> {
    const session = channel.conn.session;
    if (!this.o.provision || !session || !channel.isOpen) return;
    const r = await channel.send('sip.myAccount', {});
    if (!r.ok) {
      this.o.log.warn('desk: the center did not give the SIP account', { code: r.error.code });
      return;
    }
    await this.o.provision(session, r.value as SipAccountForDesk | null);
  }

  /** What this desk last knew of each user's phone, re-sent on reconnect and every minute. */
  private readonly seats = new Map<string, SeatReport>();
  private seatTimer: NodeJS.Timeout | null = null;

  /**
   * A shift lead acted on this desk's seat (wallboard.seatAction): the phone runs here, so the desk
   * carries it out; the window shows the lead's notice from the same event.
   */
  onCenterEvent(channel: CenterChannel, name: string, payload: unknown): void {
    if (name === 'session.ended') {
      // The account was disabled or its password changed or reset: what the desk knows of it is no longer good.
      const reason = (payload as { reason: SessionEndReason }).reason;
      const userId = channel.conn.session?.user.id;
      if (userId && (reason === 'disabled' || reason === 'password_changed' || reason === 'password_reset')) {
        this.signin.forget(userId);
        this.o.store.audit(userId, 'offline.verifier_dropped', { reason });
      }
      return;
    }
    if (name !== 'seat.command') return;
    const c = payload as SeatCommand;
    if (!c.apply) return;
    const run = c.action === 'sign_out'
      ? this.o.local.dispatch(channel.conn, 'phone.signOut', {})
      : this.o.local.dispatch(channel.conn, 'phone.setNotReady', { reason: c.reason });
    void run.then((r) => { if (!r.ok) this.o.log.warn('desk: the lead\'s seat action was not carried out', { action: c.action, code: r.error.code }); });
  }

  /** The desk's phone changed (an event from its own phone service to a window): tell the center. */
  onLocalEvent(conn: Connection, name: string, payload: unknown): void {
    const userId = conn.session?.user.id;
    if (!userId || (name !== 'phone.agent' && name !== 'phone.registration' && name !== 'phone.call')) return;
    const seat = this.seats.get(userId) ?? { agent: 'logged_out' as AgentStateName, registered: false, reason: null, call: null };
    if (name === 'phone.agent') {
      const a = payload as AgentState;
      Object.assign(seat, { agent: a.name, reason: a.name === 'not_ready' && a.reason !== 'login' ? a.reason : null, since: a.since });
    } else if (name === 'phone.registration') seat.registered = (payload as PhoneRegistration).state === 'registered';
    else {
      // The citizen's call, not a consult leg to a colleague; an ended call leaves the line.
      const c = payload as PhoneCall;
      if (c.consultForCallId) return;
      if (c.state !== 'ended') seat.call = { callId: c.callId, direction: c.direction, remote: c.remoteNumber, state: c.state, held: c.held, ticketId: c.ticketId ?? null };
      else if (seat.call?.callId === c.callId) seat.call = null;
      else return;
    }
    this.seats.set(userId, seat);
    void this.reportSeat(userId);
    this.scheduleSeatReports();
  }

  private scheduleSeatReports(): void {
    if (this.seatTimer || this.seats.size === 0) return;
    this.seatTimer = setTimeout(() => {
      this.seatTimer = null;
      for (const u of this.seats.keys()) void this.reportSeat(u);
      this.scheduleSeatReports();
    }, jitteredMs(SEAT_REPORT_MIN_MS, SEAT_REPORT_MAX_MS));
    this.seatTimer.unref?.();
  }

  private async reportSeat(userId: string): Promise<void> {
    const seat = this.seats.get(userId);
    const channel = this.channelOf(userId);
    if (!seat || !channel) return;
    const { call, ...state } = seat;
    const r = await channel.send('seat.report', { ...state, call: call && { direction: call.direction, remote: call.remote, state: call.state, held: call.held, ticketId: call.ticketId } });
    if (!r.ok) this.o.log.warn('desk: the center did not take the seat report', { code: r.error.code });
    if (seat.agent === 'logged_out' && r.ok) this.seats.delete(userId);
  }

  // ---- offline sign-in ----------------------------------------------------------------------

  private remember(password: string, session: SessionInfo): void {
    this.signin.remember(session.user.username, password, session)
      .catch((e: unknown) => this.o.log.warn('desk: offline sign-in verifier not kept', { error: String(e) }));
  }

  /**
   * Sign-in: at the center when it answers (and the verifier for an offline sign-in is refreshed);
   * when it cannot be reached, on this desk for a user who signed in here recently (offline-signin.ts).
   */
  private async login(channel: CenterChannel, raw: unknown): Promise<Result<unknown>> {
    const parsed = parseRequestInput('session.login', raw);
    if (!parsed.ok) return parsed;
    const { username, password } = parsed.value;
    const r = await channel.request('session.login', raw);
    if (r.ok) {
      const { token: _token, expiresAt: _expires, ...session } = r.value as SignedIn;
      this.remember(password, session);
      return r;
    }
    if (r.error.code === 'account_disabled') this.signin.forgetUsername(username);
    if (r.error.code !== 'center_unreachable') return r;
    const check = await this.signin.check(username, password);
    if (!check.ok) {
      this.o.store.audit(null, 'offline.signin_refused', { username: username.trim().toLowerCase(), code: check.error.code, reason: check.error.details?.reason ?? null });
      // Unknown here or too old: the agent is told why offline sign-in is not possible, with the reason the center was not reached.
      return refusal(check.error);
    }
    const token = randomBytes(32).toString('base64url');
    const session = check.session;
    this.o.store.rememberSession(token, session, true);
    this.o.store.audit(session.user.id, 'offline.signin');
    this.o.log.info('desk: offline sign-in (the center is unreachable)', { userId: session.user.id });
    this.toConfirm.set(token, { username, password });
    channel.adoptOffline(token, session);
    this.broadcast();
    const signedIn: SignedIn = { ...session, token, expiresAt: new Date(this.o.store.now().getTime() + OFFLINE_SESSION_MS).toISOString() };
    return ok(signedIn);
  }

  /**
   * The center answers again and this window's sign-in was made offline: the desk signs in to the
   * center for real with the password it kept in memory. Accepted: the window goes on under the
   * center's session, and what was saved offline is sent. Refused (account disabled, password
   * changed): the offline session ends with a Chinese sentence, and the writes saved under it are
   * held, marked, never sent under it (they wait for a valid sign-in of the user to look at them).
   * No password in memory (the desk restarted meanwhile): the window must sign in again; its
   * writes wait and go with that sign-in.
   */
  async beforeResume(channel: CenterChannel): Promise<boolean> {
    const token = channel.sessionToken;
    if (!token || !this.o.store.isOfflineSession(token)) return false;
    const userId = channel.conn.session?.user.id ?? null;
    const creds = this.toConfirm.get(token);
    const end = (reason: SessionEndReason, data: Record<string, unknown>) => {
      this.toConfirm.delete(token);
      this.o.store.forgetSession(token);
      this.o.store.audit(userId, `offline.${reason}`, data);
      this.o.log.warn('desk: an offline sign-in ended when the center came back', { reason, ...data });
      channel.endSession(reason);
      this.broadcast();
      return true;
    };
    if (!creds) return end('offline_unconfirmed', { why: 'no_password_in_memory' });
    const r = await channel.send('session.login', creds);
    if (r.ok) {
      const { token: real, expiresAt: _expires, ...session } = r.value as SignedIn;
      this.toConfirm.delete(token);
      this.confirmed.set(token, real);
      this.o.store.forgetSession(token);
      this.o.store.audit(session.user.id, 'offline.confirmed');
      this.remember(creds.password, session);
      channel.adoptOnline(real, session);
      channel.conn.send('session.changed', session);
      return true;
    }
    // Not answered: tried again at the next connection, the offline session goes on meanwhile.
    if (r.error.code === 'disconnected' || r.error.code === 'center_unreachable') return true;
    if (!SIGNIN_REFUSED.has(r.error.code)) return end('offline_unconfirmed', { code: r.error.code });
    this.signin.forgetUsername(creds.username);
    if (userId) this.signin.forget(userId);
    const held = this.o.store.holdOfflineWrites(token, { code: 'offline_session_refused', details: { centerCode: r.error.code } });
    return end('offline_refused', { code: r.error.code, heldWrites: held });
  }

  /** A reload while offline keeps the sign-in the center confirmed for this token. */
  private async resume(channel: CenterChannel, raw: unknown): Promise<Result<unknown>> {
    // A token made offline and since confirmed stands for the center's session that replaced it.
    const given = (raw as { token?: unknown } | null)?.token;
    const real = typeof given === 'string' ? this.confirmed.get(given) : undefined;
    const input = real ? { token: real } : raw;
    const r = await channel.request('session.resume', input);
    if (r.ok || r.error.code !== 'center_unreachable') return r;
    const parsed = parseRequestInput('session.resume', input);
    if (!parsed.ok) return parsed;
    const known = this.o.store.knownSession(parsed.value.token);
    if (!known) return r;
    channel.adoptOffline(parsed.value.token, known);
    this.broadcast();
    return ok(known);
  }

  /**
   * The caller's tickets. The center does not know this desk's calls, so a call id is turned into
   * its number here first. The answer is cached per user and number; while the center is down the
   * cached one is shown, saying when it was fetched.
   */
  /** A read asked of the center, its answer kept for this user, and the kept one given while the center cannot be reached. */
  private async readThrough(conn: Connection, channel: CenterChannel, name: RequestName, input: unknown,
    keep: (userId: string, value: unknown) => void, kept: (userId: string) => { value: unknown } | null): Promise<Result<unknown>> {
    const userId = conn.session?.user.id;
    const r = await channel.request(name, input);
    if (r.ok && userId) keep(userId, r.value);
    if (!r.ok && r.error.code === 'center_unreachable' && userId) {
      const cached = kept(userId);
      if (cached) return ok(cached.value);
    }
    return r;
  }

  private async screenPop(channel: CenterChannel, raw: unknown): Promise<Result<unknown>> {
    const a = this.admit(channel.conn, 'phone.screenPop', raw);
    if (!a.ok) return a;
    const { session } = a.value;
    const input = a.value.input as { callId?: string; phone?: string };
    let number = input.phone;
    let handedOver: string | undefined;
    if (input.callId) {
      const st = await this.o.local.dispatch(channel.conn, 'phone.status', {});
      const call = st.ok ? (st.value as PhoneStatus).calls.find((c) => c.callId === input.callId) : undefined;
      if (!call) return refusal({ code: 'not_found' });
      number = call.remoteNumber;
      // A colleague's consult call carries the ticket it is about: the center shows it with the pop.
      handedOver = call.ticketId ?? undefined;
    }
    if (!number) return refusal({ code: 'invalid_input', issues: [{ path: 'phone', problem: 'required' }] });
    const n = normalizePhone(number);
    const key = n.ok ? n.phone.national : number.replace(/\s+/g, '');
    const r = await channel.request('phone.screenPop', { phone: number, ...(handedOver ? { ticketId: handedOver } : {}) });
    if (r.ok) {
      const pop = { ...(r.value as ScreenPop), callId: input.callId ?? null };
      this.o.store.cacheCaller(session.user.id, key, pop);
      return ok(pop);
    }
    if (r.error.code !== 'center_unreachable') return r;
    const cached = this.o.store.cachedCaller(session.user.id, key);
    if (!cached) return r;
    return ok({ ...(cached.value as ScreenPop), callId: input.callId ?? null, cachedAt: cached.fetchedAt });
  }

  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.seatTimer) clearTimeout(this.seatTimer);
    this.uploads?.close();
  }
}

import {
  fail, userAudience, type ContractError, type EventPayload, type PhoneCall, type PhoneStatus, type ReasonCode, type CallStatsView, type PoorAudioCallRow, type RequestInput, type SeatView, type SessionInfo,
  type SipAccountForDesk, type SipAccountView, type SelfTestResult, type SelfTestStep, type SelfTestStepName,
} from '../../shared/contract';
import { compareSeats, seatActivity } from '../../shared/domain/seats';
import { callStatsOfDay } from '../../shared/domain/call-stats';
import { chinaDateKey, endOfChinaDay, startOfChinaDay } from '../../shared/domain/china-time';
import { LOGGED_OUT, UNREGISTERED, nextAgentState, offerDecision, type AgentEvent, type AgentState } from '../../shared/domain/agent-state';
import { maskPhone } from '../../shared/domain/phone';
import type { Logger } from '../log';
import type { EventPublisher } from '../events/bus';
import { inTransaction, type Db } from '../store/repos/db';
import { readMeta, writeMeta } from '../store/repos/meta';
import { deleteSipAccount, sipAccount, sipAccountUserExists, sipAddresses, sipSecret, upsertSipAccount } from '../store/repos/sip-accounts';
import { upsertMirroredUser } from '../store/repos/users';
import { setRecordingTicketIfNone } from '../store/repos/recordings';
import { agentStatesBetween, appendAgentState, callRecordExists, callRecordOwner, callRecordRow, callTicketExists, callsInvitedBetween, insertCallRecord, poorAudioCallsBetween, linkCallToTicket, phoneSeats, seatExtensions, seatPresenceOf, setCallWrapUp, setOwnCallWrapUp, upsertSeatPresence, type SeatPresenceRow } from '../store/repos/calls';
import { ticketNumber } from '../store/repos/tickets';
import { SoftphoneError, SoftphoneService, NullMediaBridge, type CallRecord, type CallSnapshot, type RegistrationStatus } from '../sip';
import { uuidv7 } from '../util/ids';
import { writeAudit } from '../services/audit';
import { CallQualityTracker } from './call-quality';
import { RendererMediaRelay, type MediaCommand } from './renderer-media';
import type { SecretBox } from './secret-box';
import { lookupKey } from './screen-pop';
import { clearPendingCallLink, pendingCallLink, setPendingCallLink } from '../services/call-links';

export const DEFAULT_NOT_READY: ReasonCode[] = [
  { code: 'break', label: '小休' }, { code: 'meal', label: '用餐' }, { code: 'training', label: '培训' },
  { code: 'meeting', label: '会议' }, { code: 'callback', label: '回访外呼' },
];
export const DEFAULT_WRAP_UP: ReasonCode[] = [
  { code: 'registered', label: '已登记工单' }, { code: 'answered', label: '直接答复' }, { code: 'transferred', label: '已转接' },
  { code: 'invalid', label: '无效来电' }, { code: 'harassment', label: '骚扰电话' }, { code: 'dropped', label: '通话中断' },
];

const CONFIG_KEY = 'phone.config';
/** The wallboard's label of the not-ready reason the system sets while a seat's phone is not registered. */
const UNREGISTERED_LABEL = '电话未注册，不能接听';

/** The connection (window) that plays a seat's call audio, as far as the phone needs it. */
export interface MediaWindow { send(name: 'media.command', payload: EventPayload<'media.command'>): void }

/** A seat's own events, to its user. */
type SeatEvent = 'phone.registration' | 'phone.agent' | 'phone.call' | 'phone.incoming' | 'phone.ended' | 'phone.hangupSignal' | 'phone.audioHealth';

export interface PhoneConfig {
  notReadyReasons: ReasonCode[]; wrapUpCodes: ReasonCode[]; acwSeconds: number; serviceLevelSeconds: number;
  /** The pre-shift self-test before the first 就绪 of a phone sign-in (see selfTestResult). */
  selfTestRequired: boolean;
  /** The PBX's echo test number the self-test calls; null: the self-test has no echo step. */
  echoNumber: string | null;
}

/** The echo step: the echo service must answer within this, its audio start within ECHO_MEDIA_WAIT_MS, and is then measured over ECHO_LISTEN_MS. */
const ECHO_ANSWER_MS = 15_000;
const ECHO_MEDIA_WAIT_MS = 6000;
const ECHO_LISTEN_MS = 2500;
/** 2.5 s at 20 ms packets is 125: at least 50 must arrive. */
const ECHO_MIN_PACKETS = 50;
/** Total audio energy over the window: silence adds ~0 (comfort noise ~1e-6), a voice or a beep far more. */
const ECHO_MIN_ENERGY = 0.0005;

/** Until the admin sets them: no self-test required, no echo number. */
const DEFAULT_SELF_TEST = { selfTestRequired: false, echoNumber: null } as const;

/** The service-level threshold until the admin sets one: 20 s, as 12345 centres commonly measure. */
export const DEFAULT_SERVICE_LEVEL_SECONDS = 20;

export interface PhoneServiceOptions {
  db: Db;
  /**
   * Where events go: the bus (each seat's events to its own user), and the window that plays a
   * call's audio (media commands go to that one connection of this process).
   */
  events: { bus: EventPublisher; connection(id: string): MediaWindow | undefined };
  secrets: SecretBox;
  log: Logger;
  now?: () => Date;
  /** After-call work timer. @default 30 */
  acwSeconds?: number;
  /** Test mode only: answer every offered call at once (benchmarks of INVITE → 200 OK). */
  autoAnswer?: boolean;
  /** Softphone timing overrides for tests (keep-alive, reconnect). */
  sipTuning?: { keepAliveIntervalMs?: number; keepAliveTimeoutMs?: number; reconnectBaseDelayMs?: number; reconnectMaxDelayMs?: number; registerExpiresSec?: number };
}

const SOFTPHONE_ERRORS: Record<string, ContractError['code']> = {
  NOT_STARTED: 'conflict', NOT_REGISTERED: 'conflict', NO_SUCH_CALL: 'not_found', ALREADY_ANSWERED: 'conflict',
  INVALID_STATE: 'conflict', INVALID_TARGET: 'invalid_input', REQUEST_FAILED: 'conflict',
};

/** One agent's phone: the SIP user agent, their ACD state and the audio owner. */
class Seat {
  agent: AgentState = LOGGED_OUT;
  readonly relay: RendererMediaRelay;
  mediaConnectionId: string | null = null;
  acwTimer: NodeJS.Timeout | null = null;
  /** Calls that put the agent on call, for the call log and the agent state. */
  readonly primaryCalls = new Set<string>();
  /** When this sign-in's self-test passed (null: not yet); a new sign-in is a new seat. */
  selfTestPassedAt: string | null = null;
  /** Set while the self-test dials its echo call: the call it creates is a test call. */
  selfTestDialing = false;
  /** Echo test calls: no agent state, no call record. */
  readonly selfTestCalls = new Set<string>();
  /** The echo step of this sign-in's last self-test, as main measured it. */
  selfTestEcho: SelfTestStep | null = null;
  /** The SIP code that ended the last echo test call, if any. */
  selfTestEchoSipCode: number | null = null;
  /** Audio health of the seat's calls, from the media renderer's reports (media.audioHealth). */
  readonly quality = new CallQualityTracker();
  constructor(readonly userId: string, readonly phone: SoftphoneService, readonly media: 'webrtc' | 'null', send: (cmd: MediaCommand) => boolean) {
    this.relay = new RendererMediaRelay(send);
  }
}

/**
 * The softphone side of main: one seat per signed-in phone user, the agent-state rules applied
 * to every SIP event, every state change and every call persisted, and events pushed to that
 * user's renderers. Numbers leave main in full only to the agent on the call.
 */
/** The call a desk reports on its seat's line, as kept in seat_presence.call. */
type SeatReportCall = NonNullable<RequestInput<'seat.report'>['call']>;

/** A finished call as a desk sends it to its center (seat.recordCall). */
export type DeskCallRecord = RequestInput<'seat.recordCall'>;

/**
 * Where a desk of a center sends its calls (the forwarder's outbox): the record when a call ends,
 * the wrap-up code when the agent gives it. A standalone console has none: its store is the record.
 */
export interface CallSink {
  callRecorded(record: DeskCallRecord): void;
  callWrappedUp(userId: string, callId: string, code: string): void;
}

/** How long the center believes a desk's report of its seat (desks re-report every minute). */
export const SEAT_REPORT_TTL_MS = 3 * 60_000;

export class PhoneService {
  private readonly seats = new Map<string, Seat>();
  /** Each desk-reported seat's last report in this process (one row per user), see report(). */
  private readonly latestReport = new Map<string, SeatPresenceRow>();
  private readonly now: () => Date;
  /** Reason codes, wrap-up codes and the wrap-up timer: admin settings, defaults until set. */
  private config: PhoneConfig;
  /** A desk of a center: its calls also go to the center (see CallSink). */
  private callSink: CallSink | null = null;
  /** Seats whose change shift leads are told of at the next turn of the event loop (see seatChanged). */
  private readonly seatsChanged = new Set<string>();
  private seatsTelling: NodeJS.Immediate | null = null;
  private closed = false;

  constructor(private readonly o: PhoneServiceOptions) {
    this.now = o.now ?? (() => new Date());
    this.config = { notReadyReasons: DEFAULT_NOT_READY, wrapUpCodes: DEFAULT_WRAP_UP, acwSeconds: o.acwSeconds ?? 30, serviceLevelSeconds: DEFAULT_SERVICE_LEVEL_SECONDS, ...DEFAULT_SELF_TEST };
  }

  private emitTo(userId: string) {
    const audience = userAudience(userId);
    return <E extends SeatEvent>(name: E, payload: EventPayload<E>) => this.o.events.bus.publish<SeatEvent>(name, payload as EventPayload<SeatEvent>, audience);
  }

  /** On a desk of a center: every finished call and wrap-up code is also handed to `sink`. */
  sendCallsTo(sink: CallSink | null): void {
    this.callSink = sink;
  }

  /** The service-level threshold the admin set, for the wallboard's call figures. */
  get serviceLevelSeconds(): number { return this.config.serviceLevelSeconds; }

  /** Reads the admin's phone settings; called once at start. A test's acwSeconds option wins. */
  async loadConfig(): Promise<PhoneConfig> {
    const value = await readMeta(this.o.db, CONFIG_KEY);
    if (value !== null) {
      const stored = JSON.parse(value) as Partial<PhoneConfig> & Omit<PhoneConfig, 'serviceLevelSeconds' | 'selfTestRequired' | 'echoNumber'>;
      this.config = { ...DEFAULT_SELF_TEST, ...stored, acwSeconds: this.o.acwSeconds ?? stored.acwSeconds, serviceLevelSeconds: stored.serviceLevelSeconds ?? DEFAULT_SERVICE_LEVEL_SECONDS };
    }
    return this.config;
  }

  async setConfig(input: Omit<PhoneConfig, 'serviceLevelSeconds' | 'selfTestRequired' | 'echoNumber'> & { serviceLevelSeconds?: number; selfTestRequired?: boolean; echoNumber?: string | null }, actorId: string): Promise<PhoneConfig> {
    const next: PhoneConfig = {
      ...input,
      serviceLevelSeconds: input.serviceLevelSeconds ?? this.config.serviceLevelSeconds,
      selfTestRequired: input.selfTestRequired ?? this.config.selfTestRequired,
      echoNumber: input.echoNumber === undefined ? this.config.echoNumber : input.echoNumber,
    };
    for (const [path, list] of [['notReadyReasons', next.notReadyReasons], ['wrapUpCodes', next.wrapUpCodes]] as const) {
      if (new Set(list.map((r) => r.code)).size !== list.length) fail('invalid_input', { issues: [{ path, problem: 'duplicate_code' }] });
    }
    await inTransaction(this.o.db, async (trx) => {
      await writeMeta(trx, CONFIG_KEY, JSON.stringify(next));
      await writeAudit(trx, { actorId, action: 'phone.config_changed', subjectType: 'settings', subjectId: CONFIG_KEY, data: { ...next } });
    });
    this.config = next;
    return next;
  }

  async account(userId: string): Promise<SipAccountView | null> {
    const a = await sipAccount(this.o.db, userId);
    return a ? { userId, wsUrl: a.ws_url, aor: a.aor, authUser: a.auth_user, displayName: a.display_name, media: a.media_mode === 'null' ? 'null' : 'webrtc', hasPassword: a.secret_enc.length > 0, updatedAt: a.updated_at } : null;
  }

  /** The user's own account with its password, for their desk's main process to register with. */
  async accountForDesk(userId: string): Promise<SipAccountForDesk | null> {
    const a = await sipAccount(this.o.db, userId);
    if (!a) return null;
    return { wsUrl: a.ws_url, aor: a.aor, authUser: a.auth_user, password: this.o.secrets.decrypt(a.secret_enc), displayName: a.display_name, media: a.media_mode === 'null' ? 'null' : 'webrtc' };
  }

  /**
   * A desk of a center keeps the account its center gave the signed-in user, so that the phone
   * registers from this desk (also later while the center is out of reach); the user is mirrored
   * into the desk's own store (no password: nobody signs in to it locally) so that this seat's
   * call log and agent states are kept here. null: the center has no account for them any more.
   */
  async provisionFromCenter(session: SessionInfo, account: SipAccountForDesk | null): Promise<void> {
    const at = this.now().toISOString();
    await inTransaction(this.o.db, async (trx) => {
      await upsertMirroredUser(trx, { id: session.user.id, displayName: session.user.displayName, roles: session.user.roles }, at);
      if (!account) {
        await deleteSipAccount(trx, session.user.id);
        return;
      }
      await upsertSipAccount(trx, session.user.id, {
        ws_url: account.wsUrl, aor: account.aor.replace(/^sips?:/, ''), auth_user: account.authUser, secret_enc: this.o.secrets.encrypt(account.password),
        display_name: account.displayName, media_mode: account.media, updated_at: at,
      });
    });
  }

  async setAccount(input: { userId: string; wsUrl: string; aor: string; authUser: string; password?: string; displayName?: string | null; media: 'webrtc' | 'null' }, actorId: string): Promise<SipAccountView> {
    if (!(await sipAccountUserExists(this.o.db, input.userId))) fail('not_found');
    const existing = await sipSecret(this.o.db, input.userId);
    if (existing === null && !input.password) fail('invalid_input', { issues: [{ path: 'password', problem: 'required' }] });
    const secret = input.password ? this.o.secrets.encrypt(input.password) : existing!;
    const at = this.now().toISOString();
    const row = { ws_url: input.wsUrl, aor: input.aor.replace(/^sips?:/, ''), auth_user: input.authUser, secret_enc: secret, display_name: input.displayName ?? null, media_mode: input.media, updated_at: at };
    await inTransaction(this.o.db, async (trx) => {
      await upsertSipAccount(trx, input.userId, row);
      await writeAudit(trx, { actorId, action: 'sip.account_set', subjectType: 'user', subjectId: input.userId, data: { wsUrl: input.wsUrl, aor: row.aor, passwordChanged: Boolean(input.password) } });
    });
    return (await this.account(input.userId))!;
  }

  status(session: SessionInfo): PhoneStatus {
    const seat = this.seats.get(session.user.id);
    return {
      configured: true,
      registration: seat ? this.registrationView(seat.phone.registration) : { state: 'stopped' },
      agent: seat?.agent ?? LOGGED_OUT,
      calls: seat ? seat.phone.calls().map((c) => this.callView(c, true)) : [],
      notReadyReasons: this.config.notReadyReasons, wrapUpCodes: this.config.wrapUpCodes, acwSeconds: this.config.acwSeconds,
      media: seat?.media ?? 'webrtc',
      selfTest: { required: this.config.selfTestRequired, echo: this.config.echoNumber !== null, passedAt: seat?.selfTestPassedAt ?? null },
    };
  }

  async statusFor(session: SessionInfo): Promise<PhoneStatus> {
    const s = this.status(session);
    if (!this.seats.has(session.user.id)) s.configured = (await this.account(session.user.id)) !== null;
    return s;
  }

  private registrationView(r: RegistrationStatus) {
    return { state: r.state, reason: r.reason, code: r.code, cause: r.cause, nextAttemptAt: r.nextAttemptAt };
  }

  private callView(c: CallSnapshot, full: boolean): PhoneCall {
    return { ...c, remoteNumber: full ? c.remoteNumber : maskPhone(c.remoteNumber) };
  }

  private seat(userId: string): Seat {
    const s = this.seats.get(userId);
    if (!s) fail('conflict', { details: { reason: 'phone_not_signed_in' } });
    return s;
  }

  private async transition(seat: Seat, e: AgentEvent): Promise<AgentState> {
    const r = nextAgentState(seat.agent, e, this.now());
    if (!r.ok) fail('conflict', { details: { reason: `agent_${r.error}` } });
    if (r.changed) {
      // Recording a wrap-up code changes the state's data, not the state: no history row for it.
      const newState = r.state.name !== seat.agent.name || r.state.reason !== seat.agent.reason;
      seat.agent = r.state;
      if (newState) await appendAgentState(this.o.db, {
        id: uuidv7(), user_id: seat.userId, at: r.state.since, state: r.state.name, reason: r.state.reason, call_id: r.state.callId,
      });
      this.emitTo(seat.userId)('phone.agent', r.state);
      this.armAcwTimer(seat);
      this.seatChanged(seat.userId);
    }
    return seat.agent;
  }

  private armAcwTimer(seat: Seat) {
    if (seat.acwTimer) clearTimeout(seat.acwTimer);
    seat.acwTimer = null;
    if (seat.agent.name !== 'after_call_work' || !seat.agent.acwUntil) return;
    const ms = Math.max(0, Date.parse(seat.agent.acwUntil) - this.now().getTime()) + 50;
    seat.acwTimer = setTimeout(() => void this.transition(seat, { type: 'acw_timer', registered: this.registered(seat) }).catch(() => undefined), ms);
  }

  async signIn(session: SessionInfo): Promise<PhoneStatus> {
    const userId = session.user.id;
    if (this.seats.has(userId)) return this.status(session);
    const acc = await sipAccount(this.o.db, userId);
    if (!acc) fail('conflict', { details: { reason: 'phone_not_configured' } });
    const media = acc.media_mode === 'null' ? 'null' : 'webrtc';
    let seatRef: Seat | null = null;
    const phone = new SoftphoneService({
      logger: { debug: () => {}, info: (m) => this.o.log.info(m), warn: (m) => this.o.log.warn(m), error: (m) => this.o.log.error(m) },
      mediaBridgeFactory: (callId) => (media === 'null' ? new NullMediaBridge() : seatRef!.relay.bridgeFor(callId)),
      acceptPolicy: (input) => (offerDecision(seatRef!.agent, input.activeCalls) === 'ring' ? { action: 'ring' } : { action: 'reject', code: 486 }),
    });
    const seat = new Seat(userId, phone, media, (cmd) => {
      const conn = seatRef?.mediaConnectionId ? this.o.events.connection(seatRef.mediaConnectionId) : null;
      if (!conn) return false;
      conn.send('media.command', cmd);
      return true;
    });
    seatRef = seat;
    seat.mediaConnectionId = this.pendingMediaOwner.get(userId) ?? null;
    this.seats.set(userId, seat);
    const emit = this.emitTo(userId);
    phone.on('registration', (r) => {
      emit('phone.registration', this.registrationView(r));
      this.seatChanged(userId);
      // A ready agent whose phone cannot receive calls is not ready (routing and the wallboard see it), and ready again once it can.
      void this.transition(seat, { type: r.state === 'registered' ? 'registration_back' : 'registration_lost' }).catch(() => undefined);
    });
    phone.on('call', (c) => {
      if (seat.selfTestDialing && c.direction === 'outbound') seat.selfTestCalls.add(c.callId);
      emit('phone.call', this.callView(c, true));
      if (seat.selfTestCalls.has(c.callId)) return;
      if (!c.consultForCallId) this.seatChanged(userId);
      if ((c.state === 'active' || c.state === 'dialing') && !c.consultForCallId && !seat.primaryCalls.has(c.callId)) {
        seat.primaryCalls.add(c.callId);
        void this.transition(seat, { type: 'call_started', callId: c.callId }).catch(() => undefined);
      }
    });
    phone.on('incoming', (i) => {
      if (i.ticketId) {
        // Linked to the handed-over ticket once the call is recorded (see callEnded).
        void setPendingCallLink(this.o.db, i.callId, i.ticketId).catch(() => undefined);
      }
      if (i.replacesCallId) {
        // The citizen's call takes the place of the consult call: no new ring, no after-call work for the consult leg.
        const wasPrimary = seat.primaryCalls.delete(i.replacesCallId);
        seat.primaryCalls.add(i.callId);
        if (wasPrimary) void this.transition(seat, { type: 'call_replaced', callId: i.replacesCallId, byCallId: i.callId }).catch(() => undefined);
        emit('phone.incoming', { callId: i.callId, remoteNumber: i.remoteNumber, autoRejected: false, at: i.at, replacesCallId: i.replacesCallId });
        return;
      }
      emit('phone.incoming', {
        callId: i.callId, remoteNumber: i.remoteNumber, autoRejected: Boolean(i.autoRejected), at: i.at,
        ...(i.autoRejected ? { rejected: { code: i.autoRejected.code, reason: i.autoRejected.reason, ...(i.autoRejected.mediaProblem ? { mediaProblem: i.autoRejected.mediaProblem } : {}) } } : {}),
      });
      if (!i.autoRejected && this.o.autoAnswer) void phone.answer(i.callId).catch((e: unknown) => this.o.log.warn('auto-answer failed', { error: String(e) }));
    });
    phone.on('ended', (rec) => void this.callEnded(seat, rec));
    phone.on('hangupSignal', (h) => emit('phone.hangupSignal', h));
    // After a reconnect to the SIP server each call's route is refreshed; a call that could not be has ended as dropped (phone.ended tells the agent).
    phone.on('mediaAfterAnswer', (h) => this.o.log[h.outcome === 'dropped' ? 'warn' : 'info']('call media handed to a new renderer, after the answer', { callId: h.callId, outcome: h.outcome, ms: h.ms, sipCode: h.sipCode }));
    phone.on('dialogRefreshed', (h) => this.o.log[h.outcome === 'dropped' ? 'warn' : 'info']('call route refreshed after a SIP reconnect', { callId: h.callId, outcome: h.outcome, ms: h.ms, sipCode: h.sipCode }));
    await phone.start({
      wsUrl: acc.ws_url, aor: acc.aor, authorizationUsername: acc.auth_user, password: this.o.secrets.decrypt(acc.secret_enc),
      displayName: acc.display_name ?? session.user.displayName, ...this.o.sipTuning,
    });
    await this.transition(seat, { type: 'sign_in' });
    await writeAudit(this.o.db, { actorId: userId, action: 'phone.sign_in', subjectType: 'user', subjectId: userId });
    return this.status(session);
  }

  private async callEnded(seat: Seat, rec: CallRecord) {
    const quality = seat.quality.take(rec.callId);
    if (seat.selfTestCalls.delete(rec.callId)) {
      // An echo test call: the self-test's evidence, not a citizen's call (no record, no after-call work).
      seat.selfTestEchoSipCode = rec.sipCode ?? null;
      this.emitTo(seat.userId)('phone.ended', { callId: rec.callId, direction: rec.direction, remoteNumber: rec.remoteNumber, endReason: rec.endReason, talkMs: rec.talkMs, missed: false });
      return;
    }
    const wasPrimary = seat.primaryCalls.delete(rec.callId);
    const missed = rec.answeredAt === undefined && rec.direction === 'inbound';
    const record: DeskCallRecord = {
      callId: rec.callId, userId: seat.userId, direction: rec.direction, remoteNumber: lookupKey(rec.remoteNumber).slice(0, 32),
      invitedAt: new Date(rec.invitedAt).toISOString(), answeredAt: rec.answeredAt ? new Date(rec.answeredAt).toISOString() : null,
      endedAt: new Date(rec.endedAt).toISOString(), ringMs: rec.ringMs, talkMs: rec.talkMs, holdMs: rec.holdMs,
      endReason: rec.endReason, sipCode: rec.sipCode ?? null, transferTarget: rec.transferTarget?.slice(0, 200) ?? null, wrapUpCode: null, ticketId: null,
      ...(quality ? { quality } : {}),
    };
    try {
      await insertCallRecord(this.o.db, callRecordRow(record));
      // A ticket tied to the call while it was still up (registered, dialled from, handed over) waits here for the call's record.
      record.ticketId = await pendingCallLink(this.o.db, rec.callId);
      if (record.ticketId && !this.callSink) {
        await linkCallToTicket(this.o.db, rec.callId, record.ticketId);
        await clearPendingCallLink(this.o.db, rec.callId);
      }
    } catch (e) {
      this.o.log.error('call record not saved', { error: String(e) });
    }
    // On a desk the tickets live at the center: the link travels with the record, which goes there
    // before the agent can give its wrap-up code (the state machine waits for call_ended below).
    if (this.callSink) {
      this.callSink.callRecorded(record);
      if (record.ticketId) await clearPendingCallLink(this.o.db, rec.callId).catch(() => undefined);
    }
    this.emitTo(seat.userId)('phone.ended', { callId: rec.callId, direction: rec.direction, remoteNumber: rec.remoteNumber, endReason: rec.endReason, talkMs: rec.talkMs, missed });
    if (wasPrimary) await this.transition(seat, { type: 'call_ended', callId: rec.callId, acwSeconds: this.config.acwSeconds }).catch(() => undefined);
  }

  async signOut(session: SessionInfo): Promise<PhoneStatus> {
    const seat = this.seats.get(session.user.id);
    if (!seat) return this.status(session);
    await this.transition(seat, { type: 'sign_out' });
    await this.stopSeat(seat);
    await writeAudit(this.o.db, { actorId: seat.userId, action: 'phone.sign_out', subjectType: 'user', subjectId: seat.userId });
    return this.status(session);
  }

  private async stopSeat(seat: Seat) {
    if (seat.acwTimer) clearTimeout(seat.acwTimer);
    await seat.phone.stop();
    this.seats.delete(seat.userId);
  }

  setReady = (s: SessionInfo) => {
    const seat = this.seat(s.user.id);
    if (this.config.selfTestRequired && seat.selfTestPassedAt === null) fail('conflict', { details: { reason: 'self_test_required' } });
    return this.transition(seat, { type: 'set_ready', registered: this.registered(seat) });
  };

  private registered(seat: Seat): boolean {
    return seat.phone.registration.state === 'registered';
  }

  /**
   * The self-test's echo step, run by main: calls the admin's echo number from this seat (only
   * before the agent takes calls, 示忙), waits for the answer, then asks the renderer that holds the
   * call's audio what came back over ECHO_LISTEN_MS, and hangs up. The agent's own voice (or the
   * microphone's noise) must return: packets and audio energy. The call changes no agent state and
   * is not a citizen's call (see callEnded). A seat without WebRTC media (test peers) passes once
   * the echo answers: it has no audio to measure.
   */
  async selfTestEcho(s: SessionInfo): Promise<SelfTestStep> {
    const seat = this.seat(s.user.id);
    const number = this.config.echoNumber;
    if (number === null) fail('conflict', { details: { reason: 'self_test_no_echo' } });
    if (seat.agent.name !== 'not_ready' || seat.phone.calls().some((c) => c.state !== 'ended')) fail('conflict', { details: { reason: 'self_test_busy' } });
    seat.selfTestEcho = null;
    seat.selfTestEchoSipCode = null;
    seat.selfTestDialing = true;
    let callId: string;
    try {
      callId = await this.act(s, (p) => p.call(number));
    } finally {
      seat.selfTestDialing = false;
    }
    const up = () => seat.phone.calls().find((c) => c.callId === callId && c.state !== 'ended');
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let step: SelfTestStep;
    try {
      const deadline = Date.now() + ECHO_ANSWER_MS;
      while (up() && up()!.state !== 'active' && Date.now() < deadline) await sleep(100);
      if (up()?.state !== 'active') {
        step = { step: 'echo', ok: false, cause: up() ? 'echo_no_answer' : 'echo_not_answered' };
      } else if (seat.media !== 'webrtc') {
        step = { step: 'echo', ok: true, cause: null };
      } else {
        // Media first has to come up (ICE, DTLS): wait for the first packets, then listen.
        let a0 = await seat.relay.inboundAudio(callId);
        for (const until = Date.now() + ECHO_MEDIA_WAIT_MS; a0.packets === 0 && Date.now() < until && up();) {
          await sleep(200);
          a0 = await seat.relay.inboundAudio(callId);
        }
        await sleep(ECHO_LISTEN_MS);
        if (!up()) throw new Error('echo call ended');
        const a1 = await seat.relay.inboundAudio(callId);
        const packets = a1.packets - a0.packets;
        const energy = a1.energy - a0.energy;
        step = packets < ECHO_MIN_PACKETS ? { step: 'echo', ok: false, cause: 'echo_no_audio' }
          : energy < ECHO_MIN_ENERGY ? { step: 'echo', ok: false, cause: 'echo_silent' }
            : { step: 'echo', ok: true, cause: null };
        this.o.log.info('self-test echo', { userId: seat.userId, packets, energy: Number(energy.toFixed(5)) });
      }
    } catch (e) {
      this.o.log.warn('self-test echo failed', { userId: seat.userId, error: String(e) });
      step = { step: 'echo', ok: false, cause: up() ? 'echo_no_audio' : 'echo_not_answered' };
    } finally {
      if (up()) await seat.phone.hangup(callId).catch(() => undefined);
    }
    seat.selfTestEcho = step;
    return step;
  }

  /**
   * Records a self-test. The desk reports what only it can know (the microphone's level, whether
   * the agent heard the test tone); main decides registration itself and takes the echo step from
   * its own measurement (selfTestEcho). Every result is audited; a pass lets this sign-in go 就绪.
   */
  async selfTestResult(s: SessionInfo, input: { steps: { step: SelfTestStepName; ok: boolean; level?: number; cause?: string }[] }): Promise<SelfTestResult> {
    const seat = this.seat(s.user.id);
    const told = new Map(input.steps.map((x) => [x.step, x]));
    const steps: SelfTestStep[] = [];
    for (const step of ['microphone', 'speaker'] as const) {
      const r = told.get(step);
      steps.push({ step, ok: r?.ok === true, cause: r?.ok === true ? null : r?.cause ?? 'not_run' });
    }
    const reg = seat.phone.registration.state;
    steps.push({ step: 'registration', ok: reg === 'registered', cause: reg === 'registered' ? null : `registration_${reg}` });
    if (this.config.echoNumber !== null) steps.push(seat.selfTestEcho ?? { step: 'echo', ok: false, cause: 'echo_not_run' });
    const passed = steps.every((x) => x.ok);
    const at = this.now().toISOString();
    if (passed) seat.selfTestPassedAt = at;
    await writeAudit(this.o.db, {
      actorId: s.user.id, action: 'phone.self_test', subjectType: 'user', subjectId: s.user.id,
      data: { passed, steps: steps.map((x) => `${x.step}:${x.ok ? 'ok' : x.cause}`).join(','), echoSipCode: seat.selfTestEchoSipCode },
    });
    return { passed, at, steps };
  }

  setNotReady = (s: SessionInfo, reason: string) => {
    if (!this.config.notReadyReasons.some((r) => r.code === reason)) fail('invalid_input', { issues: [{ path: 'reason', problem: 'invalid_value' }] });
    return this.transition(this.seat(s.user.id), { type: 'set_not_ready', reason });
  };

  async wrapUp(s: SessionInfo, callId: string, code: string): Promise<AgentState> {
    if (!this.config.wrapUpCodes.some((r) => r.code === code)) fail('invalid_input', { issues: [{ path: 'code', problem: 'invalid_value' }] });
    const state = await this.transition(this.seat(s.user.id), { type: 'wrap_up', callId, code });
    await setCallWrapUp(this.o.db, callId, code);
    this.callSink?.callWrappedUp(s.user.id, callId, code);
    return state;
  }

  /**
   * A desk's finished call (seat.recordCall), at the center: recorded once per call id, for the
   * signed-in user only; a ticket tied to it on the desk, or registered here during it, is linked.
   */
  async recordDeskCall(s: SessionInfo, r: DeskCallRecord): Promise<{ recorded: boolean }> {
    const refuse = async (reason: string) => {
      this.o.log.warn('a desk\'s call record was refused', { reason });
      await writeAudit(this.o.db, { actorId: s.user.id, action: 'call.record_refused', subjectType: 'user', subjectId: r.userId, data: { callId: r.callId, reason } });
      return fail('forbidden', { details: { reason } });
    };
    if (r.userId !== s.user.id) return refuse('other_user');
    const recorded = await inTransaction(this.o.db, async (trx) => {
      const owner = await callRecordOwner(trx, r.callId);
      if (owner) return owner === s.user.id ? false : null;
      await insertCallRecord(trx, callRecordRow(r));
      const ticketId = r.ticketId ?? await pendingCallLink(trx, r.callId);
      if (ticketId && await callTicketExists(trx, ticketId)) {
        await linkCallToTicket(trx, r.callId, ticketId);
        // The call's recording may have reached the center first (recording.upload): it is this ticket's.
        await setRecordingTicketIfNone(trx, r.callId, ticketId);
      }
      await clearPendingCallLink(trx, r.callId);
      return true;
    });
    if (recorded === null) return refuse('other_users_call');
    return { recorded };
  }

  /** The wrap-up code an agent gave a call of theirs on their desk (seat.wrapUpCall), at the center. */
  async wrapUpDeskCall(s: SessionInfo, callId: string, code: string): Promise<null> {
    if (!(await setOwnCallWrapUp(this.o.db, callId, s.user.id, code))) fail('not_found');
    return null;
  }

  /**
   * A renderer claims the audio of this user's calls (on start, and again after a reload or a
   * crash: the SIP dialogs live here and outlast it). Calls already connected are handed to it:
   * it makes their media anew and main renegotiates each with the far end (re-INVITE), so the
   * conversation continues after a short gap, as the same call.
   */
  attachMedia(s: SessionInfo, connectionId: string) {
    const seat = this.seats.get(s.user.id);
    this.pendingMediaOwner.set(s.user.id, connectionId);
    if (!seat) return;
    seat.mediaConnectionId = connectionId;
    // Connected calls, and outgoing calls still ringing (their media follows the answer).
    const handedOver = (c: { direction: string; state: string }) => c.state === 'active' || (c.direction === 'outbound' && (c.state === 'dialing' || c.state === 'early'));
    if (seat.media !== 'webrtc' || !seat.phone.calls().some(handedOver)) return;
    void seat.phone.renegotiateMedia().then((handovers) => {
      for (const h of handovers) {
        if (h.outcome !== 'kept') this.o.log.info('call media handed to a new renderer', { callId: h.callId, outcome: h.outcome, ms: h.ms, sipCode: h.sipCode });
      }
    }).catch((e: unknown) => this.o.log.error('handing call media to a new renderer failed', { error: String(e) }));
  }

  /** A renderer attached before the seat existed becomes its media owner when it starts. */
  private readonly pendingMediaOwner = new Map<string, string>();

  mediaReply(s: SessionInfo, r: { id: string; ok: boolean; sdp?: string; dtmfSent?: boolean; error?: string; audio?: { packets: number; energy: number }; fresh?: boolean }): void {
    const seat = this.seats.get(s.user.id);
    if (!seat || !seat.relay.reply(r)) fail('not_found');
  }

  /**
   * The renderer playing a call's audio lost the far end (no BYE came, ICE gone): the call ends as
   * dropped by the network. Only that renderer may say so; another page of the user may not.
   */
  async mediaLost(s: SessionInfo, connectionId: string, callId: string, ice: 'disconnected' | 'failed'): Promise<void> {
    const seat = this.seat(s.user.id);
    if (seat.mediaConnectionId !== connectionId) fail('forbidden', { details: { reason: 'not_media_owner' } });
    this.o.log.warn('call media lost; ending the call as dropped by the network', { callId, ice });
    await this.act(s, (p) => p.dropLostCall(callId));
  }

  /**
   * The media renderer's once-a-second audio health of a call (validated by the contract: finite,
   * bounded). Only that renderer, only for a call of this seat that is up; a change of warnings is
   * logged, told to the agent's windows (the call card's hint) and to shift leads' wallboards.
   */
  mediaAudioHealth(s: SessionInfo, connectionId: string, input: RequestInput<'media.audioHealth'>): void {
    const seat = this.seat(s.user.id);
    if (seat.mediaConnectionId !== connectionId) fail('forbidden', { details: { reason: 'not_media_owner' } });
    const call = seat.phone.calls().find((c) => c.callId === input.callId);
    if (!call || call.state === 'ended') fail('not_found');
    const changed = seat.quality.report(input.callId, input.warnings, input.interval);
    if (!changed) return;
    if (changed.length) this.o.log.warn('call audio warning', { callId: input.callId, warnings: changed.join(','), held: call.held, muted: call.muted });
    else this.o.log.info('call audio back', { callId: input.callId });
    this.emitTo(seat.userId)('phone.audioHealth', { callId: input.callId, warnings: changed });
    if (!seat.selfTestCalls.has(input.callId)) this.seatChanged(seat.userId);
  }

  /** Runs a softphone action, turning its errors into typed contract errors. */
  async act<T>(s: SessionInfo, fn: (phone: SoftphoneService) => Promise<T>): Promise<T> {
    const seat = this.seat(s.user.id);
    if (seat.media === 'webrtc' && !seat.mediaConnectionId) seat.mediaConnectionId = this.pendingMediaOwner.get(s.user.id) ?? null;
    try {
      return await fn(seat.phone);
    } catch (e) {
      if (e instanceof SoftphoneError) fail(SOFTPHONE_ERRORS[e.code] ?? 'conflict', { details: { reason: `phone_${e.code.toLowerCase()}` } });
      throw e;
    }
  }

  /**
   * Who can take a transferred call: each user's extension (the user part of the SIP address),
   * their agent state and whether their phone is registered. Users without a SIP account are absent.
   */
  async presence(userIds: string[]): Promise<Map<string, { extension: string; agent: AgentState['name']; registered: boolean }>> {
    const out = new Map<string, { extension: string; agent: AgentState['name']; registered: boolean }>();
    if (userIds.length === 0) return out;
    const rows = await sipAddresses(this.o.db, userIds);
    // Seats on desks of a center report themselves (seat.report); a seat in this process knows itself.
    const since = new Date(this.now().getTime() - SEAT_REPORT_TTL_MS).toISOString();
    const reported = new Map((await seatPresenceOf(this.o.db, rows.filter((r) => !this.seats.has(r.user_id)).map((r) => r.user_id), since)).map((p) => [p.user_id, p]));
    for (const r of rows) {
      const seat = this.seats.get(r.user_id);
      const extension = r.aor.replace(/^sips?:/, '').split('@')[0]!;
      const report = reported.get(r.user_id);
      if (seat) out.set(r.user_id, { extension, agent: seat.agent.name, registered: seat.phone.registration.state === 'registered' });
      else if (report) out.set(r.user_id, { extension, agent: report.agent as AgentState['name'], registered: report.registered === 1 });
      else out.set(r.user_id, { extension, agent: LOGGED_OUT.name, registered: false });
    }
    return out;
  }

  /** A desk's report of its user's phone (seat.report); shift leads' wallboards hear of it. */
  async report(userId: string, r: RequestInput<'seat.report'>): Promise<void> {
    const call = r.call && r.call.state !== 'ended' ? r.call : null;
    const row: SeatPresenceRow = {
      user_id: userId, agent: r.agent, registered: r.registered ? 1 : 0, reported_at: this.now().toISOString(),
      reason: r.agent === 'not_ready' ? r.reason ?? null : null, since: r.since ? new Date(r.since).toISOString() : null,
      call: call ? JSON.stringify(call satisfies SeatReportCall) : null,
    };
    await upsertSeatPresence(this.o.db, row);
    // The wallboard's view is made from the row just written, not read back (a center's desks report
    // tens a second); of two reports of one seat whose views finish out of order, only the newer is told.
    this.latestReport.set(userId, row);
    void this.seatViews([userId], row).then(([view]) => { if (view && this.latestReport.get(userId) === row) this.o.events.bus.publish('seat.changed', view); })
      .catch((e: unknown) => this.o.log.warn('seat view not published', { error: String(e) }));
  }

  /**
   * Today's citizens' calls for the wallboard: a day's records read by time (index on invited_at),
   * never the history.
   */
  async callStats(): Promise<CallStatsView> {
    const now = this.now();
    const day = chinaDateKey(now);
    const from = startOfChinaDay(day).toISOString();
    const to = endOfChinaDay(day).toISOString();
    const [calls, states, extensions, threshold] = await Promise.all([
      callsInvitedBetween(this.o.db, from, to), agentStatesBetween(this.o.db, from, to), seatExtensions(this.o.db), this.storedServiceLevelSeconds(),
    ]);
    return { day, ...callStatsOfDay(calls, states, extensions, threshold, now) };
  }

  /** Today's calls with poor audio, newest first (the 音质差 figure's list); numbers masked. */
  async poorAudioCalls(): Promise<PoorAudioCallRow[]> {
    const day = chinaDateKey(this.now());
    const rows = await poorAudioCallsBetween(this.o.db, startOfChinaDay(day).toISOString(), endOfChinaDay(day).toISOString(), 2000);
    return rows.map((r) => ({
      callId: r.id, agentName: r.display_name, direction: r.direction === 'outbound' ? 'outbound' : 'inbound', remote: maskPhone(r.remote_number),
      invitedAt: r.invited_at, talkMs: r.talk_ms, jitterMs: r.jitter_ms, jitterP95Ms: r.jitter_p95_ms, lossPermille: r.loss_permille,
      rttMs: r.rtt_ms, rttP95Ms: r.rtt_p95_ms, warnings: r.audio_warnings ?? 0,
    }));
  }

  /** The service-level threshold as stored, not as this process loaded it: an admin may have set it on another server of the center. */
  async storedServiceLevelSeconds(): Promise<number> {
    const stored = await readMeta(this.o.db, CONFIG_KEY);
    return (stored === null ? null : (JSON.parse(stored) as Partial<PhoneConfig>).serviceLevelSeconds) ?? DEFAULT_SERVICE_LEVEL_SECONDS;
  }

  /** Every seat with a phone as the wallboard shows it, busiest first. */
  async seatBoard(): Promise<SeatView[]> {
    return (await this.seatViews()).sort(compareSeats);
  }

  /**
   * A shift lead puts a seat on a break or signs its phone out, with a reason: carried out here for
   * a seat in this process, by the agent's desk otherwise (seat.command); audited; the agent told.
   */
  async leadAction(lead: SessionInfo, input: RequestInput<'wallboard.seatAction'>): Promise<SeatView> {
    const [view] = await this.seatViews([input.userId]);
    if (!view) fail('not_found');
    if (view.activity === 'offline') fail('conflict', { details: { reason: 'seat_offline' } });
    const seen = input.expectedSince === null ? null : new Date(input.expectedSince).toISOString();
    if (seen !== view.since) fail('conflict', { details: { reason: 'seat_changed' } });
    if (view.agent === 'on_call') fail('conflict', { details: { reason: 'agent_on_call' } });
    const reason = input.action === 'not_ready' ? this.config.notReadyReasons.find((r) => r.code === input.reason) : undefined;
    if (input.action === 'not_ready' && !reason) fail('invalid_input', { issues: [{ path: 'reason', problem: input.reason ? 'invalid_value' : 'required' }] });
    const seat = this.seats.get(input.userId);
    if (seat) {
      if (input.action === 'sign_out') {
        await this.transition(seat, { type: 'sign_out' });
        await this.stopSeat(seat);
      } else await this.transition(seat, { type: 'set_not_ready', reason: reason!.code });
    }
    await writeAudit(this.o.db, {
      actorId: lead.user.id, action: 'seat.lead_action', subjectType: 'user', subjectId: input.userId,
      data: { action: input.action, reason: reason?.code ?? null, note: input.note, where: view.where },
    });
    this.o.events.bus.publish('seat.command', {
      action: input.action, reason: reason?.code ?? null, reasonLabel: reason?.label ?? null, note: input.note, byName: lead.user.displayName, apply: !seat,
    }, userAudience(input.userId));
    const [after] = await this.seatViews([input.userId]);
    return after!;
  }

  /**
   * Tells shift leads how a seat is now. Fire and forget: a lost one is caught up by the next.
   * Told from the next turn of the event loop, once for every change made meanwhile: an incoming
   * call changes its seat three to four times before its 200 OK goes out (ringing, answered, the
   * agent on call), and reading the view each time (two to three queries) sat between the INVITE
   * and the 200 OK (calls bench: seven seat reads per call). The wallboard shows the seat as it is
   * once the burst is over, as before.
   */
  private seatChanged(userId: string): void {
    if (this.closed) return;
    this.seatsChanged.add(userId);
    this.seatsTelling ??= setImmediate(() => void this.tellSeats());
  }

  private async tellSeats(): Promise<void> {
    if (this.seatsTelling) clearImmediate(this.seatsTelling);
    this.seatsTelling = null;
    const userIds = [...this.seatsChanged];
    this.seatsChanged.clear();
    if (userIds.length === 0) return;
    await this.seatViews(userIds).then((views) => { for (const view of views) this.o.events.bus.publish('seat.changed', view); })
      .catch((e: unknown) => this.o.log.warn('seat view not published', { error: String(e) }));
  }

  /** Seat views as the wallboard shows them; `known`: a desk's report just written, used instead of reading it back. */
  private async seatViews(userIds?: readonly string[], known?: SeatPresenceRow): Promise<SeatView[]> {
    const rows = await phoneSeats(this.o.db, userIds);
    const since = new Date(this.now().getTime() - SEAT_REPORT_TTL_MS).toISOString();
    const read = rows.filter((r) => !this.seats.has(r.user_id) && r.user_id !== known?.user_id).map((r) => r.user_id);
    const reported = new Map((await seatPresenceOf(this.o.db, read, since)).map((p) => [p.user_id, p]));
    if (known && !this.seats.has(known.user_id)) reported.set(known.user_id, known);
    const reasonLabel = (code: string | null) => (code === null ? null : code === UNREGISTERED ? UNREGISTERED_LABEL
      : this.config.notReadyReasons.find((x) => x.code === code)?.label ?? code);
    const views: SeatView[] = [];
    for (const r of rows) {
      const base = { userId: r.user_id, name: r.display_name, extension: r.aor.replace(/^sips?:/, '').split('@')[0]! };
      const seat = this.seats.get(r.user_id);
      const report = reported.get(r.user_id);
      if (seat) {
        const snapshot = seat.phone.calls().find((c) => seat.primaryCalls.has(c.callId) || (!c.consultForCallId && c.state !== 'ended')) ?? null;
        const ticketId = snapshot ? snapshot.ticketId ?? await pendingCallLink(this.o.db, snapshot.callId) : null;
        views.push({
          ...base, where: 'here', agent: seat.agent.name, reason: reasonLabel(seat.agent.reason === 'login' ? null : seat.agent.reason), since: seat.agent.since,
          registered: seat.phone.registration.state === 'registered', activity: seatActivity(seat.agent.name, snapshot),
          call: snapshot ? {
            direction: snapshot.direction, remote: maskPhone(snapshot.remoteNumber), ticketNumber: ticketId ? await ticketNumber(this.o.db, ticketId) : null,
            ...(seat.quality.has(snapshot.callId) ? { audio: seat.quality.live(snapshot.callId) } : {}),
          } : null,
        });
      } else if (report && report.agent !== 'logged_out') {
        const agent = report.agent as AgentState['name'];
        const call = report.call ? JSON.parse(report.call) as SeatReportCall : null;
        views.push({
          ...base, where: 'desk', agent, reason: reasonLabel(report.reason), since: report.since, registered: report.registered === 1,
          activity: seatActivity(agent, call),
          call: call ? { direction: call.direction, remote: maskPhone(call.remote), ticketNumber: call.ticketId ? await ticketNumber(this.o.db, call.ticketId) : null } : null,
        });
      } else {
        views.push({ ...base, where: 'none', agent: 'logged_out', reason: null, since: report?.since ?? null, registered: false, activity: 'offline', call: null });
      }
    }
    return views;
  }

  hasCall(s: SessionInfo, callId: string): CallSnapshot | undefined {
    return this.seats.get(s.user.id)?.phone.calls().find((c) => c.callId === callId);
  }

  /** Ties a ticket to a call; a call still up (no record yet) gets it when it ends (see callEnded). */
  async linkTicket(callId: string, ticketId: string) {
    if (await callRecordExists(this.o.db, callId)) await linkCallToTicket(this.o.db, callId, ticketId);
    else await setPendingCallLink(this.o.db, callId, ticketId);
  }

  async close(): Promise<void> {
    await Promise.all([...this.seats.values()].map((s) => this.stopSeat(s).catch(() => undefined)));
    // Shift leads hear of the seats going offline before the store closes.
    this.closed = true;
    await this.tellSeats();
  }
}

import type { Kysely } from 'kysely';
import {
  fail, userAudience, type ContractError, type EventPayload, type PhoneCall, type PhoneStatus, type ReasonCode, type SessionInfo, type SipAccountView,
} from '../../shared/contract';
import { LOGGED_OUT, nextAgentState, offerDecision, type AgentEvent, type AgentState } from '../../shared/domain/agent-state';
import { maskPhone } from '../../shared/domain/phone';
import type { Logger } from '../log';
import type { EventPublisher } from '../events/bus';
import type { DB } from '../store/schema';
import { SoftphoneError, SoftphoneService, NullMediaBridge, type CallRecord, type CallSnapshot, type RegistrationStatus } from '../sip';
import { uuidv7 } from '../util/ids';
import { writeAudit } from '../services/audit';
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

/** The connection (window) that plays a seat's call audio, as far as the phone needs it. */
export interface MediaWindow { send(name: 'media.command', payload: EventPayload<'media.command'>): void }

/** A seat's own events, to its user. */
type SeatEvent = 'phone.registration' | 'phone.agent' | 'phone.call' | 'phone.incoming' | 'phone.ended';

export interface PhoneConfig { notReadyReasons: ReasonCode[]; wrapUpCodes: ReasonCode[]; acwSeconds: number }

export interface PhoneServiceOptions {
  db: Kysely<DB>;
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
  constructor(readonly userId: string, readonly phone: SoftphoneService, readonly media: 'webrtc' | 'null', send: (cmd: MediaCommand) => boolean) {
    this.relay = new RendererMediaRelay(send);
  }
}

/**
 * The softphone side of main: one seat per signed-in phone user, the agent-state rules applied
 * to every SIP event, every state change and every call persisted, and events pushed to that
 * user's renderers. Numbers leave main in full only to the agent on the call.
 */
export class PhoneService {
  private readonly seats = new Map<string, Seat>();
  private readonly now: () => Date;
  /** Reason codes, wrap-up codes and the wrap-up timer: admin settings, defaults until set. */
  private config: PhoneConfig;

  constructor(private readonly o: PhoneServiceOptions) {
    this.now = o.now ?? (() => new Date());
    this.config = { notReadyReasons: DEFAULT_NOT_READY, wrapUpCodes: DEFAULT_WRAP_UP, acwSeconds: o.acwSeconds ?? 30 };
  }

  private emitTo(userId: string) {
    const audience = userAudience(userId);
    return <E extends SeatEvent>(name: E, payload: EventPayload<E>) => this.o.events.bus.publish<SeatEvent>(name, payload as EventPayload<SeatEvent>, audience);
  }

  /** Reads the admin's phone settings; called once at start. A test's acwSeconds option wins. */
  async loadConfig(): Promise<PhoneConfig> {
    const row = await this.o.db.selectFrom('meta').select('value').where('key', '=', CONFIG_KEY).executeTakeFirst();
    if (row) {
      const stored = JSON.parse(row.value) as PhoneConfig;
      this.config = { ...stored, acwSeconds: this.o.acwSeconds ?? stored.acwSeconds };
    }
    return this.config;
  }

  async setConfig(next: PhoneConfig, actorId: string): Promise<PhoneConfig> {
    for (const [path, list] of [['notReadyReasons', next.notReadyReasons], ['wrapUpCodes', next.wrapUpCodes]] as const) {
      if (new Set(list.map((r) => r.code)).size !== list.length) fail('invalid_input', { issues: [{ path, problem: 'duplicate_code' }] });
    }
    await this.o.db.transaction().execute(async (trx) => {
      await trx.insertInto('meta').values({ key: CONFIG_KEY, value: JSON.stringify(next) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(next) })).execute();
      await writeAudit(trx, { actorId, action: 'phone.config_changed', subjectType: 'settings', subjectId: CONFIG_KEY, data: { ...next } });
    });
    this.config = next;
    return next;
  }

  async account(userId: string): Promise<SipAccountView | null> {
    const a = await this.o.db.selectFrom('sip_accounts').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return a ? { userId, wsUrl: a.ws_url, aor: a.aor, authUser: a.auth_user, displayName: a.display_name, media: a.media_mode === 'null' ? 'null' : 'webrtc', hasPassword: a.secret_enc.length > 0, updatedAt: a.updated_at } : null;
  }

  async setAccount(input: { userId: string; wsUrl: string; aor: string; authUser: string; password?: string; displayName?: string | null; media: 'webrtc' | 'null' }, actorId: string): Promise<SipAccountView> {
    const user = await this.o.db.selectFrom('users').select('id').where('id', '=', input.userId).executeTakeFirst();
    if (!user) fail('not_found');
    const existing = await this.o.db.selectFrom('sip_accounts').select('secret_enc').where('user_id', '=', input.userId).executeTakeFirst();
    if (!existing && !input.password) fail('invalid_input', { issues: [{ path: 'password', problem: 'required' }] });
    const secret = input.password ? this.o.secrets.encrypt(input.password) : existing!.secret_enc;
    const at = this.now().toISOString();
    const row = { ws_url: input.wsUrl, aor: input.aor.replace(/^sips?:/, ''), auth_user: input.authUser, secret_enc: secret, display_name: input.displayName ?? null, media_mode: input.media, updated_at: at };
    await this.o.db.transaction().execute(async (trx) => {
      await trx.insertInto('sip_accounts').values({ user_id: input.userId, ...row })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(row)).execute();
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
    };
  }

  async statusFor(session: SessionInfo): Promise<PhoneStatus> {
    const s = this.status(session);
    if (!this.seats.has(session.user.id)) s.configured = (await this.account(session.user.id)) !== null;
    return s;
  }

  private registrationView(r: RegistrationStatus) {
    return { state: r.state, reason: r.reason, code: r.code, nextAttemptAt: r.nextAttemptAt };
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
      if (newState) await this.o.db.insertInto('agent_state_events').values({
        id: uuidv7(), user_id: seat.userId, at: r.state.since, state: r.state.name, reason: r.state.reason, call_id: r.state.callId,
      }).execute();
      this.emitTo(seat.userId)('phone.agent', r.state);
      this.armAcwTimer(seat);
    }
    return seat.agent;
  }

  private armAcwTimer(seat: Seat) {
    if (seat.acwTimer) clearTimeout(seat.acwTimer);
    seat.acwTimer = null;
    if (seat.agent.name !== 'after_call_work' || !seat.agent.acwUntil) return;
    const ms = Math.max(0, Date.parse(seat.agent.acwUntil) - this.now().getTime()) + 50;
    seat.acwTimer = setTimeout(() => void this.transition(seat, { type: 'acw_timer' }).catch(() => undefined), ms);
  }

  async signIn(session: SessionInfo): Promise<PhoneStatus> {
    const userId = session.user.id;
    if (this.seats.has(userId)) return this.status(session);
    const acc = await this.o.db.selectFrom('sip_accounts').selectAll().where('user_id', '=', userId).executeTakeFirst();
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
    phone.on('registration', (r) => emit('phone.registration', this.registrationView(r)));
    phone.on('call', (c) => {
      emit('phone.call', this.callView(c, true));
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
      emit('phone.incoming', { callId: i.callId, remoteNumber: i.remoteNumber, autoRejected: Boolean(i.autoRejected), at: i.at });
      if (!i.autoRejected && this.o.autoAnswer) void phone.answer(i.callId).catch((e: unknown) => this.o.log.warn('auto-answer failed', { error: String(e) }));
    });
    phone.on('ended', (rec) => void this.callEnded(seat, rec));
    await phone.start({
      wsUrl: acc.ws_url, aor: acc.aor, authorizationUsername: acc.auth_user, password: this.o.secrets.decrypt(acc.secret_enc),
      displayName: acc.display_name ?? session.user.displayName, ...this.o.sipTuning,
    });
    await this.transition(seat, { type: 'sign_in' });
    await writeAudit(this.o.db, { actorId: userId, action: 'phone.sign_in', subjectType: 'user', subjectId: userId });
    return this.status(session);
  }

  private async callEnded(seat: Seat, rec: CallRecord) {
    const wasPrimary = seat.primaryCalls.delete(rec.callId);
    const missed = rec.answeredAt === undefined && rec.direction === 'inbound';
    try {
      await this.o.db.insertInto('call_records').values({
        id: rec.callId, user_id: seat.userId, direction: rec.direction, remote_number: lookupKey(rec.remoteNumber),
        invited_at: new Date(rec.invitedAt).toISOString(), answered_at: rec.answeredAt ? new Date(rec.answeredAt).toISOString() : null,
        ended_at: new Date(rec.endedAt).toISOString(), ring_ms: rec.ringMs, talk_ms: rec.talkMs, hold_ms: rec.holdMs,
        end_reason: rec.endReason, sip_code: rec.sipCode ?? null, transfer_target: rec.transferTarget ?? null, wrap_up_code: null,
      }).onConflict((oc) => oc.column('id').doNothing()).execute();
      // A ticket registered while the call was still up waits here for the call's record.
      const pending = await pendingCallLink(this.o.db, rec.callId);
      if (pending) {
        await this.linkTicket(rec.callId, pending);
        await clearPendingCallLink(this.o.db, rec.callId);
      }
    } catch (e) {
      this.o.log.error('call record not saved', { error: String(e) });
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

  setReady = (s: SessionInfo) => this.transition(this.seat(s.user.id), { type: 'set_ready' });
  setNotReady = (s: SessionInfo, reason: string) => {
    if (!this.config.notReadyReasons.some((r) => r.code === reason)) fail('invalid_input', { issues: [{ path: 'reason', problem: 'invalid_value' }] });
    return this.transition(this.seat(s.user.id), { type: 'set_not_ready', reason });
  };

  async wrapUp(s: SessionInfo, callId: string, code: string): Promise<AgentState> {
    if (!this.config.wrapUpCodes.some((r) => r.code === code)) fail('invalid_input', { issues: [{ path: 'code', problem: 'invalid_value' }] });
    const state = await this.transition(this.seat(s.user.id), { type: 'wrap_up', callId, code });
    await this.o.db.updateTable('call_records').set({ wrap_up_code: code }).where('id', '=', callId).execute();
    return state;
  }

  attachMedia(s: SessionInfo, connectionId: string) {
    const seat = this.seats.get(s.user.id);
    if (seat) seat.mediaConnectionId = connectionId;
    this.pendingMediaOwner.set(s.user.id, connectionId);
  }

  /** A renderer attached before the seat existed becomes its media owner when it starts. */
  private readonly pendingMediaOwner = new Map<string, string>();

  mediaReply(s: SessionInfo, r: { id: string; ok: boolean; sdp?: string; dtmfSent?: boolean; error?: string }): void {
    const seat = this.seats.get(s.user.id);
    if (!seat || !seat.relay.reply(r)) fail('not_found');
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
    const rows = await this.o.db.selectFrom('sip_accounts').select(['user_id', 'aor']).where('user_id', 'in', userIds).execute();
    for (const r of rows) {
      const seat = this.seats.get(r.user_id);
      const extension = r.aor.replace(/^sips?:/, '').split('@')[0]!;
      out.set(r.user_id, { extension, agent: seat?.agent.name ?? LOGGED_OUT.name, registered: seat?.phone.registration.state === 'registered' });
    }
    return out;
  }

  hasCall(s: SessionInfo, callId: string): CallSnapshot | undefined {
    return this.seats.get(s.user.id)?.phone.calls().find((c) => c.callId === callId);
  }

  async linkTicket(callId: string, ticketId: string) {
    await this.o.db.insertInto('call_ticket_links').values({ call_id: callId, ticket_id: ticketId }).onConflict((oc) => oc.doNothing()).execute();
  }

  async close(): Promise<void> {
    await Promise.all([...this.seats.values()].map((s) => this.stopSeat(s).catch(() => undefined)));
  }
}

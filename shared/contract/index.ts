import { z } from 'zod';
import type { Result } from './errors';
import { event, request, type EventDef, type RequestDef } from './define';
import { frames, roleSchema } from './roles';
import type {
  AdminUserRow, AppInfo, AuditRow, CalendarYear, DeadlinePolicyView, KpiReport, DemoStatus, Draft, OverviewStats, SessionInfo, SignedIn, TicketListRow, UserSettings,
} from './types';
import type { CallAudioHealth, CallEndedEvent, DutyTransferTarget, PhoneConfigView, SelfTestResult, SelfTestStep, MediaCommandEvent, PhoneCall, PhoneRegistration, PhoneStatus, ScreenPop, SipAccountForDesk, SipAccountView } from './phone';
import type { AgentState } from '../domain/agent-state';
import { deadlinePolicySchema } from '../domain/deadlines';
import { AUDIO_WARNINGS, type CallQuality } from '../domain/audio-health';
import { ticketChannelSchema } from '../domain/appeal';
import type { DepartmentSuggestions, DispatchWarning } from '../domain/routing';
import { knowledgeRequests } from './knowledge';
import { xlsxRequests } from './xlsx';
import { consultationEvents, consultationRequests } from './consultation';
import { jobEvents, jobRequests } from './jobs';
import { divisionRequests } from './division';
import { deskEvents, deskRequests } from './desk';
import { wallboardEvents, wallboardRequests } from './wallboard';
import { classCaseRequests } from './class-cases';
import { analysisRequests } from './analysis';
import { hotspotEvents, hotspotRequests } from './hotspots';
import { recordingRequests } from './recordings';
import { outreachEvents, outreachRequests } from './outreach';
import { humanLine, optionalHumanLine } from './text';
import { ticketActionInput, ticketCreateInput, ticketSearchInput, ticketViews, type TicketCreated, type TicketSearchResult, type SimilarTicket, type CategorySuggestion, type ReferenceData, type TicketDetail, type WorkRow, type TicketChanged } from './tickets';

export * from './errors';
export * from './roles';
export * from './types';
export * from './phone';
export * from './tickets';
export * from './knowledge';
export * from './xlsx';
export * from './consultation';
export * from './jobs';
export * from './division';
export * from './desk';
export * from './wallboard';
export * from './class-cases';
export * from './analysis';
export * from './hotspots';
export * from './recordings';
export * from './outreach';
export * from './text';
export * from './audience';
export * from './event-audience';
export * from './reads';
export * from './wire';
export type { Access, EventDef, RecordKind, RequestDef } from './define';

const username = z.string().trim().min(2).max(32).regex(/^[A-Za-z0-9_.-]+$/);
const displayName = humanLine(1, 40);
/** Length only: strength beyond that is checked in main so the message can say why. */
const password = z.string().min(1).max(128);
const id = z.string().uuid();
/** 32 random bytes, base64url. */
const sessionToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
/** A department's id (ids of imported reference data are not all UUIDs). */
const departmentRef = z.string().min(1).max(64);
/** Roles that sit at a phone: agents, CPPCC members on duty, shift leads covering a seat. */
const PHONE_ROLES = ['agent', 'cppcc_member', 'liaison_expert', 'shift_lead'] as const;
const callId = z.string().min(1).max(100);
/** A call's audio quality (shared/domain/audio-health.ts CallQuality), bounded: ms to a minute, loss in ‰. */
const qualityMs = z.number().int().min(0).max(60_000).nullable();
const callQualityInput = z.object({
  jitterMs: qualityMs, jitterP95Ms: qualityMs, lossPermille: z.number().int().min(0).max(1000).nullable(),
  rttMs: qualityMs, rttP95Ms: qualityMs, warnings: z.number().int().min(0).max(100_000),
}).strict() satisfies z.ZodType<CallQuality>;
/** A number or SIP user to dial or transfer to: digits, *, #, optional leading +. */
const dialTarget = z.string().trim().regex(/^\+?[0-9*#]{1,32}$/);
const reasonCode = z.object({ code: z.string().regex(/^[a-z0-9_]{1,32}$/), label: humanLine(1, 16) }).strict();
const draftKey = z.string().min(1).max(120).regex(/^[a-z0-9_.:-]+$/);

/**
 * Every request the renderer may make. Main validates `input` before any handler runs; the result
 * type is the second type argument. Adding an entry here without a handler fails the type check of
 * both bindings.
 */
export const requests = {
  'app.info': request<AppInfo>()(z.object({}).strict(), 'public'),
  'setup.createFirstAdmin': request<SignedIn>()(
    z.object({ username, displayName, password }).strict(), 'public'),
  'setup.loadDemoData': request<AppInfo>()(z.object({}).strict(), 'public'),

  'session.login': request<SignedIn>()(z.object({ username: z.string().max(64), password }).strict(), 'public'),
  /** Binds this connection to an earlier sign-in (page reload, reconnect); fails with session_expired. */
  'session.resume': request<SessionInfo>()(z.object({ token: sessionToken }).strict(), 'public'),
  'session.logout': request<null>()(z.object({}).strict(), 'session'),
  'session.current': request<SessionInfo | null>()(z.object({}).strict(), 'public'),
  /** Ends the user's other sessions; this one stays signed in, with the refreshed session. */
  'session.changePassword': request<SessionInfo>()(
    z.object({ currentPassword: password, newPassword: password }).strict(), 'session'),

  'settings.get': request<UserSettings>()(z.object({}).strict(), 'session'),
  'settings.update': request<UserSettings>()(z.object({
    theme: z.enum(['light', 'dark', 'auto']).optional(),
    lastFrame: z.enum(frames).nullable().optional(),
    intakeChannel: ticketChannelSchema.nullable().optional(),
  }).strict(), 'session'),

  'drafts.get': request<Draft | null>()(z.object({ key: draftKey }).strict(), 'session'),
  'drafts.save': request<Draft>()(z.object({ key: draftKey, data: z.string().max(200_000) }).strict(), 'session'),
  'drafts.discard': request<null>()(z.object({ key: draftKey }).strict(), 'session'),

  'demo.status': request<DemoStatus>()(z.object({}).strict(), 'session'),
  'stats.overview': request<OverviewStats>()(z.object({}).strict(), ['shift_lead', 'admin', 'agent', 'cppcc_member']),
  /** The last `days` China calendar days, today so far included (KpiReport.from/to); kept up to date by `stats.changed`. */
  'stats.kpis': request<KpiReport>()(z.object({ days: z.number().int().min(1).max(366) }).strict(), ['shift_lead', 'admin']),
  'tickets.recent': request<TicketListRow[]>()(z.object({
    limit: z.number().int().min(1).max(5000),
  }).strict(), 'session', 'tickets'),
  'reference.get': request<ReferenceData>()(z.object({}).strict(), 'session'),
  'tickets.create': request<TicketCreated>()(ticketCreateInput, ['agent', 'cppcc_member', 'shift_lead']),
  'tickets.get': request<TicketDetail>()(z.object({ id }).strict(), 'session', 'tickets'),
  'tickets.act': request<TicketDetail>()(z.object({ ticketId: id, expectedVersion: z.number().int().min(0), action: ticketActionInput }).strict(),
    ['agent', 'cppcc_member', 'shift_lead', 'department'], 'tickets'),
  /** Departments search too, within their own tickets (the scope is applied in main). */
  'tickets.search': request<TicketSearchResult>()(ticketSearchInput, ['agent', 'cppcc_member', 'liaison_expert', 'shift_lead', 'admin', 'department'], 'tickets'),
  'tickets.similar': request<SimilarTicket[]>()(z.object({
    categoryId: z.string().min(1).max(64), districtCode: z.string().regex(/^\d{6,12}$/).optional(), text: z.string().max(4100), limit: z.number().int().min(1).max(20),
  }).strict(), ['agent', 'cppcc_member', 'shift_lead'], 'tickets'),
  'tickets.suggestCategory': request<CategorySuggestion[]>()(z.object({ title: z.string().max(100), content: z.string().max(4000) }).strict(),
    ['agent', 'cppcc_member', 'shift_lead']),
  /** 智能派单: lead and co-departments for a ticket, each with why (shared/domain/routing.ts). */
  'tickets.suggestDepartments': request<DepartmentSuggestions>()(z.object({ ticketId: id }).strict(), ['agent', 'cppcc_member', 'shift_lead']),
  /** The misrouting guard: what to warn of before dispatching a ticket to these departments (empty: nothing). */
  'tickets.checkDispatch': request<DispatchWarning[]>()(z.object({
    ticketId: id, leadDepartmentId: z.string().min(1).max(64), coDepartmentIds: z.array(z.string().min(1).max(64)).max(10),
  }).strict(), ['agent', 'cppcc_member', 'shift_lead']),
  'tickets.work': request<WorkRow[]>()(z.object({ view: z.enum(ticketViews), limit: z.number().int().min(1).max(5000) }).strict(),
    ['agent', 'cppcc_member', 'shift_lead', 'department'], 'tickets'),

  'calendar.list': request<CalendarYear[]>()(z.object({}).strict(), 'session'),
  'calendar.setYear': request<CalendarYear>()(z.object({
    year: z.number().int().min(2020).max(2100),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(60),
    workdays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(20),
  }).strict(), ['admin']),
  'deadlines.get': request<DeadlinePolicyView>()(z.object({}).strict(), 'session'),
  /** Shape checked here; meaning (order of urgencies, caps, sign before reply) checked in main. */
  'deadlines.set': request<DeadlinePolicyView>()(z.object({ policy: deadlinePolicySchema }).strict(), ['admin']),
  'users.list': request<AdminUserRow[]>()(z.object({}).strict(), ['admin']),
  /** A department user must be bound to an existing department (承办单位); checked in main. */
  'users.create': request<AdminUserRow>()(z.object({
    username, displayName, password, roles: z.array(roleSchema).min(1).max(6), departmentId: departmentRef.nullable().optional(),
  }).strict(), ['admin']),
  /** departmentId left out keeps the binding; a user who loses the department role loses it. */
  'users.setRoles': request<AdminUserRow>()(z.object({ userId: id, roles: z.array(roleSchema).min(1).max(6), departmentId: departmentRef.nullable().optional() }).strict(), ['admin']),
  'users.setDisabled': request<AdminUserRow>()(z.object({ userId: id, disabled: z.boolean() }).strict(), ['admin']),
  'users.unlock': request<AdminUserRow>()(z.object({ userId: id }).strict(), ['admin']),
  /** Sets a new initial password, ends every session of that user; they must change it at sign-in. */
  'users.resetPassword': request<AdminUserRow>()(z.object({ userId: id, password }).strict(), ['admin']),
  'audit.list': request<AuditRow[]>()(z.object({
    limit: z.number().int().min(1).max(1000), action: z.string().max(64).optional(),
  }).strict(), ['admin']),

  // Softphone: call control runs in main; these only ask it to act.
  'phone.status': request<PhoneStatus>()(z.object({}).strict(), PHONE_ROLES),
  'phone.signIn': request<PhoneStatus>()(z.object({}).strict(), PHONE_ROLES),
  'phone.signOut': request<PhoneStatus>()(z.object({}).strict(), PHONE_ROLES),
  'phone.setReady': request<AgentState>()(z.object({}).strict(), PHONE_ROLES),
  'phone.setNotReady': request<AgentState>()(z.object({ reason: z.string().min(1).max(32) }).strict(), PHONE_ROLES),
  'phone.wrapUp': request<AgentState>()(z.object({ callId, code: z.string().min(1).max(32) }).strict(), PHONE_ROLES),
  'phone.answer': request<null>()(z.object({ callId }).strict(), PHONE_ROLES),
  'phone.reject': request<null>()(z.object({ callId }).strict(), PHONE_ROLES),
  'phone.hangup': request<null>()(z.object({ callId }).strict(), PHONE_ROLES),
  'phone.hold': request<null>()(z.object({ callId, held: z.boolean() }).strict(), PHONE_ROLES),
  'phone.mute': request<null>()(z.object({ callId, muted: z.boolean() }).strict(), PHONE_ROLES),
  'phone.dtmf': request<{ via: 'rfc4733' | 'sip-info' }>()(z.object({ callId, tones: z.string().regex(/^[0-9A-Da-d*#]{1,32}$/) }).strict(), PHONE_ROLES),
  'phone.blindTransfer': request<null>()(z.object({ callId, target: dialTarget }).strict(), PHONE_ROLES),
  /**
   * Attended transfer, step 1: calls `target` while the caller holds. `ticketId` travels with the
   * call so the colleague's console opens that ticket; left out, the ticket registered during this
   * call (if any) is sent.
   */
  'phone.startConsult': request<{ consultCallId: string; ticketId: string | null }>()(z.object({ callId, target: dialTarget, ticketId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() }).strict(), PHONE_ROLES),
  /** Members and experts on duty now, with their extension and whether they can take a call. */
  'phone.dutyTargets': request<DutyTransferTarget[]>()(z.object({}).strict(), PHONE_ROLES),
  'phone.completeTransfer': request<null>()(z.object({ consultCallId: callId }).strict(), PHONE_ROLES),
  'phone.cancelConsult': request<null>()(z.object({ consultCallId: callId }).strict(), PHONE_ROLES),
  /**
   * Self-test, echo step: main calls the admin's echo test number, measures the audio that comes back
   * (the renderer holding the call reports its WebRTC stats) and hangs up; the call changes no agent
   * state and is not in the call log.
   */
  'phone.selfTestEcho': request<SelfTestStep>()(z.object({}).strict(), PHONE_ROLES),
  /**
   * Self-test: what the desk measured (microphone level, whether the agent heard the test tone); main
   * adds registration and its own echo result, records the test (audit) and, when every step passed,
   * lets the agent go 就绪.
   */
  'phone.selfTestResult': request<SelfTestResult>()(z.object({
    steps: z.array(z.object({
      step: z.enum(['microphone', 'speaker', 'registration', 'echo']),
      ok: z.boolean(),
      /** Peak level the step measured, 0..1. */
      level: z.number().min(0).max(1).optional(),
      cause: z.string().regex(/^[a-z_]{1,40}$/).optional(),
    }).strict()).min(1).max(4),
  }).strict(), PHONE_ROLES),
  'phone.dial': request<{ callId: string }>()(z.object({ number: dialTarget, ticketId: id.optional() }).strict(), PHONE_ROLES),
  /**
   * The caller's tickets. `ticketId`: the ticket a colleague handed over with the call, sent by a
   * desk whose calls the center does not know (a call id names the call on this server).
   */
  'phone.screenPop': request<ScreenPop>()(z.object({ callId: callId.optional(), phone: z.string().min(3).max(32).optional(), ticketId: id.optional() }).strict(), PHONE_ROLES, 'tickets'),
  /** The renderer that plays the audio says so; main sends it the media commands. */
  'media.attach': request<null>()(z.object({}).strict(), PHONE_ROLES),
  'media.reply': request<null>()(z.object({
    id: z.string().min(1).max(200), ok: z.boolean(), sdp: z.string().max(20_000).optional(),
    dtmfSent: z.boolean().optional(), error: z.string().max(500).optional(), fresh: z.boolean().optional(),
    audio: z.object({ packets: z.number().int().min(0).max(1e9), energy: z.number().min(0).max(1e9) }).strict().optional(),
  }).strict(), PHONE_ROLES),
  /**
   * The renderer that plays a call's audio says its connection to the far end is gone (ICE failed,
   * or disconnected for seconds): main ends the call as dropped by the network. Only from that renderer.
   */
  'media.lost': request<null>()(z.object({ callId, ice: z.enum(['disconnected', 'failed']) }).strict(), PHONE_ROLES),
  /**
   * The renderer that plays a call's audio, once a second while the call's media is up: the audio
   * warnings its stats show now (shared/domain/audio-health.ts) and what the last second added to
   * the call's quality. Only from that renderer; main keeps the call's summary for its record and
   * tells the agent's windows (phone.audioHealth) when the warnings change.
   */
  'media.audioHealth': request<null>()(z.object({
    callId,
    warnings: z.array(z.enum(AUDIO_WARNINGS)).max(AUDIO_WARNINGS.length),
    interval: z.object({
      received: z.number().int().min(0).max(100_000), lost: z.number().int().min(0).max(100_000),
      jitterMs: z.number().int().min(0).max(60_000).nullable(), rttMs: z.number().int().min(0).max(60_000).nullable(),
    }).strict(),
  }).strict(), PHONE_ROLES),

  'phone.getConfig': request<PhoneConfigView>()(z.object({}).strict(), ['admin', 'shift_lead']),
  'phone.setConfig': request<PhoneConfigView>()(z.object({
    notReadyReasons: z.array(reasonCode).min(1).max(20),
    wrapUpCodes: z.array(reasonCode).min(1).max(40),
    acwSeconds: z.number().int().min(0).max(600),
    /** Left out: kept as it is. */
    serviceLevelSeconds: z.number().int().min(5).max(120).optional(),
    /** Left out: kept as it is. */
    selfTestRequired: z.boolean().optional(),
    /** Left out: kept as it is; null: no echo step. */
    echoNumber: dialTarget.nullable().optional(),
  }).strict(), ['admin']),
  /**
   * A desk tells the center how its user's phone is (the softphone runs on the desk): on every
   * change and once a minute; the center believes a report for three minutes.
   */
  'seat.report': request<null>()(z.object({
    agent: z.enum(['logged_out', 'not_ready', 'ready', 'on_call', 'after_call_work']), registered: z.boolean(),
    /** The not-ready reason code, when the agent is not ready. */
    reason: z.string().regex(/^[a-z0-9_]{1,32}$/).nullable().optional(),
    /** When the agent state began, on the desk's clock. */
    since: z.string().datetime({ offset: true }).optional(),
    /** The call on the line: the full number goes to the center, which masks it for the wallboard. */
    call: z.object({
      direction: z.enum(['inbound', 'outbound']), remote: z.string().regex(/^[0-9A-Za-z*#+@._-]{1,64}$/),
      state: z.enum(['ringing', 'dialing', 'early', 'active', 'ended']), held: z.boolean(), ticketId: id.nullable().optional(),
    }).strict().nullable().optional(),
  }).strict(), PHONE_ROLES),
  /**
   * A desk's finished call, sent through its outbox (the softphone runs on the desk, the center's
   * call figures and reports read call_records): once per call id, replays answered as already
   * recorded. Only for the desk's own signed-in user (`userId` must be the caller's), only from a
   * desk's main process (deskMainOnlyRequests), never a page's. `ticketId`: a ticket tied to the
   * call on the desk (dialled from it, handed over with it).
   */
  'seat.recordCall': request<{ recorded: boolean }>()(z.object({
    callId: id, userId: id, direction: z.enum(['inbound', 'outbound']), remoteNumber: z.string().regex(/^[0-9]{0,32}$/),
    invitedAt: z.string().datetime({ offset: true }), answeredAt: z.string().datetime({ offset: true }).nullable(), endedAt: z.string().datetime({ offset: true }),
    ringMs: z.number().int().min(0).max(86_400_000), talkMs: z.number().int().min(0).max(86_400_000), holdMs: z.number().int().min(0).max(86_400_000),
    endReason: z.string().regex(/^[a-z-]{1,32}$/), sipCode: z.number().int().min(100).max(699).nullable(),
    transferTarget: z.string().max(200).nullable(), wrapUpCode: z.string().regex(/^[a-z0-9_]{1,32}$/).nullable(), ticketId: id.nullable(),
    /** The call's audio quality as the desk measured it (absent from desks older than migration 0027). */
    quality: callQualityInput.nullable().optional(),
  }).strict(), PHONE_ROLES),
  /** The wrap-up code the agent gave a call after it ended on their desk (after its seat.recordCall, through the same outbox). */
  'seat.wrapUpCall': request<null>()(z.object({ callId: id, code: z.string().regex(/^[a-z0-9_]{1,32}$/) }).strict(), PHONE_ROLES),
  /** The caller's own SIP account with its password, for their desk to register (see deskOnlyResults). */
  'sip.myAccount': request<SipAccountForDesk | null>()(z.object({}).strict(), PHONE_ROLES),
  'sip.getAccount': request<SipAccountView | null>()(z.object({ userId: id }).strict(), ['admin']),
  'sip.setAccount': request<SipAccountView>()(z.object({
    userId: id,
    wsUrl: z.string().regex(/^wss?:\/\/[^\s/]+(\/\S*)?$/).max(300),
    aor: z.string().regex(/^(sips?:)?[A-Za-z0-9._~+-]+@[A-Za-z0-9.-]+(:\d+)?$/).max(200),
    authUser: z.string().min(1).max(64),
    password: z.string().min(1).max(128).optional(),
    displayName: optionalHumanLine(40).nullable().optional(),
    media: z.enum(['webrtc', 'null']).default('webrtc'),
  }).strict(), ['admin']),
  ...knowledgeRequests,
  ...xlsxRequests,
  ...jobRequests,
  ...divisionRequests,
  ...consultationRequests,
  ...deskRequests,
  ...wallboardRequests,
  ...classCaseRequests,
  ...analysisRequests,
  ...hotspotRequests,
  ...recordingRequests,
  ...outreachRequests,
} satisfies Record<string, RequestDef>;

/**
 * offline_refused: the center refused the real sign-in an offline one (made on a desk while the
 * center was down) stood for; offline_unconfirmed: the desk could not confirm it (it restarted
 * meanwhile and keeps no password), the user must sign in again.
 */
export const sessionEndReasons = ['logout', 'disabled', 'password_changed', 'password_reset', 'expired', 'offline_refused', 'offline_unconfirmed'] as const;
export type SessionEndReason = (typeof sessionEndReasons)[number];

/** Every event main may push to a renderer. */
export const events = {
  /** The session ended from main's side (logout elsewhere, account disabled, password changed or reset, expired). */
  'session.ended': event<{ reason: SessionEndReason }>(),
  /** The signed-in user's roles, department or frames changed: the renderer adopts the new session. */
  'session.changed': event<SessionInfo>(),
  /** Something the user should see as a notification; `code` is a catalogue key. */
  'app.notice': event<{ level: 'info' | 'warning' | 'error'; code: string; params?: Record<string, string | number> }>(),
  'phone.registration': event<PhoneRegistration>(),
  'phone.agent': event<AgentState>(),
  'phone.call': event<PhoneCall>(),
  /** A call reached this seat; missed or refused ones too, so none is lost from the log. */
  'phone.incoming': event<{
    callId: string; remoteNumber: string; autoRejected: boolean; at: number; replacesCallId?: string;
    /** A call refused without ringing: the SIP code answered (486 busy, 488 media) and why. */
    rejected?: { code: number; reason: string; mediaProblem?: 'no-audio' | 'no-dtls' | 'no-ice' };
  }>(),
  'phone.ended': event<CallEndedEvent>(),
  /** The BYE of a call hung up while the SIP server was out of reach: pending, then sent or failed. */
  'phone.hangupSignal': event<{ callId: string; state: 'pending' | 'sent' | 'failed'; at: number }>(),
  /** A call's audio warnings changed (none: audio is back); the softphone's call card shows them with a hint. */
  'phone.audioHealth': event<CallAudioHealth>(),
  'media.command': event<MediaCommandEvent>(),
  /** Reference data (divisions, taxonomy, departments) changed: forms reload it. */
  'reference.changed': event<{ at: string }>(),
  /** A ticket changed; audience: ticketChangedAudience (its departments, agents, shift leads). Every event's audience rule: event-audience.ts. */
  'ticket.changed': event<TicketChanged>(),
  /**
   * Ticket figures (KPIs, the overview) changed: wallboards read them again. At most about one a
   * second per console process however many tickets change; audience: shift leads and admins.
   */
  'stats.changed': event<{ at: string }>(),
  ...consultationEvents,
  ...jobEvents,
  ...deskEvents,
  ...wallboardEvents,
  ...hotspotEvents,
  ...outreachEvents,
} satisfies Record<string, EventDef>;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>;
export type ParsedInput<N extends RequestName> = z.output<Requests[N]['input']>;
export type RequestOutput<N extends RequestName> = Requests[N] extends RequestDef<z.ZodType, infer O> ? O : never;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = Events[E] extends EventDef<infer P> ? P : never;

export const requestNames = Object.keys(requests) as RequestName[];
export const eventNames = Object.keys(events) as EventName[];

/** Validates and narrows a request name arriving from an untrusted peer. */
export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

/** The API both transports give the renderer; the renderer never knows which one it has. */
export interface ConsoleApi {
  request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Result<RequestOutput<N>>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}

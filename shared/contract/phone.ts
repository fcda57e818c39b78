import type { TicketListRow } from './types';
import type { AgentState } from '../domain/agent-state';
import type { AudioWarning } from '../domain/audio-health';

export type RegistrationStateName = 'stopped' | 'registering' | 'registered' | 'reconnecting' | 'failed';

export interface PhoneRegistration {
  state: RegistrationStateName;
  /** Why not registered (SIP code and words from main); the UI shows it as is. */
  reason?: string;
  code?: number;
  /**
   * The kind of failure, explained to the agent in Chinese with what to check: unreachable,
   * timeout, lost, keepalive, certificate, auth (wrong password), forbidden, not-found, unavailable, refused.
   */
  cause?: string;
  nextAttemptAt?: number;
}

export interface PhoneCall {
  callId: string;
  direction: 'inbound' | 'outbound';
  /** Full number for the agent on the call; masked for roles that need not see it. */
  remoteNumber: string;
  remoteDisplayName?: string;
  state: 'ringing' | 'dialing' | 'early' | 'active' | 'ended';
  held: boolean;
  muted: boolean;
  consultForCallId?: string;
  /** The ticket a colleague handed over with this call (attended transfer), if any. */
  ticketId?: string | null;
}

export interface ReasonCode { code: string; label: string }

export interface PhoneStatus {
  /** False when no SIP account is set for this user: the UI says to ask an admin. */
  configured: boolean;
  registration: PhoneRegistration;
  agent: AgentState;
  calls: PhoneCall[];
  notReadyReasons: ReasonCode[];
  wrapUpCodes: ReasonCode[];
  acwSeconds: number;
  /** How the seat carries audio: WebRTC in a renderer, or none (test peers). */
  media: 'webrtc' | 'null';
  /**
   * The pre-shift self-test: whether the admin requires it before the first 就绪 after signing the
   * phone in, whether an echo test number is set, and when this sign-in's test passed (null: not yet).
   */
  selfTest: { required: boolean; echo: boolean; passedAt: string | null };
}

export type SelfTestStepName = 'microphone' | 'speaker' | 'registration' | 'echo';

/** One step of a self-test as main recorded it; `cause` names what failed (the UI explains it in Chinese). */
export interface SelfTestStep { step: SelfTestStepName; ok: boolean; cause: string | null }

export interface SelfTestResult { passed: boolean; at: string; steps: SelfTestStep[] }

/** A ticket row in the screen pop: the list row's identity fields plus its reply deadline. */
export type ScreenPopTicket = Pick<TicketListRow, 'id' | 'number' | 'createdAt' | 'appealType' | 'status' | 'title'> & { replyBy: string | null };

export interface ScreenPop {
  callId: string | null;
  phone: string;
  /** A known citizen's name, if any ticket recorded one. */
  citizenName: string | null;
  /** Calls from this number in the last 30 days, this one excluded. */
  callsLast30Days: number;
  repeatCaller: boolean;
  openTickets: ScreenPopTicket[];
  pastTickets: ScreenPopTicket[];
  totalTickets: number;
  /**
   * Set when a colleague hands this caller over (attended transfer to the member on duty): the
   * ticket they were working on, with its consultation item if it was escalated.
   */
  /** Set on a desk whose center is out of reach: the answer it cached then (ISO), shown as such. */
  cachedAt?: string;
  transferredTicket?: (ScreenPopTicket & { content: string; escalation: { itemId: string; number: string; stage: string } | null }) | null;
}

export interface SipAccountView {
  userId: string;
  wsUrl: string;
  aor: string;
  authUser: string;
  displayName: string | null;
  media: 'webrtc' | 'null';
  /** Whether a password is stored; the password itself never leaves main. */
  hasPassword: boolean;
  updatedAt: string;
}

/**
 * A user's own SIP account as the center hands it to their desk, which registers the phone: the
 * only answer of the contract that carries a password, only to its owner's session, and only to a
 * desk's main process (the forwarder takes it; a renderer is never sent it).
 */
export interface SipAccountForDesk {
  wsUrl: string;
  aor: string;
  authUser: string;
  password: string;
  displayName: string | null;
  media: 'webrtc' | 'null';
}

export interface MediaCommandEvent {
  id: string;
  callId: string;
  command:
    | { op: 'createOffer' } | { op: 'createAnswer'; sdp: string } | { op: 'setRemote'; sdp: string } | { op: 'rollback' }
    | { op: 'sendDtmf'; tones: string } | { op: 'setHold'; held: boolean } | { op: 'setMute'; muted: boolean } | { op: 'close' }
    /** Inbound audio so far (the self-test's echo step): packets and total audio energy (WebRTC stats). */
    | { op: 'audioStats' }
    /**
     * This renderer takes over a connected call's audio (it attached while the call was up, e.g.
     * after a reload): it makes the call's media if it has none, with the call's hold and mute, and
     * says whether it did (`fresh`), in which case main renegotiates the call with its offer.
     */
    | { op: 'adopt'; held: boolean; muted: boolean };
}

/** A call's audio warnings now (empty: audio is fine again), as the renderer holding its media measured them. */
export interface CallAudioHealth {
  callId: string;
  warnings: AudioWarning[];
}

export interface CallEndedEvent {
  callId: string;
  direction: 'inbound' | 'outbound';
  remoteNumber: string;
  endReason: string;
  talkMs: number;
  /** True when the caller hung up while it rang, or the call was refused: a missed call. */
  missed: boolean;
}

export interface PhoneConfigView {
  notReadyReasons: ReasonCode[];
  wrapUpCodes: ReasonCode[];
  acwSeconds: number;
  /** Service level: a call answered within this many seconds of ringing counts as answered in time. */
  serviceLevelSeconds: number;
  /** Agents must pass the pre-shift self-test before their first 就绪 after signing the phone in. */
  selfTestRequired: boolean;
  /** The PBX's echo test number the self-test calls (e.g. an echo extension); null: no echo step. */
  echoNumber: string | null;
}

/** A CPPCC member or liaison expert on duty now, as a target for handing over a live caller. */
export interface DutyTransferTarget {
  userId: string;
  name: string;
  desk: 'studio' | 'station';
  /** Their extension; null when they have no SIP account (they cannot take calls). */
  extension: string | null;
  /** 'logged_out' when their phone is not signed in. */
  agent: AgentState['name'];
  registered: boolean;
}

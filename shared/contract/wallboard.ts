import { z } from 'zod';
import { event, request } from './define';
import { humanLine } from './text';
import type { AgentStateName } from '../domain/agent-state';
import type { SeatActivity } from '../domain/seats';
import type { CallStatsOfDay } from '../domain/call-stats';
import type { AudioWarning, CallQuality } from '../domain/audio-health';
import type { KpiReport } from './types';
import type { WorkRow } from './tickets';
import { LEAD_ALERT_KINDS, type LeadAlertKind, type LeadAlertThresholds } from '../domain/lead-alerts';

/** Today's citizens' calls on the wallboard (China day), rules in shared/domain/call-stats.ts. */
export interface CallStatsView extends CallStatsOfDay { day: string }

/**
 * One seat on the shift lead's wallboard: a user with a phone (a SIP account), what they are doing
 * now and since when, and the call on their line. The caller's number is masked: the lead sees
 * who is busy, not whom they talk to.
 */
export interface SeatView {
  userId: string;
  name: string;
  /** The extension: the user part of the seat's SIP address. */
  extension: string;
  activity: SeatActivity;
  agent: AgentStateName;
  /** Why the agent is not ready, in the admin's words (小休, 用餐 …); null otherwise. */
  reason: string | null;
  /** When the current agent state began (ISO); null for a seat never seen signed in. */
  since: string | null;
  registered: boolean;
  call: {
    direction: 'inbound' | 'outbound'; remote: string; ticketNumber: string | null;
    /** The call's audio health now (warnings) and over its last half minute, for a seat in this process. */
    audio?: { warnings: AudioWarning[]; quality: CallQuality | null } | null;
  } | null;
  /** Where the phone runs: in this console's main process, on a desk of the center, or nowhere now. */
  where: 'here' | 'desk' | 'none';
}

/** A call of today whose audio was poor (音质差), as the wallboard's list shows it; the caller's number masked. */
export interface PoorAudioCallRow extends CallQuality {
  callId: string;
  agentName: string;
  direction: 'inbound' | 'outbound';
  remote: string;
  invitedAt: string;
  talkMs: number;
}

/** What a shift lead does to a seat from the wallboard. */
export const SEAT_LEAD_ACTIONS = ['not_ready', 'sign_out'] as const;
export type SeatLeadAction = (typeof SEAT_LEAD_ACTIONS)[number];

/** Sent to the agent whose seat a lead acted on: their windows say so, and their desk carries it out. */
export interface SeatCommand {
  action: SeatLeadAction;
  /** The not-ready reason code (not_ready). */
  reason: string | null;
  /** Its label, for the agent's notice. */
  reasonLabel: string | null;
  /** Why, in the lead's words. */
  note: string;
  byName: string;
  /** True when the seat's phone runs on the agent's desk, which must carry the action out itself. */
  apply: boolean;
}

/**
 * The shift lead's ticket queues: 待派单, 待签收 (dispatched, not signed), 今日到期 (reply due
 * before midnight), 已超期, 退回待审 and 延期待审.
 */
export const LEAD_QUEUES = ['to_dispatch', 'to_sign', 'due_today', 'overdue', 'returns', 'extensions'] as const;
export type LeadQueue = (typeof LEAD_QUEUES)[number];
export type LeadQueueCounts = Record<LeadQueue, number>;

/** A ticket behind a figure, with its lifecycle version (sent back with the lead's action). */
export interface LeadQueueRow extends WorkRow {
  version: number;
  /** The lead department's id (a reassignment offers every other one). */
  leadDepartmentId: string | null;
  /** Why the department returned it (returns). */
  returnReason: string | null;
}

/**
 * The shift lead's consultation figures: 未认领升级 (escalated items still queued), 超认领时限
 * (queued past their claim deadline) and 措施逾期 (measures not done or dropped, past their due
 * day, on unclosed items). Each figure is the length of the list it opens.
 */
export const LEAD_CONSULT_QUEUES = ['unclaimed', 'claim_overdue', 'measures_overdue'] as const;
export type LeadConsultQueue = (typeof LEAD_CONSULT_QUEUES)[number];
export type LeadConsultCounts = Record<LeadConsultQueue, number>;

/** An item (or, in measures_overdue, one of its measures) behind a consultation figure: a read row. */
export interface LeadConsultRow {
  /** The item's id, with the measure's id in measures_overdue (unique per row). */
  key: string;
  number: string;
  title: string;
  /** When it was escalated (ISO). */
  escalatedAt: string;
  /** The claim deadline (ISO), or the measure's due day (YYYY-MM-DD) in measures_overdue. */
  deadline: string;
  /** The measure's content (measures_overdue), else null. */
  measure: string | null;
  /** The claimer's name; null while nobody has claimed it. */
  claimer: string | null;
  /** The item's id, its claimer's id and version: a reassignment is sent back with them. */
  itemId: string;
  claimerId: string | null;
  version: number;
}

/** 三率 and on-time reply of a period so far and of the same number of days just before it. */
export interface LeadPeriod { current: KpiReport; previous: KpiReport }
export interface LeadRates { day: LeadPeriod; week: LeadPeriod; month: LeadPeriod }

/**
 * The wallboard's charts for today (China day), each beside the usual: the mean of the same
 * weekday in the four weeks before. Counts of citizens' calls as in call-stats.ts.
 */
export interface WallboardCharts {
  day: string;
  /** The four earlier days that make "usual" (China dates, newest first). */
  usualDays: string[];
  /** Calls per 15 minutes from the first to the last slot with calls (today's up to now). */
  quarters: {
    /** Start of the slot, China time, "HH:MM". */
    slot: string;
    /** Today's offered calls; null for a slot still ahead. */
    today: number | null;
    /** Mean offered calls in this slot on the usual days. */
    usual: number;
    /** Today's service level from midnight to the end of this slot, in %; null ahead or with nothing offered yet. */
    serviceLevel: number | null;
  }[];
  /**
   * Tickets registered today by top-level category, beside the usual count (largest first, at
   * most 8, then the rest summed as `other`; `uncategorized`: tickets without one; name '' for both).
   */
  categories: { kind: 'category' | 'uncategorized' | 'other'; name: string; today: number; usual: number }[];
  /** The service-level threshold in seconds (话机设置) and the target % set for alerts (null: none). */
  serviceLevelSeconds: number;
  serviceLevelTargetPct: number | null;
}

/** One alert raised for shift leads: which figure, its value when read, and the threshold it crossed. */
export interface LeadAlertView {
  kind: LeadAlertKind;
  /** Service level in %, waits in seconds, counts as counts. */
  value: number;
  threshold: number;
  /** When it was raised (ISO). */
  since: string;
}

/** Raised once per breach, cleared once when the figure recovers. */
export interface LeadAlertChange { state: 'raised' | 'cleared'; alert: LeadAlertView }

const optionalCount = (min: number, max: number) => z.number().int().min(min).max(max).nullable();

export const leadAlertThresholdsInput = z.object({
  serviceLevelTargetPct: optionalCount(1, 100),
  longestWaitSeconds: optionalCount(5, 3600),
  overdueCount: optionalCount(1, 100_000),
  unclaimedEscalations: optionalCount(1, 1000),
}).strict() satisfies z.ZodType<LeadAlertThresholds>;

export const wallboardRequests = {
  /** How many tickets wait in each lead queue (indexed counts; the same filter as wallboard.queue). */
  'wallboard.queues': request<LeadQueueCounts>()(z.object({}).strict(), ['shift_lead', 'admin']),
  /** The tickets behind one figure, at most 5000; its length is the figure while nothing changes. */
  'wallboard.queue': request<LeadQueueRow[]>()(z.object({ queue: z.enum(LEAD_QUEUES) }).strict(), ['shift_lead', 'admin'], 'tickets'),
  /** The consultation figures (indexed counts; the same filter as wallboard.consultQueue). */
  'wallboard.consultQueues': request<LeadConsultCounts>()(z.object({}).strict(), ['shift_lead', 'admin']),
  /**
   * The items or measures behind one consultation figure, at most 5000; a read list. Shift leads
   * only: items are read by route, claim or as a lead, and an admin is none of these (the admin
   * sees the figures).
   */
  'wallboard.consultQueue': request<LeadConsultRow[]>()(z.object({ queue: z.enum(LEAD_CONSULT_QUEUES) }).strict(), ['shift_lead'], 'items'),
  /** 三率 and on-time reply for today, this week, this month, each against the period before (kpi_daily). */
  'wallboard.rates': request<LeadRates>()(z.object({}).strict(), ['shift_lead', 'admin']),
  /** Today's calls per 15 minutes, tickets by category and service level through the day, against the usual. */
  'wallboard.charts': request<WallboardCharts>()(z.object({}).strict(), ['shift_lead', 'admin']),
  /** The alerts raised now (the wall's alert band on load; changes arrive as `lead.alert`). */
  'wallboard.alerts': request<LeadAlertView[]>()(z.object({}).strict(), ['shift_lead', 'admin']),
  'wallboard.getAlertSettings': request<LeadAlertThresholds>()(z.object({}).strict(), ['shift_lead', 'admin']),
  /** The admin sets the thresholds (audited); the figures are checked against them at once. */
  'wallboard.setAlertSettings': request<LeadAlertThresholds>()(leadAlertThresholdsInput, ['admin']),
  /** Every seat with a phone, busiest first. Changes arrive as `seat.changed`. */
  'wallboard.seats': request<SeatView[]>()(z.object({}).strict(), ['shift_lead', 'admin']),
  /** Today's calls: offered, answered, abandoned, service level, ASA, AHT, ACW, and per hour. */
  'wallboard.calls': request<CallStatsView>()(z.object({}).strict(), ['shift_lead', 'admin']),
  /** Today's calls with poor audio (the 音质差 figure's list), newest first, at most 2000. */
  'wallboard.poorAudioCalls': request<PoorAudioCallRow[]>()(z.object({}).strict(), ['shift_lead', 'admin']),
  /**
   * A lead puts a seat on a break or signs its phone out, saying why (audited, the agent told).
   * `expectedSince` is the state start the lead saw: a seat that changed meanwhile answers conflict.
   */
  'wallboard.seatAction': request<SeatView>()(z.object({
    userId: z.string().uuid(),
    action: z.enum(SEAT_LEAD_ACTIONS),
    reason: z.string().regex(/^[a-z0-9_]{1,32}$/).optional(),
    note: humanLine(2, 100),
    expectedSince: z.string().datetime({ offset: true }).nullable(),
  }).strict(), ['shift_lead']),
};

export const wallboardEvents = {
  /** One seat changed (agent state, registration or the call on the line); audience: shift leads and admins. */
  'seat.changed': event<SeatView>(),
  /** A lead acted on this user's seat (wallboard.seatAction); audience: that user. */
  'seat.command': event<SeatCommand>(),
  /** A lead alert was raised or cleared; audience: shift leads and admins. */
  'lead.alert': event<LeadAlertChange>(),
};

export { LEAD_ALERT_KINDS };

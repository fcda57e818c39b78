/**
 * Rules of the consultation queue (政协直通车 / 社情民意联络站): the item's stages, who may claim,
 * when a measure deadline is acceptable, when an item may close, and the duty roster (轮值坐班).
 * Pure: times come in as Dates or ISO text; Beijing dates and days come from china-time.ts.
 */
import { addDays, chinaDateKey, DAY_MS, endOfChinaDay, isDateKey, isoWeekday, startOfChinaDay } from './china-time';

export const CONSULTATION_STAGES = ['queued', 'claimed', 'research', 'meeting', 'measures', 'report', 'tracking', 'feedback', 'closed'] as const;
export type ConsultationStage = (typeof CONSULTATION_STAGES)[number];

/** Where an item goes: the CPPCC member studio (政协委员工作室), the liaison station (社情民意联络站) or both. */
export const CONSULTATION_ROUTES = ['studio', 'station', 'both'] as const;
export type ConsultationRoute = (typeof CONSULTATION_ROUTES)[number];
/** A duty shift serves one desk; an item routed to both may be claimed from either. */
export type DutyDesk = Exclude<ConsultationRoute, 'both'>;

export const CONSULTATION_URGENCIES = ['normal', 'urgent', 'emergency'] as const;
export type ConsultationUrgency = (typeof CONSULTATION_URGENCIES)[number];

export const MEASURE_STATUSES = ['planned', 'in_progress', 'done', 'dropped'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];

/** Hours from escalation to the claim deadline, by urgency. */
export const CLAIM_HOURS: Readonly<Record<ConsultationUrgency, number>> = { normal: 48, urgent: 8, emergency: 2 };
/** A deadline this close (hours) counts as near: notifications and amber flags. */
export const CLAIM_NEAR_HOURS = 2;
export const MEASURE_NEAR_DAYS = 3;


export type RuleResult = { ok: true } | { ok: false; reason: string };
const ok: RuleResult = { ok: true };
const no = (reason: string): RuleResult => ({ ok: false, reason });

export const stageIndex = (s: ConsultationStage) => CONSULTATION_STAGES.indexOf(s);

/** The desk a role works at; shift leads and others work at none. */
export function deskOfRoles(roles: readonly string[]): DutyDesk[] {
  const desks: DutyDesk[] = [];
  if (roles.includes('cppcc_member')) desks.push('studio');
  if (roles.includes('liaison_expert')) desks.push('station');
  return desks;
}

export function routeIncludes(route: ConsultationRoute, desk: DutyDesk): boolean {
  return route === 'both' || route === desk;
}

export function claimDeadline(createdAt: Date, urgency: ConsultationUrgency): Date {
  return new Date(createdAt.getTime() + CLAIM_HOURS[urgency] * 3600_000);
}

export type DeadlineFlag = 'ok' | 'near' | 'overdue';

export function claimDeadlineFlag(claimBy: Date, now: Date): DeadlineFlag {
  const left = claimBy.getTime() - now.getTime();
  if (left < 0) return 'overdue';
  return left <= CLAIM_NEAR_HOURS * 3600_000 ? 'near' : 'ok';
}

/**
 * Who may claim: an item still queued, on a route that includes one of the user's desks, by a
 * user who is on duty at that desk now.
 */
export function canClaim(item: { stage: ConsultationStage; route: ConsultationRoute }, user: { roles: readonly string[] }, onDutyDesks: readonly DutyDesk[]): RuleResult {
  if (item.stage !== 'queued') return no('consultation_already_claimed');
  const desks = deskOfRoles(user.roles).filter((d) => routeIncludes(item.route, d));
  if (desks.length === 0) return no('consultation_wrong_route');
  if (!desks.some((d) => onDutyDesks.includes(d))) return no('consultation_not_on_duty');
  return ok;
}

/** The claimer gives an item back before the work has gone past research; a shift lead may too. */
export function canRelease(item: { stage: ConsultationStage; claimedBy: string | null }, user: { id: string; roles: readonly string[] }): RuleResult {
  if (item.stage !== 'claimed' && item.stage !== 'research') return no('consultation_invalid_stage');
  if (item.claimedBy !== user.id && !user.roles.includes('shift_lead')) return no('consultation_not_claimer');
  return ok;
}

/**
 * 改派: a shift lead hands an item one member has claimed to another who works its route and is on
 * duty now (the same test a claim makes), so the work goes on with someone who can do it today.
 */
export function canReassign(
  item: { stage: ConsultationStage; claimedBy: string | null; route: ConsultationRoute },
  actor: { roles: readonly string[] },
  target: { id: string; roles: readonly string[] },
  targetOnDuty: readonly DutyDesk[],
): RuleResult {
  if (!actor.roles.includes('shift_lead')) return no('consultation_not_lead');
  if (item.stage === 'queued' || item.claimedBy === null) return no('consultation_not_claimed');
  if (item.stage === 'closed') return no('consultation_closed');
  if (item.claimedBy === target.id) return no('consultation_same_claimer');
  const desks = deskOfRoles(target.roles).filter((d) => routeIncludes(item.route, d));
  if (desks.length === 0) return no('consultation_target_wrong_route');
  if (!desks.some((d) => targetOnDuty.includes(d))) return no('consultation_target_not_on_duty');
  return ok;
}

/** Work on an item (notes, meetings, measures, reports) is done by whoever claimed it, or a shift lead. */
export function canWork(item: { stage: ConsultationStage; claimedBy: string | null }, user: { id: string; roles: readonly string[] }): RuleResult {
  if (item.stage === 'queued') return no('consultation_not_claimed');
  if (item.stage === 'closed') return no('consultation_closed');
  if (item.claimedBy !== user.id && !user.roles.includes('shift_lead')) return no('consultation_not_claimer');
  return ok;
}

/** Recording work moves the item forward to that work's stage, never back. */
export function advanceTo(current: ConsultationStage, target: ConsultationStage): ConsultationStage {
  if (current === 'closed' || target === 'closed') return current;
  return stageIndex(target) > stageIndex(current) ? target : current;
}

// ---- Progress: a stage is done when its work is recorded ----

/** The steps shown for a claimed item, in order (queued is before the claim and not a step). */
export const PROGRESS_STEPS = ['claimed', 'research', 'meeting', 'measures', 'report', 'tracking', 'feedback', 'closed'] as const satisfies readonly ConsultationStage[];
export type ProgressStep = (typeof PROGRESS_STEPS)[number];
/**
 * done: its work is recorded; current: where the work is now (or the next thing to do);
 * active: begun but not finished and not where the work is now (measures still open while the
 * report is written); todo: nothing recorded.
 */
export type StepState = 'done' | 'current' | 'active' | 'todo';

/** What has been recorded on an item; stage progress is derived from this and nothing else. */
export interface WorkFacts {
  claimed: boolean;
  researchNotes: number;
  /** Meetings recorded with minutes and at least one participant (a person or a department). */
  meetings: number;
  measures: readonly MeasureLike[];
  report: boolean;
  /** The leader's instruction (批示) on the report, which starts tracking of its measures. */
  instruction: boolean;
  feedback: number;
  closed: boolean;
}

/** A meeting counts as held when its minutes and who took part are recorded. */
export const meetingHeld = (m: { minutes: string; participants: string; departmentCount: number }) =>
  /[\p{L}\p{N}]/u.test(m.minutes) && (/[\p{L}\p{N}]/u.test(m.participants) || m.departmentCount > 0);

function workState(step: ProgressStep, f: WorkFacts): 'done' | 'partial' | 'none' {
  const measuresOpen = f.measures.some((m) => !measureFinished(m));
  switch (step) {
    case 'claimed': return f.claimed || f.closed ? 'done' : 'none';
    case 'research': return f.researchNotes > 0 ? 'done' : 'none';
    case 'meeting': return f.meetings > 0 ? 'done' : 'none';
    case 'measures': return f.measures.length === 0 ? 'none' : measuresOpen ? 'partial' : 'done';
    case 'report': return f.report ? 'done' : 'none';
    case 'tracking': return !f.instruction ? 'none' : measuresOpen ? 'partial' : 'done';
    case 'feedback': return f.feedback > 0 ? 'done' : 'none';
    case 'closed': return f.closed ? 'done' : 'none';
  }
}

export interface StageProgress {
  /** The item's stage for lists and rules: queued, closed, or the furthest stage with work recorded (claimed when none). */
  stage: ConsultationStage;
  steps: { step: ProgressStep; state: StepState }[];
}

/**
 * Where an item stands, from the work recorded on it: a stage is ticked only when its work is
 * there, so adding a measure does not tick research and meeting, and saving a report does not
 * tick measures that have not been carried out.
 */
export function stageProgress(f: WorkFacts): StageProgress {
  const work = PROGRESS_STEPS.map((step) => ({ step, w: workState(step, f) }));
  let frontier = -1;
  work.forEach((x, i) => { if (x.step !== 'claimed' && x.step !== 'closed' && x.w !== 'none') frontier = i; });
  let current = -1;
  if (!f.closed && f.claimed) {
    if (frontier >= 0 && work[frontier]!.w === 'partial') current = frontier;
    else current = work.findIndex((x, i) => i > Math.max(frontier, 0) && x.w !== 'done');
  }
  const steps = work.map((x, i) => ({
    step: x.step,
    state: (x.w === 'done' ? 'done' : i === current ? 'current' : x.w === 'partial' ? 'active' : 'todo') as StepState,
  }));
  const stage: ConsultationStage = f.closed ? 'closed' : !f.claimed ? 'queued' : frontier >= 0 ? work[frontier]!.step : 'claimed';
  return { stage, steps };
}

/** The stage the item moves to when the worker says "next"; closing has its own rule. */
export function nextStage(current: ConsultationStage): ConsultationStage | null {
  const i = stageIndex(current);
  if (current === 'queued' || current === 'feedback' || current === 'closed') return null;
  return CONSULTATION_STAGES[i + 1] ?? null;
}

export interface MeasureLike { status: MeasureStatus; dropReason: string | null; deadline: string }

export const measureFinished = (m: MeasureLike) => m.status === 'done' || (m.status === 'dropped' && !!m.dropReason?.trim());

/** An item closes only when every measure is done or dropped with a reason. */
export function canClose(item: { stage: ConsultationStage }, measures: readonly MeasureLike[]): RuleResult {
  if (item.stage === 'closed') return no('consultation_closed');
  if (item.stage === 'queued') return no('consultation_not_claimed');
  if (measures.some((m) => !measureFinished(m))) return no('consultation_open_measures');
  return ok;
}

/** A measure's deadline (时间节点) is a Beijing date, not before the day the item was created. */
export function checkMeasureDeadline(deadline: string, itemCreatedAt: Date): RuleResult {
  if (!isDateKey(deadline)) return no('consultation_invalid_date');
  if (deadline < chinaDateKey(itemCreatedAt)) return no('consultation_measure_before_item');
  return ok;
}

export function measureDeadlineFlag(m: MeasureLike, now: Date): DeadlineFlag | null {
  if (m.status === 'done' || m.status === 'dropped') return null;
  const end = endOfChinaDay(m.deadline).getTime();
  if (end < now.getTime()) return 'overdue';
  return end - now.getTime() <= MEASURE_NEAR_DAYS * DAY_MS ? 'near' : 'ok';
}

/** A measure may be dropped only with a reason; done and dropped are final. */
export function canSetMeasureStatus(from: MeasureStatus, to: MeasureStatus, dropReason: string | null | undefined): RuleResult {
  if (from === 'done' || from === 'dropped') return no('consultation_measure_final');
  if (to === 'dropped' && !dropReason?.trim()) return no('consultation_drop_reason_required');
  return ok;
}

// ---- Duty roster (轮值坐班) ----

/** A repeating weekly shift: on the given ISO weekdays (1 = Monday … 7 = Sunday), from start to end minute, Beijing time. */
export interface DutyPattern {
  id: string;
  userId: string;
  desk: DutyDesk;
  weekdays: number[];
  /** Minutes after Beijing midnight, 0–1439. */
  startMinute: number;
  /** Minutes after Beijing midnight, after start, at most 1440. */
  endMinute: number;
  /** First and last Beijing dates the pattern applies (inclusive); validUntil null = open ended. */
  validFrom: string;
  validUntil: string | null;
}

/** One day of one pattern handed to someone else (a swap); replacement null = that shift is cancelled. */
export interface DutySwap {
  patternId: string;
  date: string;
  replacementUserId: string | null;
}

export interface DutyShift {
  patternId: string;
  date: string;
  userId: string;
  desk: DutyDesk;
  start: Date;
  end: Date;
  /** Set when a swap gave this shift to someone else: whose it was. */
  swappedFrom: string | null;
}

export function checkPattern(p: Pick<DutyPattern, 'weekdays' | 'startMinute' | 'endMinute' | 'validFrom' | 'validUntil'>): RuleResult {
  if (p.weekdays.length === 0 || p.weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) return no('duty_invalid_weekdays');
  if (!(p.startMinute >= 0 && p.endMinute <= 1440 && p.startMinute < p.endMinute)) return no('duty_invalid_times');
  if (p.validUntil !== null && p.validUntil < p.validFrom) return no('duty_invalid_range');
  return ok;
}

/** Every shift from `from` to `to` (Beijing dates, inclusive), swaps applied, ordered by start. At most 400 days. */
export function expandRoster(patterns: readonly DutyPattern[], swaps: readonly DutySwap[], from: string, to: string): DutyShift[] {
  const out: DutyShift[] = [];
  const swapOf = new Map(swaps.map((s) => [`${s.patternId}|${s.date}`, s]));
  for (let date = from, n = 0; date <= to && n < 400; date = addDays(date, 1), n++) {
    const wd = isoWeekday(date);
    for (const p of patterns) {
      if (date < p.validFrom || (p.validUntil !== null && date > p.validUntil) || !p.weekdays.includes(wd)) continue;
      const swap = swapOf.get(`${p.id}|${date}`);
      if (swap && swap.replacementUserId === null) continue;
      const midnight = startOfChinaDay(date).getTime();
      out.push({
        patternId: p.id, date, desk: p.desk,
        userId: swap?.replacementUserId ?? p.userId,
        swappedFrom: swap ? p.userId : null,
        start: new Date(midnight + p.startMinute * 60_000),
        end: new Date(midnight + p.endMinute * 60_000),
      });
    }
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || a.userId.localeCompare(b.userId));
}

/** Shifts running at `at` (start inclusive, end exclusive). */
export function onDutyAt(patterns: readonly DutyPattern[], swaps: readonly DutySwap[], at: Date): DutyShift[] {
  const today = chinaDateKey(at);
  return expandRoster(patterns, swaps, today, today).filter((s) => s.start.getTime() <= at.getTime() && at.getTime() < s.end.getTime());
}

/** The desks a user is on duty at, at `at`. */
export function dutyDesksOf(userId: string, patterns: readonly DutyPattern[], swaps: readonly DutySwap[], at: Date): DutyDesk[] {
  return [...new Set(onDutyAt(patterns, swaps, at).filter((s) => s.userId === userId).map((s) => s.desk))];
}

export const parseClock = (hhmm: string): number | null => {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return Number(m[2]) < 60 && v <= 1440 ? v : null;
};
export const formatClock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

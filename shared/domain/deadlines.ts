import { z } from 'zod';
import { APPEAL_TYPES, URGENCY_LEVELS, type AppealType, type Urgency } from './appeal';
import { addWorkingDays, sameDayDeadline, workingDaysBetween, type WorkingDayCalendar } from './working-days';

/** One deadline: a number of working days, or the end of the day the clock starts (emergencies). */
export type DeadlineRule = { readonly kind: 'working_days'; readonly days: number } | { readonly kind: 'same_day' };

/**
 * Deadlines as configuration, because every city publishes its own numbers and changes them.
 * `sign` is the time a department has to sign for a dispatched ticket; `reply` the time to answer,
 * per urgency and appeal type.
 */
export interface DeadlinePolicy {
  readonly sign: Readonly<Record<Urgency, DeadlineRule>>;
  readonly reply: Readonly<Record<Urgency, Readonly<Record<AppealType, DeadlineRule>>>>;
}

const wd = (days: number): DeadlineRule => ({ kind: 'working_days', days });
const sameDay: DeadlineRule = { kind: 'same_day' };

/**
 * Published defaults: sign within 1 working day; consultation 2, help 5, complaint and report 15,
 * suggestion 15, praise 5, other 10; emergencies the same day. No published number exists for
 * `urgent`, so the default halves the normal reply time (rounded up) and asks for signing the same
 * day: shorter than normal, longer than an emergency. Admins are expected to set their own.
 */
export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = {
  sign: { normal: wd(1), urgent: sameDay, emergency: sameDay },
  reply: {
    normal: { consultation: wd(2), help: wd(5), complaint: wd(15), report: wd(15), suggestion: wd(15), praise: wd(5), other: wd(10) },
    urgent: { consultation: wd(1), help: wd(3), complaint: wd(8), report: wd(8), suggestion: wd(8), praise: wd(3), other: wd(5) },
    emergency: {
      consultation: sameDay, help: sameDay, complaint: sameDay, report: sameDay,
      suggestion: sameDay, praise: sameDay, other: sameDay,
    },
  },
};

/**
 * The longest reply time the console accepts per appeal type. Help is published as 5–10 working
 * days; 15 is the longest published deadline (complaint/report 13–15), used as the cap elsewhere.
 * A policy beyond these is refused rather than silently letting tickets sit for a month.
 */
export const REPLY_WORKING_DAYS_LIMIT: Readonly<Record<AppealType, number>> = {
  consultation: 15, help: 10, complaint: 15, report: 15, suggestion: 15, praise: 15, other: 15,
};

/** The instant a rule's deadline falls on, counting from `start`. */
export function deadlineFor(start: Date, rule: DeadlineRule, calendar: WorkingDayCalendar): Date {
  return rule.kind === 'same_day' ? sameDayDeadline(start) : addWorkingDays(start, rule.days, calendar);
}

/**
 * Sign and reply deadlines of a ticket. `start` is when the clock starts: the dispatch time for a
 * dispatched ticket (a department cannot be late for time the ticket spent at intake). Both
 * deadlines count from the same start, so a 1-day sign and a 5-day reply overlap, as published.
 */
export function computeDeadlines(
  start: Date,
  appealType: AppealType,
  urgency: Urgency,
  policy: DeadlinePolicy,
  calendar: WorkingDayCalendar,
): { signBy: Date; replyBy: Date } {
  return {
    signBy: deadlineFor(start, policy.sign[urgency], calendar),
    replyBy: deadlineFor(start, policy.reply[urgency][appealType], calendar),
  };
}

export type DeadlineStatus = 'ok' | 'due_soon' | 'overdue';

/**
 * Traffic light for a deadline. `overdue` once `now` is past it. `due_soon` when at most one
 * working day is left: the deadline falls on today's date or on the next working day (counted as
 * in addWorkingDays, so a ticket due Monday is due_soon all of the Friday and weekend before).
 * Whole days, not hours: deadlines are whole days. Same-day (emergency) deadlines are therefore
 * due_soon from the start, which is what a wallboard should show for them.
 */
export function deadlineStatus(deadline: Date, now: Date, calendar: WorkingDayCalendar): DeadlineStatus {
  if (now.getTime() > deadline.getTime()) return 'overdue';
  return workingDaysBetween(now, deadline, calendar) <= 1 ? 'due_soon' : 'ok';
}

export type DeadlinePolicyIssue =
  /** The input does not have the shape of a policy (missing urgency, unknown kind, …). */
  | { code: 'invalid_shape'; path: string[]; message: string }
  | { code: 'not_positive_integer'; path: string[]; value: number }
  | { code: 'exceeds_limit'; path: string[]; value: number; limit: number }
  /** Signing would be due after the reply: a department could answer before it has to sign. */
  | { code: 'sign_after_reply'; urgency: Urgency; appealType: AppealType }
  /** A more urgent level gives more time than a less urgent one for the same appeal type. */
  | { code: 'urgency_order'; path: string[]; moreUrgent: Urgency; lessUrgent: Urgency };

const ruleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('working_days'), days: z.number() }).strict(),
  z.object({ kind: z.literal('same_day') }).strict(),
]);
const byAppealType = z.object(Object.fromEntries(APPEAL_TYPES.map((t) => [t, ruleSchema])) as Record<AppealType, typeof ruleSchema>).strict();
const byUrgency = <S extends z.ZodType>(s: S) => z.object(Object.fromEntries(URGENCY_LEVELS.map((u) => [u, s])) as Record<Urgency, S>).strict();

/** Shape of a policy, for the contract; the meaning is checked by validateDeadlinePolicy. */
export const deadlinePolicySchema = z.object({ sign: byUrgency(ruleSchema), reply: byUrgency(byAppealType) }).strict();

/** Same-day counts as 0 working days, so rules of both kinds can be ordered. */
function length(rule: DeadlineRule): number {
  return rule.kind === 'same_day' ? 0 : rule.days;
}

/** Everything wrong with a well-shaped policy; empty when it may be saved. */
export function validateDeadlinePolicy(policy: DeadlinePolicy): DeadlinePolicyIssue[] {
  const issues: DeadlinePolicyIssue[] = [];
  const checkDays = (rule: DeadlineRule, path: string[], limit: number | null): boolean => {
    if (rule.kind === 'same_day') return true;
    if (!Number.isInteger(rule.days) || rule.days < 1) {
      issues.push({ code: 'not_positive_integer', path: [...path, 'days'], value: rule.days });
      return false;
    }
    if (limit !== null && rule.days > limit) {
      issues.push({ code: 'exceeds_limit', path: [...path, 'days'], value: rule.days, limit });
      return false;
    }
    return true;
  };

  const signOk = Object.fromEntries(URGENCY_LEVELS.map((u) => [u, checkDays(policy.sign[u], ['sign', u], null)]));
  for (const u of URGENCY_LEVELS) {
    for (const t of APPEAL_TYPES) {
      const rule = policy.reply[u][t];
      if (!checkDays(rule, ['reply', u, t], REPLY_WORKING_DAYS_LIMIT[t])) continue;
      if (signOk[u] && length(policy.sign[u]) > length(rule)) issues.push({ code: 'sign_after_reply', urgency: u, appealType: t });
    }
  }
  // Only compare numbers that are themselves valid, so one typo yields one issue, not three.
  const valid = (r: DeadlineRule) => r.kind === 'same_day' || (Number.isInteger(r.days) && r.days >= 1);
  const pairs: [Urgency, Urgency][] = [['urgent', 'normal'], ['emergency', 'urgent']];
  for (const [more, less] of pairs) {
    const [a, b] = [policy.sign[more], policy.sign[less]];
    if (valid(a) && valid(b) && length(a) > length(b)) issues.push({ code: 'urgency_order', path: ['sign', more], moreUrgent: more, lessUrgent: less });
    for (const t of APPEAL_TYPES) {
      const [x, y] = [policy.reply[more][t], policy.reply[less][t]];
      if (valid(x) && valid(y) && length(x) > length(y)) issues.push({ code: 'urgency_order', path: ['reply', more, t], moreUrgent: more, lessUrgent: less });
    }
  }
  return issues;
}

/** Shape check, then meaning check: the one entry point for a policy coming from outside. */
export function parseDeadlinePolicy(input: unknown): { ok: true; policy: DeadlinePolicy } | { ok: false; issues: DeadlinePolicyIssue[] } {
  const shaped = deadlinePolicySchema.safeParse(input);
  if (!shaped.success) {
    return {
      ok: false,
      issues: shaped.error.issues.map((i) => ({ code: 'invalid_shape' as const, path: i.path.map(String), message: i.message })),
    };
  }
  const issues = validateDeadlinePolicy(shaped.data);
  return issues.length === 0 ? { ok: true, policy: shaped.data } : { ok: false, issues };
}

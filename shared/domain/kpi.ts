/**
 * Hotline KPIs as ratios over counts the store computes for a period. Each returns a fraction in
 * [0, 1], or null when the denominator is 0: "no return visits this week" is not "0% satisfied",
 * and NaN would leak into charts and sorts. Counts that cannot be right (negative, fractional,
 * a part larger than its whole) throw, because a silently wrong KPI is worse than a visible bug
 * in the query that produced it.
 */

import type { ReadTicketEvent } from './ticket-events';

function assertCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

/** part / whole, null when whole is 0. */
export function ratio(part: number, whole: number): number | null {
  assertCount('part', part);
  assertCount('whole', whole);
  if (part > whole) throw new RangeError(`part (${part}) exceeds whole (${whole})`);
  return whole === 0 ? null : part / whole;
}

/**
 * 响应率 (response rate) = tickets signed within their sign deadline / dispatched tickets.
 * Count a dispatch in the denominator only once its outcome is known (signed, or its sign deadline
 * has passed), so a ticket dispatched an hour ago does not drag the rate down. A dispatch that was
 * returned and redispatched counts once per dispatch.
 */
export function responseRate(signedOnTime: number, dispatched: number): number | null {
  return ratio(signedOnTime, dispatched);
}

/** 解决率 (resolution rate) = return visits where the citizen says the problem is resolved / return visits made. */
export function resolutionRate(resolvedVisits: number, returnVisits: number): number | null {
  return ratio(resolvedVisits, returnVisits);
}

/**
 * 满意率 (satisfaction rate) = return visits where the citizen is satisfied / return visits made.
 * Satisfied means 满意 or 基本满意 (countsAsSatisfied in ticket-lifecycle.ts), as Beijing counts it.
 */
export function satisfactionRate(satisfiedVisits: number, returnVisits: number): number | null {
  return ratio(satisfiedVisits, returnVisits);
}

/**
 * 按期办结率 (on-time closure) = dispatched tickets replied by their (possibly extended) reply
 * deadline / dispatched tickets whose reply deadline fell in the period or which were replied in it.
 */
export function onTimeClosureRate(repliedOnTime: number, due: number): number | null {
  return ratio(repliedOnTime, due);
}

/** 重办率 (reopen rate) = tickets reopened (重办) at least once / tickets that received a reply. */
export function reopenRate(reopened: number, replied: number): number | null {
  return ratio(reopened, replied);
}

/** 退单率 (return rate) = dispatches returned by the department (退单) / dispatches. */
export function returnRate(returned: number, dispatched: number): number | null {
  return ratio(returned, dispatched);
}

/**
 * 直接办结率 (direct-resolution rate) = tickets resolved directly at intake / tickets registered,
 * not counting tickets merged into another (a duplicate is neither resolved nor dispatched).
 */
export function directResolutionRate(resolvedDirectly: number, registered: number): number | null {
  return ratio(resolvedDirectly, registered);
}

/** 接通率 (answer rate) = calls answered by an agent / calls offered to the queue. */
export function answerRate(answered: number, offered: number): number | null {
  return ratio(answered, offered);
}

/** 呼损率 (abandon rate) = calls the caller hung up before an answer / calls offered to the queue. */
export function abandonRate(abandoned: number, offered: number): number | null {
  return ratio(abandoned, offered);
}

/**
 * 服务水平 (service level, e.g. "80/20") = calls answered within the threshold (e.g. 20 s) / calls
 * offered. Calls abandoned within the threshold stay in the denominator: the stricter, common form.
 */
export function serviceLevel(answeredWithinThreshold: number, offered: number): number | null {
  return ratio(answeredWithinThreshold, offered);
}

function average(totalSeconds: number, calls: number): number | null {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) throw new RangeError(`total seconds must be non-negative, got ${totalSeconds}`);
  assertCount('calls', calls);
  return calls === 0 ? null : totalSeconds / calls;
}

/** 平均处理时长 (average handle time, seconds) = (talk + hold + after-call work) / calls handled. */
export function averageHandleTime(talkSeconds: number, holdSeconds: number, afterCallWorkSeconds: number, handled: number): number | null {
  for (const [name, v] of [['talk', talkSeconds], ['hold', holdSeconds], ['after-call work', afterCallWorkSeconds]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} seconds must be non-negative, got ${v}`);
  }
  return average(talkSeconds + holdSeconds + afterCallWorkSeconds, handled);
}

/** 平均话后处理时长 (average after-call work, seconds) = after-call work / calls handled. */
export function averageAfterCallWork(afterCallWorkSeconds: number, handled: number): number | null {
  return average(afterCallWorkSeconds, handled);
}

/**
 * The counts a KPI report is built from, each a number of ticket-history entries of one kind: the
 * store keeps them per China day (kpi_daily), added to by the history's one writer, so a report
 * over days reads a few rows instead of scanning the history.
 */
export const KPI_COUNT_NAMES = [
  'registered', 'resolvedDirectly', 'dispatched', 'signedOnTime', 'returned', 'returnVisits', 'resolved', 'satisfied',
  'replied', 'repliedOnTime', 'reopened',
] as const;
export type KpiCountName = (typeof KPI_COUNT_NAMES)[number];
export type KpiCounts = Record<KpiCountName, number>;

/** All counts zero. */
export const noKpiCounts = (): KpiCounts => Object.fromEntries(KPI_COUNT_NAMES.map((k) => [k, 0])) as KpiCounts;

/**
 * The KPI counts one history entry adds: a registration, a direct resolution, a dispatch, a sign
 * by its deadline, a return, a return visit (resolved? satisfied?), a reply (by its deadline?), a
 * reopen. Other entries add nothing. An entry is one of the shapes the event map reads
 * (shared/domain/ticket-events.ts).
 */
export function kpiCountsOfEntry(e: ReadTicketEvent): Partial<KpiCounts> {
  switch (e.action) {
    case 'register': return { registered: 1 };
    case 'resolveDirectly': return { resolvedDirectly: 1 };
    case 'dispatch': return { dispatched: 1 };
    case 'sign': return e.data.late === false ? { signedOnTime: 1 } : {};
    case 'returnTicket': return { returned: 1 };
    case 'recordReturnVisit': return {
      returnVisits: 1, ...(e.data.resolved === true ? { resolved: 1 } : {}), ...(e.data.satisfied === true ? { satisfied: 1 } : {}),
    };
    case 'reply': return { replied: 1, ...(e.data.late === false ? { repliedOnTime: 1 } : {}) };
    case 'reopen': return { reopened: 1 };
    default: return {};
  }
}

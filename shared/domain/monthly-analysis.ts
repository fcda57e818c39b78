import { noKpiCounts, ratio, resolutionRate, responseRate, satisfactionRate, type KpiCounts } from './kpi';

/**
 * The monthly analysis (每月分析研判) as pure arithmetic: month keys, change against a baseline
 * that may not exist, the 三率 of a set of KPI counts, and which changes are worth a finding.
 */

/** The month before `month` (YYYY-MM). */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The same month a year earlier. */
export function sameMonthLastYear(month: string): string {
  const [y, m] = month.split('-') as [string, string];
  return `${Number(y) - 1}-${m}`;
}

/**
 * Relative change against a baseline; null when there is no baseline to compare with (no history
 * then, or nothing counted): "no data last year" is never shown as +100 % or +∞.
 */
export function change(count: number, baseline: number | null): number | null {
  if (baseline === null || baseline === 0) return null;
  return (count - baseline) / baseline;
}

export interface ThreeRates { response: number | null; resolution: number | null; satisfaction: number | null }

/** 三率 of a set of counts, by the KPI formulas (shared/domain/kpi.ts); a rate with nothing to measure is null. */
export function threeRates(c: KpiCounts): ThreeRates {
  return {
    response: responseRate(Math.min(c.signedOnTime, c.dispatched), c.dispatched),
    resolution: resolutionRate(c.resolved, c.returnVisits),
    satisfaction: satisfactionRate(c.satisfied, c.returnVisits),
  };
}

export function addCounts(into: KpiCounts, add: Partial<KpiCounts>): void {
  for (const [k, v] of Object.entries(add) as [keyof KpiCounts, number][]) into[k] += v;
}
export { noKpiCounts, ratio };

/** A rise worth a finding: at least this many tickets this month … */
export const SURGE_MIN_COUNT = 10;
/** … and at least this much above last month (30 %). */
export const SURGE_MIN_CHANGE = 0.3;
/** Satisfaction below this, over at least LOW_SATISFACTION_MIN_VISITS return visits, is a finding. */
export const LOW_SATISFACTION = 0.8;
export const LOW_SATISFACTION_MIN_VISITS = 10;

export interface Cell { count: number; lastMonth: number | null }

/** Whether a cell rose enough to be a finding (a cell with no tickets last month never counts as a surge: no baseline). */
export function isSurge(c: Cell): boolean {
  const ch = change(c.count, c.lastMonth);
  return c.count >= SURGE_MIN_COUNT && ch !== null && ch >= SURGE_MIN_CHANGE;
}

/**
 * The shift lead's alerts: figures the admin puts a threshold on, raised once when a figure
 * crosses its threshold and cleared only when it has come back past a margin (hysteresis), so a
 * figure hovering at the line does not raise a notice on every change.
 */
export const LEAD_ALERT_KINDS = ['service_level', 'longest_wait', 'overdue', 'unclaimed_escalations'] as const;
export type LeadAlertKind = (typeof LEAD_ALERT_KINDS)[number];

/** The admin's thresholds; null: that figure is not watched. */
export interface LeadAlertThresholds {
  /** Today's service level below this percentage raises an alert. */
  serviceLevelTargetPct: number | null;
  /** A caller ringing longer than this many seconds. */
  longestWaitSeconds: number | null;
  /** This many overdue tickets or more. */
  overdueCount: number | null;
  /** This many escalations waiting in the consultation queue, unclaimed, or more. */
  unclaimedEscalations: number | null;
}

export const DEFAULT_LEAD_ALERT_THRESHOLDS: LeadAlertThresholds = {
  serviceLevelTargetPct: 80, longestWaitSeconds: 60, overdueCount: 50, unclaimedEscalations: 5,
};

/**
 * The figures as last read. Service level is a fraction (0–1), null with no call offered today;
 * the wait is in seconds, null with nobody waiting. A figure left out was not read this time.
 */
export interface LeadFigures {
  service_level: number | null;
  longest_wait: number | null;
  overdue: number;
  unclaimed_escalations: number;
}

/** How far back past the line a figure must come before its alert clears. */
const SERVICE_LEVEL_MARGIN_PCT = 2;
/** Counts clear 10 % below the line, and at least two below it (never below zero). */
const countMargin = (threshold: number) => Math.max(2, Math.round(threshold * 0.1));

export function thresholdOf(kind: LeadAlertKind, t: LeadAlertThresholds): number | null {
  switch (kind) {
    case 'service_level': return t.serviceLevelTargetPct;
    case 'longest_wait': return t.longestWaitSeconds;
    case 'overdue': return t.overdueCount;
    case 'unclaimed_escalations': return t.unclaimedEscalations;
  }
}

/** Whether the figure is past its threshold (raises an alert not yet raised). */
export function isBreach(kind: LeadAlertKind, value: number | null, threshold: number | null): boolean {
  if (threshold === null || value === null) return false;
  if (kind === 'service_level') return value * 100 < threshold;
  if (kind === 'longest_wait') return value > threshold;
  return value >= threshold;
}

/** Whether a raised alert's figure has come back far enough to clear it. */
export function isRecovered(kind: LeadAlertKind, value: number | null, threshold: number | null): boolean {
  // Nobody watches it any more, or there is nothing to measure (no call today, nobody waiting).
  if (threshold === null || value === null) return true;
  if (kind === 'service_level') return value * 100 >= Math.min(100, threshold + SERVICE_LEVEL_MARGIN_PCT);
  // A wait ends when the call is answered or given up: no margin needed, the next caller starts at 0.
  if (kind === 'longest_wait') return value <= threshold;
  return value <= Math.max(0, threshold - countMargin(threshold));
}

export interface AlertStep { raise: LeadAlertKind[]; clear: LeadAlertKind[] }

/**
 * Which alerts to raise and which to clear, given those raised now and the figures just read.
 * An alert already raised is not raised again however often its figure is read; it clears on
 * recovery and may then be raised again by the next breach.
 */
export function alertStep(active: ReadonlySet<LeadAlertKind>, figures: Partial<LeadFigures>, thresholds: LeadAlertThresholds): AlertStep {
  const step: AlertStep = { raise: [], clear: [] };
  for (const kind of LEAD_ALERT_KINDS) {
    const threshold = thresholdOf(kind, thresholds);
    if (!(kind in figures)) {
      // Not read this time; a threshold the admin removed still clears what it raised.
      if (threshold === null && active.has(kind)) step.clear.push(kind);
      continue;
    }
    const value = figures[kind] ?? null;
    if (active.has(kind)) { if (isRecovered(kind, value, threshold)) step.clear.push(kind); }
    else if (isBreach(kind, value, threshold)) step.raise.push(kind);
  }
  return step;
}

import { describe, expect, it } from 'vitest';
import { alertStep, DEFAULT_LEAD_ALERT_THRESHOLDS, type LeadAlertKind, type LeadFigures } from './lead-alerts';

const t = { serviceLevelTargetPct: 80, longestWaitSeconds: 60, overdueCount: 10, unclaimedEscalations: 3 };

/** Runs a series of readings through the rule as main does, keeping the raised set; returns each step. */
function run(readings: Partial<LeadFigures>[], thresholds = t) {
  const active = new Set<LeadAlertKind>();
  return readings.map((f) => {
    const step = alertStep(active, f, thresholds);
    for (const k of step.raise) active.add(k);
    for (const k of step.clear) active.delete(k);
    return step;
  });
}

describe('lead alerts: once per breach, re-armed after recovery', () => {
  it('raises a service-level breach once however many readings stay below target', () => {
    const steps = run([{ service_level: 0.9 }, { service_level: 0.7 }, { service_level: 0.65 }, { service_level: 0.79 }, { service_level: 0.5 }]);
    expect(steps.map((s) => s.raise)).toEqual([[], ['service_level'], [], [], []]);
    expect(steps.every((s) => s.clear.length === 0)).toBe(true);
  });

  it('clears only once the level is back above target plus the margin, then raises the next breach again', () => {
    const steps = run([{ service_level: 0.7 }, { service_level: 0.805 }, { service_level: 0.82 }, { service_level: 0.81 }, { service_level: 0.75 }]);
    expect(steps.map((s) => [s.raise, s.clear])).toEqual([
      [['service_level'], []],
      // At 80.5 % it is on target but still within the margin: no flapping notice.
      [[], []],
      [[], ['service_level']],
      [[], []],
      [['service_level'], []],
    ]);
  });

  it('does not measure a day with no call offered', () => {
    expect(run([{ service_level: null }])[0]).toEqual({ raise: [], clear: [] });
    expect(run([{ service_level: 0.1 }, { service_level: null }])[1]!.clear).toEqual(['service_level']);
  });

  it('raises an overdue spike at the threshold and clears it two below (10 % for larger thresholds)', () => {
    const steps = run([{ overdue: 9 }, { overdue: 10 }, { overdue: 12 }, { overdue: 9 }, { overdue: 8 }, { overdue: 10 }]);
    expect(steps.map((s) => [s.raise, s.clear])).toEqual([
      [[], []], [['overdue'], []], [[], []], [[], []], [[], ['overdue']], [['overdue'], []],
    ]);
    // A threshold of one clears at zero; of 100, at 90.
    expect(run([{ overdue: 1 }, { overdue: 0 }], { ...t, overdueCount: 1 }).map((s) => s.clear)).toEqual([[], ['overdue']]);
    expect(run([{ overdue: 100 }, { overdue: 91 }, { overdue: 90 }], { ...t, overdueCount: 100 }).map((s) => s.clear)).toEqual([[], [], ['overdue']]);
  });

  it('raises a long wait while a caller rings past the limit and clears when nobody waits that long', () => {
    const steps = run([{ longest_wait: 30 }, { longest_wait: 61 }, { longest_wait: 90 }, { longest_wait: null }, { longest_wait: 75 }]);
    expect(steps.map((s) => [s.raise, s.clear])).toEqual([
      [[], []], [['longest_wait'], []], [[], []], [[], ['longest_wait']], [['longest_wait'], []],
    ]);
  });

  it('leaves alone what was not read this time, and each figure apart', () => {
    const steps = run([{ unclaimed_escalations: 3, overdue: 20 }, { service_level: 0.99 }, { unclaimed_escalations: 1 }]);
    expect(steps[0]!.raise.sort()).toEqual(['overdue', 'unclaimed_escalations']);
    expect(steps[1]).toEqual({ raise: [], clear: [] });
    expect(steps[2]).toEqual({ raise: [], clear: ['unclaimed_escalations'] });
  });

  it('watches nothing without a threshold, and clears what a removed threshold had raised', () => {
    const off = { ...DEFAULT_LEAD_ALERT_THRESHOLDS, overdueCount: null };
    expect(alertStep(new Set(), { overdue: 10_000 }, off).raise).toEqual([]);
    expect(alertStep(new Set<LeadAlertKind>(['overdue']), {}, off).clear).toEqual(['overdue']);
  });
});

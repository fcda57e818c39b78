import { summarizeQuality, type AudioInterval, type AudioWarning, type CallQuality } from '../../shared/domain/audio-health';

/** Seconds of a call kept for its summary: a call longer than this is summarised over its first 6 hours. */
export const MAX_INTERVALS = 6 * 3600;
/** Reports closer together than this (a renderer sending too often) are dropped: one a second is expected. */
export const MIN_REPORT_GAP_MS = 500;
/** The live view (wallboard rows) covers the last half minute. */
const LIVE_SECONDS = 30;

interface Tracked { intervals: AudioInterval[]; warnings: AudioWarning[]; raised: number; lastAt: number }

/** A call's quality while it lasts, as the wallboard's rows show it. */
export interface LiveQuality { warnings: AudioWarning[]; quality: CallQuality | null }

/**
 * The audio health of each call of a seat, from its renderer's once-a-second reports (already
 * validated by the contract: finite, bounded). Keeps per call at most MAX_INTERVALS readings and
 * summarises them when the call ends (taken once, for its record).
 */
export class CallQualityTracker {
  private readonly calls = new Map<string, Tracked>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * One report of a call: the warnings now and the last second's figures. Returns the warnings
   * when they changed (for the agent's windows and the log), else null.
   */
  report(callId: string, warnings: readonly AudioWarning[], interval: AudioInterval): AudioWarning[] | null {
    const at = this.now();
    let t = this.calls.get(callId);
    if (!t) {
      t = { intervals: [], warnings: [], raised: 0, lastAt: -Infinity };
      this.calls.set(callId, t);
    }
    const next = [...new Set(warnings)].sort();
    const changed = next.join() !== t.warnings.join();
    t.raised += next.filter((w) => !t.warnings.includes(w)).length;
    t.warnings = next;
    if (at - t.lastAt >= MIN_REPORT_GAP_MS && t.intervals.length < MAX_INTERVALS) {
      t.intervals.push(interval);
      t.lastAt = at;
    }
    return changed ? next : null;
  }

  live(callId: string): LiveQuality | null {
    const t = this.calls.get(callId);
    if (!t) return null;
    return { warnings: t.warnings, quality: summarizeQuality(t.intervals.slice(-LIVE_SECONDS), t.raised) };
  }

  /** The call's summary for its record, and the call forgotten; null when nothing was measured. */
  take(callId: string): CallQuality | null {
    const t = this.calls.get(callId);
    this.calls.delete(callId);
    return t ? summarizeQuality(t.intervals, t.raised) : null;
  }

  has(callId: string): boolean {
    return this.calls.has(callId);
  }
}

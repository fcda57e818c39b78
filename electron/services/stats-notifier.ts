import type { EventPublisher } from '../events/bus';

/** How often at most one process tells wallboards that ticket figures changed. */
export const STATS_CHANGED_INTERVAL_MS = 1000;

export interface StatsNotifier {
  /** A write that moves ticket figures has committed. */
  touched(): void;
  /** Drops a pending notice (the app is closing). */
  close(): void;
}

/**
 * Publishes `stats.changed` after committed ticket writes, coalesced: the first write after a quiet
 * second is told at once, the writes during the next second in one event at its end. A busy center
 * (hundreds of tickets a minute) thus costs each wallboard one re-read a second at most, not one
 * per ticket; every server of a center coalesces its own writes, and the bus carries each one's
 * event to the others' wallboards.
 */
export function createStatsNotifier(bus: EventPublisher, now: () => Date, intervalMs = STATS_CHANGED_INTERVAL_MS): StatsNotifier {
  let lastSent = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  const send = () => {
    timer = null;
    lastSent = Date.now();
    bus.publish('stats.changed', { at: now().toISOString() });
  };
  return {
    touched() {
      if (closed || timer) return;
      const wait = lastSent + intervalMs - Date.now();
      if (wait <= 0) send();
      else timer = setTimeout(send, wait);
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

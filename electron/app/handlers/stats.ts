import type { OverviewStats } from '../../../shared/contract';
import type { KpiService } from '../../services/kpi';
import type { SettingsService } from '../../services/settings';
import type { TicketQueries } from '../../services/tickets';
import type { HandlerSlice } from './context';

/**
 * How old an overview may be when handed out. Its groupings read ticket_tallies (kept by triggers,
 * migration 0022) and its two other counts are index ranges, so it is cheap; wallboards ask on
 * every stats.changed (at most one a second per process), and one read per second is shared by
 * every wallboard of the process.
 */
export const OVERVIEW_MAX_AGE_MS = 1_000;

/** One read shared by all callers while it runs and for `maxAgeMs` after; a failure is not kept. */
export function sharedRead<T>(read: () => Promise<T>, maxAgeMs: number, clock: () => number = () => performance.now()): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (last && clock() - last.at < maxAgeMs) return last.value;
    const value = read();
    const entry = { at: clock(), value };
    last = entry;
    value.catch(() => { if (last === entry) last = null; });
    return value;
  };
}

/** Counts for the demo banner, the overview and the KPI report. */
export function statsHandlers(tickets: TicketQueries, kpis: KpiService, settings: SettingsService, now: () => Date): HandlerSlice<'demo.status' | `stats.${string}`> {
  const overview = sharedRead<OverviewStats>(() => tickets.overview(), OVERVIEW_MAX_AGE_MS);
  return {
    'demo.status': async () => {
      const counts = await tickets.counts();
      const seed = await settings.getApp('demo_seed');
      return { demo: (await settings.getApp('demo')) === '1', ...counts, seed: seed === null ? null : Number(seed) };
    },
    'stats.overview': () => overview(),
    // A few rows of daily counts (kpi_daily), kept by the history's writer: no scan on a wallboard's call.
    'stats.kpis': (i) => kpis.lastDays(i.days, now()),
  };
}

import type { KpiService } from '../../services/kpi';
import type { SettingsService } from '../../services/settings';
import type { TicketQueries } from '../../services/tickets';
import type { HandlerSlice } from './context';

/** Counts for the demo banner, the overview and the KPI report. */
export function statsHandlers(tickets: TicketQueries, kpis: KpiService, settings: SettingsService, now: () => Date): HandlerSlice<'demo.status' | `stats.${string}`> {
  return {
    'demo.status': async () => {
      const counts = await tickets.counts();
      const seed = await settings.getApp('demo_seed');
      return { demo: (await settings.getApp('demo')) === '1', ...counts, seed: seed === null ? null : Number(seed) };
    },
    'stats.overview': () => tickets.overview(),
    // A few rows of daily counts (kpi_daily), kept by the history's writer: no scan on a wallboard's call.
    'stats.kpis': (i) => kpis.lastDays(i.days, now()),
  };
}

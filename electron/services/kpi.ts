import type { KpiReport } from '../../shared/contract';
import {
  directResolutionRate, onTimeClosureRate, reopenRate, resolutionRate, responseRate, returnRate, satisfactionRate, type KpiCounts,
} from '../../shared/domain/kpi';
import { chinaDayNumber, keyOfDayNumber, startOfChinaDay } from '../../shared/domain/china-time';
import type { TicketEventFlag, TicketHistoryAction } from '../../shared/domain/ticket-events';
import type { Db } from '../store/repos/db';
import type { Dialect } from '../store/migrations/types';
import { countTicketEvents } from '../store/repos/ticket-events';
import { kpiCountsOfDays } from '../store/repos/kpi-daily';

/** The report of a period from its counts; formulas in shared/domain/kpi.ts. */
function reportOf(from: string, to: string, counts: KpiCounts): KpiReport {
  const { registered, resolvedDirectly: direct, dispatched, signedOnTime, returned, returnVisits: visits, resolved, satisfied, replied, repliedOnTime, reopened } = counts;
  return {
    from, to, counts: { ...counts },
    rates: {
      response: responseRate(Math.min(signedOnTime, dispatched), dispatched),
      resolution: resolutionRate(resolved, visits),
      satisfaction: satisfactionRate(satisfied, visits),
      onTimeClosure: onTimeClosureRate(Math.min(repliedOnTime, replied), replied),
      reopen: reopenRate(Math.min(reopened, replied), replied),
      return: returnRate(Math.min(returned, dispatched), dispatched),
      directResolution: directResolutionRate(Math.min(direct, registered), registered),
    },
  };
}

/**
 * The 三率 and related rates, counted from the ticket timeline (events), so they agree with what
 * each ticket's history shows. `lastDays` reads the counts the history's writer keeps per China day
 * (kpi_daily): a few hundred indexed rows at most, whatever the size of the history.
 */
export class KpiService {
  constructor(private readonly db: Db, private readonly dialect: Dialect) {}

  /**
   * The last `days` China calendar days, today included as far as it has gone: from 00:00 China
   * time `days − 1` days before today to 00:00 tomorrow (`to`, exclusive). `days: 1` is today.
   */
  async lastDays(days: number, now: Date): Promise<KpiReport> {
    return this.daysEnding(chinaDayNumber(now), days);
  }

  /** The `days` China days that end with day number `last` (included), from the daily counts. */
  async daysEnding(last: number, days: number): Promise<KpiReport> {
    const first = keyOfDayNumber(last - days + 1);
    const counts = await kpiCountsOfDays(this.db, first, keyOfDayNumber(last));
    return reportOf(startOfChinaDay(first).toISOString(), startOfChinaDay(keyOfDayNumber(last + 1)).toISOString(), counts);
  }

  private count<A extends TicketHistoryAction>(action: A, from: string, to: string, where?: { flag: TicketEventFlag<A>; value: boolean }) {
    return countTicketEvents(this.db, this.dialect, action, from, to, where);
  }

  /**
   * The same report over any period [from, to) by scanning the history: seconds on a large store,
   * so no request calls it; tests and the bench hold the daily counts against it.
   */
  async fromHistory(from: string, to: string): Promise<KpiReport> {
    const [registered, resolvedDirectly, dispatched, signedOnTime, returned, returnVisits, resolved, satisfied, replied, repliedOnTime, reopened] = await Promise.all([
      this.count('register', from, to),
      this.count('resolveDirectly', from, to),
      this.count('dispatch', from, to),
      this.count('sign', from, to, { flag: 'late', value: false }),
      this.count('returnTicket', from, to),
      this.count('recordReturnVisit', from, to),
      this.count('recordReturnVisit', from, to, { flag: 'resolved', value: true }),
      this.count('recordReturnVisit', from, to, { flag: 'satisfied', value: true }),
      this.count('reply', from, to),
      this.count('reply', from, to, { flag: 'late', value: false }),
      this.count('reopen', from, to),
    ]);
    return reportOf(from, to, { registered, resolvedDirectly, dispatched, signedOnTime, returned, returnVisits, resolved, satisfied, replied, repliedOnTime, reopened });
  }
}

import type { KpiReport } from '../../shared/contract';
import {
  directResolutionRate, onTimeClosureRate, reopenRate, resolutionRate, responseRate, returnRate, satisfactionRate,
} from '../../shared/domain/kpi';
import type { TicketEventFlag, TicketHistoryAction } from '../../shared/domain/ticket-events';
import type { Db } from '../store/repos/db';
import type { Dialect } from '../store/migrations/types';
import { countTicketEvents } from '../store/repos/ticket-events';

/**
 * The 三率 and related rates over a period, counted from the ticket timeline (events), so they
 * agree with what each ticket's history shows. Formulas live in shared/domain/kpi.ts.
 */
export class KpiService {
  constructor(private readonly db: Db, private readonly dialect: Dialect) {}

  private count<A extends TicketHistoryAction>(action: A, from: string, to: string, where?: { flag: TicketEventFlag<A>; value: boolean }) {
    return countTicketEvents(this.db, this.dialect, action, from, to, where);
  }

  async report(from: string, to: string): Promise<KpiReport> {
    const [registered, direct, dispatched, signedOnTime, returned, visits, resolved, satisfied, replied, repliedOnTime, reopened] = await Promise.all([
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
    return {
      from, to,
      counts: { registered, resolvedDirectly: direct, dispatched, signedOnTime, returned, returnVisits: visits, resolved, satisfied, replied, repliedOnTime, reopened },
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
}

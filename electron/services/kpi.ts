import { sql, type Kysely } from 'kysely';
import type { KpiReport } from '../../shared/contract';
import {
  directResolutionRate, onTimeClosureRate, reopenRate, resolutionRate, responseRate, returnRate, satisfactionRate,
} from '../../shared/domain/kpi';
import type { DB } from '../store/schema';
import type { Dialect } from '../store/migrations/types';
import { jsonFlag } from '../store/dialect';

/**
 * The 三率 and related rates over a period, counted from the ticket timeline (events), so they
 * agree with what each ticket's history shows. Formulas live in shared/domain/kpi.ts.
 */
export class KpiService {
  constructor(private readonly db: Kysely<DB>, private readonly dialect: Dialect) {}

  private async count(action: string, from: string, to: string, extra?: (q: ReturnType<KpiService['events']>) => ReturnType<KpiService['events']>) {
    let q = this.events(action, from, to);
    if (extra) q = extra(q);
    const r = await q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  private events(action: string, from: string, to: string) {
    return this.db.selectFrom('ticket_events as e').where('e.action', '=', action).where('e.at', '>=', from).where('e.at', '<', to);
  }

  async report(from: string, to: string): Promise<KpiReport> {
    const flag = (key: string, value: boolean) => jsonFlag(this.dialect, 'e.data', key, value);
    const [registered, direct, dispatched, signedOnTime, returned, visits, resolved, satisfied, replied, repliedOnTime, reopened] = await Promise.all([
      this.count('register', from, to),
      this.count('resolveDirectly', from, to),
      this.count('dispatch', from, to),
      this.count('sign', from, to, (q) => q.where(flag('late', false))),
      this.count('returnTicket', from, to),
      this.count('recordReturnVisit', from, to),
      this.count('recordReturnVisit', from, to, (q) => q.where(flag('resolved', true))),
      this.count('recordReturnVisit', from, to, (q) => q.where(flag('satisfied', true))),
      this.count('reply', from, to),
      this.count('reply', from, to, (q) => q.where(flag('late', false))),
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

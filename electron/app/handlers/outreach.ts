import type { OutreachService } from '../../services/outreach';
import { sessionOf, type HandlerSlice } from './context';

/** Community outreach events (便民服务进小区); appeals registered at them go through tickets.create. */
export function outreachHandlers(outreach: OutreachService): HandlerSlice<`outreach.${string}`> {
  return {
    'outreach.plan': (i, ctx) => outreach.plan(i, sessionOf(ctx)),
    'outreach.edit': (i, ctx) => outreach.edit(i, sessionOf(ctx)),
    'outreach.cancel': (i, ctx) => outreach.cancel(i, sessionOf(ctx)),
    'outreach.list': (_i, ctx) => outreach.list(sessionOf(ctx)),
    'outreach.get': (i, ctx) => outreach.detail(i.id, sessionOf(ctx)),
    'outreach.setPeopleMet': (i, ctx) => outreach.setPeopleMet(i, sessionOf(ctx)),
    'outreach.candidates': () => outreach.candidates(),
  };
}

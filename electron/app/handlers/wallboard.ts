import { fail } from '../../../shared/contract';
import type { PhoneService } from '../../phone/phone-service';
import type { LeadQueueService } from '../../services/lead-queues';
import type { LeadAlertService } from '../../services/lead-alerts';
import type { WallboardChartsService } from '../../services/wallboard-charts';
import type { HandlerSlice } from './context';

/**
 * The shift lead's wallboard: live seats (the phone service knows its own seats and the desks'
 * reports), the ticket queues with the lists behind their figures, the period rates, today's calls,
 * the charts against the usual, and the lead's alerts.
 */
export function wallboardHandlers(phone: PhoneService, queues: LeadQueueService, charts: WallboardChartsService, alerts: LeadAlertService): HandlerSlice<`wallboard.${string}`> {
  return {
    'wallboard.seats': () => phone.seatBoard(),
    'wallboard.calls': () => phone.callStats(),
    'wallboard.poorAudioCalls': () => phone.poorAudioCalls(),
    'wallboard.seatAction': (i, ctx) => phone.leadAction(ctx.session ?? fail('unauthenticated'), i),
    'wallboard.queues': (_i, ctx) => queues.counts(ctx.session ?? fail('unauthenticated')),
    'wallboard.queue': (i, ctx) => queues.list(i.queue, ctx.session ?? fail('unauthenticated')),
    'wallboard.consultQueues': () => queues.consultCounts(),
    'wallboard.consultQueue': (i) => queues.consultList(i.queue),
    'wallboard.rates': () => queues.rates(),
    'wallboard.charts': () => charts.charts(),
    'wallboard.alerts': () => alerts.raised(),
    'wallboard.getAlertSettings': () => alerts.thresholds(),
    'wallboard.setAlertSettings': (i, ctx) => alerts.setThresholds(i, (ctx.session ?? fail('unauthenticated')).user.id),
  };
}

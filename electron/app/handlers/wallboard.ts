import { fail } from '../../../shared/contract';
import type { PhoneService } from '../../phone/phone-service';
import type { LeadQueueService } from '../../services/lead-queues';
import type { HandlerSlice } from './context';

/**
 * The shift lead's wallboard: live seats (the phone service knows its own seats and the desks'
 * reports), the ticket queues with the lists behind their figures, and the period rates.
 */
export function wallboardHandlers(phone: PhoneService, queues: LeadQueueService): HandlerSlice<`wallboard.${string}`> {
  return {
    'wallboard.seats': () => phone.seatBoard(),
    'wallboard.calls': () => phone.callStats(),
    'wallboard.seatAction': (i, ctx) => phone.leadAction(ctx.session ?? fail('unauthenticated'), i),
    'wallboard.queues': (_i, ctx) => queues.counts(ctx.session ?? fail('unauthenticated')),
    'wallboard.queue': (i, ctx) => queues.list(i.queue, ctx.session ?? fail('unauthenticated')),
    'wallboard.rates': () => queues.rates(),
  };
}

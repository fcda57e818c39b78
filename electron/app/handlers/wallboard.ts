import { fail } from '../../../shared/contract';
import type { PhoneService } from '../../phone/phone-service';
import type { HandlerSlice } from './context';

/** The shift lead's wallboard: live seats (the phone service knows its own seats and the desks' reports). */
export function wallboardHandlers(phone: PhoneService): HandlerSlice<`wallboard.${string}`> {
  return {
    'wallboard.seats': () => phone.seatBoard(),
    'wallboard.calls': () => phone.callStats(),
    'wallboard.seatAction': (i, ctx) => phone.leadAction(ctx.session ?? fail('unauthenticated'), i),
  };
}

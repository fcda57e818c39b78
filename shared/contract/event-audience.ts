import { ticketChangedAudience, type Audience } from './audience';
import type { EventName, EventPayload } from './index';
import { OUTREACH_READERS } from './outreach';

/**
 * How the audience of one event is decided, declared next to the contract so that no event is sent
 * without one and no filter is a closure over a session (a closure cannot cross a process):
 * - `payload`: computed from the payload alone, by the function given here;
 * - `publisher`: the publisher passes an Audience value (facts the payload does not carry, such as
 *   whose seat or job it is, or who escalated an item) — see `why` for which helper builds it;
 * - `connection`: sent by the hub to connections it holds and changes (a sign-out, a new session, a
 *   media command for one window); never put on the bus.
 */
export type AudienceRule<P> =
  | { from: 'payload'; audience: (payload: P) => Audience }
  | { from: 'publisher'; why: string }
  | { from: 'connection'; why: string };

const everyone = (): Audience => ({ everyone: true });

/** Every event of the contract with its audience rule; the compiler refuses a missing one. */
export const eventAudience = {
  'session.ended': { from: 'connection', why: 'ends one connection\'s session; other processes learn it from the revoked session row on the next request' },
  'session.changed': { from: 'connection', why: 'the hub replaces the session held by each connection of the user, then tells it' },
  'app.notice': { from: 'publisher', why: 'whoever raises a notice names who should see it' },
  'phone.registration': { from: 'publisher', why: 'the seat\'s own user: userAudience(seat.userId)' },
  'phone.agent': { from: 'publisher', why: 'the seat\'s own user: userAudience(seat.userId)' },
  'phone.call': { from: 'publisher', why: 'the seat\'s own user: userAudience(seat.userId)' },
  'phone.incoming': { from: 'publisher', why: 'the seat\'s own user: userAudience(seat.userId)' },
  'phone.ended': { from: 'publisher', why: 'the seat\'s own user: userAudience(seat.userId)' },
  'phone.hangupSignal': { from: 'publisher', why: 'the seat\'s own user: userAudience(seat.userId)' },
  'phone.audioHealth': { from: 'publisher', why: 'the seat\'s own user: userAudience(seat.userId)' },
  'media.command': { from: 'connection', why: 'for the one window that plays the call\'s audio' },
  'reference.changed': { from: 'payload', audience: everyone },
  'ticket.changed': { from: 'payload', audience: ticketChangedAudience },
  'stats.changed': { from: 'payload', audience: () => ({ roles: ['shift_lead', 'admin'] }) },
  'consultation.changed': { from: 'publisher', why: 'consultationChangedAudience(kind, item): the claimer and who escalated are not in the row' },
  'duty.changed': { from: 'payload', audience: everyone },
  'job.progress': { from: 'publisher', why: 'the job\'s owner: userAudience(ownerId)' },
  'seat.changed': { from: 'payload', audience: () => ({ roles: ['shift_lead', 'admin'] }) },
  'lead.alert': { from: 'payload', audience: () => ({ roles: ['shift_lead', 'admin'] }) },
  'seat.command': { from: 'publisher', why: 'the seat\'s own user: userAudience(userId)' },
  'hotspot.alert': { from: 'payload', audience: () => ({ roles: ['shift_lead', 'admin'] }) },
  // Whoever may read outreach: the payload is only the event's id, and each reads again what it may see.
  'outreach.changed': { from: 'payload', audience: () => ({ roles: OUTREACH_READERS }) },
  'desk.sync': { from: 'connection', why: 'a desk tells its own windows about its link to the center; never leaves the desk' },
} as const satisfies { [E in EventName]: AudienceRule<EventPayload<E>> };

type Rules = typeof eventAudience;

/** Events that travel on the bus (every one but the hub's own connection events). */
export type BusEventName = { [E in EventName]: Rules[E]['from'] extends 'connection' ? never : E }[EventName];

/** What a publisher adds to name and payload: nothing when the payload decides, else the audience. */
export type AudienceArgs<E extends BusEventName> = Rules[E] extends { from: 'payload' } ? [audience?: undefined] : [audience: Audience];

/** The audience of an event: the payload's rule, or the one the publisher gave. */
export function resolveAudience<E extends BusEventName>(name: E, payload: EventPayload<E>, given: Audience | undefined): Audience {
  const rule: AudienceRule<EventPayload<E>> = eventAudience[name] as AudienceRule<EventPayload<E>>;
  if (rule.from === 'payload') return rule.audience(payload);
  if (rule.from === 'publisher' && given) return given;
  throw new Error(`event ${name} published without its audience (${rule.from === 'publisher' ? rule.why : 'not a bus event'})`);
}

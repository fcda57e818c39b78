import { fail, type SessionInfo } from '../../shared/contract';
import type { Handlers } from '../rpc/dispatcher';
import type { PhoneService } from '../phone/phone-service';
import { screenPop } from '../phone/screen-pop';
import type { Kysely } from 'kysely';
import type { DB } from '../store/schema';

type PhoneHandlers = Pick<Handlers, Extract<keyof Handlers, `phone.${string}` | `media.${string}` | `sip.${string}`>>;

const who = (s: SessionInfo | null): SessionInfo => s ?? fail('unauthenticated');

/** Contract handlers of the softphone: each checks the session, then asks the phone service. */
export function phoneHandlers(phone: PhoneService, db: Kysely<DB>, now: () => Date): PhoneHandlers {
  return {
    'phone.status': (_i, ctx) => phone.statusFor(who(ctx.session)),
    'phone.signIn': (_i, ctx) => phone.signIn(who(ctx.session)),
    'phone.signOut': (_i, ctx) => phone.signOut(who(ctx.session)),
    'phone.setReady': (_i, ctx) => phone.setReady(who(ctx.session)),
    'phone.setNotReady': (i, ctx) => phone.setNotReady(who(ctx.session), i.reason),
    'phone.wrapUp': (i, ctx) => phone.wrapUp(who(ctx.session), i.callId, i.code),
    'phone.answer': async (i, ctx) => { await phone.act(who(ctx.session), (p) => p.answer(i.callId)); return null; },
    'phone.reject': async (i, ctx) => { await phone.act(who(ctx.session), (p) => p.reject(i.callId, 486)); return null; },
    'phone.hangup': async (i, ctx) => { await phone.act(who(ctx.session), (p) => p.hangup(i.callId)); return null; },
    'phone.hold': async (i, ctx) => { await phone.act(who(ctx.session), (p) => (i.held ? p.hold(i.callId) : p.resume(i.callId))); return null; },
    'phone.mute': async (i, ctx) => { await phone.act(who(ctx.session), (p) => p.mute(i.callId, i.muted)); return null; },
    'phone.dtmf': async (i, ctx) => ({ via: await phone.act(who(ctx.session), (p) => p.sendDtmf(i.callId, i.tones)) }),
    'phone.blindTransfer': async (i, ctx) => { await phone.act(who(ctx.session), (p) => p.blindTransfer(i.callId, i.target)); return null; },
    'phone.startConsult': async (i, ctx) => ({ consultCallId: await phone.act(who(ctx.session), (p) => p.startConsult(i.callId, i.target)) }),
    'phone.completeTransfer': async (i, ctx) => { await phone.act(who(ctx.session), (p) => p.completeAttendedTransfer(i.consultCallId)); return null; },
    'phone.cancelConsult': async (i, ctx) => { await phone.act(who(ctx.session), (p) => p.cancelConsult(i.consultCallId)); return null; },
    'phone.dial': async (i, ctx) => {
      const callId = await phone.act(who(ctx.session), (p) => p.call(i.number));
      if (i.ticketId) await phone.linkTicket(callId, i.ticketId).catch(() => undefined);
      return { callId };
    },
    'phone.screenPop': async (i, ctx) => {
      const s = who(ctx.session);
      let number = i.phone;
      if (i.callId) {
        const call = phone.hasCall(s, i.callId);
        if (!call) fail('not_found');
        number = call.remoteNumber;
      }
      if (!number) fail('invalid_input', { issues: [{ path: 'phone', problem: 'required' }] });
      return screenPop(db, number, i.callId ?? null, now());
    },
    'media.attach': (_i, ctx) => { phone.attachMedia(who(ctx.session), ctx.connection.id); return null; },
    'media.reply': (i, ctx) => { phone.mediaReply(who(ctx.session), i); return null; },
    'phone.getConfig': () => phone.loadConfig(),
    'phone.setConfig': (i, ctx) => phone.setConfig(i, who(ctx.session).user.id),
    'sip.getAccount': (i) => phone.account(i.userId),
    'sip.setAccount': (i, ctx) => phone.setAccount(i, who(ctx.session).user.id),
  };
}

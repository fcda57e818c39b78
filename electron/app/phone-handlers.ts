import { fail, type DutyShiftView, type SessionInfo } from '../../shared/contract';
import type { Handlers } from '../rpc/dispatcher';
import type { PhoneService } from '../phone/phone-service';
import { screenPop } from '../phone/screen-pop';
import type { Kysely } from 'kysely';
import type { DB } from '../store/schema';
import { pendingCallLink } from '../services/call-links';
import { assertTicketVisible } from '../services/ticket-visibility';

type PhoneHandlers = Pick<Handlers, Extract<keyof Handlers, `phone.${string}` | `media.${string}` | `sip.${string}` | `seat.${string}`>>;

const who = (s: SessionInfo | null): SessionInfo => s ?? fail('unauthenticated');

/** Contract handlers of the softphone: each checks the session, then asks the phone service. */
/** The ticket registered during a call: linked once the call is recorded, pending until then. */
async function ticketOfCall(db: Kysely<DB>, callId: string): Promise<string | null> {
  const linked = await db.selectFrom('call_ticket_links as l').innerJoin('tickets as t', 't.id', 'l.ticket_id')
    .select('t.id').where('l.call_id', '=', callId).orderBy('t.created_at', 'desc').executeTakeFirst();
  if (linked) return linked.id;
  return pendingCallLink(db, callId);
}

/** The ticket handed over with a call, as the member's screen pop shows it. */
async function transferredTicket(db: Kysely<DB>, ticketId: string) {
  const t = await db.selectFrom('tickets').select(['id', 'number', 'created_at', 'appeal_type', 'status', 'title', 'content', 'reply_by', 'phone'])
    .where('id', '=', ticketId).executeTakeFirst();
  if (!t) return null;
  const item = await db.selectFrom('consultation_item_tickets as l').innerJoin('consultation_items as c', 'c.id', 'l.item_id')
    .select(['c.id', 'c.number', 'c.stage']).where('l.ticket_id', '=', ticketId).orderBy('c.created_at', 'desc').executeTakeFirst();
  return {
    phone: t.phone,
    view: {
      id: t.id, number: t.number, createdAt: t.created_at, appealType: t.appeal_type, status: t.status, title: t.title, replyBy: t.reply_by,
      content: t.content, escalation: item ? { itemId: item.id, number: item.number, stage: item.stage } : null,
    },
  };
}

export function phoneHandlers(phone: PhoneService, db: Kysely<DB>, now: () => Date, onDutyNow: () => Promise<DutyShiftView[]>): PhoneHandlers {
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
    'phone.startConsult': async (i, ctx) => {
      const s = who(ctx.session);
      if (!phone.hasCall(s, i.callId)) fail('not_found');
      const ticketId = i.ticketId ?? await ticketOfCall(db, i.callId);
      if (i.ticketId && !(await db.selectFrom('tickets').select('id').where('id', '=', i.ticketId).executeTakeFirst())) {
        fail('invalid_input', { issues: [{ path: 'ticketId', problem: 'unknown' }] });
      }
      const consultCallId = await phone.act(s, (p) => p.startConsult(i.callId, i.target, ticketId ? { ticketId } : undefined));
      return { consultCallId, ticketId };
    },
    'phone.dutyTargets': async (_i, ctx) => {
      const s = who(ctx.session);
      const shifts = (await onDutyNow()).filter((d) => d.userId !== s.user.id);
      const presence = await phone.presence([...new Set(shifts.map((d) => d.userId))]);
      return shifts.map((d) => {
        const p = presence.get(d.userId);
        return { userId: d.userId, name: d.userName, desk: d.desk, extension: p?.extension ?? null, agent: p?.agent ?? 'logged_out', registered: p?.registered ?? false };
      });
    },
    'phone.completeTransfer': async (i, ctx) => { await phone.act(who(ctx.session), (p) => p.completeAttendedTransfer(i.consultCallId)); return null; },
    'phone.cancelConsult': async (i, ctx) => { await phone.act(who(ctx.session), (p) => p.cancelConsult(i.consultCallId)); return null; },
    'phone.selfTestEcho': (_i, ctx) => phone.selfTestEcho(who(ctx.session)),
    'phone.selfTestResult': (i, ctx) => phone.selfTestResult(who(ctx.session), i),
    'phone.dial': async (i, ctx) => {
      const callId = await phone.act(who(ctx.session), (p) => p.call(i.number));
      if (i.ticketId) await phone.linkTicket(callId, i.ticketId).catch(() => undefined);
      return { callId };
    },
    'phone.screenPop': async (i, ctx) => {
      const s = who(ctx.session);
      let number = i.phone;
      let handedOver: string | null = null;
      if (i.callId) {
        const call = phone.hasCall(s, i.callId);
        if (!call) fail('not_found');
        number = call.remoteNumber;
        handedOver = call.ticketId ?? null;
      } else if (i.ticketId) {
        // From a desk: the ticket its phone received with the call. Read as any ticket is, by scope.
        await assertTicketVisible(db, s, i.ticketId);
        handedOver = i.ticketId;
      }
      const transferred = handedOver ? await transferredTicket(db, handedOver) : null;
      // A consult call comes from the colleague's extension: the pop is about the citizen on their ticket.
      if (transferred?.phone) number = transferred.phone;
      if (!number) fail('invalid_input', { issues: [{ path: 'phone', problem: 'required' }] });
      const pop = await screenPop(db, number, i.callId ?? null, now());
      return transferred ? { ...pop, transferredTicket: transferred.view } : pop;
    },
    'media.attach': (_i, ctx) => { phone.attachMedia(who(ctx.session), ctx.connection.id); return null; },
    'media.reply': (i, ctx) => { phone.mediaReply(who(ctx.session), i); return null; },
    'media.lost': async (i, ctx) => { await phone.mediaLost(who(ctx.session), ctx.connection.id, i.callId, i.ice); return null; },
    'media.audioHealth': (i, ctx) => { phone.mediaAudioHealth(who(ctx.session), ctx.connection.id, i); return null; },
    'phone.getConfig': () => phone.loadConfig(),
    'phone.setConfig': (i, ctx) => phone.setConfig(i, who(ctx.session).user.id),
    'sip.getAccount': (i) => phone.account(i.userId),
    'seat.report': async (i, ctx) => { await phone.report(who(ctx.session).user.id, i); return null; },
    'sip.myAccount': (_i, ctx) => (ctx.connection.program ? phone.accountForDesk(who(ctx.session).user.id) : fail('forbidden')),
    // A desk's calls: from its main process only (a page or a renderer has no phone of its own to record).
    'seat.recordCall': (i, ctx) => (ctx.connection.program ? phone.recordDeskCall(who(ctx.session), i) : fail('forbidden')),
    'seat.wrapUpCall': (i, ctx) => (ctx.connection.program ? phone.wrapUpDeskCall(who(ctx.session), i.callId, i.code) : fail('forbidden')),
    'sip.setAccount': (i, ctx) => phone.setAccount(i, who(ctx.session).user.id),
  };
}

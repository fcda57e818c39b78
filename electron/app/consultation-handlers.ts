import { fail, type SessionInfo } from '../../shared/contract';
import { chinaDateKey } from '../../shared/domain/china-time';
import type { Handlers } from '../rpc/dispatcher';
import type { ConsultationService } from '../services/consultation';
import type { DutyRosterService } from '../services/consultation-duty';
import { buildReportDocx } from '../services/consultation-report';

type ConsultationHandlers = Pick<Handlers, Extract<keyof Handlers, `consultation.${string}` | `duty.${string}`>>;

const who = (s: SessionInfo | null): SessionInfo => s ?? fail('unauthenticated');

/** Contract handlers of the consultation queue and the duty roster. */
export function consultationHandlers(items: ConsultationService, duty: DutyRosterService, now: () => Date, onDutyChanged: () => void): ConsultationHandlers {
  return {
    'consultation.escalate': (i, ctx) => items.escalate(i, who(ctx.session)),
    'consultation.transferHard': (i, ctx) => items.transferHard(i.ticketIds, i.route, i.urgency, i.reason, who(ctx.session)),
    'consultation.hardCandidates': (i, ctx) => items.hardCandidates(i.limit, who(ctx.session)),
    'consultation.forTicket': (i, ctx) => items.forTicket(i.ticketId, who(ctx.session)),
    'consultation.queue': (i, ctx) => items.queue(i.scope, i.limit, who(ctx.session)),
    'consultation.get': (i, ctx) => items.detail(i.id, who(ctx.session)),
    'consultation.claim': (i, ctx) => items.claim(i.id, who(ctx.session)),
    'consultation.release': (i, ctx) => items.release(i.id, i.reason, who(ctx.session)),
    'consultation.reassign': (i, ctx) => items.reassign(i.id, i, who(ctx.session)),
    'consultation.advance': (i, ctx) => items.advance(i.id, who(ctx.session)),
    'consultation.addResearch': (i, ctx) => items.addResearch(i, who(ctx.session)),
    'consultation.attachment': (i, ctx) => items.attachment(i.itemId, i.attachmentId, who(ctx.session)),
    'consultation.addMeeting': (i, ctx) => items.addMeeting(i, who(ctx.session)),
    'consultation.addMeasure': (i, ctx) => items.addMeasure(i, who(ctx.session)),
    'consultation.updateMeasure': (i, ctx) => items.updateMeasure(i, who(ctx.session)),
    'consultation.setPackage': (i, ctx) => items.setPackage(i.itemId, i, who(ctx.session)),
    'consultation.saveReport': (i, ctx) => items.saveReport(i, who(ctx.session)),
    'consultation.recordInstruction': (i, ctx) => items.recordInstruction(i.itemId, { leader: i.leader, date: i.date, text: i.text }, who(ctx.session)),
    'consultation.addFeedback': (i, ctx) => items.addFeedback(i.itemId, { channel: i.channel, satisfied: i.satisfied, content: i.content }, who(ctx.session)),
    'consultation.close': (i, ctx) => items.close(i.itemId, i.note, who(ctx.session)),
    'consultation.exportReport': async (i, ctx) => {
      const item = await items.detail(i.itemId, who(ctx.session));
      const buf = await buildReportDocx(item, chinaDateKey(now()));
      return { fileName: `社情民意信息-${item.number}.docx`, base64: buf.toString('base64') };
    },
    'consultation.monthly': (i, ctx) => items.monthly(i.month, who(ctx.session)),
    'consultation.alerts': (_i, ctx) => items.alerts(who(ctx.session)),
    'duty.roster': (i) => duty.roster(i.from, i.to),
    'duty.now': () => duty.onDutyNow(),
    'duty.people': () => duty.people(),
    'duty.savePattern': async (i, ctx) => { const r = await duty.savePattern(i, who(ctx.session)); onDutyChanged(); return r; },
    'duty.deletePattern': async (i, ctx) => { await duty.deletePattern(i.id, who(ctx.session)); onDutyChanged(); return null; },
    'duty.swap': async (i, ctx) => { await duty.swap(i.patternId, i.date, i.replacementUserId, i.reason, who(ctx.session)); onDutyChanged(); return null; },
  };
}

import type { ScreenPop, ScreenPopTicket } from '../../shared/contract';
import { normalizePhone } from '../../shared/domain/phone';
import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import type { Db } from '../store/repos/db';
import { countTicketsByPhone, latestCallerName, ticketsByPhone } from '../store/repos/tickets';
import { countCallsFrom } from '../store/repos/calls';

const OPEN: readonly string[] = OPEN_TICKET_STATES;
const REPEAT_THRESHOLD = 1;

/** The national form tickets are stored under; a caller ID we cannot parse is used as given. */
export function lookupKey(raw: string): string {
  const n = normalizePhone(raw);
  return n.ok ? n.phone.national : raw.replace(/[^\d]/g, '');
}

/**
 * Everything the agent sees while the phone rings: who this is, what they asked before, what is
 * still open, and whether they keep calling. Two index seeks (tickets by phone, calls by number).
 */
export async function screenPop(db: Db, rawPhone: string, callId: string | null, now: Date): Promise<ScreenPop> {
  const phone = lookupKey(rawPhone);
  const since = new Date(now.getTime() - 30 * 86_400_000).toISOString();
  const [tickets, total, calls, name] = await Promise.all([
    ticketsByPhone(db, phone, 50),
    countTicketsByPhone(db, phone),
    countCallsFrom(db, phone, since, callId),
    latestCallerName(db, phone),
  ]);
  const toRow = (t: (typeof tickets)[number]): ScreenPopTicket => ({
    id: t.id, number: t.number, createdAt: t.created_at, appealType: t.appeal_type, status: t.status, title: t.title, replyBy: t.reply_by,
  });
  const callsLast30Days = calls;
  return {
    callId, phone, citizenName: name, callsLast30Days,
    repeatCaller: callsLast30Days >= REPEAT_THRESHOLD,
    openTickets: tickets.filter((t) => OPEN.includes(t.status)).map(toRow),
    pastTickets: tickets.filter((t) => !OPEN.includes(t.status)).slice(0, 20).map(toRow),
    totalTickets: total,
  };
}

import { sql, type Kysely } from 'kysely';
import type { ScreenPop, ScreenPopTicket } from '../../shared/contract';
import { normalizePhone } from '../../shared/domain/phone';
import type { DB } from '../store/schema';
import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';

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
export async function screenPop(db: Kysely<DB>, rawPhone: string, callId: string | null, now: Date): Promise<ScreenPop> {
  const phone = lookupKey(rawPhone);
  const since = new Date(now.getTime() - 30 * 86_400_000).toISOString();
  const [tickets, total, calls, name] = await Promise.all([
    db.selectFrom('tickets').select(['id', 'number', 'created_at', 'appeal_type', 'status', 'title', 'reply_by'])
      .where('phone', '=', phone).orderBy('created_at', 'desc').limit(50).execute(),
    db.selectFrom('tickets').select(sql<number>`count(*)`.as('n')).where('phone', '=', phone).executeTakeFirstOrThrow(),
    db.selectFrom('call_records').select(sql<number>`count(*)`.as('n'))
      .where('remote_number', '=', phone).where('invited_at', '>=', since)
      .$if(callId !== null, (q) => q.where('id', '<>', callId!)).executeTakeFirstOrThrow(),
    db.selectFrom('tickets').select('caller_name').where('phone', '=', phone).where('caller_name', 'is not', null)
      .orderBy('created_at', 'desc').limit(1).executeTakeFirst(),
  ]);
  const toRow = (t: (typeof tickets)[number]): ScreenPopTicket => ({
    id: t.id, number: t.number, createdAt: t.created_at, appealType: t.appeal_type, status: t.status, title: t.title, replyBy: t.reply_by,
  });
  const callsLast30Days = Number(calls.n);
  return {
    callId, phone, citizenName: name?.caller_name ?? null, callsLast30Days,
    repeatCaller: callsLast30Days >= REPEAT_THRESHOLD,
    openTickets: tickets.filter((t) => OPEN.includes(t.status)).map(toRow),
    pastTickets: tickets.filter((t) => !OPEN.includes(t.status)).slice(0, 20).map(toRow),
    totalTickets: Number(total.n),
  };
}

import type { Kysely } from 'kysely';
import type { SessionInfo, SimilarTicket } from '../../shared/contract';
import type { DB } from '../store/schema';
import { ANSWERED_TICKET_STATES, FINISHED_TICKET_STATES, OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import { ticketScope, visibleTickets } from './ticket-visibility';

const OPEN: readonly string[] = OPEN_TICKET_STATES;
const ANSWERED: readonly string[] = ANSWERED_TICKET_STATES;
const FINISHED: readonly string[] = FINISHED_TICKET_STATES;

/** How a similar ticket can be used: merged into (open), linked as a repeat call (answered), or reopened (closed). */
export function similarKind(status: string): SimilarTicket['kind'] {
  return OPEN.includes(status) ? 'open' : ANSWERED.includes(status) ? 'answered' : 'closed';
}
const WINDOW_DAYS = 60;
const MAX_CANDIDATES = 400;

/** Character bigrams of the CJK letters and digits of a text: word order and punctuation ignored. */
export function bigrams(text: string): Set<string> {
  const s = text.normalize('NFKC').replace(/[^\p{L}\p{N}]/gu, '');
  const out = new Set<string>();
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2));
  return out;
}

/** Overlap coefficient: how much of the shorter text reappears in the other (0..1). */
export function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let n = 0;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (big.has(x)) n++;
  return n / small.size;
}

/**
 * Recent tickets that look like the one being typed: same category, same district when known,
 * and sharing most of their wording. Open ones can take the new appeal as a duplicate (并单);
 * answered and closed ones are offered too, because a second caller about the same streetlight
 * after the first ticket was answered is a repeat call (重复来电) or a case to reopen (重办).
 */
export class SimilarTickets {
  constructor(private readonly db: Kysely<DB>, private readonly now: () => Date = () => new Date()) {}

  async find(input: { categoryId: string; districtCode?: string; text: string; limit: number }, session: SessionInfo): Promise<SimilarTicket[]> {
    const mine = bigrams(input.text);
    if (mine.size < 3) return [];
    const since = new Date(this.now().getTime() - WINDOW_DAYS * 86_400_000).toISOString();
    let q = this.db.selectFrom('tickets as t').select(['t.id', 't.number', 't.title', 't.content', 't.created_at', 't.status', 't.district_code'])
      .where('t.category_id', '=', input.categoryId).where('t.status', 'in', [...OPEN, ...ANSWERED, ...FINISHED]).where('t.created_at', '>=', since)
      // The reader's visibility scope (ticket-visibility.ts): a department is offered only its own tickets.
      .where(visibleTickets(ticketScope(session)))
      .orderBy('t.created_at', 'desc').limit(MAX_CANDIDATES);
    if (input.districtCode) q = q.where('t.district_code', '=', input.districtCode);
    const rows = await q.execute();
    return rows.map((r) => ({ r, score: overlap(mine, bigrams(`${r.title}${r.content}`)) }))
      .filter((x) => x.score >= 0.35).sort((a, b) => b.score - a.score).slice(0, input.limit)
      .map(({ r, score }) => ({ id: r.id, number: r.number, title: r.title, createdAt: r.created_at, status: r.status, kind: similarKind(r.status), score: Math.round(score * 100) / 100 }));
  }
}

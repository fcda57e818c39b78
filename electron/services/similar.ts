import type { SessionInfo, SimilarTicket } from '../../shared/contract';
import { ANSWERED_TICKET_STATES, FINISHED_TICKET_STATES, OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import type { Db } from '../store/repos/db';
import { similarCandidateRows } from '../store/repos/tickets';
import { ticketScope } from './ticket-visibility';

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
  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {}

  async find(input: { categoryId: string; districtCode?: string; text: string; limit: number }, session: SessionInfo): Promise<SimilarTicket[]> {
    const mine = bigrams(input.text);
    if (mine.size < 3) return [];
    const since = new Date(this.now().getTime() - WINDOW_DAYS * 86_400_000).toISOString();
    const rows = await similarCandidateRows(this.db, {
      categoryId: input.categoryId, districtCode: input.districtCode, statuses: [...OPEN, ...ANSWERED, ...FINISHED], since, limit: MAX_CANDIDATES,
      // The reader's visibility scope (ticket-visibility.ts): a department is offered only its own tickets.
      scope: ticketScope(session),
    });
    return rows.map((r) => ({ r, score: overlap(mine, bigrams(`${r.title}${r.content}`)) }))
      .filter((x) => x.score >= 0.35).sort((a, b) => b.score - a.score).slice(0, input.limit)
      .map(({ r, score }) => ({ id: r.id, number: r.number, title: r.title, createdAt: r.created_at, status: r.status, kind: similarKind(r.status), score: Math.round(score * 100) / 100 }));
  }
}

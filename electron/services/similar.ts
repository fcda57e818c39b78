import type { Kysely } from 'kysely';
import type { SessionInfo, SimilarTicket } from '../../shared/contract';
import type { DB } from '../store/schema';
import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import { ticketScope, visibleTickets } from './ticket-visibility';

const OPEN = OPEN_TICKET_STATES;
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
 * Open tickets that look like the one being typed: same category, same district when known,
 * recent, and sharing most of their wording. The agent can merge the new appeal into one (并单)
 * instead of dispatching the same problem twice.
 */
export class SimilarTickets {
  constructor(private readonly db: Kysely<DB>, private readonly now: () => Date = () => new Date()) {}

  async find(input: { categoryId: string; districtCode?: string; text: string; limit: number }, session: SessionInfo): Promise<SimilarTicket[]> {
    const mine = bigrams(input.text);
    if (mine.size < 3) return [];
    const since = new Date(this.now().getTime() - WINDOW_DAYS * 86_400_000).toISOString();
    let q = this.db.selectFrom('tickets as t').select(['t.id', 't.number', 't.title', 't.content', 't.created_at', 't.status', 't.district_code'])
      .where('t.category_id', '=', input.categoryId).where('t.status', 'in', OPEN).where('t.created_at', '>=', since)
      .where(visibleTickets(ticketScope(session)))
      .orderBy('t.created_at', 'desc').limit(MAX_CANDIDATES);
    if (input.districtCode) q = q.where('t.district_code', '=', input.districtCode);
    const rows = await q.execute();
    return rows.map((r) => ({ r, score: overlap(mine, bigrams(`${r.title}${r.content}`)) }))
      .filter((x) => x.score >= 0.35).sort((a, b) => b.score - a.score).slice(0, input.limit)
      .map(({ r, score }) => ({ id: r.id, number: r.number, title: r.title, createdAt: r.created_at, status: r.status, score: Math.round(score * 100) / 100 }));
  }
}

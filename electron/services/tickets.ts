import { sql, type Kysely } from 'kysely';
import type { OverviewStats, SessionInfo, TicketListRow } from '../../shared/contract';
import type { DB } from '../store/schema';
import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import { listPhone, ticketScope, visibleTickets } from './ticket-visibility';

const OPEN_STATUSES = OPEN_TICKET_STATES;

/** Read side for lists and counters; writes go through the ticket lifecycle service. */
export class TicketQueries {
  constructor(private readonly db: Kysely<DB>, private readonly now: () => Date = () => new Date()) {}

  private base() {
    return this.db.selectFrom('tickets as t')
      .leftJoin('divisions as d', 'd.code', 't.district_code')
      .leftJoin('categories as c3', 'c3.id', 't.category_id')
      .leftJoin('categories as c2', 'c2.id', 'c3.parent_id')
      .leftJoin('categories as c1', 'c1.id', 'c2.parent_id')
      .select(['t.id', 't.number', 't.created_at', 't.appeal_type', 't.status', 't.title', 't.phone', 't.confidential',
        'd.name as district', 'c1.name as c1', 'c2.name as c2', 'c3.name as c3']);
  }

  /** Newest first, of the tickets the reader may see; numbers are masked because a list never needs the full number. */
  async recent(limit: number, session: SessionInfo): Promise<TicketListRow[]> {
    const rows = await this.base().where(visibleTickets(ticketScope(session))).orderBy('t.created_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id, number: r.number, createdAt: r.created_at, appealType: r.appeal_type, status: r.status,
      title: r.title, district: r.district ?? '', phone: listPhone(session, r),
      categoryPath: [r.c1, r.c2, r.c3].filter(Boolean).join(' / '),
    }));
  }

  async overview(): Promise<OverviewStats> {
    const now = this.now();
    // "Today" in China: the hotline runs on Beijing time whatever the machine's zone.
    const bj = new Date(now.getTime() + 8 * 3600_000);
    const startOfToday = new Date(Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), bj.getUTCDate()) - 8 * 3600_000).toISOString();
    const count = (rows: { n: number | string | bigint }[]) => Number(rows[0]?.n ?? 0);
    const n = sql<number>`count(*)`.as('n');
    const [today, open, overdue, byStatus, byAppealType, byDistrict] = await Promise.all([
      this.db.selectFrom('tickets').select(n).where('created_at', '>=', startOfToday).execute(),
      this.db.selectFrom('tickets').select(n).where('status', 'in', OPEN_STATUSES).execute(),
      this.db.selectFrom('tickets').select(n).where('status', 'in', OPEN_STATUSES).where('reply_by', '<', now.toISOString()).execute(),
      this.db.selectFrom('tickets').select(['status', n]).groupBy('status').execute(),
      this.db.selectFrom('tickets').select(['appeal_type', n]).groupBy('appeal_type').execute(),
      this.db.selectFrom('tickets as t').innerJoin('divisions as d', 'd.code', 't.district_code')
        .select(['d.name', n]).where('t.status', 'in', OPEN_STATUSES).groupBy('d.name').orderBy('n', 'desc').execute(),
    ]);
    return {
      ticketsToday: count(today), openTickets: count(open), overdueTickets: count(overdue),
      byStatus: byStatus.map((r) => ({ status: r.status, count: Number(r.n) })),
      byAppealType: byAppealType.map((r) => ({ appealType: r.appeal_type, count: Number(r.n) })),
      byDistrict: byDistrict.map((r) => ({ district: r.name, count: Number(r.n) })),
    };
  }

  async counts(): Promise<{ tickets: number; citizens: number; departments: number; users: number }> {
    const n = sql<number>`count(*)`.as('n');
    const [t, c, d, u] = await Promise.all([
      this.db.selectFrom('tickets').select(n).executeTakeFirstOrThrow(),
      this.db.selectFrom('citizens').select(n).executeTakeFirstOrThrow(),
      this.db.selectFrom('departments').select(n).executeTakeFirstOrThrow(),
      this.db.selectFrom('users').select(n).executeTakeFirstOrThrow(),
    ]);
    return { tickets: Number(t.n), citizens: Number(c.n), departments: Number(d.n), users: Number(u.n) };
  }
}

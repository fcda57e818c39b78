import type { OverviewStats, SessionInfo, TicketListRow } from '../../shared/contract';
import { OPEN_TICKET_STATES } from '../../shared/domain/ticket-lifecycle';
import { joinCategoryPath } from '../../shared/domain/taxonomy';
import { chinaDateKey, startOfChinaDay } from '../../shared/domain/china-time';
import { countRows, type Db } from '../store/repos/db';
import { recentTicketRows, ticketOverviewCounts } from '../store/repos/tickets';
import { listPhone, ticketScope } from './ticket-visibility';

/** Read side for lists and counters; writes go through the ticket lifecycle service. */
export class TicketQueries {
  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {}

  /** Newest first, of the tickets the reader may see; numbers are masked because a list never needs the full number. */
  async recent(limit: number, session: SessionInfo): Promise<TicketListRow[]> {
    const rows = await recentTicketRows(this.db, ticketScope(session), limit);
    return rows.map((r) => ({
      id: r.id, number: r.number, createdAt: r.created_at, appealType: r.appeal_type, status: r.status,
      title: r.title, district: r.district ?? '', phone: listPhone(session, r),
      categoryPath: joinCategoryPath([r.c1, r.c2, r.c3]),
    }));
  }

  async overview(): Promise<OverviewStats> {
    const now = this.now();
    // "Today" in China: the hotline runs on Beijing time whatever the machine's zone.
    const startOfToday = startOfChinaDay(chinaDateKey(now)).toISOString();
    const c = await ticketOverviewCounts(this.db, { createdSince: startOfToday, openStates: OPEN_TICKET_STATES, now: now.toISOString() });
    return {
      ticketsToday: c.createdSince, openTickets: c.open, overdueTickets: c.overdue,
      byStatus: c.byStatus, byAppealType: c.byAppealType, byDistrict: c.byDistrict,
    };
  }

  async counts(): Promise<{ tickets: number; citizens: number; departments: number; users: number }> {
    const [tickets, citizens, departments, users] = await Promise.all([
      countRows(this.db, 'tickets'), countRows(this.db, 'citizens'), countRows(this.db, 'departments'), countRows(this.db, 'users'),
    ]);
    return { tickets, citizens, departments, users };
  }
}

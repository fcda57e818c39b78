import type { LeadConsultCounts, LeadConsultQueue, LeadConsultRow, LeadQueue, LeadQueueCounts, LeadQueueRow, LeadRates, SessionInfo } from '../../shared/contract';
import { LEAD_CONSULT_QUEUES, LEAD_QUEUES } from '../../shared/contract/wallboard';
import { chinaDateKey, chinaDayNumber, isoWeekday, keyOfDayNumber, startOfChinaDay } from '../../shared/domain/china-time';
import type { TicketState } from '../../shared/domain/ticket-lifecycle';
import type { Db } from '../store/repos/db';
import { workQueueCount, workQueueRows, type WorkQueueFilter } from '../store/repos/tickets';
import { latestTicketEvents } from '../store/repos/ticket-events';
import { leadConsultCount, leadConsultRows, type LeadConsultFilter } from '../store/repos/wallboard';
import type { MeasureStatus } from '../../shared/domain/consultation';
import type { KpiService } from './kpi';
import type { TicketWorkflowService } from './ticket-workflow';
import { pendingOf } from './ticket-workflow';
import { ticketScope } from './ticket-visibility';

/** States in which a ticket runs against its reply deadline (as the 'overdue' work view). */
const RUNNING: TicketState[] = ['dispatched', 'signed', 'handling', 'extension_requested'];

type Order = 'reply_by' | 'updated_at' | 'created_at' | 'sign_by';

/**
 * The shift lead's queues: each one filter, used both for its figure (one indexed count: status,
 * reply_by) and for the list the figure opens, so the figure is the length of its list.
 */
function queueOf(queue: LeadQueue, session: SessionInfo, now: Date): WorkQueueFilter & { orderBy: Order } {
  const scope = ticketScope(session);
  switch (queue) {
    case 'to_dispatch': return { scope, statuses: ['registered'], orderBy: 'created_at' };
    case 'to_sign': return { scope, statuses: ['dispatched'], orderBy: 'sign_by' };
    case 'due_today': return { scope, statuses: RUNNING, replyFrom: now.toISOString(), replyBefore: startOfChinaDay(keyOfDayNumber(chinaDayNumber(now) + 1)).toISOString(), orderBy: 'reply_by' };
    case 'overdue': return { scope, statuses: RUNNING, replyBefore: now.toISOString(), orderBy: 'reply_by' };
    case 'returns': return { scope, statuses: ['returned'], orderBy: 'updated_at' };
    case 'extensions': return { scope, statuses: ['extension_requested'], orderBy: 'updated_at' };
  }
}

/** Measures still to be carried out: past their due day they are 措施逾期 (as measureDeadlineFlag). */
const OPEN_MEASURES: MeasureStatus[] = ['planned', 'in_progress'];

/** The consultation figures, each one filter for its count and its list (as queueOf). */
function consultQueueOf(queue: LeadConsultQueue, now: Date): LeadConsultFilter {
  switch (queue) {
    case 'unclaimed': return { kind: 'queued', pastClaimAt: null };
    case 'claim_overdue': return { kind: 'queued', pastClaimAt: now.toISOString() };
    case 'measures_overdue': return { kind: 'measures', openStates: OPEN_MEASURES, today: chinaDateKey(now) };
  }
}

/** The longest list a figure opens; a figure above it says the list is cut (the count stays exact). */
export const LEAD_QUEUE_LIMIT = 5000;

export class LeadQueueService {
  constructor(
    private readonly db: Db,
    private readonly workflow: TicketWorkflowService,
    private readonly kpis: KpiService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Every queue's count: six indexed counts, whatever the size of the history. */
  async counts(session: SessionInfo): Promise<LeadQueueCounts> {
    const now = this.now();
    const values = await Promise.all(LEAD_QUEUES.map((q) => workQueueCount(this.db, queueOf(q, session, now))));
    return Object.fromEntries(LEAD_QUEUES.map((q, i) => [q, values[i]!])) as LeadQueueCounts;
  }

  /** The tickets behind one figure, with the version a lead's action is sent back with. */
  async list(queue: LeadQueue, session: SessionInfo): Promise<LeadQueueRow[]> {
    const rows = await workQueueRows(this.db, { ...queueOf(queue, session, this.now()), limit: LEAD_QUEUE_LIMIT });
    const asks = queue === 'extensions' ? await latestTicketEvents(this.db, rows.map((r) => r.id), ['requestExtension']) : new Map();
    const returns = queue === 'returns' ? await latestTicketEvents(this.db, rows.map((r) => r.id), ['returnTicket']) : new Map();
    return rows.map((r) => {
      const ask = asks.get(r.id);
      const ret = returns.get(r.id);
      return {
        id: r.id, number: r.number, createdAt: r.created_at, appealType: r.appeal_type, urgency: r.urgency, status: r.status, title: r.title,
        district: r.district ?? '', leadDepartment: r.dep, leadDepartmentId: r.lead_department_id, signBy: r.sign_by, replyBy: r.reply_by, deadline: this.workflow.deadlineOf(r.reply_by, r.status),
        version: r.version ?? 0,
        pendingExtension: ask?.action === 'requestExtension' ? pendingOf(ask.data) : null,
        returnReason: ret?.action === 'returnTicket' ? ret.data.reason ?? null : null,
      };
    });
  }

  /** The consultation figures: three indexed counts (shift leads and admins see every route). */
  async consultCounts(): Promise<LeadConsultCounts> {
    const now = this.now();
    const values = await Promise.all(LEAD_CONSULT_QUEUES.map((q) => leadConsultCount(this.db, consultQueueOf(q, now))));
    return Object.fromEntries(LEAD_CONSULT_QUEUES.map((q, i) => [q, values[i]!])) as LeadConsultCounts;
  }

  /** The items (or measures) behind one consultation figure, the earliest deadline first. */
  async consultList(queue: LeadConsultQueue): Promise<LeadConsultRow[]> {
    const rows = await leadConsultRows(this.db, consultQueueOf(queue, this.now()), LEAD_QUEUE_LIMIT);
    return rows.map((r) => ({
      key: r.measure_id ? `${r.id}:${r.measure_id}` : r.id, number: r.number, title: r.title, escalatedAt: r.created_at,
      deadline: r.deadline, measure: r.measure ?? null, claimer: r.claimer ?? null,
      itemId: r.id, claimerId: r.claimed_by ?? null, version: r.version,
    }));
  }

  /**
   * 三率 and on-time reply for today, this week (from Monday) and this month so far, each against
   * the same number of days just before it; from the daily counts (kpi_daily), never the history.
   */
  async rates(): Promise<LeadRates> {
    const now = this.now();
    const today = chinaDayNumber(now);
    const key = keyOfDayNumber(today);
    const weekDays = isoWeekday(key);
    const monthDays = Number(key.slice(8, 10));
    const period = async (days: number) => ({
      current: await this.kpis.daysEnding(today, days),
      previous: await this.kpis.daysEnding(today - days, days),
    });
    return { day: await period(1), week: await period(weekDays), month: await period(monthDays) };
  }
}

import type { z } from 'zod';
import {
  consultationChangedAudience, fail, type ConsultationAlert, type ConsultationDetail, type ConsultationRow, type FeedbackRecord,
  type HardCandidate, type LeaderInstruction, type MeasureRow, type MeetingRecord, type MonthlyReport, type ReportDraft,
  type ResearchNote, type ResponsibilityPackage, type SessionInfo, type TicketEscalation, type ConsultationReassign,
} from '../../shared/contract';
import type { escalateInput, measureInput, measureUpdateInput, meetingInput, reportInput, researchInput } from '../../shared/contract/consultation';
import {
  canClaim, canClose, canReassign, canRelease, canSetMeasureStatus, canWork, checkMeasureDeadline, claimDeadline, claimDeadlineFlag,
  deskOfRoles, measureDeadlineFlag, meetingHeld, routeIncludes, stageProgress, type ConsultationRoute, type ConsultationStage, type ConsultationUrgency,
  type MeasureStatus, type RuleResult, type WorkFacts,
} from '../../shared/domain/consultation';
import { maskPhone } from '../../shared/domain/phone';
import { itemCallerVisibility, seesCallerName, seesFullPhone } from '../../shared/domain/caller-privacy';
import { chinaDateKey, chinaMonthRange } from '../../shared/domain/china-time';
import type { ConsultationItemsTable } from '../store/schema';
import { auditTrailOf } from '../store/repos/audit';
import { categoryNode } from '../store/repos/categories';
import * as repo from '../store/repos/consultation';
import { inTransaction, type Db, type Trx } from '../store/repos/db';
import { departmentName, departmentNames } from '../store/repos/departments';
import { userDisplayName, userDisplayNames } from '../store/repos/user-directory';
import { roleNamesOf, userById } from '../store/repos/users';
import { uuidv7 } from '../util/ids';
import type { EventPublisher } from '../events/bus';
import { writeAudit } from './audit';
import { maxNumberSeed, nextNumber } from '../store/counters';
import { appendTicketEvent } from '../store/repos/ticket-events';
import type { DutyRosterService } from './consultation-duty';
import { assertTicketVisible, ticketScope, visibleTickets } from './ticket-visibility';

type Source = ConsultationRow['source'];


/** A broken rule becomes a typed error; `forbidden` for who-may questions, `conflict` for state. */
function enforce(r: RuleResult): void {
  if (r.ok) return;
  const forbidden = ['consultation_wrong_route', 'consultation_not_on_duty', 'consultation_not_claimer', 'consultation_not_lead'];
  const invalid = ['consultation_measure_before_item', 'consultation_invalid_date', 'consultation_drop_reason_required'];
  if (forbidden.includes(r.reason)) fail('forbidden', { details: { reason: r.reason } });
  if (invalid.includes(r.reason)) fail('invalid_input', { details: { reason: r.reason } });
  fail('conflict', { details: { reason: r.reason } });
}

const userOf = (s: SessionInfo) => ({ id: s.user.id, roles: s.user.roles });

/**
 * Who reads an item and its files: shift leads every item; members and experts the items on their
 * desk's route (routes are per role here: 政协委员 → studio, 九三学社 → station; 'both' is both);
 * whoever claimed it; and whoever escalated it (they sent the case and see how it stands).
 */
export function canReadItem(session: SessionInfo, item: { route: string; claimed_by: string | null; created_by: string | null }): boolean {
  const roles = session.user.roles;
  if (roles.includes('shift_lead')) return true;
  if (item.claimed_by === session.user.id || item.created_by === session.user.id) return true;
  return deskOfRoles(roles).some((d) => routeIncludes(item.route as ConsultationRoute, d));
}

/**
 * The consultation queue: escalation from tickets, claim and release, the work recorded on an
 * item and its closing. Every write is one transaction with its audit line; every change is
 * pushed to the desks on the item's route and to shift leads.
 */
export class ConsultationService {
  constructor(
    private readonly db: Db,
    private readonly duty: DutyRosterService,
    private readonly now: () => Date,
    private readonly events: EventPublisher,
  ) {}

  // ---- reading ----

  private async rows(items: ConsultationItemsTable[]): Promise<ConsultationRow[]> {
    if (items.length === 0) return [];
    const ids = items.map((i) => i.id);
    const [links, measures, names] = await Promise.all([repo.ticketLinksOf(this.db, ids), repo.measureStates(this.db, ids), userDisplayNames(this.db)]);
    const now = this.now();
    return items.map((i) => {
      const ms = measures.filter((m) => m.item_id === i.id);
      const flags = ms.map((m) => measureDeadlineFlag({ status: m.status as MeasureStatus, deadline: m.deadline, dropReason: m.drop_reason }, now));
      return {
        id: i.id, number: i.number, createdAt: i.created_at, title: i.title, domain: i.domain, route: i.route as ConsultationRoute,
        urgency: i.urgency as ConsultationUrgency, stage: i.stage as ConsultationStage, source: i.source as Source, claimBy: i.claim_by, claimedAt: i.claimed_at,
        claimFlag: i.stage === 'queued' ? claimDeadlineFlag(new Date(i.claim_by), now) : null,
        claimedByName: i.claimed_by ? names.get(i.claimed_by) ?? null : null,
        ticketCount: links.filter((l) => l.item_id === i.id).length,
        openMeasures: ms.filter((m) => m.status === 'planned' || m.status === 'in_progress').length,
        overdueMeasures: flags.filter((f) => f === 'overdue').length,
      };
    });
  }

  private async item(id: string, db: Db = this.db): Promise<ConsultationItemsTable> {
    return (await repo.itemById(db, id)) ?? fail('not_found');
  }

  async row(id: string): Promise<ConsultationRow> {
    return (await this.rows([await this.item(id)]))[0]!;
  }

  async queue(scope: 'open' | 'mine' | 'all' | 'hard' | 'closed', limit: number, session: SessionInfo): Promise<ConsultationRow[]> {
    // Members and experts see their own route; shift leads see every route.
    const routes: ConsultationRoute[] | null = session.user.roles.includes('shift_lead') ? null : ['both', ...deskOfRoles(session.user.roles)];
    return this.rows(await repo.queueItems(this.db, { scope, userId: session.user.id, routes, limit }));
  }

  /** The item, if this reader may read it; off the route, refused before anything about it is told. */
  private async readable(id: string, session: SessionInfo): Promise<ConsultationItemsTable> {
    const i = await this.item(id);
    if (!canReadItem(session, i)) fail('forbidden', { details: { reason: 'consultation_wrong_route' } });
    return i;
  }

  async detail(id: string, session: SessionInfo): Promise<ConsultationDetail> {
    const i = await this.readable(id, session);
    const callers = itemCallerVisibility({ userId: session.user.id, roles: session.user.roles }, i.claimed_by);
    const [row] = await this.rows([i]);
    const [tickets, records, measures, attachments, names, depts, audit] = await Promise.all([
      repo.itemTickets(this.db, id), repo.itemRecords(this.db, id), repo.itemMeasures(this.db, id), repo.attachmentList(this.db, id),
      userDisplayNames(this.db), departmentNames(this.db), auditTrailOf(this.db, 'consultation_item', id),
    ]);
    const citizens = [...new Set(tickets.map((t) => t.citizen_id).filter((c): c is string => !!c))];
    const history = await repo.otherTicketsOfCitizens(this.db, citizens, tickets.map((t) => t.id));
    const now = this.now();
    const parse = <T>(s: string | null) => (s ? (JSON.parse(s) as T) : null);
    const byKind = (k: string) => records.filter((r) => r.kind === k);
    const user = userOf(session);
    const base = { stage: i.stage as ConsultationStage, claimedBy: i.claimed_by, route: i.route as ConsultationRoute };
    const measureRows: MeasureRow[] = measures.map((m) => ({
      id: m.id, content: m.content, ownerDepartmentId: m.owner_department_id, ownerDepartment: depts.get(m.owner_department_id) ?? '',
      deadline: m.deadline, status: m.status as MeasureStatus, evidence: m.evidence, dropReason: m.drop_reason, updatedAt: m.updated_at,
      flag: measureDeadlineFlag({ status: m.status as MeasureStatus, deadline: m.deadline, dropReason: m.drop_reason }, now),
    }));
    const onDuty = base.stage === 'queued' ? await this.duty.desksOnDuty(session.user.id) : [];
    const progress = stageProgress(this.factsOf(i, records, measures)).steps;
    const timeline = audit.map((a) => ({ at: a.at, actorName: a.actor_id ? names.get(a.actor_id) ?? null : null, action: a.action, data: JSON.parse(a.data) as Record<string, unknown> }));
    return {
      ...row!,
      reason: i.reason, version: i.version, createdByName: i.created_by ? names.get(i.created_by) ?? null : null,
      claimedBy: i.claimed_by, claimedAt: i.claimed_at, closedAt: i.closed_at, closeNote: i.close_note,
      tickets: tickets.map((t) => ({
        id: t.id, number: t.number, title: t.title, status: t.status, createdAt: t.created_at,
        phone: t.phone ? (seesFullPhone(callers, Boolean(t.confidential)) ? t.phone : maskPhone(t.phone)) : null,
        callerName: seesCallerName(callers, Boolean(t.confidential)) ? t.caller_name : null,
      })),
      callerHistory: history.map((h) => ({ ticketId: h.id, number: h.number, createdAt: h.created_at, title: h.title, status: h.status })),
      research: byKind('research').map((r) => ({
        id: r.id, at: r.at, authorName: r.author_id ? names.get(r.author_id) ?? null : null,
        ...(JSON.parse(r.data) as Omit<ResearchNote, 'id' | 'at' | 'authorName' | 'attachments'>),
        attachments: attachments.filter((a) => a.record_id === r.id).map((a) => ({ id: a.id, name: a.name, size: a.size, mime: a.mime })),
      })),
      meetings: byKind('meeting').map((r) => {
        const d = JSON.parse(r.data) as Omit<MeetingRecord, 'id' | 'at' | 'authorName' | 'departments'> & { departmentIds: string[] };
        return {
          id: r.id, at: r.at, authorName: r.author_id ? names.get(r.author_id) ?? null : null, date: d.date, participants: d.participants,
          minutes: d.minutes, decisions: d.decisions, departments: d.departmentIds.map((x) => ({ id: x, name: depts.get(x) ?? x })),
        };
      }),
      feedback: byKind('feedback').map((r) => ({
        id: r.id, at: r.at, authorName: r.author_id ? names.get(r.author_id) ?? null : null, ...(JSON.parse(r.data) as Omit<FeedbackRecord, 'id' | 'at' | 'authorName'>),
      })),
      measures: measureRows,
      package: parse<ResponsibilityPackage>(i.package),
      instruction: parse<LeaderInstruction>(i.instruction),
      report: parse<ReportDraft>(i.report),
      progress,
      timeline,
      allowed: {
        claim: canClaim(base, user, onDuty).ok,
        release: canRelease(base, user).ok,
        work: canWork(base, user).ok,
        close: canWork(base, user).ok && canClose(base, measureRows).ok,
        // Stages move with the work recorded, never by a button.
        next: null,
      },
    };
  }

  /** How a ticket stands in the queue, for whoever may read the ticket. */
  async forTicket(ticketId: string, session: SessionInfo): Promise<TicketEscalation | null> {
    await assertTicketVisible(this.db, session, ticketId);
    const r = await repo.latestItemOfTicket(this.db, ticketId);
    return r ? { itemId: r.id, number: r.number, stage: r.stage as ConsultationStage, route: r.route as ConsultationRoute, claimedByName: r.display_name } : null;
  }

  // ---- escalation ----

  private async nextNumber(trx: Trx, now: Date): Promise<string> {
    const year = chinaDateKey(now).slice(0, 4);
    const prefix = `ZX${year}`;
    const seq = await nextNumber(trx, prefix, maxNumberSeed('consultation_items', prefix, 5));
    return `${prefix}${String(seq).padStart(5, '0')}`;
  }

  /** The policy domain of a ticket: its top-level category (交通运输, 教育文体, 城市管理 …). */
  private async domainOf(ticketId: string): Promise<string> {
    let cat = await repo.ticketCategoryId(this.db, ticketId);
    for (let n = 0; cat && n < 5; n++) {
      const c = await categoryNode(this.db, cat);
      if (!c) break;
      if (!c.parent_id) return c.name;
      cat = c.parent_id;
    }
    return '其他';
  }

  private async create(trx: Trx, input: { ticketIds: string[]; reason: string; route: ConsultationRoute; urgency: ConsultationUrgency; domain: string; title: string; source: Source }, session: SessionInfo, now: Date): Promise<string> {
    const open = await repo.openItemOfTickets(trx, input.ticketIds);
    // The item is named only to who may read it.
    if (open) fail('conflict', { details: { reason: 'consultation_already_escalated', ticket: open.number, ...(canReadItem(session, open) ? { item: open.item } : {}) } });
    const id = uuidv7(now.getTime());
    const number = await this.nextNumber(trx, now);
    await repo.insertItem(trx, {
      id, number, created_at: now.toISOString(), updated_at: now.toISOString(), created_by: session.user.id, source: input.source,
      title: input.title, reason: input.reason, domain: input.domain, route: input.route, urgency: input.urgency, stage: 'queued', version: 1,
      claim_by: claimDeadline(now, input.urgency).toISOString(), claimed_by: null, claimed_at: null,
      package: null, instruction: null, report: null, closed_at: null, close_note: null,
    });
    await repo.linkTickets(trx, id, input.ticketIds);
    for (const t of input.ticketIds) {
      await appendTicketEvent(trx, {
        id: uuidv7(now.getTime()), ticketId: t, at: now.toISOString(), actorId: session.user.id, action: 'escalate',
        fromState: null, toState: null, data: { reason: input.reason, item: number, route: input.route },
      });
    }
    await writeAudit(trx, { actorId: session.user.id, action: 'consultation.escalated', subjectType: 'consultation_item', subjectId: id,
      data: { number, route: input.route, urgency: input.urgency, tickets: input.ticketIds.length, source: input.source } }, now);
    return id;
  }

  private async ticketsExist(ids: string[]) {
    const found = await repo.ticketTitles(this.db, ids);
    if (found.length !== new Set(ids).size) fail('not_found', { details: { reason: 'consultation_ticket_not_found' } });
    return found;
  }

  async escalate(input: z.output<typeof escalateInput>, session: SessionInfo): Promise<ConsultationDetail> {
    const ticketIds = [...new Set(input.ticketIds)];
    const found = await this.ticketsExist(ticketIds);
    const first = found.find((t) => t.id === ticketIds[0])!;
    const domain = input.domain || await this.domainOf(first.id);
    const now = this.now();
    const source: Source = ticketIds.length > 1 && input.source === 'ticket' ? 'class_case' : input.source;
    const id = await inTransaction(this.db, (trx) => this.create(trx, {
      ticketIds, reason: input.reason, route: input.route, urgency: input.urgency, domain, title: input.title || first.title, source,
    }, session, now));
    await this.notify(id, 'created');
    return this.detail(id, session);
  }

  /** Shift leads move hard items (疑难事项) in one batch: one item per ticket; all or none. */
  async transferHard(ticketIds: string[], route: ConsultationRoute, urgency: ConsultationUrgency, reason: string, session: SessionInfo): Promise<ConsultationRow[]> {
    const ids = [...new Set(ticketIds)];
    const found = await this.ticketsExist(ids);
    const domains = new Map<string, string>();
    for (const t of found) domains.set(t.id, await this.domainOf(t.id));
    const now = this.now();
    const created = await inTransaction(this.db, async (trx) => {
      const out: string[] = [];
      for (const t of found) out.push(await this.create(trx, { ticketIds: [t.id], reason, route, urgency, domain: domains.get(t.id)!, title: t.title, source: 'hard_list' }, session, now));
      return out;
    });
    for (const id of created) await this.notify(id, 'created');
    return this.rows(await repo.itemsByIds(this.db, created));
  }

  /** Tickets a shift lead may want to hand over: overdue, reopened, or from callers who keep calling; not yet escalated. */
  async hardCandidates(limit: number, session: SessionInfo): Promise<HardCandidate[]> {
    const nowIso = this.now().toISOString();
    const rows = await repo.unescalatedTickets(this.db, {
      visible: visibleTickets(ticketScope(session)), states: ['reopened'],
      overdueStates: ['dispatched', 'signed', 'handling', 'extension_requested', 'returned'], now: nowIso, limit,
    });
    return rows.map((r) => ({
      id: r.id, number: r.number, title: r.title, status: r.status, createdAt: r.created_at, district: r.district ?? '',
      reason: r.status === 'reopened' ? 'reopened' : 'overdue',
    }));
  }

  // ---- claim and release ----

  async claim(id: string, session: SessionInfo): Promise<ConsultationDetail> {
    // Off the route: refused before anything about the item (who holds it) is told.
    const i = await this.readable(id, session);
    const desks = await this.duty.desksOnDuty(session.user.id);
    if (i.stage !== 'queued') await this.alreadyClaimed(this.db, i.claimed_by);
    enforce(canClaim({ stage: i.stage as ConsultationStage, route: i.route as ConsultationRoute }, userOf(session), desks));
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      // Two members clicking at once: the guarded update lets exactly one through.
      const won = await repo.updateItemIfCurrent(trx, id, { version: i.version, stage: 'queued' },
        { stage: 'claimed', claimed_by: session.user.id, claimed_at: now.toISOString(), updated_at: now.toISOString() });
      if (!won) await this.alreadyClaimed(trx, await repo.itemClaimer(trx, id));
      await this.syncStage(trx, id);
      await writeAudit(trx, { actorId: session.user.id, action: 'consultation.claimed', subjectType: 'consultation_item', subjectId: id, data: { number: i.number } }, now);
    });
    await this.notify(id, 'claimed');
    return this.detail(id, session);
  }

  /** The loser of a claim is told who has the item (the name rides in details). */
  private async alreadyClaimed(db: Db, by: string | null): Promise<never> {
    const name = by ? await userDisplayName(db, by) : undefined;
    fail('conflict', { details: { reason: 'consultation_already_claimed', ...(name ? { claimedBy: name } : {}) } });
  }

  async release(id: string, reason: string | undefined, session: SessionInfo): Promise<ConsultationDetail> {
    const i = await this.readable(id, session);
    enforce(canRelease({ stage: i.stage as ConsultationStage, claimedBy: i.claimed_by }, userOf(session)));
    await this.update(i, { stage: 'queued', claimed_by: null, claimed_at: null }, session, 'consultation.released', { reason: reason ?? '' });
    await this.notify(id, 'released');
    return this.detail(id, session);
  }

  /**
   * 改派: a shift lead hands a claimed item to another member on duty on its route, saying why. The
   * version the lead saw goes with it: an item claimed, released or worked on meanwhile is refused.
   * Both members are told (consultation.changed with `reassign`, to the old and the new claimer).
   */
  async reassign(id: string, input: { toUserId: string; reason: string; expectedVersion: number }, session: SessionInfo): Promise<ConsultationDetail> {
    const i = await this.item(id);
    const target = await userById(this.db, input.toUserId);
    if (!target || target.disabled) fail('invalid_input', { issues: [{ path: 'toUserId', problem: 'unknown' }] });
    if (i.version !== input.expectedVersion) fail('conflict', { details: { reason: 'consultation_stale' } });
    const targetRoles = await roleNamesOf(this.db, target.id);
    const onDuty = await this.duty.desksOnDuty(target.id);
    enforce(canReassign({ stage: i.stage as ConsultationStage, claimedBy: i.claimed_by, route: i.route as ConsultationRoute }, userOf(session), { id: target.id, roles: targetRoles }, onDuty));
    const from = i.claimed_by;
    const now = this.now();
    await this.update(i, { claimed_by: target.id, claimed_at: now.toISOString() }, session, 'consultation.reassigned', { from, to: target.id, reason: input.reason });
    await this.notify(id, 'reassigned', {
      fromUserId: from, fromName: from ? (await userDisplayName(this.db, from)) ?? null : null, toUserId: target.id, toName: target.display_name,
      byName: session.user.displayName, reason: input.reason,
    });
    return this.detail(id, session);
  }

  /** Writes item columns guarded by its version, with the audit line, in one transaction. */
  private async update(i: ConsultationItemsTable, set: Partial<ConsultationItemsTable>, session: SessionInfo, action: string, data: Record<string, unknown>,
    extra?: (trx: Trx) => Promise<void>): Promise<void> {
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      if (!(await repo.updateItemIfCurrent(trx, i.id, { version: i.version }, { ...set, updated_at: now.toISOString() }))) {
        fail('conflict', { details: { reason: 'consultation_stale' } });
      }
      await extra?.(trx);
      await this.syncStage(trx, i.id);
      await writeAudit(trx, { actorId: session.user.id, action, subjectType: 'consultation_item', subjectId: i.id, data: { number: i.number, ...data } }, now);
    });
  }

  /** The facts stage progress is derived from: what has been recorded on the item. */
  private factsOf(i: ConsultationItemsTable, records: readonly { kind: string; data: string }[], measures: readonly { status: string; drop_reason: string | null; deadline: string }[]): WorkFacts {
    const meetings = records.filter((r) => r.kind === 'meeting').map((r) => JSON.parse(r.data) as { minutes?: string; participants?: string; departmentIds?: string[] });
    return {
      claimed: !!i.claimed_by, closed: i.stage === 'closed' || !!i.closed_at,
      researchNotes: records.filter((r) => r.kind === 'research').length,
      meetings: meetings.filter((m) => meetingHeld({ minutes: m.minutes ?? '', participants: m.participants ?? '', departmentCount: m.departmentIds?.length ?? 0 })).length,
      feedback: records.filter((r) => r.kind === 'feedback').length,
      measures: measures.map((m) => ({ status: m.status as MeasureStatus, dropReason: m.drop_reason, deadline: m.deadline })),
      report: !!i.report, instruction: !!i.instruction,
    };
  }

  /** Sets the item's stage from the work recorded on it, in the writer's transaction. */
  private async syncStage(trx: Trx, id: string): Promise<void> {
    const [i, records, measures] = await Promise.all([this.item(id, trx), repo.itemRecords(trx, id), repo.itemMeasures(trx, id)]);
    const { stage } = stageProgress(this.factsOf(i, records, measures));
    if (stage !== i.stage) await repo.setItemStage(trx, id, stage);
  }

  private async workable(id: string, session: SessionInfo): Promise<ConsultationItemsTable> {
    const i = await this.readable(id, session);
    enforce(canWork({ stage: i.stage as ConsultationStage, claimedBy: i.claimed_by }, userOf(session)));
    return i;
  }

  private async record(id: string, kind: 'research' | 'meeting' | 'feedback', data: Record<string, unknown>, session: SessionInfo,
    extra?: (trx: Trx, recordId: string) => Promise<void>): Promise<ConsultationDetail> {
    const i = await this.workable(id, session);
    const now = this.now();
    const recordId = uuidv7(now.getTime());
    await this.update(i, {}, session, `consultation.${kind}_added`, { recordId }, async (trx) => {
      await repo.insertRecord(trx, { id: recordId, item_id: id, kind, at: now.toISOString(), author_id: session.user.id, data: JSON.stringify(data) });
      await extra?.(trx, recordId);
    });
    await this.notify(id, 'updated');
    return this.detail(id, session);
  }

  // ---- work on an item ----

  async advance(id: string, session: SessionInfo): Promise<ConsultationDetail> {
    // A stage is done when its work is recorded; moving it on without the work would show
    // progress that did not happen.
    await this.workable(id, session);
    fail('conflict', { details: { reason: 'consultation_stage_follows_work' } });
  }

  async addResearch(input: z.output<typeof researchInput>, session: SessionInfo): Promise<ConsultationDetail> {
    const files = input.attachments.map((a) => ({ ...a, bytes: Buffer.from(a.base64, 'base64') }));
    if (files.some((f) => f.bytes.length > 4 * 1024 * 1024)) fail('invalid_input', { issues: [{ path: 'attachments', problem: 'too_big' }], details: { reason: 'consultation_attachment_too_big' } });
    const { method, date, place, people, summary } = input;
    return this.record(input.itemId, 'research', { method, date, place, people, summary }, session, async (trx, recordId) => {
      for (const f of files) {
        await repo.insertAttachment(trx, {
          id: uuidv7(this.now().getTime()), item_id: input.itemId, record_id: recordId, name: f.name, mime: f.mime || 'application/octet-stream', size: f.bytes.length, content: f.bytes,
        });
      }
    });
  }

  async attachment(itemId: string, attachmentId: string, session: SessionInfo): Promise<{ name: string; mime: string; base64: string }> {
    await this.readable(itemId, session);
    const a = await repo.attachmentOf(this.db, itemId, attachmentId) ?? fail('not_found');
    return { name: a.name, mime: a.mime, base64: Buffer.from(a.content).toString('base64') };
  }

  /** The department's name; an unknown department is refused as input at `path`. */
  private async departmentNamed(id: string, path: string): Promise<string> {
    const name = await departmentName(this.db, id);
    return name ?? fail('invalid_input', { issues: [{ path, problem: 'unknown' }], details: { reason: 'consultation_unknown_department' } });
  }

  async addMeeting(input: z.output<typeof meetingInput>, session: SessionInfo): Promise<ConsultationDetail> {
    for (const d of input.departmentIds) await this.departmentNamed(d, 'departmentIds');
    const { date, departmentIds, participants, minutes, decisions } = input;
    return this.record(input.itemId, 'meeting', { date, departmentIds: [...new Set(departmentIds)], participants, minutes, decisions }, session);
  }

  async addFeedback(itemId: string, data: Omit<FeedbackRecord, 'id' | 'at' | 'authorName'>, session: SessionInfo): Promise<ConsultationDetail> {
    return this.record(itemId, 'feedback', { ...data }, session);
  }

  async addMeasure(input: z.output<typeof measureInput>, session: SessionInfo): Promise<ConsultationDetail> {
    const i = await this.workable(input.itemId, session);
    enforce(checkMeasureDeadline(input.deadline, new Date(i.created_at)));
    await this.departmentNamed(input.ownerDepartmentId, 'ownerDepartmentId');
    const now = this.now();
    const measureId = uuidv7(now.getTime());
    await this.update(i, {}, session, 'consultation.measure_added',
      { measureId, content: input.content, deadline: input.deadline, owner: input.ownerDepartmentId }, async (trx) => {
        await repo.insertMeasure(trx, {
          id: measureId, item_id: i.id, content: input.content, owner_department_id: input.ownerDepartmentId, deadline: input.deadline,
          status: 'planned', evidence: '', drop_reason: null, created_at: now.toISOString(), updated_at: now.toISOString(),
        });
      });
    await this.notify(i.id, 'updated');
    return this.detail(i.id, session);
  }

  async updateMeasure(input: z.output<typeof measureUpdateInput>, session: SessionInfo): Promise<ConsultationDetail> {
    const i = await this.workable(input.itemId, session);
    const m = await repo.measureOf(this.db, i.id, input.measureId) ?? fail('not_found');
    enforce(canSetMeasureStatus(m.status as MeasureStatus, input.status, input.dropReason));
    const now = this.now();
    await this.update(i, {}, session, 'consultation.measure_updated', { measureId: m.id, content: m.content, from: m.status, to: input.status }, async (trx) => {
      await repo.updateMeasure(trx, m.id, {
        status: input.status, evidence: input.evidence || m.evidence, drop_reason: input.status === 'dropped' ? input.dropReason!.trim() : null, updated_at: now.toISOString(),
      });
    });
    await this.notify(i.id, 'updated');
    return this.detail(i.id, session);
  }

  async setPackage(itemId: string, p: { leader: string; departmentId: string; street: string; community: string }, session: SessionInfo): Promise<ConsultationDetail> {
    const i = await this.workable(itemId, session);
    const department = await this.departmentNamed(p.departmentId, 'departmentId');
    const pkg: ResponsibilityPackage = { leader: p.leader, departmentId: p.departmentId, department, street: p.street, community: p.community };
    await this.update(i, { package: JSON.stringify(pkg) }, session, 'consultation.package_set', { ...pkg });
    await this.notify(i.id, 'updated');
    return this.detail(i.id, session);
  }

  async saveReport(input: z.output<typeof reportInput>, session: SessionInfo): Promise<ConsultationDetail> {
    const i = await this.workable(input.itemId, session);
    const report: ReportDraft = { title: input.title, problem: input.problem, causes: input.causes, suggestions: input.suggestions, figures: input.figures };
    await this.update(i, { report: JSON.stringify(report) }, session, 'consultation.report_saved', { title: input.title });
    await this.notify(i.id, 'updated');
    return this.detail(i.id, session);
  }

  /** The leader's instruction (批示) on the report starts the tracking of its measures. */
  async recordInstruction(itemId: string, ins: LeaderInstruction, session: SessionInfo): Promise<ConsultationDetail> {
    const i = await this.workable(itemId, session);
    await this.update(i, { instruction: JSON.stringify(ins) }, session, 'consultation.instruction_recorded', { leader: ins.leader, date: ins.date });
    await this.notify(i.id, 'updated');
    return this.detail(i.id, session);
  }

  async close(itemId: string, note: string, session: SessionInfo): Promise<ConsultationDetail> {
    const i = await this.workable(itemId, session);
    const measures = await repo.itemMeasures(this.db, i.id);
    const check = canClose({ stage: i.stage as ConsultationStage }, measures.map((m) => ({ status: m.status as MeasureStatus, dropReason: m.drop_reason, deadline: m.deadline })));
    if (!check.ok && check.reason === 'consultation_open_measures') {
      const open = measures.filter((m) => m.status !== 'done' && m.status !== 'dropped').length;
      fail('conflict', { details: { reason: check.reason, open } });
    }
    enforce(check);
    const now = this.now();
    await this.update(i, { stage: 'closed', closed_at: now.toISOString(), close_note: note }, session, 'consultation.closed', { note });
    await this.notify(i.id, 'closed');
    return this.detail(i.id, session);
  }

  // ---- lists, alerts ----

  async monthly(month: string, session: SessionInfo): Promise<MonthlyReport> {
    const { start, end } = chinaMonthRange(month);
    const items = (await repo.itemsCreatedBetween(this.db, start.toISOString(), end.toISOString())).filter((i) => canReadItem(session, i));
    const measures = await repo.measureStates(this.db, items.map((i) => i.id));
    const domains = [...new Set(items.map((i) => i.domain))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
    const rows = domains.map((domain) => {
      const list = items.filter((i) => i.domain === domain);
      const ms = measures.filter((x) => list.some((i) => i.id === x.item_id));
      return {
        domain, items: list.length, closed: list.filter((i) => i.stage === 'closed').length, measures: ms.length,
        measuresDone: ms.filter((x) => x.status === 'done').length,
        list: list.map((i) => ({ id: i.id, number: i.number, title: i.title, stage: i.stage as ConsultationStage })),
      };
    }).sort((a, b) => b.items - a.items);
    return { month, total: items.length, rows };
  }

  /**
   * What a member, expert or shift lead should be told about now: queued items on their route
   * (near or past their claim deadline), and measures of their items near or past the deadline.
   */
  async alerts(session: SessionInfo): Promise<ConsultationAlert[]> {
    const lead = session.user.roles.includes('shift_lead');
    const desks = deskOfRoles(session.user.roles);
    const now = this.now();
    const out: ConsultationAlert[] = [];
    const queued = await repo.queuedItems(this.db, 200);
    for (const q of queued) {
      if (!lead && !desks.some((d) => routeIncludes(q.route as ConsultationRoute, d))) continue;
      const flag = claimDeadlineFlag(new Date(q.claim_by), now);
      out.push({ kind: flag === 'overdue' ? 'claim_overdue' : flag === 'near' ? 'claim_deadline_near' : 'new_item', itemId: q.id, number: q.number, title: q.title, at: q.claim_by });
    }
    for (const m of await repo.measuresDue(this.db, { states: ['planned', 'in_progress'], claimedBy: lead ? null : session.user.id, limit: 500 })) {
      const flag = measureDeadlineFlag({ status: m.status as MeasureStatus, deadline: m.deadline, dropReason: m.drop_reason }, now);
      if (flag === 'overdue' || flag === 'near') {
        out.push({ kind: flag === 'overdue' ? 'measure_overdue' : 'measure_due_soon', itemId: m.id, number: m.number, title: m.title, at: m.deadline, measure: m.content });
      }
    }
    return out;
  }

  private async notify(id: string, kind: 'created' | 'claimed' | 'released' | 'reassigned' | 'updated' | 'closed', reassign?: ConsultationReassign): Promise<void> {
    const raw = await this.item(id);
    const item = (await this.rows([raw]))[0]!;
    // Who hears of it is data (see consultationChangedAudience): the claimer and who escalated the
    // item are facts of the row the payload does not carry, so they go into the audience here.
    const audience = consultationChangedAudience(kind, { route: item.route, claimedBy: raw.claimed_by, createdBy: raw.created_by, previousClaimedBy: reassign?.fromUserId ?? null });
    this.events.publish('consultation.changed', reassign ? { kind, item, reassign } : { kind, item }, audience);
  }
}

import type { z } from 'zod';
import {
  fail, type ClassCaseBlockedMember, type ClassCaseCloseResult, type ClassCaseCounter, type ClassCaseDetail, type ClassCaseMeasure,
  type ClassCaseNotice, type ClassCasePackage, type ClassCaseRow, type SessionInfo,
} from '../../shared/contract';
import type { classCaseCreateInput, classCaseRequests } from '../../shared/contract/class-cases';
import {
  checkCounterValue, matchedTerms, matchesClassCase, memberClosing, normaliseTerms, type ClassCaseMatchRule, type ClassCaseMeasureStatus, type ClassCaseState,
} from '../../shared/domain/class-case';
import type { ConsultationRoute, ConsultationUrgency } from '../../shared/domain/consultation';
import { chinaDateKey } from '../../shared/domain/china-time';
import type { TicketHistoryEvent } from '../../shared/domain/ticket-events';
import type { ticketActionInput } from '../../shared/contract/tickets';
import type { ClassCasesTable } from '../store/schema';
import * as repo from '../store/repos/class-cases';
import { inTransaction, type Db, type Trx } from '../store/repos/db';
import { auditTrailOf } from '../store/repos/audit';
import { categoryNode } from '../store/repos/categories';
import { departmentNames } from '../store/repos/departments';
import { existingDepartmentIds } from '../store/repos/reference';
import { userDisplayNames } from '../store/repos/user-directory';
import { appendTicketEvent, appendTicketEvents } from '../store/repos/ticket-events';
import { nextNumber } from '../store/counters';
import { uuidv7 } from '../util/ids';
import { writeAudit } from './audit';
import { ticketScope } from './ticket-visibility';

type TicketAction = z.output<typeof ticketActionInput>;
type Input<N extends keyof typeof classCaseRequests> = z.output<(typeof classCaseRequests)[N]['input']>;

/** What the class cases need of the rest of main: a member's lifecycle, and the consultation queue. */
export interface ClassCasePorts {
  /** The member's current lifecycle version and state (null: no such ticket). */
  ticketState(ticketId: string): Promise<{ version: number; state: string } | null>;
  /** One lifecycle action on a member, as the given user (the ticket workflow's `act`). */
  actOnTicket(ticketId: string, version: number, action: TicketAction, session: SessionInfo): Promise<void>;
  /** Puts tickets on the consultation queue as one item; returns the item's id. */
  escalate(input: { ticketIds: string[]; reason: string; route: ConsultationRoute; urgency: ConsultationUrgency; title: string; domain?: string }, session: SessionInfo): Promise<string>;
}

const MEMBER_PAGE = 500;
/** The consultation item links at most this many members (the queue's own limit per item). */
const ESCALATE_TICKETS = 50;
const ALL_READERS = ['shift_lead', 'cppcc_member', 'admin'] as const;

/**
 * Class cases (类案): a set of tickets about one problem run as one rectification project. Created
 * from hand-picked tickets or a hotspot; a responsibility package (包保), measures, progress counters,
 * one reply to every member, automatic attachment of new matching tickets, closing through each
 * member's lifecycle, and a hand-over to the consultation queue. Writes to the case are guarded by
 * its version (two shift leads editing at once: the second is told, nothing is overwritten).
 */
export class ClassCaseService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly ports: ClassCasePorts,
  ) {}

  // ---- reading ----

  private async case(id: string, db: Db = this.db): Promise<ClassCasesTable> {
    return (await repo.classCaseById(db, id)) ?? fail('not_found');
  }

  private static parsePackage(s: string | null): { leadDepartmentId: string; person: string; coDepartmentIds: string[] } | null {
    return s ? (JSON.parse(s) as { leadDepartmentId: string; person: string; coDepartmentIds: string[] }) : null;
  }

  /**
   * Who reads a case: shift leads, CPPCC members and admins every case; a department liaison the
   * cases its department answers for (包保 lead or co-department, owner of a measure or counter) or
   * whose member tickets were dispatched to it. Others: the case does not exist for them.
   */
  private async canRead(session: SessionInfo, c: ClassCasesTable): Promise<boolean> {
    if (session.user.roles.some((r) => (ALL_READERS as readonly string[]).includes(r))) return true;
    const dept = session.user.departmentId;
    if (!session.user.roles.includes('department') || !dept) return false;
    const pkg = ClassCaseService.parsePackage(c.package);
    if (pkg && (pkg.leadDepartmentId === dept || pkg.coDepartmentIds.includes(dept))) return true;
    const [measures, counters] = await Promise.all([repo.classCaseMeasures(this.db, c.id), repo.classCaseCounters(this.db, [c.id])]);
    if (measures.some((m) => m.owner_department_id === dept) || counters.some((k) => k.owner_department_id === dept)) return true;
    return repo.departmentOnTickets(this.db, c.id, dept);
  }

  private async readable(id: string, session: SessionInfo): Promise<ClassCasesTable> {
    const c = await this.case(id);
    if (!(await this.canRead(session, c))) fail('not_found');
    return c;
  }

  private counterView(k: Awaited<ReturnType<typeof repo.classCaseCounters>>[number], depts: Map<string, string>, session: SessionInfo, open: boolean): ClassCaseCounter {
    return {
      id: k.id, label: k.label, unit: k.unit, target: k.target, value: k.value, ownerDepartmentId: k.owner_department_id,
      ownerDepartment: depts.get(k.owner_department_id) ?? '', version: k.version, updatedAt: k.updated_at,
      canUpdate: open && this.mayUpdateOwned(session, k.owner_department_id),
    };
  }

  private mayUpdateOwned(session: SessionInfo, ownerDepartmentId: string): boolean {
    return session.user.roles.includes('shift_lead') || (session.user.roles.includes('department') && session.user.departmentId === ownerDepartmentId);
  }

  private async rows(cases: ClassCasesTable[], session: SessionInfo): Promise<ClassCaseRow[]> {
    if (cases.length === 0) return [];
    const ids = cases.map((c) => c.id);
    const [counts, counters, depts] = await Promise.all([repo.classCaseMemberCounts(this.db, ids), repo.classCaseCounters(this.db, ids), departmentNames(this.db)]);
    const out: ClassCaseRow[] = [];
    for (const c of cases) {
      const pkg = ClassCaseService.parsePackage(c.package);
      out.push({
        id: c.id, number: c.number, title: c.title, state: c.state as ClassCaseState, source: c.source as ClassCaseRow['source'], createdAt: c.created_at,
        category: c.category_id ? (await categoryNode(this.db, c.category_id))?.name ?? null : null,
        area: c.area_code ? await repo.divisionName(this.db, c.area_code) : null,
        terms: JSON.parse(c.terms) as string[],
        members: counts.get(c.id)?.members ?? 0, finished: counts.get(c.id)?.finished ?? 0,
        counters: counters.filter((k) => k.class_case_id === c.id).map((k) => this.counterView(k, depts, session, c.state === 'open')),
        leadDepartment: pkg ? depts.get(pkg.leadDepartmentId) ?? null : null,
      });
    }
    return out;
  }

  private timelineData(raw: string, session: SessionInfo): Record<string, unknown> {
    const data = JSON.parse(raw) as Record<string, unknown>;
    if (ticketScope(session).kind === 'all') return data;
    const { blocked: _b, ticket: _t, item: _i, ...rest } = data;
    return rest;
  }

  async list(state: 'open' | 'closed' | 'all', limit: number, session: SessionInfo): Promise<ClassCaseRow[]> {
    const cases = await repo.classCaseList(this.db, state === 'all' ? null : state, limit);
    const readable: ClassCasesTable[] = [];
    for (const c of cases) if (await this.canRead(session, c)) readable.push(c);
    return this.rows(readable, session);
  }

  async detail(id: string, session: SessionInfo): Promise<ClassCaseDetail> {
    const c = await this.readable(id, session);
    const [row] = await this.rows([c], session);
    const [measures, depts, members, audit, names] = await Promise.all([
      repo.classCaseMeasures(this.db, id), departmentNames(this.db), repo.classCaseMemberRows(this.db, id, ticketScope(session), MEMBER_PAGE),
      auditTrailOf(this.db, 'class_case', id), userDisplayNames(this.db),
    ]);
    const pkg = ClassCaseService.parsePackage(c.package);
    const today = chinaDateKey(this.now());
    const open = c.state === 'open';
    const item = c.consultation_item_id ? await repo.consultationItemRef(this.db, c.consultation_item_id) : undefined;
    const packageView: ClassCasePackage | null = pkg ? {
      leadDepartmentId: pkg.leadDepartmentId, leadDepartment: depts.get(pkg.leadDepartmentId) ?? '', person: pkg.person,
      coDepartments: pkg.coDepartmentIds.map((d) => ({ id: d, name: depts.get(d) ?? d })),
    } : null;
    return {
      ...row!,
      version: c.version, categoryId: c.category_id, areaCode: c.area_code, package: packageView,
      measures: measures.map((m): ClassCaseMeasure => ({
        id: m.id, content: m.content, ownerDepartmentId: m.owner_department_id, ownerDepartment: depts.get(m.owner_department_id) ?? '',
        deadline: m.deadline, status: m.status as ClassCaseMeasureStatus, version: m.version, updatedAt: m.updated_at,
        overdue: m.status !== 'done' && m.deadline < today, canUpdate: open && this.mayUpdateOwned(session, m.owner_department_id),
      })),
      reply: c.reply, repliedAt: c.replied_at, closedAt: c.closed_at, closeNote: c.close_note,
      memberList: members.map((t) => ({
        id: t.id, number: t.number, title: t.title, status: t.status, createdAt: t.created_at, district: t.district ?? '', leadDepartment: t.dep, auto: t.auto === 1,
      })),
      consultation: item ? { itemId: item.id, number: item.number, stage: item.stage } : null,
      // A department reads the case's story, not the numbers of members it may not see.
      timeline: audit.map((a) => ({ at: a.at, actorName: a.actor_id ? names.get(a.actor_id) ?? null : null, action: a.action, data: this.timelineData(a.data, session) })),
      allowed: { manage: open && session.user.roles.includes('shift_lead') },
    };
  }

  // ---- creating ----

  private async nextNumber(trx: Trx, now: Date): Promise<string> {
    const prefix = `LA${chinaDateKey(now).slice(0, 4)}`;
    return `${prefix}${String(await nextNumber(trx, prefix)).padStart(4, '0')}`;
  }

  private async checkRule(categoryId: string | null, areaCode: string | null): Promise<void> {
    if (categoryId && !(await categoryNode(this.db, categoryId))) fail('invalid_input', { issues: [{ path: 'categoryId', problem: 'unknown' }] });
    if (areaCode && !(await repo.divisionName(this.db, areaCode))) fail('invalid_input', { issues: [{ path: 'areaCode', problem: 'unknown' }] });
  }

  private async checkTickets(ids: string[]): Promise<void> {
    if (ids.length === 0) fail('invalid_input', { details: { reason: 'class_case_no_members' } });
    const found = await repo.existingTicketIds(this.db, ids);
    if (found.length !== ids.length) fail('not_found', { details: { reason: 'class_case_ticket_not_found' } });
  }

  private attachEvents(ticketIds: readonly string[], number: string, auto: boolean, actorId: string | null, now: Date): TicketHistoryEvent[] {
    return ticketIds.map((ticketId) => ({
      id: uuidv7(now.getTime()), ticketId, at: now.toISOString(), actorId, action: 'classCaseAttach', fromState: null, toState: null,
      data: { classCase: number, auto },
    }));
  }

  /**
   * A class case from a set of tickets: picked by hand in ticket search, or a hotspot's tickets
   * with its title, key terms, area and category (the hotspot engine's promotion is this call).
   */
  async create(input: z.output<typeof classCaseCreateInput>, session: SessionInfo): Promise<ClassCaseDetail> {
    const ticketIds = [...new Set(input.ticketIds)];
    await this.checkTickets(ticketIds);
    await this.checkRule(input.categoryId, input.areaCode);
    const now = this.now();
    const id = uuidv7(now.getTime());
    await inTransaction(this.db, async (trx) => {
      const number = await this.nextNumber(trx, now);
      await repo.insertClassCase(trx, {
        id, number, created_at: now.toISOString(), updated_at: now.toISOString(), created_by: session.user.id, source: input.source,
        title: input.title, state: 'open', version: 1, category_id: input.categoryId, area_code: input.areaCode,
        terms: JSON.stringify(normaliseTerms(input.terms)), package: null, reply: null, replied_at: null,
        consultation_item_id: null, closed_at: null, close_note: null,
      });
      await repo.addClassCaseMembers(trx, id, ticketIds, now.toISOString(), false);
      await appendTicketEvents(trx, this.attachEvents(ticketIds, number, false, session.user.id, now));
      await writeAudit(trx, { actorId: session.user.id, action: 'classCase.created', subjectType: 'class_case', subjectId: id,
        data: { number, source: input.source, members: ticketIds.length } }, now);
    });
    return this.detail(id, session);
  }

  // ---- changing the case ----

  /** Runs a guarded change of an open case: the case row moves to the next version or the caller is told of the conflict. */
  private async change(id: string, expectedVersion: number, session: SessionInfo, body: (trx: Trx, c: ClassCasesTable, now: Date) => Promise<Record<string, unknown>>, action: string, set: (c: ClassCasesTable) => Partial<ClassCasesTable> = () => ({})): Promise<ClassCaseDetail> {
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      const c = await this.case(id, trx);
      if (c.state !== 'open') fail('conflict', { details: { reason: 'class_case_closed' } });
      if (c.version !== expectedVersion) fail('conflict', { details: { reason: 'class_case_stale' } });
      const data = await body(trx, c, now);
      if (!(await repo.updateClassCaseIfCurrent(trx, id, expectedVersion, { updated_at: now.toISOString(), ...set(c) }))) {
        fail('conflict', { details: { reason: 'class_case_stale' } });
      }
      await writeAudit(trx, { actorId: session.user.id, action, subjectType: 'class_case', subjectId: id, data }, now);
    });
    return this.detail(id, session);
  }

  async addMembers(i: Input<'classCases.addMembers'>, session: SessionInfo): Promise<ClassCaseDetail> {
    const ids = [...new Set(i.ticketIds)];
    await this.checkTickets(ids);
    return this.change(i.id, i.expectedVersion, session, async (trx, c, now) => {
      const added = await repo.addClassCaseMembers(trx, c.id, ids, now.toISOString(), false);
      await appendTicketEvents(trx, this.attachEvents(added, c.number, false, session.user.id, now));
      return { added: added.length };
    }, 'classCase.membersAdded');
  }

  async setRule(i: Input<'classCases.setRule'>, session: SessionInfo): Promise<ClassCaseDetail> {
    await this.checkRule(i.categoryId, i.areaCode);
    const terms = normaliseTerms(i.terms);
    return this.change(i.id, i.expectedVersion, session, async () => ({ terms, categoryId: i.categoryId, areaCode: i.areaCode }), 'classCase.ruleSet',
      () => ({ terms: JSON.stringify(terms), category_id: i.categoryId, area_code: i.areaCode }));
  }

  private async departmentsExist(ids: string[], path: string): Promise<void> {
    const found = await existingDepartmentIds(this.db, ids);
    if (found.length !== new Set(ids).size) fail('invalid_input', { issues: [{ path, problem: 'unknown' }] });
  }

  async setPackage(i: Input<'classCases.setPackage'>, session: SessionInfo): Promise<ClassCaseDetail> {
    const co = [...new Set(i.coDepartmentIds)].filter((d) => d !== i.leadDepartmentId);
    await this.departmentsExist([i.leadDepartmentId], 'leadDepartmentId');
    await this.departmentsExist(co, 'coDepartmentIds');
    const pkg = { leadDepartmentId: i.leadDepartmentId, person: i.person, coDepartmentIds: co };
    return this.change(i.id, i.expectedVersion, session, async () => pkg, 'classCase.packageSet', () => ({ package: JSON.stringify(pkg) }));
  }

  async addMeasure(i: Input<'classCases.addMeasure'>, session: SessionInfo): Promise<ClassCaseDetail> {
    await this.departmentsExist([i.ownerDepartmentId], 'ownerDepartmentId');
    if (i.deadline < chinaDateKey(this.now())) fail('invalid_input', { issues: [{ path: 'deadline', problem: 'in_past' }] });
    return this.change(i.id, i.expectedVersion, session, async (trx, c, now) => {
      const mid = uuidv7(now.getTime());
      await repo.insertClassCaseMeasure(trx, {
        id: mid, class_case_id: c.id, content: i.content, owner_department_id: i.ownerDepartmentId, deadline: i.deadline, status: 'planned', version: 1, updated_at: now.toISOString(),
      });
      return { measure: mid, content: i.content, deadline: i.deadline };
    }, 'classCase.measureAdded');
  }

  async addCounter(i: Input<'classCases.addCounter'>, session: SessionInfo): Promise<ClassCaseDetail> {
    await this.departmentsExist([i.ownerDepartmentId], 'ownerDepartmentId');
    const check = checkCounterValue(i.value, i.target);
    if (!check.ok) fail('invalid_input', { issues: [{ path: 'value', problem: check.reason }] });
    return this.change(i.id, i.expectedVersion, session, async (trx, c, now) => {
      const kid = uuidv7(now.getTime());
      await repo.insertClassCaseCounter(trx, {
        id: kid, class_case_id: c.id, label: i.label, unit: i.unit, target: i.target, value: i.value, owner_department_id: i.ownerDepartmentId, version: 1, updated_at: now.toISOString(),
      });
      return { counter: kid, label: i.label, target: i.target, value: i.value };
    }, 'classCase.counterAdded');
  }

  /** Progress from the owner department or a shift lead; guarded by the counter's own version, audited with before and after. */
  async updateCounter(i: Input<'classCases.updateCounter'>, session: SessionInfo): Promise<ClassCaseDetail> {
    const c = await this.readable(i.id, session);
    if (c.state !== 'open') fail('conflict', { details: { reason: 'class_case_closed' } });
    const k = (await repo.classCaseCounters(this.db, [c.id])).find((x) => x.id === i.counterId) ?? fail('not_found');
    if (!this.mayUpdateOwned(session, k.owner_department_id)) fail('forbidden', { details: { reason: 'class_case_not_owner' } });
    const check = checkCounterValue(i.value, k.target);
    if (!check.ok) fail('invalid_input', { issues: [{ path: 'value', problem: check.reason }] });
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      if (!(await repo.updateClassCaseCounterIfCurrent(trx, k.id, c.id, i.expectedVersion, { value: i.value, updated_at: now.toISOString() }))) {
        fail('conflict', { details: { reason: 'class_case_counter_stale' } });
      }
      await writeAudit(trx, { actorId: session.user.id, action: 'classCase.counterUpdated', subjectType: 'class_case', subjectId: c.id,
        data: { counter: k.id, label: k.label, from: k.value, to: i.value, target: k.target } }, now);
    });
    return this.detail(c.id, session);
  }

  async updateMeasure(i: Input<'classCases.updateMeasure'>, session: SessionInfo): Promise<ClassCaseDetail> {
    const c = await this.readable(i.id, session);
    if (c.state !== 'open') fail('conflict', { details: { reason: 'class_case_closed' } });
    const m = (await repo.classCaseMeasures(this.db, c.id)).find((x) => x.id === i.measureId) ?? fail('not_found');
    if (!this.mayUpdateOwned(session, m.owner_department_id)) fail('forbidden', { details: { reason: 'class_case_not_owner' } });
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      if (!(await repo.updateClassCaseMeasureIfCurrent(trx, m.id, c.id, i.expectedVersion, { status: i.status, updated_at: now.toISOString() }))) {
        fail('conflict', { details: { reason: 'class_case_measure_stale' } });
      }
      await writeAudit(trx, { actorId: session.user.id, action: 'classCase.measureUpdated', subjectType: 'class_case', subjectId: c.id,
        data: { measure: m.id, from: m.status, to: i.status } }, now);
    });
    return this.detail(c.id, session);
  }

  /** The reply entries for every member, in the caller's transaction. */
  private async replyToMembers(trx: Trx, c: ClassCasesTable, content: string, session: SessionInfo, now: Date): Promise<number> {
    const members = await repo.classCaseMemberStates(trx, c.id);
    await appendTicketEvents(trx, members.map((t) => ({
      id: uuidv7(now.getTime()), ticketId: t.id, at: now.toISOString(), actorId: session.user.id, action: 'classCaseReply' as const,
      fromState: null, toState: null, data: { classCase: c.number, content },
    })));
    return members.length;
  }

  /** One reply to every member: each member's history gets it as its 类案答复 entry, in one transaction. */
  async reply(i: Input<'classCases.reply'>, session: SessionInfo): Promise<ClassCaseDetail> {
    return this.change(i.id, i.expectedVersion, session, async (trx, c, now) => ({ members: await this.replyToMembers(trx, c, i.content, session, now) }),
      'classCase.replied', () => ({ reply: i.content, replied_at: this.now().toISOString() }));
  }

  /**
   * Closes the case, then each member through its own lifecycle: a registered ticket is resolved
   * directly with the case's reply, a reviewed or screened one is closed, a finished one is left;
   * a member still with a department (or merged) cannot be closed from here and is listed in the
   * answer and the audit line. The case is marked closed first (guarded by its version), so two
   * shift leads closing at once close the members once.
   */
  async close(i: Input<'classCases.close'>, session: SessionInfo): Promise<ClassCaseCloseResult> {
    const before = await this.case(i.id);
    const reply = i.reply ?? before.reply;
    if (!reply) fail('invalid_input', { details: { reason: 'class_case_reply_required' } });
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      const c = await this.case(i.id, trx);
      if (c.state !== 'open') fail('conflict', { details: { reason: 'class_case_closed' } });
      if (c.version !== i.expectedVersion) fail('conflict', { details: { reason: 'class_case_stale' } });
      const replied = i.reply ? await this.replyToMembers(trx, c, i.reply, session, now) : 0;
      const set: Partial<ClassCasesTable> = { state: 'closed', closed_at: now.toISOString(), close_note: i.note, updated_at: now.toISOString() };
      if (i.reply) Object.assign(set, { reply: i.reply, replied_at: now.toISOString() });
      if (!(await repo.updateClassCaseIfCurrent(trx, c.id, i.expectedVersion, set))) fail('conflict', { details: { reason: 'class_case_stale' } });
      if (i.reply) await writeAudit(trx, { actorId: session.user.id, action: 'classCase.replied', subjectType: 'class_case', subjectId: c.id, data: { members: replied } }, now);
    });
    let closed = 0;
    let alreadyFinished = 0;
    const blocked: ClassCaseBlockedMember[] = [];
    for (const m of await repo.classCaseMemberStates(this.db, i.id)) {
      const s = await this.ports.ticketState(m.id);
      const how = s ? memberClosing(s.state as Parameters<typeof memberClosing>[0]) : 'blocked';
      if (how === 'already_finished') { alreadyFinished++; continue; }
      if (how === 'blocked' || !s) { blocked.push({ id: m.id, number: m.number, status: s?.state ?? m.status }); continue; }
      const action: TicketAction = how === 'resolve_directly' ? { type: 'resolveDirectly', summary: reply } : { type: 'close', reason: `类案${before.number}办结：${i.note}` };
      try {
        await this.ports.actOnTicket(m.id, s.version, action, session);
        closed++;
      } catch {
        // Changed by someone else meanwhile, or refused by its lifecycle: listed, never skipped silently.
        const now2 = await this.ports.ticketState(m.id);
        blocked.push({ id: m.id, number: m.number, status: now2?.state ?? m.status });
      }
    }
    await inTransaction(this.db, (trx) => writeAudit(trx, { actorId: session.user.id, action: 'classCase.closed', subjectType: 'class_case', subjectId: i.id,
      data: { note: i.note, closed, alreadyFinished, blocked: blocked.map((b) => b.number) } }, this.now()));
    return { detail: await this.detail(i.id, session), closed, alreadyFinished, blocked };
  }

  /** Hands the case to the consultation queue: one item with its newest members not already on the queue. */
  async escalate(i: Input<'classCases.escalate'>, session: SessionInfo): Promise<ClassCaseDetail> {
    const c = await this.case(i.id);
    if (c.state !== 'open') fail('conflict', { details: { reason: 'class_case_closed' } });
    if (c.version !== i.expectedVersion) fail('conflict', { details: { reason: 'class_case_stale' } });
    if (c.consultation_item_id) {
      const item = await repo.consultationItemRef(this.db, c.consultation_item_id);
      if (item && item.stage !== 'closed') fail('conflict', { details: { reason: 'class_case_already_escalated' } });
    }
    const members = (await repo.classCaseMemberStates(this.db, c.id)).reverse();
    const onQueue = await repo.ticketsInOpenItems(this.db, members.map((m) => m.id));
    const ticketIds = members.filter((m) => !onQueue.has(m.id)).slice(0, ESCALATE_TICKETS).map((m) => m.id);
    if (ticketIds.length === 0) fail('conflict', { details: { reason: 'class_case_members_on_queue' } });
    const domain = c.category_id ? await this.topCategoryName(c.category_id) : undefined;
    const itemId = await this.ports.escalate({ ticketIds, reason: `类案${c.number}：${i.reason}`, route: i.route, urgency: i.urgency, title: c.title, domain }, session);
    return this.change(c.id, i.expectedVersion, session, async () => ({ item: itemId, tickets: ticketIds.length }), 'classCase.escalated', () => ({ consultation_item_id: itemId }));
  }

  private async topCategoryName(categoryId: string): Promise<string | undefined> {
    const parents = await repo.categoryParents(this.db);
    let id = categoryId;
    for (let n = 0; n < 6 && parents.get(id); n++) id = parents.get(id)!;
    return (await categoryNode(this.db, id))?.name;
  }

  // ---- matching new tickets ----

  private static pathOf(parents: Map<string, string | null>, categoryId: string | null | undefined): string[] {
    const path: string[] = [];
    for (let id = categoryId ?? null, n = 0; id && n < 6; id = parents.get(id) ?? null, n++) path.push(id);
    return path;
  }

  private static ruleOf(r: { category_id: string | null; area_code: string | null; terms: string }): ClassCaseMatchRule {
    return { categoryId: r.category_id, areaCode: r.area_code, terms: JSON.parse(r.terms) as string[] };
  }

  /** Open class cases covering what an agent is typing (the notice in the intake form). */
  async matchIntake(i: Input<'classCases.matchIntake'>): Promise<ClassCaseNotice[]> {
    const rules = await repo.openClassCaseRules(this.db);
    if (rules.length === 0 || !i.text.trim()) return [];
    const parents = await repo.categoryParents(this.db);
    const candidate = { categoryPath: ClassCaseService.pathOf(parents, i.categoryId), divisionCodes: [i.communityCode ?? null, i.streetCode ?? null, i.districtCode ?? null], text: i.text };
    // While the agent has not chosen a category or area yet, those parts of a rule are not held against the text.
    const hits = rules.filter((r) => {
      const rule = ClassCaseService.ruleOf(r);
      return matchesClassCase({ ...rule, categoryId: i.categoryId ? rule.categoryId : null, areaCode: i.districtCode ? rule.areaCode : null }, candidate);
    });
    if (hits.length === 0) return [];
    const counts = await repo.classCaseMemberCounts(this.db, hits.map((h) => h.id));
    const out: ClassCaseNotice[] = [];
    for (const h of hits) {
      const c = await this.case(h.id);
      out.push({ id: h.id, number: h.number, title: h.title, terms: matchedTerms(ClassCaseService.ruleOf(h), i.text), members: counts.get(h.id)?.members ?? 0, reply: c.reply });
    }
    return out;
  }

  /**
   * Attaches a newly registered ticket to every open class case whose rule it matches, each with
   * its 归入类案 history entry; returns the numbers of the cases it joined.
   */
  async attachIfMatching(ticketId: string): Promise<string[]> {
    const rules = await repo.openClassCaseRules(this.db);
    if (rules.length === 0) return [];
    const t = await repo.ticketMatchFacts(this.db, ticketId);
    if (!t) return [];
    const parents = await repo.categoryParents(this.db);
    const candidate = { categoryPath: ClassCaseService.pathOf(parents, t.category_id), divisionCodes: [t.community_code, t.street_code, t.district_code], text: `${t.title}\n${t.content}` };
    const hits = rules.filter((r) => matchesClassCase(ClassCaseService.ruleOf(r), candidate));
    if (hits.length === 0) return [];
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      for (const h of hits) {
        const added = await repo.addClassCaseMembers(trx, h.id, [ticketId], now.toISOString(), true);
        if (added.length === 0) continue;
        await appendTicketEvent(trx, this.attachEvents(added, h.number, true, null, now)[0]!);
        await writeAudit(trx, { actorId: null, action: 'classCase.autoAttached', subjectType: 'class_case', subjectId: h.id, data: { ticket: ticketId } }, now);
      }
    });
    return hits.map((h) => h.number);
  }
}

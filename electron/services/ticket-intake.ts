import type { Kysely } from 'kysely';
import { fail, type ReferenceData, type SessionInfo, type TicketDetail } from '../../shared/contract';
import type { ticketCreateInput } from '../../shared/contract/tickets';
import { ANSWERED_TICKET_STATES, FINISHED_TICKET_STATES, applyTicketAction, registerTicket, type TicketActor, type TicketEvent, type TicketSnapshot } from '../../shared/domain/ticket-lifecycle';
import { normalizePhone } from '../../shared/domain/phone';
import type { WorkingDayCalendar } from '../../shared/domain/working-days';
import type { z } from 'zod';
import type { DB } from '../store/schema';
import { uuidv7 } from '../util/ids';
import { writeAudit } from './audit';
import { loadSnapshot, type TicketWorkflowService } from './ticket-workflow';
import { indexTicket } from '../search';
import { categoryPaths } from '../../shared/domain/taxonomy';
import { setPendingCallLink } from './call-links';
import { citizenView, ticketScope, visibleTickets } from './ticket-visibility';
import { maxNumberSeed, nextNumber } from '../store/counters';
import { appendTicketEvent, ticketTimeline } from '../store/repos/ticket-events';

type CreateInput = z.output<typeof ticketCreateInput>;

/** States of a ticket that a new appeal can name as its earlier ticket (重复来电 / 重办). */
const REPEATABLE_STATES = new Set<string>([...ANSWERED_TICKET_STATES, ...FINISHED_TICKET_STATES]);

const actorOf = (s: SessionInfo): TicketActor => ({ userId: s.user.id, roles: s.user.roles, departmentId: s.user.departmentId });

/** Human ticket number: prefix, Beijing date, sequence of the day (JC2026112800001). */
function numberPrefix(now: Date): string {
  const bj = new Date(now.getTime() + 8 * 3600_000);
  return `JC${bj.getUTCFullYear()}${String(bj.getUTCMonth() + 1).padStart(2, '0')}${String(bj.getUTCDate()).padStart(2, '0')}`;
}

/**
 * Registers appeals (接诉即办 intake). One transaction writes the ticket, its lifecycle snapshot,
 * its timeline events, the citizen, the link to the call, the audit line and drops the form's
 * draft: either all of it is saved or none.
 */
export class TicketIntakeService {
  private reference: ReferenceData | null = null;
  /** Category paths of the cached reference data (every ticket detail shows one). */
  private paths = new Map<string, string>();

  constructor(private readonly db: Kysely<DB>, private readonly calendar: () => WorkingDayCalendar, private readonly now: () => Date = () => new Date()) {}

  async referenceData(): Promise<ReferenceData> {
    if (this.reference) return this.reference;
    const [categories, divisions, departments] = await Promise.all([
      this.db.selectFrom('categories').selectAll().orderBy('code').execute(),
      this.db.selectFrom('divisions').selectAll().orderBy('code').execute(),
      this.db.selectFrom('departments').selectAll().orderBy('code').execute(),
    ]);
    this.reference = {
      categories: categories.map((c) => ({ id: c.id, code: c.code, name: c.name, level: c.level, parentId: c.parent_id })),
      divisions: divisions.map((d) => ({ code: d.code, name: d.name, level: d.level, parentCode: d.parent_code, retired: d.retired === 1 })),
      departments: departments.map((d) => ({ id: d.id, code: d.code, name: d.name, kind: d.kind, districtCode: d.district_code })),
    };
    this.paths = categoryPaths(this.reference.categories);
    return this.reference;
  }

  /** Reference data changed (admin edit, import): the next read reloads it. */
  invalidateReference(): void {
    this.reference = null;
  }

  private async validate(input: CreateInput): Promise<{ phone: string | null; repeatOf: { id: string; number: string } | null }> {
    const ref = await this.referenceData();
    const issues: { path: string; problem: string }[] = [];
    const cat = ref.categories.find((c) => c.id === input.categoryId);
    if (!cat) issues.push({ path: 'categoryId', problem: 'unknown' });
    else if (ref.categories.some((c) => c.parentId === cat.id)) issues.push({ path: 'categoryId', problem: 'not_leaf' });
    const division = (code: string | undefined) => (code ? ref.divisions.find((d) => d.code === code) : undefined);
    const district = division(input.districtCode);
    const street = division(input.streetCode);
    const community = division(input.communityCode);
    if (input.districtCode && district?.level !== 1) issues.push({ path: 'districtCode', problem: 'unknown' });
    if (input.streetCode && (street?.level !== 2 || street.parentCode !== input.districtCode)) issues.push({ path: 'streetCode', problem: 'not_in_parent' });
    if (input.communityCode && (community?.level !== 3 || community.parentCode !== input.streetCode)) issues.push({ path: 'communityCode', problem: 'not_in_parent' });
    for (const [path, d] of [['districtCode', district], ['streetCode', street], ['communityCode', community]] as const) {
      if (d?.retired && !issues.some((i) => i.path === path)) issues.push({ path, problem: 'retired' });
    }
    let phone: string | null = null;
    if (input.citizen.phone) {
      const n = normalizePhone(input.citizen.phone);
      if (n.ok) phone = n.phone.national;
      else issues.push({ path: 'citizen.phone', problem: `phone_${n.error}` });
    }
    if (input.channel === 'phone' && !phone) issues.push({ path: 'citizen.phone', problem: 'required' });
    let repeatOf: { id: string; number: string } | null = null;
    if (input.repeatOf) {
      // Only an answered or finished ticket takes a repeat call; an open one takes the appeal as a duplicate (并单).
      const prior = await this.db.selectFrom('tickets').select(['id', 'number', 'status']).where('id', '=', input.repeatOf).executeTakeFirst();
      if (!prior) issues.push({ path: 'repeatOf', problem: 'unknown' });
      else if (!REPEATABLE_STATES.has(prior.status)) issues.push({ path: 'repeatOf', problem: 'still_open' });
      else repeatOf = { id: prior.id, number: prior.number };
    }
    if (issues.length) fail('invalid_input', { issues });
    return { phone, repeatOf };
  }

  async create(input: CreateInput, session: SessionInfo): Promise<{ id: string; number: string; status: string }> {
    const { phone, repeatOf } = await this.validate(input);
    const now = this.now();
    const actor = actorOf(session);
    const id = uuidv7(now.getTime());
    const reg = registerTicket(id, actor, now);
    if (!reg.ok) fail('forbidden');
    // A repeat call (重复来电) names the earlier ticket in the new one's registration, for its timeline and the 重办 decision.
    const events: TicketEvent[] = [reg.event.action === 'register' && repeatOf ? { ...reg.event, data: { repeatOf: repeatOf.id, repeatOfNumber: repeatOf.number } } : reg.event];
    let snapshot: TicketSnapshot = reg.next;
    if (input.resolveDirectly) {
      const r = applyTicketAction(snapshot, { type: 'resolveDirectly', summary: input.resolveDirectly.summary }, actor, now, this.calendar());
      if (!r.ok) fail('conflict', { details: { reason: `ticket_${r.error.code}` } });
      snapshot = r.next;
      events.push(r.event);
    }
    const iso = now.toISOString();
    const prefix = numberPrefix(now);
    return this.db.transaction().execute(async (trx) => {
      const seq = await nextNumber(trx, prefix, maxNumberSeed('tickets', prefix, 5));
      const number = `${prefix}${String(seq).padStart(5, '0')}`;
      let citizenId: string | null = null;
      if (phone) {
        const found = await trx.selectFrom('citizens').select('id').where('phone', '=', phone).executeTakeFirst();
        citizenId = found?.id ?? uuidv7(now.getTime());
        if (!found) await trx.insertInto('citizens').values({ id: citizenId, phone, name: input.citizen.name || null, created_at: iso }).execute();
        else if (input.citizen.name) await trx.updateTable('citizens').set({ name: input.citizen.name }).where('id', '=', citizenId).execute();
      }
      await trx.insertInto('tickets').values({
        id, number, created_at: iso, updated_at: iso, channel: input.channel, appeal_type: input.appealType, urgency: input.urgency,
        status: snapshot.state, citizen_id: citizenId, phone, caller_name: input.citizen.name || null, confidential: input.citizen.confidential ? 1 : 0,
        category_id: input.categoryId, title: input.title, content: input.content,
        district_code: input.districtCode ?? null, street_code: input.streetCode ?? null, community_code: input.communityCode ?? null,
        address: input.address || null, lat: input.coordinates?.lat ?? null, lng: input.coordinates?.lng ?? null,
        lead_department_id: null, sign_by: null, reply_by: null, closed_at: snapshot.closedAt, parent_id: null,
      }).execute();
      // Findable the moment it is saved: the search index is written in the same transaction.
      await indexTicket(trx, { id, created_at: iso, title: input.title, content: input.content, number, address: input.address || null,
        caller_name: input.citizen.name || null, phone, confidential: input.citizen.confidential ? 1 : 0 });
      await trx.insertInto('ticket_state').values({ ticket_id: id, version: snapshot.version, snapshot: JSON.stringify(snapshot) }).execute();
      for (const e of events) await appendTicketEvent(trx, e);
      if (input.callId) {
        const call = await trx.selectFrom('call_records').select('id').where('id', '=', input.callId).executeTakeFirst();
        // The call may still be in progress (its record is written when it ends): link it then.
        if (call) await trx.insertInto('call_ticket_links').values({ call_id: input.callId, ticket_id: id }).onConflict((oc) => oc.doNothing()).execute();
        else await setPendingCallLink(trx, input.callId, id);
      }
      if (input.draftKey) await trx.deleteFrom('drafts').where('user_id', '=', session.user.id).where('key', '=', input.draftKey).execute();
      await writeAudit(trx, { actorId: session.user.id, action: 'ticket.registered', subjectType: 'ticket', subjectId: id, data: { number, appealType: input.appealType, resolvedDirectly: Boolean(input.resolveDirectly), articleId: input.resolveDirectly?.articleId ?? null, repeatOf: repeatOf?.number ?? null } }, now);
      return { id, number, status: snapshot.state };
    });
  }

  async detail(id: string, session: SessionInfo, workflow: TicketWorkflowService): Promise<TicketDetail> {
    const t = await this.db.selectFrom('tickets as t')
      .leftJoin('departments as dep', 'dep.id', 't.lead_department_id')
      .select(['t.id', 't.number', 't.created_at', 't.channel', 't.appeal_type', 't.urgency', 't.status', 't.caller_name', 't.phone', 't.confidential',
        't.category_id', 't.title', 't.content', 't.district_code', 't.street_code', 't.community_code', 't.address', 't.lat', 't.lng', 't.sign_by', 't.reply_by', 't.closed_at', 'dep.name as dep_name'])
      .where('t.id', '=', id).where(visibleTickets(ticketScope(session))).executeTakeFirst();
    // A ticket outside the reader's scope is answered as if it did not exist.
    if (!t) fail('not_found');
    const ref = await this.referenceData();
    const place = [t.district_code, t.street_code, t.community_code].map((code) => ref.divisions.find((d) => d.code === code)?.name).filter(Boolean).join(' ');
    const events = await ticketTimeline(this.db, id);
    const loaded = await loadSnapshot(this.db, id);
    const citizen = citizenView(session, t);
    return {
      id: t.id, number: t.number, createdAt: t.created_at, channel: t.channel, appealType: t.appeal_type, urgency: t.urgency, status: t.status,
      callerName: citizen.callerName, phone: citizen.phone, confidential: t.confidential === 1,
      categoryPath: t.category_id ? this.paths.get(t.category_id) ?? '' : '', title: t.title, content: t.content, location: place, address: t.address,
      coordinates: t.lat !== null && t.lng !== null ? { lat: t.lat, lng: t.lng } : null,
      leadDepartment: t.dep_name, signBy: t.sign_by, replyBy: t.reply_by, closedAt: t.closed_at,
      version: loaded?.snapshot.version ?? 0,
      allowedActions: loaded ? await workflow.allowed(loaded.snapshot, session) : [],
      deadline: workflow.deadlineOf(t.reply_by, t.status),
      timeline: events.map((e) => ({ id: e.id, at: e.at, action: e.action, actorName: e.display_name, fromStatus: e.from_status, toStatus: e.to_status, data: e.data })),
      pendingExtension: loaded?.snapshot.pendingExtension
        ? { days: loaded.snapshot.pendingExtension.days, proposedReplyBy: loaded.snapshot.pendingExtension.proposedReplyBy, reason: loaded.snapshot.pendingExtension.reason }
        : null,
    };
  }
}

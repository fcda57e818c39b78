import { fail, type ReferenceData, type SessionInfo, type TicketDetail } from '../../shared/contract';
import type { ticketCreateInput } from '../../shared/contract/tickets';
import {
  ANSWERED_TICKET_STATES, FINISHED_TICKET_STATES, applyTicketAction, registerTicket, type TicketActor, type TicketEvent, type TicketSnapshot, type TicketState,
} from '../../shared/domain/ticket-lifecycle';
import { normalizePhone } from '../../shared/domain/phone';
import { chinaDateCompact } from '../../shared/domain/china-time';
import type { WorkingDayCalendar } from '../../shared/domain/working-days';
import type { z } from 'zod';
import { uuidv7 } from '../util/ids';
import { writeAudit } from './audit';
import { loadSnapshot, type TicketWorkflowService } from './ticket-workflow';
import { indexTicket } from '../store/search';
import { categoryPaths } from '../../shared/domain/taxonomy';
import { setPendingCallLink } from './call-links';
import { citizenView, ticketScope } from './ticket-visibility';
import { maxNumberSeed, nextNumber } from '../store/counters';
import { inTransaction, type Db } from '../store/repos/db';
import { appendTicketEvent, ticketTimeline } from '../store/repos/ticket-events';
import { insertTicket, insertTicketSnapshot, ticketDetailRow, ticketStatus, ticketWithRegistrar } from '../store/repos/tickets';
import { loadReferenceData } from '../store/repos/reference';
import { upsertCitizenByPhone } from '../store/repos/citizens';
import { callRecordExists, linkCallToTicket } from '../store/repos/calls';
import { deleteDraft } from '../store/repos/drafts';
import { admitOutreachAppeal, linkOutreachAppeal } from './outreach';

type CreateInput = z.output<typeof ticketCreateInput>;

/** States of a ticket that a new appeal can name as its earlier ticket (重复来电 / 重办). */
const REPEATABLE_STATES = new Set<string>([...ANSWERED_TICKET_STATES, ...FINISHED_TICKET_STATES]);

/** How far back a desk that was offline may date an appeal it took (an outreach day, a weekend cut). */
export const OFFLINE_REGISTRATION_WINDOW_MS = 72 * 3600_000;
/** Clock skew allowed between a desk and the center. */
const CLOCK_SKEW_MS = 5 * 60_000;

const actorOf = (s: SessionInfo): TicketActor => ({ userId: s.user.id, roles: s.user.roles, departmentId: s.user.departmentId });

/** Human ticket number: prefix, Beijing date, sequence of the day (JC2026112800001). */
function numberPrefix(now: Date): string {
  return `JC${chinaDateCompact(now)}`;
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

  constructor(private readonly db: Db, private readonly calendar: () => WorkingDayCalendar, private readonly now: () => Date = () => new Date()) {}

  async referenceData(): Promise<ReferenceData> {
    if (this.reference) return this.reference;
    this.reference = await loadReferenceData(this.db);
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
      const prior = await ticketStatus(this.db, input.repeatOf);
      if (!prior) issues.push({ path: 'repeatOf', problem: 'unknown' });
      else if (!REPEATABLE_STATES.has(prior.status)) issues.push({ path: 'repeatOf', problem: 'still_open' });
      else repeatOf = { id: prior.id, number: prior.number };
    }
    if (issues.length) fail('invalid_input', { issues });
    return { phone, repeatOf };
  }

  /**
   * Registers an appeal. With `clientId` (a desk of a center replaying its outbox) the call is
   * idempotent: a ticket already made with that id by the same user is answered as it is, so a
   * write whose reply was lost in a network cut is never registered twice.
   */
  async create(input: CreateInput, session: SessionInfo): Promise<{ id: string; number: string; status: TicketState }> {
    if (input.clientId) {
      const done = await this.alreadyCreated(input.clientId, session);
      if (done) return done;
    }
    try {
      return await this.insert(input, session);
    } catch (e) {
      // Two replays of one write at once: the second insert meets the first one's primary key.
      const done = input.clientId ? await this.alreadyCreated(input.clientId, session).catch(() => null) : null;
      if (done) return done;
      throw e;
    }
  }

  private async alreadyCreated(id: string, session: SessionInfo): Promise<{ id: string; number: string; status: TicketState } | null> {
    const t = await ticketWithRegistrar(this.db, id);
    if (!t) return null;
    // An id is not a way to read someone else's ticket: only its registrar gets the answer.
    if (t.actor_id !== session.user.id) fail('conflict', { details: { reason: 'ticket_id_taken' } });
    return { id: t.id, number: t.number, status: t.status as TicketState };
  }

  /** The acceptance time: now, or the time a desk that was offline saved it (within the window). */
  private registeredAt(input: CreateInput): Date {
    const now = this.now();
    if (!input.registeredAt) return now;
    const at = new Date(input.registeredAt);
    if (at.getTime() > now.getTime() + CLOCK_SKEW_MS || at.getTime() < now.getTime() - OFFLINE_REGISTRATION_WINDOW_MS) {
      fail('invalid_input', { issues: [{ path: 'registeredAt', problem: 'out_of_range' }] });
    }
    return at.getTime() > now.getTime() ? now : at;
  }

  private async insert(input: CreateInput, session: SessionInfo): Promise<{ id: string; number: string; status: TicketState }> {
    const { phone, repeatOf } = await this.validate(input);
    const now = this.registeredAt(input);
    const actor = actorOf(session);
    // Taken at a community outreach event: by someone on it, on its day; fixed there (立行立改) when resolved directly.
    const outreach = input.outreachEventId ? await admitOutreachAppeal(this.db, { eventId: input.outreachEventId, channel: input.channel, session, at: now }) : null;
    const fixedOnSpot = Boolean(outreach && input.resolveDirectly);
    const id = input.clientId ?? uuidv7(now.getTime());
    const reg = registerTicket(id, actor, now);
    if (!reg.ok) fail('forbidden');
    // A repeat call (重复来电) names the earlier ticket in the new one's registration, for its timeline and the 重办 decision;
    // an appeal taken at an outreach event names the event.
    const regData = {
      ...(repeatOf ? { repeatOf: repeatOf.id, repeatOfNumber: repeatOf.number } : {}),
      ...(outreach ? { outreachEvent: outreach.number, fixedOnSpot } : {}),
    };
    const events: TicketEvent[] = [reg.event.action === 'register' && Object.keys(regData).length ? { ...reg.event, data: regData } : reg.event];
    let snapshot: TicketSnapshot = reg.next;
    if (input.resolveDirectly) {
      const r = applyTicketAction(snapshot, { type: 'resolveDirectly', summary: input.resolveDirectly.summary }, actor, now, this.calendar());
      if (!r.ok) fail('conflict', { details: { reason: `ticket_${r.error.code}` } });
      snapshot = r.next;
      events.push(r.event);
    }
    const iso = now.toISOString();
    const prefix = numberPrefix(now);
    return inTransaction(this.db, async (trx) => {
      const seq = await nextNumber(trx, prefix, maxNumberSeed('tickets', prefix, 5));
      const number = `${prefix}${String(seq).padStart(5, '0')}`;
      const citizenId = phone ? await upsertCitizenByPhone(trx, { phone, name: input.citizen.name || null, newId: uuidv7(now.getTime()), at: iso }) : null;
      await insertTicket(trx, {
        id, number, created_at: iso, updated_at: iso, channel: input.channel, appeal_type: input.appealType, urgency: input.urgency,
        status: snapshot.state, citizen_id: citizenId, phone, caller_name: input.citizen.name || null, confidential: input.citizen.confidential ? 1 : 0,
        category_id: input.categoryId, title: input.title, content: input.content,
        district_code: input.districtCode ?? null, street_code: input.streetCode ?? null, community_code: input.communityCode ?? null,
        address: input.address || null, lat: input.coordinates?.lat ?? null, lng: input.coordinates?.lng ?? null,
        lead_department_id: null, sign_by: null, reply_by: null, closed_at: snapshot.closedAt, parent_id: null,
      });
      // Findable the moment it is saved: the search index is written in the same transaction.
      await indexTicket(trx, { id, created_at: iso, title: input.title, content: input.content, number, address: input.address || null,
        caller_name: input.citizen.name || null, phone, confidential: input.citizen.confidential ? 1 : 0 });
      await insertTicketSnapshot(trx, id, snapshot);
      for (const e of events) await appendTicketEvent(trx, e);
      if (input.callId) {
        // The call may still be in progress (its record is written when it ends): link it then.
        if (await callRecordExists(trx, input.callId)) await linkCallToTicket(trx, input.callId, id);
        else await setPendingCallLink(trx, input.callId, id);
      }
      if (input.draftKey) await deleteDraft(trx, session.user.id, input.draftKey);
      if (outreach) await linkOutreachAppeal(trx, { event: outreach, ticketId: id, ticketNumber: number, fixedOnSpot, userId: session.user.id, at: now, now: this.now() });
      await writeAudit(trx, { actorId: session.user.id, action: 'ticket.registered', subjectType: 'ticket', subjectId: id, data: { number, appealType: input.appealType, resolvedDirectly: Boolean(input.resolveDirectly), articleId: input.resolveDirectly?.articleId ?? null, repeatOf: repeatOf?.number ?? null, ...(outreach ? { outreachEvent: outreach.number, fixedOnSpot } : {}), ...(input.registeredAt ? { registeredAt: now.toISOString(), fromDeskOutbox: true } : {}) } }, this.now());
      return { id, number, status: snapshot.state };
    });
  }

  async detail(id: string, session: SessionInfo, workflow: TicketWorkflowService): Promise<TicketDetail> {
    const t = await ticketDetailRow(this.db, id, ticketScope(session));
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

import type { z } from 'zod';
import {
  fail, type OutreachAppeal, type OutreachCandidate, type OutreachCandidates, type OutreachCommunity, type OutreachEventDetail, type OutreachEventRow,
  type EventPayload, type OutreachOverview, type OutreachPerson, type OutreachPhase, type Role, type SessionInfo,
} from '../../shared/contract';
import type { outreachPlanInput, outreachRequests } from '../../shared/contract/outreach';
import {
  OUTREACH_MAX_DAYS_AHEAD, OUTREACH_MEMBER_ROLES, OUTREACH_TEAM_ROLES, outreachFigures, outreachPhase,
} from '../../shared/domain/outreach';
import { addDays, chinaDateKey } from '../../shared/domain/china-time';
import { maskPhone } from '../../shared/domain/phone';
import type { OutreachEventsTable } from '../store/schema';
import * as repo from '../store/repos/outreach';
import { inTransaction, type Db, type Trx } from '../store/repos/db';
import { auditTrailOf } from '../store/repos/audit';
import { userDisplayNames } from '../store/repos/user-directory';
import { nextNumber } from '../store/counters';
import { uuidv7 } from '../util/ids';
import type { EventPublisher } from '../events/bus';
import { writeAudit } from './audit';

type Input<N extends keyof typeof outreachRequests> = z.output<(typeof outreachRequests)[N]['input']>;
type ChangeKind = EventPayload<'outreach.changed'>['kind'];

/** Shift leads and admins plan events and read every event; everyone else reads the events they take part in. */
const MANAGERS: readonly Role[] = ['shift_lead', 'admin'];
const APPEAL_PAGE = 2000;
const LIST_LIMIT = 1000;

const isManager = (s: SessionInfo) => s.user.roles.some((r) => MANAGERS.includes(r));

/**
 * Community outreach events (便民服务进小区): planning (community, date, team, the CPPCC members and
 * liaison station experts taking part), the appeals registered at an event (through tickets.create
 * with the event's id: the desk's outbox carries them while the outreach laptop is offline), the
 * count of people met, and the figures per event and in total, each counted from the store.
 * Each change is told as outreach.changed after it committed, so open outreach screens read again.
 */
export class OutreachService {
  constructor(private readonly db: Db, private readonly now: () => Date, private readonly events: EventPublisher) {}

  /** Tells outreach screens an event changed (after the write committed). */
  changed(eventId: string, kind: ChangeKind): void {
    this.events.publish('outreach.changed', { eventId, kind, at: this.now().toISOString() });
  }

  private today(): string {
    return chinaDateKey(this.now());
  }

  // ---- reading ----

  private async canRead(session: SessionInfo, eventId: string): Promise<boolean> {
    return isManager(session) || (await repo.outreachPart(this.db, eventId, session.user.id)) !== null;
  }

  private async readable(id: string, session: SessionInfo): Promise<OutreachEventsTable> {
    const e = await repo.outreachEventById(this.db, id);
    // Not on the event: it does not exist for this reader.
    if (!e || !(await this.canRead(session, id))) fail('not_found');
    return e;
  }

  private async communityNames(codes: readonly string[]): Promise<Map<string, { name: string; districtCode: string | null; streetCode: string | null }>> {
    const out = new Map<string, { name: string; districtCode: string | null; streetCode: string | null }>();
    for (const code of new Set(codes)) {
      const chain = await repo.divisionChain(this.db, code);
      out.set(code, {
        name: [...chain].reverse().map((d) => d.name).join(' '),
        districtCode: chain.find((d) => d.level === 1)?.code ?? null,
        streetCode: chain.find((d) => d.level === 2)?.code ?? null,
      });
    }
    return out;
  }

  private async rows(events: OutreachEventsTable[]): Promise<OutreachEventRow[]> {
    if (events.length === 0) return [];
    const ids = events.map((e) => e.id);
    const today = this.today();
    const [counts, people, names, userNames] = await Promise.all([repo.outreachAppealCounts(this.db, ids), repo.outreachPeople(this.db, ids), this.communityNames(events.map((e) => e.community_code)),
      events.some((e) => e.cancelled_at) ? userDisplayNames(this.db) : null]);
    return events.map((e) => {
      const c = counts.get(e.id) ?? { appeals: 0, fixedOnSpot: 0, citizens: 0 };
      const phase = outreachPhase(e.date, today);
      const mine = people.filter((p) => p.event_id === e.id);
      return {
        id: e.id, number: e.number, title: e.title, date: e.date, phase, communityCode: e.community_code,
        community: names.get(e.community_code)?.name ?? e.community_code, address: e.address,
        // A cancelled event did not take place: it visited no community.
        figures: outreachFigures({ communities: phase === 'planned' || e.cancelled_at ? 0 : 1, appeals: c.appeals, fixedOnSpot: c.fixedOnSpot, citizens: c.citizens, peopleMet: e.people_met }),
        team: mine.filter((p) => p.part === 'team').length,
        members: mine.filter((p) => p.part === 'member').map((p) => p.display_name),
        cancelled: e.cancelled_at
          ? { at: e.cancelled_at, byName: (e.cancelled_by && userNames?.get(e.cancelled_by)) ?? null, reason: e.cancel_reason ?? '' }
          : null,
      };
    });
  }

  async list(session: SessionInfo): Promise<OutreachOverview> {
    const events = await repo.outreachEventList(this.db, isManager(session) ? null : session.user.id, LIST_LIMIT);
    const today = this.today();
    // The totals count what has happened: events up to today, not cancelled.
    const held = events.filter((e) => e.date <= today && !e.cancelled_at).map((e) => e.id);
    const [rows, totals, communities] = await Promise.all([this.rows(events), repo.outreachTotals(this.db, held), repo.outreachCommunities(this.db, held)]);
    const names = await this.communityNames(communities.map((c) => c.community_code));
    return {
      events: rows,
      totals: outreachFigures(totals),
      communities: communities.map((c): OutreachCommunity => ({
        code: c.community_code, name: names.get(c.community_code)?.name ?? c.community_code, events: Number(c.events), lastDate: String(c.last),
      })),
      canPlan: isManager(session),
    };
  }

  async detail(id: string, session: SessionInfo): Promise<OutreachEventDetail> {
    const e = await this.readable(id, session);
    const [[row], people, appeals, audit, names, place] = await Promise.all([
      this.rows([e]), repo.outreachPeople(this.db, [id]), repo.outreachAppealRows(this.db, id, APPEAL_PAGE), auditTrailOf(this.db, 'outreach_event', id),
      userDisplayNames(this.db), this.communityNames([e.community_code]),
    ]);
    const roles = new Map<string, Role[]>();
    for (const r of await repo.activeUsersWithRoles(this.db, people.map((p) => p.user_id))) roles.set(r.id, [...(roles.get(r.id) ?? []), r.role as Role]);
    const part = people.find((p) => p.user_id === session.user.id)?.part ?? null;
    const canRegister = session.user.roles.some((r) => OUTREACH_TEAM_ROLES.includes(r));
    const changeable = isManager(session) && changeRefusal(e, row!.phase, row!.figures.appeals) === null;
    return {
      ...row!,
      version: e.version,
      districtCode: place.get(e.community_code)?.districtCode ?? null, streetCode: place.get(e.community_code)?.streetCode ?? null,
      people: people.map((p): OutreachPerson => ({ id: p.user_id, displayName: p.display_name, part: p.part as OutreachPerson['part'], roles: roles.get(p.user_id) ?? [] })),
      appeals: appeals.map((a): OutreachAppeal => ({
        id: a.id, number: a.number, title: a.title, status: a.status, createdAt: a.created_at, fixedOnSpot: a.fixed_on_spot === 1,
        phone: a.confidential || !a.phone ? null : maskPhone(a.phone), registeredBy: a.display_name,
      })),
      timeline: audit.map((x) => ({ at: x.at, actorName: x.actor_id ? names.get(x.actor_id) ?? null : null, action: x.action, data: JSON.parse(x.data) as Record<string, unknown> })),
      allowed: {
        register: part !== null && canRegister && row!.phase === 'today' && !e.cancelled_at,
        setPeopleMet: (part !== null || isManager(session)) && row!.phase !== 'planned' && !e.cancelled_at,
        edit: changeable, cancel: changeable,
      },
    };
  }

  async candidates(): Promise<OutreachCandidates> {
    const byUser = new Map<string, OutreachCandidate>();
    for (const r of await repo.activeUsersWithRoles(this.db)) {
      const c = byUser.get(r.id) ?? { id: r.id, displayName: r.display_name, roles: [] };
      c.roles.push(r.role as Role);
      byUser.set(r.id, c);
    }
    const all = [...byUser.values()];
    return {
      team: all.filter((c) => c.roles.some((r) => OUTREACH_TEAM_ROLES.includes(r))),
      members: all.filter((c) => c.roles.some((r) => OUTREACH_MEMBER_ROLES.includes(r))),
    };
  }

  // ---- planning ----

  private async nextNumber(trx: Trx, now: Date): Promise<string> {
    const prefix = `BM${chinaDateKey(now).slice(0, 4)}`;
    return `${prefix}${String(await nextNumber(trx, prefix)).padStart(4, '0')}`;
  }

  /** Checks the people of a plan: each active, on the team only with a role that registers appeals, a member only as CPPCC or liaison station. */
  private async checkPeople(teamIds: string[], memberIds: string[]): Promise<void> {
    if (teamIds.length === 0) fail('invalid_input', { issues: [{ path: 'teamIds', problem: 'too_small' }], details: { reason: 'outreach_no_team' } });
    if (teamIds.some((id) => memberIds.includes(id))) fail('invalid_input', { issues: [{ path: 'memberIds', problem: 'duplicate' }], details: { reason: 'outreach_person_twice' } });
    const roles = new Map<string, Role[]>();
    for (const r of await repo.activeUsersWithRoles(this.db, [...teamIds, ...memberIds])) roles.set(r.id, [...(roles.get(r.id) ?? []), r.role as Role]);
    const unknown = [...teamIds, ...memberIds].some((id) => !roles.has(id));
    if (unknown) fail('invalid_input', { issues: [{ path: 'teamIds', problem: 'unknown' }], details: { reason: 'outreach_person_unknown' } });
    if (teamIds.some((id) => !roles.get(id)!.some((r) => OUTREACH_TEAM_ROLES.includes(r)))) {
      fail('invalid_input', { issues: [{ path: 'teamIds', problem: 'role' }], details: { reason: 'outreach_not_team_role' } });
    }
    if (memberIds.some((id) => !roles.get(id)!.some((r) => OUTREACH_MEMBER_ROLES.includes(r)))) {
      fail('invalid_input', { issues: [{ path: 'memberIds', problem: 'role' }], details: { reason: 'outreach_not_member_role' } });
    }
  }

  /** The checks of a plan (a new one or an edit): the date from today to a year ahead, a current community, the people. */
  private async checkPlan(input: z.output<typeof outreachPlanInput>): Promise<{ community: { code: string }; teamIds: string[]; memberIds: string[] }> {
    const today = this.today();
    if (input.date < today) fail('invalid_input', { issues: [{ path: 'date', problem: 'in_past' }], details: { reason: 'outreach_date_in_past' } });
    if (input.date > addDays(today, OUTREACH_MAX_DAYS_AHEAD)) fail('invalid_input', { issues: [{ path: 'date', problem: 'too_far_ahead' }], details: { reason: 'outreach_date_too_far' } });
    const chain = await repo.divisionChain(this.db, input.communityCode);
    const community = chain[0];
    if (!community || community.level !== 3) fail('invalid_input', { issues: [{ path: 'communityCode', problem: 'unknown' }], details: { reason: 'outreach_community_unknown' } });
    if (community.retired) fail('invalid_input', { issues: [{ path: 'communityCode', problem: 'retired' }], details: { reason: 'outreach_community_retired' } });
    const teamIds = [...new Set(input.teamIds)];
    const memberIds = [...new Set(input.memberIds)];
    await this.checkPeople(teamIds, memberIds);
    return { community, teamIds, memberIds };
  }

  async plan(input: z.output<typeof outreachPlanInput>, session: SessionInfo): Promise<OutreachEventDetail> {
    const { community, teamIds, memberIds } = await this.checkPlan(input);
    const now = this.now();
    const id = uuidv7(now.getTime());
    await inTransaction(this.db, async (trx) => {
      const number = await this.nextNumber(trx, now);
      await repo.insertOutreachEvent(trx, {
        id, number, created_at: now.toISOString(), updated_at: now.toISOString(), created_by: session.user.id, title: input.title,
        community_code: community.code, address: input.address, date: input.date, version: 1, people_met: 0,
      }, [...teamIds.map((userId) => ({ userId, part: 'team' as const })), ...memberIds.map((userId) => ({ userId, part: 'member' as const }))]);
      await writeAudit(trx, { actorId: session.user.id, action: 'outreach.planned', subjectType: 'outreach_event', subjectId: id,
        data: { number, community: community.code, date: input.date, team: teamIds.length, members: memberIds.length } }, now);
    });
    this.changed(id, 'planned');
    return this.detail(id, session);
  }

  /**
   * A manager's change of a plan that has not happened (see changeRefusal), checked as a new plan
   * is, against the version the manager read; the people taking part are replaced. Audited with
   * what changed.
   */
  async edit(i: Input<'outreach.edit'>, session: SessionInfo): Promise<OutreachEventDetail> {
    const e = await this.readable(i.id, session);
    this.refuseChange(e, await repo.outreachAppealCount(this.db, e.id));
    if (e.version !== i.expectedVersion) fail('conflict', { details: { reason: 'outreach_edit_stale' } });
    const { community, teamIds, memberIds } = await this.checkPlan(i);
    const before = await repo.outreachPeople(this.db, [e.id]);
    const ids = (part: string) => before.filter((p) => p.part === part).map((p) => p.user_id).sort();
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const note = (key: string, from: unknown, to: unknown) => { if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to }; };
    note('title', e.title, i.title);
    note('community', e.community_code, community.code);
    note('address', e.address, i.address);
    note('date', e.date, i.date);
    note('team', ids('team'), [...teamIds].sort());
    note('members', ids('member'), [...memberIds].sort());
    // Nothing changed: nothing is written (the version stays, nobody else's edit is made stale).
    if (Object.keys(changes).length === 0) return this.detail(e.id, session);
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      if (!(await repo.updateOutreachEventIfCurrent(trx, e.id, i.expectedVersion, {
        title: i.title, community_code: community.code, address: i.address, date: i.date, updated_at: now.toISOString(),
      }))) fail('conflict', { details: { reason: 'outreach_edit_stale' } });
      // Under the event's row: an appeal registered meanwhile means it has happened.
      if ((await repo.outreachAppealCount(trx, e.id)) > 0) fail('conflict', { details: { reason: 'outreach_has_appeals' } });
      await repo.replaceOutreachPeople(trx, e.id, [...teamIds.map((userId) => ({ userId, part: 'team' as const })), ...memberIds.map((userId) => ({ userId, part: 'member' as const }))]);
      await writeAudit(trx, { actorId: session.user.id, action: 'outreach.edited', subjectType: 'outreach_event', subjectId: e.id,
        data: { number: e.number, changed: Object.keys(changes), ...(changes.date ? { dateFrom: e.date, dateTo: i.date } : {}),
          ...(changes.address ? { addressFrom: e.address, addressTo: i.address } : {}), ...(changes.community ? { communityFrom: e.community_code, communityTo: community.code } : {}),
          ...(changes.title ? { titleFrom: e.title, titleTo: i.title } : {}), team: teamIds.length, members: memberIds.length } }, now);
    });
    this.changed(e.id, 'edited');
    return this.detail(e.id, session);
  }

  /** A manager cancels an event that has not happened, with a reason; it stays, marked, with its history. */
  async cancel(i: Input<'outreach.cancel'>, session: SessionInfo): Promise<OutreachEventDetail> {
    const e = await this.readable(i.id, session);
    this.refuseChange(e, await repo.outreachAppealCount(this.db, e.id));
    if (e.version !== i.expectedVersion) fail('conflict', { details: { reason: 'outreach_edit_stale' } });
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      if (!(await repo.updateOutreachEventIfCurrent(trx, e.id, i.expectedVersion, {
        cancelled_at: now.toISOString(), cancelled_by: session.user.id, cancel_reason: i.reason, updated_at: now.toISOString(),
      }))) fail('conflict', { details: { reason: 'outreach_edit_stale' } });
      if ((await repo.outreachAppealCount(trx, e.id)) > 0) fail('conflict', { details: { reason: 'outreach_has_appeals' } });
      await writeAudit(trx, { actorId: session.user.id, action: 'outreach.cancelled', subjectType: 'outreach_event', subjectId: e.id,
        data: { number: e.number, date: e.date, reason: i.reason } }, now);
    });
    this.changed(e.id, 'cancelled');
    return this.detail(e.id, session);
  }

  private refuseChange(e: OutreachEventsTable, appeals: number): void {
    const reason = changeRefusal(e, outreachPhase(e.date, this.today()), appeals);
    if (reason) fail('conflict', { details: { reason } });
  }

  /** The people the team met, entered by someone on the event (or a manager) once it has begun; guarded by the event's version. */
  async setPeopleMet(i: Input<'outreach.setPeopleMet'>, session: SessionInfo): Promise<OutreachEventDetail> {
    const e = await this.readable(i.id, session);
    if (e.cancelled_at) fail('conflict', { details: { reason: 'outreach_cancelled' } });
    if (outreachPhase(e.date, this.today()) === 'planned') fail('conflict', { details: { reason: 'outreach_not_started' } });
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      if (!(await repo.updateOutreachEventIfCurrent(trx, e.id, i.expectedVersion, { people_met: i.peopleMet, updated_at: now.toISOString() }))) {
        fail('conflict', { details: { reason: 'outreach_stale' } });
      }
      await writeAudit(trx, { actorId: session.user.id, action: 'outreach.peopleMet', subjectType: 'outreach_event', subjectId: e.id, data: { from: e.people_met, to: i.peopleMet } }, now);
    });
    this.changed(e.id, 'peopleMet');
    return this.detail(e.id, session);
  }
}

/**
 * Why a plan may no longer be changed or cancelled, or null: it is cancelled already, its day has
 * passed, or an appeal was registered at it (it has happened). Today's event without appeals may
 * still be moved or called off (rain, the team held up).
 */
function changeRefusal(e: OutreachEventsTable, phase: OutreachPhase, appeals: number): string | null {
  if (e.cancelled_at) return 'outreach_cancelled';
  if (phase === 'held') return 'outreach_already_held';
  if (appeals > 0) return 'outreach_has_appeals';
  return null;
}

/**
 * An appeal registered at an event (tickets.create with outreachEventId), checked before its
 * ticket is written: the event exists, the channel is 'outreach', the registrar takes part in it,
 * and the appeal was taken on the event's day (a desk that was offline sends the time it saved it).
 */
export async function admitOutreachAppeal(db: Db, q: { eventId: string; channel: string; session: SessionInfo; at: Date }): Promise<{ id: string; number: string; date: string }> {
  const e = await repo.outreachEventById(db, q.eventId);
  if (!e) fail('invalid_input', { issues: [{ path: 'outreachEventId', problem: 'unknown' }], details: { reason: 'outreach_event_unknown' } });
  if (q.channel !== 'outreach') fail('invalid_input', { issues: [{ path: 'channel', problem: 'outreach_channel' }], details: { reason: 'outreach_channel' } });
  if (!(await repo.outreachPart(db, e.id, q.session.user.id))) fail('forbidden', { details: { reason: 'outreach_not_on_team' } });
  if (e.cancelled_at) fail('conflict', { details: { reason: 'outreach_cancelled' } });
  if (chinaDateKey(q.at) !== e.date) fail('conflict', { details: { reason: 'outreach_not_event_day' } });
  return { id: e.id, number: e.number, date: e.date };
}

/** Links a ticket being written to its event, with the event's own audit line (in the ticket's transaction). */
export async function linkOutreachAppeal(trx: Trx, q: { event: { id: string; number: string; date: string }; ticketId: string; ticketNumber: string; fixedOnSpot: boolean; userId: string; at: Date; now: Date }): Promise<void> {
  // Cancelled or moved to another day since it was admitted (a lead's change racing the appeal): refused, nothing written.
  if (!(await repo.holdOutreachEventForAppeal(trx, q.event.id, q.event.date))) {
    const now = await repo.outreachEventById(trx, q.event.id);
    fail('conflict', { details: { reason: now?.cancelled_at ? 'outreach_cancelled' : 'outreach_not_event_day' } });
  }
  await repo.linkOutreachTicket(trx, { eventId: q.event.id, ticketId: q.ticketId, fixedOnSpot: q.fixedOnSpot, userId: q.userId, at: q.at.toISOString() });
  await writeAudit(trx, { actorId: q.userId, action: 'outreach.appealRegistered', subjectType: 'outreach_event', subjectId: q.event.id,
    data: { ticket: q.ticketNumber, fixedOnSpot: q.fixedOnSpot } }, q.now);
}

/**
 * Changing and cancelling a community outreach event (便民服务进小区, issue 14 item 5) through the
 * contract, on SQLite and (project pg) PostgreSQL: a shift lead moves a planned event and changes
 * its team; an edit against a version someone else changed first is refused and changes nothing;
 * cancelling keeps the event, marked with who, when and why, takes it off the team's list and
 * closes it to appeals (also an appeal admitted just before the cancel); an event that has
 * happened (appeals at it, or its day passed) is no longer changed. Only shift leads and admins
 * change plans. Every change is in the event's record, and is told to the outreach screens open
 * elsewhere (outreach.changed) so they read again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractError, EventName, OutreachChanged, OutreachEventDetail, OutreachOverview, Result, SessionInfo, TicketCreated } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { admitOutreachAppeal, linkOutreachAppeal } from '../../electron/services/outreach';
import { inTransaction } from '../../electron/store/repos/db';

let clock = new Date('2025-06-03T02:00:00Z'); // Tuesday 10:00 Beijing
let t: TestApp;
const people: Record<string, Connection> = {};
/** What each connection was sent, by its key. */
const heard: Record<string, { name: EventName; payload: unknown }[]> = {};

async function call(who: string, name: string, input: unknown) {
  return (await t.app.dispatcher.dispatch(people[who]!, name, input)) as Result<unknown>;
}
async function as<T>(who: string, name: string, input: unknown): Promise<T> {
  const r = await call(who, name, input);
  if (!r.ok) throw new Error(`${who} ${name}: ${JSON.stringify(r.error)}`);
  return r.value as T;
}
async function fails(who: string, name: string, input: unknown): Promise<ContractError> {
  const r = await call(who, name, input);
  if (r.ok) throw new Error(`${who} ${name} should have failed`);
  return r.error;
}
/** Signs `username` in on a connection of its own, kept as `key` (another window of the same user: another key). */
async function signIn(u: string, key = u) {
  heard[key] = [];
  people[key] = { id: `c-${key}`, session: null, send: (name, payload) => { heard[key]!.push({ name, payload }); } };
  t.app.dispatcher.attach(people[key]!);
  await as(key, 'session.login', { username: u, password: 'Demo-12345' });
}
const db = () => t.app.store.db;
const userId = (u: string) => people[u]!.session!.user.id;
const ticketCount = async () => Number((await db().selectFrom('tickets').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const auditOf = async (id: string) => (await db().selectFrom('audit_events').select(['action', 'data']).where('subject_id', '=', id).orderBy('id').execute())
  .map((a) => ({ action: a.action, data: JSON.parse(a.data) as Record<string, unknown> }));

let communities: string[];
let leafCategory: string;

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 40, now: () => clock });
  for (const u of ['agent01', 'agent02', 'lead01', 'dept01', 'member01', 'expert01', 'admin']) await signIn(u);
  // The lead's outreach list open in a second window.
  await signIn('lead01', 'lead01-list');
  communities = (await db().selectFrom('divisions').select('code').where('level', '=', 3).where('retired', '=', 0).orderBy('code').limit(2).execute()).map((d) => d.code);
  leafCategory = (await db().selectFrom('categories').select('id').where('level', '=', 3).orderBy('code').executeTakeFirstOrThrow()).id;
}, 90_000);
afterAll(async () => { await t?.dispose(); });

const plan = (extra: Record<string, unknown> = {}) => ({
  title: '便民服务进小区', communityCode: communities[0], address: '社区党群服务中心广场', date: '2025-06-05',
  teamIds: [userId('agent01')], memberIds: [userId('member01')], ...extra,
});
const editOf = (d: OutreachEventDetail, extra: Record<string, unknown> = {}) => ({
  id: d.id, expectedVersion: d.version, title: d.title, communityCode: d.communityCode, address: d.address, date: d.date,
  teamIds: d.people.filter((p) => p.part === 'team').map((p) => p.id), memberIds: d.people.filter((p) => p.part === 'member').map((p) => p.id), ...extra,
});
function appeal(d: OutreachEventDetail, content: string) {
  return {
    channel: 'outreach', citizen: { confidential: false }, appealType: 'help', categoryId: leafCategory, urgency: 'normal', title: content.slice(0, 20), content,
    districtCode: d.districtCode, streetCode: d.streetCode, communityCode: d.communityCode, address: d.address, outreachEventId: d.id,
  };
}

describe('a planned event changed, then cancelled', () => {
  let ev: OutreachEventDetail;

  it('only shift leads and admins change or cancel a plan', async () => {
    ev = await as<OutreachEventDetail>('lead01', 'outreach.plan', plan());
    expect(ev.allowed).toMatchObject({ edit: true, cancel: true });
    expect((await as<OutreachEventDetail>('agent01', 'outreach.get', { id: ev.id })).allowed).toMatchObject({ edit: false, cancel: false });
    for (const who of ['agent01', 'member01', 'dept01']) {
      expect((await fails(who, 'outreach.edit', editOf(ev, { address: '别处' }))).code).toBe('forbidden');
      expect((await fails(who, 'outreach.cancel', { id: ev.id, expectedVersion: ev.version, reason: '不去了' })).code).toBe('forbidden');
    }
    expect((await fails('lead01', 'outreach.edit', editOf(ev, { id: '01900000-0000-7000-8000-00000000dead' }))).code).toBe('not_found');
    expect((await as<OutreachEventDetail>('lead01', 'outreach.get', { id: ev.id })).version).toBe(1);
  });

  it('a lead moves it a day, changes the place and adds someone to the team; the record says what changed', async () => {
    const moved = await as<OutreachEventDetail>('lead01', 'outreach.edit', editOf(ev, {
      date: '2025-06-06', address: '社区文化活动室', communityCode: communities[1], teamIds: [userId('agent01'), userId('agent02')],
    }));
    expect(moved).toMatchObject({ date: '2025-06-06', address: '社区文化活动室', communityCode: communities[1], phase: 'planned', team: 2, version: 2, cancelled: null });
    // agent02 is now on it and sees it among the events to come.
    expect((await as<OutreachOverview>('agent02', 'outreach.list', {})).events.map((e) => e.id)).toEqual([ev.id]);
    const last = (await auditOf(ev.id)).at(-1)!;
    expect(last).toMatchObject({ action: 'outreach.edited', data: { changed: ['community', 'address', 'date', 'team'], dateFrom: '2025-06-05', dateTo: '2025-06-06', addressTo: '社区文化活动室', team: 2 } });
    expect(moved.timeline.map((x) => x.action)).toEqual(['outreach.planned', 'outreach.edited']);
    // An edit that changes nothing writes nothing.
    expect((await as<OutreachEventDetail>('lead01', 'outreach.edit', editOf(moved))).version).toBe(2);
    ev = moved;
  });

  it('an edit made on what someone changed since is refused and changes nothing; so is a bad one', async () => {
    const stale = editOf(ev, { address: '旧版本上的修改' });
    ev = await as<OutreachEventDetail>('admin', 'outreach.edit', editOf(ev, { title: '便民服务进小区（第二场）' }));
    expect(ev.version).toBe(3);
    expect(await fails('lead01', 'outreach.edit', stale)).toMatchObject({ code: 'conflict', details: { reason: 'outreach_edit_stale' } });
    expect(await fails('lead01', 'outreach.cancel', { id: ev.id, expectedVersion: 2, reason: '下雨' })).toMatchObject({ code: 'conflict', details: { reason: 'outreach_edit_stale' } });
    expect(await fails('lead01', 'outreach.edit', editOf(ev, { date: '2025-06-02' }))).toMatchObject({ code: 'invalid_input', details: { reason: 'outreach_date_in_past' } });
    expect(await fails('lead01', 'outreach.edit', editOf(ev, { teamIds: [] }))).toMatchObject({ details: { reason: 'outreach_no_team' } });
    expect(await fails('lead01', 'outreach.edit', editOf(ev, { teamIds: [userId('dept01')] }))).toMatchObject({ details: { reason: 'outreach_not_team_role' } });
    const now = await as<OutreachEventDetail>('lead01', 'outreach.get', { id: ev.id });
    expect(now).toMatchObject({ version: 3, title: '便民服务进小区（第二场）', address: '社区文化活动室', date: '2025-06-06', team: 2 });
  });

  it('cancelled with a reason: kept and marked for the lead, gone from the team\'s list, closed to appeals and to changes', async () => {
    expect((await fails('lead01', 'outreach.cancel', { id: ev.id, expectedVersion: ev.version, reason: ' ' })).code).toBe('invalid_input');
    const c = await as<OutreachEventDetail>('lead01', 'outreach.cancel', { id: ev.id, expectedVersion: ev.version, reason: '暴雨预警，活动延期' });
    expect(c.cancelled).toEqual({ at: clock.toISOString(), byName: people.lead01!.session!.user.displayName, reason: '暴雨预警，活动延期' });
    expect(c.allowed).toEqual({ register: false, setPeopleMet: false, edit: false, cancel: false });
    expect((await auditOf(ev.id)).at(-1)).toMatchObject({ action: 'outreach.cancelled', data: { reason: '暴雨预警，活动延期', date: '2025-06-06' } });
    const lead = await as<OutreachOverview>('lead01', 'outreach.list', {});
    expect(lead.events.find((e) => e.id === ev.id)?.cancelled?.reason).toBe('暴雨预警，活动延期');
    expect((await as<OutreachOverview>('agent01', 'outreach.list', {})).events.map((e) => e.id)).not.toContain(ev.id);
    expect((await as<OutreachOverview>('agent02', 'outreach.list', {})).events).toEqual([]);
    // Someone on it who opens it (a link, a window left open) sees that it was cancelled, and why.
    expect(await as<OutreachEventDetail>('agent02', 'outreach.get', { id: ev.id })).toMatchObject({ cancelled: { reason: '暴雨预警，活动延期' }, allowed: { register: false } });
    expect(await fails('lead01', 'outreach.edit', editOf(c, { address: '再改' }))).toMatchObject({ code: 'conflict', details: { reason: 'outreach_cancelled' } });
    expect(await fails('lead01', 'outreach.cancel', { id: ev.id, expectedVersion: c.version, reason: '再取消' })).toMatchObject({ code: 'conflict', details: { reason: 'outreach_cancelled' } });
    // On what was its day, an appeal at it is refused with its own reason, and no ticket is written.
    clock = new Date('2025-06-06T02:00:00Z');
    try {
      const before = await ticketCount();
      expect(await fails('agent01', 'tickets.create', appeal(c, '小区东门路灯不亮已经一周了'))).toMatchObject({ code: 'conflict', details: { reason: 'outreach_cancelled' } });
      expect(await fails('agent01', 'outreach.setPeopleMet', { id: ev.id, expectedVersion: c.version, peopleMet: 3 })).toMatchObject({ details: { reason: 'outreach_cancelled' } });
      expect(await ticketCount()).toBe(before);
      // It visited no community: the totals leave it out.
      expect((await as<OutreachOverview>('lead01', 'outreach.list', {})).totals).toMatchObject({ communities: 0, appeals: 0 });
    } finally {
      clock = new Date('2025-06-03T02:00:00Z');
    }
  });
});

describe('outreach screens open elsewhere are told', () => {
  /** The outreach changes a connection heard since the last look, as (kind, event). */
  const told = (key: string) => heard[key]!.splice(0).filter((e) => e.name === 'outreach.changed').map((e) => e.payload as OutreachChanged);
  const readers = ['lead01', 'lead01-list', 'admin', 'agent01', 'agent02', 'member01', 'expert01'];
  const everyoneTold = (kind: OutreachChanged['kind'], eventId: string) => {
    for (const key of readers) expect(told(key), key).toEqual([{ eventId, kind, at: clock.toISOString() }]);
    // Departments never read outreach events.
    expect(told('dept01')).toEqual([]);
  };

  it('of a plan, an edit, an appeal registered at it and a cancel, once each, after the change was saved', async () => {
    for (const key of Object.keys(heard)) heard[key]!.length = 0;
    const ev = await as<OutreachEventDetail>('lead01', 'outreach.plan', plan({ date: '2025-06-03', title: '便民服务进小区（推送）' }));
    everyoneTold('planned', ev.id);
    // What they read on it is what was saved: the other lead's list has the new event.
    expect((await as<OutreachOverview>('lead01-list', 'outreach.list', {})).events.map((e) => e.id)).toContain(ev.id);

    const moved = await as<OutreachEventDetail>('admin', 'outreach.edit', editOf(ev, { address: '社区文化活动室', teamIds: [userId('agent01'), userId('agent02')] }));
    everyoneTold('edited', ev.id);
    // An edit that changes nothing, and one refused, tell nobody.
    await as('lead01', 'outreach.edit', editOf(moved));
    expect(await fails('lead01', 'outreach.edit', editOf(ev, { address: '旧版本上的修改' }))).toMatchObject({ details: { reason: 'outreach_edit_stale' } });
    for (const key of readers) expect(told(key), key).toEqual([]);

    await as<TicketCreated>('agent02', 'tickets.create', appeal(moved, '小区广场健身器材损坏，老人锻炼不安全'));
    everyoneTold('appeal', ev.id);
    expect((await as<OutreachEventDetail>('lead01-list', 'outreach.get', { id: ev.id })).figures.appeals).toBe(1);

    const other = await as<OutreachEventDetail>('lead01', 'outreach.plan', plan({ date: '2025-06-10', title: '便民服务进小区（待取消）' }));
    everyoneTold('planned', other.id);
    await as('lead01', 'outreach.cancel', { id: other.id, expectedVersion: other.version, reason: '场地另有安排' });
    everyoneTold('cancelled', other.id);
    expect((await as<OutreachOverview>('lead01-list', 'outreach.list', {})).events.find((e) => e.id === other.id)?.cancelled?.reason).toBe('场地另有安排');
  });
});

describe('an event that has happened is not changed', () => {
  it('with an appeal registered today, or once its day has passed: refused with the reason', async () => {
    const ev = await as<OutreachEventDetail>('lead01', 'outreach.plan', plan({ date: '2025-06-03' }));
    // Today, nothing registered yet: it may still be called off or moved.
    expect(ev.allowed).toMatchObject({ edit: true, cancel: true });
    await as<TicketCreated>('agent01', 'tickets.create', appeal(ev, '楼道声控灯不亮，老人上下楼不便'));
    const d = await as<OutreachEventDetail>('lead01', 'outreach.get', { id: ev.id });
    expect(d.allowed).toMatchObject({ edit: false, cancel: false });
    expect(await fails('lead01', 'outreach.edit', editOf(d, { date: '2025-06-04' }))).toMatchObject({ code: 'conflict', details: { reason: 'outreach_has_appeals' } });
    expect(await fails('lead01', 'outreach.cancel', { id: d.id, expectedVersion: d.version, reason: '取消' })).toMatchObject({ details: { reason: 'outreach_has_appeals' } });

    const quiet = await as<OutreachEventDetail>('lead01', 'outreach.plan', plan({ date: '2025-06-03', communityCode: communities[1] }));
    clock = new Date('2025-06-04T02:00:00Z');
    try {
      expect(await fails('lead01', 'outreach.cancel', { id: quiet.id, expectedVersion: quiet.version, reason: '取消' })).toMatchObject({ details: { reason: 'outreach_already_held' } });
      expect((await as<OutreachEventDetail>('lead01', 'outreach.get', { id: quiet.id })).allowed).toMatchObject({ edit: false, cancel: false });
    } finally {
      clock = new Date('2025-06-03T02:00:00Z');
    }
  });

  it('an appeal admitted just before a cancel is not linked to the cancelled event', async () => {
    const ev = await as<OutreachEventDetail>('lead01', 'outreach.plan', plan({ date: '2025-06-03', title: '便民服务进小区（竞态）' }));
    const admitted = await admitOutreachAppeal(db(), { eventId: ev.id, channel: 'outreach', session: people.agent01!.session as SessionInfo, at: clock });
    await as('lead01', 'outreach.cancel', { id: ev.id, expectedVersion: ev.version, reason: '工作队临时调走' });
    const ticket = await db().selectFrom('tickets').select(['id', 'number']).orderBy('id').executeTakeFirstOrThrow();
    await expect(inTransaction(db(), (trx) => linkOutreachAppeal(trx, {
      event: admitted, ticketId: ticket.id, ticketNumber: ticket.number, fixedOnSpot: false, userId: userId('agent01'), at: clock, now: clock,
    }))).rejects.toMatchObject({ error: { code: 'conflict', details: { reason: 'outreach_cancelled' } } });
    expect(await db().selectFrom('outreach_event_tickets').selectAll().where('event_id', '=', ev.id).execute()).toEqual([]);
  });
});

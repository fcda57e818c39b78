/**
 * Community outreach events (便民服务进小区, issue 14.5) through the contract, on SQLite and (project
 * pg) PostgreSQL: a shift lead plans an event (community, date, team, CPPCC / liaison station
 * members); the team registers appeals at it through tickets.create (channel 'outreach', the
 * event's id), one fixed on the spot (立行立改: closed by the ticket's lifecycle), one dispatched as
 * an ordinary ticket; the figures per event and in total are counted from the store and equal the
 * lists they open. Bad input and people not on the event change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractError, OutreachEventDetail, OutreachOverview, Result, TicketCreated, TicketDetail } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

let clock = new Date('2025-06-03T02:00:00Z'); // Tuesday 10:00 Beijing
const TODAY = '2025-06-03';
let t: TestApp;
const people: Record<string, Connection> = {};

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
async function signIn(u: string) {
  people[u] = { id: `c-${u}`, session: null, send: () => {} };
  t.app.dispatcher.attach(people[u]!);
  await as(u, 'session.login', { username: u, password: 'Demo-12345' });
}
const db = () => t.app.store.db;
const auditCount = async () => Number((await db().selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const userId = (u: string) => people[u]!.session!.user.id;

let community: { code: string; parent_code: string | null };
let street: { code: string; parent_code: string | null };
let leafCategory: string;

function appeal(event: OutreachEventDetail, content: string, extra: Record<string, unknown> = {}) {
  return {
    channel: 'outreach', citizen: { confidential: false }, appealType: 'help', categoryId: leafCategory, urgency: 'normal',
    title: content.slice(0, 20), content, districtCode: event.districtCode, streetCode: event.streetCode, communityCode: event.communityCode,
    address: event.address, outreachEventId: event.id, ...extra,
  };
}

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 60, now: () => clock });
  for (const u of ['agent01', 'agent02', 'lead01', 'dept01', 'member01', 'expert01', 'admin']) await signIn(u);
  community = await db().selectFrom('divisions').select(['code', 'parent_code']).where('level', '=', 3).where('retired', '=', 0).orderBy('code').executeTakeFirstOrThrow();
  street = await db().selectFrom('divisions').select(['code', 'parent_code']).where('code', '=', community.parent_code!).executeTakeFirstOrThrow();
  const leaf = await db().selectFrom('categories as c').select('c.id').where('c.level', '=', 3).orderBy('c.code').executeTakeFirstOrThrow();
  leafCategory = leaf.id;
}, 90_000);
afterAll(async () => { await t?.dispose(); });

const plan = (extra: Record<string, unknown> = {}) => ({
  title: '便民服务进小区', communityCode: community.code, address: '社区党群服务中心广场', date: TODAY,
  teamIds: [userId('agent01')], memberIds: [userId('member01'), userId('expert01')], ...extra,
});

describe('planning an outreach event', () => {
  it('refuses a date in the past, an unknown community, an empty team, wrong people; nothing is written', async () => {
    const before = await auditCount();
    expect(await fails('lead01', 'outreach.plan', plan({ date: '2025-06-02' }))).toMatchObject({ code: 'invalid_input', details: { reason: 'outreach_date_in_past' }, issues: [{ path: 'date', problem: 'in_past' }] });
    expect(await fails('lead01', 'outreach.plan', plan({ communityCode: '999999999' }))).toMatchObject({ details: { reason: 'outreach_community_unknown' } });
    // A street is not a community.
    expect(await fails('lead01', 'outreach.plan', plan({ communityCode: street.code }))).toMatchObject({ details: { reason: 'outreach_community_unknown' } });
    expect(await fails('lead01', 'outreach.plan', plan({ teamIds: [] }))).toMatchObject({ details: { reason: 'outreach_no_team' } });
    expect(await fails('lead01', 'outreach.plan', plan({ teamIds: [userId('dept01')] }))).toMatchObject({ details: { reason: 'outreach_not_team_role' } });
    expect(await fails('lead01', 'outreach.plan', plan({ memberIds: [userId('agent02')] }))).toMatchObject({ details: { reason: 'outreach_not_member_role' } });
    expect(await fails('lead01', 'outreach.plan', plan({ memberIds: ['01900000-0000-7000-8000-00000000dead'] }))).toMatchObject({ details: { reason: 'outreach_person_unknown' } });
    expect(await fails('lead01', 'outreach.plan', plan({ title: '  ' }))).toMatchObject({ code: 'invalid_input' });
    expect(await auditCount()).toBe(before);
    expect((await as<OutreachOverview>('lead01', 'outreach.list', {})).events).toEqual([]);
  });

  it('only shift leads and admins plan; a department cannot see events at all', async () => {
    expect((await fails('agent01', 'outreach.plan', plan())).code).toBe('forbidden');
    expect((await fails('member01', 'outreach.plan', plan())).code).toBe('forbidden');
    expect((await fails('dept01', 'outreach.list', {})).code).toBe('forbidden');
    expect((await fails('dept01', 'outreach.candidates', {})).code).toBe('forbidden');
  });
});

describe('an event held today', () => {
  let ev: OutreachEventDetail;
  let fixed: TicketCreated;
  let dispatched: TicketCreated;

  it('a shift lead plans it: team and members, audited, numbered', async () => {
    const cands = await as<{ team: { id: string }[]; members: { id: string }[] }>('lead01', 'outreach.candidates', {});
    expect(cands.team.map((c) => c.id)).toContain(userId('agent01'));
    expect(cands.members.map((c) => c.id)).toEqual(expect.arrayContaining([userId('member01'), userId('expert01')]));
    expect(cands.members.map((c) => c.id)).not.toContain(userId('agent01'));
    ev = await as<OutreachEventDetail>('lead01', 'outreach.plan', plan());
    expect(ev).toMatchObject({ phase: 'today', date: TODAY, team: 1, members: ['刘教授（九三学社）', '张建国委员'], streetCode: street.code, districtCode: street.parent_code });
    expect(ev.number).toMatch(/^BM2025\d{4}$/);
    expect(ev.figures).toEqual({ communities: 1, appeals: 0, fixedOnSpot: 0, dispatched: 0, citizens: 0, peopleMet: 0, peopleServed: 0 });
    expect(ev.timeline.map((x) => x.action)).toEqual(['outreach.planned']);
    expect(ev.allowed.register).toBe(false); // the shift lead is not on the team
    const mine = await as<OutreachEventDetail>('agent01', 'outreach.get', { id: ev.id });
    expect(mine.allowed).toEqual({ register: true, setPeopleMet: true, edit: false, cancel: false });
  });

  it('an agent not on the team can neither see it nor register at it; a wrong channel is refused', async () => {
    expect((await fails('agent02', 'outreach.get', { id: ev.id })).code).toBe('not_found');
    expect((await as<OutreachOverview>('agent02', 'outreach.list', {})).events).toEqual([]);
    const before = await db().selectFrom('tickets').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(await fails('agent02', 'tickets.create', appeal(ev, '小区东门路灯不亮已经一周了'))).toMatchObject({ code: 'forbidden', details: { reason: 'outreach_not_on_team' } });
    expect(await fails('agent01', 'tickets.create', appeal(ev, '小区东门路灯不亮已经一周了', { channel: 'phone', citizen: { confidential: false, phone: '13800138000' } })))
      .toMatchObject({ code: 'invalid_input', details: { reason: 'outreach_channel' } });
    expect(await fails('agent01', 'tickets.create', appeal(ev, '小区东门路灯不亮已经一周了', { outreachEventId: '01900000-0000-7000-8000-00000000dead' })))
      .toMatchObject({ details: { reason: 'outreach_event_unknown' } });
    expect((await db().selectFrom('tickets').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n).toEqual(before.n);
  });

  it('fast intake: one appeal fixed on the spot closes through its lifecycle, one is dispatched as an ordinary ticket', async () => {
    fixed = await as<TicketCreated>('agent01', 'tickets.create', appeal(ev, '楼道声控灯不亮，现场更换灯泡', {
      citizen: { confidential: false, phone: '13800138001' }, resolveDirectly: { summary: '立行立改：现场更换楼道灯泡' },
    }));
    expect(fixed.status).toBe('resolved_directly');
    dispatched = await as<TicketCreated>('member01', 'tickets.create', appeal(ev, '小区门口道路坑洼，雨天积水严重', { citizen: { confidential: false, phone: '13800138002' } }));
    expect(dispatched.status).toBe('registered');
    // A second appeal from the first citizen, and one without a phone: three people, four appeals.
    await as('agent01', 'tickets.create', appeal(ev, '希望小区增设电动车充电桩', { citizen: { confidential: false, phone: '13800138001' } }));
    await as('agent01', 'tickets.create', appeal(ev, '老人咨询养老补贴办理流程'));
    const d = await as<TicketDetail>('lead01', 'tickets.get', { id: fixed.id! });
    expect(d).toMatchObject({ channel: 'outreach', status: 'resolved_directly' });
    const reg = d.timeline.find((x) => x.action === 'register')!;
    expect(JSON.parse(reg.data)).toMatchObject({ outreachEvent: ev.number, fixedOnSpot: true });
    expect(d.timeline.map((x) => x.action)).toContain('resolveDirectly');
    const audit = await db().selectFrom('audit_events').select('data').where('action', '=', 'ticket.registered').where('subject_id', '=', dispatched.id).executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data)).toMatchObject({ outreachEvent: ev.number, fixedOnSpot: false });
  });

  it('the team enters the people met; a stale version is refused; someone not on it may not', async () => {
    const cur = await as<OutreachEventDetail>('agent01', 'outreach.get', { id: ev.id });
    ev = await as<OutreachEventDetail>('agent01', 'outreach.setPeopleMet', { id: ev.id, expectedVersion: cur.version, peopleMet: 45 });
    expect(await fails('agent01', 'outreach.setPeopleMet', { id: ev.id, expectedVersion: cur.version, peopleMet: 50 })).toMatchObject({ code: 'conflict', details: { reason: 'outreach_stale' } });
    expect((await fails('agent02', 'outreach.setPeopleMet', { id: ev.id, expectedVersion: ev.version, peopleMet: 50 })).code).toBe('not_found');
    expect((await fails('agent01', 'outreach.setPeopleMet', { id: ev.id, expectedVersion: ev.version, peopleMet: -1 })).code).toBe('invalid_input');
  });

  it('its figures are counted from the store and equal the lists they open', async () => {
    ev = await as<OutreachEventDetail>('lead01', 'outreach.get', { id: ev.id });
    expect(ev.figures).toEqual({ communities: 1, appeals: 4, fixedOnSpot: 1, dispatched: 3, citizens: 3, peopleMet: 45, peopleServed: 48 });
    expect(ev.appeals).toHaveLength(ev.figures.appeals);
    expect(ev.appeals.filter((a) => a.fixedOnSpot).map((a) => a.id)).toEqual([fixed.id]);
    expect(ev.appeals.filter((a) => !a.fixedOnSpot)).toHaveLength(ev.figures.dispatched);
    const phones = new Set(ev.appeals.map((a) => a.phone ?? a.id));
    expect(phones.size).toBe(ev.figures.citizens);
    // Numbers are masked in the tally.
    expect(ev.appeals.map((a) => a.phone).filter(Boolean).every((p) => p!.includes('*'))).toBe(true);
    expect(ev.timeline.map((x) => x.action)).toEqual(['outreach.planned', 'outreach.appealRegistered', 'outreach.appealRegistered', 'outreach.appealRegistered', 'outreach.appealRegistered', 'outreach.peopleMet']);
  });

  it('on another day the event is closed to registration', async () => {
    clock = new Date('2025-06-04T02:00:00Z');
    try {
      expect(await fails('agent01', 'tickets.create', appeal(ev, '次日补登的诉求：小区垃圾清运不及时'))).toMatchObject({ code: 'conflict', details: { reason: 'outreach_not_event_day' } });
      // Registered offline yesterday and sent today: taken with the time it was saved.
      const late = await as<TicketCreated>('agent01', 'tickets.create', appeal(ev, '离线登记的诉求：小区健身器材损坏', { registeredAt: '2025-06-03T08:00:00Z' }));
      expect(late.number).toMatch(/^JC20250603/);
      expect((await as<OutreachEventDetail>('agent01', 'outreach.get', { id: ev.id })).allowed.register).toBe(false);
    } finally {
      clock = new Date('2025-06-03T02:00:00Z');
    }
  });
});

describe('cumulative figures', () => {
  it('count the events held so far; a planned one adds its community only once held', async () => {
    const other = await db().selectFrom('divisions').select('code').where('level', '=', 3).where('retired', '=', 0).where('code', '!=', community.code).orderBy('code').executeTakeFirstOrThrow();
    const later = await as<OutreachEventDetail>('admin', 'outreach.plan', plan({ communityCode: other.code, date: '2025-06-10', teamIds: [userId('agent02')], memberIds: [] }));
    expect(later).toMatchObject({ phase: 'planned', figures: { communities: 0 } });
    const o = await as<OutreachOverview>('lead01', 'outreach.list', {});
    expect(o.events.map((e) => e.id)).toEqual([later.id, expect.any(String)]);
    expect(o.totals).toEqual({ communities: 1, appeals: 5, fixedOnSpot: 1, dispatched: 4, citizens: 4, peopleMet: 45, peopleServed: 49 });
    expect(o.communities).toHaveLength(o.totals.communities);
    const held = o.events.filter((e) => e.phase !== 'planned');
    expect(held.reduce((n, e) => n + e.figures.appeals, 0)).toBe(o.totals.appeals);
    expect(held.reduce((n, e) => n + e.figures.fixedOnSpot, 0)).toBe(o.totals.fixedOnSpot);
    expect(held.reduce((n, e) => n + e.figures.peopleServed, 0)).toBe(o.totals.peopleServed);
    // Each reader's totals are over the events they may see: agent02 is only on the planned one.
    expect((await as<OutreachOverview>('agent02', 'outreach.list', {})).totals.appeals).toBe(0);
    expect((await as<OutreachOverview>('agent02', 'outreach.list', {})).events.map((e) => e.id)).toEqual([later.id]);
    expect((await as<OutreachEventDetail>('agent02', 'outreach.get', { id: later.id })).allowed).toEqual({ register: false, setPeopleMet: false, edit: false, cancel: false });
  });
});

/**
 * Two and more console servers in separate processes on one PostgreSQL database (issue 11, points
 * 4 and 5): claims, ticket actions, ticket numbers and events between processes. Each server is a
 * child process with its own pool and event bus (test/store/processes.ts). PostgreSQL only: a
 * SQLite store is one process by design. How fast events cross is measured in `npm run bench`.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import type { ContractError, SessionInfo, TicketChanged } from '../../shared/contract';
import { generateReferenceData } from '../../electron/demo';
import { openPostgresStore } from '../../electron/store/postgres';
import type { Store } from '../../electron/store/sqlite';
import { createDatabaseOn } from '../support/postgres';
import { buildServices, type Services } from './services';
import { writeReference } from './seed';
import { ServerProcess, startServers, wallMs } from './processes';

const MEMBERS = 8;
let url = '';
let store: Store;
let s: Services;
let servers: ServerProcess[] = [];
/** The server whose listener reconnects slowly, so events written meanwhile come by catch-up. */
let slow: ServerProcess;
const who: Record<string, SessionInfo> = {};
let leafId = '';
let deptId = '';

beforeAll(async () => {
  url = await createDatabaseOn(inject('postgresAdminUrl'));
  store = await openPostgresStore(url);
  const ref = generateReferenceData(12345);
  await writeReference(store.db, ref);
  s = await buildServices(store, () => new Date());
  const parents = new Set(ref.categories.map((c) => c.parent_id));
  leafId = ref.categories.find((c) => !parents.has(c.id))!.id;
  deptId = ref.departments.find((d) => d.kind === 'bureau')!.id;
  const accounts: [string, string, SessionInfo['user']['roles'], string | null][] = [
    ['agent01', '话务员一', ['agent'], null], ['lead01', '值班长', ['shift_lead'], null], ['dept01', '住建局', ['department'], deptId],
    ...Array.from({ length: MEMBERS }, (_, i): [string, string, SessionInfo['user']['roles'], null] => [`member0${i + 1}`, `委员${'一二三四五六七八'[i]}`, ['cppcc_member'], null]),
  ];
  for (const [username, displayName, roles, departmentId] of accounts) {
    const id = await s.users.create({ username, displayName, password: 'Hotline-2025!', roles, departmentId }, null);
    who[username] = await s.users.session(id);
  }
  for (let i = 1; i <= MEMBERS; i++) {
    await s.duty.savePattern({ userId: who[`member0${i}`]!.user.id, desk: 'studio', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00', validFrom: '2025-01-01', validUntil: null }, who.lead01!);
  }
  [servers, slow] = await Promise.all([startServers(url, MEMBERS - 1), ServerProcess.start(url, 1500)]);
  servers.push(slow);
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((p) => p.stop()));
  await store?.close();
});

async function newTicket(): Promise<{ id: string; version: number }> {
  const t = await s.intake.create({
    channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId: leafId, urgency: 'normal',
    title: '小区门口夜间施工噪音', content: '来电人反映小区门口工地每晚十一点后仍在施工，噪音很大，影响休息。',
  }, who.agent01!);
  return { id: t.id, version: (await s.intake.detail(t.id, who.agent01!, s.workflow)).version };
}

/** A start time all processes wait for, far enough ahead for every request to arrive first. */
const soon = () => wallMs() + 300;

describe('console servers in separate processes on one PostgreSQL database', () => {
  it('a claim race among 8 processes on one item: exactly one wins, each of the others is told who holds it', async () => {
    const ticket = await newTicket();
    const item = await s.consultation.escalate({ ticketIds: [ticket.id], reason: '涉及多个部门，需要委员协调', route: 'studio', urgency: 'normal', source: 'ticket' }, who.agent01!);
    const at = soon();
    type Claim = { won: boolean; claimedBy?: string; error?: ContractError };
    const results = await Promise.all(servers.map((p, i) => p.call<Claim>('claim', { itemId: item.id, username: `member0${i + 1}`, at })));
    const winners = results.map((r, i) => ({ ...r, member: `member0${i + 1}` })).filter((r) => r.won);
    expect(winners).toHaveLength(1);
    const winner = who[winners[0]!.member]!.user;
    expect(winners[0]!.claimedBy).toBe(winner.id);
    const losers = results.filter((r) => !r.won);
    expect(losers).toHaveLength(MEMBERS - 1);
    for (const l of losers) expect(l.error).toEqual({ code: 'conflict', details: { reason: 'consultation_already_claimed', claimedBy: winner.displayName } });
    // The store agrees: one claimer, one audit entry.
    const row = await store.db.selectFrom('consultation_items').select(['stage', 'claimed_by']).where('id', '=', item.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ stage: 'claimed', claimed_by: winner.id });
    const audits = await store.db.selectFrom('audit_events').select('actor_id').where('action', '=', 'consultation.claimed').where('subject_id', '=', item.id).execute();
    expect(audits).toEqual([{ actor_id: winner.id }]);
  });

  it('two processes acting on one ticket with the same version: one succeeds, the other gets a conflict, nothing is lost', async () => {
    const ticket = await newTicket();
    const at = soon();
    type Act = { done: boolean; error?: ContractError };
    const [dispatch, resolve] = await Promise.all([
      servers[0]!.call<Act>('act', { ticketId: ticket.id, expectedVersion: ticket.version, username: 'agent01', at, action: { type: 'dispatch', leadDepartmentId: deptId, coDepartmentIds: [], instructions: '请核实后依法处理并答复市民' } }),
      servers[1]!.call<Act>('act', { ticketId: ticket.id, expectedVersion: ticket.version, username: 'agent01', at, action: { type: 'resolveDirectly', summary: '已当场解答，无需派单' } }),
    ]);
    expect([dispatch.done, resolve.done].filter(Boolean)).toHaveLength(1);
    const loser = dispatch.done ? resolve : dispatch;
    expect(loser.error).toEqual({ code: 'conflict', details: { reason: 'ticket_stale' } });
    // The winner's change is whole and alone: one new version, one history event, flat columns in step.
    const detail = await s.intake.detail(ticket.id, who.agent01!, s.workflow);
    expect(detail.version).toBe(ticket.version + 1);
    expect(detail.timeline.map((e) => e.action)).toEqual(['register', dispatch.done ? 'dispatch' : 'resolveDirectly']);
    expect(detail.status).toBe(dispatch.done ? 'dispatched' : 'resolved_directly');
    const audits = await store.db.selectFrom('audit_events').select('action').where('subject_id', '=', ticket.id).where('action', 'like', 'ticket.%').execute();
    expect(audits.map((a) => a.action).filter((a) => a !== 'ticket.registered')).toEqual([dispatch.done ? 'ticket.dispatch' : 'ticket.resolveDirectly']);
  });

  it('ticket numbers taken by 8 processes at once are all different', async () => {
    const at = soon();
    const each = 5;
    const lists = await Promise.all(servers.map((p) => p.call<string[]>('intake', { username: 'agent01', categoryId: leafId, count: each, at })));
    const numbers = lists.flat();
    expect(numbers).toHaveLength(servers.length * each);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const n of numbers) expect(n).toMatch(/^JC\d{13}$/);
    // Each process sees its own numbers rise; gaps between processes are allowed, repeats are not.
    for (const l of lists) expect([...l].sort()).toEqual(l);
    const stored = await store.db.selectFrom('tickets').select('number').where('number', 'in', numbers).execute();
    expect(stored).toHaveLength(numbers.length);
  });

  it('what one process publishes reaches another: new item, claim, duty, reference data, ticket change, agent state', async () => {
    const [a, b] = [servers[2]!, servers[3]!];
    const from = b.received.length;
    const ticket = await newTicket();
    await a.call('act', { ticketId: ticket.id, expectedVersion: ticket.version, username: 'agent01', action: { type: 'dispatch', leadDepartmentId: deptId, coDepartmentIds: [], instructions: '请核实后依法处理并答复市民' } });
    const { itemId } = await a.call<{ itemId: string }>('escalate', { ticketId: ticket.id, username: 'agent01' });
    await a.call('claim', { itemId, username: 'member03' });
    await a.call('savePattern', { username: 'lead01', member: 'member03' });
    await a.call('referenceChanged');
    await a.call('agentState', { username: 'agent01', state: { name: 'ready', reason: null, since: '2026-01-01T00:00:00.000Z', callId: null, acwUntil: null, wrapUpCode: null } });
    await a.call('flush');
    await b.until(() => b.received.length - from >= 6);
    const got = b.received.slice(from).map((r) => r.event);
    expect(got.map((e) => (e.name === 'consultation.changed' ? `${e.name}:${e.payload.kind}` : e.name))).toEqual([
      'ticket.changed', 'consultation.changed:created', 'consultation.changed:claimed', 'duty.changed', 'reference.changed', 'phone.agent',
    ]);
    expect((got[0]!.payload as TicketChanged)).toMatchObject({ ticketId: ticket.id, action: 'dispatch', leadDepartmentId: deptId });
    expect(got[2]).toMatchObject({ payload: { item: { id: itemId, claimedByName: '委员三' } } });
    expect(got[5]).toEqual({ name: 'phone.agent', payload: { name: 'ready', reason: null, since: '2026-01-01T00:00:00.000Z', callId: null, acwUntil: null, wrapUpCode: null }, audience: { userIds: [who.agent01!.user.id] } });
    // Every other process heard them too, not only b.
    for (const p of servers.filter((x) => x !== a)) await p.until(() => p.received.some((r) => r.event.name === 'phone.agent'));
  });

  it('a process whose listening connection is killed reconnects and catches up on the events it missed, in order', async () => {
    const a = servers[0]!;
    const statusesBefore = slow.statuses.length;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const killed = await admin.query('select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1', [`hotline-events-${slow.busId}`]);
      expect(killed.rows).toEqual([{ ok: true }]);
      await slow.until(() => slow.statuses.slice(statusesBefore).some((x) => x.status === 'lost'));
      const from = slow.received.length;
      for (let i = 0; i < 5; i++) await a.call('referenceChanged');
      await a.call('flush');
      const publishedAt = wallMs();
      // Written while the slow process was not listening: they are in the table, by id.
      const rows = await admin.query<{ seq: string }>("select seq::text from console_events where origin = $1 and name = 'reference.changed' order by seq desc limit 5", [a.busId]);
      expect(rows.rows).toHaveLength(5);
      await slow.until(() => slow.received.length - from >= 5);
      const back = slow.statuses.slice(statusesBefore);
      expect(back.map((x) => x.status)).toEqual(['lost', 'listening']);
      // It was away when they were written: they came by catch-up after the reconnect.
      expect(back[1]!.at).toBeGreaterThan(publishedAt);
      const mine = slow.received.slice(from).map((r) => r.event);
      expect(mine.map((e) => e.name)).toEqual(Array(5).fill('reference.changed'));
      const stamps = mine.map((e) => (e.payload as { at: string }).at);
      expect([...stamps].sort()).toEqual(stamps);
      // And it listens again.
      await a.call('agentState', { username: 'member05', state: { name: 'ready', reason: null, since: '2026-01-02T00:00:00.000Z', callId: null, acwUntil: null, wrapUpCode: null } });
      await slow.until(() => slow.received.some((r) => r.event.name === 'phone.agent' && (r.event.payload as { since: string }).since === '2026-01-02T00:00:00.000Z'));
    } finally {
      await admin.end();
    }
  });
});

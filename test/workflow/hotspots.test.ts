import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HotspotAlert, HotspotList, Result } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

// Hotspots over the store the center runs on (unit: SQLite, pg: PostgreSQL), computed in the worker.
// The debounce is long so that a test's burst of registrations is one change whatever the store's
// speed; idle() flushes it.
let t: TestApp;
const alerts: HotspotAlert[] = [];
const lead: Connection = { id: 'lead', session: null, send: (name: string, payload: unknown) => { if (name === 'hotspot.alert') alerts.push(payload as HotspotAlert); } } as Connection;
const agent: Connection = { id: 'agent', session: null, send: () => {} };
const call = async <T>(c: Connection, name: string, input: unknown) => (await t.app.dispatcher.dispatch(c, name, input)) as Result<T>;
let leafId = '';

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 400, hotspots: { debounceMs: 60_000 } });
  for (const c of [lead, agent]) t.app.dispatcher.attach(c);
  await call(lead, 'session.login', { username: 'lead01', password: 'Demo-12345' });
  await call(agent, 'session.login', { username: 'agent01', password: 'Demo-12345' });
  const leaf = await t.app.store.db.selectFrom('categories').select('id').where('level', '=', 3).orderBy('code').executeTakeFirstOrThrow();
  leafId = leaf.id;
  await t.app.hotspots.idle();
}, 120_000);
afterAll(async () => { await t?.dispose(); });

const WAYS = ['路灯全部不亮', '路灯坏了一个星期', '晚上路灯一片漆黑', '路灯不亮没人修', '路灯一周未亮'];
async function register(n: number, from: number) {
  for (let i = from; i < from + n; i++) {
    const way = WAYS[i % WAYS.length]!;
    const r = await call<{ id: string }>(agent, 'tickets.create', {
      channel: 'phone', citizen: { phone: `1390000${String(1000 + i)}`, confidential: false }, appealType: 'complaint', categoryId: leafId, urgency: 'normal',
      title: `青松苑二期${way}`, content: `市民反映青松苑二期东门一带${way}，夜间出行不安全，请尽快维修。第${i}位来电。`,
    });
    expect(r.ok).toBe(true);
  }
}

describe('hotspots for shift leads', () => {
  it('only shift leads and admins read the list', async () => {
    expect(await call(agent, 'hotspots.list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const r = await call<HotspotList>(lead, 'hotspots.list', {});
    expect(r.ok && r.value.computedAt).not.toBeNull();
    expect(r.ok && r.value.ticketsConsidered).toBeGreaterThan(0);
  });

  it('finds new tickets about one place as a hotspot and tells the leads once, not once per ticket', { timeout: 120_000 }, async () => {
    const before = alerts.length;
    await register(8, 0);
    await t.app.hotspots.idle();
    const r = await call<HotspotList>(lead, 'hotspots.list', {});
    const h = r.ok ? r.value.hotspots.find((x) => x.title.includes('青松苑二期')) : undefined;
    expect(h).toBeDefined();
    expect(h!.people).toBe(8);
    expect(h!.tickets.every((x) => x.title.includes('青松苑二期'))).toBe(true);
    expect(h!.alert).toBe(true);
    const mine = alerts.slice(before).filter((a) => a.hotspot.id === h!.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.change).toBe('new');
    expect(t.app.hotspots.seed(h!.id)).toMatchObject({ hotspotId: h!.id, title: h!.title });
    expect(t.app.hotspots.seed(h!.id)!.ticketIds).toHaveLength(8);
  });

  it('tells the leads again when the hotspot grows, and not when nothing changed', { timeout: 120_000 }, async () => {
    const before = alerts.length;
    await register(3, 8);
    await t.app.hotspots.idle();
    const grown = alerts.slice(before).filter((a) => a.hotspot.title.includes('青松苑二期'));
    expect(grown).toHaveLength(1);
    expect(grown[0]).toMatchObject({ change: 'growing', previousPeople: 8 });
    expect(grown[0]!.hotspot.people).toBe(11);
    // A ticket about something else: the hotspot does not change, no new alert for it.
    const other = await call<{ id: string }>(agent, 'tickets.create', { channel: 'walk_in', citizen: { confidential: false }, appealType: 'consultation', categoryId: leafId, urgency: 'normal', title: '咨询社保转移手续', content: '来访人咨询跨省社保转移需要办理哪些手续。' });
    expect(other.ok).toBe(true);
    const n = alerts.length;
    await t.app.hotspots.idle();
    expect(alerts.slice(n).filter((a) => a.hotspot.title.includes('青松苑二期'))).toEqual([]);
  });
});

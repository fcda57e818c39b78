import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LeadAlertChange, SeatView } from '../../shared/contract';
import { createTestApp, type TestApp } from '../../test/support/app';
import { silentLogger } from '../log';
import type { EventPublisher } from '../events/bus';
import { LeadAlertService } from './lead-alerts';

// A caller waiting: the wait is seen from seat.changed (a citizen's call ringing on a seat) and
// grows with the clock, so the tick raises it; answering clears it. Two services on one store play
// two servers of a center hearing the same events: the leads are told once.
let t: TestApp;
beforeAll(async () => { t = await createTestApp(); }, 60_000);
afterAll(async () => { await t?.dispose(); });

const seat = (activity: SeatView['activity']): SeatView => ({
  userId: '00000000-0000-7000-8000-000000000001', name: '王晓燕', extension: '1001', activity, agent: 'ready', reason: null,
  since: null, registered: true, where: 'desk', call: activity === 'ringing' || activity === 'talking' ? { direction: 'inbound', remote: '138****5678', ticketNumber: null } : null,
});

describe('the longest wait', () => {
  it('raises once when a caller rings past the limit, on either server, and clears when the call is answered', async () => {
    let now = Date.parse('2026-12-06T01:00:00Z');
    const told: LeadAlertChange[] = [];
    const bus: EventPublisher = { publish: ((name: string, payload: LeadAlertChange) => { if (name === 'lead.alert') told.push(payload); }) as EventPublisher['publish'] };
    const make = () => new LeadAlertService({ db: t.app.store.db, bus, now: () => new Date(now), log: silentLogger, serviceLevel: async () => null });
    const [a, b] = [make(), make()];
    const off = { serviceLevelTargetPct: null, longestWaitSeconds: 60, overdueCount: null, unclaimedEscalations: null };
    await a.setThresholds(off, (await t.app.store.db.selectFrom('users').select('id').executeTakeFirst())?.id ?? 'system');
    const ringing = { name: 'seat.changed', payload: seat('ringing'), audience: { roles: ['shift_lead'] } } as const;
    for (const s of [a, b]) s.onEvent(ringing as never);
    now += 30_000;
    await Promise.all([a.check(['longest_wait']), b.check(['longest_wait'])]);
    expect(told).toEqual([]);
    now += 31_000;
    await Promise.all([a.check(['longest_wait']), b.check(['longest_wait'])]);
    now += 10_000;
    await Promise.all([a.check(['longest_wait']), b.check(['longest_wait'])]);
    expect(told).toEqual([{ state: 'raised', alert: expect.objectContaining({ kind: 'longest_wait', value: 61, threshold: 60 }) }]);
    // A server started meanwhile has heard no seat: it cannot know nobody waits, and leaves the alert be.
    const late = make();
    await late.check(['longest_wait']);
    expect(told).toHaveLength(1);
    late.close();
    const answered = { ...ringing, payload: seat('talking') };
    for (const s of [a, b]) s.onEvent(answered as never);
    await Promise.all([a.check(['longest_wait']), b.check(['longest_wait'])]);
    expect(told.map((c) => c.state)).toEqual(['raised', 'cleared']);
    expect(await a.raised()).toEqual([]);
    a.close();
    b.close();
  });
});

// A center sends tens of seat.changed a second; the service level (about seven queries to read) is
// checked once for a burst, and a breach is still told, once, and its end too.
describe('the service level on a burst of seat events', () => {
  it('is read once for a burst, and the alert is raised once and cleared once', async () => {
    const told: LeadAlertChange[] = [];
    const bus: EventPublisher = { publish: ((name: string, payload: LeadAlertChange) => { if (name === 'lead.alert') told.push(payload); }) as EventPublisher['publish'] };
    let level = 0.9;
    let reads = 0;
    const s = new LeadAlertService({
      db: t.app.store.db, bus, now: () => new Date('2026-12-06T02:00:00Z'), log: silentLogger, eventCheckMs: 50,
      serviceLevel: async () => { reads += 1; return level; },
    });
    const target = { serviceLevelTargetPct: 80, longestWaitSeconds: null, overdueCount: null, unclaimedEscalations: null };
    await s.setThresholds(target, (await t.app.store.db.selectFrom('users').select('id').executeTakeFirst())?.id ?? 'system');
    expect(told).toEqual([]);
    const changed = (activity: SeatView['activity']) => ({ name: 'seat.changed', payload: seat(activity), audience: { roles: ['shift_lead'] } }) as never;

    // Calls end unanswered in time: the level falls below the target during a burst of seat changes.
    level = 0.5;
    let before = reads;
    for (let i = 0; i < 100; i++) s.onEvent(changed(i % 2 ? 'talking' : 'ready'));
    await vi.waitFor(() => expect(told).toHaveLength(1));
    await s.idle();
    expect(reads - before).toBe(1);
    expect(told).toEqual([{ state: 'raised', alert: expect.objectContaining({ kind: 'service_level', value: 50, threshold: 80 }) }]);

    // More events meanwhile (the interval since the last check not over): checked after it, once.
    level = 0.9;
    before = reads;
    for (let i = 0; i < 100; i++) s.onEvent(changed(i % 2 ? 'after_call_work' : 'ready'));
    await vi.waitFor(() => expect(told).toHaveLength(2));
    await s.idle();
    expect(reads - before).toBe(1);
    expect(told[1]).toEqual({ state: 'cleared', alert: expect.objectContaining({ kind: 'service_level', value: 90, threshold: 80 }) });
    expect(await s.raised()).toEqual([]);
    s.close();
  });
});

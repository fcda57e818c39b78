/**
 * 每月分析研判 (issue 14.4) through the contract, on SQLite and (project pg) PostgreSQL: generation as
 * a job with progress and cancel, volumes per domain and district against last month and last year
 * (no history: null, not zero), the 三率 of the month's tickets by the KPI formulas, empty months,
 * the Word file, and a finding handed to the consultation queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import type { ContractError, JobView, MonthlyAnalysis, Result } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { chinaMonthRange } from '../../shared/domain/china-time';
import { ANALYSIS_HEADINGS } from '../../electron/services/analysis-report';

const clock = new Date('2025-06-03T02:00:00Z'); // Tuesday 10:00 Beijing; 40 days of demo history, from late April
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
async function report(month: string): Promise<MonthlyAnalysis> {
  const job = await as<JobView>('lead01', 'analysis.monthly', { month });
  const done = await t.app.jobs.settled(job.id);
  expect(done.state).toBe('done');
  return done.result as MonthlyAnalysis;
}
const db = () => t.app.store.db;

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 600, now: () => clock });
  for (const u of ['lead01', 'agent01', 'dept01', 'member01']) await signIn(u);
}, 90_000);
afterAll(async () => { await t?.dispose(); });

describe('the monthly analysis', () => {
  it('counts the month\'s tickets per domain and district; April is held only in part and last year not at all, so neither is compared', async () => {
    const a = await report('2025-05');
    const { start, end } = chinaMonthRange('2025-05');
    const stored = await db().selectFrom('tickets').select('id').where('created_at', '>=', start.toISOString()).where('created_at', '<', end.toISOString())
      .where('parent_id', 'is', null).execute();
    expect(a.total).toBe(stored.length);
    expect(a.total).toBeGreaterThan(50);
    expect(a.domains.reduce((s, d) => s + d.count, 0)).toBe(a.total);
    expect(a.districts.reduce((s, d) => s + d.count, 0)).toBe(a.total);
    expect(a.daily).toHaveLength(31);
    expect(a.daily.reduce((s, d) => s + d.count, 0)).toBe(a.total);
    // The demo history starts in late April 2025: April is partial and May 2024 unknown, so no
    // change against either is shown, and no partial month makes a "surge".
    expect(a.lastYear).toBeNull();
    expect(a.lastMonth).toBeNull();
    expect(a.domains.every((d) => d.lastYear === null && d.lastMonth === null)).toBe(true);
    expect(a.topIssues.every((i) => i.lastMonth === null)).toBe(true);
    expect(a.findings.filter((f) => f.kind === 'surge')).toEqual([]);
    const june = await report('2025-06');
    expect(june.lastMonth).toBe(a.total);
    expect(a.domains[0]!.count).toBeGreaterThanOrEqual(a.domains.at(-1)!.count);
    expect(a.topIssues.length).toBeGreaterThan(0);
    expect(a.topIssues[0]!.count).toBeGreaterThanOrEqual(a.topIssues.at(-1)!.count);
  });

  it('三率 are those of the month\'s tickets, by the KPI formulas, against a scan of their history', async () => {
    const a = await report('2025-05');
    const { start, end } = chinaMonthRange('2025-05');
    const entries = await db().selectFrom('tickets as t').innerJoin('ticket_events as e', 'e.ticket_id', 't.id').select(['e.action', 'e.data'])
      .where('t.created_at', '>=', start.toISOString()).where('t.created_at', '<', end.toISOString()).where('t.parent_id', 'is', null).execute();
    const visits = entries.filter((e) => e.action === 'recordReturnVisit').map((e) => JSON.parse(e.data) as { resolved: boolean; satisfied: boolean });
    const dispatches = entries.filter((e) => e.action === 'dispatch').length;
    const onTime = entries.filter((e) => e.action === 'sign' && (JSON.parse(e.data) as { late: boolean }).late === false).length;
    expect(visits.length).toBeGreaterThan(0);
    expect(a.returnVisits).toBe(visits.length);
    expect(a.rates.satisfaction).toBeCloseTo(visits.filter((v) => v.satisfied).length / visits.length, 10);
    expect(a.rates.resolution).toBeCloseTo(visits.filter((v) => v.resolved).length / visits.length, 10);
    expect(a.rates.response).toBeCloseTo(onTime / dispatches, 10);
  });

  it('an empty month is reported as empty: no volumes, no rates, no findings', async () => {
    const a = await report('2024-01');
    expect(a).toMatchObject({ total: 0, lastMonth: null, lastYear: null, domains: [], districts: [], topIssues: [], findings: [] });
    expect(a.rates).toEqual({ response: null, resolution: null, satisfaction: null });
    expect(a.daily.every((d) => d.count === 0)).toBe(true);
  });

  it('refuses a month in the future and callers outside the analysts', async () => {
    const job = await as<JobView>('lead01', 'analysis.monthly', { month: '2025-07' });
    const done = await t.app.jobs.settled(job.id);
    expect(done.state).toBe('failed');
    expect(done.error?.issues?.[0]).toEqual({ path: 'month', problem: 'in_future' });
    expect((await fails('agent01', 'analysis.monthly', { month: '2025-05' })).code).toBe('forbidden');
    expect((await fails('dept01', 'analysis.exportDocx', { month: '2025-05' })).code).toBe('forbidden');
  });

  it('a generation can be cancelled', async () => {
    const job = await as<JobView>('lead01', 'analysis.monthly', { month: '2025-05' });
    await as('lead01', 'jobs.cancel', { id: job.id });
    expect((await t.app.jobs.settled(job.id)).state).toBe('cancelled');
  });

  it('exports a Word file with the sections and the month\'s figures', async () => {
    const a = await report('2025-05');
    const file = await as<{ fileName: string; base64: string }>('lead01', 'analysis.exportDocx', { month: '2025-05' });
    expect(file.fileName).toBe('分析研判-2025-05.docx');
    const xml = await (await JSZip.loadAsync(Buffer.from(file.base64, 'base64'))).file('word/document.xml')!.async('string');
    for (const h of Object.values(ANALYSIS_HEADINGS)) expect(xml).toContain(h);
    expect(xml).toContain(`本月共登记工单 ${a.total} 件`);
    expect(xml).toContain('无完整历史数据');
    expect(xml).toContain(a.domains[0]!.name);
  });

  it('a domain that rose is a finding, and one click hands it to the consultation queue', async () => {
    const may = await report('2025-05');
    const june = await report('2025-06');
    const ref = await db().selectFrom('categories').select(['id', 'parent_id', 'level']).execute();
    const topOf = (id: string) => { let c = ref.find((x) => x.id === id); while (c?.parent_id) c = ref.find((x) => x.id === c!.parent_id); return c!.id; };
    const candidate = may.domains.filter((d) => d.key && d.count > 0).sort((a, b) => a.count - b.count)[0]!;
    const leaf = ref.find((c) => c.level === 3 && topOf(c.id) === candidate.key)!;
    const already = june.domains.find((d) => d.key === candidate.key)?.count ?? 0;
    const need = Math.max(10, Math.ceil(candidate.count * 1.3) + 1) - already;
    for (let n = 0; n < need; n++) {
      await as('agent01', 'tickets.create', {
        channel: 'phone', citizen: { phone: `1380013${String(8200 + n).padStart(4, '0')}`, confidential: false }, appealType: 'complaint', categoryId: leaf.id, urgency: 'normal',
        title: `同类诉求第${n + 1}件`, content: '来电人反映同一问题再次出现，希望尽快处理。',
      });
    }
    const after = await report('2025-06');
    const finding = after.findings.find((f) => f.id === `surge_domain:${candidate.key}`);
    expect(finding).toMatchObject({ kind: 'surge', scope: 'domain', subject: candidate.name, lastMonth: candidate.count });
    expect(after.lastMonth).toBe(may.total);
    const item = await as<{ itemId: string; number: string }>('lead01', 'analysis.escalateFinding', {
      month: '2025-06', finding: { kind: 'surge', scope: 'domain', key: finding!.key }, reason: '本月该领域诉求明显上升，请委员研判', route: 'studio', urgency: 'normal',
    });
    const row = await db().selectFrom('consultation_items').select(['source', 'title', 'domain']).where('id', '=', item.itemId).executeTakeFirstOrThrow();
    expect(row).toEqual({ source: 'analysis', title: `2025-06 ${candidate.name}诉求量明显上升`, domain: candidate.name });
    const linked = await db().selectFrom('consultation_item_tickets').select('ticket_id').where('item_id', '=', item.itemId).execute();
    expect(linked.length).toBeGreaterThanOrEqual(10);
    expect((await fails('lead01', 'analysis.escalateFinding', { month: '2025-06', finding: { kind: 'surge', scope: 'domain', key: 'nope' }, reason: '研判', route: 'studio', urgency: 'normal' })).code).toBe('not_found');
  });
});

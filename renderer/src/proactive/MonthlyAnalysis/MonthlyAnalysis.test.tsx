import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { JobViewOf, MonthlyAnalysis as Report } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { SessionProvider } from '../../state/session';
import { MonthlyAnalysis, monthOptions } from './MonthlyAnalysis';

const rates = { response: 0.95, resolution: 0.8, satisfaction: 0.9 };
const none = { response: null, resolution: null, satisfaction: null };
const full: Report = {
  month: '2026-11', generatedAt: '2026-12-05T02:00:00.000Z', historyFrom: '2026-01-01T00:00:00.000Z',
  total: 1200, lastMonth: 1000, lastYear: null, rates, returnVisits: 300, dispatched: 900,
  daily: Array.from({ length: 30 }, (_, i) => ({ date: `2026-11-${String(i + 1).padStart(2, '0')}`, count: 40 })),
  domains: [{ key: 'c1', name: '城市管理', count: 700, lastMonth: 500, lastYear: null, rates, returnVisits: 100 }, { key: 'c2', name: '交通运输', count: 500, lastMonth: 500, lastYear: null, rates: none, returnVisits: 0 }],
  districts: [{ key: '110101', name: '东城区', count: 1200, lastMonth: 1000, lastYear: null, rates, returnVisits: 300 }],
  topIssues: [{ categoryId: 'l1', name: '路灯不亮', domain: '城市管理', count: 300, lastMonth: 100 }],
  classCases: [{ caseId: 'x', caseNumber: 'LA20260001', caseTitle: '建设路沿线路灯不亮', state: 'open', members: 320, finished: 12, counters: [{ label: '路灯修复', unit: '盏', value: 5800, target: 6000 }] }],
  findings: [{ id: 'surge_domain:c1', key: 'c1', kind: 'surge', scope: 'domain', subject: '城市管理', count: 700, lastMonth: 500, rate: null }],
};
const empty: Report = { ...full, month: '2026-10', total: 0, lastMonth: null, rates: none, returnVisits: 0, dispatched: 0, daily: full.daily.map((d) => ({ ...d, count: 0 })), domains: [], districts: [], topIssues: [], classCases: [], findings: [] };

function api(result: Report) {
  const view = (r: Report): JobViewOf<'analysis.monthly'> => ({ id: '00000000-0000-4000-8000-000000000001', kind: 'analysis.monthly', state: 'done', phase: 'class_cases', done: 1, total: 1, startedAt: '', finishedAt: '', result: r, error: null });
  return fakeApi({
    'session.current': (() => ({ ok: true, value: { user: { id: 'u', username: 'lead01', displayName: '值班长', roles: ['shift_lead'], departmentId: null }, frames: ['proactive'], mustChangePassword: false } })) as never,
    'analysis.monthly': (() => ({ ok: true, value: view(result) })) as never,
    'analysis.escalateFinding': (() => ({ ok: true, value: { itemId: 'i', number: 'ZX202600012' } })) as never,
  });
}

describe('MonthlyAnalysis', () => {
  it('offers the last 24 months, newest first', () => {
    const m = monthOptions(new Date('2026-12-05T02:00:00Z'));
    expect(m).toHaveLength(24);
    expect(m[0]).toBe('2026-12');
    expect(m[1]).toBe('2026-11');
    expect(m[12]).toBe('2025-12');
  });

  it('shows the month against last month, says there is no history for last year, and lists findings, charts and class cases', async () => {
    const a = api(full);
    renderWithProviders(<SessionProvider><MonthlyAnalysis /></SessionProvider>, a);
    await act(async () => { fireEvent.click(screen.getByTestId('ma-generate')); });
    expect(await screen.findByTestId('ma-total')).toHaveTextContent('1,200');
    expect(screen.getByTestId('ma-rate-satisfaction')).toHaveTextContent('90.0%');
    expect(screen.getByTestId('monthly-analysis')).toHaveTextContent('+20.0%');
    expect(screen.getAllByText('无完整历史数据').length).toBeGreaterThan(0);
    const domains = screen.getByTestId('ma-domains');
    expect(within(domains).getByText('城市管理').closest('tr')).toHaveTextContent('+40.0%');
    // A domain with no return visits has no satisfaction to show: a dash, never 0 %.
    const cells = [...within(domains).getByText('交通运输').closest('tr')!.querySelectorAll('td')].map((c) => c.textContent);
    expect(cells.slice(-3)).toEqual(['—', '—', '—']);
    expect(cells[3]).toBe('+0.0%');
    expect(screen.getByTestId('ma-chart-daily')).toBeInTheDocument();
    expect(screen.getByTestId('ma-class-cases')).toHaveTextContent('路灯修复 5,800 / 6,000 盏');
    fireEvent.click(screen.getByTestId('ma-finding-escalate'));
    await act(async () => { fireEvent.click(await screen.findByTestId('ma-escalate-confirm')); });
    await waitFor(() => expect(screen.getByText('已转协商，事项编号 ZX202600012')).toBeInTheDocument());
    expect(a.calls.find((c) => c.name === 'analysis.escalateFinding')!.input).toMatchObject({ month: '2026-11', finding: { kind: 'surge', scope: 'domain', key: 'c1' } });
  });

  it('an empty month says so and draws no chart', async () => {
    renderWithProviders(<SessionProvider><MonthlyAnalysis /></SessionProvider>, api(empty));
    await act(async () => { fireEvent.click(screen.getByTestId('ma-generate')); });
    expect(await screen.findByTestId('ma-empty')).toHaveTextContent('本月没有登记工单');
    expect(screen.queryByTestId('ma-chart-daily')).toBeNull();
    expect(screen.queryByTestId('ma-chart-domains')).toBeNull();
    expect(screen.getByTestId('ma-rate-response')).toHaveTextContent('—');
  });
});

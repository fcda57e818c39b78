import { describe, expect, it } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import type { KpiReport, OverviewStats } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { SessionProvider } from '../../state/session';
import { Wallboard } from './Wallboard';

const overview = (ticketsToday: number): OverviewStats => ({
  ticketsToday, openTickets: 12, overdueTickets: 0, byStatus: [], byAppealType: [], byDistrict: [],
});
const kpis = (satisfied: number, returnVisits: number): KpiReport => ({
  from: '2026-11-05T16:00:00.000Z', to: '2026-12-05T16:00:00.000Z',
  counts: { registered: 10, resolvedDirectly: 0, dispatched: 0, signedOnTime: 0, returned: 0, returnVisits, resolved: 0, satisfied, replied: 0, repliedOnTime: 0, reopened: 0 },
  rates: { response: null, resolution: null, satisfaction: satisfied / returnVisits, onTimeClosure: null, reopen: null, return: null, directResolution: 0 },
});

/** The store as main would answer: the test changes it, then says so with stats.changed. */
function wallboardApi() {
  const now = { overview: overview(5), kpis: kpis(1, 2) };
  const api = fakeApi({
    'stats.overview': (() => ({ ok: true, value: now.overview })) as never,
    'stats.kpis': (() => ({ ok: true, value: now.kpis })) as never,
  });
  const reads = () => api.calls.filter((c) => c.name === 'stats.kpis').length;
  return { api, now, reads };
}

describe('Wallboard', () => {
  it('shows the KPIs of the last 30 China days, today included, from the day they start', async () => {
    const { api, reads } = wallboardApi();
    renderWithProviders(<SessionProvider><Wallboard /></SessionProvider>, api);
    expect(await screen.findByTestId('kpi-satisfaction')).toHaveTextContent('50.0%');
    expect(screen.getByText('近 30 天（含今日）“三率”及办理指标')).toBeInTheDocument();
    // 2026-11-05T16:00Z is midnight of 6 November in Beijing.
    expect(screen.getByText(/自 2026-11-06 零时（北京时间）起/)).toBeInTheDocument();
    expect(api.calls.find((c) => c.name === 'stats.kpis')?.input).toEqual({ days: 30 });
    expect(reads()).toBe(1);
  });

  it('reads the figures again when main says they changed, without waiting for a poll', async () => {
    const { api, now, reads } = wallboardApi();
    renderWithProviders(<SessionProvider><Wallboard /></SessionProvider>, api);
    expect(await screen.findByTestId('kpi-satisfaction')).toHaveTextContent('50.0%');
    expect(screen.getByTestId('wb-today')).toHaveTextContent('5');

    // A return visit and a new appeal were recorded elsewhere; main pushes stats.changed.
    now.kpis = kpis(2, 3);
    now.overview = overview(6);
    act(() => api.emit('stats.changed', { at: '2026-12-05T03:00:00.000Z' }));
    await waitFor(() => expect(screen.getByTestId('kpi-satisfaction')).toHaveTextContent('66.7%'));
    expect(screen.getByTestId('wb-today')).toHaveTextContent('6');
    expect(reads()).toBe(2);
  });

  it('stops listening when closed: an event after that reads nothing', async () => {
    const { api, reads } = wallboardApi();
    const view = renderWithProviders(<SessionProvider><Wallboard /></SessionProvider>, api);
    await screen.findByTestId('kpi-satisfaction');
    view.unmount();
    act(() => api.emit('stats.changed', { at: '2026-12-05T03:00:00.000Z' }));
    expect(reads()).toBe(1);
  });

  it('keeps the lists behind the queue figures only: no second approvals or overdue list at the bottom', async () => {
    const { api } = wallboardApi();
    renderWithProviders(<SessionProvider><Wallboard /></SessionProvider>, api);
    await screen.findByTestId('kpi-satisfaction');
    expect(screen.queryByText('待审批：退单与延期')).toBeNull();
    expect(screen.queryByText('超期工单（需督办）')).toBeNull();
    expect(api.calls.some((c) => c.name === 'tickets.work')).toBe(false);
  });
});

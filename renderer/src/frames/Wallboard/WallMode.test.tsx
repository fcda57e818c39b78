import { describe, expect, it } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import { Notifications } from '@mantine/notifications';
import type { LeadAlertView, WallboardCharts as ChartsData } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { WallMode, wallFromAddress } from './WallMode';
import { LeadAlertNotices } from './LeadAlerts';
import { WallboardCharts } from './WallboardCharts';

const level: LeadAlertView = { kind: 'service_level', value: 62.5, threshold: 80, since: '2026-12-06T01:00:00.000Z' };
const overdue: LeadAlertView = { kind: 'overdue', value: 57, threshold: 50, since: '2026-12-06T01:00:00.000Z' };
const charts: ChartsData = {
  day: '2026-12-06', usualDays: ['2026-11-29', '2026-11-22', '2026-11-15', '2026-11-08'],
  quarters: [{ slot: '09:00', today: 4, usual: 2.5, serviceLevel: 75 }, { slot: '09:15', today: 6, usual: 3, serviceLevel: 80 }],
  categories: [{ kind: 'category', name: '城乡建设', today: 7, usual: 4 }, { kind: 'other', name: '', today: 2, usual: 1.5 }],
  serviceLevelSeconds: 20, serviceLevelTargetPct: 80,
};

function wallApi(raised: LeadAlertView[]) {
  return fakeApi({
    'wallboard.alerts': (() => ({ ok: true, value: raised })) as never,
    'wallboard.charts': (() => ({ ok: true, value: charts })) as never,
    'wallboard.calls': (() => ({ ok: false, error: { code: 'forbidden' } })) as never,
    'stats.overview': (() => ({ ok: false, error: { code: 'forbidden' } })) as never,
  });
}

describe('wall mode', () => {
  it('shows the alerts raised now in the band, adds one raised later and drops one that cleared', async () => {
    const api = wallApi([level]);
    renderWithProviders(<WallMode onClose={() => {}} />, api);
    expect(await screen.findByTestId('wall-alert-service_level')).toHaveTextContent('服务水平 62.5%，低于目标 80%');
    act(() => api.emit('lead.alert', { state: 'raised', alert: overdue }));
    expect(screen.getByTestId('wall-alert-overdue')).toHaveTextContent('超期工单 57 件，达到 50 件');
    act(() => api.emit('lead.alert', { state: 'cleared', alert: level }));
    act(() => api.emit('lead.alert', { state: 'cleared', alert: overdue }));
    expect(screen.queryByTestId('wall-alert-band')).toBeNull();
    expect(screen.getByTestId('wall-alert-band-clear')).toHaveTextContent('各项指标正常');
    // No controls on the wall: nothing to click.
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });

  it('is opened by the address, with the rotation the address gives within 5–300 s', () => {
    expect(wallFromAddress('?wall&rotate=30')).toEqual({ open: true, rotateSeconds: 30 });
    expect(wallFromAddress('?wall=1&rotate=1')).toEqual({ open: true, rotateSeconds: 15 });
    expect(wallFromAddress('')).toMatchObject({ open: false });
  });
});

describe('the lead\'s notices', () => {
  it('shows one notice per raised alert and takes it down with a recovered notice when it clears', async () => {
    const api = wallApi([]);
    renderWithProviders(<><Notifications /><LeadAlertNotices /></>, api);
    act(() => api.emit('lead.alert', { state: 'raised', alert: level }));
    expect(await screen.findByText('服务水平 62.5%，低于目标 80%')).toBeInTheDocument();
    act(() => api.emit('lead.alert', { state: 'cleared', alert: level }));
    expect(await screen.findByText('已恢复：服务水平')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText('服务水平 62.5%，低于目标 80%')).toBeNull());
  });
});

describe('the wallboard\'s charts', () => {
  it('shows calls, categories and service level beside the usual, with the target', async () => {
    renderWithProviders(<WallboardCharts />, wallApi([]));
    expect(await screen.findByTestId('chart-calls')).toHaveTextContent('今日来电（每 15 分钟）');
    expect(screen.getByTestId('chart-categories')).toHaveTextContent('今日工单按类别');
    expect(screen.getByTestId('chart-service-level')).toHaveTextContent('零时起累计，20 秒内接通占比');
  });
});

import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { HotspotList, HotspotView } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { Hotspots } from './Hotspots';

const ticket = (n: number, lat: number | null, lng: number | null) => ({ id: `t${n}`, number: `2026120600${n}`, title: `青松苑二期路灯不亮 ${n}`, at: '2026-12-06T02:00:00.000Z', lat, lng });
const hotspot = (id: string, title: string, extra: Partial<HotspotView> = {}): HotspotView => ({
  id, kind: 'cluster', title, score: 12.5, people: 8, ticketCount: 3, alert: true, burst: 14, growth: 14, area: '江岸区', category: '路灯照明',
  terms: ['青松苑二期', '路灯不亮'], first: '2026-12-04T02:00:00.000Z', last: '2026-12-06T02:00:00.000Z',
  timeline: [{ day: '2026-12-04', count: 1 }, { day: '2026-12-06', count: 2 }], center: { lat: 30.6, lng: 114.3 },
  tickets: [ticket(1, 30.6, 114.3), ticket(2, 30.61, 114.31), ticket(3, 30.59, 114.29)], ...extra,
});
const list = (hotspots: HotspotView[]): HotspotList => ({ computedAt: '2026-12-06T02:05:00.000Z', ticketsConsidered: 1200, horizonDays: 90, hotspots });

function liveApi(answers: HotspotList[]) {
  let reads = 0;
  const api = fakeApi({ 'hotspots.list': (async () => ({ ok: true, value: answers[Math.min(reads++, answers.length - 1)]! })) as never });
  return { api, reads: () => reads };
}

// jsdom lays nothing out, so the virtualized list shows no rows here: the list is read through the
// map's numbered pins (each names its hotspot) and the detail of the selected one.
describe('Hotspots', () => {
  it('lists hotspots by rank beside a map, and shows the first one\'s terms, timeline and tickets', async () => {
    const second = hotspot('hs-2', '和平路渣土车违停', { alert: false, people: 4, center: { lat: 30.5, lng: 114.2 }, tickets: [ticket(7, 30.5, 114.2)], terms: ['渣土车'] });
    const { api } = liveApi([list([hotspot('hs-1', '青松苑二期路灯一周未亮'), second])]);
    renderWithProviders(<Hotspots />, api);
    await waitFor(() => expect(screen.getAllByTestId('hotspot-pin')).toHaveLength(2));
    expect(screen.getAllByTestId('hotspot-pin').map((p) => p.textContent)).toEqual(['11. 青松苑二期路灯一周未亮', '22. 和平路渣土车违停']);
    expect(screen.getByTestId('hotspots-summary')).toHaveTextContent('1200 件工单，2 个热点');
    expect(screen.getAllByTestId('heat-cell').length).toBeGreaterThan(0);
    const detail = screen.getByTestId('hotspot-detail');
    expect(detail).toHaveTextContent('8 位群众');
    expect(detail).toHaveTextContent('区域：江岸区 · 类别：路灯照明');
    expect(within(detail).getByTestId('hotspot-terms')).toHaveTextContent('青松苑二期');
    expect(detail).toHaveTextContent('相关工单（3 件）');
    expect(within(detail).getByTestId('hotspot-timeline')).toBeInTheDocument();
    // Clicking the second pin on the map selects that hotspot.
    fireEvent.click(screen.getAllByTestId('hotspot-pin')[1]!);
    await waitFor(() => expect(screen.getByTestId('hotspot-detail')).toHaveTextContent('和平路渣土车违停'));
    expect(screen.getByTestId('hotspot-detail')).toHaveTextContent('渣土车');
  });

  it('says so when the hotspots carry no coordinates, and when their tickets carry no time', async () => {
    const { api } = liveApi([list([hotspot('hs-1', '某小区电梯故障', { center: null, timeline: [], first: null, last: null, tickets: [ticket(1, null, null)] })])]);
    renderWithProviders(<Hotspots />, api);
    await waitFor(() => expect(screen.getByTestId('hotspot-map-empty')).toHaveTextContent('没有坐标'));
    expect(screen.getByTestId('hotspot-detail')).toHaveTextContent('没有登记时间');
  });

  it('reads the list again when main announces a new or growing hotspot', async () => {
    const { api, reads } = liveApi([list([]), list([hotspot('hs-1', '青松苑二期路灯一周未亮')])]);
    renderWithProviders(<Hotspots />, api);
    await waitFor(() => expect(screen.getByTestId('hotspots-summary')).toHaveTextContent('0 个热点'));
    expect(screen.queryByTestId('hotspot-detail')).toBeNull();
    act(() => api.emit('hotspot.alert', { change: 'new', hotspot: hotspot('hs-1', '青松苑二期路灯一周未亮'), previousPeople: 0 }));
    await waitFor(() => expect(screen.getByTestId('hotspot-detail')).toHaveTextContent('青松苑二期路灯一周未亮'));
    expect(reads()).toBe(2);
  });
});

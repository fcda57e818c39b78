import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { OutreachChanged, OutreachEventDetail, OutreachOverview } from '../../../../shared/contract';
import { outreachFigures } from '../../../../shared/domain/outreach';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { Outreach } from './Outreach';

// jsdom lays nothing out: give the virtualized lists a window (their client height) to render rows into.
beforeAll(() => { Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 }); });
afterAll(() => { delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight; });

const A = '01900000-0000-7000-8000-0000000000a1';
const B = '01900000-0000-7000-8000-0000000000b2';
const none = outreachFigures({ communities: 0, appeals: 0, fixedOnSpot: 0, citizens: 0, peopleMet: 0 });

function eventOf(id: string, title: string, extra: Partial<OutreachEventDetail> = {}): OutreachEventDetail {
  return {
    id, number: `BM2026${id.slice(-4)}`, title, date: '2026-12-09', phase: 'planned', communityCode: '110101001001', community: '东城区 东华门街道 多福巷社区',
    address: '社区党群服务中心广场', figures: none, team: 1, members: [], cancelled: null, version: 1, districtCode: '110101', streetCode: '110101001',
    people: [{ id: 'u-agent01', displayName: '王晓燕', part: 'team', roles: ['agent'] }], appeals: [], timeline: [],
    allowed: { register: false, setPeopleMet: false, edit: true, cancel: true }, ...extra,
  };
}

/** Main as the outreach frame of a shift lead sees it; the test changes `events` to play another lead's or the team's changes. */
function outreachApi() {
  const events = new Map<string, OutreachEventDetail>([[A, eventOf(A, '便民服务进小区（多福巷）')]]);
  const api = fakeApi({
    'outreach.list': (() => {
      const rows = [...events.values()].map(({ version: _v, districtCode: _d, streetCode: _s, people: _p, appeals: _a, timeline: _t, allowed: _w, ...row }) => row);
      return { ok: true, value: { events: rows, totals: none, communities: [], canPlan: true } satisfies OutreachOverview };
    }) as never,
    'outreach.get': ((i: { id: string }) => (events.has(i.id) ? { ok: true, value: events.get(i.id)! } : { ok: false, error: { code: 'not_found' } })) as never,
    'outreach.candidates': (() => ({ ok: true, value: { team: [{ id: 'u-agent01', displayName: '王晓燕', roles: ['agent'] }], members: [] } })) as never,
    'reference.get': (() => ({ ok: true, value: { categories: [], departments: [], divisions: [] } })) as never,
    'outreach.edit': ((i: { id: string; expectedVersion: number; address: string }) => {
      const e = events.get(i.id)!;
      if (e.version !== i.expectedVersion) return { ok: false, error: { code: 'conflict', details: { reason: 'outreach_edit_stale' } } };
      events.set(i.id, { ...e, address: i.address, version: e.version + 1 });
      return { ok: true, value: events.get(i.id)! };
    }) as never,
  });
  const changed = (eventId: string, kind: OutreachChanged['kind']) => act(() => api.emit('outreach.changed', { eventId, kind, at: '2026-12-07T01:00:00.000Z' }));
  const reads = (name: 'outreach.list' | 'outreach.get') => api.calls.filter((c) => c.name === name).length;
  return { api, events, changed, reads };
}

const listed = () => screen.getAllByTestId('outreach-list-item').map((e) => e.textContent);

describe('Outreach', () => {
  it('reads the list and the open event again when main says an event changed elsewhere', async () => {
    const { api, events, changed, reads } = outreachApi();
    renderWithProviders(<Outreach />, api);
    await waitFor(() => expect(screen.getByTestId('outreach-detail')).toHaveTextContent('便民服务进小区（多福巷）'));
    expect(listed()).toHaveLength(1);

    // Another lead plans an event: it appears in this lead's list; the event open here is not read again.
    events.set(B, eventOf(B, '便民服务进小区（青松苑）'));
    changed(B, 'planned');
    await waitFor(() => expect(listed()).toHaveLength(2));
    expect(listed().join()).toContain('便民服务进小区（青松苑）');
    expect(reads('outreach.get')).toBe(1);

    // The team registers appeals at the open event, several at once: one read of each, the figures and the appeal shown.
    const lists = reads('outreach.list');
    const a = events.get(A)!;
    events.set(A, { ...a, phase: 'today', figures: outreachFigures({ communities: 1, appeals: 1, fixedOnSpot: 0, citizens: 1, peopleMet: 0 }),
      appeals: [{ id: 't1', number: 'GD202612070001', title: '楼道声控灯不亮', status: 'registered', createdAt: '2026-12-07T01:00:00.000Z', fixedOnSpot: false, phone: '138****5678', registeredBy: '王晓燕' }] });
    changed(A, 'appeal');
    changed(A, 'appeal');
    await waitFor(() => expect(screen.getByTestId('event-figure-appeals-value')).toHaveTextContent('1'));
    expect(within(screen.getByTestId('outreach-detail')).getByText('楼道声控灯不亮')).toBeInTheDocument();
    expect(reads('outreach.list')).toBe(lists + 1);
    expect(reads('outreach.get')).toBe(2);

    // Another lead cancels it: shown cancelled, with who and why, here and in the list.
    events.set(A, { ...events.get(A)!, cancelled: { at: '2026-12-07T02:00:00.000Z', byName: '陈班长', reason: '暴雨预警，活动延期' }, allowed: { register: false, setPeopleMet: false, edit: false, cancel: false } });
    changed(A, 'cancelled');
    await waitFor(() => expect(screen.getByTestId('outreach-cancelled')).toHaveTextContent('暴雨预警，活动延期'));
    expect(screen.getByTestId('outreach-cancelled')).toHaveTextContent('陈班长');
    expect(screen.getByTestId('outreach-list')).toHaveTextContent('已取消');
  });

  it('an event this reader may no longer see (taken off its team) leaves the view', async () => {
    const { api, events, changed } = outreachApi();
    renderWithProviders(<Outreach />, api);
    await waitFor(() => expect(screen.getByTestId('outreach-detail')).toBeInTheDocument());
    events.delete(A);
    changed(A, 'edited');
    await waitFor(() => expect(screen.queryByTestId('outreach-detail')).toBeNull());
    expect(screen.queryAllByTestId('outreach-list-item')).toEqual([]);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('an edit form open while the event changes elsewhere keeps what was typed; saving it is then refused as stale, in Chinese', async () => {
    const { api, events, changed } = outreachApi();
    renderWithProviders(<Outreach />, api);
    fireEvent.click(await screen.findByTestId('outreach-edit-open'));
    const address = await screen.findByTestId('plan-address');
    await waitFor(() => expect(address).toHaveValue('社区党群服务中心广场'));
    fireEvent.change(address, { target: { value: '社区文化活动室' } });
    // Another lead moves the event meanwhile.
    events.set(A, { ...events.get(A)!, title: '便民服务进小区（改期）', date: '2026-12-10', version: 2 });
    changed(A, 'edited');
    await waitFor(() => expect(screen.getByTestId('outreach-detail')).toHaveTextContent('便民服务进小区（改期）'));
    expect(screen.getByTestId('plan-address')).toHaveValue('社区文化活动室');
    await act(async () => { fireEvent.click(screen.getByTestId('plan-submit')); });
    await waitFor(() => expect(screen.getByTestId('outreach-plan-error')).toHaveTextContent('该活动刚被他人修改'));
    expect(events.get(A)).toMatchObject({ address: '社区党群服务中心广场', version: 2 });
  });
});

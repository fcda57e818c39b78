import { beforeAll, describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TicketDetail } from '../../../../shared/contract';
import type { DepartmentSuggestions, DispatchWarning } from '../../../../shared/domain/routing';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { TicketActions } from './TicketActions';
import { TicketDrawer } from '../TicketDrawer/TicketDrawer';
import { SessionProvider } from '../../state/session';

const ticket: TicketDetail = {
  id: 't1', number: 'JC2026112800001', createdAt: '2026-11-28T02:00:00.000Z', channel: 'phone', appealType: 'complaint', urgency: 'normal',
  status: 'registered', callerName: null, phone: null, confidential: false, categoryPath: '', title: '夜间施工噪音', content: '来电反映',
  location: '', address: null, coordinates: null, leadDepartment: null, signBy: null, replyBy: null, closedAt: null, version: 3,
  allowedActions: ['dispatch'], deadline: null, timeline: [],
};
const suggestions: DepartmentSuggestions = {
  lead: [
    { departmentId: 'd1', name: '市住房和城乡建设局', score: 0.8, basis: 'category_district', count: 37, days: 90 },
    { departmentId: 'd2', name: '市生态环境局', score: 0.2, basis: 'text', count: 0, days: null },
  ],
  co: [{ departmentId: 'd3', name: '市城市管理执法局', score: 0.4, basis: 'category', count: 5, days: 90 }],
};
const warning: DispatchWarning = { kind: 'returned_similar', departmentId: 'd1', name: '市住房和城乡建设局', count: 2, similarBy: 'category', lastReason: '不属于本单位职责', lastAt: '2026-11-20T02:00:00.000Z' };

function setup() {
  const api = fakeApi({
    'reference.get': (() => ({ ok: true, value: { categories: [], divisions: [], departments: [
      { id: 'd1', code: 'JC-ZJJ', name: '市住房和城乡建设局', kind: 'bureau', districtCode: null },
      { id: 'd2', code: 'JC-STHJ', name: '市生态环境局', kind: 'bureau', districtCode: null },
      { id: 'd3', code: 'JC-CGJ', name: '市城市管理执法局', kind: 'bureau', districtCode: null },
    ] } })) as never,
    'tickets.suggestDepartments': (() => ({ ok: true, value: suggestions })) as never,
    'tickets.checkDispatch': ((i: { leadDepartmentId: string }) => ({ ok: true, value: i.leadDepartmentId === 'd1' ? [warning] : [] })) as never,
    'tickets.act': (() => ({ ok: true, value: { ...ticket, status: 'dispatched' } })) as never,
  });
  renderWithProviders(<TicketActions ticket={ticket} onChanged={() => {}} />, api);
  return api;
}

// jsdom has no FontFaceSet; Mantine's autosize textarea (派单意见) listens to it.
beforeAll(() => {
  if (!('fonts' in document)) Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener() {}, removeEventListener() {} } });
});

describe('dispatch with 智能派单 and the misrouting guard', () => {
  it('shows the suggestions with their reason; one click picks the lead, another adds the co-department', async () => {
    const api = setup();
    await userEvent.click(screen.getByTestId('action-dispatch'));
    expect(await screen.findByText('近 90 天同类同区工单 37 件由其承办')).toBeInTheDocument();
    expect(screen.getByText('标题相近的工单多由其承办')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('routing-pick-1'));
    await userEvent.click(screen.getByText('协办：市城市管理执法局'));
    await userEvent.type(screen.getByTestId('dispatch-instructions'), '请核实处理');
    await userEvent.click(screen.getByTestId('action-submit'));
    // No warning for these: sent at the first click, without an acknowledgement.
    await waitFor(() => expect(api.calls.find((c) => c.name === 'tickets.act')).toBeDefined());
    expect(api.calls.find((c) => c.name === 'tickets.act')!.input).toMatchObject({ action: { leadDepartmentId: 'd2', coDepartmentIds: ['d3'] } });
    expect((api.calls.find((c) => c.name === 'tickets.act')!.input as { action: object }).action).not.toHaveProperty('acknowledgeWarnings');
  });

  it('warns of a department that returned similar tickets and sends only on the second click', async () => {
    const api = setup();
    await userEvent.click(screen.getByTestId('action-dispatch'));
    await userEvent.click(await screen.findByTestId('routing-pick-0'));
    expect(await screen.findByText('市住房和城乡建设局近 90 天退回同类工单 2 件，最近一次（11月20日）退单理由：“不属于本单位职责”')).toBeInTheDocument();
    await userEvent.type(screen.getByTestId('dispatch-instructions'), '请核实处理');
    await userEvent.click(screen.getByTestId('action-submit'));
    expect(api.calls.some((c) => c.name === 'tickets.act')).toBe(false);
    expect(screen.getByTestId('action-submit')).toHaveTextContent('仍要派单');
    await userEvent.click(screen.getByTestId('action-submit'));
    await waitFor(() => expect(api.calls.find((c) => c.name === 'tickets.act')?.input).toMatchObject({ action: { leadDepartmentId: 'd1', acknowledgeWarnings: true } }));
  });

  it('shows on the timeline that a dispatch was sent over the guard\'s warning', async () => {
    const data = JSON.stringify({ leadDepartmentId: 'd1', coDepartmentIds: [], signBy: '2026-11-29T15:59:59.000Z', replyBy: '2026-12-10T15:59:59.000Z', instructions: '请核实', guardWarnings: [warning], guardAcknowledged: true });
    const api = fakeApi({ 'tickets.get': (() => ({ ok: true, value: { ...ticket, allowedActions: [], timeline: [{ id: 'e1', at: '2026-11-28T02:00:00.000Z', action: 'dispatch', actorName: '王晓燕', fromStatus: 'registered', toStatus: 'dispatched', data }] } })) as never });
    renderWithProviders(<SessionProvider><TicketDrawer ticketId="t1" onClose={() => {}} /></SessionProvider>, api);
    expect(await screen.findByText(/派单提醒 1 条，坐席确认后派出/)).toBeInTheDocument();
  });
});

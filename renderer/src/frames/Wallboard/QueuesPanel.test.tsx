import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { KpiReport, LeadConsultCounts, LeadConsultQueue, LeadConsultRow, LeadQueue, LeadQueueCounts, LeadQueueRow, LeadRates } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { SessionProvider } from '../../state/session';
import { QueuesPanel } from './QueuesPanel';

// jsdom lays nothing out: give the virtualized list a window (its client height) to render rows into.
// (Element.prototype keeps jsdom's own; the override on HTMLElement.prototype is removed after.)
beforeAll(() => { Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 }); });
afterAll(() => { delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight; });

const row = (n: number, extra: Partial<LeadQueueRow> = {}): LeadQueueRow => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, number: `GD2026120500${n}`, createdAt: '2026-12-05T01:00:00.000Z', appealType: 'complaint',
  urgency: 'normal', status: 'returned', title: `夜间施工噪音扰民 ${n}`, district: '东城区', leadDepartment: '市住建委', leadDepartmentId: 'd-zjw', signBy: null,
  replyBy: '2026-12-20T15:59:59.000Z', deadline: 'ok', version: 3, returnReason: '不属于本单位职责', pendingExtension: null, ...extra,
});
const report = (response: number | null): KpiReport => ({
  from: '2026-12-04T16:00:00.000Z', to: '2026-12-05T16:00:00.000Z',
  counts: { registered: 0, resolvedDirectly: 0, dispatched: 0, signedOnTime: 0, returned: 0, returnVisits: 0, resolved: 0, satisfied: 0, replied: 0, repliedOnTime: 0, reopened: 0 },
  rates: { response, resolution: null, satisfaction: null, onTimeClosure: null, reopen: null, return: null, directResolution: null },
});
const period = () => ({ current: report(0.9), previous: report(0.8) });

/** Main as the panel sees it: lists per queue, counts from the same lists, and tickets.act with versions. */
function leadApi(roles: string[] = ['shift_lead']) {
  const lists: Record<LeadQueue, LeadQueueRow[]> = {
    to_dispatch: [], to_sign: [], due_today: [],
    overdue: [row(7, { status: 'handling', title: '供水管道破裂无人处理', returnReason: null, deadline: 'overdue' })],
    returns: Array.from({ length: 3 }, (_, i) => row(i + 1)),
    extensions: [row(9, { status: 'extension_requested', returnReason: null, pendingExtension: { days: 5, proposedReplyBy: '2026-12-27T15:59:59.000Z', reason: '需要现场核查' } })],
  };
  const item = (n: number, extra: Partial<LeadConsultRow> = {}): LeadConsultRow => ({
    key: `item-${n}`, number: `ZX20261200${n}`, title: `工地夜间施工反复投诉 ${n}`, escalatedAt: '2026-12-04T01:00:00.000Z',
    deadline: '2026-12-04T03:00:00.000Z', measure: null, claimer: null, itemId: `item-${n}`, claimerId: null, version: 2, ...extra,
  });
  const consult: Record<LeadConsultQueue, LeadConsultRow[]> = {
    unclaimed: [item(1), item(2), item(3, { deadline: '2026-12-07T01:00:00.000Z' })],
    claim_overdue: [item(1), item(2)],
    measures_overdue: [item(4, { key: 'item-4:m1', deadline: '2026-12-01', measure: '复核夜间施工许可', claimer: '张建国委员', claimerId: 'u-member01', itemId: 'item-4' })],
  };
  /** The version each ticket has in "main" now: a test moves one on to play a change made elsewhere. */
  const versions = new Map<string, number>();
  /** The overdue-measure item's version in "main". */
  const itemVersion = { current: 2 };
  const api = fakeApi({
    'session.current': (() => ({ ok: true, value: { user: { id: 'u-lead', username: 'lead01', displayName: '值班长', roles, departmentId: null }, frames: ['wallboard'], mustChangePassword: false } })) as never,
    'wallboard.queues': (() => ({ ok: true, value: Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, v.length])) as LeadQueueCounts })) as never,
    'wallboard.queue': ((i: { queue: LeadQueue }) => ({ ok: true, value: lists[i.queue] })) as never,
    'wallboard.consultQueues': (() => ({ ok: true, value: Object.fromEntries(Object.entries(consult).map(([k, v]) => [k, v.length])) as LeadConsultCounts })) as never,
    'wallboard.consultQueue': ((i: { queue: LeadConsultQueue }) => ({ ok: true, value: consult[i.queue] })) as never,
    'reference.get': (() => ({ ok: true, value: { categories: [], divisions: [], departments: [
      { id: 'd-zjw', code: 'ZJW', name: '市住建委', kind: 'bureau' }, { id: 'd-sw', code: 'SW', name: '市水务局', kind: 'bureau' },
    ] } })) as never,
    'duty.now': (() => ({ ok: true, value: [
      { patternId: 'p1', date: '2026-12-05', userId: 'u-member01', userName: '张建国委员', desk: 'studio', start: '', end: '', swappedFromName: null },
      { patternId: 'p2', date: '2026-12-05', userId: 'u-member02', userName: '李卫东委员', desk: 'studio', start: '', end: '', swappedFromName: null },
    ] })) as never,
    'consultation.reassign': ((i: { id: string; toUserId: string; expectedVersion: number }) => {
      if (i.expectedVersion !== itemVersion.current) return { ok: false, error: { code: 'conflict', details: { reason: 'consultation_stale' } } };
      consult.measures_overdue = consult.measures_overdue.map((r) => (r.itemId === i.id ? { ...r, claimer: '李卫东委员', claimerId: i.toUserId, version: r.version + 1 } : r));
      itemVersion.current += 1;
      return { ok: true, value: { claimedByName: '李卫东委员' } };
    }) as never,
    'wallboard.rates': (() => ({ ok: true, value: { day: period(), week: period(), month: period() } satisfies LeadRates })) as never,
    'tickets.act': ((i: { ticketId: string; expectedVersion: number; action: { type: string } }) => {
      const current = versions.get(i.ticketId) ?? 3;
      if (current !== i.expectedVersion) return { ok: false, error: { code: 'conflict', details: { reason: 'ticket_stale' } } };
      lists.returns = lists.returns.filter((r) => r.id !== i.ticketId);
      if (i.action.type === 'reassign') lists.overdue = lists.overdue.map((r) => (r.id === i.ticketId ? { ...r, leadDepartment: '市水务局', leadDepartmentId: 'd-sw', status: 'dispatched' } : r));
      return { ok: true, value: {} };
    }) as never,
  });
  return { api, lists, versions, consult, itemVersion };
}

describe('QueuesPanel', () => {
  it('shows each figure, opens the list behind it with as many rows, and the 三率 against the period before', async () => {
    const { api } = leadApi();
    renderWithProviders(<SessionProvider><QueuesPanel /></SessionProvider>, api);
    await waitFor(() => expect(screen.getByTestId('queue-count-returns')).toHaveTextContent('3'));
    expect(screen.getByTestId('queue-count-extensions')).toHaveTextContent('1');
    expect(screen.getByTestId('rate-week-response')).toHaveTextContent('90.0%');
    expect(screen.getByTestId('rate-week-response')).toHaveTextContent('▲ 10.0');

    fireEvent.click(screen.getByTestId('queue-returns'));
    const drawer = await screen.findByTestId('queue-list');
    await waitFor(() => expect(within(drawer).getAllByTestId('row-approveReturn')).toHaveLength(3));
    expect(screen.getByTestId('queue-list-count')).toHaveTextContent('共 3 件');
    expect(within(drawer).getAllByText('不属于本单位职责')).toHaveLength(3);
  });

  it('approves a return from its row with the row version; the figure and the list drop by one', async () => {
    const { api } = leadApi();
    renderWithProviders(<SessionProvider><QueuesPanel /></SessionProvider>, api);
    fireEvent.click(await screen.findByTestId('queue-returns'));
    const drawer = await screen.findByTestId('queue-list');
    await waitFor(() => expect(within(drawer).getAllByTestId('row-approveReturn')).toHaveLength(3));
    fireEvent.click(within(drawer).getAllByTestId('row-approveReturn')[0]!);
    fireEvent.change(await screen.findByTestId('lead-action-text'), { target: { value: '同意退回，重新派单' } });
    await act(async () => { fireEvent.click(screen.getByTestId('lead-action-confirm')); });
    await waitFor(() => expect(screen.getByTestId('queue-list-count')).toHaveTextContent('共 2 件'));
    await waitFor(() => expect(screen.getByTestId('queue-count-returns')).toHaveTextContent('2'));
    const sent = api.calls.find((c) => c.name === 'tickets.act')!.input;
    expect(sent).toEqual({ ticketId: row(1).id, expectedVersion: 3, action: { type: 'approveReturn', note: '同意退回，重新派单' } });
  });

  it('says in Chinese that the ticket changed meanwhile, and changes nothing', async () => {
    const { api, versions, lists } = leadApi();
    renderWithProviders(<SessionProvider><QueuesPanel /></SessionProvider>, api);
    fireEvent.click(await screen.findByTestId('queue-returns'));
    const drawer = await screen.findByTestId('queue-list');
    await waitFor(() => expect(within(drawer).getAllByTestId('row-rejectReturn')).toHaveLength(3));
    versions.set(row(1).id, 4); // a department or another lead acted on it after the list was read
    fireEvent.click(within(drawer).getAllByTestId('row-rejectReturn')[0]!);
    // A rejection must say why: nothing is sent before.
    expect(screen.getByTestId('lead-action-confirm')).toBeDisabled();
    fireEvent.change(screen.getByTestId('lead-action-text'), { target: { value: '属于本单位职责范围' } });
    await act(async () => { fireEvent.click(screen.getByTestId('lead-action-confirm')); });
    expect(await screen.findByTestId('lead-action-error')).toHaveTextContent('工单已被他人处理，请刷新后再操作。');
    expect(lists.returns).toHaveLength(3);
    expect(screen.getByTestId('queue-count-returns')).toHaveTextContent('3');
  });

  it('shows the consultation figures, each opening a read list with as many rows that a click leaves as it is', async () => {
    const { api, consult } = leadApi();
    renderWithProviders(<SessionProvider><QueuesPanel /></SessionProvider>, api);
    await waitFor(() => expect(screen.getByTestId('queue-count-unclaimed')).toHaveTextContent('3'));
    expect(screen.getByTestId('queue-claim_overdue')).toHaveTextContent('超认领时限');
    expect(screen.getByTestId('queue-count-claim_overdue')).toHaveTextContent('2');
    expect(screen.getByTestId('queue-count-measures_overdue')).toHaveTextContent('1');

    fireEvent.click(screen.getByTestId('queue-unclaimed'));
    const list = await screen.findByTestId('consult-list');
    await waitFor(() => expect(within(list).getAllByText(/工地夜间施工反复投诉/)).toHaveLength(3));
    expect(screen.getByTestId('consult-list-count')).toHaveTextContent('共 3 项');
    expect(within(list).getAllByText('未认领')).toHaveLength(3);
    const sent = api.calls.length;
    fireEvent.click(within(list).getByText('工地夜间施工反复投诉 1'));
    fireEvent.doubleClick(within(list).getByText('工地夜间施工反复投诉 1'));
    expect(api.calls.slice(sent).filter((c) => c.name !== 'drafts.get')).toEqual([]);
    // Nothing else opens over the list: no ticket or item is read, no other dialog shows.
    expect(screen.getAllByRole('dialog')).toHaveLength(1);
    expect(consult.unclaimed).toHaveLength(3);
  });

  it('lists an overdue measure with its item, due day and claimer', async () => {
    const { api } = leadApi();
    renderWithProviders(<SessionProvider><QueuesPanel /></SessionProvider>, api);
    // The consultation figures open only once the session says this is a shift lead.
    const button = await screen.findByTestId('queue-measures_overdue');
    await waitFor(() => expect(button).toBeEnabled());
    fireEvent.click(button);
    const list = await screen.findByTestId('consult-list');
    await waitFor(() => expect(within(list).getByText('复核夜间施工许可')).toBeInTheDocument());
    expect(screen.getByTestId('consult-list-count')).toHaveTextContent('共 1 条措施');
    expect(within(list).getByText('ZX202612004')).toBeInTheDocument();
    expect(within(list).getByText('2026-12-01')).toBeInTheDocument();
    expect(within(list).getByText('张建国委员')).toBeInTheDocument();
  });

  it('shows an admin the consultation figures without opening the items behind them', async () => {
    const { api } = leadApi(['admin']);
    renderWithProviders(<SessionProvider><QueuesPanel /></SessionProvider>, api);
    await waitFor(() => expect(screen.getByTestId('queue-count-unclaimed')).toHaveTextContent('3'));
    await waitFor(() => expect(screen.getByTestId('queue-unclaimed')).toBeDisabled());
    expect(screen.getByTestId('queue-unclaimed')).toHaveAttribute('title', '事项明细仅值班长可查看');
    fireEvent.click(screen.getByTestId('queue-unclaimed'));
    expect(screen.queryByTestId('consult-list')).toBeNull();
    expect(api.calls.some((c) => c.name === 'wallboard.consultQueue')).toBe(false);
  });

  it('reassigns (改派) an overdue ticket to another department with a reason; the current department is not offered', async () => {
    const { api, lists } = leadApi();
    renderWithProviders(<SessionProvider><QueuesPanel /></SessionProvider>, api);
    fireEvent.click(await screen.findByTestId('queue-overdue'));
    const drawer = await screen.findByTestId('queue-list');
    await waitFor(() => expect(within(drawer).getAllByTestId('row-reassign')).toHaveLength(1));
    fireEvent.click(within(drawer).getByTestId('row-reassign'));
    expect(await screen.findByTestId('reassign-from')).toHaveTextContent('现主办单位：市住建委');
    fireEvent.change(screen.getByTestId('lead-action-text'), { target: { value: '属于供水管网维修' } });
    // Without a department nothing can be sent.
    expect(screen.getByTestId('lead-action-confirm')).toBeDisabled();
    fireEvent.click(screen.getByTestId('reassign-department'));
    const options = await screen.findAllByRole('option', { hidden: true });
    expect(options.map((o) => o.textContent)).toEqual(['市水务局']);
    fireEvent.click(options[0]!);
    await act(async () => { fireEvent.click(screen.getByTestId('lead-action-confirm')); });
    const sent = api.calls.find((c) => c.name === 'tickets.act')!.input;
    expect(sent).toEqual({ ticketId: row(7).id, expectedVersion: 3, action: { type: 'reassign', reason: '属于供水管网维修', leadDepartmentId: 'd-sw' } });
    await waitFor(() => expect(within(drawer).getByText('市水务局')).toBeInTheDocument());
    expect(lists.overdue[0]!.leadDepartmentId).toBe('d-sw');
  });

  it('says in Chinese when the ticket to reassign changed meanwhile, and moves nothing', async () => {
    const { api, lists, versions } = leadApi();
    renderWithProviders(<SessionProvider><QueuesPanel /></SessionProvider>, api);
    fireEvent.click(await screen.findByTestId('queue-overdue'));
    const drawer = await screen.findByTestId('queue-list');
    fireEvent.click(await within(drawer).findByTestId('row-reassign'));
    versions.set(row(7).id, 4);
    fireEvent.change(await screen.findByTestId('lead-action-text'), { target: { value: '属于供水管网维修' } });
    fireEvent.click(screen.getByTestId('reassign-department'));
    fireEvent.click((await screen.findAllByRole('option', { hidden: true }))[0]!);
    await act(async () => { fireEvent.click(screen.getByTestId('lead-action-confirm')); });
    expect(await screen.findByTestId('lead-action-error')).toHaveTextContent('工单已被他人处理，请刷新后再操作。');
    expect(lists.overdue[0]!.leadDepartmentId).toBe('d-zjw');
  });

  it('reassigns a claimed item to another member on duty (the claimer not offered); a stale item is refused in Chinese', async () => {
    const { api, itemVersion } = leadApi();
    renderWithProviders(<SessionProvider><QueuesPanel /></SessionProvider>, api);
    const button = await screen.findByTestId('queue-measures_overdue');
    await waitFor(() => expect(button).toBeEnabled());
    fireEvent.click(button);
    const list = await screen.findByTestId('consult-list');
    fireEvent.click(await within(list).findByTestId('row-reassign-item'));
    fireEvent.click(await screen.findByTestId('reassign-member'));
    const options = await screen.findAllByRole('option', { hidden: true });
    expect(options.map((o) => o.textContent)).toEqual(['李卫东委员（政协委员工作室）']);
    fireEvent.click(options[0]!);
    fireEvent.change(screen.getByTestId('reassign-item-reason'), { target: { value: '张委员外出调研' } });
    itemVersion.current = 3; // the member recorded work meanwhile
    await act(async () => { fireEvent.click(screen.getByTestId('reassign-item-confirm')); });
    expect(await screen.findByTestId('reassign-item-error')).toHaveTextContent('事项已被他人更新，请刷新后重试。');
    expect(within(list).getByText('张建国委员')).toBeInTheDocument();
    // The list was read again: a second try with the version it now has goes through.
    await waitFor(() => expect(api.calls.filter((c) => c.name === 'wallboard.consultQueue').length).toBeGreaterThanOrEqual(2));
    itemVersion.current = 2;
    await act(async () => { fireEvent.click(screen.getByTestId('reassign-item-confirm')); });
    await waitFor(() => expect(within(list).getByText('李卫东委员')).toBeInTheDocument());
    expect(api.calls.filter((c) => c.name === 'consultation.reassign').at(-1)!.input).toEqual({ id: 'item-4', toUserId: 'u-member02', reason: '张委员外出调研', expectedVersion: 2 });
  });
});

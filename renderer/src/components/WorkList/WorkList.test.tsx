import { describe, expect, it } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import type { ConsoleApi, TicketChanged, WorkRow } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { SessionProvider } from '../../state/session';
import { WorkList, watchedDeadline, type WorkTab } from './WorkList';

const row = (id: string, status: string, extra: Partial<WorkRow> = {}): WorkRow => ({
  id, number: `JC${id}`, createdAt: '2026-12-01T01:00:00Z', appealType: 'complaint', urgency: 'normal', status, title: `工单${id}`,
  district: '江岸区', leadDepartment: '市住房和城乡建设局', signBy: '2026-12-04T15:59:59Z', replyBy: '2026-12-20T15:59:59Z', deadline: 'ok', ...extra,
});

/** The fake client, plus a way to push events as main would. */
function liveApi(rows: () => WorkRow[]) {
  const base = fakeApi({ 'tickets.work': (() => ({ ok: true, value: rows() })) as never });
  const listeners = new Set<(p: TicketChanged) => void>();
  const api: ConsoleApi = { request: base.request, on: ((name: string, l: (p: TicketChanged) => void) => {
    if (name !== 'ticket.changed') return () => undefined;
    listeners.add(l);
    return () => listeners.delete(l);
  }) as ConsoleApi['on'] };
  const emit = (p: Partial<TicketChanged>) => act(() => {
    for (const l of listeners) l({ ticketId: 'x', number: 'JCx', state: 'closed', action: 'close', leadDepartmentId: null, coDepartmentIds: [], version: 2, previousDepartmentIds: [], ...p });
  });
  const loads = () => base.calls.filter((c) => c.name === 'tickets.work').length;
  return { api, emit, loads };
}

const tabs: WorkTab[] = [
  { value: 'toSign', label: '待签收', match: (r) => r.status === 'dispatched' },
  { value: 'handling', label: '办理中', match: (r) => ['signed', 'handling'].includes(r.status) },
  { value: 'overdue', label: '超期', match: (r) => watchedDeadline(r).status === 'overdue' },
];

describe('WorkList', () => {
  it('counts each tab, watching the sign deadline before signing and the reply deadline after', async () => {
    const data = [row('1', 'dispatched', { signDeadline: 'overdue' }), row('2', 'dispatched', { signDeadline: 'ok' }), row('3', 'handling', { deadline: 'overdue' }), row('4', 'signed')];
    const { api } = liveApi(() => data);
    renderWithProviders(<SessionProvider><WorkList view="department" empty="空" tabs={tabs} columns="desk" /></SessionProvider>, api);
    await waitFor(() => expect(screen.getByTestId('work-count-toSign')).toHaveTextContent('2'));
    expect(screen.getByTestId('work-count-handling')).toHaveTextContent('2');
    expect(screen.getByTestId('work-count-overdue')).toHaveTextContent('2');
  });

  it('reloads when a ticket enters its queue or a listed one changes, not for changes elsewhere', async () => {
    let data = [row('1', 'dispatched')];
    const { api, emit, loads } = liveApi(() => data);
    renderWithProviders(<SessionProvider><WorkList view="department" empty="空" tabs={tabs} columns="desk" /></SessionProvider>, api);
    await waitFor(() => expect(screen.getByTestId('work-count-toSign')).toHaveTextContent('1'));
    expect(loads()).toBe(1);
    emit({ ticketId: 'other', state: 'closed' });
    // Past the reload's short coalescing delay, nothing was asked again.
    await act(() => new Promise((r) => setTimeout(r, 500)));
    expect(loads()).toBe(1);
    data = [row('1', 'dispatched'), row('2', 'dispatched')];
    emit({ ticketId: '2', state: 'dispatched', action: 'dispatch' });
    await waitFor(() => expect(screen.getByTestId('work-count-toSign')).toHaveTextContent('2'));
    expect(loads()).toBe(2);
    data = [row('2', 'dispatched')];
    emit({ ticketId: '1', state: 'registered', action: 'approveReturn' });
    await waitFor(() => expect(screen.getByTestId('work-count-toSign')).toHaveTextContent('1'));
    expect(loads()).toBe(3);
  });
});

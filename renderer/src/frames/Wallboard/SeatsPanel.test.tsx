import { describe, expect, it } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import type { ConsoleApi, SeatView } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { SessionProvider } from '../../state/session';
import { SeatsPanel } from './SeatsPanel';

const seat = (extension: string, extra: Partial<SeatView> = {}): SeatView => ({
  userId: `u-${extension}`, name: `坐席${extension}`, extension, activity: 'ready', agent: 'ready', reason: null,
  since: '2026-12-05T02:00:00.000Z', registered: true, call: null, where: 'here', ...extra,
});

/** The fake client, with main's seat.changed pushes on demand and the list answered when the test says. */
function liveApi(list: SeatView[]) {
  let answer: () => void = () => undefined;
  const answered = new Promise<void>((r) => { answer = r; });
  const base = fakeApi({ 'wallboard.seats': (async () => { await answered; return { ok: true, value: list }; }) as never });
  const listeners = new Set<(p: SeatView) => void>();
  const api: ConsoleApi = { request: base.request, on: ((name: string, l: (p: SeatView) => void) => {
    if (name !== 'seat.changed') return () => undefined;
    listeners.add(l);
    return () => listeners.delete(l);
  }) as ConsoleApi['on'] };
  const push = (s: SeatView) => act(() => { for (const l of listeners) l(s); });
  return { api, push, answer: () => act(async () => { answer(); await answered; }) };
}

const count = (activity: string) => screen.getByTestId(`seat-count-${activity}`);

describe('SeatsPanel', () => {
  it('counts seats by what they do and follows each change pushed by main', async () => {
    const { api, push, answer } = liveApi([
      seat('1001'), seat('1002', { activity: 'talking', agent: 'on_call', call: { direction: 'inbound', remote: '138****5678', ticketNumber: null } }),
      seat('1003', { activity: 'offline', agent: 'logged_out', registered: false, where: 'none' }),
    ]);
    renderWithProviders(<SessionProvider><SeatsPanel /></SessionProvider>, api);
    await answer();
    await waitFor(() => expect(count('ready')).toHaveTextContent('就绪 1'));
    expect(count('talking')).toHaveTextContent('通话中 1');
    expect(count('offline')).toHaveTextContent('离线 1');

    // 1001 takes a break; 1002 finishes the call and wraps up.
    push(seat('1001', { activity: 'not_ready', agent: 'not_ready', reason: '用餐' }));
    push(seat('1002', { activity: 'after_call_work', agent: 'after_call_work' }));
    // Drawn together on the next frame.
    await waitFor(() => expect(count('ready')).toHaveTextContent('就绪 0'));
    expect(count('not_ready')).toHaveTextContent('示忙 1');
    expect(count('talking')).toHaveTextContent('通话中 0');
    expect(count('after_call_work')).toHaveTextContent('话后处理 1');
  });

  it('keeps a change that arrives before the list, since it is newer than the list', async () => {
    const { api, push, answer } = liveApi([seat('1001')]);
    renderWithProviders(<SessionProvider><SeatsPanel /></SessionProvider>, api);
    push(seat('1001', { activity: 'ringing', call: { direction: 'inbound', remote: '139****0000', ticketNumber: null } }));
    await answer();
    await waitFor(() => expect(count('ringing')).toHaveTextContent('振铃 1'));
    expect(count('ready')).toHaveTextContent('就绪 0');
  });

  it('says how seats get onto the board when none has a phone', async () => {
    const { api, answer } = liveApi([]);
    renderWithProviders(<SessionProvider><SeatsPanel /></SessionProvider>, api);
    await answer();
    await screen.findByText(/还没有配置话机的坐席/);
  });
});

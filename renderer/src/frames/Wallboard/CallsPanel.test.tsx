import { describe, expect, it } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import type { CallStatsView, SeatView } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { CallsPanel } from './CallsPanel';

const stats = (offered: number, extra: Partial<CallStatsView> = {}): CallStatsView => ({
  day: '2026-12-05', offered, answered: offered - 1, abandoned: 1, answeredInTime: offered - 2, serviceLevel: (offered - 2) / offered,
  serviceLevelSeconds: 20, asaMs: 8_400, ahtMs: 185_000, acwMs: null, poorAudio: 0,
  byHour: [{ hour: 9, offered, answered: offered - 1, abandoned: 1, answeredInTime: offered - 2, serviceLevel: (offered - 2) / offered }], ...extra,
});

/** The fake client: each read of wallboard.calls answers the next figures; seat.changed pushed on demand. */
function liveApi(answers: CallStatsView[]) {
  let reads = 0;
  const api = fakeApi({ 'wallboard.calls': (async () => ({ ok: true, value: answers[Math.min(reads++, answers.length - 1)]! })) as never });
  const push = () => act(() => api.emit('seat.changed', {} as SeatView));
  return { api, push, reads: () => reads };
}

describe('CallsPanel', () => {
  it('shows today\'s figures in words a lead reads at a glance', async () => {
    const { api } = liveApi([stats(10)]);
    renderWithProviders(<CallsPanel />, api);
    await waitFor(() => expect(screen.getByTestId('calls-offered')).toHaveTextContent('10'));
    expect(screen.getByTestId('calls-answered')).toHaveTextContent('9');
    expect(screen.getByTestId('calls-abandoned')).toHaveTextContent('1');
    expect(screen.getByTestId('calls-serviceLevel')).toHaveTextContent('80.0%');
    expect(screen.getByTestId('calls-asa')).toHaveTextContent('8 秒');
    expect(screen.getByTestId('calls-aht')).toHaveTextContent('3 分 5 秒');
    expect(screen.getByTestId('calls-acw')).toHaveTextContent('—');
    expect(screen.getByTestId('calls-by-hour')).toHaveTextContent('9时');
  });

  it('reads the figures again once after a burst of seat changes, not once per change', async () => {
    const { api, push, reads } = liveApi([stats(10), stats(12)]);
    renderWithProviders(<CallsPanel />, api);
    await waitFor(() => expect(screen.getByTestId('calls-offered')).toHaveTextContent('10'));
    push(); push(); push();
    await waitFor(() => expect(screen.getByTestId('calls-offered')).toHaveTextContent('12'), { timeout: 4000 });
    expect(reads()).toBe(2);
  });
});

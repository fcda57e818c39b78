import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import type { PoorAudioCallRow } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { PoorAudioDrawer } from './PoorAudioDrawer';

const row = (callId: string, extra: Partial<PoorAudioCallRow>): PoorAudioCallRow => ({
  callId, agentName: '王晓燕', direction: 'inbound', remote: '139****5678', invitedAt: '2026-12-06T02:30:00.000Z', talkMs: 60_000,
  jitterMs: 2, jitterP95Ms: 5, lossPermille: 0, rttMs: 1, rttP95Ms: 2, warnings: 0, ...extra,
});

// jsdom lays nothing out: give the list's scroll box a height, so the virtual rows in view are drawn.
beforeAll(() => { Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 }); });
afterAll(() => { delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight; });

describe('PoorAudioDrawer', () => {
  it('lists today\'s poor calls with why each is there, even when its figures look fine', async () => {
    const api = fakeApi({
      'wallboard.poorAudioCalls': (async () => ({ ok: true, value: [
        row('a', { warnings: 1 }),
        row('b', { agentName: '李明', lossPermille: 82, jitterP95Ms: 61 }),
      ] })) as never,
    });
    renderWithProviders(<PoorAudioDrawer opened onClose={() => undefined} />, api);
    const list = await screen.findByTestId('poor-audio-list');
    await waitFor(() => expect(within(list).getAllByRole('row')).toHaveLength(2));
    const [first, second] = within(list).getAllByRole('row');
    expect(first).toHaveTextContent('王晓燕');
    expect(first).toHaveTextContent('139****5678');
    expect(first).toHaveTextContent('告警 1 次');
    expect(first).toHaveTextContent('2 ms / 5 ms');
    expect(first).toHaveTextContent('0.0%');
    expect(second).toHaveTextContent('丢包多、抖动大');
    expect(second).toHaveTextContent('8.2%');
    expect(second).not.toHaveTextContent('告警');
    expect(screen.getByText(/判定：通话中出现过/)).toBeInTheDocument();
  });

  it('says when today has no poor calls', async () => {
    const api = fakeApi({ 'wallboard.poorAudioCalls': (async () => ({ ok: true, value: [] })) as never });
    renderWithProviders(<PoorAudioDrawer opened onClose={() => undefined} />, api);
    expect(await screen.findByText('今日没有音质差的通话')).toBeInTheDocument();
  });
});

import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { AlertSettingsPanel } from './AlertSettingsPanel';

const stored = { serviceLevelTargetPct: 80, longestWaitSeconds: 60, overdueCount: 50, unclaimedEscalations: null };

function panelApi() {
  return fakeApi({
    'wallboard.getAlertSettings': (() => ({ ok: true, value: stored })) as never,
    'wallboard.setAlertSettings': ((i: unknown) => ({ ok: true, value: i })) as never,
  });
}

describe('AlertSettingsPanel', () => {
  it('refuses a target out of range with a Chinese sentence and saves nothing', async () => {
    const api = panelApi();
    renderWithProviders(<AlertSettingsPanel />, api);
    const input = await screen.findByTestId('alert-serviceLevelTargetPct');
    await waitFor(() => expect(input).toHaveValue('80'));
    await userEvent.clear(input);
    await userEvent.type(input, '120');
    await userEvent.click(screen.getByTestId('alert-settings-save'));
    expect(await screen.findByTestId('alert-settings-error')).toHaveTextContent('服务水平目标（%）应为 1–100 之间的整数，或留空');
    expect(api.calls.some((c) => c.name === 'wallboard.setAlertSettings')).toBe(false);
  });

  it('saves the thresholds, an emptied field as not watched', async () => {
    const api = panelApi();
    renderWithProviders(<AlertSettingsPanel />, api);
    const overdue = await screen.findByTestId('alert-overdueCount');
    await waitFor(() => expect(overdue).toHaveValue('50'));
    await userEvent.clear(overdue);
    await userEvent.click(screen.getByTestId('alert-settings-save'));
    await waitFor(() => expect(api.calls.find((c) => c.name === 'wallboard.setAlertSettings')?.input)
      .toEqual({ serviceLevelTargetPct: 80, longestWaitSeconds: 60, overdueCount: null, unclaimedEscalations: null }));
  });
});

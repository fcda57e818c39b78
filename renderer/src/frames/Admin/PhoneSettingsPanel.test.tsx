import { beforeAll, describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { PhoneSettingsPanel } from './PhoneSettingsPanel';

const stored = {
  notReadyReasons: [{ code: 'break', label: '小休' }], wrapUpCodes: [{ code: 'done', label: '已处理' }], acwSeconds: 30, serviceLevelSeconds: 20,
  selfTestRequired: false, echoNumber: null,
};

function panelApi() {
  return fakeApi({
    'phone.getConfig': (() => ({ ok: true, value: stored })) as never,
    'phone.setConfig': ((i: unknown) => ({ ok: true, value: { ...stored, ...(i as object) } })) as never,
  });
}

// Mantine's autosize Textarea listens for web fonts loading; jsdom has no document.fonts.
beforeAll(() => {
  if (!('fonts' in document)) Object.defineProperty(document, 'fonts', { value: { addEventListener: () => {}, removeEventListener: () => {} } });
});

describe('PhoneSettingsPanel: pre-shift self-test', () => {
  it('requires the self-test and sets the echo number', async () => {
    const api = panelApi();
    renderWithProviders(<PhoneSettingsPanel />, api);
    const box = await screen.findByTestId('self-test-required');
    await waitFor(() => expect(screen.getByTestId('service-level-seconds')).toHaveValue('20'));
    await userEvent.click(box);
    await userEvent.type(screen.getByTestId('echo-number'), '9196');
    await userEvent.click(screen.getByTestId('phone-settings-save'));
    await waitFor(() => expect(api.calls.find((c) => c.name === 'phone.setConfig')?.input).toMatchObject({ selfTestRequired: true, echoNumber: '9196' }));
  });

  it('refuses an echo number that is not a number, in Chinese, and saves nothing', async () => {
    const api = panelApi();
    renderWithProviders(<PhoneSettingsPanel />, api);
    await waitFor(() => expect(screen.getByTestId('service-level-seconds')).toHaveValue('20'));
    await userEvent.type(screen.getByTestId('echo-number'), 'echo');
    await userEvent.click(screen.getByTestId('phone-settings-save'));
    expect(await screen.findByTestId('phone-settings-error')).toHaveTextContent('回声测试号码只能包含数字');
    expect(api.calls.some((c) => c.name === 'phone.setConfig')).toBe(false);
  });
});

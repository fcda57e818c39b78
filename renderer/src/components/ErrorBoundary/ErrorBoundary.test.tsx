import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Textarea } from '@mantine/core';
import { ErrorBoundary } from './ErrorBoundary';
import { useDraft } from '../../hooks/useDraft';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';

/** A form whose render throws once the text contains "boom", like a bug deep in a real form. */
function FragileForm() {
  const [text, setText] = useDraft('test.fragile', '');
  if (text.includes('boom') && !text.includes('fixed')) throw new Error('render bug');
  return <Textarea label="诉求内容" value={text} onChange={(e) => setText(e.currentTarget.value)} />;
}

describe('ErrorBoundary with drafts', () => {
  // The render error is expected; keep React's report of it out of the test output.
  beforeEach(() => { vi.spyOn(console, 'error').mockImplementation(() => {}); });

  it('keeps the rest of the screen and gives back what was typed after a render error', async () => {
    const api = fakeApi();
    const user = userEvent.setup();
    renderWithProviders(<><ErrorBoundary><FragileForm /></ErrorBoundary><p>其他区域</p></>, api);
    await user.type(screen.getByLabelText('诉求内容'), '小区门口夜间施工噪音 boom');
    expect(await screen.findByRole('alert')).toHaveTextContent('此区域出错了');
    expect(screen.getByText('其他区域')).toBeInTheDocument();
    // The typed text survives in the draft; simulate the developer's fix by appending to it.
    const stored = JSON.parse(localStorage.getItem('hotline.draft.test.fragile')!) as { value: string };
    expect(stored.value).toBe('小区门口夜间施工噪音 boom');
    localStorage.setItem('hotline.draft.test.fragile', JSON.stringify({ value: `${stored.value} fixed`, savedAt: new Date().toISOString() }));
    await user.click(screen.getByRole('button', { name: '重新加载此区域' }));
    expect(screen.getByLabelText('诉求内容')).toHaveValue('小区门口夜间施工噪音 boom fixed');
  });

  it('saves the draft to main after a pause in typing', async () => {
    const api = fakeApi();
    const user = userEvent.setup();
    renderWithProviders(<FragileForm />, api);
    await user.type(screen.getByLabelText('诉求内容'), '路灯不亮');
    await act(() => new Promise((r) => setTimeout(r, 500)));
    const saves = api.calls.filter((c) => c.name === 'drafts.save');
    expect(saves.at(-1)?.input).toEqual({ key: 'test.fragile', data: JSON.stringify('路灯不亮') });
    // Keystrokes are batched: far fewer saves than characters typed.
    expect(saves.length).toBeLessThan(4);
  });

  it('restores a draft saved in main by an earlier run of the console', async () => {
    const api = fakeApi({
      'drafts.get': (() => ({ ok: true, value: { key: 'test.fragile', data: JSON.stringify('上次没写完的诉求'), savedAt: '2026-01-01T00:00:00.000Z' } })) as never,
    });
    renderWithProviders(<FragileForm />, api);
    expect(await screen.findByDisplayValue('上次没写完的诉求')).toBeInTheDocument();
  });
});

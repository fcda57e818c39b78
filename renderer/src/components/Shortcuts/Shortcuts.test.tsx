import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TextInput } from '@mantine/core';
import { ShortcutsProvider, useShortcut } from './Shortcuts';
import { ShortcutRegistry, comboOf } from './registry';
import { renderWithProviders } from '../../../test/render';

function Desk({ onHangup }: { onHangup(): void }) {
  useShortcut({ id: 'hangup', combo: 'ctrl+h', labelKey: 'shortcuts.logout', inInputs: true, run: onHangup });
  return <TextInput label="标题" />;
}

describe('shortcut registry', () => {
  it('normalises combos and lets the newest registration win until it is removed', () => {
    const r = new ShortcutRegistry();
    const calls: string[] = [];
    r.register({ id: 'a', combo: 'Ctrl+K', labelKey: 'x', run: () => calls.push('frame') });
    const off = r.register({ id: 'b', combo: 'ctrl+k', labelKey: 'x', run: () => calls.push('dialog') });
    const ev = new KeyboardEvent('keydown', { key: 'k', ctrlKey: true });
    r.handle(ev, false);
    off();
    r.handle(ev, false);
    expect(calls).toEqual(['dialog', 'frame']);
    expect(comboOf({ key: '?', shiftKey: true, ctrlKey: false, metaKey: false, altKey: false })).toBe('?');
  });

  it('runs a fallback only while no other registration of its combo is live, whatever the order', () => {
    const r = new ShortcutRegistry();
    const calls: string[] = [];
    // A child screen registers first (React runs child effects before the parent's).
    const offForm = r.register({ id: 'form', combo: 'ctrl+s', labelKey: 'save', run: () => calls.push('save') });
    r.register({ id: 'desk', combo: 'ctrl+s', labelKey: 'bring', fallback: true, run: () => calls.push('bring form forward') });
    const ev = new KeyboardEvent('keydown', { key: 's', ctrlKey: true });
    r.handle(ev, false);
    expect(r.list().map((e) => e.labelKey)).toEqual(['save']);
    offForm();
    r.handle(ev, false);
    expect(calls).toEqual(['save', 'bring form forward']);
    expect(r.list().map((e) => e.labelKey)).toEqual(['bring']);
  });

  it('does not steal plain keys from a text field', () => {
    const r = new ShortcutRegistry();
    const run = vi.fn();
    r.register({ id: 'q', combo: '?', labelKey: 'x', run });
    expect(r.handle(new KeyboardEvent('keydown', { key: '?' }), true)).toBe(false);
    expect(run).not.toHaveBeenCalled();
  });
});

describe('ShortcutsProvider', () => {
  it('runs a registered shortcut and lists it in the help overlay opened with F1', async () => {
    const user = userEvent.setup();
    const onHangup = vi.fn();
    renderWithProviders(<ShortcutsProvider><Desk onHangup={onHangup} /></ShortcutsProvider>);
    await user.click(screen.getByLabelText('标题'));
    await user.keyboard('{Control>}h{/Control}');
    expect(onHangup).toHaveBeenCalledTimes(1);
    await user.keyboard('{F1}');
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('快捷键');
    expect(dialog).toHaveTextContent('显示快捷键帮助');
    expect(dialog).toHaveTextContent('退出登录');
  });
});

import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ChangePasswordForm } from './ChangePasswordForm';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';

const ticked = () => within(screen.getByTestId('password-rules')).getAllByRole('listitem').map((li) => li.getAttribute('data-ok') === 'true');

describe('ChangePasswordForm', () => {
  it('ticks the rules off while the user types, and sends only a password that meets them', async () => {
    const session = { user: { id: 'u1', username: 'new01', displayName: '孙丽', roles: ['agent'], departmentId: null }, frames: ['agent_desk'], mustChangePassword: false };
    const api = fakeApi({ 'session.changePassword': (() => ({ ok: true, value: session })) as never });
    const onDone = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<ChangePasswordForm onDone={onDone} />, api);
    expect(ticked()).toEqual([false, false, false, false]);
    await user.type(screen.getByLabelText('当前密码'), 'Initial-123');
    await user.type(screen.getByLabelText('新密码'), 'abcdefgh');
    expect(ticked()).toEqual([true, false, true, false]);
    await user.click(screen.getByRole('button', { name: '修改密码' }));
    expect(await screen.findByText('新密码还不符合要求')).toBeInTheDocument();
    expect(api.calls.some((c) => c.name === 'session.changePassword')).toBe(false);

    await user.type(screen.getByLabelText('新密码'), '9');
    await user.type(screen.getByLabelText('确认新密码'), 'abcdefgh9');
    expect(ticked()).toEqual([true, true, true, true]);
    await user.click(screen.getByRole('button', { name: '修改密码' }));
    expect(api.calls.find((c) => c.name === 'session.changePassword')?.input).toEqual({ currentPassword: 'Initial-123', newPassword: 'abcdefgh9' });
    expect(onDone).toHaveBeenCalledWith(session);
  });

  it('marks a wrong current password at that field', async () => {
    const api = fakeApi({ 'session.changePassword': (() => ({ ok: false, error: { code: 'login_failed', issues: [{ path: 'currentPassword', problem: 'wrong' }], details: { reason: 'wrong_current_password' } } })) as never });
    const user = userEvent.setup();
    renderWithProviders(<ChangePasswordForm onDone={() => {}} />, api);
    await user.type(screen.getByLabelText('当前密码'), 'Not-mine-1');
    await user.type(screen.getByLabelText('新密码'), 'Mine-456789');
    await user.type(screen.getByLabelText('确认新密码'), 'Mine-456789');
    await user.click(screen.getByRole('button', { name: '修改密码' }));
    expect(await screen.findByText('当前密码不正确。')).toBeInTheDocument();
  });
});

import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../../../shared/contract';
import { passwordChecks } from '../../../../shared/domain/password';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { PasswordRules } from '../../components/PasswordRules';

type Field = 'currentPassword' | 'newPassword' | 'confirm';

/** Current password, new password twice, and the rules ticked off as the user types. */
export function ChangePasswordForm({ onDone, onCancel }: {
  /** Called with the refreshed session once main has accepted the new password. */
  onDone(session: SessionInfo): void;
  /** Shows a cancel button when given (the menu's dialog); the forced screen has none. */
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [form, setForm] = useState<Record<Field, string>>({ currentPassword: '', newPassword: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (f: Field) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [f]: e.currentTarget.value });

  const checks = passwordChecks(form.newPassword);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const fe: Partial<Record<Field, string>> = {};
    if (!form.currentPassword) fe.currentPassword = t('validation.required');
    if (!checks.length || !checks.classes || form.newPassword === form.currentPassword) fe.newPassword = t('password.notMet');
    if (form.confirm !== form.newPassword) fe.confirm = t('password.mismatch');
    setErrors(fe);
    setError(null);
    if (Object.keys(fe).length) return;
    setBusy(true);
    const r = await api.request('session.changePassword', { currentPassword: form.currentPassword, newPassword: form.newPassword });
    setBusy(false);
    if (r.ok) { onDone(r.value); return; }
    const message = errorMessage(r.error);
    const field = r.error.issues?.[0]?.path;
    if (field === 'currentPassword' || field === 'newPassword') setErrors({ [field]: message });
    else setError(message);
  };

  return (
    <form onSubmit={submit} noValidate aria-label={t('password.modalTitle')}>
      <Stack gap="sm">
        {error && <Alert color="red" role="alert">{error}</Alert>}
        <PasswordInput label={t('password.current')} value={form.currentPassword} onChange={set('currentPassword')} error={errors.currentPassword}
          autoComplete="current-password" data-autofocus />
        <PasswordInput label={t('password.next')} value={form.newPassword} onChange={set('newPassword')} error={errors.newPassword} autoComplete="new-password" />
        <PasswordInput label={t('password.confirm')} value={form.confirm} onChange={set('confirm')} error={errors.confirm} autoComplete="new-password" />
        <PasswordRules password={form.newPassword} confirm={form.confirm} current={form.currentPassword} />
        <Group justify="flex-end">
          {onCancel && <Button variant="default" onClick={onCancel}>{t('password.cancel')}</Button>}
          <Button type="submit" loading={busy}>{t('password.submit')}</Button>
        </Group>
      </Stack>
    </form>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { AdminUserRow } from '../../../../shared/contract';
import { passwordProblem } from '../../../../shared/domain/password';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';

/** An admin sets a new initial password; the user is signed out everywhere and must change it. */
export function ResetPasswordModal({ user, onClose, onDone }: {
  /** Whose password; null hides the dialog. */
  user: AdminUserRow | null;
  /** Closes without a change. */
  onClose(): void;
  /** Called after the reset. */
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { setPassword(''); setError(null); }, [user]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!user) return;
    if (passwordProblem(password)) { setError(t('errors.weak_password')); return; }
    setBusy(true);
    const r = await api.request('users.resetPassword', { userId: user.id, password });
    setBusy(false);
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    notifications.show({ color: 'teal', message: t('resetPassword.done') });
    onDone();
    onClose();
  };

  return (
    <Modal opened={user !== null} onClose={onClose} title={user ? t('resetPassword.title', { name: user.displayName }) : ''}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">{t('resetPassword.intro')}</Text>
          <PasswordInput label={t('resetPassword.password')} description={t('setup.passwordRule')} value={password}
            onChange={(e) => setPassword(e.currentTarget.value)} error={error} autoComplete="new-password" data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('password.cancel')}</Button>
            <Button type="submit" color="orange" loading={busy}>{t('resetPassword.submit')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

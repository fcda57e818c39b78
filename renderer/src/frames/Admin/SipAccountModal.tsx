import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { AdminUserRow } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { problemMessage } from '../../i18n/problems';

interface Form { wsUrl: string; aor: string; authUser: string; password: string; displayName: string; media: 'webrtc' | 'null' }

/** An admin sets a user's SIP account; the stored password is never shown, only replaced. */
export function SipAccountModal({ user, onClose }: {
  /** Whose account; null closes the dialog. */
  user: AdminUserRow | null;
  /** Called on cancel or after saving. */
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [form, setForm] = useState<Form>({ wsUrl: '', aor: '', authUser: '', password: '', displayName: '', media: 'webrtc' });
  const [hasPassword, setHasPassword] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<keyof Form, string>>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!user) return;
    setErrors({});
    setError(null);
    void api.request('sip.getAccount', { userId: user.id }).then((r) => {
      const a = r.ok ? r.value : null;
      setHasPassword(Boolean(a?.hasPassword));
      setForm({ wsUrl: a?.wsUrl ?? '', aor: a?.aor ?? '', authUser: a?.authUser ?? user.username, password: '', displayName: a?.displayName ?? user.displayName, media: a?.media ?? 'webrtc' });
    });
  }, [api, user]);
  const set = (k: keyof Form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!user) return;
    const r = await api.request('sip.setAccount', {
      userId: user.id, wsUrl: form.wsUrl.trim(), aor: form.aor.trim(), authUser: form.authUser.trim(),
      password: form.password || undefined, displayName: form.displayName.trim() || null, media: form.media,
    });
    if (!r.ok) {
      setError(errorMessage(r.error));
      const fe: typeof errors = {};
      for (const i of r.error.issues ?? []) fe[i.path as keyof Form] = t(`admin.sip.invalid.${i.path}`, { defaultValue: problemMessage(i.problem, i.path) });
      setErrors(fe);
      return;
    }
    notifications.show({ color: 'teal', message: t('admin.users.saved') });
    onClose();
  };

  return (
    <Modal opened={user !== null} onClose={onClose} title={t('admin.sip.title', { name: user?.displayName ?? '' })}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {error && <Alert color="red">{error}</Alert>}
          <TextInput label={t('admin.sip.wsUrl')} placeholder="wss://pbx.example.gov.cn:8443" value={form.wsUrl} onChange={set('wsUrl')} error={errors.wsUrl} required />
          <TextInput label={t('admin.sip.aor')} placeholder="1001@hotline.example.gov.cn" value={form.aor} onChange={set('aor')} error={errors.aor} required />
          <TextInput label={t('admin.sip.authUser')} value={form.authUser} onChange={set('authUser')} error={errors.authUser} required />
          <PasswordInput label={t('admin.sip.password')} description={hasPassword ? t('admin.sip.passwordKept') : undefined} value={form.password} onChange={set('password')} error={errors.password} required={!hasPassword} />
          <TextInput label={t('admin.sip.displayName')} value={form.displayName} onChange={set('displayName')} />
          <div>
            <Text size="sm" fw={500} mb={4}>{t('admin.sip.media')}</Text>
            <SegmentedControl value={form.media} onChange={(v) => setForm({ ...form, media: v as Form['media'] })}
              data={[{ value: 'webrtc', label: t('admin.sip.mediaWebrtc') }, { value: 'null', label: t('admin.sip.mediaNull') }]} />
          </div>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('admin.users.cancel')}</Button>
            <Button type="submit">{t('admin.users.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

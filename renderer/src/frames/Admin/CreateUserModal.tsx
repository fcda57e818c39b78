import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, MultiSelect, PasswordInput, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { roles, type Role } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { useDraft } from '../../hooks/useDraft';
import { errorMessage } from '../../i18n';
import { useReference } from '../../intake/reference';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { departmentIssueMessage } from './department-issues';
import { problemMessage } from '../../i18n/problems';

interface Form { username: string; displayName: string; roles: Role[]; departmentId: string | null }
const EMPTY: Form = { username: '', displayName: '', roles: [], departmentId: null };

/** New user form; what was typed (except the password) is kept as a draft until created. */
export function CreateUserModal({ opened, onClose, onCreated }: {
  /** Whether the dialog is shown. */
  opened: boolean;
  /** Closes without creating; the draft stays. */
  onClose(): void;
  /** Called after the user was created. */
  onCreated(): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [form, setForm, draft] = useDraft<Form>('admin.create-user', EMPTY);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Partial<Record<keyof Form | 'password', string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reference = useReference();
  const isDepartment = form.roles.includes('department');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (form.roles.length === 0) { setErrors({ roles: t('admin.users.rolesRequired') }); return; }
    if (isDepartment && !form.departmentId) { setErrors({ departmentId: t('departmentBinding.required') }); return; }
    setBusy(true);
    // A department is sent only with the department role; a draft may still hold an old choice.
    const r = await api.request('users.create', { username: form.username, displayName: form.displayName, roles: form.roles, password,
      departmentId: isDepartment ? form.departmentId : null });
    setBusy(false);
    if (!r.ok) {
      setError(errorMessage(r.error));
      const fe: typeof errors = {};
      for (const i of r.error.issues ?? []) {
        fe[i.path as keyof Form] = i.path === 'departmentId' ? departmentIssueMessage(t, i.problem) : problemMessage(i.problem, i.path);
      }
      if (r.error.code === 'weak_password') fe.password = t('setup.passwordRule');
      if (r.error.code === 'username_taken') fe.username = t('errors.username_taken');
      setErrors(fe);
      return;
    }
    draft.clear();
    setForm(EMPTY);
    setPassword('');
    setErrors({});
    setError(null);
    notifications.show({ color: 'teal', message: t('admin.users.created', { name: r.value.displayName }) });
    onCreated();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('admin.users.create')}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {error && <Alert color="red">{error}</Alert>}
          <TextInput label={t('admin.users.username')} value={form.username} onChange={(e) => setForm({ ...form, username: e.currentTarget.value })} error={errors.username} required data-autofocus />
          <TextInput label={t('admin.users.displayName')} value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.currentTarget.value })} error={errors.displayName} required />
          <MultiSelect label={t('admin.users.roles')} data={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))} value={form.roles}
            onChange={(v) => setForm({ ...form, roles: v as Role[] })} error={errors.roles} required data-testid="create-user-roles" />
          {isDepartment && (
            <DepartmentSelect departments={reference?.departments ?? []} value={form.departmentId} required error={errors.departmentId} testId="create-user-department"
              onChange={(departmentId) => { setForm({ ...form, departmentId }); setErrors({ ...errors, departmentId: undefined }); }} />
          )}
          <PasswordInput label={t('admin.users.initialPassword')} description={t('setup.passwordRule')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errors.password} required />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('admin.users.cancel')}</Button>
            <Button type="submit" loading={busy}>{t('admin.users.create')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

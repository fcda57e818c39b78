import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, MultiSelect, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { roles, type AdminUserRow, type Role } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { useReference } from '../../intake/reference';
import { DepartmentSelect } from '../../components/DepartmentSelect';
import { departmentIssueMessage } from './department-issues';

/** 修改角色: a user's roles and, for a department user, the department (承办单位) it works for. */
export function EditRolesModal({ user, onClose, onSaved }: {
  /** The user being edited; null hides the dialog. */
  user: AdminUserRow | null;
  /** Closes without saving. */
  onClose(): void;
  /** Called after main saved the change. */
  onSaved(): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const reference = useReference();
  const [picked, setPicked] = useState<Role[]>([]);
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [errors, setErrors] = useState<{ roles?: string; departmentId?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setPicked(user?.roles ?? []);
    setDepartmentId(user?.departmentId ?? null);
    setErrors({});
    setError(null);
  }, [user]);
  const isDepartment = picked.includes('department');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!user) return;
    if (picked.length === 0) { setErrors({ roles: t('admin.users.rolesRequired') }); return; }
    if (isDepartment && !departmentId) { setErrors({ departmentId: t('departmentBinding.required') }); return; }
    setBusy(true);
    const r = await api.request('users.setRoles', { userId: user.id, roles: picked, departmentId: isDepartment ? departmentId : null });
    setBusy(false);
    if (!r.ok) {
      setError(errorMessage(r.error));
      const dep = r.error.issues?.find((i) => i.path === 'departmentId');
      setErrors(dep ? { departmentId: departmentIssueMessage(t, dep.problem) } : {});
      return;
    }
    notifications.show({ color: 'teal', message: t('admin.users.saved') });
    onSaved();
    onClose();
  };

  return (
    <Modal opened={user !== null} onClose={onClose} title={t('departmentBinding.editTitle', { name: user?.displayName ?? '' })}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {error && <Alert color="red">{error}</Alert>}
          <MultiSelect label={t('admin.users.roles')} data={roles.map((r) => ({ value: r, label: t(`roles.${r}`) }))} value={picked}
            onChange={(v) => setPicked(v as Role[])} error={errors.roles} required data-testid="edit-roles" />
          {isDepartment && (
            <DepartmentSelect departments={reference?.departments ?? []} value={departmentId} onChange={(id) => { setDepartmentId(id); setErrors({ ...errors, departmentId: undefined }); }} required error={errors.departmentId} testId="edit-roles-department" />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('admin.users.cancel')}</Button>
            <Button type="submit" loading={busy}>{t('admin.users.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

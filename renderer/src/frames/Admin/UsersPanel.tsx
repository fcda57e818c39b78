import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Group, Menu, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { AdminUserRow } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { formatDateTime } from '../../format/time';
import { CreateUserModal } from './CreateUserModal';
import { SipAccountModal } from './SipAccountModal';
import { ResetPasswordModal } from './ResetPasswordModal';
import { EditRolesModal } from './EditRolesModal';

/** Users with their roles and state; an admin changes roles, disables, unlocks, creates. */
export function UsersPanel() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [rows, setRows] = useState<AdminUserRow[]>([]);
  const [editing, setEditing] = useState<AdminUserRow | null>(null);
  const [creating, setCreating] = useState(false);
  const [sipFor, setSipFor] = useState<AdminUserRow | null>(null);
  const [resetFor, setResetFor] = useState<AdminUserRow | null>(null);
  const load = useCallback(() => { void api.request('users.list', {}).then((r) => r.ok && setRows(r.value)); }, [api]);
  useEffect(load, [load]);

  const act = async (p: ReturnType<typeof api.request>) => {
    const r = await p;
    if (r.ok) { notifications.show({ color: 'teal', message: t('admin.users.saved') }); load(); } else notifications.show({ color: 'red', message: errorMessage(r.error) });
    return r.ok;
  };

  return (
    <>
      <Group justify="flex-end" mb="sm"><Button onClick={() => setCreating(true)} data-testid="create-user">{t('admin.users.create')}</Button></Group>
      <Table striped highlightOnHover data-testid="users-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.users.username')}</Table.Th><Table.Th>{t('admin.users.displayName')}</Table.Th>
            <Table.Th>{t('admin.users.roles')}</Table.Th><Table.Th>{t('departmentBinding.label')}</Table.Th><Table.Th>{t('admin.users.status')}</Table.Th>
            <Table.Th>{t('admin.users.lastLogin')}</Table.Th><Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((u) => (
            <Table.Tr key={u.id}>
              <Table.Td><Text ff="monospace" size="sm">{u.username}</Text></Table.Td>
              <Table.Td>{u.displayName}</Table.Td>
              <Table.Td><Group gap={4}>{u.roles.map((r) => <Badge key={r} size="sm" variant="light">{t(`roles.${r}`)}</Badge>)}</Group></Table.Td>
              <Table.Td>
                {u.departmentName ? <Text size="sm">{u.departmentName}</Text>
                  : u.roles.includes('department') ? <Badge color="red" variant="light">{t('departmentBinding.unbound')}</Badge>
                  : <Text size="sm" c="dimmed">—</Text>}
              </Table.Td>
              <Table.Td>
                {u.disabled ? <Badge color="gray">{t('admin.users.disabled')}</Badge>
                  : u.lockedUntil ? <Badge color="orange">{t('admin.users.locked')}</Badge>
                  : <Badge color="teal" variant="light">{t('admin.users.active')}</Badge>}
              </Table.Td>
              <Table.Td><Text size="sm">{u.lastLoginAt ? formatDateTime(u.lastLoginAt) : t('admin.users.never')}</Text></Table.Td>
              <Table.Td>
                <Menu position="bottom-end">
                  <Menu.Target><Button size="xs" variant="subtle">···</Button></Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Item onClick={() => setEditing(u)}>{t('admin.users.editRoles')}</Menu.Item>
                    <Menu.Item onClick={() => setSipFor(u)}>{t('admin.sip.menu')}</Menu.Item>
                    <Menu.Item onClick={() => setResetFor(u)}>{t('resetPassword.menu')}</Menu.Item>
                    {u.lockedUntil && <Menu.Item onClick={() => void act(api.request('users.unlock', { userId: u.id }))}>{t('admin.users.unlock')}</Menu.Item>}
                    <Menu.Item color={u.disabled ? undefined : 'red'} onClick={() => void act(api.request('users.setDisabled', { userId: u.id, disabled: !u.disabled }))}>
                      {u.disabled ? t('admin.users.enable') : t('admin.users.disable')}
                    </Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <SipAccountModal user={sipFor} onClose={() => setSipFor(null)} />
      <ResetPasswordModal user={resetFor} onClose={() => setResetFor(null)} onDone={load} />
      <EditRolesModal user={editing} onClose={() => setEditing(null)} onSaved={load} />
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} onCreated={load} />
    </>
  );
}

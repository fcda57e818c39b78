import { useMemo } from 'react';
import { Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { WorkList, watchedDeadline, type WorkTab } from '../../components/WorkList';
import { useSession } from '../../state/session';
import { useReference } from '../../intake/reference';
import { UnboundDepartment } from './UnboundDepartment';

const HANDLING = ['signed', 'handling', 'extension_requested'];

/**
 * A department liaison's live work queue: 待签收 / 办理中 / 即将超期 / 超期 with counts, the sign or
 * reply deadline of each ticket as time left and China time. New dispatches appear as they are made.
 */
export function DepartmentDesk() {
  const { t } = useTranslation();
  const { session } = useSession();
  const ref = useReference();
  const department = ref?.departments.find((d) => d.id === session?.user.departmentId)?.name;
  const tabs = useMemo<WorkTab[]>(() => [
    // A co-department (协办) does not sign: the lead does. Its tickets have their own tab.
    { value: 'toSign', label: t('desk.tabs.toSign'), match: (r) => r.status === 'dispatched' && !r.coDepartment },
    { value: 'handling', label: t('desk.tabs.handling'), match: (r) => HANDLING.includes(r.status) },
    { value: 'dueSoon', label: t('desk.tabs.dueSoon'), match: (r) => watchedDeadline(r).status === 'due_soon' },
    { value: 'overdue', label: t('desk.tabs.overdue'), match: (r) => watchedDeadline(r).status === 'overdue' },
    { value: 'co', label: t('uxReview.coTab'), match: (r) => !!r.coDepartment },
    { value: 'all', label: t('desk.tabs.all'), match: () => true },
  ], [t]);
  // A department account sees only its department's tickets: without one there is nothing to show.
  if (session && !session.user.departmentId) return <UnboundDepartment />;
  return (
    <Stack gap={0} style={{ flex: 1, minHeight: 0 }}>
      <Group p="sm" gap="xs">
        <Title order={4}>{t('departmentDesk.title')}</Title>
        {department && <Text fw={600} data-testid="desk-department">{department}</Text>}
        {session && <Text c="dimmed" size="sm">{session.user.displayName}</Text>}
      </Group>
      <WorkList view="department" empty={t('departmentDesk.empty')} testId="department-tickets" tabs={tabs} columns="desk" />
    </Stack>
  );
}

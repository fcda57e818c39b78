import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { WorkList } from '../../components/WorkList';
import { useSession } from '../../state/session';
import { UnboundDepartment } from './UnboundDepartment';

/** A department liaison's desk: tickets to sign, handle and answer, the most urgent first. */
export function DepartmentDesk() {
  const { t } = useTranslation();
  const { session } = useSession();
  // A department account sees only its department's tickets: without one there is nothing to show.
  if (session && !session.user.departmentId) return <UnboundDepartment />;
  return (
    <Stack gap={0} style={{ flex: 1, minHeight: 0 }}>
      <Title order={4} p="sm">{t('departmentDesk.title')}</Title>
      <WorkList view="department" empty={t('departmentDesk.empty')} testId="department-tickets" />
    </Stack>
  );
}

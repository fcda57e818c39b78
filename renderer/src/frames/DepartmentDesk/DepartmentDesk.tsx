import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { WorkList } from '../../components/WorkList';

/** A department liaison's desk: tickets to sign, handle and answer, the most urgent first. */
export function DepartmentDesk() {
  const { t } = useTranslation();
  return (
    <Stack gap={0} style={{ flex: 1, minHeight: 0 }}>
      <Title order={4} p="sm">{t('departmentDesk.title')}</Title>
      <WorkList view="department" empty={t('departmentDesk.empty')} testId="department-tickets" />
    </Stack>
  );
}

import { Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A department liaison's desk: tickets to sign, handle and reply to. */
export function DepartmentDesk() {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" m="md">
      <Stack>
        <Title order={4}>{t('departmentDesk.title')}</Title>
        <Text c="dimmed" size="sm" data-testid="department-empty">{t('departmentDesk.empty')}</Text>
      </Stack>
    </Paper>
  );
}

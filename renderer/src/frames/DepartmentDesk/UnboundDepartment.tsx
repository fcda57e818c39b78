import { Alert, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** What a department user not bound to a department sees instead of an empty desk: what is missing and who can fix it. */
export function UnboundDepartment() {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" p="sm" style={{ flex: 1, minHeight: 0 }}>
      <Title order={4}>{t('departmentDesk.title')}</Title>
      <Alert color="orange" title={t('departmentBinding.deskUnbound')} data-testid="department-unbound" maw={640}>
        <Text size="sm">{t('departmentBinding.deskUnboundHint')}</Text>
      </Alert>
    </Stack>
  );
}

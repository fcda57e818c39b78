import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** CPPCC members' and liaison experts' workspace; the queue itself arrives with escalation. */
export function ConsultationQueue() {
  const { t } = useTranslation();
  return (
    <Group align="stretch" p="md" gap="md" wrap="nowrap" style={{ flex: 1 }}>
      <Paper withBorder p="md" style={{ flex: 1 }}>
        <Stack>
          <Title order={4}>{t('consultation.queueTitle')}</Title>
          <Text c="dimmed" size="sm" data-testid="consultation-empty">{t('consultation.empty')}</Text>
        </Stack>
      </Paper>
      <Paper withBorder p="md" w={300}>
        <Stack>
          <Title order={5}>{t('consultation.dutyTitle')}</Title>
          <Text c="dimmed" size="sm">{t('consultation.dutyEmpty')}</Text>
        </Stack>
      </Paper>
    </Group>
  );
}

import { Box, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The console's name with its hotline number as the mark. */
export function Brand({ compact = false }: {
  /** Only the mark, for narrow headers. @default false */
  compact?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Group gap={10} wrap="nowrap">
      <Box aria-hidden px={8} py={3} bg="red.7" style={{ borderRadius: 6, lineHeight: 1 }}>
        <Text fw={800} size="sm" c="white" ff="monospace" lh={1.4}>{t('app.shortName')}</Text>
      </Box>
      {!compact && <Text fw={700} size="lg">{t('app.name')}</Text>}
    </Group>
  );
}

import { Group, Text, ThemeIcon } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The console's name with its hotline number as the mark. */
export function Brand({ compact = false }: {
  /** Only the mark, for narrow headers. @default false */
  compact?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap">
      <ThemeIcon size="lg" radius="md" variant="filled" color="red.7" aria-hidden>
        <Text fw={800} size="xs" c="white">{t('app.shortName')}</Text>
      </ThemeIcon>
      {!compact && <Text fw={700} size="lg">{t('app.name')}</Text>}
    </Group>
  );
}

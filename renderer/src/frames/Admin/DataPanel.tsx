import { useEffect, useState } from 'react';
import { Paper, SimpleGrid, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DemoStatus } from '../../../../shared/contract';
import { useApi } from '../../state/api';

/** Counts of what the store holds and whether it is generated demo data. */
export function DataPanel() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [s, setS] = useState<DemoStatus | null>(null);
  useEffect(() => { void api.request('demo.status', {}).then((r) => r.ok && setS(r.value)); }, [api]);
  if (!s) return null;
  const items: [string, string | number][] = [
    [t('admin.data.demo'), s.demo ? t('admin.data.yes') : t('admin.data.no')],
    [t('admin.data.tickets'), s.tickets.toLocaleString('zh-CN')],
    [t('admin.data.citizens'), s.citizens.toLocaleString('zh-CN')],
    [t('admin.data.departments'), s.departments],
    [t('admin.data.users'), s.users],
    [t('admin.data.seed'), s.seed ?? '—'],
  ];
  return (
    <SimpleGrid cols={3} maw={720}>
      {items.map(([label, value]) => (
        <Paper key={label} withBorder p="sm"><Text size="xs" c="dimmed">{label}</Text><Text fw={600} size="lg">{value}</Text></Paper>
      ))}
    </SimpleGrid>
  );
}

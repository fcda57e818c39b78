import { useEffect, useState } from 'react';
import { Anchor, Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { MonthField } from '../../components/DateFields';
import { useTranslation } from 'react-i18next';
import type { MonthlyReport } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { stageColor, todayBeijing } from '../format';

/** The monthly list of items by domain (交通, 教育, 城市管理 …), printable as it stands. */
export function MonthlyList({ onOpen }: {
  /** Opens an item in the workspace. */
  onOpen(id: string): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [month, setMonth] = useState(() => todayBeijing().slice(0, 7));
  const [report, setReport] = useState<MonthlyReport | null>(null);
  useEffect(() => {
    if (!/^\d{4}-\d{2}$/.test(month)) return;
    void api.request('consultation.monthly', { month }).then((r) => { if (r.ok) setReport(r.value); });
  }, [api, month]);
  return (
    <Stack gap="sm" data-testid="monthly-list">
      <Group justify="space-between">
        <MonthField label={t('consultation.monthly.month')} value={month} onChange={setMonth} />
        {report && <Title order={5}>{t('consultation.monthly.total', { count: report.total })}</Title>}
      </Group>
      {report && report.rows.length === 0 && <Text c="dimmed">{t('consultation.monthly.empty')}</Text>}
      {report && report.rows.length > 0 && (
        <Paper withBorder>
          <Table striped>
            <Table.Thead><Table.Tr><Table.Th w={120}>{t('consultation.monthly.domain')}</Table.Th><Table.Th w={60}>{t('consultation.monthly.items')}</Table.Th>
              <Table.Th w={70}>{t('consultation.monthly.closed')}</Table.Th><Table.Th w={110}>{t('consultation.monthly.measuresDone')}</Table.Th><Table.Th /></Table.Tr></Table.Thead>
            <Table.Tbody>
              {report.rows.map((r) => (
                <Table.Tr key={r.domain}>
                  <Table.Td fw={600}>{r.domain}</Table.Td><Table.Td>{r.items}</Table.Td><Table.Td>{r.closed}</Table.Td><Table.Td>{r.measuresDone}/{r.measures}</Table.Td>
                  <Table.Td><Stack gap={2}>{r.list.map((i) => (
                    <Group key={i.id} gap={6} wrap="nowrap"><Anchor size="xs" ff="monospace" component="button" onClick={() => onOpen(i.id)}>{i.number}</Anchor>
                      <Text size="xs" truncate>{i.title}</Text><Badge size="xs" variant="light" color={stageColor[i.stage]}>{t(`consultation.stages.${i.stage}`)}</Badge></Group>))}
                  </Stack></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Checkbox, Group, Paper, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ConsultationRoute, ConsultationRow, HardCandidate } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../format/time';
import { QueueList } from '../QueueList';

/** Shift leads' hard items (疑难事项): pick tickets, transfer them in one batch, follow their status. */
export function HardItems({ onOpen }: {
  /** Opens a transferred item in the workspace. */
  onOpen(row: ConsultationRow): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [candidates, setCandidates] = useState<HardCandidate[]>([]);
  const [items, setItems] = useState<ConsultationRow[]>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [route, setRoute] = useState<ConsultationRoute>('studio');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => {
    void api.request('consultation.hardCandidates', { limit: 200 }).then((r) => { if (r.ok) setCandidates(r.value); });
    void api.request('consultation.queue', { scope: 'hard', limit: 500 }).then((r) => { if (r.ok) setItems(r.value); });
  }, [api]);
  useEffect(() => { load(); return api.on('consultation.changed', load); }, [api, load]);

  const transfer = async () => {
    setBusy(true);
    const r = await api.request('consultation.transferHard', { ticketIds: picked, route, urgency: 'normal', reason });
    setBusy(false);
    if (!r.ok) { notifications.show({ color: 'red', message: errorMessage(r.error) }); return; }
    notifications.show({ color: 'teal', message: t('consultation.hard.transferred', { count: r.value.length }) });
    setPicked([]);
    load();
  };
  const toggle = (id: string, on: boolean) => setPicked(on ? [...picked, id] : picked.filter((x) => x !== id));

  return (
    <Stack gap="sm" style={{ flex: 1, minHeight: 0 }} data-testid="hard-items">
      <Paper withBorder p="sm">
        <Group justify="space-between" mb="xs">
          <Title order={5}>{t('consultation.hard.candidates')}</Title>
          <Text size="sm" c="dimmed">{t('consultation.hard.selected', { count: picked.length })}</Text>
        </Group>
        <div style={{ maxHeight: 260, overflow: 'auto' }}>
          {candidates.length === 0 ? <Text size="sm" c="dimmed">{t('consultation.hard.candidatesEmpty')}</Text> : (
            <Table striped verticalSpacing={2}>
              <Table.Tbody>
                {candidates.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td w={30}><Checkbox aria-label={c.number} checked={picked.includes(c.id)} onChange={(e) => toggle(c.id, e.currentTarget.checked)} data-testid={`hard-pick-${c.number}`} /></Table.Td>
                    <Table.Td w={150}><Text size="xs" ff="monospace">{c.number}</Text></Table.Td>
                    <Table.Td><Text size="sm" truncate>{c.title}</Text></Table.Td>
                    <Table.Td w={70}><Text size="xs">{c.district}</Text></Table.Td>
                    <Table.Td w={90}><StatusBadge status={c.status} /></Table.Td>
                    <Table.Td w={60}><Badge size="xs" color={c.reason === 'overdue' ? 'red' : 'orange'}>{t(`consultation.hard.why.${c.reason}`)}</Badge></Table.Td>
                    <Table.Td w={120}><Text size="xs" c="dimmed">{formatDateTime(c.createdAt).slice(0, 10)}</Text></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </div>
        <Group mt="sm" align="flex-end" wrap="nowrap">
          <SegmentedControl size="xs" value={route} onChange={(v) => setRoute(v as ConsultationRoute)}
            data={(['studio', 'station', 'both'] as const).map((v) => ({ value: v, label: t(`consultation.routes.${v}`) }))} />
          <TextInput size="xs" style={{ flex: 1 }} label={t('consultation.hard.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="hard-reason" />
          <Button size="xs" color="grape" loading={busy} disabled={picked.length === 0 || !/[\p{L}\p{N}]/u.test(reason)} onClick={() => void transfer()} data-testid="hard-transfer">
            {t('consultation.hard.transfer')}</Button>
        </Group>
      </Paper>
      <Title order={5}>{t('consultation.hard.list')}</Title>
      <QueueList rows={items} empty={t('consultation.hard.listEmpty')} onOpen={onOpen} testId="hard-list" />
    </Stack>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TicketView, WorkRow } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { VirtualList, type VirtualColumn } from '../VirtualList';
import { StatusBadge } from '../StatusBadge';
import { TicketDrawer } from '../TicketDrawer';
import { formatDateTime } from '../../format/time';

const deadlineColor = { ok: 'gray', due_soon: 'orange', overdue: 'red' } as const;

/** A work queue (department tickets, approvals, overdue, return visits) with the ticket drawer. */
export function WorkList({ view, empty, testId }: {
  /** Which queue. */
  view: TicketView;
  /** Shown when the queue is empty. */
  empty: string;
  /** data-testid of the list. */
  testId?: string;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [rows, setRows] = useState<WorkRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const load = useCallback(() => {
    void api.request('tickets.work', { view, limit: 2000 }).then((r) => (r.ok ? setRows(r.value) : setError(errorMessage(r.error))));
  }, [api, view]);
  useEffect(load, [load]);

  const columns: VirtualColumn<WorkRow>[] = [
    { key: 'number', title: t('ticket.number'), width: '150px', render: (r) => <Text size="sm" ff="monospace">{r.number}</Text> },
    { key: 'title', title: t('ticket.title'), width: 'minmax(200px, 1fr)', render: (r) => <Text size="sm" title={r.title}>{r.title}</Text> },
    { key: 'type', title: t('ticket.appealType'), width: '60px', render: (r) => <Text size="sm">{t(`appealTypes.${r.appealType}`, { defaultValue: r.appealType })}</Text> },
    { key: 'dept', title: t('ticket.leadDepartment'), width: '150px', render: (r) => <Text size="sm">{r.leadDepartment ?? '—'}</Text> },
    { key: 'replyBy', title: t('ticket.replyBy'), width: '130px', render: (r) => <Text size="sm">{formatDateTime(r.replyBy)}</Text> },
    { key: 'deadline', title: '', width: '76px', render: (r) => (r.deadline ? <Badge size="sm" variant="light" color={deadlineColor[r.deadline]}>{t(`ticket.deadline.${r.deadline}`)}</Badge> : null) },
    { key: 'status', title: t('ticket.status'), width: '96px', render: (r) => <StatusBadge status={r.status} /> },
  ];
  return (
    <Stack gap={0} style={{ flex: 1, minHeight: 0 }}>
      {error && <Alert color="red" m="sm">{error}</Alert>}
      {rows && <Group px="sm" py={4}><Text size="xs" c="dimmed">{t('agentDesk.recentCount', { count: rows.length })}</Text></Group>}
      <VirtualList rows={rows ?? []} columns={columns} rowKey={(r) => r.id} onOpen={(r) => setOpen(r.id)} testId={testId}
        empty={<Text c="dimmed">{empty}</Text>} />
      <TicketDrawer ticketId={open} onClose={() => setOpen(null)} onChanged={load} />
    </Stack>
  );
}

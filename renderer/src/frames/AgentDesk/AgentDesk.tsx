import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Badge, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TicketListRow } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { VirtualList, type VirtualColumn } from '../../components/VirtualList';
import { StatusBadge } from '../../components/StatusBadge';
import { useShortcut } from '../../components/Shortcuts';
import { formatDateTime } from '../../format/time';

/** The seat agent's desk: softphone state and the latest tickets, filterable as one types. */
export function AgentDesk() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [rows, setRows] = useState<TicketListRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const filterRef = useRef<HTMLInputElement>(null);
  useShortcut({ id: 'agent.filter', combo: 'ctrl+k', labelKey: 'shortcuts.focusSearch', inInputs: true, run: () => filterRef.current?.focus() });

  useEffect(() => {
    void api.request('tickets.recent', { limit: 2000 }).then((r) => (r.ok ? setRows(r.value) : setError(errorMessage(r.error))));
  }, [api]);

  const shown = useMemo(() => {
    const q = filter.trim();
    if (!rows || !q) return rows ?? [];
    return rows.filter((r) => r.title.includes(q) || r.number.includes(q) || r.district.includes(q) || r.categoryPath.includes(q));
  }, [rows, filter]);

  const columns: VirtualColumn<TicketListRow>[] = [
    { key: 'number', title: t('ticket.number'), width: '150px', render: (r) => <Text size="sm" ff="monospace">{r.number}</Text> },
    { key: 'createdAt', title: t('ticket.createdAt'), width: '130px', render: (r) => <Text size="sm">{formatDateTime(r.createdAt)}</Text> },
    { key: 'appealType', title: t('ticket.appealType'), width: '64px', render: (r) => <Text size="sm">{t(`appealTypes.${r.appealType}`, { defaultValue: r.appealType })}</Text> },
    { key: 'title', title: t('ticket.title'), width: 'minmax(200px, 1fr)', render: (r) => <Text size="sm" title={r.title}>{r.title}</Text> },
    { key: 'district', title: t('ticket.district'), width: '90px', render: (r) => <Text size="sm">{r.district}</Text> },
    { key: 'phone', title: t('ticket.phone'), width: '120px', render: (r) => <Text size="sm" ff="monospace">{r.phone}</Text> },
    { key: 'status', title: t('ticket.status'), width: '96px', render: (r) => <StatusBadge status={r.status} /> },
  ];

  return (
    <Group align="stretch" gap={0} wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
      <Paper w={280} p="md" radius={0} style={{ borderRight: '1px solid var(--mantine-color-default-border)' }}>
        <Stack gap="sm">
          <Group justify="space-between"><Title order={5}>{t('agentDesk.phoneTitle')}</Title><Badge color="gray" variant="light">{t('agentDesk.stateLoggedOut')}</Badge></Group>
          <Text size="sm" c="dimmed">{t('agentDesk.phoneNotConfigured')}</Text>
        </Stack>
      </Paper>
      <Stack gap={0} style={{ flex: 1, minWidth: 0, minHeight: 0 }}>
        <Group justify="space-between" p="sm" wrap="nowrap">
          <Group gap="xs"><Title order={4}>{t('agentDesk.recentTitle')}</Title>{rows && <Text size="sm" c="dimmed">{t('agentDesk.recentCount', { count: shown.length })}</Text>}</Group>
          <TextInput ref={filterRef} w={360} placeholder={t('agentDesk.filterPlaceholder')} value={filter} onChange={(e) => setFilter(e.currentTarget.value)} aria-label={t('agentDesk.filterPlaceholder')} />
        </Group>
        {error && <Alert color="red" m="sm">{error}</Alert>}
        <VirtualList rows={shown} columns={columns} rowKey={(r) => r.id} testId="recent-tickets"
          empty={<Text c="dimmed">{rows && rows.length > 0 ? t('agentDesk.noMatch') : t('agentDesk.empty')}</Text>} />
      </Stack>
    </Group>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { Button, Code, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AuditRow } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { VirtualList } from '../../components/VirtualList';
import { formatDateTime } from '../../format/time';

/** The newest audit events: logins, failed attempts, user changes. */
export function AuditPanel() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [rows, setRows] = useState<AuditRow[]>([]);
  const load = useCallback(() => { void api.request('audit.list', { limit: 1000 }).then((r) => r.ok && setRows(r.value)); }, [api]);
  useEffect(load, [load]);
  return (
    <>
      <Group justify="flex-end" mb="xs"><Button size="xs" variant="default" onClick={load}>{t('admin.audit.refresh')}</Button></Group>
      <VirtualList rows={rows} rowKey={(r) => r.id} testId="audit-list" empty={<Text c="dimmed">—</Text>} columns={[
        { key: 'at', title: t('admin.audit.at'), width: '140px', render: (r) => <Text size="sm">{formatDateTime(r.at)}</Text> },
        { key: 'actor', title: t('admin.audit.actor'), width: '140px', render: (r) => <Text size="sm">{r.actorName ?? t('admin.audit.system')}</Text> },
        { key: 'action', title: t('admin.audit.action'), width: '200px', render: (r) => <Code>{r.action}</Code> },
        { key: 'details', title: t('admin.audit.details'), width: '1fr', render: (r) => <Text size="xs" ff="monospace" c="dimmed">{r.data}</Text> },
      ]} />
    </>
  );
}

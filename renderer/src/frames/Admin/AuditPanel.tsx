import { useCallback, useEffect, useMemo, useState } from 'react';
import { Button, Code, Group, Popover, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AuditRow } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { VirtualList } from '../../components/VirtualList';
import { formatDateTime } from '../../format/time';
import { auditActionName, auditChanges } from '../../audit/describe';

const parse = (data: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(data);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** The stored line as it is, for the rare question the words do not answer; shown only on demand. */
function RawDetail({ row, changes }: {
  /** The audit line. */
  row: AuditRow;
  /** Its changes in words. */
  changes: string[];
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const pretty = useMemo(() => JSON.stringify(parse(row.data), null, 2), [row.data]);
  return (
    <Popover opened={open} onChange={setOpen} width={520} position="bottom-end" shadow="md" withinPortal>
      <Popover.Target>
        <Button size="compact-xs" variant="subtle" onClick={() => setOpen((o) => !o)} data-testid="audit-raw-toggle">
          {open ? t('auditLog.rawHide') : t('auditLog.rawShow')}</Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={4} data-testid="audit-raw">
          <Text size="sm" fw={600}>{auditActionName(t, row.action)} <Text span size="xs" c="dimmed" ff="monospace">{row.action}</Text></Text>
          {changes.map((c) => <Text key={c} size="xs">{c}</Text>)}
          <Code block style={{ maxHeight: 260, overflow: 'auto' }}>{pretty}</Code>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

/** The newest audit events in words: who did what, and what changed. */
export function AuditPanel() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [rows, setRows] = useState<AuditRow[]>([]);
  const load = useCallback(() => { void api.request('audit.list', { limit: 1000 }).then((r) => r.ok && setRows(r.value)); }, [api]);
  useEffect(load, [load]);
  const described = useMemo(() => new Map(rows.map((r) => [r.id, auditChanges(t, { action: r.action, data: parse(r.data) })])), [rows, t]);
  return (
    <>
      <Group justify="flex-end" mb="xs"><Button size="xs" variant="default" onClick={load}>{t('admin.audit.refresh')}</Button></Group>
      <VirtualList rows={rows} rowKey={(r) => r.id} testId="audit-list" empty={<Text c="dimmed">—</Text>} columns={[
        { key: 'at', title: t('admin.audit.at'), width: '140px', render: (r) => <Text size="sm">{formatDateTime(r.at)}</Text> },
        { key: 'actor', title: t('admin.audit.actor'), width: '130px', render: (r) => <Text size="sm" truncate>{r.actorName ?? t('admin.audit.system')}</Text> },
        { key: 'action', title: t('admin.audit.action'), width: '150px', render: (r) => <Text size="sm" title={r.action} data-testid="audit-action">{auditActionName(t, r.action)}</Text> },
        { key: 'details', title: t('admin.audit.details'), width: 'minmax(0, 1fr)', render: (r) => {
          const text = (described.get(r.id) ?? []).join('；');
          return <Text size="sm" truncate title={text} data-testid="audit-changes">{text}</Text>;
        } },
        { key: 'raw', title: '', width: '96px', render: (r) => <RawDetail row={r} changes={described.get(r.id) ?? []} /> },
      ]} />
    </>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { Alert, Drawer, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { LeadConsultQueue, LeadConsultRow } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { VirtualList, type VirtualColumn } from '../../components/VirtualList';
import { formatDateTime } from '../../format/time';

/**
 * The consultation items (or measures) behind one consultation figure of the wallboard, in a
 * virtualized read list whose length is the figure (both from one filter in main): number and
 * title, when escalated, the deadline, and who claimed it. A row opens nothing: the work is done
 * in 政协直通车.
 */
export function ConsultListDrawer({ queue, title, onClose }: {
  /** Whose list; null: closed. */
  queue: LeadConsultQueue | null;
  /** The figure's label. */
  title: string;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [rows, setRows] = useState<LeadConsultRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    if (!queue) return;
    void api.request('wallboard.consultQueue', { queue }).then((r) => {
      if (r.ok) { setRows(r.value); setError(null); } else setError(errorMessage(r.error));
    });
  }, [api, queue]);
  useEffect(() => { setRows(null); load(); }, [load]);
  // The list follows the queue (one read for a burst), as the figures do.
  useEffect(() => {
    if (!queue) return undefined;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = api.on('consultation.changed', () => { if (!timer) timer = setTimeout(() => { timer = null; load(); }, 300); });
    return () => { off(); if (timer) clearTimeout(timer); };
  }, [api, load, queue]);

  const measures = queue === 'measures_overdue';
  const columns: VirtualColumn<LeadConsultRow>[] = [
    { key: 'number', title: t('wallboard.queues.consult.number'), width: '150px', render: (r) => <Text size="sm" ff="monospace">{r.number}</Text> },
    { key: 'title', title: t('wallboard.queues.consult.itemTitle'), width: 'minmax(180px, 1fr)', render: (r) => <Text size="sm" truncate title={r.title}>{r.title}</Text> },
    ...(measures ? [{ key: 'measure', title: t('wallboard.queues.consult.measure'), width: 'minmax(160px, 1fr)', render: (r: LeadConsultRow) => <Text size="sm" truncate title={r.measure ?? ''}>{r.measure ?? '—'}</Text> }] : []),
    { key: 'escalated', title: t('wallboard.queues.consult.escalatedAt'), width: '150px', render: (r) => <Text size="sm">{formatDateTime(r.escalatedAt)}</Text> },
    {
      key: 'deadline', title: t(measures ? 'wallboard.queues.consult.dueDay' : 'wallboard.queues.consult.claimBy'), width: '150px',
      render: (r) => <Text size="sm" c={queue === 'unclaimed' ? undefined : 'red'}>{measures ? r.deadline : formatDateTime(r.deadline)}</Text>,
    },
    { key: 'claimer', title: t('wallboard.queues.consult.claimer'), width: '100px', render: (r) => <Text size="sm" c={r.claimer ? undefined : 'dimmed'}>{r.claimer ?? t('wallboard.queues.consult.nobody')}</Text> },
  ];

  return (
    <Drawer opened={queue !== null} onClose={onClose} position="right" size="min(1000px, 90vw)" title={title} data-testid="consult-drawer"
      styles={{ body: { display: 'flex', flexDirection: 'column', height: 'calc(100% - 60px)' } }}>
      <Stack gap="xs" style={{ flex: 1, minHeight: 0 }}>
        {error && <Alert color="red">{error}</Alert>}
        <Text size="sm" c="dimmed" data-testid="consult-list-count">
          {rows ? t(measures ? 'wallboard.queues.consult.measureCount' : 'wallboard.queues.consult.itemCount', { count: rows.length }) : t('wallboard.queues.loading')}
        </Text>
        <VirtualList rows={rows ?? []} columns={columns} rowKey={(r) => r.key} testId="consult-list"
          empty={<Text c="dimmed">{rows ? t('wallboard.queues.consult.empty') : ''}</Text>} />
      </Stack>
    </Drawer>
  );
}

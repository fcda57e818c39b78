import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Drawer, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { DutyShiftView, LeadConsultQueue, LeadConsultRow } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { VirtualList, type VirtualColumn } from '../../components/VirtualList';
import { formatDateTime } from '../../format/time';

/**
 * The consultation items (or measures) behind one consultation figure of the wallboard, in a
 * virtualized read list whose length is the figure (both from one filter in main): number and
 * title, when escalated, the deadline, and who claimed it. A claimed item can be reassigned (改派)
 * to another member on duty, with a reason; the row's version goes with it, so an item changed
 * meanwhile is refused with a sentence and the list read again. The work itself is done in 政协直通车.
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
  const [reassigning, setReassigning] = useState<LeadConsultRow | null>(null);

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
    ...(measures ? [{
      key: 'act', title: t('wallboard.queues.actColumn'), width: '72px', render: (r: LeadConsultRow) => r.claimerId ? (
        <Button size="compact-xs" variant="default" onClick={(e) => { e.stopPropagation(); setReassigning(r); }} data-testid="row-reassign-item">{t('wallboard.queues.actions.reassign')}</Button>
      ) : null,
    }] : []),
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
      <ReassignItemModal row={reassigning} onClose={() => setReassigning(null)} onDone={() => { setReassigning(null); load(); }} onStale={load} />
    </Drawer>
  );
}

/** 改派 of a claimed item: the members on duty now (the claimer left out), a reason, main's error in Chinese. */
function ReassignItemModal({ row, onClose, onDone, onStale }: {
  /** The item's row; null: closed. */
  row: LeadConsultRow | null;
  onClose(): void;
  onDone(): void;
  /** The item changed meanwhile: the list is read again behind the message. */
  onStale(): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [onDuty, setOnDuty] = useState<DutyShiftView[]>([]);
  const [to, setTo] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setTo(null); setReason(''); setError(null);
    if (!row) return;
    void api.request('duty.now', {}).then((r) => { if (r.ok) setOnDuty(r.value); });
  }, [api, row]);
  if (!row) return null;
  const people = [...new Map(onDuty.filter((s) => s.userId !== row.claimerId).map((s) => [s.userId, s])).values()]
    .map((s) => ({ value: s.userId, label: `${s.userName}（${t(`wallboard.queues.consult.desks.${s.desk}`)}）` }));
  const submit = async () => {
    if (!to) return;
    setBusy(true);
    const r = await api.request('consultation.reassign', { id: row.itemId, toUserId: to, reason: reason.trim(), expectedVersion: row.version });
    setBusy(false);
    if (!r.ok) {
      setError(errorMessage(r.error));
      if (r.error.code === 'conflict') onStale();
      return;
    }
    notifications.show({ color: 'teal', message: t('wallboard.queues.consult.reassigned', { number: row.number, name: r.value.claimedByName ?? '' }) });
    onDone();
  };
  return (
    <Modal opened onClose={onClose} title={t('wallboard.queues.actTitle', { number: row.number, action: t('wallboard.queues.actions.reassign') })} data-testid="reassign-item">
      <Stack gap="sm">
        <Text size="sm" lineClamp={2}>{row.title}</Text>
        <Text size="sm">{t('wallboard.queues.consult.claimedBy', { name: row.claimer ?? '' })}</Text>
        <Select label={t('wallboard.queues.consult.reassignTo')} required data={people} value={to} onChange={setTo} comboboxProps={{ withinPortal: true }}
          nothingFoundMessage={t('wallboard.queues.consult.nobodyOnDuty')} placeholder={people.length ? undefined : t('wallboard.queues.consult.nobodyOnDuty')} data-testid="reassign-member" />
        <Textarea label={t('wallboard.queues.reason')} required maxLength={200} rows={3} value={reason} onChange={(e) => setReason(e.currentTarget.value)}
          placeholder={t('wallboard.queues.consult.reassignPlaceholder')} data-testid="reassign-item-reason" />
        {error && <Alert color="red" data-testid="reassign-item-error">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('wallboard.seats.cancel')}</Button>
          <Button onClick={() => void submit()} loading={busy} disabled={!to || reason.trim().length < 2} data-testid="reassign-item-confirm">{t('wallboard.seats.confirm')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

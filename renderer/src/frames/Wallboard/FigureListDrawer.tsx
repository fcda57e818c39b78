import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Drawer, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { LeadQueue, LeadQueueRow, TicketActionInput } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { VirtualList, type VirtualColumn } from '../../components/VirtualList';
import { StatusBadge } from '../../components/StatusBadge';
import { TicketDrawer } from '../../components/TicketDrawer';
import { formatDateTime } from '../../format/time';
import { formatMonthDay } from '../../components/WorkList/deadline';
import { directoryGroups } from '../../components/TicketActions/directory';
import { useReference } from '../../intake/reference';

/** What a lead does to a row from the list; each is a tickets.act with the row's version. */
export type LeadRowAction = 'approveReturn' | 'rejectReturn' | 'approveExtension' | 'rejectExtension' | 'supervise' | 'reassign';

/** The actions a queue's rows offer (the ticket drawer, opened by a click, has every other one: 派单 among them). */
const ROW_ACTIONS: Record<LeadQueue, LeadRowAction[]> = {
  to_dispatch: [],
  to_sign: ['supervise', 'reassign'],
  due_today: ['supervise', 'reassign'],
  overdue: ['supervise', 'reassign'],
  returns: ['approveReturn', 'rejectReturn'],
  extensions: ['approveExtension', 'rejectExtension'],
};

/** What the time column shows per queue. */
const WHEN_TITLE: Record<LeadQueue, string> = {
  to_dispatch: 'ticket.createdAt', to_sign: 'desk.signBy', due_today: 'ticket.replyBy', overdue: 'ticket.replyBy',
  returns: 'wallboard.queues.returnReasonTitle', extensions: 'wallboard.queues.extensionTitle',
};

/** Approvals take an optional note; rejections and 督办 must say why. */
const NEEDS_TEXT: Record<LeadRowAction, boolean> = { approveReturn: false, rejectReturn: true, approveExtension: false, rejectExtension: true, supervise: true, reassign: true };

function actionOf(a: LeadRowAction, text: string, department: string | null): TicketActionInput {
  const note = text.trim();
  switch (a) {
    case 'reassign': return { type: 'reassign', reason: note, leadDepartmentId: department ?? '' };
    case 'approveReturn': case 'approveExtension': return note ? { type: a, note } : { type: a };
    case 'rejectReturn': case 'rejectExtension': return { type: a, reason: note };
    case 'supervise': return { type: 'supervise', note };
  }
}

/**
 * The tickets behind one figure of the wallboard, in a virtualized list whose length is the figure
 * (both come from one filter in main). The lead approves or rejects a return or an extension,
 * sends 督办 and reassigns (改派) to another department from a row; the row's version goes with the action, so a ticket that changed
 * meanwhile is refused with a sentence and the list is read again. A click opens the ticket.
 */
export function FigureListDrawer({ queue, title, onClose, onChanged }: {
  /** Whose list; null: closed. */
  queue: LeadQueue | null;
  /** The figure's label. */
  title: string;
  onClose(): void;
  /** After an action: the figures are read again. */
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [rows, setRows] = useState<LeadQueueRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [acting, setActing] = useState<{ row: LeadQueueRow; action: LeadRowAction } | null>(null);

  const load = useCallback(() => {
    if (!queue) return;
    void api.request('wallboard.queue', { queue }).then((r) => {
      if (r.ok) { setRows(r.value); setError(null); } else setError(errorMessage(r.error));
    });
  }, [api, queue]);
  useEffect(() => { setRows(null); load(); }, [load]);
  // The list follows ticket changes (one read for a burst), as the figures do.
  useEffect(() => {
    if (!queue) return undefined;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = api.on('ticket.changed', () => { if (!timer) timer = setTimeout(() => { timer = null; load(); }, 300); });
    return () => { off(); if (timer) clearTimeout(timer); };
  }, [api, load, queue]);

  const actions = queue ? ROW_ACTIONS[queue] : [];
  const columns: VirtualColumn<LeadQueueRow>[] = [
    { key: 'number', title: t('ticket.number'), width: '132px', render: (r) => <Text size="sm" ff="monospace">{r.number}</Text> },
    { key: 'title', title: t('ticket.title'), width: 'minmax(180px, 1fr)', render: (r) => <Text size="sm" truncate title={r.title}>{r.title}</Text> },
    queue === 'to_dispatch'
      ? { key: 'district', title: t('ticket.district'), width: '90px', render: (r) => <Text size="sm">{r.district || '—'}</Text> }
      : { key: 'dept', title: t('ticket.leadDepartment'), width: '130px', render: (r) => <Text size="sm" truncate title={r.leadDepartment ?? ''}>{r.leadDepartment ?? '—'}</Text> },
    {
      key: 'when', title: t(WHEN_TITLE[queue ?? 'overdue']), width: queue === 'returns' ? '200px' : '170px', render: (r) => {
        if (r.pendingExtension) return <Text size="sm" c="orange" title={r.pendingExtension.reason} data-testid="row-extension">{t('desk.extension', { days: r.pendingExtension.days, date: formatMonthDay(r.pendingExtension.proposedReplyBy) })}</Text>;
        if (queue === 'returns') return <Text size="sm" c="orange" truncate title={r.returnReason ?? ''}>{r.returnReason ?? '—'}</Text>;
        const at = queue === 'to_dispatch' ? r.createdAt : queue === 'to_sign' ? r.signBy : r.replyBy;
        return <Text size="sm" c={queue === 'overdue' ? 'red' : undefined}>{formatDateTime(at)}</Text>;
      },
    },
    { key: 'status', title: t('ticket.status'), width: '90px', render: (r) => <StatusBadge status={r.status} /> },
    ...(actions.length > 0 ? [{
      key: 'act', title: t('wallboard.queues.actColumn'), width: `${actions.length * 84}px`, render: (r: LeadQueueRow) => (
        <Group gap={4} wrap="nowrap" onClick={(e) => e.stopPropagation()}>
          {actions.map((a) => (
            <Button key={a} size="compact-xs" variant={a.startsWith('reject') || a === 'reassign' ? 'default' : 'light'} color={a === 'supervise' ? 'orange' : a.startsWith('approve') ? 'teal' : undefined}
              onClick={() => setActing({ row: r, action: a })} data-testid={`row-${a}`}>
              {t(`wallboard.queues.actions.${a}`)}
            </Button>
          ))}
        </Group>
      ),
    }] : []),
  ];

  return (
    <Drawer opened={queue !== null} onClose={onClose} position="right" size="min(1000px, 90vw)" title={title} data-testid="queue-drawer"
      styles={{ body: { display: 'flex', flexDirection: 'column', height: 'calc(100% - 60px)' } }}>
      <Stack gap="xs" style={{ flex: 1, minHeight: 0 }}>
        {error && <Alert color="red">{error}</Alert>}
        <Group gap="xs">
          <Text size="sm" c="dimmed" data-testid="queue-list-count">{rows ? t('wallboard.queues.listCount', { count: rows.length }) : t('wallboard.queues.loading')}</Text>
          {queue === 'to_dispatch' && <Badge variant="light" size="sm">{t('wallboard.queues.dispatchHint')}</Badge>}
        </Group>
        <VirtualList rows={rows ?? []} columns={columns} rowKey={(r) => r.id} onOpen={(r) => setOpen(r.id)} openOnClick testId="queue-list"
          empty={<Text c="dimmed">{rows ? t('wallboard.queues.empty') : ''}</Text>} />
      </Stack>
      <TicketDrawer ticketId={open} onClose={() => setOpen(null)} onChanged={() => { load(); onChanged(); }} />
      <LeadActionModal acting={acting} onClose={() => setActing(null)} onDone={() => { setActing(null); load(); onChanged(); }} onStale={load} />
    </Drawer>
  );
}

/** The lead's action on one row: a note where it must say why, the error of main in Chinese. */
function LeadActionModal({ acting, onClose, onDone, onStale }: {
  acting: { row: LeadQueueRow; action: LeadRowAction } | null;
  onClose(): void;
  onDone(): void;
  /** The ticket changed meanwhile: the list is read again behind the message. */
  onStale(): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [department, setDepartment] = useState<string | null>(null);
  const ref = useReference();
  useEffect(() => { setText(''); setError(null); setDepartment(null); }, [acting]);
  if (!acting) return null;
  const { row, action } = acting;
  const needsText = NEEDS_TEXT[action];
  const reassign = action === 'reassign';
  const submit = async () => {
    setBusy(true);
    const r = await api.request('tickets.act', { ticketId: row.id, expectedVersion: row.version, action: actionOf(action, text, department) });
    setBusy(false);
    if (!r.ok) {
      setError(errorMessage(r.error));
      if (r.error.code === 'conflict') onStale();
      return;
    }
    notifications.show({ color: 'teal', message: t('wallboard.queues.done', { number: row.number, action: t(`wallboard.queues.actions.${action}`) }) });
    onDone();
  };
  return (
    <Modal opened onClose={onClose} title={t('wallboard.queues.actTitle', { number: row.number, action: t(`wallboard.queues.actions.${action}`) })} data-testid="lead-action">
      <Stack gap="sm">
        <Text size="sm" lineClamp={2}>{row.title}</Text>
        {reassign && (
          <>
            <Text size="sm" data-testid="reassign-from">{t('wallboard.queues.reassignFrom', { department: row.leadDepartment ?? '—' })}</Text>
            <Select label={t('wallboard.queues.reassignTo')} required searchable maxDropdownHeight={280} comboboxProps={{ withinPortal: true }}
              data={directoryGroups(ref?.departments ?? [], ref?.divisions ?? [], (k) => t(`desk.dispatch.kinds.${k}`), { exclude: row.leadDepartmentId ? [row.leadDepartmentId] : [] })}
              value={department} onChange={setDepartment} placeholder={t('desk.dispatch.search')} nothingFoundMessage={t('desk.tabEmpty')} data-testid="reassign-department" />
            <Text size="xs" c="dimmed">{t('wallboard.queues.reassignHint')}</Text>
          </>
        )}
        <Textarea label={t(needsText ? 'wallboard.queues.reason' : 'wallboard.queues.note')} required={needsText} maxLength={500} rows={3}
          placeholder={t(action === 'supervise' ? 'wallboard.queues.supervisePlaceholder' : reassign ? 'wallboard.queues.reassignPlaceholder' : 'wallboard.queues.notePlaceholder')}
          value={text} onChange={(e) => setText(e.currentTarget.value)} data-testid="lead-action-text" />
        {error && <Alert color="red" data-testid="lead-action-error">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('wallboard.seats.cancel')}</Button>
          <Button onClick={() => void submit()} loading={busy} disabled={(needsText && text.trim().length < 2) || (reassign && !department)} data-testid="lead-action-confirm">{t('wallboard.seats.confirm')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

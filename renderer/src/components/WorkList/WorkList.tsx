import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Badge, Group, Stack, Tabs, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TicketView, WorkRow } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { VirtualList, type VirtualColumn } from '../VirtualList';
import { StatusBadge } from '../StatusBadge';
import { TicketDrawer } from '../TicketDrawer';
import { formatDateTime } from '../../format/time';
import { formatMonthDay, remaining } from './deadline';

const deadlineColor = { ok: 'gray', due_soon: 'orange', overdue: 'red' } as const;

/** States a queue lists (as tickets.work selects them): a change to another state elsewhere is not its business. */
const VIEW_STATES: Record<TicketView, readonly string[]> = {
  department: ['dispatched', 'signed', 'handling', 'extension_requested', 'returned', 'replied'],
  approvals: ['returned', 'extension_requested'],
  overdue: ['dispatched', 'signed', 'handling', 'extension_requested'],
  return_visits: ['reviewed', 'replied'],
  to_dispatch: ['registered'],
};

/** A tab of a work queue: its label and which rows it shows. */
export interface WorkTab {
  value: string;
  label: string;
  match(row: WorkRow): boolean;
}

/** The deadline a row is watched against: signing while it waits to be signed, then replying. */
export function watchedDeadline(r: WorkRow): { at: string | null; status: WorkRow['deadline'] } {
  return r.status === 'dispatched' ? { at: r.signBy, status: r.signDeadline ?? null } : { at: r.replyBy, status: r.deadline };
}

/**
 * A work queue (department tickets, approvals, overdue, return visits, 待派单) with the ticket
 * drawer. It refreshes itself when main says a ticket changed (ticket.changed), so a new dispatch
 * appears without reloading; a click opens a ticket.
 */
export function WorkList({ view, empty, testId, tabs, columns: columnSet = 'default' }: {
  /** Which queue. */
  view: TicketView;
  /** Shown when the queue is empty. */
  empty: string;
  /** data-testid of the list. */
  testId?: string;
  /** Tabs over the queue, each with its count; the first is shown first. */
  tabs?: WorkTab[];
  /** Column set: 'desk' shows the watched deadline (remaining time + China time) and 派单意见. @default 'default' */
  columns?: 'default' | 'desk';
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [rows, setRows] = useState<WorkRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [tab, setTab] = useState<string | null>(tabs?.[0]?.value ?? null);
  const [now, setNow] = useState(() => new Date());
  const load = useCallback(() => {
    void api.request('tickets.work', { view, limit: 5000 }).then((r) => {
      if (r.ok) { setRows(r.value); setError(null); } else setError(errorMessage(r.error));
      setNow(new Date());
    });
  }, [api, view]);
  useEffect(load, [load]);

  // Reload when a listed ticket changed or one entered the queue's states; bursts of changes
  // (a lead approving several returns) reload once.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const shownIds = useRef(new Set<string>());
  useEffect(() => { shownIds.current = new Set((rows ?? []).map((r) => r.id)); }, [rows]);
  useEffect(() => {
    const off = api.on('ticket.changed', (p) => {
      if (!shownIds.current.has(p.ticketId) && !VIEW_STATES[view].includes(p.state)) return;
      if (pending.current) return;
      pending.current = setTimeout(() => { pending.current = null; load(); }, 300);
    });
    return () => { off(); if (pending.current) clearTimeout(pending.current); pending.current = null; };
  }, [api, load, view]);
  // Remaining times move on even when nothing changes.
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);

  const counts = useMemo(() => Object.fromEntries((tabs ?? []).map((tb) => [tb.value, (rows ?? []).filter(tb.match).length])), [tabs, rows]);
  const shown = useMemo(() => {
    const current = tabs?.find((tb) => tb.value === tab);
    return current ? (rows ?? []).filter(current.match) : rows ?? [];
  }, [rows, tabs, tab]);

  const deadlineCell = (r: WorkRow) => {
    const w = watchedDeadline(r);
    if (!w.at) return <Text size="sm">—</Text>;
    const left = remaining(w.at, now);
    const color = left.overdue || w.status === 'overdue' ? 'red' : w.status === 'due_soon' ? 'orange' : undefined;
    return (
      <Text size="sm" c={color} fw={left.overdue ? 600 : undefined} title={formatDateTime(w.at)} data-testid="row-deadline">
        {r.status === 'dispatched' ? t('desk.signBy') : t('desk.replyBy')} {t(left.key, { n: left.n })} · {formatDateTime(w.at)}
      </Text>
    );
  };

  const base: VirtualColumn<WorkRow>[] = [
    { key: 'number', title: t('ticket.number'), width: '150px', render: (r) => <Text size="sm" ff="monospace">{r.number}</Text> },
    { key: 'title', title: t('ticket.title'), width: 'minmax(200px, 1fr)', render: (r) => (
      <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
        {r.coDepartment && <Badge size="sm" variant="light" color="grape" title={t('uxReview.coDepartmentHint')} data-testid="row-co-department" style={{ flexShrink: 0 }}>{t('uxReview.coDepartment')}</Badge>}
        <Text size="sm" title={r.title} truncate>{r.title}</Text>
      </Group>
    ) },
    { key: 'type', title: t('ticket.appealType'), width: '60px', render: (r) => <Text size="sm">{t(`appealTypes.${r.appealType}`, { defaultValue: r.appealType })}</Text> },
  ];
  const columns: VirtualColumn<WorkRow>[] = columnSet === 'desk' ? [
    ...base,
    { key: 'instructions', title: t('desk.instructions'), width: 'minmax(160px, 0.8fr)', render: (r) => <Text size="sm" c="dimmed" title={r.instructions ?? ''}>{r.instructions ?? '—'}</Text> },
    { key: 'deadline', title: t('desk.deadline'), width: '290px', render: deadlineCell },
    { key: 'status', title: t('ticket.status'), width: '96px', render: (r) => <StatusBadge status={r.status} /> },
  ] : [
    ...base,
    view === 'to_dispatch'
      ? { key: 'district', title: t('ticket.district'), width: '90px', render: (r) => <Text size="sm">{r.district || '—'}</Text> }
      : { key: 'dept', title: t('ticket.leadDepartment'), width: '150px', render: (r) => <Text size="sm">{r.leadDepartment ?? '—'}</Text> },
    view === 'approvals'
      ? { key: 'ask', title: t('ticket.replyBy'), width: '200px', render: (r) => (r.pendingExtension
        ? <Text size="sm" c="orange" data-testid="row-extension">{t('desk.extension', { days: r.pendingExtension.days, date: formatMonthDay(r.pendingExtension.proposedReplyBy) })}</Text>
        : <Text size="sm">{formatDateTime(r.replyBy)}</Text>) }
      : view === 'to_dispatch'
        ? { key: 'created', title: t('ticket.createdAt'), width: '130px', render: (r) => <Text size="sm">{formatDateTime(r.createdAt)}</Text> }
        : { key: 'replyBy', title: t('ticket.replyBy'), width: '130px', render: (r) => <Text size="sm">{formatDateTime(r.replyBy)}</Text> },
    view === 'to_dispatch'
      ? { key: 'why', title: '', width: '76px', render: (r) => <Badge size="sm" variant="light" color={r.returned ? 'orange' : 'blue'}>{t(r.returned ? 'desk.returned' : 'desk.registered')}</Badge> }
      : { key: 'deadline', title: '', width: '76px', render: (r) => (r.deadline ? <Badge size="sm" variant="light" color={deadlineColor[r.deadline]}>{t(`ticket.deadline.${r.deadline}`)}</Badge> : null) },
    { key: 'status', title: t('ticket.status'), width: '96px', render: (r) => <StatusBadge status={r.status} /> },
  ];
  return (
    <Stack gap={0} style={{ flex: 1, minHeight: 0 }}>
      {error && <Alert color="red" m="sm">{error}</Alert>}
      {tabs ? (
        <Tabs value={tab} onChange={setTab} px="sm">
          <Tabs.List>
            {tabs.map((tb) => (
              <Tabs.Tab key={tb.value} value={tb.value} data-testid={`work-tab-${tb.value}`}
                rightSection={<Badge size="sm" variant={tb.value === tab ? 'filled' : 'light'} color={tb.value === 'overdue' && counts[tb.value] ? 'red' : undefined} data-testid={`work-count-${tb.value}`}>{counts[tb.value] ?? 0}</Badge>}>
                {tb.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        </Tabs>
      ) : rows && <Group px="sm" py={4}><Text size="xs" c="dimmed">{t('agentDesk.recentCount', { count: rows.length })}</Text></Group>}
      <VirtualList rows={shown} columns={columns} rowKey={(r) => r.id} onOpen={(r) => setOpen(r.id)} openOnClick testId={testId}
        empty={<Text c="dimmed">{rows && rows.length > 0 && tabs ? t('desk.tabEmpty') : empty}</Text>} />
      <TicketDrawer ticketId={open} onClose={() => setOpen(null)} onChanged={load} />
    </Stack>
  );
}

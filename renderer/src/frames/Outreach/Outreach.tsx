import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Badge, Box, Button, Group, Modal, NumberInput, Paper, ScrollArea, SegmentedControl, SimpleGrid, Stack, Table, Text, Textarea, Title, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OutreachAppeal, OutreachEventDetail, OutreachEventRow, OutreachFigures, OutreachOverview } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { formatDateTime } from '../../format/time';
import { VirtualList } from '../../components/VirtualList';
import { auditActionName } from '../../audit/describe';
import { PlanEvent } from './PlanEvent';
import { FastIntake } from './FastIntake';

type FigureKey = 'communities' | 'peopleServed' | 'fixedOnSpot' | 'appeals';
const FIGURES: { key: FigureKey; unit: string; color: string }[] = [
  { key: 'communities', unit: 'communitiesUnit', color: 'blue' },
  { key: 'peopleServed', unit: 'peopleUnit', color: 'grape' },
  { key: 'fixedOnSpot', unit: 'casesUnit', color: 'teal' },
  { key: 'appeals', unit: 'casesUnit', color: 'orange' },
];

/** One figure as a card; a click opens the list it counts. */
function FigureCards({ figures, onOpen, testId }: {
  /** The figures to show. */
  figures: OutreachFigures;
  /** Opens the list behind a figure. */
  onOpen(key: FigureKey): void;
  /** data-testid prefix of the cards. */
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={4} spacing="sm">
      {FIGURES.map((f) => (
        <UnstyledButton key={f.key} onClick={() => onOpen(f.key)} data-testid={`${testId}-${f.key}`}>
          <Paper withBorder radius="md" p="sm" style={{ borderTop: `3px solid var(--mantine-color-${f.color}-6)` }}>
            <Text size="xs" c="dimmed">{t(`outreach.figures.${f.key}`)}</Text>
            <Group gap={4} align="baseline">
              <Text fz={26} fw={700} data-testid={`${testId}-${f.key}-value`}>{figures[f.key].toLocaleString('zh-CN')}</Text>
              <Text size="sm" c="dimmed">{t(`outreach.figures.${f.unit}`)}</Text>
            </Group>
          </Paper>
        </UnstyledButton>
      ))}
    </SimpleGrid>
  );
}

/** What a cumulative figure opens: the communities visited, or each held event's share of the figure (they add up to it). */
function TotalsList({ overview, figure, onClose }: {
  /** The overview whose totals were clicked. */
  overview: OutreachOverview;
  /** The figure clicked; null: closed. */
  figure: FigureKey | null;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const held = overview.events.filter((e) => e.phase !== 'planned');
  return (
    <Modal opened={figure !== null} onClose={onClose} size="lg" title={figure ? `${t(`outreach.figures.${figure}`)} ${overview.totals[figure]}` : ''}>
      {figure === 'communities' ? (
        <Table data-testid="totals-list" striped>
          <Table.Tbody>
            {overview.communities.map((c) => (
              <Table.Tr key={c.code}>
                <Table.Td>{c.name}</Table.Td>
                <Table.Td>{t('outreach.communities.events', { count: c.events })}</Table.Td>
                <Table.Td>{t('outreach.communities.last', { date: c.lastDate })}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : figure && (
        <Table data-testid="totals-list" striped>
          <Table.Tbody>
            {held.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>{e.date}</Table.Td>
                <Table.Td>{e.title}</Table.Td>
                <Table.Td ta="right">{e.figures[figure]}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Modal>
  );
}

/** The badge of an event's state: 已取消 over its phase. */
function PhaseBadge({ event }: {
  /** The event. */
  event: OutreachEventRow;
}) {
  const { t } = useTranslation();
  if (event.cancelled) return <Badge color="red" variant="light" data-testid="outreach-phase">{t('outreach.phase.cancelled')}</Badge>;
  return <Badge color={event.phase === 'today' ? 'green' : event.phase === 'planned' ? 'blue' : 'gray'} data-testid="outreach-phase">{t(`outreach.phase.${event.phase}`)}</Badge>;
}

/** Cancels an event with the reason the record and the team keep. */
function CancelEvent({ detail, opened, onClose, onCancelled }: {
  /** The event to cancel, at the version shown. */
  detail: OutreachEventDetail;
  /** The dialog is shown. */
  opened: boolean;
  onClose(): void;
  /** The event as main saved it. */
  onCancelled(d: OutreachEventDetail): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [reason, setReason] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (opened) { setReason(''); setErr(null); setError(null); } }, [opened]);
  const submit = async () => {
    if (reason.trim().length < 2) { setErr(t('outreach.cancelForm.errors.reason')); return; }
    setBusy(true);
    const r = await api.request('outreach.cancel', { id: detail.id, expectedVersion: detail.version, reason: reason.trim() });
    setBusy(false);
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    onCancelled(r.value);
  };
  return (
    <Modal opened={opened} onClose={onClose} title={`${t('outreach.cancelForm.title')}：${detail.title}（${detail.date}）`} size="md">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">{t('outreach.cancelForm.hint')}</Text>
        {error && <Alert color="red" data-testid="outreach-cancel-error">{error}</Alert>}
        <Textarea label={t('outreach.cancelForm.reason')} placeholder={t('outreach.cancelForm.reasonPlaceholder')} autosize minRows={2} maxLength={200} required
          value={reason} onChange={(e) => { setReason(e.currentTarget.value); setErr(null); }} error={err} data-testid="cancel-reason" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('outreach.cancelForm.back')}</Button>
          <Button color="red" onClick={() => void submit()} loading={busy} data-testid="cancel-submit">{t('outreach.cancelForm.submit')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function EventDetail({ detail, onChanged }: {
  /** The event shown. */
  detail: OutreachEventDetail;
  /** Read it again (after a registration or an edit). */
  onChanged(d?: OutreachEventDetail): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [filter, setFilter] = useState<'all' | 'fixed' | 'dispatched'>('all');
  const [met, setMet] = useState<number | string>(detail.figures.peopleMet);
  const [metMsg, setMetMsg] = useState<{ ok: boolean; text: string } | null>(null);
  // The event as it was when a dialog opened: a change read meanwhile (outreach.changed) does not
  // rewrite the form, and saving against the version seen is refused as stale.
  const [editing, setEditing] = useState<OutreachEventDetail | null>(null);
  const [cancelling, setCancelling] = useState<OutreachEventDetail | null>(null);
  useEffect(() => { setMet(detail.figures.peopleMet); }, [detail.id, detail.figures.peopleMet]);
  const team = detail.people.filter((p) => p.part === 'team');
  const members = detail.people.filter((p) => p.part === 'member');
  const shown = detail.appeals.filter((a) => filter === 'all' || (filter === 'fixed') === a.fixedOnSpot);
  const open = (key: FigureKey) => { if (key === 'fixedOnSpot') setFilter('fixed'); else if (key === 'appeals') setFilter('all'); };
  const saveMet = async () => {
    const r = await api.request('outreach.setPeopleMet', { id: detail.id, expectedVersion: detail.version, peopleMet: Number(met) || 0 });
    if (!r.ok) { setMetMsg({ ok: false, text: errorMessage(r.error) }); return; }
    setMetMsg({ ok: true, text: t('outreach.detail.saved') });
    onChanged(r.value);
  };
  return (
    <Stack gap="sm" p="xs" data-testid="outreach-detail">
      <Group justify="space-between" align="flex-start">
        <Box>
          <Group gap="xs">
            <Title order={4} td={detail.cancelled ? 'line-through' : undefined}>{detail.title}</Title>
            <PhaseBadge event={detail} />
          </Group>
          <Text size="sm" c="dimmed">{detail.number} · {detail.date} · {t('outreach.detail.where', { community: detail.community, address: detail.address })}</Text>
        </Box>
        {(detail.allowed.edit || detail.allowed.cancel) && (
          <Group gap="xs">
            {detail.allowed.edit && <Button variant="light" size="xs" onClick={() => setEditing(detail)} data-testid="outreach-edit-open">{t('outreach.detail.edit')}</Button>}
            {detail.allowed.cancel && <Button variant="light" color="red" size="xs" onClick={() => setCancelling(detail)} data-testid="outreach-cancel-open">{t('outreach.detail.cancel')}</Button>}
          </Group>
        )}
      </Group>
      {detail.cancelled && (
        <Alert color="red" variant="light" title={t('outreach.detail.cancelled')} data-testid="outreach-cancelled">
          {t('outreach.detail.cancelledBy', { by: detail.cancelled.byName ?? '—', at: formatDateTime(detail.cancelled.at), reason: detail.cancelled.reason })}
        </Alert>
      )}
      {/* A cancelled event took place nowhere and has no appeals (it is only cancelled before any): no figures to show. */}
      {!detail.cancelled && <>
        <FigureCards figures={detail.figures} onOpen={open} testId="event-figure" />
        <Text size="xs" c="dimmed" data-testid="event-served-detail">{t('outreach.figures.servedDetail', { citizens: detail.figures.citizens, met: detail.figures.peopleMet })}</Text>
      </>}
      <Paper withBorder radius="md" p="sm">
        <Group gap="xs" mb={4}><Text size="sm" fw={600} w={200}>{t('outreach.detail.team')}</Text>{team.map((p) => <Badge key={p.id} variant="light" tt="none">{p.displayName}</Badge>)}</Group>
        <Group gap="xs"><Text size="sm" fw={600} w={200}>{t('outreach.detail.members')}</Text>
          {members.length ? members.map((p) => <Badge key={p.id} variant="light" color="grape" tt="none">{p.displayName}</Badge>) : <Text size="sm" c="dimmed">{t('outreach.detail.noMembers')}</Text>}
        </Group>
      </Paper>
      {detail.allowed.register
        ? <FastIntake event={detail} onSaved={() => onChanged()} />
        : !detail.cancelled && <Alert color="gray" variant="light">{detail.phase === 'today' ? t('outreach.detail.notOnTeam') : t('outreach.detail.notToday', { date: detail.date })}</Alert>}
      {detail.allowed.setPeopleMet && (
        <Group align="flex-end">
          <NumberInput label={t('outreach.detail.peopleMet')} description={t('outreach.detail.peopleMetHint')} min={0} max={100000} allowDecimal={false}
            value={met} onChange={setMet} w={360} data-testid="people-met" />
          <Button variant="light" onClick={() => void saveMet()} data-testid="people-met-save">{t('outreach.detail.savePeopleMet')}</Button>
          {metMsg && <Text size="sm" c={metMsg.ok ? 'teal' : 'red'}>{metMsg.text}</Text>}
        </Group>
      )}
      {!detail.cancelled && <>
      <Group justify="space-between">
        <Text fw={600}>{t('outreach.detail.appeals')}</Text>
        <SegmentedControl size="xs" value={filter} onChange={(v) => setFilter(v as typeof filter)} data-testid="appeal-filter" data={[
          { value: 'all', label: t('outreach.detail.filter.all', { count: detail.figures.appeals }) },
          { value: 'fixed', label: t('outreach.detail.filter.fixed', { count: detail.figures.fixedOnSpot }) },
          { value: 'dispatched', label: t('outreach.detail.filter.dispatched', { count: detail.figures.dispatched }) },
        ]} />
      </Group>
      <Box style={{ height: shown.length ? Math.min(360, 40 + shown.length * 34) : 96, display: 'flex' }}>
        <VirtualList<OutreachAppeal> rows={shown} rowKey={(a) => a.id} rowHeight={34} testId="outreach-appeals"
          empty={<Text size="sm" c="dimmed" p="xs">{t('outreach.detail.noAppeals')}</Text>}
          columns={[
            { key: 'number', title: t('outreach.col2.number'), width: '140px', render: (a) => <Text size="xs" ff="monospace">{a.number}</Text> },
            { key: 'title', title: t('outreach.col2.title'), width: '1fr', render: (a) => <Text size="sm" truncate>{a.title}</Text> },
            { key: 'phone', title: t('outreach.col2.phone'), width: '104px', render: (a) => <Text size="sm">{a.phone ?? '—'}</Text> },
            { key: 'how', title: t('outreach.col2.how'), width: '80px', render: (a) => <Badge size="sm" color={a.fixedOnSpot ? 'teal' : 'blue'} variant="light">{t(`outreach.how.${a.fixedOnSpot ? 'fixed' : 'dispatched'}`)}</Badge> },
            { key: 'status', title: t('outreach.col2.status'), width: '72px', render: (a) => <Text size="sm">{t(`statuses.${a.status}`, { defaultValue: a.status })}</Text> },
            { key: 'by', title: t('outreach.col2.by'), width: '116px', render: (a) => <Text size="xs" truncate title={formatDateTime(a.createdAt)}>{a.registeredBy} · {formatDateTime(a.createdAt).slice(-5)}</Text> },
          ]} />
      </Box>
      </>}
      <Text fw={600}>{t('outreach.timeline')}</Text>
      <Stack gap={2} data-testid="outreach-timeline">
        {[...detail.timeline].reverse().slice(0, 50).map((x, i) => (
          <Text key={i} size="xs" c="dimmed">
            {formatDateTime(x.at)} · {x.actorName ?? '—'} · {auditActionName(t, x.action)} {timelineText(t, x.action, x.data)}
          </Text>
        ))}
      </Stack>
      <PlanEvent opened={editing !== null} editing={editing ?? detail} onClose={() => setEditing(null)} onPlanned={(d) => { setEditing(null); onChanged(d); }} />
      <CancelEvent detail={cancelling ?? detail} opened={cancelling !== null} onClose={() => setCancelling(null)} onCancelled={(d) => { setCancelling(null); onChanged(d); }} />
    </Stack>
  );
}

/** The facts of one line of the event's record, in words. */
function timelineText(t: (k: string, o?: Record<string, unknown>) => string, action: string, d: Record<string, unknown>): string {
  if (action === 'outreach.planned') return t('outreach.timelineData.planned', d);
  if (action === 'outreach.appealRegistered') return t('outreach.timelineData.appeal', { ticket: d.ticket, how: t(`outreach.how.${d.fixedOnSpot ? 'fixed' : 'dispatched'}`) });
  if (action === 'outreach.peopleMet') return t('outreach.timelineData.peopleMet', d);
  if (action === 'outreach.edited') {
    const what = (Array.isArray(d.changed) ? d.changed : []).map((k) => t(`outreach.timelineData.fields.${String(k)}`)).join('、');
    return t('outreach.timelineData.edited', { what }) + (d.dateFrom ? t('outreach.timelineData.dateMoved', { from: d.dateFrom, to: d.dateTo }) : '');
  }
  if (action === 'outreach.cancelled') return t('outreach.timelineData.cancelled', d);
  return '';
}

/**
 * 便民服务进小区: the cumulative figures on top, the events on the left (virtualized), the chosen
 * event on the right with its figures, team, the fast intake on its day, and its appeals.
 */
export function Outreach() {
  const { t } = useTranslation();
  const { api, connected } = useApi();
  const [overview, setOverview] = useState<OutreachOverview | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [detail, setDetail] = useState<OutreachEventDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [planning, setPlanning] = useState(false);
  const [totalsOpen, setTotalsOpen] = useState<FigureKey | null>(null);

  const load = useCallback(async () => {
    const r = await api.request('outreach.list', {});
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    setOverview(r.value);
    setError(null);
    // Today's event (or the newest) opens at once, so the team lands on its intake.
    setChosen((c) => c ?? (r.value.events.find((e) => e.phase === 'today' && !e.cancelled) ?? r.value.events[0])?.id ?? null);
  }, [api]);
  const loadDetail = useCallback(async (id: string) => {
    const r = await api.request('outreach.get', { id });
    if (r.ok) setDetail(r.value);
    // No longer this reader's (taken off the team by an edit): it goes from view, as from the list.
    else if (r.error.code === 'not_found') { setChosen((c) => (c === id ? null : c)); setDetail((d) => (d?.id === id ? null : d)); }
    else setError(errorMessage(r.error));
  }, [api]);
  useEffect(() => { if (connected) void load(); }, [connected, load]);
  useEffect(() => { if (chosen && connected) void loadDetail(chosen); }, [chosen, connected, loadDetail]);
  const chosenNow = useRef(chosen);
  chosenNow.current = chosen;
  useEffect(() => {
    // A plan, edit or cancel made elsewhere, or an appeal registered at an event: read again, once
    // for a burst (a team registering at the event), the open event too if it is one that changed.
    let timer: ReturnType<typeof setTimeout> | null = null;
    const changed = new Set<string>();
    const off = api.on('outreach.changed', (e) => {
      changed.add(e.eventId);
      timer ??= setTimeout(() => {
        timer = null;
        void load();
        if (chosenNow.current && changed.has(chosenNow.current)) void loadDetail(chosenNow.current);
        changed.clear();
      }, 300);
    });
    return () => { off(); if (timer) clearTimeout(timer); };
  }, [api, load, loadDetail]);

  return (
    <Stack gap="md" p="md" style={{ flex: 1, minHeight: 0 }} data-testid="outreach-frame">
      <Group justify="space-between">
        <Title order={3}>{t('outreach.title')}</Title>
        {overview?.canPlan && <Button onClick={() => setPlanning(true)} data-testid="outreach-plan-open">{t('outreach.plan')}</Button>}
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      {overview && (
        <Box>
          <Group gap="xs" mb={6}><Text fw={600}>{t('outreach.totals')}</Text><Text size="xs" c="dimmed">{t('outreach.totalsHint')}</Text></Group>
          <FigureCards figures={overview.totals} onOpen={setTotalsOpen} testId="total-figure" />
        </Box>
      )}
      <Group align="stretch" gap="md" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
        <Paper withBorder radius="md" w={420} style={{ display: 'flex', flexDirection: 'column', flexShrink: 0 }}>
          <Text fw={600} p="sm" pb={4}>{t('outreach.listTitle')}</Text>
          <Box style={{ flex: 1, minHeight: 200, display: 'flex' }}>
            <VirtualList<OutreachEventRow> rows={overview?.events ?? []} rowKey={(e) => e.id} rowHeight={52} testId="outreach-list" openOnClick
              onOpen={(e) => setChosen(e.id)}
              empty={<Text size="sm" c="dimmed" p="sm">{t('outreach.empty')}</Text>}
              columns={[
                { key: 'date', title: t('outreach.col.date'), width: '96px', render: (e) => (
                  <Stack gap={0}><Text size="sm" td={e.cancelled ? 'line-through' : undefined}>{e.date}</Text>
                    {e.cancelled
                      ? <Text size="xs" c="red" fw={600}>{t('outreach.phase.cancelled')}</Text>
                      : <Text size="xs" c={e.phase === 'today' ? 'green' : 'dimmed'}>{t(`outreach.phase.${e.phase}`)}</Text>}</Stack>) },
                { key: 'event', title: t('outreach.col.event'), width: '1fr', render: (e) => (
                  <Stack gap={0} style={{ minWidth: 0 }} data-testid="outreach-list-item">
                    <Text size="sm" fw={e.id === chosen ? 700 : 500} truncate>{e.title}</Text>
                    <Text size="xs" c="dimmed" truncate>{e.community}</Text>
                  </Stack>) },
                { key: 'appeals', title: t('outreach.col.appeals'), width: '52px', render: (e) => <Text size="sm" ta="right">{e.figures.appeals}</Text> },
                { key: 'fixed', title: t('outreach.col.fixed'), width: '52px', render: (e) => <Text size="sm" ta="right">{e.figures.fixedOnSpot}</Text> },
              ]} />
          </Box>
        </Paper>
        <ScrollArea style={{ flex: 1 }}>
          {detail && detail.id === chosen
            ? <EventDetail detail={detail} onChanged={(d) => { if (d) setDetail(d); else void loadDetail(detail.id); void load(); }} />
            : <Text c="dimmed" p="md">{t('outreach.pick')}</Text>}
        </ScrollArea>
      </Group>
      <PlanEvent opened={planning} onClose={() => setPlanning(false)} onPlanned={(d) => { setPlanning(false); setChosen(d.id); setDetail(d); void load(); }} />
      {overview && <TotalsList overview={overview} figure={totalsOpen} onClose={() => setTotalsOpen(null)} />}
    </Stack>
  );
}

import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Anchor, Group, Paper, Popover, ScrollArea, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TicketListRow } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { VirtualList, type VirtualColumn } from '../../components/VirtualList';
import { StatusBadge } from '../../components/StatusBadge';
import { TicketDrawer } from '../../components/TicketDrawer';
import { useShortcut } from '../../components/Shortcuts';
import { formatDateTime } from '../../format/time';
import { usePhone } from '../../phone/PhoneProvider';
import { Softphone } from '../../phone/Softphone';
import { ScreenPopCard } from '../../phone/ScreenPopCard';
import { IntakeForm } from '../../intake/IntakeForm';
import { MANUAL_INTAKE_DRAFT } from '../../intake/IntakeForm/draft';
import { onIntakeFormRequest, takeIntakeFormRequest } from '../../intake/intakeRequest';
import { WorkList } from '../../components/WorkList';
import { onTicketSearchRequest, takeTicketSearchRequest, TicketSearch } from '../../components/TicketSearch';

/** The seat agent's desk: the softphone, the caller's screen pop, intake, the latest tickets. */
export function AgentDesk() {
  const { t } = useTranslation();
  const { pop, current, status } = usePhone();
  // Without a SIP account the phone column would be ~290 px of one sentence: a slim bar says it instead.
  const noPhone = status !== null && !status.configured;
  const [tab, setTab] = useState<string | null>('intake');
  const [openTicket, setOpenTicket] = useState<string | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  // Bumped when a write comes back from the desk's outbox: the form mounts again and reads its draft anew.
  const [intakeGen, setIntakeGen] = useState(0);
  const callId = current?.direction === 'inbound' ? current.callId : undefined;
  // A call a colleague hands over comes from their extension: the citizen's number is on the ticket.
  const callerNumber = current?.ticketId ? pop?.transferredTicket?.id && pop.phone : current?.remoteNumber;

  // A call that is answered brings the agent to the intake form, its number filled in.
  useEffect(() => { if (current?.state === 'active') setTab('intake'); }, [current?.state]);

  // Ctrl+K from anywhere on the desk opens the search (on the search tab its own Ctrl+K focuses the box).
  useShortcut({ id: 'desk.search', combo: 'ctrl+k', labelKey: 'shortcuts.focusSearch', inInputs: true, fallback: true, run: () => setTab('search') });
  // Intake's keys work from every tab: they bring the form (and its draft) forward; on the intake tab the form's own win.
  const toIntake = () => setTab('intake');
  useShortcut({ id: 'desk.save', combo: 'ctrl+s', labelKey: 'intake.shortcutSave', inInputs: true, fallback: true, run: toIntake });
  useShortcut({ id: 'desk.resolve', combo: 'ctrl+shift+s', labelKey: 'intake.shortcutResolve', inInputs: true, fallback: true, run: toIntake });
  useShortcut({ id: 'desk.escalate', combo: 'ctrl+shift+e', labelKey: 'intake.shortcutEscalate', inInputs: true, fallback: true, run: toIntake });
  // Ctrl+K pressed on another frame: the shell switched here and left the request.
  useEffect(() => {
    const take = () => { if (takeTicketSearchRequest()) setTab('search'); };
    take();
    return onTicketSearchRequest(take);
  }, []);
  useEffect(() => {
    const take = () => {
      if (!takeIntakeFormRequest()) return;
      setTab('intake');
      setIntakeGen((g) => g + 1);
    };
    take();
    return onIntakeFormRequest(take);
  }, []);

  return (
    <Group align="stretch" gap={0} wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
      {!noPhone && (
        <Paper w={290} p="md" radius={0} style={{ borderRight: '1px solid var(--mantine-color-default-border)', overflow: 'auto', flexShrink: 0 }} data-testid="softphone-column">
          <Softphone />
        </Paper>
      )}
      <Stack gap={0} style={{ flex: 1, minWidth: 0, minHeight: 0 }}>
        {noPhone && <NoPhoneBar />}
        {pop && <ScreenPopCard pop={pop} onOpen={setOpenTicket} awaitingHandOver={!!current?.ticketId && current.remoteNumber !== pop.phone} />}
        <Tabs value={tab} onChange={setTab} keepMounted={false} style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
          <Tabs.List px="sm">
            <Tabs.Tab value="intake" data-testid="tab-intake">{t('intake.tab')}</Tabs.Tab>
            <Tabs.Tab value="search" data-testid="tab-search">{t('search.tab')}</Tabs.Tab>
            <Tabs.Tab value="recent" data-testid="tab-recent">{t('intake.recentTab')}</Tabs.Tab>
            <Tabs.Tab value="toDispatch" data-testid="tab-to-dispatch">{t('desk.toDispatchTab')}</Tabs.Tab>
            <Tabs.Tab value="visits" data-testid="tab-visits">{t('agentDesk.visitsTab')}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="intake" style={{ flex: 1, minHeight: 0 }}>
            <ScrollArea h="100%" p="sm">
              <IntakeForm key={`${callId ?? 'manual'}.${intakeGen}`} draftKey={callId ? `intake.call.${callId}` : MANUAL_INTAKE_DRAFT} callId={callId}
                callerNumber={callId ? callerNumber : undefined} onSaved={(tk) => { setReloadKey((k) => k + 1); setOpenTicket(tk.id); }} onOpenTicket={setOpenTicket} />
            </ScrollArea>
          </Tabs.Panel>
          <Tabs.Panel value="search" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
            <TicketSearch onOpen={setOpenTicket} />
          </Tabs.Panel>
          <Tabs.Panel value="toDispatch" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
            <WorkList view="to_dispatch" empty={t('desk.toDispatchEmpty')} testId="to-dispatch" />
          </Tabs.Panel>
          <Tabs.Panel value="visits" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
            <WorkList view="return_visits" empty={t('agentDesk.visitsEmpty')} testId="return-visits" />
          </Tabs.Panel>
          <Tabs.Panel value="recent" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
            <RecentTickets key={reloadKey} onOpen={setOpenTicket} />
          </Tabs.Panel>
        </Tabs>
      </Stack>
      <TicketDrawer ticketId={openTicket} onClose={() => setOpenTicket(null)} onChanged={() => setReloadKey((k) => k + 1)} />
    </Group>
  );
}

/** One line where the softphone would be: the seat has no SIP account, and how to get one. */
function NoPhoneBar() {
  const { t } = useTranslation();
  return (
    <Group gap="xs" px="sm" py={4} wrap="nowrap" data-testid="no-phone-bar"
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)', background: 'var(--mantine-color-gray-light)' }}>
      <Text size="xs" fw={600} c="dimmed">{t('deskLayout.noPhone')}</Text>
      <Popover width={280} position="bottom-start" withArrow shadow="md">
        <Popover.Target>
          <Anchor size="xs" component="button" type="button" data-testid="no-phone-help">{t('deskLayout.howToConfigure')}</Anchor>
        </Popover.Target>
        <Popover.Dropdown><Text size="sm">{t('agentDesk.phoneNotConfigured')}</Text></Popover.Dropdown>
      </Popover>
    </Group>
  );
}

function RecentTickets({ onOpen }: { /** Opens a ticket's detail. */ onOpen(id: string): void }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [rows, setRows] = useState<TicketListRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const filterRef = useRef<HTMLInputElement>(null);

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
    <Stack gap={0} style={{ flex: 1, minHeight: 0 }}>
      <Group justify="space-between" p="sm" wrap="nowrap">
        <Text size="sm" c="dimmed">{rows ? t('agentDesk.recentCount', { count: shown.length }) : ''}</Text>
        <TextInput ref={filterRef} w={360} placeholder={t('agentDesk.filterPlaceholder')} value={filter} onChange={(e) => setFilter(e.currentTarget.value)} aria-label={t('agentDesk.filterPlaceholder')} />
      </Group>
      {error && <Alert color="red" m="sm">{error}</Alert>}
      <VirtualList rows={shown} columns={columns} rowKey={(r) => r.id} testId="recent-tickets" onOpen={(r) => onOpen(r.id)} openOnClick
        empty={<Text c="dimmed">{rows && rows.length > 0 ? t('agentDesk.noMatch') : t('agentDesk.empty')}</Text>} />
    </Stack>
  );
}

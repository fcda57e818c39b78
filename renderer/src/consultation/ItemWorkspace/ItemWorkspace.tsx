import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, ScrollArea, Select, Stack, Tabs, Text, TextInput, Textarea, Title } from '@mantine/core';
import { DateField } from '../../components/DateFields';
import { useTranslation } from 'react-i18next';
import type { ConsultationDetail } from '../../../../shared/contract';
import { StatusBadge } from '../../components/StatusBadge';
import { TicketDrawer } from '../../components/TicketDrawer';
import { useReference } from '../../intake/reference';
import { formatDateTime } from '../../format/time';
import { flagColor, todayBeijing } from '../format';
import { useItemAction } from '../useItemAction';
import { ReportPanel } from '../ReportPanel';
import { FeedbackPanel, MeetingsPanel, ResearchPanel } from './WorkForms';
import { MeasuresPanel } from './MeasuresPanel';
import { Timeline } from './Timeline';

const hasText = (s: string) => /[\p{L}\p{N}]/u.test(s);
const STEP_LOOK = {
  done: { color: 'teal', variant: 'light' }, current: { color: 'grape', variant: 'filled' },
  active: { color: 'orange', variant: 'light' }, todo: { color: 'gray', variant: 'outline' },
} as const;

/** One consultation item: where it stands, its tickets and callers, and the work done on it. */
export function ItemWorkspace({ item, onChange }: {
  /** The item shown. */
  item: ConsultationDetail;
  /** Called with the item after any change. */
  onChange(next: ConsultationDetail): void;
}) {
  const { t } = useTranslation();
  const { run, busy } = useItemAction(onChange);
  const [tab, setTab] = useState<string | null>('overview');
  const [ticket, setTicket] = useState<string | null>(null);
  const [closeNote, setCloseNote] = useState('');
  const open = item.measures.filter((m) => m.status !== 'done' && m.status !== 'dropped').length;

  return (
    <Stack gap="sm" style={{ flex: 1, minHeight: 0 }} data-testid="item-workspace">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="xs">
            <Text ff="monospace" c="dimmed" data-testid="item-number">{item.number}</Text>
            <Badge variant="light" color="grape">{t(`consultation.routes.${item.route}`)}</Badge>
            <Badge variant={item.urgency === 'normal' ? 'outline' : 'filled'} color={item.urgency === 'normal' ? 'gray' : 'red'}>{t(`consultation.urgencies.${item.urgency}`)}</Badge>
            <Badge variant="outline" color="gray">{item.domain}</Badge>
            {item.source !== 'ticket' && <Badge variant="outline">{t(`consultation.sources.${item.source}`)}</Badge>}
            {item.claimFlag && <Badge color={flagColor(item.claimFlag)} variant="light">{t('consultation.columns.claimBy')} {formatDateTime(item.claimBy)}</Badge>}
          </Group>
          <Title order={3} data-testid="item-title">{item.title}</Title>
          <Text size="xs" c="dimmed">{t('consultation.createdBy')}：{item.createdByName ?? '—'} · {formatDateTime(item.createdAt)}{item.claimedByName ? ` · ${t('consultation.columns.claimedBy')}：${item.claimedByName}` : ''}</Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          {item.allowed.claim && <Button color="grape" loading={busy === 'consultation.claim'} onClick={() => void run('consultation.claim', { id: item.id }, t('consultation.claimed', { number: item.number }))} data-testid="item-claim">{t('consultation.claim')}</Button>}
          {item.allowed.release && <Button variant="default" loading={busy === 'consultation.release'} onClick={() => void run('consultation.release', { id: item.id }, t('consultation.released', { number: item.number }))} data-testid="item-release">{t('consultation.release')}</Button>}
        </Group>
      </Group>
      <Group gap={4} data-testid="item-stages">
        {item.progress.map(({ step, state }) => (
          <Badge key={step} size="sm" radius="sm" color={STEP_LOOK[state].color} variant={STEP_LOOK[state].variant}
            title={t(`consultProgress.states.${state}`)} data-step={step} data-state={state} data-current={state === 'current' || undefined}>
            {state === 'done' ? '✓ ' : ''}{t(`consultation.stages.${step}`)}{state === 'active' ? ` · ${t('consultProgress.states.active')}` : ''}</Badge>
        ))}
      </Group>
      {item.stage === 'queued' && !item.allowed.claim && <Alert color="blue" variant="light">{t('consultation.workspace.notClaimedHint')}</Alert>}
      {item.closedAt && <Alert color="gray">{t('consultation.workspace.closedAt', { time: formatDateTime(item.closedAt), note: item.closeNote ?? '' })}</Alert>}
      <Tabs value={tab} onChange={setTab} keepMounted={false} style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
        <Tabs.List>
          <Tabs.Tab value="overview">{t('consultation.workspace.overview')}</Tabs.Tab>
          <Tabs.Tab value="research" data-testid="tab-research">{t('consultation.workspace.research')} {item.research.length || ''}</Tabs.Tab>
          <Tabs.Tab value="meetings" data-testid="tab-meetings">{t('consultation.workspace.meetings')} {item.meetings.length || ''}</Tabs.Tab>
          <Tabs.Tab value="measures" data-testid="tab-measures">{t('consultation.workspace.measures')} {item.measures.length || ''}
            {item.overdueMeasures > 0 && <Badge size="xs" color="red" ml={4}>{item.overdueMeasures}</Badge>}</Tabs.Tab>
          <Tabs.Tab value="report" data-testid="tab-report">{t('consultation.workspace.report')}</Tabs.Tab>
          <Tabs.Tab value="feedback" data-testid="tab-feedback">{t('consultation.workspace.feedback')} {item.feedback.length || ''}</Tabs.Tab>
        </Tabs.List>
        <ScrollArea style={{ flex: 1 }} pt="sm" offsetScrollbars>
          <Tabs.Panel value="overview"><Overview item={item} onChange={onChange} onOpenTicket={setTicket} /></Tabs.Panel>
          <Tabs.Panel value="research"><ResearchPanel item={item} onChange={onChange} /></Tabs.Panel>
          <Tabs.Panel value="meetings"><MeetingsPanel item={item} onChange={onChange} /></Tabs.Panel>
          <Tabs.Panel value="measures">
            <Stack gap="sm">
              <MeasuresPanel item={item} onChange={onChange} />
              {item.allowed.work && (
                <Card withBorder padding="sm">
                  <Stack gap="xs">
                    <Text fw={600} size="sm">{t('consultation.workspace.closeTitle')}</Text>
                    {open > 0 && <Text size="sm" c="orange" data-testid="close-blocked">{t('consultation.workspace.closeBlocked', { count: open })}</Text>}
                    <Group align="flex-end" wrap="nowrap">
                      <TextInput style={{ flex: 1 }} label={t('consultation.workspace.closeNote')} value={closeNote} onChange={(e) => setCloseNote(e.currentTarget.value)} />
                      <Button color="gray" disabled={!hasText(closeNote)} loading={busy === 'consultation.close'}
                        onClick={() => void run('consultation.close', { itemId: item.id, note: closeNote })} data-testid="item-close">{t('consultation.workspace.close')}</Button>
                    </Group>
                  </Stack>
                </Card>
              )}
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="report"><ReportPanel item={item} onChange={onChange} /></Tabs.Panel>
          <Tabs.Panel value="feedback"><FeedbackPanel item={item} onChange={onChange} /></Tabs.Panel>
        </ScrollArea>
      </Tabs>
      <TicketDrawer ticketId={ticket} onClose={() => setTicket(null)} />
    </Stack>
  );
}

function Overview({ item, onChange, onOpenTicket }: {
  /** The item. */
  item: ConsultationDetail;
  /** Called with the item after a change. */
  onChange(next: ConsultationDetail): void;
  /** Opens a linked ticket. */
  onOpenTicket(id: string): void;
}) {
  const { t } = useTranslation();
  const ref = useReference();
  const { run, busy } = useItemAction(onChange);
  const [pkg, setPkg] = useState({ leader: item.package?.leader ?? '', departmentId: item.package?.departmentId ?? null as string | null, street: item.package?.street ?? '', community: item.package?.community ?? '' });
  const [ins, setIns] = useState({ leader: item.instruction?.leader ?? '', date: item.instruction?.date ?? todayBeijing(), text: item.instruction?.text ?? '' });
  const departments = (ref?.departments ?? []).map((d) => ({ value: d.id, label: d.name }));
  return (
    <Stack gap="sm">
      <Card withBorder padding="sm">
        <Text size="sm" fw={600}>{t('consultation.reason')}</Text>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="item-reason">{item.reason}</Text>
      </Card>
      <Card withBorder padding="sm">
        <Text size="sm" fw={600} mb={4}>{t('consultProgress.timeline')}</Text>
        <Timeline item={item} />
      </Card>
      <Card withBorder padding="sm">
        <Text size="sm" fw={600} mb={4}>{t('consultation.workspace.tickets')}</Text>
        {/* Number and status, then the title on a line of its own: in the half-width workspace at
            1366×768 a four-column table left the title a few characters wide, wrapping per word. */}
        <Stack gap={6}>
          {item.tickets.map((tk) => (
            <Group key={tk.id} gap="xs" wrap="nowrap" align="flex-start" data-testid="linked-ticket">
              <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
                <Group gap="xs" wrap="nowrap">
                  <Anchor size="sm" ff="monospace" component="button" onClick={() => onOpenTicket(tk.id)}>{tk.number}</Anchor>
                  <StatusBadge status={tk.status} />
                </Group>
                <Text size="sm" truncate title={tk.title} data-testid="linked-ticket-title">{tk.title}</Text>
              </Stack>
              <Text size="xs" ff="monospace" style={{ whiteSpace: 'nowrap' }}>{tk.phone ?? ''} {tk.callerName ?? ''}</Text>
            </Group>
          ))}
        </Stack>
        <Text size="sm" fw={600} mt="sm" mb={4}>{t('consultation.workspace.history')}</Text>
        {item.callerHistory.length === 0 ? <Text size="xs" c="dimmed">{t('consultation.workspace.historyEmpty')}</Text> : (
          <Stack gap={2}>{item.callerHistory.map((h) => (
            <Group key={h.ticketId} gap="xs" wrap="nowrap"><Text size="xs" c="dimmed" w={110}>{formatDateTime(h.createdAt).slice(0, 10)}</Text>
              <Anchor size="xs" component="button" onClick={() => onOpenTicket(h.ticketId)}>{h.title}</Anchor><StatusBadge status={h.status} /></Group>))}
          </Stack>
        )}
      </Card>
      <Card withBorder padding="sm">
        <Text size="sm" fw={600} mb={4}>{t('consultation.workspace.package')}</Text>
        {item.package ? (
          <Text size="sm" data-testid="package">{t('consultation.workspace.leader')}：{item.package.leader}{'\u3000'}{t('consultation.workspace.department')}：{item.package.department}{'\u3000'}{t('consultation.workspace.street')}：{item.package.street}{'\u3000'}{t('consultation.workspace.community')}：{item.package.community}</Text>
        ) : <Text size="xs" c="dimmed">{t('consultation.workspace.packageEmpty')}</Text>}
        {item.allowed.work && (
          <Group grow align="flex-end" mt="xs">
            <TextInput size="xs" label={t('consultation.workspace.leader')} value={pkg.leader} onChange={(e) => setPkg({ ...pkg, leader: e.currentTarget.value })} />
            <Select size="xs" label={t('consultation.workspace.department')} data={departments} searchable value={pkg.departmentId} onChange={(v) => setPkg({ ...pkg, departmentId: v })} />
            <TextInput size="xs" label={t('consultation.workspace.street')} value={pkg.street} onChange={(e) => setPkg({ ...pkg, street: e.currentTarget.value })} />
            <TextInput size="xs" label={t('consultation.workspace.community')} value={pkg.community} onChange={(e) => setPkg({ ...pkg, community: e.currentTarget.value })} />
            <Button size="xs" variant="light" loading={busy === 'consultation.setPackage'} disabled={!pkg.departmentId || !hasText(pkg.leader) || !hasText(pkg.street) || !hasText(pkg.community)}
              onClick={() => pkg.departmentId && void run('consultation.setPackage', { itemId: item.id, leader: pkg.leader, departmentId: pkg.departmentId, street: pkg.street, community: pkg.community }, t('consultation.saved'))}>
              {t('consultation.workspace.setPackage')}</Button>
          </Group>
        )}
      </Card>
      <Card withBorder padding="sm">
        <Text size="sm" fw={600} mb={4}>{t('consultation.workspace.instruction')}</Text>
        {item.instruction ? <Text size="sm">{item.instruction.leader}（{item.instruction.date}）：{item.instruction.text}</Text>
          : <Text size="xs" c="dimmed">{t('consultation.workspace.instructionEmpty')}</Text>}
        {item.allowed.work && (
          <Stack gap="xs" mt="xs">
            <Group grow>
              <TextInput size="xs" label={t('consultation.workspace.instructionLeader')} value={ins.leader} onChange={(e) => setIns({ ...ins, leader: e.currentTarget.value })} />
              <DateField size="xs" label={t('consultation.workspace.date')} value={ins.date} onChange={(v) => setIns({ ...ins, date: v })} />
            </Group>
            <Textarea size="xs" autosize minRows={2} label={t('consultation.workspace.instructionText')} value={ins.text} onChange={(e) => setIns({ ...ins, text: e.currentTarget.value })} />
            <Group justify="flex-end"><Button size="xs" variant="light" disabled={!hasText(ins.leader) || !hasText(ins.text) || !ins.date} loading={busy === 'consultation.recordInstruction'}
              onClick={() => void run('consultation.recordInstruction', { itemId: item.id, ...ins }, t('consultation.saved'))}>{t('consultation.workspace.recordInstruction')}</Button></Group>
          </Stack>
        )}
      </Card>
    </Stack>
  );
}

import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Drawer, Group, Loader, Stack, Text, Timeline, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useSession } from '../../state/session';
import { useTranslation } from 'react-i18next';
import type { TicketDetail } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { StatusBadge } from '../StatusBadge';
import { formatDateTime } from '../../format/time';
import { formatMonthDay } from '../WorkList/deadline';
import { TicketActions } from '../TicketActions';
import { CallRecordings } from '../CallRecordings';
import { EscalateButton } from '../../consultation/EscalateDialog';
import { formatCoordinates } from "../../../../shared/domain/geo";
import { readTicketEvent } from '../../../../shared/domain/ticket-events';

type T = (key: string, opts?: Record<string, unknown>) => string;

/** The facts of a timeline event a reader needs: answers, dates asked, instructions, reasons. */
function eventFacts(action: string, data: string, t: T): string {
  // Read through the domain's event map: a row it cannot vouch for shows no facts.
  const e = readTicketEvent({ action, data });
  if (!e) return '';
  const facts: string[] = [];
  if (e.action === 'classCaseAttach' || e.action === 'classCaseReply') facts.push(`${t('proactive.cases.number')} ${e.data.classCase}`);
  if (e.action === 'dispatch' && e.data.instructions) facts.push(`${t('desk.instructions')}：${e.data.instructions}`);
  // What the misrouting guard warned of when this dispatch was sent, and whether the agent confirmed it.
  if (e.action === 'dispatch' && e.data.guardWarnings?.length) {
    facts.push(t(e.data.guardAcknowledged ? 'desk.routing.timelineConfirmed' : 'desk.routing.timelineWarned', { count: e.data.guardWarnings.length }));
  }
  if (e.action === 'requestExtension') facts.push(t('desk.extension', { days: e.data.days, date: formatMonthDay(e.data.proposedReplyBy) }));
  if (e.action === 'recordReturnVisit') {
    // Visits stored before 基本满意 existed carry only the satisfied flag.
    const level = e.data.satisfaction ?? (e.data.satisfied ? 'satisfied' : 'unsatisfied');
    facts.push(`${t(e.data.resolved ? 'desk.visit.resolvedYes' : 'desk.visit.resolvedNo')}，${t(`desk.visit.${level}`)}`);
  }
  // The free text an action carries, under whichever of these names its data uses.
  const d = e.data as Partial<Record<'summary' | 'reason' | 'content' | 'note', unknown>>;
  facts.push(...(['summary', 'reason', 'content', 'note'] as const).map((k) => d[k]).filter((v): v is string => typeof v === 'string' && v.length > 0));
  return facts.join('；');
}

/** The earlier ticket a repeat call (重复来电) names in its registration. */
function repeatOfNumber(action: string, data: string): string | null {
  const e = readTicketEvent({ action, data });
  return e?.action === 'register' ? e.data.repeatOfNumber ?? null : null;
}

/** The outreach event (便民服务进小区) an appeal was registered at, and whether it was fixed there. */
function outreachOf(action: string, data: string): { event: string; fixed: boolean } | null {
  const e = readTicketEvent({ action, data });
  return e?.action === 'register' && e.data.outreachEvent ? { event: e.data.outreachEvent, fixed: e.data.fixedOnSpot === true } : null;
}

/** A ticket with everything that happened to it, newest last. Text is shown as text, never as markup. */
export function TicketDrawer({ ticketId, onClose, onChanged }: {
  /** The ticket shown; null closes the drawer. */
  ticketId: string | null;
  /** Called when the drawer is dismissed. */
  onClose(): void;
  /** Called after an action changed the ticket, so lists can refresh. */
  onChanged?(next: TicketDetail): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [detail, setDetail] = useState<TicketDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { session } = useSession();
  const canCall = Boolean(session?.user.roles.some((r) => ['agent', 'cppcc_member', 'liaison_expert', 'shift_lead'].includes(r)));
  const callBack = async (number: string, ticketId: string) => {
    const r = await api.request('phone.dial', { number: number.replace(/[^\d+]/g, ''), ticketId });
    if (!r.ok) notifications.show({ color: 'red', message: errorMessage(r.error) });
    else notifications.show({ color: 'teal', message: t('phone.dialing', { number }) });
  };
  useEffect(() => {
    setDetail(null);
    setError(null);
    if (!ticketId) return;
    void api.request('tickets.get', { id: ticketId }).then((r) => (r.ok ? setDetail(r.value) : setError(errorMessage(r.error))));
  }, [api, ticketId]);

  return (
    <Drawer opened={ticketId !== null} onClose={onClose} position="right" size="xl" title={detail ? `${t('ticket.number')} ${detail.number}` : ''}>
      {error && <Alert color="red">{error}</Alert>}
      {!detail && !error && <Loader />}
      {detail && (
        <Stack gap="sm" data-testid="ticket-detail">
          <Group gap="xs">
            <StatusBadge status={detail.status} />
            <Badge variant="outline">{t(`appealTypes.${detail.appealType}`, { defaultValue: detail.appealType })}</Badge>
            <Badge variant="outline" color="gray">{t(`intake.channels.${detail.channel}`, { defaultValue: detail.channel })}</Badge>
            {detail.urgency !== 'normal' && <Badge color="red">{t(`intake.urgencies.${detail.urgency}`)}</Badge>}
            {detail.confidential && <Badge color="grape">{t('ticket.confidential')}</Badge>}
            <EscalateButton key={detail.id} ticketIds={[detail.id]} />
          </Group>
          <TicketActions key={detail.id} ticket={detail} onChanged={(next) => { setDetail(next); onChanged?.(next); }} />
          <Title order={4}>{detail.title}</Title>
          <Text size="sm" c="dimmed">{[detail.categoryPath, [detail.location, detail.address, detail.coordinates && `(${formatCoordinates(detail.coordinates)})`].filter(Boolean).join(" ")].filter(Boolean).join(" · ")}</Text>
          <Group gap="xs">
            <Text size="sm">{t('ticket.phone')}：<Text span ff="monospace">{detail.phone ?? '—'}</Text> {detail.callerName ?? ''}</Text>
            {detail.phone && !detail.phone.includes('*') && canCall && (
              <Button size="compact-xs" variant="light" data-testid="call-back" onClick={() => void callBack(detail.phone!, detail.id)}>{t('phone.callBack')}</Button>
            )}
          </Group>
          <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="ticket-content">{detail.content}</Text>
          {detail.leadDepartment && <Text size="sm">{t('ticket.leadDepartment')}：{detail.leadDepartment}</Text>}
          {detail.replyBy && (
            <Text size="sm" c={detail.deadline === 'overdue' ? 'red' : detail.deadline === 'due_soon' ? 'orange' : undefined} data-testid="reply-by">
              {t('ticket.replyBy')}：{formatDateTime(detail.replyBy)}{detail.deadline ? ` · ${t(`ticket.deadline.${detail.deadline}`)}` : ''}
            </Text>
          )}
          {detail.status === 'dispatched' && detail.signBy && (
            <Text size="sm" data-testid="sign-by">{t('ticket.signBy')}：{formatDateTime(detail.signBy)}</Text>
          )}
          {detail.pendingExtension && (
            <Alert color="orange" p="xs" data-testid="pending-extension">
              {t('desk.extension', { days: detail.pendingExtension.days, date: formatMonthDay(detail.pendingExtension.proposedReplyBy) })}
              {detail.pendingExtension.reason ? `；${t('desk.extensionReason', { reason: detail.pendingExtension.reason })}` : ''}
            </Alert>
          )}
          <CallRecordings ticketId={detail.id} />
          <Title order={5} mt="md">{t('ticket.timeline')}</Title>
          <Timeline active={detail.timeline.length - 1} bulletSize={14} lineWidth={2} data-testid="ticket-timeline">
            {detail.timeline.map((e) => (
              <Timeline.Item key={e.id} title={t(`ticket.actions.${e.action}`, { defaultValue: e.action })}>
                <Text size="xs" c="dimmed">{formatDateTime(e.at)} · {e.actorName ?? t('admin.audit.system')}{e.toStatus ? ` → ${t(`statuses.${e.toStatus}`, { defaultValue: e.toStatus })}` : ''}</Text>
                {eventFacts(e.action, e.data, t) && <Text size="sm">{eventFacts(e.action, e.data, t)}</Text>}
                {repeatOfNumber(e.action, e.data) && <Text size="sm" data-testid="repeat-of">{t('similarMore.repeatOfFact', { number: repeatOfNumber(e.action, e.data) })}</Text>}
                {outreachOf(e.action, e.data) && <Text size="sm" data-testid="outreach-of">{t(outreachOf(e.action, e.data)!.fixed ? 'outreach.registeredAtFixed' : 'outreach.registeredAt', { number: outreachOf(e.action, e.data)!.event })}</Text>}
              </Timeline.Item>
            ))}
          </Timeline>
        </Stack>
      )}
    </Drawer>
  );
}

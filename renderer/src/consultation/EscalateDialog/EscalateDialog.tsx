import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ConsultationRoute, ConsultationUrgency, DutyShiftView, TicketEscalation } from '../../../../shared/contract';
import { CONSULTATION_URGENCIES } from '../../../../shared/domain/consultation';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { useReference } from '../../intake/reference';
import { stageColor } from '../format';
import { useSession } from '../../state/session';

const ESCALATORS = ['agent', 'cppcc_member', 'shift_lead'];

/** The escalation form: reason, route, urgency; shows who is on duty on the chosen route. */
export function EscalateDialog({ opened, ticketIds, source = 'ticket', onClose, onEscalated }: {
  /** Whether the dialog is shown. */
  opened: boolean;
  /** Tickets to escalate; several make one class-case item. */
  ticketIds: string[];
  /** Where the escalation starts. @default 'ticket' */
  source?: 'ticket' | 'intake' | 'class_case';
  /** Called when the dialog is dismissed. */
  onClose(): void;
  /** Called with the new item's number after a successful escalation. */
  onEscalated?(item: { id: string; number: string }): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const ref = useReference();
  const [reason, setReason] = useState('');
  const [route, setRoute] = useState<ConsultationRoute>('studio');
  const [urgency, setUrgency] = useState<ConsultationUrgency>('normal');
  const [domain, setDomain] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [onDuty, setOnDuty] = useState<DutyShiftView[]>([]);

  useEffect(() => {
    if (!opened) return;
    void api.request('duty.now', {}).then((r) => { if (r.ok) setOnDuty(r.value); });
  }, [api, opened]);

  const reasonMissing = !/[\p{L}\p{N}]/u.test(reason);
  const domains = (ref?.categories ?? []).filter((c) => c.level === 1).map((c) => c.name);
  const dutyNames = onDuty.filter((s) => route === 'both' || s.desk === route).map((s) => s.userName);

  const submit = async () => {
    setTouched(true);
    if (reasonMissing) return;
    setBusy(true);
    setError(null);
    const r = await api.request('consultation.escalate', {
      ticketIds, reason, route, urgency, source, ...(domain ? { domain } : {}), ...(title.trim() ? { title: title.trim() } : {}),
    });
    setBusy(false);
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    notifications.show({ color: 'teal', message: t('consultation.escalate.done', { number: r.value.number }) });
    setReason('');
    setTitle('');
    setTouched(false);
    onEscalated?.({ id: r.value.id, number: r.value.number });
    onClose();
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('consultation.escalate.title')} size="lg" data-testid="escalate-dialog">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">{t('consultation.escalate.tickets', { count: ticketIds.length })}</Text>
        <Textarea label={t('consultation.escalate.reason')} description={t('consultation.escalate.reasonHint')} required autosize minRows={3} maxRows={8}
          value={reason} onChange={(e) => setReason(e.currentTarget.value)} onBlur={() => setTouched(true)} data-testid="escalate-reason"
          error={touched && reasonMissing ? t('consultation.escalate.reasonRequired') : undefined} />
        <div>
          <Text size="sm" fw={500} mb={4}>{t('consultation.escalate.route')}</Text>
          <SegmentedControl fullWidth value={route} onChange={(v) => setRoute(v as ConsultationRoute)} data-testid="escalate-route"
            data={(['studio', 'station', 'both'] as const).map((v) => ({ value: v, label: t(`consultation.routes.${v}`) }))} />
        </div>
        <Text size="xs" c={dutyNames.length ? 'teal' : 'orange'} data-testid="escalate-on-duty">
          {dutyNames.length ? t('consultation.escalate.onDuty', { names: [...new Set(dutyNames)].join('、') }) : t('consultation.escalate.nobodyOnDuty')}
        </Text>
        <div>
          <Text size="sm" fw={500} mb={4}>{t('consultation.escalate.urgency')}</Text>
          <SegmentedControl value={urgency} onChange={(v) => setUrgency(v as ConsultationUrgency)}
            data={CONSULTATION_URGENCIES.map((v) => ({ value: v, label: t(`consultation.urgencies.${v}`) }))} />
        </div>
        <Group grow>
          <Select label={t('consultation.escalate.domain')} data={domains} value={domain} onChange={setDomain} clearable searchable />
          <TextInput label={t('consultation.escalate.itemTitle')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={100} />
        </Group>
        {error && <Alert color="red" data-testid="escalate-error">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('admin.users.cancel')}</Button>
          <Button color="grape" loading={busy} onClick={() => void submit()} data-testid="escalate-submit">{t('consultation.escalate.submit')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * For the ticket drawer and the intake form: the ticket's place in the consultation queue when it
 * is escalated, otherwise a button that opens the escalation dialog.
 */
export function EscalateButton({ ticketIds, source = 'ticket' }: {
  /** The ticket (or tickets, for a class case) to escalate. */
  ticketIds: string[];
  /** Where the escalation starts. @default 'ticket' */
  source?: 'ticket' | 'intake' | 'class_case';
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<TicketEscalation | null | undefined>(undefined);
  const first = ticketIds[0];
  const itemId = useRef<string | null>(null);
  itemId.current = status?.itemId ?? null;

  useEffect(() => {
    if (!first) return;
    let live = true;
    const load = () => void api.request('consultation.forTicket', { ticketId: first }).then((r) => { if (live && r.ok) setStatus(r.value); });
    load();
    // Where the item stands changes while the drawer is open: claimed, moved on, closed.
    const off = api.on('consultation.changed', (e) => { if (e.item.id === itemId.current) load(); });
    return () => { live = false; off(); };
  }, [api, first]);

  const { session } = useSession();
  const mayEscalate = session?.user.roles.some((r) => ESCALATORS.includes(r)) ?? false;
  if (status === undefined || !first) return null;
  if (status && status.stage !== 'closed') {
    return (
      <Badge size="lg" variant="light" color={stageColor[status.stage] ?? 'grape'} data-testid="escalation-status">
        {t('consultation.escalate.status', { number: status.number, stage: t(`consultation.stages.${status.stage}`) })}
        {status.claimedByName ? ` · ${status.claimedByName}` : ''}
      </Badge>
    );
  }
  if (!mayEscalate) return null;
  return (
    <>
      <Button size="xs" color="grape" variant="light" onClick={() => setOpen(true)} data-testid="escalate-button">{t('consultation.escalate.button')}</Button>
      <EscalateDialog opened={open} ticketIds={ticketIds} source={source} onClose={() => setOpen(false)}
        onEscalated={() => void api.request('consultation.forTicket', { ticketId: first }).then((r) => { if (r.ok) setStatus(r.value); })} />
    </>
  );
}

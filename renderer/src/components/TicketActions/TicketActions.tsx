import { useState } from 'react';
import { Button, Checkbox, Group, MultiSelect, NumberInput, Paper, SegmentedControl, Select, Stack, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TicketActionInput, TicketDetail } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { useReference } from '../../intake/reference';

/** Actions offered as buttons; merge needs a parent picked from similar tickets, not a button. */
const ORDER = ['dispatch', 'resolveDirectly', 'sign', 'startHandling', 'reply', 'requestExtension', 'returnTicket', 'approveReturn', 'rejectReturn',
  'approveExtension', 'rejectExtension', 'review', 'recordReturnVisit', 'supervise', 'urge', 'close', 'reopen'] as const;
type Kind = (typeof ORDER)[number];
const NEEDS_REASON: Kind[] = ['returnTicket', 'rejectReturn', 'rejectExtension', 'close'];
const NEEDS_NOTE: Kind[] = ['supervise', 'urge'];
const OPTIONAL_NOTE: Kind[] = ['approveReturn', 'approveExtension'];
const INSTANT: Kind[] = ['sign', 'startHandling'];

/** The lifecycle actions the reader may take on a ticket, each with the little form it needs. */
export function TicketActions({ ticket, onChanged }: {
  /** The ticket, with the actions main allows this reader. */
  ticket: TicketDetail;
  /** Called with the ticket as it is after an action. */
  onChanged(next: TicketDetail): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const ref = useReference();
  const [open, setOpen] = useState<Kind | null>(null);
  const [text, setText] = useState('');
  const [days, setDays] = useState<number | string>(5);
  const [lead, setLead] = useState<string | null>(null);
  const [co, setCo] = useState<string[]>([]);
  const [flags, setFlags] = useState({ resolved: true, satisfied: true, approved: true, redispatch: false });
  const [busy, setBusy] = useState(false);
  const allowed = ORDER.filter((a) => ticket.allowedActions.includes(a));
  if (allowed.length === 0) return null;
  const departments = (ref?.departments ?? []).map((d) => ({ value: d.id, label: d.name }));

  const run = async (action: TicketActionInput) => {
    setBusy(true);
    const r = await api.request('tickets.act', { ticketId: ticket.id, expectedVersion: ticket.version, action });
    setBusy(false);
    if (!r.ok) {
      notifications.show({ color: 'red', message: errorMessage(r.error) });
      return;
    }
    notifications.show({ color: 'teal', message: t('ticketActions.done', { action: t(`ticket.actions.${action.type}`) }) });
    setOpen(null);
    setText('');
    onChanged(r.value);
  };

  const build = (kind: Kind): TicketActionInput | null => {
    switch (kind) {
      case 'dispatch': return lead ? { type: 'dispatch', leadDepartmentId: lead, coDepartmentIds: co.filter((c) => c !== lead) } : null;
      case 'resolveDirectly': return { type: 'resolveDirectly', summary: text };
      case 'reply': return { type: 'reply', content: text };
      case 'requestExtension': return { type: 'requestExtension', days: Number(days), reason: text };
      case 'review': return { type: 'review', approved: flags.approved, note: text || undefined };
      case 'recordReturnVisit': return { type: 'recordReturnVisit', resolved: flags.resolved, satisfied: flags.satisfied, note: text || undefined };
      case 'reopen': return flags.redispatch ? (lead ? { type: 'reopen', reason: text, route: 'redispatch', leadDepartmentId: lead, coDepartmentIds: co } : null) : { type: 'reopen', reason: text, route: 'same_department' };
      case 'sign': case 'startHandling': return { type: kind };
      default:
        if (NEEDS_REASON.includes(kind)) return { type: kind as 'close', reason: text };
        if (NEEDS_NOTE.includes(kind)) return { type: kind as 'supervise', note: text };
        return { type: kind as 'approveReturn', note: text || undefined };
    }
  };

  return (
    <Stack gap="xs" data-testid="ticket-actions">
      <Group gap="xs">
        {allowed.map((a) => (
          <Button key={a} size="xs" variant={open === a ? 'filled' : 'light'} loading={busy && open === a} data-testid={`action-${a}`}
            onClick={() => { if (INSTANT.includes(a)) void run({ type: a as 'sign' }); else setOpen(open === a ? null : a); }}>
            {t(`ticket.actions.${a}`)}
          </Button>
        ))}
      </Group>
      {open && (
        <Paper withBorder p="sm">
          <Stack gap="xs">
            {(open === 'dispatch' || (open === 'reopen' && flags.redispatch)) && (
              <>
                <Select label={t('ticketActions.lead')} data={departments} value={lead} onChange={setLead} searchable required data-testid="dispatch-lead" />
                <MultiSelect label={t('ticketActions.co')} data={departments.filter((d) => d.value !== lead)} value={co} onChange={setCo} searchable maxValues={10} />
              </>
            )}
            {open === 'reopen' && <Checkbox label={t('ticketActions.redispatch')} checked={flags.redispatch} onChange={(e) => setFlags({ ...flags, redispatch: e.currentTarget.checked })} />}
            {open === 'requestExtension' && <NumberInput label={t('ticketActions.days')} min={1} max={15} value={days} onChange={setDays} />}
            {open === 'review' && (
              <SegmentedControl value={flags.approved ? 'yes' : 'no'} onChange={(v) => setFlags({ ...flags, approved: v === 'yes' })}
                data={[{ value: 'yes', label: t('ticketActions.approve') }, { value: 'no', label: t('ticketActions.sendBack') }]} />
            )}
            {open === 'recordReturnVisit' && (
              <Group>
                <Checkbox label={t('ticketActions.resolved')} checked={flags.resolved} onChange={(e) => setFlags({ ...flags, resolved: e.currentTarget.checked })} />
                <Checkbox label={t('ticketActions.satisfied')} checked={flags.satisfied} onChange={(e) => setFlags({ ...flags, satisfied: e.currentTarget.checked })} />
              </Group>
            )}
            {open !== 'dispatch' && (
              <Textarea autosize minRows={2} maxRows={8} value={text} onChange={(e) => setText(e.currentTarget.value)} data-testid="action-text"
                label={t(`ticketActions.text.${open}`, { defaultValue: t(OPTIONAL_NOTE.includes(open) || open === 'review' || open === 'recordReturnVisit' ? 'ticketActions.text.note' : 'ticketActions.text.reason') })} />
            )}
            <Group justify="flex-end">
              <Button size="xs" variant="default" onClick={() => setOpen(null)}>{t('admin.users.cancel')}</Button>
              <Button size="xs" loading={busy} disabled={build(open) === null} data-testid="action-submit" onClick={() => { const a = build(open); if (a) void run(a); }}>
                {t('ticketActions.submit', { action: t(`ticket.actions.${open}`) })}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}

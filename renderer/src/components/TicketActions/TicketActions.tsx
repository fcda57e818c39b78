import { useState } from 'react';
import { Alert, Button, Checkbox, Group, MultiSelect, NumberInput, Paper, Radio, SegmentedControl, Select, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TicketActionInput, TicketDetail } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { useReference } from '../../intake/reference';
import { DEPARTMENT_KINDS, directoryGroups, type DepartmentKind } from './directory';
import { formatMonthDay } from '../WorkList/deadline';
import { SATISFACTION_LEVELS, type Satisfaction } from '../../../../shared/domain/ticket-lifecycle';
import { DepartmentSuggestionList, DispatchWarnings, useDepartmentSuggestions, useDispatchWarnings } from './DispatchAdvice';

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
  const [flags, setFlags] = useState({ approved: true, redispatch: false });
  // A return visit starts with nothing chosen: the agent records what the citizen said, not a default.
  const [visit, setVisit] = useState<{ resolved: boolean | null; satisfaction: Satisfaction | null }>({ resolved: null, satisfaction: null });
  const [instructions, setInstructions] = useState('');
  const [kind, setKind] = useState<DepartmentKind | null>(null);
  const [district, setDistrict] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The misrouting guard: a first click on send with warnings asks for a second one.
  const [confirming, setConfirming] = useState(false);
  const suggestions = useDepartmentSuggestions(ticket.id, open === 'dispatch');
  const warnings = useDispatchWarnings(ticket.id, open === 'dispatch' ? lead : null, co);
  const pickLead = (v: string | null) => { setLead(v); setCo((c) => c.filter((x) => x !== v)); setConfirming(false); };
  const allowed = ORDER.filter((a) => ticket.allowedActions.includes(a));
  if (allowed.length === 0) return null;
  const kindName = (k: DepartmentKind) => t(`desk.dispatch.kinds.${k}`);
  const directory = (exclude: string[] = []) => directoryGroups(ref?.departments ?? [], ref?.divisions ?? [], kindName, { kind, districtCode: district, exclude });
  const districts = (ref?.divisions ?? []).filter((d) => d.level === 1 && !d.retired).map((d) => ({ value: d.code, label: d.name }));
  const presentKinds = DEPARTMENT_KINDS.filter((k) => (ref?.departments ?? []).some((d) => (k === 'other' ? !DEPARTMENT_KINDS.includes(d.kind as DepartmentKind) : d.kind === k)));

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
    setInstructions('');
    setVisit({ resolved: null, satisfaction: null });
    setProblem(null);
    setConfirming(false);
    onChanged(r.value);
  };

  const build = (kind: Kind): TicketActionInput | null => {
    switch (kind) {
      case 'dispatch': return lead ? {
        type: 'dispatch', leadDepartmentId: lead, coDepartmentIds: co.filter((c) => c !== lead), instructions, ...(warnings.length > 0 ? { acknowledgeWarnings: true } : {}),
      } : null;
      case 'resolveDirectly': return { type: 'resolveDirectly', summary: text };
      case 'reply': return { type: 'reply', content: text };
      case 'requestExtension': return { type: 'requestExtension', days: Number(days), reason: text };
      case 'review': return { type: 'review', approved: flags.approved, note: text || undefined };
      case 'recordReturnVisit': return visit.resolved === null || visit.satisfaction === null ? null
        : { type: 'recordReturnVisit', resolved: visit.resolved, satisfaction: visit.satisfaction, note: text || undefined };
      case 'reopen': return flags.redispatch ? (lead ? { type: 'reopen', reason: text, route: 'redispatch', leadDepartmentId: lead, coDepartmentIds: co } : null) : { type: 'reopen', reason: text, route: 'same_department' };
      case 'sign': case 'startHandling': return { type: kind };
      default:
        if (NEEDS_REASON.includes(kind)) return { type: kind as 'close', reason: text };
        if (NEEDS_NOTE.includes(kind)) return { type: kind as 'supervise', note: text };
        return { type: kind as 'approveReturn', note: text || undefined };
    }
  };

  /** Says in Chinese what is missing before anything is sent; main checks the same again. */
  const check = (kind: Kind): string | null => {
    if (kind === 'recordReturnVisit') {
      if (visit.resolved === null || visit.satisfaction === null) return t('desk.visit.chooseBoth');
      if ((visit.resolved === false || visit.satisfaction === 'unsatisfied') && !text.trim()) return t('desk.visit.reasonRequired');
    }
    if (kind === 'dispatch') {
      if (!lead) return t('ticket_invalid_departments', { defaultValue: t('errors.ticket_invalid_departments') });
      if (instructions.trim().length < 2) return t('desk.dispatch.instructionsRequired');
    }
    return null;
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
            {open === 'dispatch' && (
              <DepartmentSuggestionList suggestions={suggestions} lead={lead} co={co} onLead={pickLead}
                onCo={(id) => { setCo((c) => (c.includes(id) ? c : [...c, id])); setConfirming(false); }} />
            )}
            {(open === 'dispatch' || (open === 'reopen' && flags.redispatch)) && (
              <>
                <Group gap="xs" align="flex-end" wrap="nowrap">
                  <Select label={t('desk.dispatch.kind')} w={150} data={presentKinds.map((k) => ({ value: k, label: kindName(k) }))} value={kind}
                    onChange={(v) => setKind(v as DepartmentKind | null)} placeholder={t('desk.dispatch.allKinds')} clearable data-testid="dispatch-kind" />
                  <Select label={t('desk.dispatch.district')} w={150} data={districts} value={district} onChange={setDistrict}
                    placeholder={t('desk.dispatch.allDistricts')} clearable searchable data-testid="dispatch-district" />
                  <Text size="xs" c="dimmed" pb={8}>{t('desk.dispatch.count', { count: directory().reduce((n, g) => n + g.items.length, 0) })}</Text>
                </Group>
                <Select label={t('ticketActions.lead')} data={directory()} value={lead} onChange={pickLead} searchable required data-testid="dispatch-lead"
                  placeholder={t('desk.dispatch.search')} nothingFoundMessage={t('desk.tabEmpty')} maxDropdownHeight={320} />
                <MultiSelect label={t('ticketActions.co')} data={directory(lead ? [lead] : [])} value={co} onChange={(v) => { setCo(v); setConfirming(false); }} searchable maxValues={10} maxDropdownHeight={320} />
              </>
            )}
            {open === 'dispatch' && (
              <Textarea label={t('desk.dispatch.instructions')} required autosize minRows={2} maxRows={6} value={instructions}
                placeholder={t('desk.dispatch.instructionsPlaceholder')} onChange={(e) => { setInstructions(e.currentTarget.value); setProblem(null); }} data-testid="dispatch-instructions" />
            )}
            {(open === 'approveExtension' || open === 'rejectExtension') && ticket.pendingExtension && (
              <Alert color="orange" p="xs" data-testid="extension-ask">
                {t('desk.extension', { days: ticket.pendingExtension.days, date: formatMonthDay(ticket.pendingExtension.proposedReplyBy) })}
              </Alert>
            )}
            {open === 'reopen' && <Checkbox label={t('ticketActions.redispatch')} checked={flags.redispatch} onChange={(e) => setFlags({ ...flags, redispatch: e.currentTarget.checked })} />}
            {open === 'requestExtension' && <NumberInput label={t('ticketActions.days')} min={1} max={15} value={days} onChange={setDays} />}
            {open === 'review' && (
              <SegmentedControl value={flags.approved ? 'yes' : 'no'} onChange={(v) => setFlags({ ...flags, approved: v === 'yes' })}
                data={[{ value: 'yes', label: t('ticketActions.approve') }, { value: 'no', label: t('ticketActions.sendBack') }]} />
            )}
            {open === 'recordReturnVisit' && (
              <>
                <Radio.Group label={t('desk.visit.resolved')} required value={visit.resolved === null ? null : visit.resolved ? 'yes' : 'no'}
                  onChange={(v) => { setVisit({ ...visit, resolved: v === 'yes' }); setProblem(null); }} data-testid="visit-resolved">
                  <Group mt={4}>
                    <Radio value="yes" label={t('desk.visit.resolvedYes')} />
                    <Radio value="no" label={t('desk.visit.resolvedNo')} />
                  </Group>
                </Radio.Group>
                <Radio.Group label={t('desk.visit.satisfaction')} required value={visit.satisfaction}
                  onChange={(v) => { setVisit({ ...visit, satisfaction: v as Satisfaction }); setProblem(null); }} data-testid="visit-satisfaction">
                  <Group mt={4}>
                    {SATISFACTION_LEVELS.map((v) => <Radio key={v} value={v} label={t(`desk.visit.${v}`)} />)}
                  </Group>
                </Radio.Group>
              </>
            )}
            {open !== 'dispatch' && (
              <Textarea autosize minRows={2} maxRows={8} value={text} onChange={(e) => { setText(e.currentTarget.value); setProblem(null); }} data-testid="action-text"
                required={open === 'recordReturnVisit' && (visit.resolved === false || visit.satisfaction === 'unsatisfied')}
                label={open === 'recordReturnVisit'
                  ? t(visit.resolved === false || visit.satisfaction === 'unsatisfied' ? 'desk.visit.reason' : 'desk.visit.note')
                  : t(`ticketActions.text.${open}`, { defaultValue: t(OPTIONAL_NOTE.includes(open) || open === 'review' ? 'ticketActions.text.note' : 'ticketActions.text.reason') })} />
            )}
            {open === 'dispatch' && <DispatchWarnings warnings={warnings} confirming={confirming} />}
            {problem && <Text size="sm" c="red" data-testid="action-problem">{problem}</Text>}
            <Group justify="flex-end">
              <Button size="xs" variant="default" onClick={() => { setOpen(null); setProblem(null); }}>{t('admin.users.cancel')}</Button>
              <Button size="xs" loading={busy} data-testid="action-submit" disabled={open !== 'recordReturnVisit' && open !== 'dispatch' && build(open) === null}
                color={open === 'dispatch' && confirming ? 'orange' : undefined}
                onClick={() => {
                  const p = check(open);
                  if (p) { setProblem(p); return; }
                  // The guard warned: the first click shows it plainly, the second sends anyway.
                  if (open === 'dispatch' && warnings.length > 0 && !confirming) { setConfirming(true); return; }
                  const a = build(open);
                  if (a) void run(a);
                }}>
                {open === 'dispatch' && confirming ? t('desk.routing.sendAnyway') : t('ticketActions.submit', { action: t(`ticket.actions.${open}`) })}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}

import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DepartmentSuggestion, DepartmentSuggestions, DispatchWarning } from '../../../../shared/domain/routing';
import { useApi } from '../../state/api';
import { formatMonthDay } from '../WorkList/deadline';

/** 智能派单 for a ticket being dispatched: asked once per ticket; empty until main answers. */
export function useDepartmentSuggestions(ticketId: string, active: boolean): DepartmentSuggestions | null {
  const { api } = useApi();
  const [s, setS] = useState<DepartmentSuggestions | null>(null);
  useEffect(() => {
    if (!active) return;
    let live = true;
    void api.request('tickets.suggestDepartments', { ticketId }).then((r) => { if (live) setS(r.ok ? r.value : { lead: [], co: [] }); });
    return () => { live = false; };
  }, [api, ticketId, active]);
  return s;
}

/** The misrouting guard's warnings for the departments picked so far; asked again when they change. */
export function useDispatchWarnings(ticketId: string, lead: string | null, co: readonly string[]): DispatchWarning[] {
  const { api } = useApi();
  const [w, setW] = useState<DispatchWarning[]>([]);
  const coKey = co.join(',');
  useEffect(() => {
    if (!lead) { setW([]); return; }
    let live = true;
    void api.request('tickets.checkDispatch', { ticketId, leadDepartmentId: lead, coDepartmentIds: coKey ? coKey.split(',') : [] })
      .then((r) => { if (live) setW(r.ok ? r.value : []); });
    return () => { live = false; };
  }, [api, ticketId, lead, coKey]);
  return w;
}

function useReason() {
  const { t } = useTranslation();
  return (s: DepartmentSuggestion) => (s.basis === 'text' || (s.count === 0 && s.days !== null)
    ? t(s.basis === 'text' ? 'desk.routing.reason.text' : 'desk.routing.reason.older')
    : t(`desk.routing.reason.${s.basis}`, { count: s.count, days: s.days ?? 0 }));
}

/** Suggested lead and co-departments, each with why; one click picks. */
export function DepartmentSuggestionList({ suggestions, lead, co, onLead, onCo }: {
  /** What main suggested; null while it is asked. */
  suggestions: DepartmentSuggestions | null;
  /** The lead department picked so far. */
  lead: string | null;
  /** The co-departments picked so far. */
  co: readonly string[];
  /** Picks a lead department. */
  onLead(id: string): void;
  /** Adds a co-department. */
  onCo(id: string): void;
}) {
  const { t } = useTranslation();
  const reason = useReason();
  if (!suggestions) return <Text size="xs" c="dimmed">{t('desk.routing.loading')}</Text>;
  if (suggestions.lead.length === 0) return <Text size="xs" c="dimmed" data-testid="routing-none">{t('desk.routing.none')}</Text>;
  return (
    <Stack gap={4} data-testid="routing-suggestions">
      <Text size="sm" fw={500}>{t('desk.routing.title')}</Text>
      {suggestions.lead.map((s, i) => (
        <Group key={s.departmentId} gap="xs" wrap="nowrap" data-testid="routing-lead">
          <Button size="compact-xs" variant={lead === s.departmentId ? 'filled' : 'light'} onClick={() => onLead(s.departmentId)} data-testid={`routing-pick-${i}`}>
            {s.name}
          </Button>
          {i === 0 && <Badge size="xs" variant="light" color="teal">{t('desk.routing.best')}</Badge>}
          <Text size="xs" c="dimmed">{reason(s)}</Text>
        </Group>
      ))}
      {suggestions.co.map((s) => (
        <Group key={s.departmentId} gap="xs" wrap="nowrap" data-testid="routing-co">
          <Button size="compact-xs" variant={co.includes(s.departmentId) ? 'filled' : 'default'} onClick={() => onCo(s.departmentId)} disabled={co.includes(s.departmentId)}>
            {t('desk.routing.addCo', { name: s.name })}
          </Button>
          <Text size="xs" c="dimmed">{reason(s)}</Text>
        </Group>
      ))}
    </Stack>
  );
}

/** The guard's warnings; `confirming`: the agent clicked send once and must click again to send anyway. */
export function DispatchWarnings({ warnings, confirming }: {
  /** What the guard warns of; nothing is shown when empty. */
  warnings: readonly DispatchWarning[];
  /** After the first click on send: the warning asks for the second. */
  confirming: boolean;
}) {
  const { t } = useTranslation();
  if (warnings.length === 0) return null;
  return (
    <Alert color="orange" variant={confirming ? 'filled' : 'light'} p="xs" title={t('desk.routing.guardTitle')} data-testid="dispatch-warnings">
      <Stack gap={2}>
        {warnings.map((w, i) => (
          <Text key={i} size="sm" data-testid="dispatch-warning">
            {w.kind === 'returned_similar'
              ? t(`desk.routing.returned.${w.similarBy}`, { name: w.name, count: w.count, reason: w.lastReason, date: formatMonthDay(w.lastAt) })
              : t('desk.routing.outsideArea', { name: w.name, area: w.area, division: w.ticketDivision })}
          </Text>
        ))}
        {confirming && <Text size="sm" fw={600}>{t('desk.routing.confirm')}</Text>}
      </Stack>
    </Alert>
  );
}

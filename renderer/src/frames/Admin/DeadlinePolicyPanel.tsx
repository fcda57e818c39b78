import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Button, Checkbox, Group, NumberInput, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { DeadlinePolicyView } from '../../../../shared/contract';
import { APPEAL_TYPES, URGENCY_LEVELS, type AppealType, type Urgency } from '../../../../shared/domain/appeal';
import { validateDeadlinePolicy, type DeadlinePolicy, type DeadlinePolicyIssue, type DeadlineRule } from '../../../../shared/domain/deadlines';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';

type Editable = { sign: Record<Urgency, DeadlineRule>; reply: Record<Urgency, Record<AppealType, DeadlineRule>> };
const copy = (p: DeadlinePolicy): Editable => JSON.parse(JSON.stringify(p)) as Editable;

/** The cell an issue belongs to, as 'sign.normal' or 'reply.urgent.help'. */
function cellOf(i: DeadlinePolicyIssue): string {
  if (i.code === 'sign_after_reply') return `reply.${i.urgency}.${i.appealType}`;
  return i.path.filter((p) => p !== 'days').join('.');
}

/**
 * Sign and reply limits per urgency and appeal type, in working days or "same day". Checked as
 * the admin types with the same rules main applies on save, so a wrong cell is red at once.
 */
export function DeadlinePolicyPanel() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [view, setView] = useState<DeadlinePolicyView | null>(null);
  const [draft, setDraft] = useState<Editable | null>(null);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);

  const load = useCallback(() => {
    void api.request('deadlines.get', {}).then((r) => {
      if (r.ok) { setView(r.value); setDraft(copy(r.value.policy)); }
    });
  }, [api]);
  useEffect(load, [load]);

  const issues = useMemo(() => (draft ? validateDeadlinePolicy(draft) : []), [draft]);
  const byCell = useMemo(() => {
    const m = new Map<string, string>();
    for (const i of issues) {
      const params = i.code === 'exceeds_limit' ? { limit: i.limit } : i.code === 'urgency_order' ? { less: t(`intake.urgencies.${i.lessUrgent}`) } : {};
      if (!m.has(cellOf(i))) m.set(cellOf(i), t(`deadlines.problems.${i.code}`, params));
    }
    return m;
  }, [issues, t]);
  const dirty = !!view && !!draft && JSON.stringify(view.policy) !== JSON.stringify(draft);

  if (!view || !draft) return null;

  const setRule = (path: string, rule: DeadlineRule) => {
    const next = copy(draft);
    const [kind, urgency, type] = path.split('.') as ['sign' | 'reply', Urgency, AppealType?];
    if (kind === 'sign') next.sign[urgency] = rule; else next.reply[urgency][type!] = rule;
    setDraft(next);
  };

  const cell = (path: string, rule: DeadlineRule, label: string) => {
    const error = byCell.get(path);
    const sameDay = rule.kind === 'same_day';
    return (
      <Table.Td key={path} data-cell={path}>
        <Group gap={6} wrap="nowrap" align="flex-start">
          <NumberInput size="xs" w={76} min={1} max={30} disabled={sameDay} aria-label={label} error={error ? true : undefined}
            value={sameDay ? '' : rule.days} suffix=" 天" allowDecimal={false}
            onChange={(v) => setRule(path, { kind: 'working_days', days: typeof v === 'number' ? v : Number.NaN })} />
          <Checkbox size="xs" mt={6} label={t('deadlines.sameDay')} checked={sameDay}
            onChange={(e) => setRule(path, e.currentTarget.checked ? { kind: 'same_day' } : { kind: 'working_days', days: 1 })} />
        </Group>
        {error && <Text size="xs" c="red" mt={2} maw={180}>{error}</Text>}
      </Table.Td>
    );
  };

  const save = async () => {
    setSaving(true);
    const r = await api.request('deadlines.set', { policy: draft });
    setSaving(false);
    if (!r.ok) { setServerError(errorMessage(r.error)); return; }
    setServerError(null);
    setView(r.value);
    setDraft(copy(r.value.policy));
    notifications.show({ color: 'teal', message: t('deadlines.saved') });
  };

  const urgencyHead = URGENCY_LEVELS.map((u) => <Table.Th key={u}>{t(`intake.urgencies.${u}`)}</Table.Th>);
  return (
    <Stack maw={980} gap="sm">
      <Group justify="space-between" align="flex-start">
        <Text size="sm" c="dimmed" maw={720}>{t('deadlines.hint')}</Text>
        <Badge variant={view.source === 'admin' ? 'filled' : 'light'}>{t(`deadlines.source.${view.source}`)}</Badge>
      </Group>
      {serverError && <Alert color="red">{serverError}</Alert>}
      {issues.length > 0 && <Alert color="red" data-testid="deadline-issues">{t('deadlines.fix', { count: issues.length })}</Alert>}
      <Table withTableBorder withColumnBorders verticalSpacing={6} fz="sm">
        <Table.Thead><Table.Tr><Table.Th w={190}>{t('deadlines.limit')}</Table.Th>{urgencyHead}</Table.Tr></Table.Thead>
        <Table.Tbody>
          <Table.Tr bg="var(--mantine-color-default-hover)">
            <Table.Td><Text size="sm" fw={600}>{t('deadlines.sign')}</Text></Table.Td>
            {URGENCY_LEVELS.map((u) => cell(`sign.${u}`, draft.sign[u], `${t('deadlines.sign')} ${t(`intake.urgencies.${u}`)}`))}
          </Table.Tr>
          {APPEAL_TYPES.map((type) => (
            <Table.Tr key={type}>
              <Table.Td>
                <Text size="sm">{t('deadlines.reply', { type: t(`appealTypes.${type}`) })}</Text>
                <Text size="xs" c="dimmed">{t('deadlines.cap', { days: view.replyLimits[type] })}</Text>
              </Table.Td>
              {URGENCY_LEVELS.map((u) => cell(`reply.${u}.${type}`, draft.reply[u][type], `${t('deadlines.reply', { type: t(`appealTypes.${type}`) })} ${t(`intake.urgencies.${u}`)}`))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group justify="space-between">
        <Button variant="subtle" onClick={() => setDraft(copy(view.defaults))}>{t('deadlines.restoreDefaults')}</Button>
        <Group>
          <Button variant="default" disabled={!dirty} onClick={() => setDraft(copy(view.policy))}>{t('deadlines.discard')}</Button>
          <Button onClick={() => void save()} loading={saving} disabled={!dirty || issues.length > 0}>{t('deadlines.save')}</Button>
        </Group>
      </Group>
    </Stack>
  );
}

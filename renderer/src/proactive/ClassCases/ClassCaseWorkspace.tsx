import { useState } from 'react';
import {
  Alert, Badge, Button, Group, List, Modal, MultiSelect, NumberInput, Paper, Progress, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Timeline, Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ClassCaseCloseResult, ClassCaseCounter, ClassCaseDetail, ContractError, Result } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { useReference } from '../../intake/reference';
import { formatDateTime } from '../../format/time';
import { StatusBadge } from '../../components/StatusBadge';
import { VirtualList, type VirtualColumn } from '../../components/VirtualList';

const fmt = (n: number) => n.toLocaleString('en-US');

/** One progress counter: "路灯修复 5,800 / 6,000 盏" with its bar, and the owner's update field. */
function CounterRow({ counter, onSave }: {
  /** The counter as main sent it (value, target, version, whether this reader may update it). */
  counter: ClassCaseCounter;
  /** Saves a new value against the counter's version. */
  onSave(value: number): Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState<number | string>(counter.value);
  const pct = counter.target > 0 ? Math.min(100, (counter.value / counter.target) * 100) : 0;
  return (
    <Stack gap={4} data-testid="cc-counter">
      <Text fw={700} fz="lg" data-testid="cc-counter-text">{t('proactive.cases.counters.progress', { label: counter.label, value: fmt(counter.value), target: fmt(counter.target), unit: counter.unit ? ` ${counter.unit}` : '' })}</Text>
      <Text size="xs" c="dimmed">{t('proactive.cases.counters.owner_hint', { owner: counter.ownerDepartment })} · {formatDateTime(counter.updatedAt)}</Text>
      <Progress value={pct} size="lg" color={pct >= 100 ? 'teal' : 'blue'} aria-label={counter.label} />
      {counter.canUpdate && (
        <Group gap="xs">
          <NumberInput size="xs" w={140} min={0} max={counter.target} value={value} onChange={setValue} aria-label={t('proactive.cases.counters.value')} data-testid="cc-counter-input" thousandSeparator="," />
          <Button size="xs" variant="light" data-testid="cc-counter-save" disabled={typeof value !== 'number' || value === counter.value}
            onClick={() => { if (typeof value === 'number') void onSave(value); }}>{t('proactive.cases.counters.update')}</Button>
        </Group>
      )}
    </Stack>
  );
}

/**
 * A class case at work: its package (包保), measures, progress counters, the one reply, members,
 * closing and the hand-over to the consultation queue. Every change carries the version the
 * reader saw; a conflict is shown, and the case is read again.
 */
export function ClassCaseWorkspace({ detail, onChange }: {
  /** The case as last read. */
  detail: ClassCaseDetail;
  /** A newer version of the case (after a change, or re-read after a conflict). */
  onChange(d: ClassCaseDetail): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const ref = useReference();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pkg, setPkg] = useState<{ lead: string | null; person: string; co: string[] } | null>(null);
  const [measure, setMeasure] = useState({ content: '', owner: null as string | null, deadline: '' });
  const [counter, setCounter] = useState({ label: '', unit: '', target: '' as number | string, owner: null as string | null });
  const [reply, setReply] = useState('');
  const [closing, setClosing] = useState<{ note: string; reply: string } | null>(null);
  const [closed, setClosed] = useState<ClassCaseCloseResult | null>(null);
  const [escalating, setEscalating] = useState<{ reason: string; route: string } | null>(null);
  const d = detail;
  const manage = d.allowed.manage;
  const departments = (ref?.departments ?? []).map((x) => ({ value: x.id, label: x.name }));

  async function send<T>(p: Promise<Result<T>>, take: (v: T) => ClassCaseDetail): Promise<boolean> {
    setBusy(true);
    try {
      const r = await p;
      if (!r.ok) {
        setError(errorMessage(r.error));
        if (isConflict(r.error)) {
          const again = await api.request('classCases.get', { id: d.id });
          if (again.ok) onChange(again.value);
        }
        return false;
      }
      setError(null);
      onChange(take(r.value));
      return true;
    } finally {
      setBusy(false);
    }
  }
  const same = (x: ClassCaseDetail) => x;

  const columns: VirtualColumn<ClassCaseDetail['memberList'][number]>[] = [
    { key: 'number', title: t('ticket.number'), width: '150px', render: (r) => <Text size="sm" ff="monospace">{r.number}</Text> },
    { key: 'title', title: t('ticket.title'), width: 'minmax(160px, 1fr)', render: (r) => <Text size="sm" truncate>{r.title}</Text> },
    { key: 'district', title: t('ticket.district'), width: '90px', render: (r) => <Text size="sm">{r.district}</Text> },
    { key: 'auto', title: '', width: '80px', render: (r) => <Badge size="xs" variant="light" color={r.auto ? 'grape' : 'gray'}>{t(r.auto ? 'proactive.cases.auto' : 'proactive.cases.picked')}</Badge> },
    { key: 'status', title: t('ticket.status'), width: '96px', render: (r) => <StatusBadge status={r.status} /> },
  ];

  return (
    <Stack gap="md" data-testid="cc-workspace">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Group gap="xs">
            <Title order={4} data-testid="cc-title">{d.title}</Title>
            <Badge color={d.state === 'open' ? 'blue' : 'gray'}>{t(`proactive.cases.state.${d.state}`)}</Badge>
            <Badge variant="light" color="grape">{t(`proactive.cases.source.${d.source}`)}</Badge>
          </Group>
          <Text size="sm" c="dimmed">{d.number} · {t('proactive.cases.members', { count: d.members })} · {t('proactive.cases.finished', { count: d.finished })}</Text>
          <Text size="xs" c="dimmed">{t('proactive.cases.rule')}：{d.terms.length === 0 ? t('proactive.cases.noTerms')
            : t('proactive.cases.ruleText', { category: d.category ?? t('proactive.cases.anyCategory'), area: d.area ?? t('proactive.cases.anyArea'), terms: d.terms.join('、') })}</Text>
        </Stack>
        {manage && (
          <Group gap="xs">
            {d.consultation
              ? <Badge size="lg" variant="outline">{t('proactive.cases.escalate.linked', { number: d.consultation.number })}</Badge>
              : <Button variant="light" onClick={() => setEscalating({ reason: '', route: 'studio' })} data-testid="cc-escalate">{t('proactive.cases.escalate.button')}</Button>}
            <Button color="teal" onClick={() => setClosing({ note: '', reply: d.reply ?? '' })} data-testid="cc-close">{t('proactive.cases.close.button')}</Button>
          </Group>
        )}
      </Group>
      {error && <Alert color="red" data-testid="cc-error" withCloseButton onClose={() => setError(null)}>{error}</Alert>}
      {closed && (
        <Alert color={closed.blocked.length ? 'yellow' : 'teal'} data-testid="cc-close-result" withCloseButton onClose={() => setClosed(null)}>
          <Text size="sm">{t('proactive.cases.close.result', { closed: closed.closed, already: closed.alreadyFinished })}</Text>
          {closed.blocked.length > 0 && (
            <>
              <Text size="sm" mt={4}>{t('proactive.cases.close.blocked', { count: closed.blocked.length })}</Text>
              <List size="sm">{closed.blocked.map((b) => <List.Item key={b.id}>{b.number}（{t(`statuses.${b.status}`, { defaultValue: b.status })}）</List.Item>)}</List>
            </>
          )}
        </Alert>
      )}

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md" radius="md">
          <Title order={5} mb="xs">{t('proactive.cases.counters.title')}</Title>
          <Stack gap="md">
            {d.counters.length === 0 && <Text size="sm" c="dimmed">{t('proactive.cases.counters.empty')}</Text>}
            {d.counters.map((k) => (
              <CounterRow key={`${k.id}-${k.version}`} counter={k}
                onSave={(value) => send(api.request('classCases.updateCounter', { id: d.id, counterId: k.id, expectedVersion: k.version, value }), same)} />
            ))}
            {manage && (
              <Group gap="xs" align="flex-end" wrap="wrap">
                <TextInput size="xs" w={150} label={t('proactive.cases.counters.label')} value={counter.label} onChange={(e) => setCounter({ ...counter, label: e.currentTarget.value })} data-testid="cc-counter-label" />
                <TextInput size="xs" w={60} label={t('proactive.cases.counters.unit')} value={counter.unit} onChange={(e) => setCounter({ ...counter, unit: e.currentTarget.value })} />
                <NumberInput size="xs" w={100} label={t('proactive.cases.counters.target')} min={1} value={counter.target} onChange={(v) => setCounter({ ...counter, target: v })} data-testid="cc-counter-target" thousandSeparator="," />
                <Select size="xs" w={150} label={t('proactive.cases.counters.owner')} data={departments} searchable value={counter.owner} onChange={(v) => setCounter({ ...counter, owner: v })} data-testid="cc-counter-owner" />
                <Button size="xs" disabled={busy || !counter.label.trim() || typeof counter.target !== 'number' || !counter.owner} data-testid="cc-counter-add"
                  onClick={() => void send(api.request('classCases.addCounter', { id: d.id, expectedVersion: d.version, label: counter.label, unit: counter.unit, target: counter.target as number, ownerDepartmentId: counter.owner! }), same)
                    .then((ok) => { if (ok) setCounter({ label: '', unit: '', target: '', owner: null }); })}>{t('proactive.cases.counters.add')}</Button>
              </Group>
            )}
          </Stack>
        </Paper>

        <Paper withBorder p="md" radius="md">
          <Group justify="space-between" mb="xs">
            <Title order={5}>{t('proactive.cases.package.title')}</Title>
            {manage && !pkg && <Button size="xs" variant="subtle" onClick={() => setPkg({ lead: d.package?.leadDepartmentId ?? null, person: d.package?.person ?? '', co: d.package?.coDepartments.map((c) => c.id) ?? [] })} data-testid="cc-package-edit">{t('proactive.cases.package.edit')}</Button>}
          </Group>
          {!pkg && (d.package ? (
            <Stack gap={2} data-testid="cc-package">
              <Text size="sm">{t('proactive.cases.package.lead')}：{d.package.leadDepartment}</Text>
              <Text size="sm">{t('proactive.cases.package.person')}：{d.package.person}</Text>
              {d.package.coDepartments.length > 0 && <Text size="sm">{t('proactive.cases.package.co')}：{d.package.coDepartments.map((c) => c.name).join('、')}</Text>}
            </Stack>
          ) : <Text size="sm" c="dimmed">{t('proactive.cases.noPackage')}</Text>)}
          {pkg && (
            <Stack gap="xs">
              <Select size="xs" label={t('proactive.cases.package.lead')} data={departments} searchable value={pkg.lead} onChange={(v) => setPkg({ ...pkg, lead: v })} data-testid="cc-package-lead" />
              <TextInput size="xs" label={t('proactive.cases.package.person')} value={pkg.person} onChange={(e) => setPkg({ ...pkg, person: e.currentTarget.value })} data-testid="cc-package-person" />
              <MultiSelect size="xs" label={t('proactive.cases.package.co')} data={departments.filter((x) => x.value !== pkg.lead)} searchable value={pkg.co} onChange={(v) => setPkg({ ...pkg, co: v })} />
              <Group gap="xs">
                <Button size="xs" disabled={busy || !pkg.lead || !pkg.person.trim()} data-testid="cc-package-save"
                  onClick={() => void send(api.request('classCases.setPackage', { id: d.id, expectedVersion: d.version, leadDepartmentId: pkg.lead!, person: pkg.person, coDepartmentIds: pkg.co }), same).then((ok) => { if (ok) setPkg(null); })}>{t('proactive.cases.package.save')}</Button>
                <Button size="xs" variant="default" onClick={() => setPkg(null)}>{t('jobs.cancel')}</Button>
              </Group>
            </Stack>
          )}
        </Paper>
      </SimpleGrid>

      <Paper withBorder p="md" radius="md">
        <Title order={5} mb="xs">{t('proactive.cases.measures.title')}</Title>
        <Stack gap={6}>
          {d.measures.length === 0 && <Text size="sm" c="dimmed">{t('proactive.cases.measures.empty')}</Text>}
          {d.measures.map((m) => (
            <Group key={m.id} justify="space-between" wrap="nowrap" data-testid="cc-measure">
              <Text size="sm" style={{ flex: 1 }}>{m.content}</Text>
              <Text size="xs" c="dimmed">{m.ownerDepartment} · {m.deadline}</Text>
              {m.overdue && <Badge color="red" size="sm">{t('proactive.cases.measures.overdue')}</Badge>}
              {m.canUpdate
                ? <Select size="xs" w={100} data={(['planned', 'in_progress', 'done'] as const).map((s) => ({ value: s, label: t(`proactive.cases.measures.status.${s}`) }))} value={m.status} allowDeselect={false}
                    onChange={(v) => { if (v) void send(api.request('classCases.updateMeasure', { id: d.id, measureId: m.id, expectedVersion: m.version, status: v as 'planned' }), same); }} aria-label={m.content} />
                : <Badge variant="light">{t(`proactive.cases.measures.status.${m.status}`)}</Badge>}
            </Group>
          ))}
          {manage && (
            <Group gap="xs" align="flex-end">
              <TextInput size="xs" style={{ flex: 1 }} label={t('proactive.cases.measures.content')} value={measure.content} onChange={(e) => setMeasure({ ...measure, content: e.currentTarget.value })} data-testid="cc-measure-content" />
              <Select size="xs" w={150} label={t('proactive.cases.measures.owner')} data={departments} searchable value={measure.owner} onChange={(v) => setMeasure({ ...measure, owner: v })} data-testid="cc-measure-owner" />
              <TextInput size="xs" w={130} type="date" label={t('proactive.cases.measures.deadline')} value={measure.deadline} onChange={(e) => setMeasure({ ...measure, deadline: e.currentTarget.value })} data-testid="cc-measure-deadline" />
              <Button size="xs" disabled={busy || measure.content.trim().length < 4 || !measure.owner || !measure.deadline} data-testid="cc-measure-add"
                onClick={() => void send(api.request('classCases.addMeasure', { id: d.id, expectedVersion: d.version, content: measure.content, ownerDepartmentId: measure.owner!, deadline: measure.deadline }), same)
                  .then((ok) => { if (ok) setMeasure({ content: '', owner: null, deadline: '' }); })}>{t('proactive.cases.measures.add')}</Button>
            </Group>
          )}
        </Stack>
      </Paper>

      <Paper withBorder p="md" radius="md">
        <Title order={5} mb="xs">{t('proactive.cases.reply.title')}</Title>
        {d.reply ? <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="cc-reply">{d.reply}</Text> : <Text size="sm" c="dimmed">{t('proactive.cases.reply.none')}</Text>}
        {d.repliedAt && <Text size="xs" c="dimmed">{t('proactive.cases.reply.sent', { time: formatDateTime(d.repliedAt) })}</Text>}
        {manage && (
          <Stack gap="xs" mt="xs">
            <Textarea rows={2} placeholder={t('proactive.cases.reply.placeholder')} value={reply} onChange={(e) => setReply(e.currentTarget.value)} data-testid="cc-reply-input" />
            <Group><Button size="xs" disabled={busy || reply.trim().length < 4} data-testid="cc-reply-send"
              onClick={() => { if (window.confirm(t('proactive.cases.reply.confirm', { count: d.members }))) void send(api.request('classCases.reply', { id: d.id, expectedVersion: d.version, content: reply }), same).then((ok) => { if (ok) setReply(''); }); }}>
              {t('proactive.cases.reply.send', { count: d.members })}</Button></Group>
          </Stack>
        )}
      </Paper>

      <Paper withBorder radius="md" style={{ display: 'flex', flexDirection: 'column', height: 300 }}>
        <Title order={5} p="sm">{t('proactive.cases.memberList')}（{d.members}）</Title>
        <VirtualList rows={d.memberList} columns={columns} rowKey={(r) => r.id} rowHeight={36} testId="cc-members" empty={<Text c="dimmed">—</Text>} />
      </Paper>

      <Paper withBorder p="md" radius="md">
        <Title order={5} mb="xs">{t('proactive.cases.timeline')}</Title>
        <Timeline bulletSize={12} lineWidth={2} active={d.timeline.length - 1}>
          {d.timeline.map((e, i) => (
            <Timeline.Item key={i} title={<Text size="sm">{t(`proactive.cases.actions.${e.action}`, { defaultValue: e.action })}</Text>}>
              <Text size="xs" c="dimmed">{formatDateTime(e.at)}{e.actorName ? ` · ${e.actorName}` : ''}
                {e.action === 'classCase.counterUpdated' ? ` · ${t('proactive.cases.counterChange', { label: String(e.data.label), from: fmt(Number(e.data.from)), to: fmt(Number(e.data.to)) })}` : ''}</Text>
            </Timeline.Item>
          ))}
        </Timeline>
      </Paper>

      <Modal opened={!!closing} onClose={() => setClosing(null)} title={t('proactive.cases.close.title')}>
        {closing && (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">{t('proactive.cases.close.hint')}</Text>
            <Textarea label={t('proactive.cases.close.reply')} rows={3} value={closing.reply} onChange={(e) => setClosing({ ...closing, reply: e.currentTarget.value })} data-testid="cc-close-reply" />
            <TextInput label={t('proactive.cases.close.note')} value={closing.note} onChange={(e) => setClosing({ ...closing, note: e.currentTarget.value })} data-testid="cc-close-note" />
            <Group justify="flex-end">
              <Button color="teal" disabled={busy || closing.note.trim().length < 2 || closing.reply.trim().length < 4} data-testid="cc-close-confirm"
                onClick={() => {
                  const reply_ = closing.reply.trim() === (d.reply ?? '').trim() ? undefined : closing.reply;
                  void send(api.request('classCases.close', { id: d.id, expectedVersion: d.version, note: closing.note, reply: reply_ }), (r) => { setClosed(r); return r.detail; })
                    .then((ok) => { if (ok) setClosing(null); });
                }}>{t('proactive.cases.close.confirm')}</Button>
            </Group>
          </Stack>
        )}
      </Modal>

      <Modal opened={!!escalating} onClose={() => setEscalating(null)} title={t('proactive.cases.escalate.title')}>
        {escalating && (
          <Stack gap="sm">
            <Textarea label={t('proactive.cases.escalate.reason')} rows={2} value={escalating.reason} onChange={(e) => setEscalating({ ...escalating, reason: e.currentTarget.value })} data-testid="cc-escalate-reason" />
            <Select label={t('consultation.columns.route')} data={(['studio', 'station', 'both'] as const).map((r) => ({ value: r, label: t(`consultation.routes.${r}`) }))} value={escalating.route} allowDeselect={false}
              onChange={(v) => v && setEscalating({ ...escalating, route: v })} />
            <Group justify="flex-end">
              <Button disabled={busy || escalating.reason.trim().length < 2} data-testid="cc-escalate-confirm"
                onClick={() => void send(api.request('classCases.escalate', { id: d.id, expectedVersion: d.version, reason: escalating.reason, route: escalating.route as 'studio', urgency: 'normal' }), (x) => {
                  notifications.show({ color: 'teal', message: t('proactive.cases.escalate.done', { number: x.consultation?.number ?? '' }) });
                  return x;
                }).then((ok) => { if (ok) setEscalating(null); })}>{t('proactive.cases.escalate.button')}</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

function isConflict(e: ContractError): boolean {
  return e.code === 'conflict';
}

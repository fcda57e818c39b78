import { useState } from 'react';
import { Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { DateField } from '../../components/DateFields';
import { useTranslation } from 'react-i18next';
import type { ConsultationDetail, MeasureRow, MeasureStatus } from '../../../../shared/contract';
import { chinaDateKey } from '../../../../shared/domain/china-time';
import { useReference } from '../../intake/reference';
import { flagColor } from '../format';
import { useItemAction } from '../useItemAction';

const hasText = (s: string) => /[\p{L}\p{N}]/u.test(s);

/** Measures (措施): owner department, deadline (时间节点), status, evidence; overdue ones flagged red. */
export function MeasuresPanel({ item, onChange }: {
  /** The item worked on. */
  item: ConsultationDetail;
  /** Called with the item after a change. */
  onChange(next: ConsultationDetail): void;
}) {
  const { t } = useTranslation();
  const ref = useReference();
  const { run, busy } = useItemAction(onChange);
  const [content, setContent] = useState('');
  const [owner, setOwner] = useState<string | null>(null);
  const [deadline, setDeadline] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const departments = (ref?.departments ?? []).map((d) => ({ value: d.id, label: d.name }));
  const earliest = chinaDateKey(new Date(item.createdAt));
  const tooEarly = deadline !== '' && deadline < earliest;

  const add = async () => {
    if (!owner) return;
    const ok = await run('consultation.addMeasure', { itemId: item.id, content, ownerDepartmentId: owner, deadline }, t('consultation.saved'));
    if (ok) { setContent(''); setDeadline(''); }
  };

  return (
    <Stack gap="sm">
      {item.measures.length === 0 ? <Text c="dimmed" size="sm">{t('consultation.measure.empty')}</Text> : (
        <Table withTableBorder striped data-testid="measures-table">
          <Table.Thead><Table.Tr>
            <Table.Th>{t('consultation.measure.content')}</Table.Th><Table.Th w={140}>{t('consultation.measure.owner')}</Table.Th>
            <Table.Th w={104}>{t('consultation.measure.deadline')}</Table.Th><Table.Th w={120}>{t('consultation.measure.status')}</Table.Th>
          </Table.Tr></Table.Thead>
          <Table.Tbody>
            {item.measures.map((m) => (
              <MeasureLine key={m.id} m={m} canEdit={item.allowed.work} open={editing === m.id} onToggle={() => setEditing(editing === m.id ? null : m.id)}
                onSave={async (status, evidence, dropReason) => {
                  const ok = await run('consultation.updateMeasure', { itemId: item.id, measureId: m.id, status, evidence, ...(dropReason ? { dropReason } : {}) }, t('consultation.saved'));
                  if (ok) setEditing(null);
                }} />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {item.allowed.work && (
        <Card withBorder padding="sm" bg="var(--mantine-color-default-hover)">
          <Stack gap="xs">
            <Textarea label={t('consultation.measure.content')} autosize minRows={2} value={content} onChange={(e) => setContent(e.currentTarget.value)} data-testid="measure-content" />
            <Group grow align="flex-start">
              <Select label={t('consultation.measure.owner')} data={departments} value={owner} onChange={setOwner} searchable data-testid="measure-owner" />
              <DateField label={t('consultation.measure.deadline')} value={deadline} min={earliest} onChange={setDeadline}
                error={tooEarly ? t('consultation.measure.deadlineBeforeItem', { date: earliest }) : undefined} data-testid="measure-deadline" />
            </Group>
            <Group justify="flex-end">
              <Button size="xs" loading={busy !== null} disabled={!hasText(content) || !owner || !deadline || tooEarly} onClick={() => void add()} data-testid="measure-submit">
                {t('consultation.measure.add')}</Button>
            </Group>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}

function MeasureLine({ m, canEdit, open, onToggle, onSave }: {
  /** The measure. */
  m: MeasureRow;
  /** Whether the reader may change it. */
  canEdit: boolean;
  /** Whether the status form is open. */
  open: boolean;
  /** Opens or closes the status form. */
  onToggle(): void;
  /** Saves a new status. */
  onSave(status: MeasureStatus, evidence: string, dropReason: string): Promise<void>;
}) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<MeasureStatus>(m.status === 'planned' ? 'in_progress' : m.status);
  const [evidence, setEvidence] = useState(m.evidence);
  const [dropReason, setDropReason] = useState('');
  const final = m.status === 'done' || m.status === 'dropped';
  return (
    <>
      <Table.Tr data-testid="measure-row" data-flag={m.flag ?? ''}>
        <Table.Td><Text size="sm">{m.content}</Text>
          {m.evidence && <Text size="xs" c="dimmed">{t('consultation.measure.evidence')}：{m.evidence}</Text>}
          {m.dropReason && <Text size="xs" c="dimmed">{t('consultation.measure.dropReason')}：{m.dropReason}</Text>}</Table.Td>
        <Table.Td><Text size="sm">{m.ownerDepartment}</Text></Table.Td>
        <Table.Td><Text size="sm" c={m.flag === 'overdue' ? 'red' : m.flag === 'near' ? 'orange' : undefined} fw={m.flag === 'overdue' ? 700 : 400}>{m.deadline}</Text>
          {m.flag && m.flag !== 'ok' && <Badge size="xs" color={flagColor(m.flag)}>{t(`consultation.flags.${m.flag}`)}</Badge>}</Table.Td>
        <Table.Td>
          <Group gap={4} wrap="nowrap">
            <Badge size="sm" variant="light" color={m.status === 'done' ? 'teal' : m.status === 'dropped' ? 'gray' : 'blue'}>{t(`consultation.measureStatuses.${m.status}`)}</Badge>
            {canEdit && !final && <Button size="compact-xs" variant="subtle" onClick={onToggle} data-testid="measure-edit">{t('consultation.measure.update')}</Button>}
          </Group>
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr><Table.Td colSpan={4}>
          <Group align="flex-end" grow>
            <Select label={t('consultation.measure.status')} value={status} allowDeselect={false} onChange={(v) => setStatus((v ?? 'in_progress') as MeasureStatus)}
              data={(['in_progress', 'done', 'dropped'] as const).map((s) => ({ value: s, label: t(`consultation.measureStatuses.${s}`) }))} data-testid="measure-status" />
            <TextInput label={t('consultation.measure.evidence')} value={evidence} onChange={(e) => setEvidence(e.currentTarget.value)} />
            {status === 'dropped' && <TextInput required label={t('consultation.measure.dropReason')} value={dropReason} onChange={(e) => setDropReason(e.currentTarget.value)} />}
            <Button size="xs" disabled={status === 'dropped' && !hasText(dropReason)} onClick={() => void onSave(status, evidence, dropReason)} data-testid="measure-save">{t('admin.users.save')}</Button>
          </Group>
        </Table.Td></Table.Tr>
      )}
    </>
  );
}

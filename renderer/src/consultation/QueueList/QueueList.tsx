import { Anchor, Badge, Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConsultationRow } from '../../../../shared/contract';
import { VirtualList, type VirtualColumn } from '../../components/VirtualList';
import { formatDateTime } from '../../format/time';
import { ageText, flagColor, stageColor } from '../format';

/** Consultation items as a list: age, urgency, claim deadline, stage, and a claim button where offered. */
export function QueueList({ rows, empty, selectedId, onOpen, onClaim, claiming, testId }: {
  /** Items to show, already filtered by scope. */
  rows: readonly ConsultationRow[];
  /** Shown when there are no rows. */
  empty: string;
  /** The item open in the workspace, highlighted. */
  selectedId?: string | null;
  /** Opens an item in the workspace. */
  onOpen(row: ConsultationRow): void;
  /** Claims a queued item; omitted where claiming is not offered. */
  onClaim?(row: ConsultationRow): void;
  /** Id of the item whose claim is in flight. */
  claiming?: string | null;
  /** data-testid of the list. */
  testId?: string;
}) {
  const { t } = useTranslation();
  const columns: VirtualColumn<ConsultationRow>[] = [
    { key: 'number', title: t('consultation.columns.number'), width: '100px', render: (r) => (
      <Anchor component="button" size="sm" ff="monospace" fw={r.id === selectedId ? 700 : 400} c={r.id === selectedId ? 'grape' : undefined}
        onClick={() => onOpen(r)} data-testid={`open-${r.number}`}>{r.number}</Anchor>) },
    { key: 'title', title: t('consultation.columns.title'), width: 'minmax(100px, 1fr)', render: (r) => (
      <Group gap={4} wrap="nowrap">
        {r.urgency !== 'normal' && <Badge size="xs" color="red" variant="filled" style={{ flexShrink: 0, overflow: 'visible' }}>{t(`consultation.urgencies.${r.urgency}`)}</Badge>}
        {r.source !== 'ticket' && <Badge size="xs" color="gray" variant="outline" style={{ flexShrink: 0, overflow: 'visible' }}>{t(`consultation.sources.${r.source}`)}</Badge>}
        <Text size="sm" title={r.title} truncate>{r.title}</Text>
      </Group>) },
    { key: 'route', title: t('consultation.columns.route'), width: '72px', render: (r) => <Text size="xs">{t(`consultation.desks.${r.route}`, { defaultValue: t(`consultation.routes.${r.route}`) })}</Text> },
    { key: 'age', title: t('consultation.columns.age'), width: '56px', render: (r) => <Text size="xs" title={formatDateTime(r.createdAt)}>{ageText(t, r.createdAt)}</Text> },
    { key: 'stage', title: t('consultation.columns.stage'), width: '118px', render: (r) => (
      <Group gap={4} wrap="nowrap">
        <Badge size="sm" variant="light" color={stageColor[r.stage]}>{t(`consultation.stages.${r.stage}`)}</Badge>
        {r.claimFlag && r.claimFlag !== 'ok' && <Badge size="xs" color={flagColor(r.claimFlag)} title={formatDateTime(r.claimBy)}>{t(`consultation.flags.${r.claimFlag}`)}</Badge>}
        {r.overdueMeasures > 0 && <Badge size="xs" color="red" data-testid="row-overdue">{t('consultation.overdueMeasures', { count: r.overdueMeasures })}</Badge>}
      </Group>) },
    { key: 'who', title: t('consultation.columns.claimedBy'), width: '84px', render: (r) => (r.stage === 'queued' && onClaim
      ? <Button size="compact-xs" color="grape" loading={claiming === r.id} onClick={(e) => { e.stopPropagation(); onClaim(r); }} data-testid={`claim-${r.number}`}>{t('consultation.claim')}</Button>
      : <Text size="xs" truncate>{r.stage === 'queued' ? formatDateTime(r.claimBy).slice(5) : r.claimedByName ?? ''}</Text>) },
  ];
  return (
    <VirtualList rows={rows} columns={columns} rowKey={(r) => r.id} rowHeight={40} testId={testId} onOpen={onOpen}
      empty={<Text c="dimmed" size="sm">{empty}</Text>} />
  );
}

import { Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConsultationRow } from '../../../../shared/contract';
import { VirtualList, type VirtualColumn } from '../../components/VirtualList';
import { formatDateTime } from '../../format/time';
import { ageText, flagColor, stageColor } from '../format';

/**
 * Queue time counts only until the claim: a queued item shows how long it has waited; a claimed
 * one shows how long since the claim ("认领后 2 天"), its queue time and claimer on hover; a closed
 * one keeps the queue time it had.
 */
function WaitText({ row }: { /** The queue row. */ row: ConsultationRow }) {
  const { t } = useTranslation();
  if (!row.claimedAt || row.stage === 'queued') {
    return <Text size="xs" title={t('consultProgress.waitingTitle', { time: formatDateTime(row.createdAt) })} data-testid="row-wait">{ageText(t, row.createdAt)}</Text>;
  }
  const waited = ageText(t, row.createdAt, Date.parse(row.claimedAt));
  const title = t('consultProgress.waitedTitle', { waited, time: formatDateTime(row.claimedAt), name: row.claimedByName ?? '' });
  return (
    <Text size="xs" title={title} data-testid="row-wait">
      {row.stage === 'closed' ? waited : t('consultProgress.claimedAfter', { age: ageText(t, row.claimedAt) })}
    </Text>
  );
}

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
        onClick={(e) => { e.stopPropagation(); onOpen(r); }} data-testid={`open-${r.number}`}>{r.number}</Anchor>) },
    { key: 'title', title: t('consultation.columns.title'), width: 'minmax(120px, 1fr)', render: (r) => (
      // Two lines: the title alone on the first, shrinking with an ellipsis (full text on hover); the
      // badges and the route beside it below, so that they never squeeze the title out.
      <Stack gap={2} style={{ minWidth: 0, width: '100%' }}>
        <Text size="sm" title={r.title} truncate data-testid="row-title">{r.title}</Text>
        <Group gap={4} wrap="nowrap" style={{ minWidth: 0, overflow: 'hidden' }}>
          {r.urgency !== 'normal' && <Badge size="xs" color="red" variant="filled" style={{ flexShrink: 0, overflow: 'visible' }}>{t(`consultation.urgencies.${r.urgency}`)}</Badge>}
          {r.source !== 'ticket' && <Badge size="xs" color="gray" variant="outline" style={{ flexShrink: 0, overflow: 'visible' }}>{t(`consultation.sources.${r.source}`)}</Badge>}
          <Text size="xs" c="dimmed" truncate>{t(`consultation.desks.${r.route}`, { defaultValue: t(`consultation.routes.${r.route}`) })} · {r.domain}</Text>
        </Group>
      </Stack>) },
    { key: 'age', title: t('consultation.columns.age'), width: '88px', render: (r) => <WaitText row={r} /> },
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
    <VirtualList rows={rows} columns={columns} rowKey={(r) => r.id} rowHeight={52} testId={testId} onOpen={onOpen} openOnClick
      empty={<Text c="dimmed" size="sm">{empty}</Text>} />
  );
}

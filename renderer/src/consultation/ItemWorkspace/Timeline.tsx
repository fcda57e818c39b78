import { Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConsultationDetail } from '../../../../shared/contract';
import { auditActionName, auditChanges } from '../../audit/describe';
import { formatDateTime } from '../../format/time';

/** What happened on an item and when, oldest first: "张建国委员 记录调研 · 实地走访 2026-12-01". */
export function Timeline({ item }: {
  /** The item whose audit lines are shown. */
  item: ConsultationDetail;
}) {
  const { t } = useTranslation();
  if (item.timeline.length === 0) return <Text size="xs" c="dimmed">{t('consultProgress.timelineEmpty')}</Text>;
  // Research and meetings are told by what was recorded, looked up by the record the line points at.
  const detailOf = (action: string, data: Record<string, unknown>): string[] => {
    const id = typeof data.recordId === 'string' ? data.recordId : null;
    if (action === 'consultation.research_added') {
      const r = item.research.find((x) => x.id === id);
      return r ? [`${t(`consultation.research.methods.${r.method}`)} ${r.date}${r.place ? ` · ${r.place}` : ''}`] : [];
    }
    if (action === 'consultation.meeting_added') {
      const m = item.meetings.find((x) => x.id === id);
      return m ? [`${m.date} · ${m.departments.map((d) => d.name).join('、')}`] : [];
    }
    if (action === 'consultation.feedback_added') {
      const f = item.feedback.find((x) => x.id === id);
      return f ? [`${t(`consultation.feedback.channels.${f.channel}`)} · ${f.satisfied ? t('consultation.feedback.satisfied') : t('consultation.feedback.unsatisfied')}`] : [];
    }
    return auditChanges(t, { action, data }).filter((x) => x !== item.number);
  };
  return (
    <Stack gap={4} data-testid="item-timeline">
      {item.timeline.map((e, i) => (
        <Group key={`${e.at}${i}`} gap="xs" wrap="nowrap" align="flex-start" data-testid="timeline-entry">
          <Text size="xs" c="dimmed" ff="monospace" w={118} style={{ flexShrink: 0 }}>{formatDateTime(e.at)}</Text>
          <Text size="xs" style={{ minWidth: 0 }}>
            <Text span fw={600} size="xs">{e.actorName ?? t('consultProgress.system')}</Text> {auditActionName(t, e.action)}
            {detailOf(e.action, e.data).map((x) => <Text span c="dimmed" size="xs" key={x}> · {x}</Text>)}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

import { useState } from 'react';
import { ActionIcon, Button, Card, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ConsultationDetail, ReportDraft } from '../../../../shared/contract';
import { useDraft } from '../../hooks/useDraft';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { downloadBase64, todayBeijing } from '../format';
import { useItemAction } from '../useItemAction';

const hasText = (s: string) => /[\p{L}\p{N}]/u.test(s);
const EMPTY: ReportDraft = { title: '', problem: '', causes: '', suggestions: '', figures: [] };
// Printing shows only the report: everything else on the page is hidden by this print sheet.
const PRINT_CSS = '@media print { body * { visibility: hidden !important; } .consultation-print, .consultation-print * { visibility: visible !important; } '
  + '.consultation-print { position: absolute; left: 0; top: 0; width: 100%; border: none !important; } }';

/** The 社情民意信息 report of an item: a draft kept safe across crashes, a printable preview, Word export. */
export function ReportPanel({ item, onChange }: {
  /** The item reported on. */
  item: ConsultationDetail;
  /** Called with the item after the report is saved. */
  onChange(next: ConsultationDetail): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const { run, busy } = useItemAction(onChange);
  const [draft, setDraft, ctl] = useDraft<ReportDraft>(`consultation.report.${item.id}`, item.report ?? { ...EMPTY, title: item.title });
  const [exporting, setExporting] = useState(false);
  const valid = hasText(draft.title) && hasText(draft.problem) && hasText(draft.suggestions) && draft.figures.every((f) => hasText(f.label) && f.value.trim());

  const save = async () => {
    if (await run('consultation.saveReport', { itemId: item.id, ...draft }, t('consultation.saved'))) ctl.clear();
  };
  const exportDocx = async () => {
    setExporting(true);
    const r = await api.request('consultation.exportReport', { itemId: item.id });
    setExporting(false);
    if (!r.ok) { notifications.show({ color: 'red', message: errorMessage(r.error) }); return; }
    downloadBase64(r.value.fileName, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', r.value.base64);
  };
  const setFigure = (i: number, patch: Partial<ReportDraft['figures'][number]>) =>
    setDraft({ ...draft, figures: draft.figures.map((f, j) => (j === i ? { ...f, ...patch } : f)) });

  return (
    <Stack gap="sm">
      {item.allowed.work && (
        <Card withBorder padding="sm" bg="var(--mantine-color-default-hover)">
          <Stack gap="xs">
            <TextInput label={t('consultation.report.title')} value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.currentTarget.value })} data-testid="report-title" />
            <Textarea label={t('consultation.report.problem')} autosize minRows={3} value={draft.problem} onChange={(e) => setDraft({ ...draft, problem: e.currentTarget.value })} data-testid="report-problem" />
            <Textarea label={t('consultation.report.causes')} autosize minRows={2} value={draft.causes} onChange={(e) => setDraft({ ...draft, causes: e.currentTarget.value })} data-testid="report-causes" />
            <Textarea label={t('consultation.report.suggestions')} autosize minRows={3} value={draft.suggestions} onChange={(e) => setDraft({ ...draft, suggestions: e.currentTarget.value })} data-testid="report-suggestions" />
            <Text size="sm" fw={500}>{t('consultation.report.figures')}</Text>
            {draft.figures.map((f, i) => (
              <Group key={i} gap="xs" wrap="nowrap">
                <TextInput placeholder={t('consultation.report.figureLabel')} value={f.label} onChange={(e) => setFigure(i, { label: e.currentTarget.value })} style={{ flex: 2 }} data-testid={`figure-label-${i}`} />
                <TextInput placeholder={t('consultation.report.figureValue')} value={f.value} onChange={(e) => setFigure(i, { value: e.currentTarget.value })} style={{ flex: 1 }} data-testid={`figure-value-${i}`} />
                <ActionIcon variant="subtle" color="red" aria-label="×" onClick={() => setDraft({ ...draft, figures: draft.figures.filter((_, j) => j !== i) })}>×</ActionIcon>
              </Group>
            ))}
            <Group justify="space-between">
              <Button size="xs" variant="default" onClick={() => setDraft({ ...draft, figures: [...draft.figures, { label: '', value: '' }] })} data-testid="figure-add">{t('consultation.report.addFigure')}</Button>
              <Button size="xs" loading={busy !== null} disabled={!valid} onClick={() => void save()} data-testid="report-save">{t('consultation.report.save')}</Button>
            </Group>
          </Stack>
        </Card>
      )}
      {item.report ? (
        <>
          <Group justify="flex-end" gap="xs">
            <Button size="xs" variant="light" loading={exporting} onClick={() => void exportDocx()} data-testid="report-export">{t('consultation.report.export')}</Button>
            <Button size="xs" variant="light" onClick={() => window.print()}>{t('consultation.report.print')}</Button>
          </Group>
          <ReportPreview item={item} report={item.report} />
        </>
      ) : <Text c="dimmed" size="sm">{t('consultation.report.none')}</Text>}
    </Stack>
  );
}

/** The report as it prints: red masthead, title, the numbered sections, figures and measures as tables. */
export function ReportPreview({ item, report }: {
  /** The item reported on (number, tickets, measures, instruction). */
  item: ConsultationDetail;
  /** The saved report. */
  report: ReportDraft;
}) {
  const { t } = useTranslation();
  const para = (text: string) => text.split(/\n/).filter(hasText).map((l, i) => <Text key={i} style={{ textIndent: '2em', lineHeight: 1.9 }} ff="serif">{l}</Text>);
  return (
    <Paper withBorder p="xl" className="consultation-print" data-testid="report-preview" style={{ fontFamily: 'serif' }}>
      <style>{PRINT_CSS}</style>
      <Text ta="center" c="red.8" fw={800} fz={30} style={{ letterSpacing: '0.2em' }}>{t('consultation.report.heading')}</Text>
      <Text ta="center" size="sm" mb="sm">{t('consultation.report.numberLine', { number: item.number })}{'\u3000'}{todayBeijing()}</Text>
      <div style={{ borderTop: '2px solid var(--mantine-color-red-8)', marginBottom: 16 }} />
      <Title order={2} ta="center" mb="sm">{report.title}</Title>
      <Text size="sm" c="dimmed" mb="md">{t('consultation.report.source', { tickets: item.tickets.map((x) => x.number).join('、'), domain: item.domain })}</Text>
      <Title order={4} mt="md">{t('consultation.report.headings.problem')}</Title>
      {para(report.problem)}
      {hasText(report.causes) && <><Title order={4} mt="md">{t('consultation.report.headings.causes')}</Title>{para(report.causes)}</>}
      <Title order={4} mt="md">{t('consultation.report.headings.suggestions')}</Title>
      {para(report.suggestions)}
      {report.figures.length > 0 && (
        <>
          <Title order={4} mt="md" mb="xs">{t('consultation.report.headings.figures')}</Title>
          <SimpleGrid cols={Math.min(4, report.figures.length)} spacing="xs">
            {report.figures.map((f, i) => (
              <Paper key={i} withBorder p="xs" ta="center"><Text size="xl" fw={700} data-testid="report-figure">{f.value}</Text><Text size="xs" c="dimmed">{f.label}</Text></Paper>
            ))}
          </SimpleGrid>
        </>
      )}
      {item.measures.length > 0 && (
        <>
          <Title order={4} mt="md" mb="xs">{t('consultation.report.headings.measures')}</Title>
          <Table withTableBorder withColumnBorders>
            <Table.Thead><Table.Tr><Table.Th>{t('consultation.measure.content')}</Table.Th><Table.Th>{t('consultation.measure.owner')}</Table.Th>
              <Table.Th>{t('consultation.measure.deadline')}</Table.Th><Table.Th>{t('consultation.measure.status')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>{item.measures.map((m) => (
              <Table.Tr key={m.id}><Table.Td>{m.content}</Table.Td><Table.Td>{m.ownerDepartment}</Table.Td><Table.Td>{m.deadline}</Table.Td>
                <Table.Td>{t(`consultation.measureStatuses.${m.status}`)}</Table.Td></Table.Tr>))}</Table.Tbody>
          </Table>
        </>
      )}
      {item.instruction && (
        <Text mt="md" fw={700}>{t('consultation.workspace.instruction')}（{item.instruction.leader}，{item.instruction.date}）：{item.instruction.text}</Text>
      )}
    </Paper>
  );
}

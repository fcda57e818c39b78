import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, Paper, Progress, Select, SimpleGrid, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { BarChart, LineChart } from '@mantine/charts';
import { useTranslation } from 'react-i18next';
import type { AnalysisFinding, AnalysisVolume, MonthlyAnalysis as Report, ThreeRates } from '../../../../shared/contract';
import { change } from '../../../../shared/domain/monthly-analysis';
import { chinaDateKey } from '../../../../shared/domain/china-time';
import { useApi } from '../../state/api';
import { useSession } from '../../state/session';
import { errorMessage } from '../../i18n';
import { JobProgress, useJob } from '../../components/JobProgress';
import { downloadBase64 } from '../../consultation/format';
import { formatDateTime } from '../../format/time';
import classes from './MonthlyAnalysis.module.css';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const signed = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);

/** The last 24 months, newest first (this month included). */
export function monthOptions(now: Date): string[] {
  const [y, m] = chinaDateKey(now).split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let i = 0; i < 24; i++) {
    const k = y * 12 + (m - 1) - i;
    out.push(`${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}

function Trend({ value }: { /** Relative change, null: no comparison. */ value: number | null }) {
  const { t } = useTranslation();
  if (value === null) return <Text span size="sm" c="dimmed">{t('proactive.monthly.noHistory')}</Text>;
  return <Text span size="sm" c={value > 0 ? 'red.7' : value < 0 ? 'teal.7' : undefined}>{signed(value)}</Text>;
}

function Rates({ rates }: { /** 三率. */ rates: ThreeRates }) {
  return <>{(['response', 'resolution', 'satisfaction'] as const).map((k) => <Table.Td key={k} ta="right">{pct(rates[k])}</Table.Td>)}</>;
}

function VolumeTable({ rows, testId }: { /** Domains or districts. */ rows: AnalysisVolume[]; /** data-testid. */ testId: string }) {
  const { t } = useTranslation();
  return (
    <Table striped withTableBorder fz="sm" data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('proactive.monthly.col.name')}</Table.Th>
          <Table.Th ta="right">{t('proactive.monthly.col.count')}</Table.Th>
          <Table.Th ta="right">{t('proactive.monthly.col.lastMonth')}</Table.Th>
          <Table.Th ta="right">{t('proactive.monthly.col.mom')}</Table.Th>
          <Table.Th ta="right">{t('proactive.monthly.col.lastYear')}</Table.Th>
          <Table.Th ta="right">{t('proactive.monthly.col.yoy')}</Table.Th>
          {(['response', 'resolution', 'satisfaction'] as const).map((k) => <Table.Th key={k} ta="right">{t(`proactive.monthly.rate.${k}`)}</Table.Th>)}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.key || r.name}>
            <Table.Td>{r.name}</Table.Td>
            <Table.Td ta="right">{r.count.toLocaleString('zh-CN')}</Table.Td>
            <Table.Td ta="right">{r.lastMonth === null ? '—' : r.lastMonth.toLocaleString('zh-CN')}</Table.Td>
            <Table.Td ta="right"><Trend value={change(r.count, r.lastMonth)} /></Table.Td>
            <Table.Td ta="right">{r.lastYear === null ? '—' : r.lastYear.toLocaleString('zh-CN')}</Table.Td>
            <Table.Td ta="right"><Trend value={change(r.count, r.lastYear)} /></Table.Td>
            <Rates rates={r.rates} />
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Overview figure: a number with its comparisons. */
function Figure({ label, value, hint, testId }: { /** What. */ label: string; /** Shown value. */ value: string; /** A line below. */ hint?: React.ReactNode; /** data-testid. */ testId?: string }) {
  return (
    <Paper withBorder p="sm" radius="md" className={classes.keep}>
      <Text size="xs" c="dimmed">{label}</Text>
      <Text fz={28} fw={700} data-testid={testId}>{value}</Text>
      {hint && <Text size="xs">{hint}</Text>}
    </Paper>
  );
}

/**
 * 每月分析研判: pick a month, generate (a job: progress, cancel), read the overview, the 三率, the
 * charts and tables per domain and district, the top issues, class cases and findings; export as
 * Word, print (print CSS hides the controls), or hand a finding to the consultation queue.
 */
export function MonthlyAnalysis() {
  const { t } = useTranslation();
  const { api } = useApi();
  const { session } = useSession();
  const months = monthOptions(new Date());
  const [month, setMonth] = useState<string>(months[1] ?? months[0]!);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [escalating, setEscalating] = useState<{ finding: AnalysisFinding; reason: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const job = useJob<'analysis.monthly'>();
  const canEscalate = !!session?.user.roles.some((r) => r === 'shift_lead' || r === 'cppcc_member');

  const generate = async () => {
    setError(null);
    const r = await job.run(() => api.request('analysis.monthly', { month }));
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    if (r.view.state === 'done' && r.view.result) setReport(r.view.result);
    else if (r.view.state === 'failed' && r.view.error) setError(errorMessage(r.view.error));
  };
  const exportDocx = async () => {
    setExporting(true);
    const r = await api.request('analysis.exportDocx', { month: report?.month ?? month });
    setExporting(false);
    if (r.ok) downloadBase64(r.value.fileName, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', r.value.base64);
    else setError(errorMessage(r.error));
  };
  const findingText = (f: AnalysisFinding) => t(`proactive.monthly.finding.${f.kind}`, { subject: f.subject, count: f.count, lastMonth: f.lastMonth, change: signed(change(f.count, f.lastMonth)), rate: pct(f.rate) });

  const a = report;
  const empty = a !== null && a.total === 0;
  return (
    <Stack gap="md" p="md" className={classes.report} data-testid="monthly-analysis">
      <Group gap="sm" className={classes.controls}>
        <Select w={140} data={months} value={month} onChange={(v) => v && setMonth(v)} allowDeselect={false} aria-label={t('proactive.monthly.month')} data-testid="ma-month" />
        <Button onClick={() => void generate()} loading={job.running} data-testid="ma-generate">{t(a ? 'proactive.monthly.regenerate' : 'proactive.monthly.generate')}</Button>
        {a && <Button variant="light" onClick={() => void exportDocx()} loading={exporting} data-testid="ma-export">{t('proactive.monthly.export')}</Button>}
        {a && <Button variant="default" onClick={() => window.print()} data-testid="ma-print">{t('proactive.monthly.print')}</Button>}
        {!a && !job.running && <Text size="sm" c="dimmed">{t('proactive.monthly.hint')}</Text>}
      </Group>
      {job.view && job.running && <div className={classes.controls}><JobProgress view={job.view} onCancel={() => void job.cancel()} /></div>}
      {error && <Alert color="red" data-testid="ma-error">{error}</Alert>}
      {notice && <Alert color="teal" withCloseButton onClose={() => setNotice(null)} className={classes.controls}>{notice}</Alert>}
      {a && (
        <>
          <Group justify="space-between">
            <Title order={3} data-testid="ma-title">{t('proactive.monthly.reportTitle', { year: a.month.slice(0, 4), month: Number(a.month.slice(5)) })}</Title>
            <Text size="xs" c="dimmed">{t('proactive.monthly.generatedAt', { time: formatDateTime(a.generatedAt) })}</Text>
          </Group>
          {empty && (
            <Alert color="gray" data-testid="ma-empty">
              {a.historyFrom && a.historyFrom > `${a.month}-31` ? t('proactive.monthly.emptyHistory', { date: a.historyFrom.slice(0, 10) }) : t('proactive.monthly.empty')}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 2, md: 5 }}>
            <Figure label={t('proactive.monthly.total')} value={a.total.toLocaleString('zh-CN')} testId="ma-total"
              hint={<>{t('proactive.monthly.mom')} <Trend value={change(a.total, a.lastMonth)} /></>} />
            <Figure label={t('proactive.monthly.lastMonth')} value={a.lastMonth === null ? '—' : a.lastMonth.toLocaleString('zh-CN')} hint={a.lastMonth === null ? t('proactive.monthly.noHistory') : undefined} />
            <Figure label={t('proactive.monthly.lastYear')} value={a.lastYear === null ? '—' : a.lastYear.toLocaleString('zh-CN')}
              hint={a.lastYear === null ? t('proactive.monthly.noHistory') : <>{t('proactive.monthly.yoy')} <Trend value={change(a.total, a.lastYear)} /></>} />
            {(['response', 'satisfaction'] as const).map((k) => (
              <Figure key={k} label={t(`proactive.monthly.rate.${k}`)} value={pct(a.rates[k])} testId={`ma-rate-${k}`} hint={k === 'satisfaction' ? t('proactive.monthly.visits', { count: a.returnVisits }) : undefined} />
            ))}
          </SimpleGrid>
          <Text size="xs" c="dimmed">{t('proactive.monthly.ratesTitle')}：{t('proactive.monthly.rate.response')} {pct(a.rates.response)} · {t('proactive.monthly.rate.resolution')} {pct(a.rates.resolution)} · {t('proactive.monthly.rate.satisfaction')} {pct(a.rates.satisfaction)}</Text>
          {!empty && (
            <SimpleGrid cols={{ base: 1, lg: 2 }}>
              <Paper withBorder p="md" radius="md" className={classes.keep} data-testid="ma-chart-daily">
                <Title order={5} mb="xs">{t('proactive.monthly.daily')}</Title>
                <LineChart h={220} data={a.daily.map((d) => ({ ...d, day: d.date.slice(8) }))} dataKey="day" withDots={false} curveType="monotone"
                  series={[{ name: 'count', label: t('proactive.monthly.series.count'), color: 'blue.6' }]} yAxisProps={{ allowDecimals: false }} />
              </Paper>
              <Paper withBorder p="md" radius="md" className={classes.keep} data-testid="ma-chart-domains">
                <Title order={5} mb="xs">{t('proactive.monthly.domains')}</Title>
                <BarChart h={220} data={a.domains.slice(0, 8).map((d) => ({ name: d.name, count: d.count, lastMonth: d.lastMonth }))} dataKey="name" orientation="vertical"
                  withLegend legendProps={{ verticalAlign: 'top' }} yAxisProps={{ width: 84, interval: 0 }} xAxisProps={{ allowDecimals: false }}
                  series={[{ name: 'count', label: t('proactive.monthly.series.count'), color: 'blue.6' }, { name: 'lastMonth', label: t('proactive.monthly.series.lastMonth'), color: 'gray.4' }]} />
              </Paper>
            </SimpleGrid>
          )}
          <Paper withBorder p="md" radius="md">
            <Title order={5} mb="xs">{t('proactive.monthly.findings')}</Title>
            {a.findings.length === 0 ? <Text size="sm" c="dimmed">{t('proactive.monthly.noFindings')}</Text> : (
              <Stack gap={6} data-testid="ma-findings">
                {a.findings.map((f) => (
                  <Group key={f.id} justify="space-between" wrap="nowrap" data-testid="ma-finding">
                    <Group gap="xs" wrap="nowrap">
                      <Badge size="sm" color={f.kind === 'surge' ? 'orange' : 'red'} variant="light">{t(`proactive.monthly.finding.scope.${f.scope}`)}</Badge>
                      <Text size="sm">{findingText(f)}</Text>
                    </Group>
                    {canEscalate && <Button size="compact-xs" variant="light" className={classes.controls} onClick={() => setEscalating({ finding: f, reason: findingText(f) })} data-testid="ma-finding-escalate">{t('proactive.monthly.finding.escalate')}</Button>}
                  </Group>
                ))}
              </Stack>
            )}
          </Paper>
          {!empty && (
            <>
              <Paper withBorder p="md" radius="md"><Title order={5} mb="xs">{t('proactive.monthly.domains')}</Title><VolumeTable rows={a.domains} testId="ma-domains" /></Paper>
              <Paper withBorder p="md" radius="md"><Title order={5} mb="xs">{t('proactive.monthly.districts')}</Title><VolumeTable rows={a.districts} testId="ma-districts" /></Paper>
              <Paper withBorder p="md" radius="md" className={classes.keep}>
                <Title order={5} mb="xs">{t('proactive.monthly.topIssues')}</Title>
                <Table striped withTableBorder fz="sm" data-testid="ma-top-issues">
                  <Table.Thead><Table.Tr><Table.Th>{t('proactive.monthly.col.name')}</Table.Th><Table.Th>{t('proactive.monthly.col.domain')}</Table.Th><Table.Th ta="right">{t('proactive.monthly.col.count')}</Table.Th><Table.Th ta="right">{t('proactive.monthly.col.mom')}</Table.Th></Table.Tr></Table.Thead>
                  <Table.Tbody>{a.topIssues.map((i) => (
                    <Table.Tr key={i.categoryId}><Table.Td>{i.name}</Table.Td><Table.Td>{i.domain}</Table.Td><Table.Td ta="right">{i.count}</Table.Td><Table.Td ta="right"><Trend value={change(i.count, i.lastMonth)} /></Table.Td></Table.Tr>
                  ))}</Table.Tbody>
                </Table>
              </Paper>
            </>
          )}
          <Paper withBorder p="md" radius="md" className={classes.keep}>
            <Title order={5} mb="xs">{t('proactive.monthly.classCases')}</Title>
            {a.classCases.length === 0 ? <Text size="sm" c="dimmed">{t('proactive.monthly.noCases')}</Text> : (
              <Stack gap="xs" data-testid="ma-class-cases">
                {a.classCases.map((c) => (
                  <div key={c.caseId}>
                    <Group gap="xs"><Text size="sm" fw={600}>{c.caseTitle}</Text><Text size="xs" c="dimmed">{c.caseNumber} · {t('proactive.cases.members', { count: c.members })} · {t('proactive.cases.finished', { count: c.finished })}</Text></Group>
                    {c.counters.map((k) => (
                      <Group key={k.label} gap="xs" wrap="nowrap">
                        <Text size="xs" w={220}>{t('proactive.cases.counters.progress', { label: k.label, value: k.value.toLocaleString('en-US'), target: k.target.toLocaleString('en-US'), unit: k.unit ? ` ${k.unit}` : '' })}</Text>
                        <Progress value={Math.min(100, (k.value / k.target) * 100)} style={{ flex: 1 }} />
                      </Group>
                    ))}
                  </div>
                ))}
              </Stack>
            )}
          </Paper>
        </>
      )}
      <Modal opened={!!escalating} onClose={() => setEscalating(null)} title={t('proactive.monthly.finding.escalate')}>
        {escalating && (
          <Stack gap="sm">
            <Textarea label={t('proactive.monthly.finding.reason')} rows={2} value={escalating.reason} onChange={(e) => setEscalating({ ...escalating, reason: e.currentTarget.value })} />
            <Group justify="flex-end">
              <Button disabled={escalating.reason.trim().length < 2} data-testid="ma-escalate-confirm" onClick={() => {
                void api.request('analysis.escalateFinding', { month: a!.month, finding: { kind: escalating.finding.kind, scope: escalating.finding.scope, key: escalating.finding.key }, reason: escalating.reason, route: 'studio', urgency: 'normal' }).then((r) => {
                  if (r.ok) { setNotice(t('proactive.monthly.finding.done', { number: r.value.number })); setEscalating(null); } else setError(errorMessage(r.error));
                });
              }}>{t('proactive.monthly.finding.escalate')}</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

import { memo, useEffect, useState } from 'react';
import { BarChart, LineChart } from '@mantine/charts';
import { Group, Paper, SimpleGrid, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { WallboardCharts as ChartsData } from '../../../../shared/contract';
import { useApi } from '../../state/api';

/** Read again at most this often while seats and tickets change, and now and then without. */
const COALESCE_MS = 5_000;
const REFRESH_MS = 60_000;

/** Loads the charts and keeps them current on seat.changed / stats.changed (coalesced). */
export function useWallboardCharts(): ChartsData | null {
  const { api, connected } = useApi();
  const [data, setData] = useState<ChartsData | null>(null);
  useEffect(() => {
    if (!connected) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    // The same figures again (seats changed, no call or ticket did) keep the old object: the charts are not drawn again.
    let last = '';
    const load = () => void api.request('wallboard.charts', {}).then((r) => {
      if (!live || !r.ok) return;
      const json = JSON.stringify(r.value);
      if (json !== last) { last = json; setData(r.value); }
    });
    const soon = () => { if (!timer) timer = setTimeout(() => { timer = null; load(); }, COALESCE_MS); };
    load();
    const offs = [api.on('seat.changed', soon), api.on('stats.changed', soon)];
    const id = setInterval(load, REFRESH_MS);
    return () => { live = false; offs.forEach((o) => o()); clearInterval(id); if (timer) clearTimeout(timer); };
  }, [api, connected]);
  return data;
}

function ChartPanel({ title, hint, testId, height, large, children }: {
  /** Panel title. */
  title: string;
  /** What it is compared with. */
  hint: string;
  /** data-testid for tests. */
  testId: string;
  /** Chart height in px. */
  height: number;
  /** Wall mode: large type. @default false */
  large?: boolean;
  /** The chart. */
  children: React.ReactNode;
}) {
  return (
    <Paper withBorder p="md" radius="md" data-testid={testId} style={{ minWidth: 0 }} className={large ? 'wall-chart' : undefined}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Title order={large ? 2 : 5} fz={large ? 40 : undefined}>{title}</Title>
        <Text fz={large ? 24 : 'xs'} c="dimmed">{hint}</Text>
      </Group>
      <div style={{ height }}>{children}</div>
    </Paper>
  );
}

export type ChartName = 'calls' | 'categories' | 'serviceLevel';

/**
 * One of the three charts: calls per 15 minutes against the usual, tickets by category against the
 * usual, and today's service level through the day with its target.
 */
export const WallboardChart = memo(function WallboardChart({ data, chart, large = false, height = 220 }: {
  /** The charts' data (wallboard.charts). */
  data: ChartsData;
  /** Which chart. */
  chart: ChartName;
  /** Wall mode: large type. @default false */
  large?: boolean;
  /** Chart height in px. @default 220 */
  height?: number;
}) {
  const { t } = useTranslation();
  const fontSize = large ? 22 : 12;
  const axis = { tick: { fontSize } };
  const empty = <Text c="dimmed" ta="center" pt="xl" size={large ? 'xl' : 'sm'}>{t('wallboard.charts.empty')}</Text>;
  if (chart === 'calls') {
    return (
      <ChartPanel title={t('wallboard.charts.callsTitle')} hint={t('wallboard.charts.callsHint')} testId="chart-calls" height={height} large={large}>
        {data.quarters.length === 0 ? empty : (
          <LineChart h={height} data={data.quarters} dataKey="slot" withLegend legendProps={{ verticalAlign: 'top', wrapperStyle: { fontSize } }}
            xAxisProps={axis} yAxisProps={axis} curveType="monotone" withDots={false} strokeWidth={large ? 4 : 2} connectNulls={false}
            series={[{ name: 'today', label: t('wallboard.charts.today'), color: 'blue.6' }, { name: 'usual', label: t('wallboard.charts.usual'), color: 'gray.5', strokeDasharray: '6 4' }]} />
        )}
      </ChartPanel>
    );
  }
  if (chart === 'categories') {
    const rows = data.categories.map((c) => ({ ...c, label: c.kind === 'other' ? t('wallboard.charts.other') : c.kind === 'uncategorized' ? t('wallboard.charts.uncategorized') : c.name }));
    return (
      <ChartPanel title={t('wallboard.charts.categoriesTitle')} hint={t('wallboard.charts.categoriesHint')} testId="chart-categories" height={height} large={large}>
        {rows.length === 0 ? empty : (
          <BarChart h={height} data={rows} dataKey="label" orientation="vertical" withLegend legendProps={{ verticalAlign: 'top', wrapperStyle: { fontSize } }}
            xAxisProps={{ ...axis, allowDecimals: false }} yAxisProps={{ ...axis, width: large ? 180 : 84, interval: 0 }} barProps={{ radius: 2 }}
            series={[{ name: 'today', label: t('wallboard.charts.today'), color: 'blue.6' }, { name: 'usual', label: t('wallboard.charts.usual'), color: 'gray.4' }]} />
        )}
      </ChartPanel>
    );
  }
  const target = data.serviceLevelTargetPct;
  const points = data.quarters.filter((q) => q.today !== null);
  return (
    <ChartPanel title={t('wallboard.charts.serviceLevelTitle')} hint={t('wallboard.charts.serviceLevelHint', { n: data.serviceLevelSeconds })} testId="chart-service-level" height={height} large={large}>
      {points.every((q) => q.serviceLevel === null) ? empty : (
        <LineChart h={height} data={points} dataKey="slot" xAxisProps={axis} yAxisProps={{ ...axis, domain: [0, 100] }} unit="%" withDots={false} strokeWidth={large ? 4 : 2}
          connectNulls curveType="linear"
          referenceLines={target === null ? [] : [{ y: target, label: t('wallboard.charts.target', { pct: target }), color: 'red.6' }]}
          series={[{ name: 'serviceLevel', label: t('wallboard.charts.serviceLevel'), color: 'teal.6' }]} />
      )}
    </ChartPanel>
  );
});

/** The three charts side by side on the wallboard. */
export function WallboardCharts() {
  const data = useWallboardCharts();
  if (!data) return null;
  return (
    <SimpleGrid cols={{ base: 1, lg: 3 }} data-testid="wb-charts">
      <WallboardChart data={data} chart="calls" />
      <WallboardChart data={data} chart="categories" />
      <WallboardChart data={data} chart="serviceLevel" />
    </SimpleGrid>
  );
}

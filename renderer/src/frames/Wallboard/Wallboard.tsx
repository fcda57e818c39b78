import { useEffect, useState } from 'react';
import { Alert, Button, Group, Paper, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { KpiReport, OverviewStats } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { formatTime } from '../../format/time';
import { SeatsPanel } from './SeatsPanel';
import { CallsPanel } from './CallsPanel';
import { QueuesPanel } from './QueuesPanel';
import { WallboardCharts } from './WallboardCharts';
import { LeadAlertNotices } from './LeadAlerts';
import { WallMode, wallFromAddress } from './WallMode';
import { chinaDateKey } from '../../../../shared/domain/china-time';

/** The KPI period: the last 30 China days, today so far included (stats.kpis). */
const KPI_DAYS = 30;
/**
 * Figures are read again when main says they changed (stats.changed, about once a second at most
 * while tickets change) and after a reconnect; this slow poll only covers a missed event.
 */
const FALLBACK_REFRESH_MS = 5 * 60_000;

function Figure({ label, value, color, testId }: {
  /** What is counted. */
  label: string;
  /** The count. */
  value: number;
  /** Mantine colour of the number. */
  color?: string;
  /** data-testid for tests. */
  testId: string;
}) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="sm" c="dimmed">{label}</Text>
      <Text fz={36} fw={700} c={color} data-testid={testId}>{value.toLocaleString('zh-CN')}</Text>
    </Paper>
  );
}

function Bars({ title, rows }: {
  /** Panel title. */
  title: string;
  /** Label and count per bar, largest first. */
  rows: { label: string; count: number }[];
}) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={5} mb="sm">{title}</Title>
      <Stack gap={6}>
        {rows.map((r) => (
          <Group key={r.label} gap="sm" wrap="nowrap">
            <Text size="sm" w={84} style={{ flexShrink: 0 }}>{r.label}</Text>
            <Progress value={(r.count / max) * 100} style={{ flex: 1 }} size="lg" />
            <Text size="sm" w={56} ta="right" ff="monospace">{r.count}</Text>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

/**
 * The shift lead's wallboard: seats, calls, the queue figures (each opens its list, where the lead
 * acts: approvals, 督办, 改派), charts, today's volume and where tickets are, and the KPIs of the
 * last 30 days, read again whenever main says ticket figures changed. The lists live behind the
 * figures only, so the screen shows each thing once.
 */
export function Wallboard() {
  const { t } = useTranslation();
  const [stats, setStats] = useState<OverviewStats | null>(null);
  const [kpis, setKpis] = useState<KpiReport | null>(null);
  const [at, setAt] = useState<Date | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { api, connected } = useApi();
  // Wall mode: from the button, or opened by the address (`?wall`) on a wall TV's browser.
  const [wall, setWall] = useState(() => wallFromAddress(location.search));
  useEffect(() => {
    if (!connected) return;
    let live = true;
    // One read at a time: a change during a read is followed by one more read, not by a pile-up.
    let reading = false;
    let again = false;
    const load = async () => {
      if (reading) { again = true; return; }
      reading = true;
      try {
        do {
          again = false;
          const [r, k] = await Promise.all([api.request('stats.overview', {}), api.request('stats.kpis', { days: KPI_DAYS })]);
          if (!live) return;
          if (r.ok) { setStats(r.value); setAt(new Date()); setError(null); } else setError(errorMessage(r.error));
          if (k.ok) setKpis(k.value);
        } while (again && live);
      } finally {
        reading = false;
      }
    };
    void load();
    const off = api.on('stats.changed', () => void load());
    const id = setInterval(() => void load(), FALLBACK_REFRESH_MS);
    return () => { live = false; off(); clearInterval(id); };
  }, [api, connected]);

  return (
    <Stack p="md" gap="md" style={{ overflow: 'auto' }}>
      <Group justify="space-between">
        <Title order={3}>{t('wallboard.title')}</Title>
        <Group gap="sm">
          {at && <Text size="sm" c="dimmed">{t('wallboard.refreshed', { time: formatTime(at) })}</Text>}
          <Button size="xs" variant="light" title={t('wallboard.wall.openHint')} data-testid="wall-open"
            onClick={() => { void document.documentElement.requestFullscreen?.().catch(() => undefined); setWall((w) => ({ ...w, open: true })); }}>{t('wallboard.wall.open')}</Button>
        </Group>
      </Group>
      <LeadAlertNotices />
      {wall.open && <WallMode rotateSeconds={wall.rotateSeconds} onClose={() => setWall((w) => ({ ...w, open: false }))} />}
      {error && <Alert color="red">{error}</Alert>}
      <SeatsPanel />
      <CallsPanel />
      <QueuesPanel />
      <WallboardCharts />
      {stats && (
        <>
          <SimpleGrid cols={3}>
            <Figure label={t('wallboard.today')} value={stats.ticketsToday} testId="wb-today" />
            <Figure label={t('wallboard.open')} value={stats.openTickets} color="blue" testId="wb-open" />
            <Figure label={t('wallboard.overdue')} value={stats.overdueTickets} color={stats.overdueTickets > 0 ? 'red' : undefined} testId="wb-overdue" />
          </SimpleGrid>
          {kpis && (
            <Paper withBorder p="md" radius="md" data-testid="wb-kpis">
              <Group justify="space-between" mb="xs"><Title order={5}>{t('wallboard.kpiTitle', { days: KPI_DAYS })}</Title><Text size="xs" c="dimmed">{t('wallboard.kpiHint', { from: chinaDateKey(new Date(kpis.from)) })}</Text></Group>
              <SimpleGrid cols={7}>
                {(['response', 'resolution', 'satisfaction', 'onTimeClosure', 'directResolution', 'reopen', 'return'] as const).map((k) => (
                  <div key={k}>
                    <Text size="xs" c="dimmed">{t(`wallboard.kpi.${k}`)}</Text>
                    <Text fz={24} fw={700} data-testid={`kpi-${k}`}>{kpis.rates[k] === null ? '—' : `${(kpis.rates[k]! * 100).toFixed(1)}%`}</Text>
                  </div>
                ))}
              </SimpleGrid>
            </Paper>
          )}
          <SimpleGrid cols={3}>
            <Bars title={t('wallboard.byStatus')} rows={[...stats.byStatus].sort((a, b) => b.count - a.count).map((r) => ({ label: t(`statuses.${r.status}`, { defaultValue: r.status }), count: r.count }))} />
            <Bars title={t('wallboard.byAppealType')} rows={[...stats.byAppealType].sort((a, b) => b.count - a.count).map((r) => ({ label: t(`appealTypes.${r.appealType}`, { defaultValue: r.appealType }), count: r.count }))} />
            <Bars title={t('wallboard.byDistrict')} rows={stats.byDistrict.map((r) => ({ label: r.district, count: r.count }))} />
          </SimpleGrid>
        </>
      )}
    </Stack>
  );
}

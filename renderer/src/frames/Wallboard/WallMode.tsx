import { useEffect, useState } from 'react';
import { Box, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CallStatsView, OverviewStats } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { formatTime } from '../../format/time';
import { LeadAlertBand, useLeadAlerts } from './LeadAlerts';
import { useWallboardCharts, WallboardChart, type ChartName } from './WallboardCharts';

/** Seconds each panel stays on the wall unless the address says otherwise (`?wall&rotate=N`). */
export const DEFAULT_ROTATE_SECONDS = 15;
type Panel = 'figures' | ChartName;
const PANELS: readonly Panel[] = ['figures', 'calls', 'categories', 'serviceLevel'];

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
/** After a change, the wall's figures are read again once this long after (one read for a burst). */
const WALL_COALESCE_MS = 1000;

/** Today's figures in type readable across the room, read again on the events that change them. */
function Figures() {
  const { t } = useTranslation();
  const { api, connected } = useApi();
  const [calls, setCalls] = useState<CallStatsView | null>(null);
  const [overview, setOverview] = useState<OverviewStats | null>(null);
  useEffect(() => {
    if (!connected) return;
    let live = true;
    const read = () => {
      void api.request('wallboard.calls', {}).then((r) => { if (live && r.ok) setCalls(r.value); });
      void api.request('stats.overview', {}).then((r) => { if (live && r.ok) setOverview(r.value); });
    };
    // Seats change tens of times a second in a center: the figures are read again at most once per
    // WALL_COALESCE_MS after a change, not once per event (two reads per event swamped main and the wall).
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = () => { timer ??= setTimeout(() => { timer = null; read(); }, WALL_COALESCE_MS); };
    read();
    const offs = [api.on('stats.changed', load), api.on('seat.changed', load)];
    return () => { live = false; offs.forEach((o) => o()); if (timer) clearTimeout(timer); };
  }, [api, connected]);
  const cells: { label: string; value: string; color?: string }[] = [
    { label: t('wallboard.calls.offered'), value: String(calls?.offered ?? '—') },
    { label: t('wallboard.calls.answered'), value: String(calls?.answered ?? '—') },
    { label: t('wallboard.calls.abandoned'), value: String(calls?.abandoned ?? '—'), color: calls?.abandoned ? 'red.7' : undefined },
    { label: t('wallboard.calls.serviceLevel'), value: calls ? pct(calls.serviceLevel) : '—' },
    { label: t('wallboard.today'), value: String(overview?.ticketsToday ?? '—') },
    { label: t('wallboard.open'), value: String(overview?.openTickets ?? '—') },
    { label: t('wallboard.overdue'), value: String(overview?.overdueTickets ?? '—'), color: overview?.overdueTickets ? 'red.7' : undefined },
  ];
  return (
    <Stack gap="lg" data-testid="wall-figures">
      <Title order={1} fz={48}>{t('wallboard.wall.figures')}</Title>
      <SimpleGrid cols={4} spacing="xl">
        {cells.map((c) => (
          <Paper key={c.label} withBorder p="xl" radius="md">
            <Text fz={32} c="dimmed">{c.label}</Text>
            <Text fz={96} fw={800} lh={1.1} c={c.color}>{c.value}</Text>
          </Paper>
        ))}
      </SimpleGrid>
    </Stack>
  );
}

/**
 * The wall TV view: full screen, no controls, one panel at a time rotating every `rotateSeconds`,
 * and the alert band on top. Esc (leaving full screen) closes it.
 */
export function WallMode({ onClose, rotateSeconds = DEFAULT_ROTATE_SECONDS }: {
  /** Leaves wall mode. */
  onClose: () => void;
  /** Seconds per panel. @default 15 */
  rotateSeconds?: number;
}) {
  const { t } = useTranslation();
  const alerts = useLeadAlerts();
  const charts = useWallboardCharts();
  const [index, setIndex] = useState(0);
  const [clock, setClock] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setIndex((i) => (i + 1) % PANELS.length), rotateSeconds * 1000);
    const tick = setInterval(() => setClock(new Date()), 30_000);
    return () => { clearInterval(id); clearInterval(tick); };
  }, [rotateSeconds]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    const onFullscreen = () => { if (!document.fullscreenElement) onClose(); };
    window.addEventListener('keydown', onKey);
    document.addEventListener('fullscreenchange', onFullscreen);
    return () => { window.removeEventListener('keydown', onKey); document.removeEventListener('fullscreenchange', onFullscreen); };
  }, [onClose]);
  const panel = PANELS[index]!;
  return (
    <Box data-testid="wall-mode" data-panel={panel} pos="fixed" inset={0} bg="var(--mantine-color-body)" style={{ zIndex: 1000, display: 'flex', flexDirection: 'column', cursor: 'none' }}>
      <LeadAlertBand alerts={alerts} />
      <Group justify="space-between" px="xl" pt="md">
        <Text fz={32} fw={700}>{t('wallboard.wall.title')}</Text>
        <Text fz={32} c="dimmed" ff="monospace">{formatTime(clock)}</Text>
      </Group>
      <Box p="xl" style={{ flex: 1, minHeight: 0 }}>
        {panel === 'figures' ? <Figures /> : charts ? <WallboardChart data={charts} chart={panel} large height={Math.max(320, window.innerHeight - 330)} /> : null}
      </Box>
    </Box>
  );
}

/** Wall mode from the address: `?wall` (optionally `&rotate=N` seconds, 5–300). */
export function wallFromAddress(search: string): { open: boolean; rotateSeconds: number } {
  const q = new URLSearchParams(search);
  const n = Number(q.get('rotate'));
  return { open: q.has('wall'), rotateSeconds: Number.isInteger(n) && n >= 5 && n <= 300 ? n : DEFAULT_ROTATE_SECONDS };
}

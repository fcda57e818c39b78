import { useEffect, useRef, useState } from 'react';
import { Group, Paper, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CallStatsView } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { PoorAudioDrawer } from './PoorAudioDrawer';

/** A call changes a seat: the figures are read again at most this often while seats change. */
const COALESCE_MS = 2000;
/** And now and then without, for calls ended on seats whose changes were missed. */
const REFRESH_MS = 60_000;

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** Today's citizens' calls: offered, answered, abandoned, service level, ASA, AHT, ACW, per hour. */
export function CallsPanel() {
  const { t } = useTranslation();
  const { api, connected } = useApi();
  const [stats, setStats] = useState<CallStatsView | null>(null);
  const [poorOpen, setPoorOpen] = useState(false);
  const secs = (ms: number | null) => {
    if (ms === null) return '—';
    const total = Math.round(ms / 1000);
    return total < 60 ? t('wallboard.calls.seconds', { s: total }) : t('wallboard.calls.minutes', { m: Math.floor(total / 60), s: total % 60 });
  };
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    if (!connected) return;
    let live = true;
    // Unchanged figures (seats changed, no call ended) are not drawn again.
    let last = '';
    const load = () => void api.request('wallboard.calls', {}).then((r) => {
      if (!live || !r.ok) return;
      const json = JSON.stringify(r.value);
      if (json !== last) { last = json; setStats(r.value); }
    });
    load();
    const off = api.on('seat.changed', () => {
      if (timer.current) return;
      timer.current = setTimeout(() => { timer.current = null; load(); }, COALESCE_MS);
    });
    const id = setInterval(load, REFRESH_MS);
    return () => { live = false; off(); clearInterval(id); if (timer.current) clearTimeout(timer.current); timer.current = null; };
  }, [api, connected]);

  if (!stats) return null;
  const figures: { key: string; value: string; hint?: string; color?: string }[] = [
    { key: 'offered', value: String(stats.offered) },
    { key: 'answered', value: String(stats.answered) },
    { key: 'abandoned', value: String(stats.abandoned), color: stats.abandoned ? 'red' : undefined },
    { key: 'serviceLevel', value: pct(stats.serviceLevel), hint: t('wallboard.calls.serviceLevelHint', { n: stats.serviceLevelSeconds }) },
    { key: 'asa', value: secs(stats.asaMs) },
    { key: 'aht', value: secs(stats.ahtMs) },
    { key: 'acw', value: secs(stats.acwMs) },
    { key: 'poorAudio', value: String(stats.poorAudio), color: stats.poorAudio ? 'orange' : undefined },
  ];
  const max = Math.max(1, ...stats.byHour.map((h) => h.offered));
  return (
    <Paper withBorder p="md" radius="md" data-testid="wb-calls">
      <Group justify="space-between" mb="xs">
        <Title order={5}>{t('wallboard.calls.title')}</Title>
        <Text size="xs" c="dimmed">{t('wallboard.calls.hint')}</Text>
      </Group>
      <SimpleGrid cols={8}>
        {figures.map((f) => (
          <Tooltip key={f.key} label={f.hint ?? t(`wallboard.calls.hints.${f.key}`)} multiline w={260}>
            <div onClick={f.key === 'poorAudio' ? () => setPoorOpen(true) : undefined} style={f.key === 'poorAudio' ? { cursor: 'pointer' } : undefined} data-testid={f.key === 'poorAudio' ? 'calls-poorAudio-open' : undefined}>
              <Text size="xs" c="dimmed">{t(`wallboard.calls.${f.key}`)}</Text>
              <Text fz={24} fw={700} c={f.color} data-testid={`calls-${f.key}`}>{f.value}</Text>
            </div>
          </Tooltip>
        ))}
      </SimpleGrid>
      {stats.byHour.length > 0 && (
        <Group gap={4} mt="sm" align="flex-end" wrap="nowrap" data-testid="calls-by-hour">
          {stats.byHour.map((h) => (
            <Tooltip key={h.hour} label={t('wallboard.calls.hour', { hour: h.hour, offered: h.offered, answered: h.answered, abandoned: h.abandoned, level: pct(h.serviceLevel) })}>
              <Stack gap={2} align="center" style={{ flex: 1, maxWidth: 48 }}>
                <div style={{ width: '100%', height: 4 + (h.offered / max) * 40, background: 'var(--mantine-color-blue-5)', borderRadius: 2 }} />
                <Text size="xs" c="dimmed">{t('wallboard.calls.hourLabel', { hour: h.hour })}</Text>
              </Stack>
            </Tooltip>
          ))}
        </Group>
      )}
      <PoorAudioDrawer opened={poorOpen} onClose={() => setPoorOpen(false)} />
    </Paper>
  );
}

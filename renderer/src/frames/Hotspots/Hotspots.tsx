import { useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Box, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { HotspotList, HotspotTicketRef, HotspotView } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { formatDateTime } from '../../format/time';
import { VirtualList } from '../../components/VirtualList';
import { HotspotMap } from './HotspotMap';

/** Date and time in the console's style, or a dash. */
const shortTime = (iso: string | null) => (iso ? formatDateTime(iso) : '—');

function HotspotDetail({ h }: {
  /** The hotspot to show. */
  h: HotspotView;
}) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" radius="md" data-testid="hotspot-detail">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Title order={5} style={{ wordBreak: 'break-all' }}>{h.title}</Title>
          {h.alert && <Badge color="red">{t('hotspots.alert')}</Badge>}
        </Group>
        <Group gap="xs">
          <Badge variant="light">{t(`hotspots.kind.${h.kind}`)}</Badge>
          <Text size="sm">{t('hotspots.people', { count: h.people })}</Text>
          <Text size="sm">{t('hotspots.ticketCount', { count: h.ticketCount })}</Text>
          <Text size="sm" c="dimmed">{t('hotspots.score', { score: h.score.toFixed(1) })}</Text>
        </Group>
        <Text size="sm">{t('hotspots.where', { area: h.area || t('hotspots.none'), category: h.category || t('hotspots.none') })}</Text>
        <Text size="sm" c="dimmed">{t('hotspots.span', { first: shortTime(h.first), last: shortTime(h.last) })}</Text>
        <Group gap={4} data-testid="hotspot-terms">
          <Text size="sm">{t('hotspots.terms')}</Text>
          {h.terms.length ? h.terms.map((term) => <Badge key={term} variant="outline" color="gray" tt="none">{term}</Badge>) : <Text size="sm" c="dimmed">{t('hotspots.none')}</Text>}
        </Group>
        {h.timeline.length > 0 ? (
          <Box data-testid="hotspot-timeline">
            <Text size="sm" fw={500}>{t('hotspots.timeline')}</Text>
            <BarChart h={140} data={h.timeline.map((p) => ({ day: p.day.slice(5), [t('hotspots.perDay')]: p.count }))} dataKey="day"
              series={[{ name: t('hotspots.perDay'), color: 'red.6' }]} withLegend={false} tickLine="none" gridAxis="y" />
          </Box>
        ) : <Text size="sm" c="dimmed">{t('hotspots.noTimeline')}</Text>}
        <Text size="sm" fw={500}>{t('hotspots.tickets', { count: h.ticketCount })}</Text>
        <Box style={{ height: 200, display: 'flex' }}>
          <VirtualList<HotspotTicketRef> rows={h.tickets} rowKey={(r) => r.id} testId="hotspot-tickets" rowHeight={32}
            empty={<Text size="sm" c="dimmed">{t('hotspots.none')}</Text>}
            columns={[
              { key: 'number', title: t('hotspots.col.number'), width: '140px', render: (r) => <Text size="sm" ff="monospace">{r.number}</Text> },
              { key: 'title', title: t('hotspots.col.ticketTitle'), width: '1fr', render: (r) => <Text size="sm" truncate>{r.title}</Text> },
              { key: 'at', title: t('hotspots.col.at'), width: '110px', render: (r) => <Text size="sm">{shortTime(r.at)}</Text> },
            ]} />
        </Box>
      </Stack>
    </Paper>
  );
}

/**
 * Hotspots (未诉先办) for shift leads and admins: the ranked list beside an offline map, and the
 * selected hotspot's terms, timeline and tickets. Read on open, again on each `hotspot.alert`
 * (main announces a new or growing hotspot once per change), which also raises a notice.
 */
export function Hotspots() {
  const { t } = useTranslation();
  const { api, connected } = useApi();
  const [list, setList] = useState<HotspotList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  useEffect(() => {
    if (!connected) return;
    let live = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      clearTimeout(retry);
      const r = await api.request('hotspots.list', {});
      if (!live) return;
      if (r.ok) { setList(r.value); setError(null); } else setError(errorMessage(r.error));
      // Main computes the first list in its worker after start: ask again until it is there.
      if (r.ok && !r.value.computedAt) retry = setTimeout(() => void load(), 3000);
    };
    void load();
    const off = api.on('hotspot.alert', (a) => {
      notifications.show({ id: `hotspot-${a.hotspot.id}`, color: 'red', title: t(`hotspots.notice.${a.change}`),
        message: t('hotspots.notice.text', { title: a.hotspot.title, people: a.hotspot.people }), autoClose: 15_000 });
      void load();
    });
    return () => { live = false; off(); clearTimeout(retry); };
  }, [api, connected, t]);
  const hotspots = useMemo(() => list?.hotspots ?? [], [list]);
  const selected = hotspots.find((h) => h.id === selectedId) ?? hotspots[0] ?? null;
  const rank = useMemo(() => new Map(hotspots.map((h, i) => [h.id, i + 1])), [hotspots]);

  return (
    <Stack p="md" gap="md" style={{ overflow: 'auto', height: '100%' }}>
      <Group justify="space-between">
        <Title order={3}>{t('hotspots.title')}</Title>
        {list && <Text size="sm" c="dimmed" data-testid="hotspots-summary">{list.computedAt
          ? t('hotspots.summary', { time: shortTime(list.computedAt), tickets: list.ticketsConsidered, days: list.horizonDays, count: hotspots.length })
          : t('hotspots.computing')}</Text>}
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Paper withBorder radius="md" style={{ height: 560, display: 'flex', flexDirection: 'column' }}>
            <VirtualList<HotspotView> rows={hotspots} rowKey={(h) => h.id} testId="hotspot-list" rowHeight={40} openOnClick onOpen={(h) => setSelectedId(h.id)}
              empty={<Text size="sm" c="dimmed">{list?.computedAt ? t('hotspots.empty') : t('hotspots.computing')}</Text>}
              columns={[
                { key: 'rank', title: '#', width: '28px', render: (h) => <Text size="sm" fw={h.id === selected?.id ? 700 : 400}>{rank.get(h.id)}</Text> },
                { key: 'title', title: t('hotspots.col.title'), width: '1fr', render: (h) => (
                  <Group gap={4} wrap="nowrap">
                    {h.alert && <Badge size="xs" color="red">{t('hotspots.alert')}</Badge>}
                    <Text size="sm" truncate fw={h.id === selected?.id ? 700 : 400}>{h.title}</Text>
                  </Group>
                ) },
                { key: 'people', title: t('hotspots.col.people'), width: '44px', render: (h) => <Text size="sm">{h.people}</Text> },
                { key: 'area', title: t('hotspots.col.area'), width: '72px', render: (h) => <Text size="sm" truncate>{h.area || '—'}</Text> },
              ]} />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Paper withBorder p="sm" radius="md">
              <HotspotMap hotspots={hotspots} selectedId={selected?.id ?? null} onSelect={setSelectedId} />
            </Paper>
            {selected && <HotspotDetail h={selected} />}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

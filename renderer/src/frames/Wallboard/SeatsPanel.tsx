import { memo, useEffect, useMemo, useState } from 'react';
import { flushSync } from 'react-dom';
import { Badge, Button, Group, Paper, Text, Title, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { SeatView } from '../../../../shared/contract';
import { compareSeats, countSeats, SEAT_ACTIVITY_ORDER, type SeatActivity } from '../../../../shared/domain/seats';
import { useApi } from '../../state/api';
import { formatElapsed, formatTime } from '../../format/time';
import { VirtualList, type VirtualColumn } from '../../components/VirtualList';
import { useSession } from '../../state/session';
import { useSecondClock } from '../../hooks/useSecondClock';
import { SeatActionModal } from './SeatActionModal';

/**
 * Changes are drawn at most this often (and on the next frame after a quiet spell): a center sends
 * tens a second, and a draw (the 300 seats sorted and counted, the changed rows) takes a few ms, so
 * one every 50 ms (every third frame) keeps the lead's event-to-screen p99 well under 250 ms even on a
 * loaded machine while most frames stay free (npm run bench, BENCH_ONLY=wallboard-live).
 */
export const SEAT_DRAW_INTERVAL_MS = 50;

export const activityColor: Record<SeatActivity, string> = {
  ringing: 'orange', talking: 'blue', held: 'grape', after_call_work: 'yellow', ready: 'teal', not_ready: 'gray', offline: 'dark',
};

/**
 * Live seats for the shift lead: every phone user's activity and how long it has lasted, the
 * caller on the line (masked) and the ticket taken for them. Loaded once, then kept by
 * `seat.changed` events; loaded again after a reconnect, when events may have been missed.
 */
export function SeatsPanel() {
  const { t } = useTranslation();
  const { api, connected } = useApi();
  const [seats, setSeats] = useState<Map<string, SeatView> | null>(null);
  const [acting, setActing] = useState<SeatView | null>(null);
  const { session } = useSession();
  const mayAct = session?.user.roles.includes('shift_lead') ?? false;

  useEffect(() => {
    if (!connected) return;
    let live = true;
    // Events that arrive before the list answers are kept: they are newer than the list.
    const early = new Map<string, SeatView>();
    let loaded = false;
    // A center sends tens of changes a second: they are gathered and drawn together, on the next
    // frame but no sooner than SEAT_DRAW_INTERVAL_MS after the last drawing, so the board does one
    // render for a burst instead of falling behind one render per event. Unchanged seats keep their
    // objects, so only the changed rows are drawn again (VirtualList rows are memoised).
    const batch = new Map<string, SeatView>();
    let frame: number | null = null;
    let wait: ReturnType<typeof setTimeout> | null = null;
    let lastDrawn = -Infinity;
    const flush = () => {
      frame = null;
      if (!live || batch.size === 0) return;
      lastDrawn = performance.now();
      const changed = [...batch.values()];
      batch.clear();
      // Drawn now, inside this frame's callbacks, so that this frame paints it: a plain update is
      // rendered by React in a task after the frame, and waits for the next one (about 16 ms more).
      flushSync(() => setSeats((m) => { const next = new Map(m ?? []); for (const s of changed) next.set(s.userId, s); return next; }));
    };
    const schedule = () => {
      if (frame !== null || wait !== null) return;
      const due = lastDrawn + SEAT_DRAW_INTERVAL_MS - performance.now();
      if (due <= 0) frame = requestAnimationFrame(flush);
      else wait = setTimeout(() => { wait = null; frame = requestAnimationFrame(flush); }, due);
    };
    const off = api.on('seat.changed', (s) => {
      if (!loaded) { early.set(s.userId, s); return; }
      batch.set(s.userId, s);
      schedule();
    });
    void api.request('wallboard.seats', {}).then((r) => {
      if (!live || !r.ok) return;
      loaded = true;
      const m = new Map(r.value.map((s) => [s.userId, s]));
      for (const [id, s] of early) m.set(id, s);
      setSeats(m);
    });
    return () => { live = false; off(); if (frame !== null) cancelAnimationFrame(frame); if (wait !== null) clearTimeout(wait); };
  }, [api, connected]);

  const rows = useMemo(() => [...(seats?.values() ?? [])].sort(compareSeats), [seats]);
  const counts = useMemo(() => countSeats(rows), [rows]);

  // Stable while the language and the lead's rights stay: rows whose seat did not change are not drawn again.
  const columns = useMemo(() => seatColumns(t, mayAct, setActing), [t, mayAct]);

  return (
    <>
    {/* As tall as its seats up to a limit, then the list scrolls (virtualized for a center's hundreds of seats). */}
    <Paper withBorder radius="md" style={{ display: 'flex', flexDirection: 'column', flexShrink: 0, height: Math.min(420, 96 + Math.max(rows.length, 2) * 36) }} data-testid="wb-seats">
      <Group justify="space-between" p="sm" wrap="nowrap">
        <Title order={5}>{t('wallboard.seats.title')}</Title>
        <Group gap={6} data-testid="wb-seat-counts">
          {SEAT_ACTIVITY_ORDER.map((a) => (
            <Badge key={a} color={activityColor[a]} variant={counts[a] ? 'filled' : 'outline'} data-testid={`seat-count-${a}`}>
              {t(`wallboard.seats.activity.${a}`)} {counts[a]}
            </Badge>
          ))}
        </Group>
      </Group>
      <VirtualList rows={rows} columns={columns} rowKey={(s) => s.userId} testId="wb-seat-list"
        empty={<Text c="dimmed" size="sm" p="md">{seats ? t('wallboard.seats.empty') : t('wallboard.seats.loading')}</Text>} />
    </Paper>
    <SeatActionModal seat={acting} onClose={() => setActing(null)} />
    </>
  );
}

/** How long a seat has been in its state, counting up each second on the shared clock. */
const Elapsed = memo(function Elapsed({ since, testId }: { since: string; testId: string }) {
  const now = useSecondClock();
  return <Text size="sm" ff="monospace" data-testid={testId}>{formatElapsed(since, new Date(now))}</Text>;
});

function seatColumns(t: TFunction, mayAct: boolean, act: (s: SeatView) => void): VirtualColumn<SeatView>[] {
  const columns: VirtualColumn<SeatView>[] = [
    { key: 'seat', title: t('wallboard.seats.seat'), width: 'minmax(140px, 1.4fr)', render: (s) => (
      <Text size="sm" truncate="end"><Text span fw={600}>{s.name}</Text> <Text span c="dimmed" ff="monospace">{s.extension}</Text></Text>
    ) },
    { key: 'activity', title: t('wallboard.seats.state'), width: 'minmax(150px, 1.3fr)', render: (s) => (
      <Group gap={6} wrap="nowrap">
        <Badge color={activityColor[s.activity]} variant={s.activity === 'offline' ? 'outline' : 'light'} data-testid={`seat-activity-${s.extension}`}>
          {t(`wallboard.seats.activity.${s.activity}`)}
        </Badge>
        {s.reason && <Text size="sm" truncate="end">{s.reason}</Text>}
        {s.activity !== 'offline' && !s.registered && <Tooltip label={t('wallboard.seats.unregisteredHint')}><Badge color="red" variant="outline">{t('wallboard.seats.unregistered')}</Badge></Tooltip>}
      </Group>
    ) },
    { key: 'since', title: t('wallboard.seats.time'), width: '90px', render: (s) => (
      s.since && s.activity !== 'offline'
        ? <Elapsed since={s.since} testId={`seat-time-${s.extension}`} />
        : <Text size="sm" c="dimmed">{s.since ? t('wallboard.seats.offlineSince', { time: formatTime(s.since) }) : '—'}</Text>
    ) },
    { key: 'call', title: t('wallboard.seats.call'), width: 'minmax(130px, 1fr)', render: (s) => (
      s.call ? <Text size="sm" ff="monospace">{s.call.direction === 'inbound' ? '↙ ' : '↗ '}{s.call.remote}</Text> : <Text size="sm" c="dimmed">—</Text>
    ) },
    { key: 'ticket', title: t('wallboard.seats.ticket'), width: 'minmax(130px, 1fr)', render: (s) => (
      <Text size="sm" ff="monospace" c={s.call?.ticketNumber ? undefined : 'dimmed'}>{s.call?.ticketNumber ?? '—'}</Text>
    ) },
  ];
  if (mayAct) columns.push({ key: 'act', title: '', width: '72px', render: (s) => (
    s.activity === 'offline' ? null
      : <Button size="compact-xs" variant="light" color="orange" onClick={(e) => { e.stopPropagation(); act(s); }} data-testid={`seat-act-${s.extension}`}>{t('wallboard.seats.act')}</Button>
  ) });

  return columns;
}

import { useState } from 'react';
import { Badge, Drawer, Group, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CLOCK_SKEW_WARN_MS } from '../../../../shared/contract';
import { formatClock } from '../../format/time';
import { OutboxList } from './OutboxList';
import { hideDeskNotices } from './notices';
import { useDeskSync } from './useDeskSync';

/**
 * The header's line about the desk's link to its center: online or not, how many writes wait to
 * be sent and how many the center refused; a click lists them. Nothing on a standalone console.
 */
export function DeskSyncIndicator({ onTakeBack }: {
  /** Shows the intake form after a write was taken back into it; omitted for users without the agent desk (no 重新编辑). */
  onTakeBack?(): void;
}) {
  const { t } = useTranslation();
  const sync = useDeskSync();
  const [open, setOpen] = useState(false);
  if (!sync || sync.mode !== 'center') return null;

  const skew = sync.clockSkewMs;
  const clockWrong = skew !== null && Math.abs(skew) >= CLOCK_SKEW_WARN_MS;
  // Whole minutes below two hours, whole hours above: how far off, not a stopwatch.
  const amount = skew === null ? '' : Math.abs(skew) < 2 * 3_600_000
    ? t('deskSync.minutes', { count: Math.round(Math.abs(skew) / 60_000) })
    : t('deskSync.hours', { count: Math.round(Math.abs(skew) / 3_600_000) });
  const last = sync.lastSyncAt ? t('deskSync.lastSync', { time: formatClock(sync.lastSyncAt) }) : t('deskSync.neverSynced');
  const tip = (
    <Stack gap={2}>
      <Text size="xs">{sync.online ? t('deskSync.onlineHint') : t('deskSync.offlineHint')}</Text>
      {sync.center && <Text size="xs">{t('deskSync.center', { center: sync.center })}</Text>}
      <Text size="xs">{last}</Text>
    </Stack>
  );
  return (
    <>
      {/* Signed in by the desk alone while the center was out of reach: until the center confirms it, say so. */}
      {sync.offlineSignIn && (
        <Tooltip label={t('deskSync.offlineSignInHint')} multiline w={260} withArrow>
          <Badge color="orange" variant="outline" data-testid="desk-offline-signin">{t('deskSync.offlineSignIn')}</Badge>
        </Tooltip>
      )}
      {/* The desk stamps what it saves offline, its calls and its recordings with its own clock: a wrong one is worth a warning. */}
      {clockWrong && (
        <Tooltip label={t('deskSync.clockHint', { amount })} multiline w={300} withArrow>
          <Badge color="red" variant="light" data-testid="desk-clock-skew" data-skew-ms={String(skew)}>
            {t(skew! > 0 ? 'deskSync.clockFast' : 'deskSync.clockSlow', { amount })}
          </Badge>
        </Tooltip>
      )}
      <Tooltip label={tip} multiline w={260} withArrow>
        <UnstyledButton onClick={() => { hideDeskNotices(); setOpen(true); }} aria-label={t('deskSync.open')} data-testid="desk-sync-open">
          <Group gap={4} wrap="nowrap">
            <Badge data-testid="desk-sync" data-online={String(sync.online)} data-waiting={String(sync.waiting)}
              color={sync.online ? 'green' : 'orange'} variant={sync.online ? 'light' : 'filled'}>
              {sync.online ? t('deskSync.online') : t('deskSync.offline')}
            </Badge>
            {sync.waiting > 0 && <Badge color="gray" variant="outline" data-testid="desk-sync-waiting">{t('deskSync.waiting', { count: sync.waiting })}</Badge>}
            {sync.failed > 0 && <Badge color="red" variant="filled" data-testid="desk-sync-failed">{t('deskSync.failed', { count: sync.failed })}</Badge>}
            {/* Offline, when the last sync was is what the agent wants to know without hovering. */}
            {!sync.online && <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>{last}</Text>}
          </Group>
        </UnstyledButton>
      </Tooltip>
      <Drawer opened={open} onClose={() => setOpen(false)} position="right" size={480} title={t('deskSync.outbox.title')}
        styles={{ body: { height: 'calc(100% - 60px)', display: 'flex', flexDirection: 'column' } }}>
        <OutboxList onTakeBack={onTakeBack && (() => { setOpen(false); onTakeBack(); })} />
      </Drawer>
    </>
  );
}

import { useEffect, useState } from 'react';
import { Drawer, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { PoorAudioCallRow } from '../../../../shared/contract';
import { poorAudioReasons } from '../../../../shared/domain/audio-health';
import { useApi } from '../../state/api';
import { VirtualList, type VirtualColumn } from '../../components/VirtualList';
import { formatDateTime } from '../../format/time';

const ms = (x: number | null) => (x === null ? '—' : `${x} ms`);

/** Today's calls with poor audio (the 音质差 figure's list): who, when, and the call's jitter, loss and round trip. */
export function PoorAudioDrawer({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [rows, setRows] = useState<PoorAudioCallRow[] | null>(null);
  useEffect(() => {
    if (!opened) return undefined;
    let live = true;
    setRows(null);
    void api.request('wallboard.poorAudioCalls', {}).then((r) => { if (live && r.ok) setRows(r.value); });
    return () => { live = false; };
  }, [api, opened]);
  const columns: VirtualColumn<PoorAudioCallRow>[] = [
    { key: 'at', title: t('wallboard.calls.poor.at'), width: '140px', render: (r) => formatDateTime(r.invitedAt) },
    { key: 'agent', title: t('wallboard.calls.poor.agent'), width: 'minmax(80px, 1fr)', render: (r) => r.agentName },
    { key: 'remote', title: t('wallboard.calls.poor.remote'), width: '110px', render: (r) => r.remote },
    // Why the call is on the list: the figures alone may all look fine when a warning was shown.
    { key: 'reason', title: t('wallboard.calls.poor.reason'), width: 'minmax(110px, 1.2fr)', render: (r) => (
      <Text size="sm" c="orange.8" span>{poorAudioReasons(r).map((x) => t(`wallboard.calls.poor.reasons.${x}`, { n: r.warnings })).join('、')}</Text>
    ) },
    { key: 'jitter', title: t('wallboard.calls.poor.jitter'), width: '110px', render: (r) => `${ms(r.jitterMs)} / ${ms(r.jitterP95Ms)}` },
    { key: 'loss', title: t('wallboard.calls.poor.loss'), width: '64px', render: (r) => (r.lossPermille === null ? '—' : `${(r.lossPermille / 10).toFixed(1)}%`) },
    { key: 'rtt', title: t('wallboard.calls.poor.rtt'), width: '76px', render: (r) => ms(r.rttMs) },
  ];
  // The list scrolls inside the drawer's height, so only the rows in view are drawn.
  return (
    <Drawer opened={opened} onClose={onClose} position="right" size="min(960px, 90vw)" title={t('wallboard.calls.poorAudio')} data-testid="poor-audio-drawer"
      styles={{ body: { display: 'flex', flexDirection: 'column', height: 'calc(100% - 60px)' } }}>
      <Stack gap="xs" style={{ flex: 1, minHeight: 0 }}>
        <Text size="xs" c="dimmed">{t('wallboard.calls.poor.hint')}</Text>
        <VirtualList rows={rows ?? []} columns={columns} rowKey={(r) => r.callId} testId="poor-audio-list"
          empty={<Text c="dimmed">{rows ? t('wallboard.calls.poor.empty') : ''}</Text>} />
      </Stack>
    </Drawer>
  );
}

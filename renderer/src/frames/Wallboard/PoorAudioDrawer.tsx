import { useEffect, useState } from 'react';
import { Drawer, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { PoorAudioCallRow } from '../../../../shared/contract';
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
    { key: 'at', title: t('wallboard.calls.poor.at'), width: '150px', render: (r) => formatDateTime(r.invitedAt) },
    { key: 'agent', title: t('wallboard.calls.poor.agent'), width: '1fr', render: (r) => r.agentName },
    { key: 'remote', title: t('wallboard.calls.poor.remote'), width: '130px', render: (r) => r.remote },
    { key: 'jitter', title: t('wallboard.calls.poor.jitter'), width: '120px', render: (r) => `${ms(r.jitterMs)} / ${ms(r.jitterP95Ms)}` },
    { key: 'loss', title: t('wallboard.calls.poor.loss'), width: '80px', render: (r) => (r.lossPermille === null ? '—' : `${(r.lossPermille / 10).toFixed(1)}%`) },
    { key: 'rtt', title: t('wallboard.calls.poor.rtt'), width: '90px', render: (r) => ms(r.rttMs) },
    { key: 'warnings', title: t('wallboard.calls.poor.warnings'), width: '70px', render: (r) => String(r.warnings) },
  ];
  return (
    <Drawer opened={opened} onClose={onClose} position="right" size="xl" title={t('wallboard.calls.poorAudio')}>
      <Stack>
        <Text size="xs" c="dimmed">{t('wallboard.calls.hints.poorAudio')}</Text>
        <VirtualList rows={rows ?? []} columns={columns} rowKey={(r) => r.callId} testId="poor-audio-list"
          empty={<Text c="dimmed">{rows ? t('wallboard.calls.poor.empty') : ''}</Text>} />
      </Stack>
    </Drawer>
  );
}

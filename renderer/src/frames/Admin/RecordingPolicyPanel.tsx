import { useEffect, useState } from 'react';
import { Alert, Button, Group, NumberInput, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { JobProgress, useJob } from '../../components/JobProgress';

/** The recording policy (retention days, the notice to callers) and the retention job run on demand. */
export function RecordingPolicyPanel() {
  const { t } = useTranslation();
  const { api } = useApi();
  const job = useJob<'recordings.purge'>();
  const [days, setDays] = useState<number | string>(180);
  const [notice, setNotice] = useState(false);
  const [message, setMessage] = useState<{ color: string; text: string } | null>(null);
  useEffect(() => {
    void api.request('recording.policy', {}).then((r) => {
      if (!r.ok) return;
      setDays(r.value.retentionDays);
      setNotice(r.value.noticeEnabled);
    });
  }, [api]);

  const save = async () => {
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 3650) { setMessage({ color: 'red', text: t('recordings.settings.badDays') }); return; }
    const r = await api.request('recording.setPolicy', { retentionDays: n, noticeEnabled: notice });
    if (!r.ok) { setMessage({ color: 'red', text: errorMessage(r.error) }); return; }
    setMessage(null);
    notifications.show({ color: 'teal', message: t('recordings.settings.saved') });
  };

  const purge = async () => {
    setMessage(null);
    const r = await job.run(() => api.request('recording.purgeExpired', {}));
    if (!r.ok) { setMessage({ color: 'red', text: errorMessage(r.error) }); return; }
    if (r.view.state === 'done' && r.view.result) {
      setMessage({ color: 'teal', text: t('recordings.settings.purged', { deleted: r.view.result.deleted, kb: Math.round(r.view.result.bytes / 1024) }) });
    } else if (r.view.state === 'failed') setMessage({ color: 'red', text: errorMessage(r.view.error ?? { code: 'internal' }) });
  };

  return (
    <Paper withBorder p="md" maw={900} data-testid="recording-policy">
      <Stack gap="sm">
        <Title order={5}>{t('recordings.settings.title')}</Title>
        <Group align="flex-end">
          <NumberInput label={t('recordings.settings.retentionDays')} w={200} min={1} max={3650} value={days} onChange={setDays} />
          <Switch label={t('recordings.settings.notice')} checked={notice} onChange={(e) => setNotice(e.currentTarget.checked)} mb={8} />
        </Group>
        <Text size="xs" c="dimmed">{t('recordings.settings.retentionHint')}</Text>
        <Group>
          <Button onClick={() => void save()}>{t('recordings.settings.save')}</Button>
          <Button variant="light" color="orange" loading={job.running} onClick={() => void purge()} data-testid="recording-purge">{t('recordings.settings.purge')}</Button>
        </Group>
        {job.view && job.view.state === 'running' && <JobProgress view={job.view} onCancel={() => void job.cancel()} />}
        {message && <Alert color={message.color}>{message.text}</Alert>}
      </Stack>
    </Paper>
  );
}

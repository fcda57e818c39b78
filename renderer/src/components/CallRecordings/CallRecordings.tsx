import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { RECORDING_READ_MAX_BYTES, type RecordingView } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { formatDateTime } from '../../format/time';

export interface CallRecordingsProps {
  /** The ticket whose calls' recordings are listed (only those the reader may listen to). */
  ticketId: string;
}

const clock = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * A seekable player for one recording. MediaRecorder's WebM carries no duration, so the element
 * first reports Infinity; seeking far past the end makes Chromium find the real length, after
 * which the bar seeks like any file.
 */
function RecordingPlayer({ url, durationMs }: { url: string; durationMs: number }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onMeta = () => {
      if (el.duration !== Infinity) return;
      const back = () => { el.removeEventListener('durationchange', back); el.currentTime = 0; };
      el.addEventListener('durationchange', back);
      el.currentTime = Math.max(1e6, durationMs);
    };
    el.addEventListener('loadedmetadata', onMeta);
    return () => el.removeEventListener('loadedmetadata', onMeta);
  }, [url, durationMs]);
  return <audio ref={ref} src={url} controls preload="metadata" style={{ width: '100%' }} data-testid="recording-audio" />;
}

function RecordingRow({ rec }: { rec: RecordingView }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [url, setUrl] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);

  const listen = async () => {
    setLoading(true);
    setError(null);
    try {
      // Opening checks this reader against this record and leaves the audit line; reads follow.
      const opened = await api.request('recording.open', { recordingId: rec.id });
      if (!opened.ok) { setError(errorMessage(opened.error)); return; }
      const parts: Uint8Array<ArrayBuffer>[] = [];
      for (let offset = 0; ;) {
        const r = await api.request('recording.read', { recordingId: rec.id, offset, length: RECORDING_READ_MAX_BYTES });
        if (!r.ok) { setError(errorMessage(r.error)); return; }
        const bytes = fromBase64(r.value.data);
        parts.push(bytes);
        offset += bytes.length;
        if (r.value.eof || bytes.length === 0) break;
      }
      setUrl(URL.createObjectURL(new Blob(parts, { type: opened.value.mime.split(';')[0] })));
    } finally {
      setLoading(false);
    }
  };

  return (
    <Paper withBorder p="xs" data-testid="recording">
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={0}>
          <Text size="sm">{formatDateTime(rec.startedAt)} · {t('recordings.agent', { name: rec.agentName })}{rec.part > 0 ? ` · ${t('recordings.part', { n: rec.part + 1 })}` : ''}</Text>
          <Text size="xs" c="dimmed">{t('recordings.duration', { time: clock(rec.durationMs) })} · {t('recordings.size', { kb: Math.round(rec.bytes / 1024) })}</Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <Badge color={rec.state === 'complete' ? 'teal' : rec.state === 'interrupted' ? 'orange' : 'blue'} variant="light">{t(`recordings.states.${rec.state}`)}</Badge>
          {!url && <Button size="compact-sm" variant="light" loading={loading} onClick={() => void listen()} data-testid="recording-play">{t('recordings.play')}</Button>}
        </Group>
      </Group>
      {url && <RecordingPlayer url={url} durationMs={rec.durationMs} />}
      {error && <Alert color="red" mt="xs">{error}</Alert>}
    </Paper>
  );
}

/** The recordings of a ticket's calls, each played on demand (listening is audited in main). */
export function CallRecordings({ ticketId }: CallRecordingsProps) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [list, setList] = useState<RecordingView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setList(null);
    void api.request('recording.ofTicket', { ticketId }).then((r) => (r.ok ? setList(r.value) : setError(errorMessage(r.error))));
  }, [api, ticketId]);
  if (error) return null;
  if (!list) return <Loader size="xs" />;
  // Readers who may not listen (department users) see no section at all.
  if (list.length === 0) return null;
  return (
    <Stack gap="xs" data-testid="call-recordings">
      <Group gap="xs" align="baseline">
        <Title order={5}>{t('recordings.title')}</Title>
        <Text size="xs" c="dimmed">{t('recordings.listenAudited')}</Text>
      </Group>
      {list.map((rec) => <RecordingRow key={rec.id} rec={rec} />)}
    </Stack>
  );
}

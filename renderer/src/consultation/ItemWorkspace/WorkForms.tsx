import { useState } from 'react';
import { Anchor, Badge, Button, Card, FileInput, Group, MultiSelect, Select, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { DateField } from '../../components/DateFields';
import { useTranslation } from 'react-i18next';
import type { ConsultationDetail } from '../../../../shared/contract';
import { useDraft } from '../../hooks/useDraft';
import { useApi } from '../../state/api';
import { useReference } from '../../intake/reference';
import { formatDateTime } from '../../format/time';
import { downloadBase64, readBase64, todayBeijing } from '../format';
import { useItemAction } from '../useItemAction';

const hasText = (s: string) => /[\p{L}\p{N}]/u.test(s);

interface WorkProps {
  /** The item worked on. */
  item: ConsultationDetail;
  /** Called with the item after a change. */
  onChange(next: ConsultationDetail): void;
}

/** Research notes (调研): site visits, interviews, with attachments. */
export function ResearchPanel({ item, onChange }: WorkProps) {
  const { t } = useTranslation();
  const { api } = useApi();
  const { run, busy } = useItemAction(onChange);
  const [draft, setDraft, ctl] = useDraft(`consultation.research.${item.id}`, { method: 'site_visit', date: todayBeijing(), place: '', people: '', summary: '' });
  const [files, setFiles] = useState<File[]>([]);
  const submit = async () => {
    const attachments = await Promise.all(files.map(async (f) => ({ name: f.name, mime: f.type || 'application/octet-stream', base64: await readBase64(f) })));
    const ok = await run('consultation.addResearch', { itemId: item.id, ...draft, method: draft.method as 'site_visit', attachments }, t('consultation.saved'));
    if (ok) { ctl.clear(); setDraft({ ...draft, place: '', people: '', summary: '' }); setFiles([]); }
  };
  const download = async (attachmentId: string) => {
    const r = await api.request('consultation.attachment', { itemId: item.id, attachmentId });
    if (r.ok) downloadBase64(r.value.name, r.value.mime, r.value.base64);
  };
  return (
    <Stack gap="sm">
      {item.research.length === 0 && <Text c="dimmed" size="sm">{t('consultation.research.empty')}</Text>}
      {item.research.map((n) => (
        <Card key={n.id} withBorder padding="sm">
          <Group gap="xs"><Badge variant="light">{t(`consultation.research.methods.${n.method}`)}</Badge><Text size="sm" fw={500}>{n.date} {n.place}</Text>
            <Text size="xs" c="dimmed">{n.authorName} · {formatDateTime(n.at)}</Text></Group>
          {n.people && <Text size="xs" c="dimmed">{t('consultation.research.people')}：{n.people}</Text>}
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{n.summary}</Text>
          {n.attachments.map((a) => <Anchor key={a.id} size="xs" component="button" onClick={() => void download(a.id)}>📎 {a.name}（{Math.ceil(a.size / 1024)} KB）</Anchor>)}
        </Card>
      ))}
      {item.allowed.work && (
        <Card withBorder padding="sm" bg="var(--mantine-color-default-hover)">
          <Stack gap="xs">
            <Group grow>
              <Select label={t('consultation.research.method')} value={draft.method} allowDeselect={false} onChange={(v) => setDraft({ ...draft, method: v ?? 'site_visit' })}
                data={(['site_visit', 'interview', 'desk', 'other'] as const).map((m) => ({ value: m, label: t(`consultation.research.methods.${m}`) }))} />
              <DateField label={t('consultation.workspace.date')} value={draft.date} onChange={(v) => setDraft({ ...draft, date: v })} />
              <TextInput label={t('consultation.research.place')} value={draft.place} onChange={(e) => setDraft({ ...draft, place: e.currentTarget.value })} />
            </Group>
            <TextInput label={t('consultation.research.people')} value={draft.people} onChange={(e) => setDraft({ ...draft, people: e.currentTarget.value })} />
            <Textarea label={t('consultation.research.summary')} autosize minRows={3} value={draft.summary} onChange={(e) => setDraft({ ...draft, summary: e.currentTarget.value })} data-testid="research-summary" />
            <FileInput multiple clearable label={t('consultation.research.attachments')} value={files} onChange={setFiles} />
            <Group justify="flex-end"><Button size="xs" loading={busy !== null} disabled={!hasText(draft.summary) || !draft.date} onClick={() => void submit()} data-testid="research-submit">{t('consultation.research.add')}</Button></Group>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}

/** Consultation meetings (会商): departments, participants, minutes, decisions. */
export function MeetingsPanel({ item, onChange }: WorkProps) {
  const { t } = useTranslation();
  const ref = useReference();
  const { run, busy } = useItemAction(onChange);
  const [draft, setDraft, ctl] = useDraft(`consultation.meeting.${item.id}`, { date: todayBeijing(), departmentIds: [] as string[], participants: '', minutes: '', decisions: '' });
  const departments = (ref?.departments ?? []).map((d) => ({ value: d.id, label: d.name }));
  const submit = async () => {
    const decisions = draft.decisions.split('\n').map((s) => s.trim()).filter(hasText);
    const ok = await run('consultation.addMeeting', { itemId: item.id, date: draft.date, departmentIds: draft.departmentIds, participants: draft.participants, minutes: draft.minutes, decisions }, t('consultation.saved'));
    if (ok) { ctl.clear(); setDraft({ date: todayBeijing(), departmentIds: [], participants: '', minutes: '', decisions: '' }); }
  };
  return (
    <Stack gap="sm">
      {item.meetings.length === 0 && <Text c="dimmed" size="sm">{t('consultation.meeting.empty')}</Text>}
      {item.meetings.map((m) => (
        <Card key={m.id} withBorder padding="sm">
          <Group gap="xs"><Text size="sm" fw={600}>{m.date}</Text>{m.departments.map((d) => <Badge key={d.id} variant="outline" size="sm">{d.name}</Badge>)}</Group>
          {m.participants && <Text size="xs" c="dimmed">{t('consultation.meeting.participants')}：{m.participants}</Text>}
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{m.minutes}</Text>
          {m.decisions.length > 0 && <Stack gap={2} mt={4}>{m.decisions.map((d, i) => <Text key={i} size="sm">✔ {d}</Text>)}</Stack>}
        </Card>
      ))}
      {item.allowed.work && (
        <Card withBorder padding="sm" bg="var(--mantine-color-default-hover)">
          <Stack gap="xs">
            <Group grow align="flex-start">
              <DateField label={t('consultation.workspace.date')} value={draft.date} onChange={(v) => setDraft({ ...draft, date: v })} />
              <MultiSelect label={t('consultation.meeting.departments')} data={departments} value={draft.departmentIds} searchable maxValues={20}
                onChange={(v) => setDraft({ ...draft, departmentIds: v })} data-testid="meeting-departments" />
            </Group>
            <TextInput label={t('consultation.meeting.participants')} value={draft.participants} onChange={(e) => setDraft({ ...draft, participants: e.currentTarget.value })} />
            <Textarea label={t('consultation.meeting.minutes')} autosize minRows={3} value={draft.minutes} onChange={(e) => setDraft({ ...draft, minutes: e.currentTarget.value })} data-testid="meeting-minutes" />
            <Textarea label={t('consultation.meeting.decisions')} autosize minRows={2} value={draft.decisions} onChange={(e) => setDraft({ ...draft, decisions: e.currentTarget.value })} />
            <Group justify="flex-end"><Button size="xs" loading={busy !== null} disabled={!hasText(draft.minutes) || draft.departmentIds.length === 0} onClick={() => void submit()} data-testid="meeting-submit">{t('consultation.meeting.add')}</Button></Group>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}

/** Effect feedback (效果反馈) from citizens. */
export function FeedbackPanel({ item, onChange }: WorkProps) {
  const { t } = useTranslation();
  const { run, busy } = useItemAction(onChange);
  const [channel, setChannel] = useState<'return_call' | 'visit' | 'online' | 'other'>('return_call');
  const [satisfied, setSatisfied] = useState(true);
  const [content, setContent] = useState('');
  return (
    <Stack gap="sm">
      {item.feedback.length === 0 && <Text c="dimmed" size="sm">{t('consultation.feedback.empty')}</Text>}
      {item.feedback.map((f) => (
        <Card key={f.id} withBorder padding="sm">
          <Group gap="xs"><Badge variant="light">{t(`consultation.feedback.channels.${f.channel}`)}</Badge>
            <Badge color={f.satisfied ? 'teal' : 'red'}>{t(f.satisfied ? 'consultation.feedback.satisfied' : 'consultation.feedback.unsatisfied')}</Badge>
            <Text size="xs" c="dimmed">{f.authorName} · {formatDateTime(f.at)}</Text></Group>
          <Text size="sm">{f.content}</Text>
        </Card>
      ))}
      {item.allowed.work && (
        <Card withBorder padding="sm" bg="var(--mantine-color-default-hover)">
          <Stack gap="xs">
            <Group>
              <Select label={t('consultation.feedback.channel')} value={channel} allowDeselect={false} onChange={(v) => setChannel((v ?? 'return_call') as typeof channel)}
                data={(['return_call', 'visit', 'online', 'other'] as const).map((c) => ({ value: c, label: t(`consultation.feedback.channels.${c}`) }))} />
              <Switch mt="lg" label={t('consultation.feedback.satisfied')} checked={satisfied} onChange={(e) => setSatisfied(e.currentTarget.checked)} />
            </Group>
            <Textarea label={t('consultation.feedback.content')} autosize minRows={2} value={content} onChange={(e) => setContent(e.currentTarget.value)} />
            <Group justify="flex-end"><Button size="xs" loading={busy !== null} disabled={!hasText(content)}
              onClick={() => void run('consultation.addFeedback', { itemId: item.id, channel, satisfied, content }, t('consultation.saved')).then((ok) => { if (ok) setContent(''); })}>
              {t('consultation.feedback.add')}</Button></Group>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}

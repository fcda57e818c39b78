import { useMemo, useState } from 'react';
import { Alert, Button, Checkbox, Group, Paper, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OutreachEventDetail, TicketCreated } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { leafOptions, useReference } from '../../intake/reference';

/** The appeal's title: its first words, as an agent would shorten it. */
export function titleOf(content: string): string {
  const first = content.trim().split(/[。！？!?\n]/)[0]!.trim();
  return (first.length >= 4 ? first : content.trim()).slice(0, 30);
}

const empty = { phone: '', categoryId: null as string | null, content: '', fixed: false, fixNote: '' };

/**
 * 现场快速登记: a compact form for an appeal taken at the event. It goes through tickets.create
 * with the event's id and channel 'outreach', so on an outreach laptop whose network is down it
 * waits in the desk's outbox and reaches the center later. 立行立改 registers it as fixed on the
 * spot (the ticket closes as resolved directly); otherwise it is an ordinary ticket to dispatch.
 */
export function FastIntake({ event, onSaved }: {
  /** The event the appeal is registered at. */
  event: OutreachEventDetail;
  /** Saved (number given) or kept on this desk (queued). */
  onSaved(r: TicketCreated): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const ref = useReference();
  const categories = useMemo(() => (ref ? leafOptions(ref.categories) : []), [ref]);
  const [f, setF] = useState(empty);
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof typeof f>(k: K, v: (typeof f)[K]) => { setF({ ...f, [k]: v }); setErrs({ ...errs, [k]: '' }); setDone(null); };

  const submit = async () => {
    const e: Record<string, string> = {};
    if (f.content.trim().length < 10) e.content = t('outreach.intake.errors.content');
    if (!f.categoryId) e.categoryId = t('outreach.intake.errors.category');
    if (f.fixed && f.fixNote.trim().length < 4) e.fixNote = t('outreach.intake.errors.fixNote');
    setErrs(e);
    if (Object.values(e).some(Boolean)) return;
    setBusy(true);
    const r = await api.request('tickets.create', {
      channel: 'outreach', citizen: { confidential: false, ...(f.phone.trim() ? { phone: f.phone.trim() } : {}) }, appealType: 'help',
      categoryId: f.categoryId!, urgency: 'normal', title: titleOf(f.content), content: f.content.trim(),
      ...(event.districtCode ? { districtCode: event.districtCode } : {}), ...(event.streetCode ? { streetCode: event.streetCode } : {}),
      communityCode: event.communityCode, address: event.address, outreachEventId: event.id,
      ...(f.fixed ? { resolveDirectly: { summary: `${t('outreach.how.fixed')}：${f.fixNote.trim()}` } } : {}),
    });
    setBusy(false);
    if (!r.ok) {
      // A refused field is named under it; anything else above the form.
      const issue = r.error.issues?.[0];
      if (issue?.path === 'citizen.phone') setErrs({ phone: errorMessage(r.error) });
      else setError(errorMessage(r.error));
      return;
    }
    setError(null);
    setDone(r.value.queued ? t('outreach.intake.queued') : t('outreach.intake.registered', { number: r.value.number }));
    // The category stays: appeals at one event are often alike.
    setF({ ...empty, categoryId: f.categoryId });
    onSaved(r.value);
  };

  return (
    <Paper withBorder radius="md" p="md" data-testid="outreach-intake">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>{t('outreach.intake.title')}</Text>
          <Text size="xs" c="dimmed">{t('outreach.intake.hint')}</Text>
        </Group>
        {error && <Alert color="red" data-testid="intake-error">{error}</Alert>}
        {done && <Alert color="teal" data-testid="intake-done">{done}</Alert>}
        <Group grow align="flex-start">
          <TextInput label={t('outreach.intake.phone')} value={f.phone} onChange={(e) => set('phone', e.currentTarget.value)} error={errs.phone}
            inputMode="tel" maxLength={20} data-testid="intake-phone" />
          <Select label={t('outreach.intake.category')} data={categories} searchable limit={50} value={f.categoryId} onChange={(v) => set('categoryId', v)}
            error={errs.categoryId} required data-testid="intake-category" />
        </Group>
        <Textarea label={t('outreach.intake.content')} placeholder={t('outreach.intake.contentPlaceholder')} autosize minRows={2} maxRows={5}
          value={f.content} onChange={(e) => set('content', e.currentTarget.value)} error={errs.content} required maxLength={4000} data-testid="intake-content" />
        <Group align="flex-end" wrap="nowrap">
          <Checkbox label={t('outreach.intake.fixed')} checked={f.fixed} onChange={(e) => set('fixed', e.currentTarget.checked)} data-testid="intake-fixed" mb={8} />
          {f.fixed && (
            <TextInput style={{ flex: 1 }} label={t('outreach.intake.fixNote')} placeholder={t('outreach.intake.fixNotePlaceholder')} value={f.fixNote}
              onChange={(e) => set('fixNote', e.currentTarget.value)} error={errs.fixNote} required maxLength={200} data-testid="intake-fix-note" />
          )}
        </Group>
        <Group justify="flex-end">
          <Button onClick={() => void submit()} loading={busy} color={f.fixed ? 'teal' : 'blue'} data-testid="intake-submit">
            {f.fixed ? t('outreach.intake.submitFixed') : t('outreach.intake.submitDispatch')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Checkbox, Grid, Group, Paper, SegmentedControl, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { CategorySuggestion } from '../../../../shared/contract';
import { joinCategoryPath, splitCategoryPath } from '../../../../shared/domain/taxonomy';
import { APPEAL_TYPES, TICKET_CHANNELS, URGENCY_LEVELS } from '../../../../shared/domain/appeal';
import { parseCoordinates } from '../../../../shared/domain/geo';
import { createInputOf, emptyIntake, intakeHasContent, type IntakeDraft } from './draft';
import { useApi } from '../../state/api';
import { useDraft } from '../../hooks/useDraft';
import { useSession } from '../../state/session';
import { formatDateTime } from '../../format/time';
import { errorMessage } from '../../i18n';
import { useShortcut } from '../../components/Shortcuts';
import { showQueuedNotice } from '../../components/DeskSync/notices';
import { leafOptions, useReference } from '../reference';
import { AssistPanel } from '../AssistPanel';
import { SimilarTickets } from '../SimilarTickets';
import { ClassCaseNotice } from '../../proactive/ClassCases/ClassCaseNotice';
import { EscalateDialog } from '../../consultation/EscalateDialog';
import { problemMessage } from '../../i18n/problems';

export { emptyIntake, intakeHasContent, type IntakeDraft } from './draft';

type Field = keyof IntakeDraft;
/** Form widths at which the grid's columns change; seven appeal types need ~560 px to show whole. */
const FORM_BREAKPOINTS = { xs: '400px', sm: '560px', md: '720px', lg: '880px', xl: '1040px' };
const PHONE_RE = /^(\+?86[- ]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/** Checks a user can fix before anything is sent; main checks again and has the last word. */
export function validateIntake(d: IntakeDraft, mode: 'register' | 'resolve'): Partial<Record<Field, string>> {
  const e: Partial<Record<Field, string>> = {};
  const phone = d.phone.normalize('NFKC').replace(/\s/g, '');
  if (d.channel === 'phone' && !phone) e.phone = 'intake.errors.phoneRequired';
  else if (phone && !PHONE_RE.test(phone)) e.phone = 'intake.errors.phoneInvalid';
  if (!d.appealType) e.appealType = 'intake.errors.appealTypeRequired';
  if (!d.categoryId) e.categoryId = 'intake.errors.categoryRequired';
  if (d.title.trim().length < 4) e.title = 'intake.errors.titleShort';
  if (d.title.trim().length > 100) e.title = 'intake.errors.titleLong';
  if (d.content.trim().length < 10) e.content = 'intake.errors.contentShort';
  if (d.content.trim().length > 4000) e.content = 'intake.errors.contentLong';
  if (d.address.length > 200) e.address = 'intake.errors.addressLong';
  const coords = d.coordinates?.trim() ? parseCoordinates(d.coordinates) : null;
  if (coords && !coords.ok) e.coordinates = `intake.errors.coordinates_${coords.problem}`;
  if (mode === 'resolve' && d.answer.trim().length < 4) e.answer = 'intake.errors.answerRequired';
  return e;
}

/** Suggested categories for what has been typed, learned from the centre's history; one click picks. */
function CategoryHints({ title, content, chosen, onPick }: {
  /** Title typed so far. */
  title: string;
  /** Content typed so far. */
  content: string;
  /** The category already chosen, marked among the hints. */
  chosen: string | null;
  /** Picks a suggested category. */
  onPick(id: string): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [hints, setHints] = useState<CategorySuggestion[]>([]);
  useEffect(() => {
    if (title.length + content.length < 6) { setHints([]); return; }
    const id = setTimeout(() => {
      // Hints the model all but rules out are noise beside the top one: show those worth a look.
      void api.request('tickets.suggestCategory', { title: title.slice(0, 100), content: content.slice(0, 4000) })
        .then((r) => r.ok && setHints(r.value.filter((h, i) => i === 0 || h.probability >= 0.05)));
    }, 300);
    return () => clearTimeout(id);
  }, [api, title, content]);
  if (hints.length === 0) return null;
  return (
    <Group gap={6} mt={6} data-testid="category-hints">
      <Text size="xs" c="dimmed">{t('intake.suggested')}</Text>
      {hints.map((h) => (
        <Button key={h.categoryId} size="compact-xs" variant={chosen === h.categoryId ? 'filled' : 'light'} onClick={() => onPick(h.categoryId)}>
          {joinCategoryPath(splitCategoryPath(h.path).slice(-2))} · {Math.round(h.probability * 100)}%
        </Button>
      ))}
    </Group>
  );
}

const FIX_FIELDS_NOTICE = 'intake-fix-fields';

/** The intake form (受理登记): keyboard-first, saved as a draft on every pause in typing. */
export function IntakeForm({ draftKey, callId, callerNumber, onSaved, onOpenTicket }: {
  /** Draft slot; one per call, or 'intake.manual' for walk-ins, web and letters. */
  draftKey: string;
  /** The call the appeal arrived on, linked to the ticket. */
  callId?: string;
  /** Prefills the phone field for a call. */
  callerNumber?: string;
  /** Called with the new ticket's number after saving. */
  onSaved?(ticket: { id: string; number: string }): void;
  /** Opens an existing ticket's detail (a similar ticket's history). */
  onOpenTicket?(id: string): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const ref = useReference();
  const { settings, updateSettings } = useSession();
  // During a call the source is the phone; otherwise the channel this agent chose last (walk-ins at a
  // window, letters at a back office), and the phone for an agent who never chose one.
  const defaultChannel = (): IntakeDraft['channel'] => (callId || callerNumber ? 'phone' : settings?.intakeChannel ?? 'phone');
  const [d, setD, draft] = useDraft<IntakeDraft>(draftKey, emptyIntake(callerNumber ?? '', defaultChannel()), { hasContent: (v) => intakeHasContent(v, callerNumber) });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const firstField = useRef<HTMLInputElement>(null);
  const set = <K extends Field>(k: K, v: IntakeDraft[K]) => {
    setD({ ...d, [k]: v });
    if (errors[k]) setErrors({ ...errors, [k]: undefined });
  };

  const categories = useMemo(() => (ref ? leafOptions(ref.categories) : []), [ref]);
  const divisions = (level: number, parent: string | null) => (ref?.divisions ?? [])
    .filter((x) => !x.retired && x.level === level && (level === 1 || x.parentCode === parent)).map((x) => ({ value: x.code, label: x.name }));

  /** A ticket just registered to go on to the consultation queue (登记并升级): the dialog is open for it. */
  const [escalating, setEscalating] = useState<{ id: string; number: string } | null>(null);

  const save = async (mode: 'register' | 'resolve' | 'escalate') => {
    const fe = validateIntake(d, mode === 'resolve' ? 'resolve' : 'register');
    setErrors(fe);
    setServerError(null);
    // One "fix these fields" notice at a time, gone once the form is sent.
    notifications.hide(FIX_FIELDS_NOTICE);
    if (Object.keys(fe).length) {
      notifications.show({ id: FIX_FIELDS_NOTICE, color: 'red', message: t('intake.fixFields', { count: Object.keys(fe).length }) });
      return;
    }
    setBusy(true);
    const r = await api.request('tickets.create', createInputOf(d, mode, { draftKey, callId }));
    setBusy(false);
    if (!r.ok) {
      setServerError(errorMessage(r.error));
      const map: Partial<Record<Field, string>> = {};
      for (const i of r.error.issues ?? []) {
        const field = (i.path === 'citizen.phone' ? 'phone' : i.path) as Field;
        map[field] = t(`intake.server.${i.problem}`, { defaultValue: problemMessage(i.problem, i.path) });
      }
      setErrors(map);
      return;
    }
    const created = r.value;
    if (created.queued) {
      // The center is out of reach: the desk keeps it in its outbox and sends it when back.
      draft.clear();
      setD(emptyIntake(callerNumber ?? '', defaultChannel()));
      showQueuedNotice(t('intake.queued'), t('intake.queuedHint'));
      // Escalating and merging act on the ticket the center makes: they wait until it has a number.
      if (mode === 'escalate') notifications.show({ color: 'orange', message: t('intake.queuedEscalate'), autoClose: 10000 });
      if (d.mergeInto && mode !== 'resolve') notifications.show({ color: 'orange', message: t('intake.queuedMerge'), autoClose: 10000 });
      firstField.current?.focus();
      return;
    }
    if (d.mergeInto && mode !== 'resolve') {
      const m = await api.request('tickets.act', { ticketId: created.id, expectedVersion: 1, action: { type: 'merge', parentId: d.mergeInto } });
      if (!m.ok) notifications.show({ color: 'orange', message: `${t('intake.similar.mergeFailed')}${errorMessage(m.error)}` });
    }
    draft.clear();
    setD(emptyIntake(callerNumber ?? '', defaultChannel()));
    notifications.show({ color: 'teal', title: t(mode === 'resolve' ? 'intake.resolved' : 'intake.registered'), message: created.number });
    // The ticket is registered either way; escalation is one more step the agent may still dismiss.
    if (mode === 'escalate') { setEscalating(created); return; }
    onSaved?.(created);
    firstField.current?.focus();
  };
  const escalationClosed = () => {
    if (escalating) onSaved?.(escalating);
    setEscalating(null);
    firstField.current?.focus();
  };

  useShortcut({ id: 'intake.save', combo: 'ctrl+s', labelKey: 'intake.shortcutSave', inInputs: true, run: () => void save('register') });
  useShortcut({ id: 'intake.resolve', combo: 'ctrl+shift+s', labelKey: 'intake.shortcutResolve', inInputs: true, run: () => void save('resolve') });
  useShortcut({ id: 'intake.escalate', combo: 'ctrl+shift+e', labelKey: 'intake.shortcutEscalate', inInputs: true, run: () => void save('escalate') });

  const err = (k: Field) => (errors[k] ? t(errors[k]!) : undefined);
  const submit = (e: FormEvent) => { e.preventDefault(); void save('register'); };

  return (
    <Group align="stretch" gap="sm" wrap="nowrap">
    <Paper p="md" withBorder radius="md" style={{ flex: 1, minWidth: 0 }} component="form" onSubmit={submit} noValidate aria-label={t('intake.title')} data-testid="intake-form">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>{t('intake.title')}</Title>
          {draft.restoredAt && <Text size="xs" c="orange" data-testid="draft-restored">{t('drafts.restored', { time: formatDateTime(draft.restoredAt) })}</Text>}
        </Group>
        {serverError && <Alert color="red" data-testid="intake-error">{serverError}</Alert>}
        {/* Columns follow the form's own width (container queries): the softphone and knowledge columns beside it vary. */}
        <Grid gap="sm" type="container" breakpoints={FORM_BREAKPOINTS}>
          <Grid.Col span={3}>
            <Select label={t('intake.channel')} data={TICKET_CHANNELS.map((c) => ({ value: c, label: t(`intake.channels.${c}`) }))} value={d.channel}
              onChange={(v) => {
                if (!v) return;
                set('channel', v as IntakeDraft['channel']);
                // Remembered for the next form not taken from a call.
                if (!callId && !callerNumber) void updateSettings({ intakeChannel: v as IntakeDraft['channel'] });
              }} allowDeselect={false} data-testid="intake-channel" />
          </Grid.Col>
          <Grid.Col span={3}>
            <TextInput ref={firstField} label={t('intake.phone')} value={d.phone} onChange={(e) => set('phone', e.currentTarget.value)} error={err('phone')} required={d.channel === 'phone'} inputMode="tel" />
          </Grid.Col>
          <Grid.Col span={3}>
            <TextInput label={t('intake.name')} value={d.name} onChange={(e) => set('name', e.currentTarget.value)} maxLength={40} />
          </Grid.Col>
          <Grid.Col span={3} style={{ display: 'flex', alignItems: 'flex-end' }}>
            <Checkbox label={t('intake.confidential')} checked={d.confidential} onChange={(e) => set('confidential', e.currentTarget.checked)} mb={8} />
          </Grid.Col>
          {/* Seven appeal types need room: at 1280 px half the form cut off 表扬 and 其他. */}
          <Grid.Col span={{ base: 12, lg: 8 }}>
            <Text size="sm" fw={500} mb={4}>{t('intake.appealType')} <Text span c="red">*</Text></Text>
            <SegmentedControl fullWidth size="xs" value={d.appealType ?? ''} onChange={(v) => set('appealType', v as IntakeDraft['appealType'])}
              data={APPEAL_TYPES.map((a) => ({ value: a, label: t(`appealTypes.${a}`) }))} aria-label={t('intake.appealType')} />
            {errors.appealType && <Text size="xs" c="red" mt={4}>{t(errors.appealType)}</Text>}
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <Text size="sm" fw={500} mb={4}>{t('intake.urgency')}</Text>
            <SegmentedControl fullWidth size="xs" value={d.urgency} onChange={(v) => set('urgency', v as IntakeDraft['urgency'])}
              data={URGENCY_LEVELS.map((u) => ({ value: u, label: t(`intake.urgencies.${u}`) }))} aria-label={t('intake.urgency')} />
          </Grid.Col>
          <Grid.Col span={12}>
            <Select label={t('intake.category')} placeholder={t('intake.categoryPlaceholder')} searchable data={categories} value={d.categoryId}
              onChange={(v) => set('categoryId', v)} error={err('categoryId')} required nothingFoundMessage={t('intake.nothingFound')} limit={50} />
            <CategoryHints title={d.title} content={d.content} chosen={d.categoryId} onPick={(id) => set('categoryId', id)} />
          </Grid.Col>
          <Grid.Col span={12}>
            <TextInput label={t('intake.subject')} value={d.title} onChange={(e) => set('title', e.currentTarget.value)} error={err('title')} required maxLength={100} />
          </Grid.Col>
          <Grid.Col span={12}>
            <Textarea label={t('intake.content')} description={t('intake.contentHint')} value={d.content} onChange={(e) => set('content', e.currentTarget.value)}
              error={err('content')} required autosize minRows={5} maxRows={12} maxLength={4000} />
            <Text size="xs" c="dimmed" ta="right">{d.content.length} / 4000</Text>
          </Grid.Col>
          <Grid.Col span={12}>
            <ClassCaseNotice categoryId={d.categoryId} districtCode={d.districtCode} text={`${d.title}\n${d.content}`} />
          </Grid.Col>
          <Grid.Col span={12}>
            <SimilarTickets categoryId={d.categoryId} districtCode={d.districtCode} text={`${d.title}${d.content}`} mergeInto={d.mergeInto}
              onMergeInto={(id) => setD({ ...d, mergeInto: id })} repeatOf={d.repeatOf ?? null} onRepeatOf={(id) => setD({ ...d, repeatOf: id })} onOpen={onOpenTicket} />
          </Grid.Col>
          <Grid.Col span={4}>
            <Select label={t('intake.district')} data={divisions(1, null)} value={d.districtCode} searchable clearable
              onChange={(v) => setD({ ...d, districtCode: v, streetCode: null, communityCode: null })} />
          </Grid.Col>
          <Grid.Col span={4}>
            <Select label={t('intake.street')} data={divisions(2, d.districtCode)} value={d.streetCode} searchable clearable disabled={!d.districtCode}
              onChange={(v) => setD({ ...d, streetCode: v, communityCode: null })} />
          </Grid.Col>
          <Grid.Col span={4}>
            <Select label={t('intake.community')} data={divisions(3, d.streetCode)} value={d.communityCode} searchable clearable disabled={!d.streetCode}
              onChange={(v) => set('communityCode', v)} />
          </Grid.Col>
          <Grid.Col span={8}>
            <TextInput label={t('intake.address')} value={d.address} onChange={(e) => set('address', e.currentTarget.value)} error={err('address')} maxLength={200} />
          </Grid.Col>
          <Grid.Col span={4}>
            <TextInput label={t('intake.coordinates')} placeholder={t('intake.coordinatesPlaceholder')} value={d.coordinates ?? ''} maxLength={60}
              onChange={(e) => set('coordinates', e.currentTarget.value)} error={err('coordinates')} inputMode="decimal" />
          </Grid.Col>
          <Grid.Col span={12}>
            <Textarea label={t('intake.answer')} description={d.articleId ? t('intake.answerFromArticle') : t('intake.answerHint')} value={d.answer} onChange={(e) => set('answer', e.currentTarget.value)}
              error={err('answer')} autosize minRows={2} maxRows={6} maxLength={2000} />
          </Grid.Col>
        </Grid>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => { draft.clear(); setD(emptyIntake(callerNumber ?? '', d.channel)); setErrors({}); }}>{t('intake.clear')}</Button>
          <Button variant="light" color="grape" onClick={() => void save('escalate')} loading={busy} data-testid="intake-escalate" title={t('intake.escalateHint')}>{t('intake.escalate')} (Ctrl+Shift+E)</Button>
          <Button variant="light" color="teal" onClick={() => void save('resolve')} loading={busy} data-testid="intake-resolve">{t('intake.resolveDirectly')} (Ctrl+Shift+S)</Button>
          <Button type="submit" loading={busy} data-testid="intake-save">{t('intake.save')} (Ctrl+S)</Button>
        </Group>
      </Stack>
    </Paper>
      <div style={{ width: 320, flexShrink: 0 }}>
        <AssistPanel categoryId={d.categoryId} callerName={d.name} onUseAnswer={(answer, articleId) => setD({ ...d, answer, articleId })} />
      </div>
      <EscalateDialog opened={escalating !== null} ticketIds={escalating ? [escalating.id] : []} source="intake"
        onClose={escalationClosed} />
    </Group>
  );
}

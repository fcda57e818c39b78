import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Group, Modal, MultiSelect, Select, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OutreachCandidates, OutreachEventDetail } from '../../../../shared/contract';
import { chinaDateKey } from '../../../../shared/domain/china-time';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { useReference } from '../../intake/reference';
import { DateField } from '../../components/DateFields';

const blank = (today: string) => ({ title: '', communityCode: null as string | null, address: '', date: today, teamIds: [] as string[], memberIds: [] as string[] });

/**
 * Plans an event: name, community (a level-3 division, with its street and district), place, day,
 * team and members. Given `editing`, the same form changes that event's plan (outreach.edit, against
 * the version shown: main refuses it if someone changed the event meanwhile).
 */
export function PlanEvent({ opened, onClose, onPlanned, editing }: {
  /** The dialog is shown. */
  opened: boolean;
  onClose(): void;
  /** The event as main saved it. */
  onPlanned(d: OutreachEventDetail): void;
  /** The event whose plan is changed; absent: a new event. */
  editing?: OutreachEventDetail;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const ref = useReference();
  const today = chinaDateKey(new Date());
  const [f, setF] = useState(blank(today));
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [cands, setCands] = useState<OutreachCandidates | null>(null);
  useEffect(() => {
    if (!opened || !editing) return;
    // The form opens on the plan as it stands.
    setF({
      title: editing.title, communityCode: editing.communityCode, address: editing.address, date: editing.date,
      teamIds: editing.people.filter((p) => p.part === 'team').map((p) => p.id), memberIds: editing.people.filter((p) => p.part === 'member').map((p) => p.id),
    });
    setErrs({});
    setError(null);
  }, [opened, editing]);
  useEffect(() => {
    if (!opened) return;
    void api.request('outreach.candidates', {}).then((r) => { if (r.ok) setCands(r.value); else setError(errorMessage(r.error)); });
  }, [api, opened]);
  const communities = useMemo(() => {
    if (!ref) return [];
    const byCode = new Map(ref.divisions.map((d) => [d.code, d]));
    return ref.divisions.filter((d) => d.level === 3 && !d.retired).map((d) => {
      const street = d.parentCode ? byCode.get(d.parentCode) : undefined;
      const district = street?.parentCode ? byCode.get(street.parentCode) : undefined;
      return { value: d.code, label: [district?.name, street?.name, d.name].filter(Boolean).join(' ') };
    });
  }, [ref]);
  const set = <K extends keyof typeof f>(k: K, v: (typeof f)[K]) => { setF({ ...f, [k]: v }); setErrs({ ...errs, [k]: '' }); };

  const submit = async () => {
    const e: Record<string, string> = {};
    if (f.title.trim().length < 2) e.title = t('outreach.planForm.errors.name');
    if (!f.communityCode) e.communityCode = t('outreach.planForm.errors.community');
    if (f.address.trim().length < 2) e.address = t('outreach.planForm.errors.address');
    if (!f.date) e.date = t('outreach.planForm.errors.date');
    else if (f.date < today) e.date = t('outreach.planForm.errors.past');
    if (f.teamIds.length === 0) e.teamIds = t('outreach.planForm.errors.team');
    setErrs(e);
    if (Object.values(e).some(Boolean)) return;
    setBusy(true);
    const plan = { ...f, communityCode: f.communityCode! };
    const r = editing
      ? await api.request('outreach.edit', { ...plan, id: editing.id, expectedVersion: editing.version })
      : await api.request('outreach.plan', plan);
    setBusy(false);
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    setError(null);
    setF(blank(today));
    onPlanned(r.value);
  };

  return (
    <Modal opened={opened} onClose={onClose} title={editing ? t('outreach.editForm.title') : t('outreach.planForm.title')} size="lg" data-testid="outreach-plan">
      <Stack gap="sm">
        {error && <Alert color="red" data-testid="outreach-plan-error">{error}</Alert>}
        <TextInput label={t('outreach.planForm.name')} placeholder={t('outreach.planForm.namePlaceholder')} value={f.title} required
          onChange={(e) => set('title', e.currentTarget.value)} error={errs.title} data-testid="plan-title" />
        <Select label={t('outreach.planForm.community')} placeholder={t('outreach.planForm.communityPlaceholder')} data={communities} searchable limit={50}
          value={f.communityCode} onChange={(v) => set('communityCode', v)} error={errs.communityCode} required data-testid="plan-community" />
        <TextInput label={t('outreach.planForm.address')} placeholder={t('outreach.planForm.addressPlaceholder')} value={f.address} required
          onChange={(e) => set('address', e.currentTarget.value)} error={errs.address} data-testid="plan-address" />
        <DateField label={t('outreach.planForm.date')} value={f.date} min={today} onChange={(v) => set('date', v)} error={errs.date} required data-testid="plan-date" />
        <MultiSelect label={t('outreach.planForm.team')} data={(cands?.team ?? []).map((c) => ({ value: c.id, label: `${c.displayName}（${c.roles.map((r) => t(`roles.${r}`)).join('、')}）` }))}
          value={f.teamIds} onChange={(v) => set('teamIds', v)} searchable error={errs.teamIds} required data-testid="plan-team" />
        <MultiSelect label={t('outreach.planForm.members')} data={(cands?.members ?? []).map((c) => ({ value: c.id, label: `${c.displayName}（${c.roles.map((r) => t(`roles.${r}`)).join('、')}）` }))}
          value={f.memberIds} onChange={(v) => set('memberIds', v)} searchable data-testid="plan-members" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('outreach.planForm.cancel')}</Button>
          <Button onClick={() => void submit()} loading={busy} data-testid="plan-submit">{editing ? t('outreach.editForm.submit') : t('outreach.planForm.submit')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

import { useEffect, useState } from 'react';
import { Alert, Button, Group, NumberInput, SimpleGrid, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { LeadAlertThresholds } from '../../../../shared/domain/lead-alerts';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';

const FIELDS: { key: keyof LeadAlertThresholds; min: number; max: number }[] = [
  { key: 'serviceLevelTargetPct', min: 1, max: 100 },
  { key: 'longestWaitSeconds', min: 5, max: 3600 },
  { key: 'overdueCount', min: 1, max: 100_000 },
  { key: 'unclaimedEscalations', min: 1, max: 1000 },
];

/** The thresholds of the shift lead's alerts; an empty field is not watched. */
export function AlertSettingsPanel() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [values, setValues] = useState<Record<keyof LeadAlertThresholds, number | string>>({ serviceLevelTargetPct: '', longestWaitSeconds: '', overdueCount: '', unclaimedEscalations: '' });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api.request('wallboard.getAlertSettings', {}).then((r) => {
      if (r.ok) setValues({ serviceLevelTargetPct: r.value.serviceLevelTargetPct ?? '', longestWaitSeconds: r.value.longestWaitSeconds ?? '', overdueCount: r.value.overdueCount ?? '', unclaimedEscalations: r.value.unclaimedEscalations ?? '' });
    });
  }, [api]);

  const save = async () => {
    const next = {} as LeadAlertThresholds;
    for (const f of FIELDS) {
      const v = values[f.key];
      if (v === '') { next[f.key] = null; continue; }
      const n = Number(v);
      if (!Number.isInteger(n) || n < f.min || n > f.max) {
        setError(t('alertSettings.outOfRange', { field: t(`alertSettings.${f.key}`), min: f.min, max: f.max }));
        return;
      }
      next[f.key] = n;
    }
    const r = await api.request('wallboard.setAlertSettings', next);
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    setError(null);
    notifications.show({ color: 'teal', message: t('admin.users.saved') });
  };

  return (
    <Stack maw={900}>
      <Text size="sm" c="dimmed">{t('alertSettings.hint')}</Text>
      {error && <Alert color="red" data-testid="alert-settings-error">{error}</Alert>}
      <SimpleGrid cols={2}>
        {FIELDS.map((f) => (
          <NumberInput key={f.key} label={t(`alertSettings.${f.key}`)} description={t(`alertSettings.${f.key}Hint`)} allowDecimal={false}
            value={values[f.key]} onChange={(v) => setValues((s) => ({ ...s, [f.key]: v }))} data-testid={`alert-${f.key}`} />
        ))}
      </SimpleGrid>
      <Group justify="flex-end"><Button onClick={() => void save()} data-testid="alert-settings-save">{t('admin.users.save')}</Button></Group>
    </Stack>
  );
}

import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Group, Paper, Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DivisionCatalogue, DivisionImportResult } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { JobProgress, useJob } from '../../components/JobProgress';

/** Loads a real city's districts, streets and communities for intake (国家统计局 codes). */
export function DivisionsPanel() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [catalogue, setCatalogue] = useState<DivisionCatalogue | null>(null);
  const [province, setProvince] = useState<string | null>(null);
  const [city, setCity] = useState<string | null>(null);
  const [result, setResult] = useState<DivisionImportResult | null>(null);
  const [message, setMessage] = useState<{ color: string; text: string } | null>(null);
  const job = useJob<'divisions.import'>();

  const load = useCallback(() => { void api.request('divisions.catalogue', {}).then((r) => r.ok && setCatalogue(r.value)); }, [api]);
  useEffect(load, [load]);

  const cities = useMemo(() => {
    const p = catalogue?.provinces.find((x) => x.code === province);
    // Municipalities have one "市辖区" entry: show the province's name for it.
    return (p?.cities ?? []).map((c) => ({ value: c.code, label: c.name === '市辖区' ? `${p!.name}（${c.name}）` : c.name }));
  }, [catalogue, province]);

  const run = async () => {
    if (!city) return;
    setResult(null);
    setMessage(null);
    const r = await job.run(() => api.request('divisions.importCity', { cityCode: city }));
    if (!r.ok) { setMessage({ color: 'red', text: errorMessage(r.error) }); return; }
    if (r.view.state === 'cancelled') setMessage({ color: 'yellow', text: t('divisions.cancelled') });
    else if (r.view.state === 'failed' || !r.view.result) setMessage({ color: 'red', text: errorMessage(r.view.error ?? { code: 'internal' }) });
    else setResult(r.view.result);
    load();
  };

  if (!catalogue) return null;
  const l = catalogue.loaded;
  return (
    <Stack maw={900}>
      <Text size="sm" c="dimmed">{t('divisions.hint')}</Text>
      <Paper withBorder p="md" data-testid="divisions-loaded">
        <Text fw={600}>{l.city ? t('divisions.loaded', { city: l.city.name, districts: l.districts, streets: l.streets, communities: l.communities }) : t('divisions.empty')}</Text>
        {l.retired > 0 && <Text size="sm" c="dimmed">{t('divisions.loadedRetired', { count: l.retired })}</Text>}
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Group align="flex-end">
            <Select label={t('divisions.province')} searchable w={220} data={catalogue.provinces.map((p) => ({ value: p.code, label: p.name }))}
              value={province} onChange={(v) => { setProvince(v); setCity(null); }} disabled={job.running} />
            <Select label={t('divisions.city')} searchable w={260} data={cities} value={city} onChange={setCity} disabled={!province || job.running} />
            <Button onClick={() => void run()} disabled={!city || job.running} data-testid="divisions-import">{t('divisions.import')}</Button>
          </Group>
          <Text size="xs" c="dimmed">{t('divisions.source', { source: catalogue.source })}</Text>
          {job.view && <JobProgress view={job.view} onCancel={() => void job.cancel()} />}
          {message && <Alert color={message.color} data-testid="divisions-message">{message.text}</Alert>}
          {result && <Alert color="teal" data-testid="divisions-result">{t('divisions.done', { ...result, city: result.city.name })}</Alert>}
        </Stack>
      </Paper>
    </Stack>
  );
}

import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Group, List, Modal, Paper, Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DivisionCatalogue, DivisionImportPreview, DivisionImportResult, DivisionLevelCounts } from '../../../../shared/contract';
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
  const [preview, setPreview] = useState<DivisionImportPreview | null>(null);
  const [checking, setChecking] = useState(false);

  const load = useCallback(() => { void api.request('divisions.catalogue', {}).then((r) => r.ok && setCatalogue(r.value)); }, [api]);
  useEffect(load, [load]);

  const cities = useMemo(() => {
    const p = catalogue?.provinces.find((x) => x.code === province);
    // Municipalities have one "市辖区" entry: show the province's name for it.
    return (p?.cities ?? []).map((c) => ({ value: c.code, label: c.name === '市辖区' ? `${p!.name}（${c.name}）` : c.name }));
  }, [catalogue, province]);

  // Replacing a city retires and deletes divisions: a dry run first, and the admin confirms what it will do.
  const check = async () => {
    if (!city) return;
    setResult(null);
    setMessage(null);
    setChecking(true);
    const r = await api.request('divisions.previewImport', { cityCode: city });
    setChecking(false);
    if (!r.ok) { setMessage({ color: 'red', text: errorMessage(r.error) }); return; }
    setPreview(r.value);
  };

  const run = async () => {
    if (!city) return;
    setPreview(null);
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
            <Button onClick={() => void check()} loading={checking} disabled={!city || job.running} data-testid="divisions-import">{t('divisions.import')}</Button>
          </Group>
          <Text size="xs" c="dimmed">{t('divisions.source', { source: catalogue.source })}</Text>
          {job.view && <JobProgress view={job.view} onCancel={() => void job.cancel()} />}
          {message && <Alert color={message.color} data-testid="divisions-message">{message.text}</Alert>}
          {result && <Alert color="teal" data-testid="divisions-result">{t('divisions.done', { ...result, city: result.city.name })}</Alert>}
        </Stack>
      </Paper>
      <Modal opened={!!preview} onClose={() => setPreview(null)} title={preview ? t('consultDivisions.confirmTitle', { city: preview.city.name }) : ''} size="lg" data-testid="divisions-confirm">
        {preview && <ImportConfirm preview={preview} onConfirm={() => void run()} onCancel={() => setPreview(null)} />}
      </Modal>
    </Stack>
  );
}

/** "区县 12 个、街道/乡镇 203 个"; levels with none are left out. */
function levelText(t: (k: string, o?: Record<string, unknown>) => string, c: DivisionLevelCounts): string {
  const parts = (['cities', 'districts', 'streets', 'communities'] as const).filter((k) => c[k] > 0).map((k) => t(`consultDivisions.levels.${k}`, { count: c[k] }));
  return parts.join('、');
}

function ImportConfirm({ preview, onConfirm, onCancel }: {
  /** The dry run's result. */
  preview: DivisionImportPreview;
  /** Starts the import. */
  onConfirm(): void;
  /** Closes without importing. */
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const p = preview;
  const destructive = p.retire.total + p.remove.total > 0;
  return (
    <Stack gap="sm">
      <Text size="sm" data-testid="divisions-confirm-add">{t('consultDivisions.willAdd', { city: p.city.name, districts: p.districts, streets: p.streets, communities: p.communities })}</Text>
      {destructive ? (
        <Alert color="orange" variant="light" title={p.current ? t('consultDivisions.replaces', { city: p.current.name }) : undefined}>
          <List size="sm" spacing={4}>
            {p.retire.total > 0 && <List.Item data-testid="divisions-confirm-retire">{t('consultDivisions.willRetire', { what: levelText(t, p.retire) })}</List.Item>}
            {p.remove.total > 0 && <List.Item data-testid="divisions-confirm-remove">{t('consultDivisions.willRemove', { what: levelText(t, p.remove) })}</List.Item>}
          </List>
        </Alert>
      ) : <Text size="sm" c="dimmed">{t('consultDivisions.nothingLost')}</Text>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel} data-testid="divisions-confirm-cancel">{t('consultDivisions.cancel')}</Button>
        <Button color={destructive ? 'orange' : undefined} onClick={onConfirm} data-testid="divisions-confirm-ok">{t('consultDivisions.confirm')}</Button>
      </Group>
    </Stack>
  );
}

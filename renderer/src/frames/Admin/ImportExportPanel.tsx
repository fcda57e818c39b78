import { useState } from 'react';
import { Alert, Button, FileButton, Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { importFields, MAX_XLSX_BASE64, type ImportField, type ImportResult } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { JobProgress, useJob } from '../../components/JobProgress';

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

/** Tickets to and from Excel: export with masked numbers; import checked in full before writing. */
export function ImportExportPanel() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [file, setFile] = useState<{ name: string; base64: string } | null>(null);
  const [headers, setHeaders] = useState<string[]>([]);
  const [mapping, setMapping] = useState<Partial<Record<ImportField, string>>>({});
  const [result, setResult] = useState<ImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const job = useJob<'tickets.import'>();
  const [cancelled, setCancelled] = useState(false);
  const [reading, setReading] = useState(false);
  const blocked = reading || job.running;

  /** Runs an import job; null when it was cancelled or failed (already told to the user). */
  const importJob = async (base64: string, m: Partial<Record<ImportField, string>>, dryRun: boolean): Promise<ImportResult | null> => {
    setCancelled(false);
    const r = await job.run(() => api.request('tickets.importXlsx', { base64, mapping: m, dryRun }));
    if (!r.ok) { notifications.show({ color: 'red', message: errorMessage(r.error) }); return null; }
    if (r.view.state === 'cancelled') { setCancelled(true); return null; }
    if (r.view.state === 'failed' || !r.view.result) { notifications.show({ color: 'red', message: errorMessage(r.view.error ?? { code: 'internal' }) }); return null; }
    return r.view.result;
  };

  const exportAll = async () => {
    setBusy(true);
    const r = await api.request('tickets.exportXlsx', { limit: 50_000 });
    setBusy(false);
    if (!r.ok) { notifications.show({ color: 'red', message: errorMessage(r.error) }); return; }
    const bytes = Uint8Array.from(atob(r.value.base64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = r.value.fileName;
    a.click();
    URL.revokeObjectURL(url);
    notifications.show({ color: 'teal', message: t('importExport.exported', { rows: r.value.rows }) });
  };

  const pick = async (f: File | null) => {
    if (!f) return;
    // Until the file has been read and its columns mapped, 检查 and 导入 have nothing to send.
    setReading(true);
    try { await readFile(f); } finally { setReading(false); }
  };

  const readFile = async (f: File) => {
    const base64 = await toBase64(f);
    if (base64.length > MAX_XLSX_BASE64) { notifications.show({ color: 'red', message: t('importExport.tooBig') }); return; }
    setFile({ name: f.name, base64 });
    setHeaders([]);
    setMapping({});
    setResult(null);
    const r = await importJob(base64, {}, true);
    if (!r) { setFile(null); return; }
    setHeaders(r.headers);
    // Columns named like the field's label are mapped for the user.
    const guess: Partial<Record<ImportField, string>> = {};
    for (const f2 of Object.keys(importFields) as ImportField[]) {
      const hit = r.headers.find((h) => t(`importExport.aliases.${f2}`).split('|').includes(h));
      if (hit) guess[f2] = hit;
    }
    setMapping(guess);
  };

  const run = async (dryRun: boolean) => {
    if (!file || blocked) return;
    setResult(null);
    const r = await importJob(file.base64, mapping, dryRun);
    if (!r) return;
    setResult(r);
    if (r.ok && !dryRun) notifications.show({ color: 'teal', message: t('importExport.imported', { rows: r.imported }) });
  };

  return (
    <Stack maw={900}>
      <Paper withBorder p="md">
        <Group justify="space-between">
          <div><Title order={5}>{t('importExport.exportTitle')}</Title><Text size="sm" c="dimmed">{t('importExport.exportHint')}</Text></div>
          <Button onClick={() => void exportAll()} loading={busy}>{t('importExport.export')}</Button>
        </Group>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Group justify="space-between">
            <div><Title order={5}>{t('importExport.importTitle')}</Title><Text size="sm" c="dimmed">{t('importExport.importHint')}</Text></div>
            <FileButton onChange={(f) => void pick(f)} accept=".xlsx" disabled={blocked}>{(props) => <Button variant="light" {...props}>{t('importExport.chooseFile')}</Button>}</FileButton>
          </Group>
          {file && (
            <>
              <Text size="sm">{file.name}</Text>
              <SimpleGrid cols={3}>
                {(Object.keys(importFields) as ImportField[]).map((f) => (
                  <Select key={f} size="xs" label={t(`importExport.fields.${f}`)} required={importFields[f]} clearable data={headers}
                    value={mapping[f] ?? null} onChange={(v) => setMapping({ ...mapping, [f]: v ?? undefined })} />
                ))}
              </SimpleGrid>
              <Group justify="flex-end">
                <Button variant="default" onClick={() => void run(true)} disabled={blocked}>{t('importExport.check')}</Button>
                <Button onClick={() => void run(false)} disabled={blocked}>{t('importExport.import')}</Button>
              </Group>
            </>
          )}
          {job.view && <JobProgress view={job.view} onCancel={() => void job.cancel()} />}
          {cancelled && <Alert color="yellow" data-testid="import-cancelled">{t('importExport.cancelled')}</Alert>}
          {result && (result.ok ? (
            <Alert color="teal">{result.imported ? t('importExport.imported', { rows: result.imported }) : t('importExport.clean', { rows: result.rows })}</Alert>
          ) : (
            <Alert color="red" title={t('importExport.failed', { count: result.errors.length })}>
              <Table fz="xs" data-testid="import-errors">
                <Table.Thead><Table.Tr><Table.Th>{t('importExport.row')}</Table.Th><Table.Th>{t('importExport.column')}</Table.Th><Table.Th>{t('importExport.problem')}</Table.Th><Table.Th>{t('importExport.value')}</Table.Th></Table.Tr></Table.Thead>
                <Table.Tbody>
                  {result.errors.slice(0, 200).map((e, i) => (
                    <Table.Tr key={i}><Table.Td>{e.row}</Table.Td><Table.Td>{t(`importExport.fields.${e.column}`, { defaultValue: e.column })}</Table.Td><Table.Td>{t(`importExport.problems.${e.problem}`, { defaultValue: e.problem })}</Table.Td><Table.Td>{e.value ?? ''}</Table.Td></Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Alert>
          ))}
        </Stack>
      </Paper>
    </Stack>
  );
}

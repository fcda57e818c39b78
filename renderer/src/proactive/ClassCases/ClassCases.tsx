import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Group, Paper, Progress, ScrollArea, SegmentedControl, Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ClassCaseDetail, ClassCaseRow } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { ClassCaseWorkspace } from './ClassCaseWorkspace';
import { classCaseShown } from '../open';

/** The class cases: a list on the left (state filter, progress at a glance), the chosen case on the right. */
export function ClassCases({ initialId }: { /** A case to open at once (just created). */ initialId?: string | null }) {
  const { t } = useTranslation();
  const { api, connected } = useApi();
  const [state, setState] = useState<'open' | 'closed' | 'all'>('open');
  const [rows, setRows] = useState<ClassCaseRow[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(initialId ?? null);
  const [detail, setDetail] = useState<ClassCaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await api.request('classCases.list', { state, limit: 500 });
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    setRows(r.value);
    setError(null);
    // Nothing chosen yet: the newest case opens, so the workspace is never blank while cases exist.
    setChosen((c) => c ?? r.value[0]?.id ?? null);
  }, [api, state]);
  useEffect(() => { if (connected) void load(); }, [connected, load]);
  useEffect(() => {
    if (!chosen || !connected) return;
    let live = true;
    void api.request('classCases.get', { id: chosen }).then((r) => {
      if (!live) return;
      if (r.ok) { setDetail(r.value); classCaseShown(r.value.id); } else setError(errorMessage(r.error));
    });
    return () => { live = false; };
  }, [api, chosen, connected]);

  return (
    <Group align="stretch" gap="md" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
      <Paper withBorder radius="md" w={340} style={{ display: 'flex', flexDirection: 'column', flexShrink: 0 }}>
        <Stack gap="xs" p="sm">
          <Text fw={600}>{t('proactive.cases.listTitle')}</Text>
          <SegmentedControl size="xs" value={state} onChange={(v) => setState(v as typeof state)}
            data={(['open', 'closed', 'all'] as const).map((s) => ({ value: s, label: t(`proactive.cases.state.${s}`) }))} />
        </Stack>
        {error && <Alert color="red" mx="sm">{error}</Alert>}
        <ScrollArea style={{ flex: 1 }} data-testid="cc-list">
          <Stack gap={4} p="sm" pt={0}>
            {rows?.length === 0 && <Text size="sm" c="dimmed">{t('proactive.cases.empty')}</Text>}
            {rows?.map((c) => {
              const k = c.counters[0];
              return (
                <UnstyledButton key={c.id} onClick={() => setChosen(c.id)} data-testid="cc-list-item"
                  style={{ padding: 8, borderRadius: 6, background: c.id === chosen ? 'var(--mantine-color-blue-light)' : undefined }}>
                  <Group justify="space-between" wrap="nowrap" gap={4}>
                    <Text size="sm" fw={600} truncate>{c.title}</Text>
                    <Badge size="xs" color={c.state === 'open' ? 'blue' : 'gray'}>{t(`proactive.cases.state.${c.state}`)}</Badge>
                  </Group>
                  <Text size="xs" c="dimmed">{c.number} · {t('proactive.cases.members', { count: c.members })}{c.leadDepartment ? ` · ${c.leadDepartment}` : ''}</Text>
                  {k && <Progress mt={4} size="sm" value={Math.min(100, (k.value / k.target) * 100)} aria-label={k.label} />}
                </UnstyledButton>
              );
            })}
          </Stack>
        </ScrollArea>
      </Paper>
      <ScrollArea style={{ flex: 1 }}>
        {detail && detail.id === chosen
          ? <ClassCaseWorkspace detail={detail} onChange={(d) => { setDetail(d); void load(); }} />
          : <Text c="dimmed" p="md">{t('proactive.cases.pick')}</Text>}
      </ScrollArea>
    </Group>
  );
}

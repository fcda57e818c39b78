import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Group, Loader, Paper, ScrollArea, SegmentedControl, Stack, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ConsultationDetail, ConsultationRow } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { useSession } from '../../state/session';
import { errorMessage } from '../../i18n';
import { QueueList } from '../../consultation/QueueList';
import { ItemWorkspace } from '../../consultation/ItemWorkspace';
import { DutyRoster, OnDutyNow } from '../../consultation/DutyPanel';
import { HardItems } from '../../consultation/HardItems';
import { MonthlyList } from '../../consultation/MonthlyList';
import { useConsultationAlerts } from '../../consultation/useConsultationAlerts';

type Scope = 'open' | 'mine' | 'all' | 'closed';

/** CPPCC members', liaison experts' and shift leads' consultation workspace (政协直通车). */
export function ConsultationQueue() {
  const { t } = useTranslation();
  const { api } = useApi();
  const { session } = useSession();
  const roles = session?.user.roles ?? [];
  const lead = roles.includes('shift_lead');
  const [tab, setTab] = useState<string | null>('queue');
  const [scope, setScope] = useState<Scope>('open');
  const [rows, setRows] = useState<ConsultationRow[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [item, setItem] = useState<ConsultationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [claiming, setClaiming] = useState<string | null>(null);
  const alerts = useConsultationAlerts();

  const loadRows = useCallback(() => {
    void api.request('consultation.queue', { scope, limit: 2000 }).then((r) => (r.ok ? setRows(r.value) : setError(errorMessage(r.error))));
  }, [api, scope]);
  const loadItem = useCallback((id: string) => {
    void api.request('consultation.get', { id }).then((r) => (r.ok ? setItem(r.value) : setError(errorMessage(r.error))));
  }, [api]);

  useEffect(() => { loadRows(); }, [loadRows]);
  useEffect(() => { if (selected) loadItem(selected); else setItem(null); }, [selected, loadItem]);
  useEffect(() => api.on('consultation.changed', (e) => {
    loadRows();
    if (e.item.id === selected) loadItem(e.item.id);
  }), [api, loadRows, loadItem, selected]);

  const open = (id: string) => { setSelected(id); setTab('queue'); };
  const claim = async (row: ConsultationRow) => {
    setClaiming(row.id);
    const r = await api.request('consultation.claim', { id: row.id });
    setClaiming(null);
    if (!r.ok) {
      const by = r.error.details?.claimedBy;
      notifications.show({ color: 'red', message: typeof by === 'string' ? t('consultation.claimedBy', { name: by }) : errorMessage(r.error) });
      loadRows();
      return;
    }
    notifications.show({ color: 'teal', message: t('consultation.claimed', { number: row.number }) });
    setSelected(row.id);
    setItem(r.value);
  };
  const urgent = alerts.filter((a) => a.kind !== 'new_item');

  return (
    <Tabs value={tab} onChange={setTab} keepMounted={false} style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
      <Tabs.List px="sm">
        <Tabs.Tab value="queue" data-testid="ctab-queue">{t('consultation.title')}</Tabs.Tab>
        {lead && <Tabs.Tab value="hard" data-testid="ctab-hard">{t('consultation.tabs.hard')}</Tabs.Tab>}
        <Tabs.Tab value="monthly" data-testid="ctab-monthly">{t('consultation.tabs.monthly')}</Tabs.Tab>
        <Tabs.Tab value="roster" data-testid="ctab-roster">{t('consultation.tabs.roster')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="queue" style={{ flex: 1, minHeight: 0, display: 'flex' }}>
        <Group align="stretch" p="sm" gap="sm" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
          {/* Wider on a wide screen, so that titles are read, not guessed; never narrower than 600 px. */}
          <Stack gap="sm" style={{ minHeight: 0, flexShrink: 0, width: 'clamp(600px, 44%, 860px)' }}>
            <Paper withBorder p="sm"><OnDutyNow /></Paper>
            {urgent.length > 0 && (
              <Alert color="orange" variant="light" p="xs" data-testid="consultation-alerts">
                <Stack gap={2}>{urgent.slice(0, 4).map((a) => (
                  <Text key={`${a.kind}${a.itemId}${a.measure ?? ''}`} size="xs" c={a.kind.endsWith('overdue') ? 'red' : 'orange'} style={{ cursor: 'pointer' }} onClick={() => open(a.itemId)}>
                    {t(`consultation.alerts.${a.kind}`, { number: a.number, title: a.title, measure: a.measure ?? '' })}</Text>))}
                  {urgent.length > 4 && <Text size="xs" c="dimmed">…（{urgent.length}）</Text>}
                </Stack>
              </Alert>
            )}
            <Paper withBorder style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
              <Group justify="space-between" p="sm" wrap="nowrap">
                <Group gap="xs"><Title order={4}>{scope === 'open' ? t('consultation.queueTitle') : t(`consultation.tabs.${scope}`)}</Title>
                  {rows && <Badge variant="light" data-testid="queue-count">{rows.length}</Badge>}</Group>
                <SegmentedControl size="xs" value={scope} onChange={(v) => setScope(v as Scope)} data-testid="queue-scope"
                  data={(['open', 'mine', 'all', 'closed'] as const).map((s) => ({ value: s, label: t(`consultation.tabs.${s}`) }))} />
              </Group>
              {error && <Alert color="red" mx="sm">{error}</Alert>}
              {!rows ? <Loader m="md" /> : (
                <QueueList rows={rows} selectedId={selected} onOpen={(r) => setSelected(r.id)} testId="consultation-queue"
                  onClaim={roles.some((r) => r === 'cppcc_member' || r === 'liaison_expert') ? (r) => void claim(r) : undefined} claiming={claiming}
                  empty={scope === 'open' ? t('consultation.empty') : t('agentDesk.empty')} />
              )}
            </Paper>
          </Stack>
          <Paper withBorder p="md" style={{ flex: 1, minWidth: 0, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
            {item ? <ItemWorkspace key={item.id} item={item} onChange={(next) => { setItem(next); loadRows(); }} />
              : <Text c="dimmed" size="sm" data-testid="consultation-empty">{rows && rows.length === 0 && scope === 'open' ? t('consultation.empty') : t('consultation.select')}</Text>}
          </Paper>
        </Group>
      </Tabs.Panel>
      {lead && (
        <Tabs.Panel value="hard" style={{ flex: 1, minHeight: 0, display: 'flex' }} p="sm">
          <HardItems onOpen={(r) => open(r.id)} />
        </Tabs.Panel>
      )}
      <Tabs.Panel value="monthly" p="sm" style={{ flex: 1, minHeight: 0 }}>
        <ScrollArea h="100%"><MonthlyList onOpen={open} /></ScrollArea>
      </Tabs.Panel>
      <Tabs.Panel value="roster" p="sm" style={{ flex: 1, minHeight: 0 }}>
        <ScrollArea h="100%"><DutyRoster canEdit={lead || roles.includes('admin')} /></ScrollArea>
      </Tabs.Panel>
    </Tabs>
  );
}

import { useEffect, useState } from 'react';
import { Group, Paper, SimpleGrid, Table, Text, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LEAD_CONSULT_QUEUES, LEAD_QUEUES, type KpiReport, type LeadConsultCounts, type LeadConsultQueue, type LeadQueue, type LeadQueueCounts, type LeadRates } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { useSession } from '../../state/session';
import { FigureListDrawer } from './FigureListDrawer';
import { ConsultListDrawer } from './ConsultListDrawer';

/** Figures a lead wants at zero: red while they are not. */
const ALARM: ReadonlySet<LeadQueue | LeadConsultQueue> = new Set(['overdue', 'returns', 'extensions', 'claim_overdue', 'measures_overdue']);
/** The rates compared per period: 三率 and on-time reply. */
const RATES = ['response', 'resolution', 'satisfaction', 'onTimeClosure'] as const;
/** Read again on every change main reports, and now and then for a missed one. */
const FALLBACK_REFRESH_MS = 5 * 60_000;

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

function RateCell({ current, previous, rate, testId }: { current: KpiReport; previous: KpiReport; rate: (typeof RATES)[number]; testId: string }) {
  const { t } = useTranslation();
  const now = current.rates[rate];
  const before = previous.rates[rate];
  const delta = now !== null && before !== null ? (now - before) * 100 : null;
  return (
    <Table.Td data-testid={testId}>
      <Group gap={6} wrap="nowrap">
        <Text fw={700}>{pct(now)}</Text>
        <Tooltip label={t('wallboard.queues.previous', { value: pct(before) })}>
          <Text size="xs" c={delta === null || Math.abs(delta) < 0.05 ? 'dimmed' : delta > 0 ? 'teal' : 'red'}>
            {delta === null ? t('wallboard.queues.noCompare') : Math.abs(delta) < 0.05 ? t('wallboard.queues.same') : `${delta > 0 ? '▲' : '▼'} ${Math.abs(delta).toFixed(1)}`}
          </Text>
        </Tooltip>
      </Group>
    </Table.Td>
  );
}

/**
 * The lead's ticket queues: 待派单, 待签收, 今日到期, 已超期, 退回待审, 延期待审, each a button
 * that opens the list behind it (FigureListDrawer); the consultation figures 未认领升级,
 * 超认领时限 and 措施逾期, each opening its read list (ConsultListDrawer); and 三率 with on-time
 * reply for today, this week and this month against the period before. Counts are indexed counts in main and the rates
 * come from the daily counts, so reading them on each stats.changed costs little.
 */
export function QueuesPanel() {
  const { t } = useTranslation();
  const { api, connected } = useApi();
  const { session } = useSession();
  /** The items behind the consultation figures are a shift lead's to read; an admin sees the figures. */
  const mayList = session?.user.roles.includes('shift_lead') ?? false;
  const [counts, setCounts] = useState<LeadQueueCounts | null>(null);
  const [rates, setRates] = useState<LeadRates | null>(null);
  const [consult, setConsult] = useState<LeadConsultCounts | null>(null);
  const [open, setOpen] = useState<LeadQueue | null>(null);
  const [openConsult, setOpenConsult] = useState<LeadConsultQueue | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!connected) return undefined;
    let live = true;
    let reading = false;
    let again = false;
    const load = async () => {
      if (reading) { again = true; return; }
      reading = true;
      try {
        do {
          again = false;
          const [c, r, k] = await Promise.all([api.request('wallboard.queues', {}), api.request('wallboard.rates', {}), api.request('wallboard.consultQueues', {})]);
          if (!live) return;
          if (c.ok) setCounts(c.value);
          if (r.ok) setRates(r.value);
          if (k.ok) setConsult(k.value);
        } while (again && live);
      } finally { reading = false; }
    };
    void load();
    const offStats = api.on('stats.changed', () => void load());
    const offConsult = api.on('consultation.changed', () => void load());
    const id = setInterval(() => void load(), FALLBACK_REFRESH_MS);
    return () => { live = false; offStats(); offConsult(); clearInterval(id); };
  }, [api, connected, tick]);

  return (
    <Paper withBorder p="md" radius="md" data-testid="wb-queues">
      <Group justify="space-between" mb="sm">
        <Title order={5}>{t('wallboard.queues.title')}</Title>
        <Text size="xs" c="dimmed">{t('wallboard.queues.hint')}</Text>
      </Group>
      <SimpleGrid cols={{ base: 3, lg: 6 }} mb="md">
        {LEAD_QUEUES.map((q) => {
          const n = counts?.[q] ?? null;
          return (
            <UnstyledButton key={q} onClick={() => setOpen(q)} data-testid={`queue-${q}`} aria-label={t(`wallboard.queues.names.${q}`)}
              style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8, padding: '8px 12px' }}>
              <Text size="sm" c="dimmed">{t(`wallboard.queues.names.${q}`)}</Text>
              <Text fz={30} fw={700} c={n && ALARM.has(q) ? 'red' : undefined} data-testid={`queue-count-${q}`}>{n === null ? '—' : n.toLocaleString('zh-CN')}</Text>
            </UnstyledButton>
          );
        })}
      </SimpleGrid>
      <Text size="sm" fw={600} mb={4}>{t('wallboard.queues.consult.title')}</Text>
      <SimpleGrid cols={{ base: 3, lg: 6 }} mb="md">
        {LEAD_CONSULT_QUEUES.map((q) => {
          const n = consult?.[q] ?? null;
          return (
            <UnstyledButton key={q} onClick={() => setOpenConsult(q)} disabled={!mayList} data-testid={`queue-${q}`} aria-label={t(`wallboard.queues.consult.names.${q}`)}
              title={mayList ? undefined : t('wallboard.queues.consult.leadOnly')}
              style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8, padding: '8px 12px', cursor: mayList ? undefined : 'default' }}>
              <Text size="sm" c="dimmed">{t(`wallboard.queues.consult.names.${q}`)}</Text>
              <Text fz={30} fw={700} c={n && ALARM.has(q) ? 'red' : undefined} data-testid={`queue-count-${q}`}>{n === null ? '—' : n.toLocaleString('zh-CN')}</Text>
            </UnstyledButton>
          );
        })}
      </SimpleGrid>
      {rates && (
        <Table withTableBorder withColumnBorders data-testid="wb-rates">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('wallboard.queues.period')}</Table.Th>
              {RATES.map((r) => <Table.Th key={r}>{t(`wallboard.kpi.${r}`)}</Table.Th>)}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(['day', 'week', 'month'] as const).map((p) => (
              <Table.Tr key={p}>
                <Table.Td>{t(`wallboard.queues.periods.${p}`)}</Table.Td>
                {RATES.map((r) => <RateCell key={r} current={rates[p].current} previous={rates[p].previous} rate={r} testId={`rate-${p}-${r}`} />)}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <FigureListDrawer queue={open} title={open ? t(`wallboard.queues.names.${open}`) : ''} onClose={() => setOpen(null)} onChanged={() => setTick((n) => n + 1)} />
      <ConsultListDrawer queue={openConsult} title={openConsult ? t(`wallboard.queues.consult.names.${openConsult}`) : ''} onClose={() => setOpenConsult(null)} />
    </Paper>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { ActionIcon, Badge, Button, Checkbox, Group, Modal, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DateField, TimeField } from '../../components/DateFields';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { DutyPatternView, DutyPerson, DutyShiftView } from '../../../../shared/contract';
import { addDays, isoWeekday } from '../../../../shared/domain/china-time';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { formatTime } from '../../format/time';
import { todayBeijing } from '../format';

const hhmm = (iso: string) => formatTime(iso).slice(0, 5);
const mondayOf = (date: string) => addDays(date, 1 - isoWeekday(date));

/** Who is on duty now, kept fresh by roster changes and a minute tick. */
export function OnDutyNow() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [shifts, setShifts] = useState<DutyShiftView[] | null>(null);
  useEffect(() => {
    const load = () => void api.request('duty.now', {}).then((r) => { if (r.ok) setShifts(r.value); });
    load();
    const timer = setInterval(load, 60_000);
    const off = api.on('duty.changed', load);
    return () => { clearInterval(timer); off(); };
  }, [api]);
  return (
    <Stack gap={6} data-testid="on-duty-now">
      <Title order={5}>{t('consultation.dutyTitle')}</Title>
      {shifts && shifts.length === 0 && <Text c="dimmed" size="sm">{t('consultation.dutyEmpty')}</Text>}
      {shifts?.map((s) => (
        <Group key={`${s.patternId}-${s.userId}`} gap={6} wrap="nowrap">
          <Badge size="xs" color={s.desk === 'studio' ? 'grape' : 'teal'} variant="light">{t(`consultation.desks.${s.desk}`)}</Badge>
          <Text size="sm" truncate>{s.userName}</Text>
          <Text size="xs" c="dimmed">{hhmm(s.start)}–{hhmm(s.end) === '00:00' ? '24:00' : hhmm(s.end)}</Text>
        </Group>
      ))}
    </Stack>
  );
}

/** The duty roster (轮值坐班): a week calendar, the weekly patterns, and swaps for shift leads. */
export function DutyRoster({ canEdit }: {
  /** Shift leads and admins edit patterns and swap shifts. */
  canEdit: boolean;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [monday, setMonday] = useState(() => mondayOf(todayBeijing()));
  const [data, setData] = useState<{ shifts: DutyShiftView[]; patterns: DutyPatternView[] } | null>(null);
  const [people, setPeople] = useState<DutyPerson[]>([]);
  const [editing, setEditing] = useState<Partial<DutyPatternView> | null>(null);
  const [swap, setSwap] = useState<DutyShiftView | null>(null);
  const load = useCallback(() => {
    void api.request('duty.roster', { from: monday, to: addDays(monday, 6) }).then((r) => { if (r.ok) setData(r.value); });
  }, [api, monday]);
  useEffect(() => { load(); return api.on('duty.changed', load); }, [api, load]);
  useEffect(() => { void api.request('duty.people', {}).then((r) => { if (r.ok) setPeople(r.value); }); }, [api]);
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  const today = todayBeijing();
  const del = async (id: string) => {
    const r = await api.request('duty.deletePattern', { id });
    if (!r.ok) notifications.show({ color: 'red', message: errorMessage(r.error) });
  };

  return (
    <Stack gap="sm" data-testid="duty-roster">
      <Group justify="space-between">
        <Title order={5}>{t('consultation.duty.week')}（{monday} – {addDays(monday, 6)}）</Title>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => setMonday(addDays(monday, -7))}>{t('consultation.duty.prevWeek')}</Button>
          <Button size="xs" variant="default" onClick={() => setMonday(addDays(monday, 7))}>{t('consultation.duty.nextWeek')}</Button>
        </Group>
      </Group>
      <SimpleGrid cols={7} spacing={4}>
        {days.map((d, i) => {
          const shifts = data?.shifts.filter((s) => s.date === d) ?? [];
          return (
            <Paper key={d} withBorder p={6} bg={d === today ? 'var(--mantine-color-grape-light)' : undefined} mih={120}>
              <Text size="xs" fw={700}>{t(`consultation.duty.weekdayNames.${i + 1}`)} {d.slice(5)}</Text>
              {shifts.length === 0 && <Text size="xs" c="dimmed">{t('consultation.duty.noShifts')}</Text>}
              {shifts.map((s) => (
                <Paper key={`${s.patternId}-${s.userId}`} mt={4} p={4} radius="sm" bg={s.desk === 'studio' ? 'var(--mantine-color-violet-light)' : 'var(--mantine-color-teal-light)'}
                  style={{ cursor: canEdit ? 'pointer' : undefined }} onClick={() => canEdit && setSwap(s)} title={canEdit ? t('consultation.duty.swap') : undefined}>
                  <Text size="xs" fw={600} truncate>{s.userName}</Text>
                  <Text size="xs">{hhmm(s.start)}–{hhmm(s.end) === '00:00' ? '24:00' : hhmm(s.end)}</Text>
                  {s.swappedFromName && <Text size="xs" c="orange">{t('consultation.duty.swappedFrom', { name: s.swappedFromName })}</Text>}
                </Paper>
              ))}
            </Paper>
          );
        })}
      </SimpleGrid>
      <Group justify="space-between">
        <Title order={5}>{t('consultation.duty.patterns')}</Title>
        {canEdit && <Button size="xs" onClick={() => setEditing({ weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '17:30', validFrom: today, validUntil: null })} data-testid="pattern-add">{t('consultation.duty.addPattern')}</Button>}
      </Group>
      <Table withTableBorder striped>
        <Table.Thead><Table.Tr><Table.Th>{t('consultation.duty.person')}</Table.Th><Table.Th>{t('consultation.duty.desk')}</Table.Th><Table.Th>{t('consultation.duty.weekdays')}</Table.Th>
          <Table.Th>{t('consultation.duty.start')}–{t('consultation.duty.end')}</Table.Th><Table.Th>{t('consultation.duty.validFrom')}</Table.Th>{canEdit && <Table.Th />}</Table.Tr></Table.Thead>
        <Table.Tbody>
          {data?.patterns.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>{p.userName}</Table.Td><Table.Td>{t(`consultation.desks.${p.desk}`)}</Table.Td>
              <Table.Td>{p.weekdays.map((w) => t(`consultation.duty.weekdayNames.${w}`)).join('、')}</Table.Td>
              <Table.Td>{p.start}–{p.end}</Table.Td><Table.Td>{p.validFrom}{p.validUntil ? ` – ${p.validUntil}` : ' –'}</Table.Td>
              {canEdit && <Table.Td><Group gap={4}><Button size="compact-xs" variant="subtle" onClick={() => setEditing(p)}>{t('consultation.duty.edit')}</Button>
                <ActionIcon size="sm" variant="subtle" color="red" aria-label={t('consultation.duty.delete')} onClick={() => void del(p.id)}>×</ActionIcon></Group></Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {editing && <PatternModal initial={editing} people={people} onClose={() => setEditing(null)} />}
      {swap && <SwapModal shift={swap} people={people} onClose={() => setSwap(null)} />}
    </Stack>
  );
}

function PatternModal({ initial, people, onClose }: {
  /** The pattern edited, or defaults for a new one. */
  initial: Partial<DutyPatternView>;
  /** Members and experts who can be on duty. */
  people: DutyPerson[];
  /** Closes the dialog. */
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [p, setP] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const person = people.find((x) => x.id === p.userId);
  const save = async () => {
    if (!p.userId || !p.desk) return;
    const r = await api.request('duty.savePattern', {
      ...(p.id ? { id: p.id } : {}), userId: p.userId, desk: p.desk, weekdays: p.weekdays ?? [], start: p.start ?? '', end: p.end ?? '',
      validFrom: p.validFrom ?? '', validUntil: p.validUntil || null,
    });
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={t('consultation.duty.addPattern')}>
      <Stack gap="xs">
        <Select label={t('consultation.duty.person')} data={people.map((x) => ({ value: x.id, label: x.name }))} value={p.userId ?? null}
          onChange={(v) => { const who = people.find((x) => x.id === v); setP({ ...p, userId: v ?? undefined, desk: who?.desks[0] }); }} />
        <Select label={t('consultation.duty.desk')} data={(person?.desks ?? []).map((d) => ({ value: d, label: t(`consultation.desks.${d}`) }))} value={p.desk ?? null}
          onChange={(v) => setP({ ...p, desk: (v ?? undefined) as DutyPatternView['desk'] | undefined })} />
        <Checkbox.Group label={t('consultation.duty.weekdays')} value={(p.weekdays ?? []).map(String)} onChange={(v) => setP({ ...p, weekdays: v.map(Number) })}>
          <Group gap="xs" mt={4}>{[1, 2, 3, 4, 5, 6, 7].map((d) => <Checkbox key={d} value={String(d)} label={t(`consultation.duty.weekdayNames.${d}`)} />)}</Group>
        </Checkbox.Group>
        <Group grow>
          <TimeField label={t('consultation.duty.start')} value={p.start ?? ''} onChange={(v) => setP({ ...p, start: v })} />
          <TimeField label={t('consultation.duty.end')} value={p.end ?? ''} onChange={(v) => setP({ ...p, end: v })} />
        </Group>
        <Group grow>
          <DateField label={t('consultation.duty.validFrom')} value={p.validFrom ?? ''} onChange={(v) => setP({ ...p, validFrom: v })} />
          <DateField label={t('consultation.duty.validUntil')} value={p.validUntil ?? ''} onChange={(v) => setP({ ...p, validUntil: v || null })} clearable />
        </Group>
        {error && <Text c="red" size="sm">{error}</Text>}
        <Group justify="flex-end"><Button variant="default" onClick={onClose}>{t('admin.users.cancel')}</Button>
          <Button disabled={!p.userId || !p.desk} onClick={() => void save()}>{t('admin.users.save')}</Button></Group>
      </Stack>
    </Modal>
  );
}

function SwapModal({ shift, people, onClose }: {
  /** The shift handed over. */
  shift: DutyShiftView;
  /** Members and experts who can take it. */
  people: DutyPerson[];
  /** Closes the dialog. */
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [who, setWho] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    const r = await api.request('duty.swap', { patternId: shift.patternId, date: shift.date, replacementUserId: who, reason });
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title={t('consultation.duty.swapTitle', { name: shift.userName, date: shift.date })}>
      <Stack gap="xs">
        <Select clearable label={t('consultation.duty.replacement')} value={who} onChange={setWho}
          data={people.filter((p) => p.desks.includes(shift.desk) && p.id !== shift.userId).map((p) => ({ value: p.id, label: p.name }))} />
        <TextInput label={t('consultation.duty.swapReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        {error && <Text c="red" size="sm">{error}</Text>}
        <Group justify="flex-end"><Button variant="default" onClick={onClose}>{t('admin.users.cancel')}</Button>
          <Button disabled={!/[\p{L}\p{N}]/u.test(reason)} onClick={() => void save()}>{t('consultation.duty.swap')}</Button></Group>
      </Stack>
    </Modal>
  );
}

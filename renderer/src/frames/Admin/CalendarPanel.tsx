import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Group, NumberInput, SimpleGrid, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { CalendarYear } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';

const lines = (text: string) => text.split(/[\s,，]+/).map((x) => x.trim()).filter(Boolean);

/** The working-day calendar by year: holidays and make-up working days, one date per line. */
export function CalendarPanel() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [years, setYears] = useState<CalendarYear[]>([]);
  const [year, setYear] = useState<number | string>(new Date().getFullYear() + 1);
  const [holidays, setHolidays] = useState('');
  const [workdays, setWorkdays] = useState('');
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => { void api.request('calendar.list', {}).then((r) => r.ok && setYears(r.value)); }, [api]);
  useEffect(load, [load]);
  useEffect(() => {
    const y = years.find((x) => x.year === Number(year));
    setHolidays(y?.holidays.join('\n') ?? '');
    setWorkdays(y?.workdays.join('\n') ?? '');
  }, [year, years]);

  const save = async () => {
    const r = await api.request('calendar.setYear', { year: Number(year), holidays: lines(holidays), workdays: lines(workdays) });
    if (!r.ok) {
      const issue = r.error.issues?.[0];
      setError(issue ? t(`calendar.problems.${issue.problem}`, { date: r.error.details?.date ?? '', defaultValue: errorMessage(r.error) }) : errorMessage(r.error));
      return;
    }
    setError(null);
    notifications.show({ color: 'teal', message: t('admin.users.saved') });
    load();
  };

  return (
    <Stack maw={900}>
      <Text size="sm" c="dimmed">{t('calendar.hint')}</Text>
      <Group gap="xs">{years.map((y) => <Badge key={y.year} variant={y.source === 'admin' ? 'filled' : 'light'}>{y.year} · {t(`calendar.source.${y.source}`)}</Badge>)}</Group>
      {error && <Alert color="red">{error}</Alert>}
      <NumberInput w={160} label={t('calendar.year')} min={2020} max={2100} value={year} onChange={setYear} />
      <SimpleGrid cols={2}>
        <Textarea label={t('calendar.holidays')} autosize minRows={8} maxRows={16} value={holidays} onChange={(e) => setHolidays(e.currentTarget.value)} ff="monospace" />
        <Textarea label={t('calendar.workdays')} autosize minRows={8} maxRows={16} value={workdays} onChange={(e) => setWorkdays(e.currentTarget.value)} ff="monospace" />
      </SimpleGrid>
      <Group justify="flex-end"><Button onClick={() => void save()}>{t('admin.users.save')}</Button></Group>
    </Stack>
  );
}

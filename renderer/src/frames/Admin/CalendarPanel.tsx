import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Group, NumberInput, SimpleGrid, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { CalendarYear, ContractError } from '../../../../shared/contract';
import { validateWorkingDayCalendar } from '../../../../shared/domain/working-days';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';

const lines = (text: string) => text.split(/[\s,，]+/).map((x) => x.trim()).filter(Boolean);

type Field = 'year' | 'holidays' | 'workdays';
export type CalendarFieldErrors = Partial<Record<Field, string>>;

/**
 * Everything wrong with the lists before they are sent, each message on the field it concerns
 * (every bad line, not only the first), so that the fields marked red say why.
 */
export function checkCalendarForm(t: TFunction, year: number, holidays: string[], workdays: string[]): CalendarFieldErrors {
  const out: Record<'holidays' | 'workdays', string[]> = { holidays: [], workdays: [] };
  if (!Number.isInteger(year) || year < 2020 || year > 2100) return { year: t('consultCalendar.badYear') };
  for (const issue of validateWorkingDayCalendar({ holidays, workdays })) {
    if (issue.code === 'invalid_date') out[issue.list].push(t('consultCalendar.invalidLine', { value: issue.value }));
    else if (issue.code === 'duplicate_date') out[issue.list].push(t('calendar.problems.duplicate_date', { date: issue.date }));
    else out.workdays.push(t(`calendar.problems.${issue.code}`, { date: issue.date }));
  }
  for (const list of ['holidays', 'workdays'] as const) {
    const other = (list === 'holidays' ? holidays : workdays).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && Number(d.slice(0, 4)) !== year);
    for (const d of other) out[list].push(t('calendar.problems.other_year', { date: d }));
  }
  const errors: CalendarFieldErrors = {};
  if (out.holidays.length) errors.holidays = out.holidays.join('；');
  if (out.workdays.length) errors.workdays = out.workdays.join('；');
  return errors;
}

/** A refusal from main, put on the field it names ("holidays", "workdays.3", "year"). */
function serverFieldErrors(t: TFunction, error: ContractError): CalendarFieldErrors | null {
  const issue = error.issues?.[0];
  const field = issue?.path.split('.')[0];
  if (!issue || (field !== 'year' && field !== 'holidays' && field !== 'workdays')) return null;
  return { [field]: t(`calendar.problems.${issue.problem}`, { date: error.details?.date ?? '', defaultValue: t('consultCalendar.fieldInvalid') }) };
}

/** The working-day calendar by year: holidays and make-up working days, one date per line. */
export function CalendarPanel() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [years, setYears] = useState<CalendarYear[]>([]);
  const [year, setYear] = useState<number | string>(new Date().getFullYear() + 1);
  const [holidays, setHolidays] = useState('');
  const [workdays, setWorkdays] = useState('');
  const [fields, setFields] = useState<CalendarFieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => { void api.request('calendar.list', {}).then((r) => r.ok && setYears(r.value)); }, [api]);
  useEffect(load, [load]);
  useEffect(() => {
    const y = years.find((x) => x.year === Number(year));
    setHolidays(y?.holidays.join('\n') ?? '');
    setWorkdays(y?.workdays.join('\n') ?? '');
    setFields({});
  }, [year, years]);

  const save = async () => {
    setError(null);
    const local = checkCalendarForm(t, Number(year), lines(holidays), lines(workdays));
    setFields(local);
    if (Object.keys(local).length > 0) return;
    const r = await api.request('calendar.setYear', { year: Number(year), holidays: lines(holidays), workdays: lines(workdays) });
    if (!r.ok) {
      const onField = serverFieldErrors(t, r.error);
      if (onField) setFields(onField);
      else setError(errorMessage(r.error));
      return;
    }
    notifications.show({ color: 'teal', message: t('admin.users.saved') });
    load();
  };
  const bad = Object.keys(fields).length;

  return (
    <Stack maw={900}>
      <Text size="sm" c="dimmed">{t('calendar.hint')}</Text>
      <Group gap="xs">{years.map((y) => <Badge key={y.year} variant={y.source === 'admin' ? 'filled' : 'light'}>{y.year} · {t(`calendar.source.${y.source}`)}</Badge>)}</Group>
      {error && <Alert color="red">{error}</Alert>}
      {bad > 0 && <Alert color="red" data-testid="calendar-fix">{t('consultCalendar.fix', { count: bad })}</Alert>}
      <NumberInput w={160} label={t('calendar.year')} min={2020} max={2100} value={year} error={fields.year}
        onChange={(v) => { setYear(v); setFields({}); }} />
      <SimpleGrid cols={2}>
        <Textarea label={t('calendar.holidays')} autosize minRows={8} maxRows={16} value={holidays} ff="monospace" error={fields.holidays} data-testid="calendar-holidays"
          onChange={(e) => { setHolidays(e.currentTarget.value); setFields((f) => ({ ...f, holidays: undefined })); }} />
        <Textarea label={t('calendar.workdays')} autosize minRows={8} maxRows={16} value={workdays} ff="monospace" error={fields.workdays} data-testid="calendar-workdays"
          onChange={(e) => { setWorkdays(e.currentTarget.value); setFields((f) => ({ ...f, workdays: undefined })); }} />
      </SimpleGrid>
      <Group justify="flex-end"><Button onClick={() => void save()} data-testid="calendar-save">{t('admin.users.save')}</Button></Group>
    </Stack>
  );
}

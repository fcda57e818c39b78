import { useState, type ReactNode } from 'react';
import { DateInput, DatesProvider, MonthPickerInput, TimePicker, type DateInputProps } from '@mantine/dates';
import 'dayjs/locale/zh-cn';

/**
 * Date, time and month fields that read the same on every machine: Chinese month and weekday
 * names, weeks from Monday, dates as 2026-11-28 and times on the 24-hour clock. Native
 * `<input type="date">` follows the OS language instead (mm/dd/yyyy and English months on an
 * English Windows), so the console never uses it.
 */

/** Wraps the app (and component tests) so every date picker speaks Chinese. */
export function ChineseDates({ children }: { /** The app. */ children: ReactNode }) {
  return <DatesProvider settings={{ locale: 'zh-cn', firstDayOfWeek: 1, weekendDays: [0, 6] }}>{children}</DatesProvider>;
}

const DAY = /^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$/u;

/** A typed date as YYYY-MM-DD: 2026-11-28, 2026/11/28, 2026.11.28, 2026年11月28日 (full-width digits too); null if not a date. */
export function parseChineseDate(typed: string): string | null {
  const m = DAY.exec(typed.normalize('NFKC'));
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

type DateFieldProps = Omit<DateInputProps, 'value' | 'onChange' | 'minDate' | 'maxDate'> & {
  /** The day as YYYY-MM-DD, or '' for none. */
  value: string;
  /** Called with YYYY-MM-DD, or '' when cleared. */
  onChange(value: string): void;
  /** Earliest day allowed (YYYY-MM-DD). */
  min?: string;
  /** Latest day allowed (YYYY-MM-DD). */
  max?: string;
};

/**
 * A day: typed (2026-11-28, 2026年11月28日) or picked from a Chinese calendar. The calendar
 * closes once a typed day is recognised (it would otherwise cover the form's buttons below) and
 * opens again on a click into the field.
 */
export function DateField({ value, onChange, min, max, onFocus, onClick, ...rest }: DateFieldProps) {
  const [calendarClosed, setCalendarClosed] = useState(false);
  return (
    <DateInput {...rest} value={value || null} valueFormat="YYYY-MM-DD" dateParser={parseChineseDate}
      onChange={(v) => { onChange(v ?? ''); if (v) setCalendarClosed(true); }}
      onFocus={(e) => { setCalendarClosed(false); onFocus?.(e); }} onClick={(e) => { setCalendarClosed(false); onClick?.(e); }}
      popoverProps={calendarClosed ? { ...rest.popoverProps, opened: false } : rest.popoverProps}
      // Days outside min..max are greyed in the calendar, but a typed one still reaches the form, whose own check says why it is refused.
      getDayProps={(day) => ({ disabled: Boolean((min && day < min) || (max && day > max)) })} placeholder={rest.placeholder ?? 'YYYY-MM-DD'}
      monthLabelFormat="YYYY年M月" yearLabelFormat="YYYY年" monthsListFormat="M月" />
  );
}

/** A time of day on the 24-hour clock (HH:mm). */
export function TimeField({ value, onChange, label, ...rest }: {
  /** HH:mm, or '' for none. */
  value: string;
  /** Called with HH:mm, or ''. */
  onChange(value: string): void;
  /** Field label. */
  label?: ReactNode;
  /** Marks the field as required. */
  required?: boolean;
  /** An error message shown below. */
  error?: ReactNode;
}) {
  return <TimePicker {...rest} label={label} value={value} onChange={(v) => onChange(v.slice(0, 5))} format="24h" withDropdown />;
}

/** A month (YYYY-MM), picked from a Chinese month list. */
export function MonthField({ value, onChange, label }: {
  /** YYYY-MM. */
  value: string;
  /** Called with YYYY-MM. */
  onChange(value: string): void;
  /** Field label. */
  label?: ReactNode;
}) {
  return <MonthPickerInput label={label} value={value ? `${value}-01` : null} onChange={(v) => v && onChange(v.slice(0, 7))} valueFormat="YYYY年M月" yearLabelFormat="YYYY年" monthsListFormat="M月" />;
}

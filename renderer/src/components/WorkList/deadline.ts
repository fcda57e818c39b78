import { CHINA_TIME_ZONE } from '../../../../shared/domain/china-time';

/**
 * How much time is left to a deadline, in the unit a liaison would say it: minutes within the
 * hour, hours within two days, days beyond. Returns an i18n key and count, so the words stay in
 * the catalogue.
 */
export function remaining(deadlineIso: string, now: Date): { key: string; n: number; overdue: boolean } {
  const ms = Date.parse(deadlineIso) - now.getTime();
  const overdue = ms < 0;
  const abs = Math.abs(ms);
  const minutes = Math.floor(abs / 60_000);
  const prefix = overdue ? 'desk.overdueBy' : 'desk.remaining';
  if (minutes < 60) return { key: `${prefix}.minutes`, n: Math.max(1, minutes), overdue };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { key: `${prefix}.hours`, n: hours, overdue };
  return { key: `${prefix}.days`, n: Math.floor(hours / 24), overdue };
}

/** "12月18日" in China time, whatever the machine's zone. */
const monthDay = new Intl.DateTimeFormat('zh-CN', { timeZone: CHINA_TIME_ZONE, month: 'long', day: 'numeric' });
export const formatMonthDay = (iso: string) => monthDay.format(new Date(iso));

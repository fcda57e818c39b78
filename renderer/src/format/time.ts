import { CHINA_TIME_ZONE, chinaDayNumber } from '../../../shared/domain/china-time';

/** Beijing time regardless of the machine's zone: the hotline's day starts at midnight in China. */
const fmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: CHINA_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});
const timeOnly = new Intl.DateTimeFormat('zh-CN', { timeZone: CHINA_TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export const formatDateTime = (iso: string | null | undefined) => (iso ? fmt.format(new Date(iso)).replace(/\//g, '-') : '');
export const formatTime = (iso: string | Date) => timeOnly.format(typeof iso === 'string' ? new Date(iso) : iso);
const hourMinute = new Intl.DateTimeFormat('zh-CN', { timeZone: CHINA_TIME_ZONE, hour: '2-digit', minute: '2-digit', hour12: false });

/** A time on a line that stays on screen all day: "10:42" today, the full date and time on another day. */
export const formatClock = (iso: string, now: Date = new Date()) => {
  const at = new Date(iso);
  return chinaDayNumber(at) === chinaDayNumber(now) ? hourMinute.format(at) : formatDateTime(iso);
};

/** Time spent in a state, as a wallboard shows it: 4:05, 1:02:09; a clock running behind shows 0:00. */
export function formatElapsed(sinceIso: string, now: Date): string {
  const total = Math.max(0, Math.floor((now.getTime() - Date.parse(sinceIso)) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Beijing time regardless of the machine's zone: the hotline's day starts at midnight in China. */
const fmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});
const timeOnly = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export const formatDateTime = (iso: string | null | undefined) => (iso ? fmt.format(new Date(iso)).replace(/\//g, '-') : '');
export const formatTime = (iso: string | Date) => timeOnly.format(typeof iso === 'string' ? new Date(iso) : iso);

import type { TFunction } from 'i18next';
import type { DeadlineFlag } from '../../../shared/contract';
import { chinaDateKey } from '../../../shared/domain/china-time';

/** How long an item has waited, in the largest whole unit. */
export function ageText(t: TFunction, fromIso: string, now = Date.now()): string {
  const min = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 60_000));
  if (min < 60) return t('consultation.age.minutes', { n: min });
  if (min < 48 * 60) return t('consultation.age.hours', { n: Math.floor(min / 60) });
  return t('consultation.age.days', { n: Math.floor(min / 1440) });
}

export const flagColor = (f: DeadlineFlag | null | undefined) => (f === 'overdue' ? 'red' : f === 'near' ? 'orange' : 'gray');

export const stageColor: Record<string, string> = {
  queued: 'blue', claimed: 'cyan', research: 'indigo', meeting: 'violet', measures: 'grape', report: 'teal', tracking: 'orange', feedback: 'lime', closed: 'gray',
};

/** Today's Beijing date as YYYY-MM-DD, for date inputs. */
export const todayBeijing = () => chinaDateKey(new Date());

/** A file the user chose, as base64 without the data-URL prefix. */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(file);
  });
}

/** Saves base64 content as a download (Word reports, attachments). */
export function downloadBase64(name: string, mime: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

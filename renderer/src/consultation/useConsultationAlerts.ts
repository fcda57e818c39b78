import { useEffect, useRef, useState } from 'react';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ConsultationAlert } from '../../../shared/contract';
import { useApi } from '../state/api';
import { useMaybeSession } from '../state/session';

const COLORS: Record<ConsultationAlert['kind'], string> = {
  new_item: 'grape', claim_deadline_near: 'orange', claim_overdue: 'red', measure_due_soon: 'orange', measure_overdue: 'red',
};

/**
 * Notifications for the consultation desks: a new item on my route is pushed by main at once;
 * deadlines coming near or passing are checked every minute. Each alert is shown once.
 */
export function useConsultationAlerts(): ConsultationAlert[] {
  const { t } = useTranslation();
  const { api } = useApi();
  const [alerts, setAlerts] = useState<ConsultationAlert[]>([]);
  const seen = useRef(new Set<string>());
  const me = useMaybeSession()?.session?.user.id ?? null;
  useEffect(() => {
    let first = true;
    const load = () => void api.request('consultation.alerts', {}).then((r) => {
      if (!r.ok) return;
      setAlerts(r.value);
      for (const a of r.value) {
        const key = `${a.kind}|${a.itemId}|${a.measure ?? ''}`;
        if (seen.current.has(key)) continue;
        seen.current.add(key);
        // On opening the frame, only what needs attention pops up; the list shows the rest.
        if (first && a.kind === 'new_item') continue;
        notifications.show({ color: COLORS[a.kind], message: t(`consultation.alerts.${a.kind}`, { number: a.number, title: a.title, measure: a.measure ?? '' }), autoClose: 8000 });
      }
      first = false;
    });
    load();
    const timer = setInterval(load, 60_000);
    const off = api.on('consultation.changed', (e) => {
      // Main sends 'created' only to the desks on the item's route and to shift leads.
      if (e.kind === 'created') {
        seen.current.add(`new_item|${e.item.id}|`);
        notifications.show({ color: 'grape', title: t('consultation.alerts.created', { number: e.item.number, title: '' }), message: e.item.title, autoClose: 8000 });
      }
      // A lead's 改派 is news for the member who had the item and for the one who has it now.
      const r = e.kind === 'reassigned' ? e.reassign : undefined;
      if (r && me && (r.toUserId === me || r.fromUserId === me)) {
        notifications.show({
          color: 'orange', autoClose: false, message: r.reason,
          title: t(r.toUserId === me ? 'consultation.alerts.reassignedToMe' : 'consultation.alerts.reassignedAway', { number: e.item.number, by: r.byName, to: r.toName, from: r.fromName ?? '' }),
        });
      }
      load();
    });
    return () => { clearInterval(timer); off(); };
  }, [api, t, me]);
  return alerts;
}

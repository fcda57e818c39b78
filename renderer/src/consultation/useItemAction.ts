import { useState } from 'react';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ConsultationDetail, RequestInput, RequestName, RequestOutput } from '../../../shared/contract';
import { useApi } from '../state/api';
import { errorMessage } from '../i18n';

type ItemRequest = { [N in RequestName]: RequestOutput<N> extends ConsultationDetail ? N : never }[RequestName];

/**
 * Runs a request that returns the item as it is afterwards: shows the error in Chinese (naming who
 * holds an item another member claimed first), or hands the new item to `onChange`.
 */
export function useItemAction(onChange: (next: ConsultationDetail) => void) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [busy, setBusy] = useState<string | null>(null);
  const run = async <N extends ItemRequest>(name: N, input: RequestInput<N>, done?: string): Promise<boolean> => {
    setBusy(name);
    const r = await api.request(name, input);
    setBusy(null);
    if (!r.ok) {
      const by = r.error.details?.claimedBy;
      notifications.show({ color: 'red', message: typeof by === 'string' ? t('consultation.claimedBy', { name: by }) : errorMessage(r.error) });
      return false;
    }
    if (done) notifications.show({ color: 'teal', message: done });
    onChange(r.value as ConsultationDetail);
    return true;
  };
  return { run, busy };
}

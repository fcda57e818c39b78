import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const colors: Record<string, string> = {
  registered: 'blue', resolved_directly: 'teal', dispatched: 'indigo', signed: 'cyan', returned: 'orange', handling: 'violet',
  extension_requested: 'yellow', replied: 'lime', reviewed: 'green', return_visit: 'green', closed: 'gray', reopened: 'red', merged: 'gray',
};

/** A ticket's status as a coloured badge; open states are coloured, finished ones grey. */
export function StatusBadge({ status }: { /** Ticket status id. */ status: string }) {
  const { t } = useTranslation();
  return <Badge size="sm" variant="light" color={colors[status] ?? 'gray'}>{t(`statuses.${status}`, { defaultValue: status })}</Badge>;
}

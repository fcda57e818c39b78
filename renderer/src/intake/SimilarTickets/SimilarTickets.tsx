import { useEffect, useState } from 'react';
import { Badge, Checkbox, Group, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SimilarTicket } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { formatDateTime } from '../../format/time';

/** Open tickets like the one being typed, offered for merging (并单) as the agent writes. */
export function SimilarTickets({ categoryId, districtCode, text, mergeInto, onMergeInto }: {
  /** The chosen category; nothing is looked up before one is chosen. */
  categoryId: string | null;
  /** The chosen district, narrowing the match. */
  districtCode: string | null;
  /** Title and content typed so far. */
  text: string;
  /** The ticket the new one will be merged into, if the agent chose one. */
  mergeInto: string | null;
  /** Chooses (or clears) the ticket to merge into. */
  onMergeInto(id: string | null): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [rows, setRows] = useState<SimilarTicket[]>([]);
  useEffect(() => {
    if (!categoryId || text.length < 8) { setRows([]); return; }
    // Debounced: the agent is typing.
    const id = setTimeout(() => {
      void api.request('tickets.similar', { categoryId, districtCode: districtCode ?? undefined, text: text.slice(0, 4000), limit: 5 })
        .then((r) => r.ok && setRows(r.value));
    }, 400);
    return () => clearTimeout(id);
  }, [api, categoryId, districtCode, text]);
  if (rows.length === 0) return null;
  return (
    <Paper withBorder p="xs" bg="var(--mantine-color-yellow-light)" data-testid="similar-tickets">
      <Stack gap={4}>
        <Text size="sm" fw={600}>{t('intake.similar.title', { count: rows.length })}</Text>
        {rows.map((r) => (
          <Group key={r.id} gap="xs" wrap="nowrap">
            <Checkbox size="xs" checked={mergeInto === r.id} onChange={(e) => onMergeInto(e.currentTarget.checked ? r.id : null)} aria-label={t('intake.similar.merge')} />
            <Text size="xs" ff="monospace">{r.number}</Text>
            <Text size="xs" style={{ flex: 1 }} truncate>{r.title}</Text>
            <Text size="xs" c="dimmed">{formatDateTime(r.createdAt)}</Text>
            <Badge size="xs" variant="light">{Math.round(r.score * 100)}%</Badge>
          </Group>
        ))}
        <Text size="xs" c="dimmed">{t('intake.similar.hint')}</Text>
      </Stack>
    </Paper>
  );
}

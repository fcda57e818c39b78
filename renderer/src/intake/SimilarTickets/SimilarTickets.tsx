import { useEffect, useState } from 'react';
import { Anchor, Badge, Checkbox, Group, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SimilarTicket } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { formatDateTime } from '../../format/time';

const KIND_COLOR: Record<SimilarTicket['kind'], string> = { open: 'blue', answered: 'orange', closed: 'gray' };

/**
 * Recent tickets like the one being typed, as the agent writes. An open one can take the new
 * appeal as a duplicate (并单); an answered or closed one is a repeat call (重复来电) or a case
 * to reopen (重办): the new ticket names it, and the shift lead decides on reopening.
 */
export function SimilarTickets({ categoryId, districtCode, text, mergeInto, onMergeInto, repeatOf, onRepeatOf, onOpen }: {
  /** The chosen category; nothing is looked up before one is chosen. */
  categoryId: string | null;
  /** The chosen district, narrowing the match. */
  districtCode: string | null;
  /** Title and content typed so far. */
  text: string;
  /** The open ticket the new one will be merged into, if the agent chose one. */
  mergeInto: string | null;
  /** Chooses (or clears) the ticket to merge into. */
  onMergeInto(id: string | null): void;
  /** The answered or closed ticket the new one repeats, if the agent chose one. */
  repeatOf: string | null;
  /** Chooses (or clears) the ticket the new one repeats. */
  onRepeatOf(id: string | null): void;
  /** Opens a ticket's detail (its history, and 重办 for a shift lead). */
  onOpen?(id: string): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [rows, setRows] = useState<SimilarTicket[]>([]);
  useEffect(() => {
    if (!categoryId || text.length < 8) { setRows([]); return; }
    // Debounced: the agent is typing.
    const id = setTimeout(() => {
      void api.request('tickets.similar', { categoryId, districtCode: districtCode ?? undefined, text: text.slice(0, 4000), limit: 6 })
        .then((r) => r.ok && setRows(r.value));
    }, 400);
    return () => clearTimeout(id);
  }, [api, categoryId, districtCode, text]);
  if (rows.length === 0) return null;
  const open = rows.filter((r) => r.kind === 'open');
  const earlier = rows.filter((r) => r.kind !== 'open');
  const row = (r: SimilarTicket) => (
    <Group key={r.id} gap="xs" wrap="nowrap" data-testid={`similar-${r.kind}`}>
      {r.kind === 'open'
        ? <Checkbox size="xs" checked={mergeInto === r.id} onChange={(e) => onMergeInto(e.currentTarget.checked ? r.id : null)} aria-label={t('intake.similar.merge')} title={t('intake.similar.merge')} />
        : <Checkbox size="xs" color={KIND_COLOR[r.kind]} checked={repeatOf === r.id} onChange={(e) => onRepeatOf(e.currentTarget.checked ? r.id : null)}
          aria-label={t(`similarMore.link.${r.kind}`)} title={t(`similarMore.link.${r.kind}`)} />}
      <Badge size="xs" color={KIND_COLOR[r.kind]} variant={r.kind === 'open' ? 'light' : 'filled'} w={64}>{t(`similarMore.kind.${r.kind}`)}</Badge>
      {onOpen ? <Anchor size="xs" ff="monospace" component="button" type="button" onClick={() => onOpen(r.id)}>{r.number}</Anchor> : <Text size="xs" ff="monospace">{r.number}</Text>}
      <Text size="xs" style={{ flex: 1 }} truncate>{r.title}</Text>
      <Text size="xs" c="dimmed">{formatDateTime(r.createdAt)}</Text>
      <Badge size="xs" variant="outline" color="gray">{Math.round(r.score * 100)}%</Badge>
    </Group>
  );
  return (
    <Paper withBorder p="xs" bg="var(--mantine-color-yellow-light)" data-testid="similar-tickets">
      <Stack gap={4}>
        {open.length > 0 && <Text size="sm" fw={600}>{t('intake.similar.title', { count: open.length })}</Text>}
        {open.map(row)}
        {open.length > 0 && <Text size="xs" c="dimmed">{t('intake.similar.hint')}</Text>}
        {earlier.length > 0 && <Text size="sm" fw={600} mt={open.length ? 4 : 0}>{t('similarMore.earlierTitle', { count: earlier.length })}</Text>}
        {earlier.map(row)}
        {earlier.length > 0 && <Text size="xs" c="dimmed">{t('similarMore.earlierHint')}</Text>}
      </Stack>
    </Paper>
  );
}

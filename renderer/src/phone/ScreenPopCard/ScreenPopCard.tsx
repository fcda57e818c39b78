import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ScreenPop, ScreenPopTicket } from '../../../../shared/contract';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../format/time';

function Tickets({ rows, testId, onOpen }: {
  /** Tickets, newest first. */
  rows: ScreenPopTicket[];
  /** data-testid. */
  testId: string;
  /** Opens a ticket's detail. */
  onOpen?(id: string): void;
}) {
  const { t } = useTranslation();
  return (
    <Table verticalSpacing={4} data-testid={testId}>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.id} onClick={() => onOpen?.(r.id)} style={{ cursor: onOpen ? 'pointer' : undefined }}>
            <Table.Td w={140}><Text size="xs" ff="monospace">{r.number}</Text></Table.Td>
            <Table.Td w={120}><Text size="xs">{formatDateTime(r.createdAt)}</Text></Table.Td>
            <Table.Td w={48}><Text size="xs">{t(`appealTypes.${r.appealType}`, { defaultValue: r.appealType })}</Text></Table.Td>
            <Table.Td><Text size="sm" lineClamp={1}>{r.title}</Text></Table.Td>
            <Table.Td w={90}><StatusBadge status={r.status} /></Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Who is calling: their open and past tickets and whether they keep calling. */
export function ScreenPopCard({ pop, onOpen, awaitingHandOver = false }: {
  /** Screen-pop data for the caller. */
  pop: ScreenPop;
  /** A colleague is still on the line and has not yet handed the caller over. */
  awaitingHandOver?: boolean;
  /** Opens a ticket's detail. */
  onOpen?(id: string): void;
}) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" m="sm" radius="md" data-testid="screen-pop">
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={5}>{t('phone.pop.title')}</Title>
            <Text ff="monospace" fw={600}>{pop.phone}</Text>
            {pop.citizenName && <Text>{pop.citizenName}</Text>}
          </Group>
          <Group gap="xs">
            {pop.repeatCaller && <Badge color="red" data-testid="repeat-caller">{t('phone.pop.repeat', { count: pop.callsLast30Days })}</Badge>}
            <Badge variant="light">{t('phone.pop.total', { count: pop.totalTickets })}</Badge>
          </Group>
        </Group>
        {pop.cachedAt && (
          <Text size="sm" c="orange" data-testid="pop-cached">{t('phone.pop.cached', { time: formatDateTime(pop.cachedAt) })}</Text>
        )}
        {pop.transferredTicket && (
          <Paper withBorder p="sm" radius="sm" bg="var(--mantine-color-grape-light)" data-testid="pop-transferred">
            <Stack gap={4}>
              <Group justify="space-between" wrap="nowrap">
                <Group gap="xs" wrap="nowrap">
                  <Badge color="grape">{t('phone.pop.transferred')}</Badge>
                  <Text size="xs" ff="monospace">{pop.transferredTicket.number}</Text>
                  {pop.transferredTicket.escalation && <Badge variant="light" color="grape" data-testid="pop-escalation">{t('phone.pop.escalated', { number: pop.transferredTicket.escalation.number })}</Badge>}
                </Group>
                {onOpen && <Button size="compact-xs" variant="light" onClick={() => onOpen(pop.transferredTicket!.id)}>{t('phone.pop.openTicket')}</Button>}
              </Group>
              <Text size="sm" fw={600}>{pop.transferredTicket.title}</Text>
              <Text size="sm" lineClamp={3}>{pop.transferredTicket.content}</Text>
              {awaitingHandOver && <Text size="xs" c="dimmed">{t('phone.pop.transferredHint')}</Text>}
            </Stack>
          </Paper>
        )}
        {pop.totalTickets === 0 && <Text size="sm" c="dimmed">{t('phone.pop.none')}</Text>}
        {pop.openTickets.length > 0 && <><Text size="sm" fw={600} c="orange">{t('phone.pop.open', { count: pop.openTickets.length })}</Text><Tickets rows={pop.openTickets} testId="pop-open" onOpen={onOpen} /></>}
        {pop.pastTickets.length > 0 && <><Text size="sm" fw={600} c="dimmed">{t('phone.pop.past')}</Text><Tickets rows={pop.pastTickets.slice(0, 5)} testId="pop-past" onOpen={onOpen} /></>}
      </Stack>
    </Paper>
  );
}

import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, Button, Checkbox, Group, MultiSelect, Select, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { APPEAL_TYPES, type AppealType } from '../../../../shared/domain/appeal';
import type { SearchHitRange, TicketSearchHit } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { VirtualList, type VirtualColumn } from '../VirtualList';
import { StatusBadge } from '../StatusBadge';
import { useShortcut } from '../Shortcuts';
import { formatDateTime } from '../../format/time';
import { useReference } from '../../intake/reference';
import { useSession } from '../../state/session';
import { CreateClassCase } from '../../proactive/ClassCases/CreateClassCase';
import { requestClassCase } from '../../proactive/open';

const STATUSES = ['registered', 'dispatched', 'signed', 'handling', 'extension_requested', 'returned', 'replied', 'reviewed', 'closed', 'resolved_directly', 'reopened', 'merged'];

/** Text with the matched ranges marked; rendered as text nodes, never as markup. */
function Marked({ text, ranges }: { /** The text. */ text: string; /** Matched ranges, sorted. */ ranges: SearchHitRange[] }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const r of ranges) {
    if (r.start > at) parts.push(text.slice(at, r.start));
    parts.push(<mark key={r.start}>{text.slice(r.start, r.end)}</mark>);
    at = r.end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

/** Full-text search over all tickets with filters; results load page by page as one scrolls. */
export function TicketSearch({ onOpen }: { /** Opens a ticket. */ onOpen(id: string): void }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const ref = useReference();
  const [text, setText] = useState('');
  const [status, setStatus] = useState<string[]>([]);
  const [types, setTypes] = useState<string[]>([]);
  const [district, setDistrict] = useState<string | null>(null);
  const [overdue, setOverdue] = useState(false);
  const [rows, setRows] = useState<TicketSearchHit[]>([]);
  const [total, setTotal] = useState<{ count: number; exact: boolean } | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [took, setTook] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const seq = useRef(0);
  // Shift leads pick tickets here to make a class case (类案) of them.
  const { session, setFrame } = useSession();
  const canPick = !!session?.user.roles.includes('shift_lead') && !!session.frames.includes('proactive');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [creating, setCreating] = useState(false);
  const toggle = (id: string) => setPicked((p) => { const n = new Set(p); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  useShortcut({ id: 'search.focus', combo: 'ctrl+k', labelKey: 'shortcuts.focusSearch', inInputs: true, run: () => inputRef.current?.focus() });
  // Opened by Ctrl+K or by its tab: the agent is about to type a query.
  useEffect(() => { inputRef.current?.focus(); }, []);

  const query = useCallback(async (after: string | null) => {
    const mine = ++seq.current;
    const r = await api.request('tickets.search', {
      text: text.trim() || undefined, status: status.length ? status : undefined, appealType: types.length ? types as AppealType[] : undefined,
      districtCode: district ?? undefined, overdue: overdue || undefined, limit: 100, cursor: after ?? undefined,
    });
    if (mine !== seq.current) return; // a newer query is on its way
    if (!r.ok) {
      if (r.error.details?.reason !== 'search_superseded') setError(errorMessage(r.error));
      return;
    }
    setError(null);
    setRows((prev) => (after ? [...prev, ...r.value.rows] : r.value.rows));
    setTotal(r.value.total);
    setCursor(r.value.nextCursor);
    setTook(r.value.tookMs);
  }, [api, text, status, types, district, overdue]);

  useEffect(() => {
    const id = setTimeout(() => void query(null), 150);
    return () => clearTimeout(id);
  }, [query]);

  const pickColumn: VirtualColumn<TicketSearchHit>[] = canPick ? [{ key: 'pick', title: '', width: '36px', render: (r) => (
    <Checkbox size="xs" checked={picked.has(r.id)} onChange={() => toggle(r.id)} onClick={(e) => e.stopPropagation()} aria-label={`${t('proactive.cases.create.select')} ${r.number}`} data-testid="search-pick" />
  ) }] : [];
  const columns: VirtualColumn<TicketSearchHit>[] = [
    ...pickColumn,
    { key: 'number', title: t('ticket.number'), width: '150px', render: (r) => <Text size="sm" ff="monospace"><Marked text={r.number} ranges={r.numberHighlights} /></Text> },
    { key: 'createdAt', title: t('ticket.createdAt'), width: '130px', render: (r) => <Text size="sm">{formatDateTime(r.createdAt)}</Text> },
    { key: 'type', title: t('ticket.appealType'), width: '56px', render: (r) => <Text size="sm">{t(`appealTypes.${r.appealType}`, { defaultValue: r.appealType })}</Text> },
    { key: 'title', title: t('ticket.title'), width: 'minmax(200px, 1fr)', render: (r) => (
      <Stack gap={0}>
        <Text size="sm" truncate><Marked text={r.title} ranges={r.titleHighlights} /></Text>
        {r.address && r.addressHighlights.length > 0 && !r.snippet.highlights.length
          ? <Text size="xs" c="dimmed" truncate>{t('searchFields.address')}<Marked text={r.address} ranges={r.addressHighlights} /></Text>
          : <Text size="xs" c="dimmed" truncate>{r.snippet.cutStart ? '…' : ''}<Marked text={r.snippet.text} ranges={r.snippet.highlights} />{r.snippet.cutEnd ? '…' : ''}</Text>}
      </Stack>
    ) },
    { key: 'caller', title: t('searchFields.caller'), width: '130px', render: (r) => (
      <Stack gap={0} data-testid="search-caller">
        <Text size="sm" truncate>{r.callerName ? <Marked text={r.callerName} ranges={r.callerNameHighlights} /> : '—'}</Text>
        <Text size="xs" c="dimmed" ff="monospace" truncate>{r.phone ? <Marked text={r.phone} ranges={r.phoneHighlights} /> : ''}</Text>
      </Stack>
    ) },
    { key: 'district', title: t('ticket.district'), width: '90px', render: (r) => <Text size="sm">{r.district}</Text> },
    { key: 'status', title: t('ticket.status'), width: '96px', render: (r) => <StatusBadge status={r.status} /> },
  ];

  return (
    <Stack gap={0} style={{ flex: 1, minHeight: 0 }}>
      <Group p="sm" gap="xs" align="flex-end" wrap="nowrap">
        <TextInput ref={inputRef} style={{ flex: 1 }} placeholder={t('search.placeholder')} value={text} onChange={(e) => setText(e.currentTarget.value)}
          aria-label={t('search.placeholder')} maxLength={100} data-testid="search-input" />
        <MultiSelect w={180} placeholder={t('ticket.status')} data={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))} value={status} onChange={setStatus} clearable />
        <MultiSelect w={160} placeholder={t('ticket.appealType')} data={APPEAL_TYPES.map((a) => ({ value: a, label: t(`appealTypes.${a}`) }))} value={types} onChange={setTypes} clearable />
        <Select w={120} placeholder={t('ticket.district')} data={(ref?.divisions ?? []).filter((d) => d.level === 1).map((d) => ({ value: d.code, label: d.retired ? t('divisions.retiredName', { name: d.name }) : d.name }))} value={district} onChange={setDistrict} clearable />
        <Checkbox label={t('search.overdue')} checked={overdue} onChange={(e) => setOverdue(e.currentTarget.checked)} mb={8} />
      </Group>
      {error && <Alert color="red" mx="sm">{error}</Alert>}
      {canPick && picked.size > 0 && (
        <Group px="sm" pb={4} gap="xs">
          <Button size="xs" color="grape" onClick={() => setCreating(true)} data-testid="search-make-class-case">{t('proactive.cases.create.button', { count: picked.size })}</Button>
          <Button size="xs" variant="subtle" onClick={() => setPicked(new Set())}>{t('proactive.cases.create.clear')}</Button>
        </Group>
      )}
      {canPick && (
        <CreateClassCase ticketIds={[...picked]} opened={creating} onClose={() => setCreating(false)}
          onCreated={(d) => { setCreating(false); setPicked(new Set()); requestClassCase(d.id); setFrame('proactive'); }} />
      )}
      {total && <Text size="xs" c="dimmed" px="sm" pb={4} data-testid="search-total">{t(total.exact ? 'search.total' : 'search.totalAtLeast', { count: total.count, ms: (took ?? 0).toFixed(1) })}</Text>}
      <VirtualList rows={rows} columns={columns} rowKey={(r) => r.id} rowHeight={48} onOpen={(r) => onOpen(r.id)} openOnClick testId="search-results"
        onEndReached={cursor ? () => void query(cursor) : undefined} empty={<Text c="dimmed">{t('agentDesk.noMatch')}</Text>} />
    </Stack>
  );
}

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import { Alert, Badge, Box, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ContractError, OutboxItem } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { formatClock } from '../../format/time';
import { dropDraft, readDraft, writeDraft } from '../../hooks/useDraft';
import { MANUAL_INTAKE_DRAFT, draftOfInput, intakeHasContent, type IntakeDraft } from '../../intake/IntakeForm/draft';
import { requestIntakeForm } from '../../intake/intakeRequest';

const ROW_HEIGHT = 64;
const SCREENFUL = { width: 480, height: 800 };

/** A box that measures nothing yet (a drawer still opening; jsdom) is taken for a screenful, so the first rows show at once. */
const observeRect: typeof observeElementRect = (instance, cb) =>
  observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : SCREENFUL));

/** What waits for confirmation: dropping a write, or a form with content that a taken-back write would replace. */
type Confirm = { kind: 'discard' | 'replace'; item: OutboxItem };

/**
 * This user's writes waiting on this desk (待同步的工单), the refused ones first: each can be taken
 * back into the intake form to correct, or dropped. Rows are virtualized: an outreach day offline
 * can leave hundreds.
 */
export function OutboxList({ onTakeBack }: {
  /** Shows the intake form after a write was taken back into it; without it there is no 重新编辑. */
  onTakeBack?(): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [items, setItems] = useState<OutboxItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);

  const load = useCallback(async () => {
    const r = await api.request('desk.outbox', {});
    if (r.ok) { setItems(r.value); setError(null); } else setError(errorMessage(r.error));
  }, [api]);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => api.on('desk.sync', () => void load()), [api, load]);

  // Refused writes need the agent; waiting ones go by themselves. Replay order within each.
  const rows = useMemo(() => (items ? [...items.filter((i) => i.state === 'failed'), ...items.filter((i) => i.state !== 'failed')] : []), [items]);

  const fail = (e: ContractError) => notifications.show({ color: 'red', message: t('deskSync.outbox.failedAction', { reason: errorMessage(e) }) });

  /** The write's input becomes the form's draft first; only once that is kept is the write dropped, so nothing is lost between the two. */
  const takeBack = async (item: OutboxItem, replace: boolean) => {
    setBusy(item.id);
    try {
      if (!replace) {
        const current = await readDraft<IntakeDraft>(api, MANUAL_INTAKE_DRAFT);
        if (current && intakeHasContent(current)) { setConfirm({ kind: 'replace', item }); return; }
      }
      const input = await api.request('desk.outboxInput', { id: item.id });
      if (!input.ok) { fail(input.error); return; }
      const saved = await writeDraft(api, MANUAL_INTAKE_DRAFT, draftOfInput(input.value));
      if (saved) { fail(saved); return; }
      const dropped = await api.request('desk.outboxDiscard', { id: item.id });
      if (!dropped.ok) {
        // Most likely the center took it meanwhile: a draft of it would register it twice.
        await dropDraft(api, MANUAL_INTAKE_DRAFT);
        if (dropped.error.code === 'not_found') notifications.show({ color: 'teal', message: t('deskSync.outbox.alreadySent') });
        else fail(dropped.error);
        void load();
        return;
      }
      notifications.show({ color: 'teal', message: t('deskSync.outbox.edited') });
      requestIntakeForm();
      onTakeBack?.();
    } finally {
      setBusy(null);
    }
  };

  const discard = async (item: OutboxItem) => {
    setBusy(item.id);
    const r = await api.request('desk.outboxDiscard', { id: item.id });
    setBusy(null);
    if (!r.ok) fail(r.error);
    else notifications.show({ color: 'gray', message: t('deskSync.outbox.discarded') });
    void load();
  };

  const answer = (yes: boolean) => {
    const c = confirm;
    setConfirm(null);
    if (!c || !yes) return;
    if (c.kind === 'discard') void discard(c.item);
    else void takeBack(c.item, true);
  };

  const parentRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => parentRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10,
    initialRect: SCREENFUL, observeElementRect: observeRect });

  return (
    <Stack gap="xs" style={{ flex: 1, minHeight: 0 }}>
      {error && <Alert color="red">{t('deskSync.outbox.loadFailed', { reason: error })}</Alert>}
      <Box ref={parentRef} style={{ flex: 1, minHeight: 0, overflow: 'auto' }} data-testid="desk-outbox">
        {items && rows.length === 0 ? <Text c="dimmed" p="md">{t('deskSync.outbox.empty')}</Text> : (
          <div style={{ height: v.getTotalSize(), position: 'relative' }}>
            {v.getVirtualItems().map((vi) => {
              const item = rows[vi.index]!;
              return (
                <Box key={item.id} data-testid="outbox-item" data-state={item.state} px="xs" py={6}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${vi.start}px)`, borderBottom: '1px solid var(--mantine-color-default-border)' }}>
                  <Group justify="space-between" wrap="nowrap" gap="xs" h="100%">
                    <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
                      <Group gap={6} wrap="nowrap">
                        <Badge size="xs" color={item.state === 'failed' ? 'red' : 'gray'} variant={item.state === 'failed' ? 'filled' : 'light'} style={{ flexShrink: 0 }}>
                          {t(`deskSync.outbox.${item.state}`)}
                        </Badge>
                        <Text size="sm" fw={500} truncate title={item.summary}>{item.summary}</Text>
                      </Group>
                      {item.state === 'failed' && item.error ? (
                        <Text size="xs" c="red" truncate title={errorMessage(item.error)} data-testid="outbox-reason">
                          {t('deskSync.outbox.refused', { reason: errorMessage(item.error) })}
                        </Text>
                      ) : (
                        <Text size="xs" c="dimmed" truncate>
                          {t('deskSync.outbox.savedAt', { time: formatClock(item.createdAt) })}
                          {item.attempts > 0 && ` · ${t('deskSync.outbox.attempts', { count: item.attempts })}`}
                        </Text>
                      )}
                    </Stack>
                    <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
                      {onTakeBack && (
                        <Button size="compact-xs" variant={item.state === 'failed' ? 'filled' : 'light'} loading={busy === item.id} disabled={busy !== null && busy !== item.id}
                          onClick={() => void takeBack(item, false)} data-testid="outbox-edit">{t('deskSync.outbox.edit')}</Button>
                      )}
                      <Button size="compact-xs" variant="subtle" color="red" disabled={busy !== null}
                        onClick={() => setConfirm({ kind: 'discard', item })} data-testid="outbox-discard">{t('deskSync.outbox.discard')}</Button>
                    </Group>
                  </Group>
                </Box>
              );
            })}
          </div>
        )}
      </Box>
      <Modal opened={confirm !== null} onClose={() => answer(false)} centered size="sm"
        title={confirm?.kind === 'replace' ? t('deskSync.outbox.replaceTitle') : t('deskSync.outbox.discardTitle')}>
        <Text size="sm">{confirm && t(confirm.kind === 'replace' ? 'deskSync.outbox.replaceBody' : 'deskSync.outbox.discardBody', { title: confirm.item.summary })}</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => answer(false)}>{t('deskSync.outbox.cancel')}</Button>
          <Button color={confirm?.kind === 'discard' ? 'red' : undefined} onClick={() => answer(true)} data-testid="outbox-confirm">
            {confirm?.kind === 'replace' ? t('deskSync.outbox.replaceConfirm') : t('deskSync.outbox.discardConfirm')}
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

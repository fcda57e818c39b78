import { useEffect, useState } from 'react';
import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ReasonCode, SeatLeadAction, SeatView } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';

/**
 * A lead puts a seat on a break or signs its phone out, saying why: the agent sees the note, the
 * audit keeps it. The state the lead saw goes with the request, so a seat that changed meanwhile
 * (a call came in) is refused with a sentence instead of being overridden.
 */
export function SeatActionModal({ seat, onClose }: {
  /** The seat acted on; null: closed. */
  seat: SeatView | null;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [action, setAction] = useState<SeatLeadAction>('not_ready');
  const [reason, setReason] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [reasons, setReasons] = useState<ReasonCode[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!seat) return;
    setAction(seat.agent === 'not_ready' ? 'sign_out' : 'not_ready');
    setReason(null);
    setNote('');
    setError(null);
    void api.request('phone.getConfig', {}).then((r) => { if (r.ok) setReasons(r.value.notReadyReasons); });
  }, [api, seat]);

  const submit = async () => {
    if (!seat) return;
    setBusy(true);
    const r = await api.request('wallboard.seatAction', {
      userId: seat.userId, action, note: note.trim(), expectedSince: seat.since, ...(action === 'not_ready' && reason ? { reason } : {}),
    });
    setBusy(false);
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    notifications.show({ color: 'teal', message: t('wallboard.seats.done', { name: seat.name, action: t(`wallboard.seats.actions.${action}`) }) });
    onClose();
  };

  const ready = note.trim().length >= 2 && (action === 'sign_out' || reason !== null);
  return (
    <Modal opened={seat !== null} onClose={onClose} title={seat ? t('wallboard.seats.actTitle', { name: seat.name, extension: seat.extension }) : ''} data-testid="seat-action">
      <Stack gap="sm">
        <SegmentedControl value={action} onChange={(v) => setAction(v as SeatLeadAction)}
          data={(['not_ready', 'sign_out'] as const).map((a) => ({ value: a, label: t(`wallboard.seats.actions.${a}`) }))} />
        {action === 'not_ready' && (
          <Select label={t('wallboard.seats.reason')} required data={reasons.map((r) => ({ value: r.code, label: r.label }))} value={reason} onChange={setReason} data-testid="seat-action-reason" />
        )}
        <Textarea label={t('wallboard.seats.note')} placeholder={t('wallboard.seats.notePlaceholder')} required maxLength={100} autosize minRows={2}
          value={note} onChange={(e) => setNote(e.currentTarget.value)} data-testid="seat-action-note" />
        {error && <Alert color="red" data-testid="seat-action-error">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('wallboard.seats.cancel')}</Button>
          <Button color="orange" onClick={() => void submit()} disabled={!ready} loading={busy} data-testid="seat-action-confirm">{t('wallboard.seats.confirm')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

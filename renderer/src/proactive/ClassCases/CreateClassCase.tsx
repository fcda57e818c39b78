import { useState } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ClassCaseDetail } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { useReference } from '../../intake/reference';

/** Makes a class case of the tickets picked in ticket search: a name, key terms, optional category and area. */
export function CreateClassCase({ ticketIds, opened, onClose, onCreated }: {
  /** The picked tickets. */
  ticketIds: string[];
  /** Whether the dialog shows. */
  opened: boolean;
  onClose(): void;
  /** The new case. */
  onCreated(d: ClassCaseDetail): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const ref = useReference();
  const [title, setTitle] = useState('');
  const [terms, setTerms] = useState('');
  const [category, setCategory] = useState<string | null>(null);
  const [area, setArea] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    const r = await api.request('classCases.create', {
      ticketIds, title, terms: terms.split(/[,，、\s]+/).filter(Boolean), categoryId: category, areaCode: area, source: 'tickets',
    });
    setBusy(false);
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    setError(null);
    setTitle(''); setTerms('');
    onCreated(r.value);
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('proactive.cases.create.title')}>
      <Stack gap="sm">
        {error && <Alert color="red" data-testid="cc-create-error">{error}</Alert>}
        <TextInput label={t('proactive.cases.create.name')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} data-testid="cc-create-title" maxLength={100} />
        <TextInput label={t('proactive.cases.create.terms')} value={terms} onChange={(e) => setTerms(e.currentTarget.value)} data-testid="cc-create-terms" />
        <Select label={t('proactive.cases.create.category')} searchable clearable value={category} onChange={setCategory}
          data={(ref?.categories ?? []).filter((c) => c.level <= 2).map((c) => ({ value: c.id, label: c.name }))} />
        <Select label={t('proactive.cases.create.area')} searchable clearable value={area} onChange={setArea}
          data={(ref?.divisions ?? []).filter((d) => d.level === 1 && !d.retired).map((d) => ({ value: d.code, label: d.name }))} />
        <Group justify="flex-end">
          <Button onClick={() => void submit()} loading={busy} disabled={title.trim().length < 2} data-testid="cc-create-submit">{t('proactive.cases.create.submit')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

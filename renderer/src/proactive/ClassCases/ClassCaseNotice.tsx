import { useEffect, useState } from 'react';
import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ClassCaseNotice as Notice } from '../../../../shared/contract';
import { useApi } from '../../state/api';

/** How long typing must pause before the class cases are asked. */
const DEBOUNCE_MS = 400;

/**
 * Tells the agent, while the appeal is typed, that an open class case (类案) already covers it, and
 * with what reply; the ticket joins that case by itself once registered.
 */
export function ClassCaseNotice({ categoryId, districtCode, text }: {
  /** The chosen category, if any. */
  categoryId?: string | null;
  /** The chosen district, if any. */
  districtCode?: string | null;
  /** Title and content as typed so far. */
  text: string;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [hits, setHits] = useState<Notice[]>([]);
  useEffect(() => {
    if (text.trim().length < 2) { setHits([]); return; }
    let live = true;
    const id = setTimeout(() => {
      void api.request('classCases.matchIntake', { text: text.slice(0, 4100), categoryId: categoryId ?? undefined, districtCode: districtCode ?? undefined })
        .then((r) => { if (live) setHits(r.ok ? r.value : []); });
    }, DEBOUNCE_MS);
    return () => { live = false; clearTimeout(id); };
  }, [api, categoryId, districtCode, text]);
  if (hits.length === 0) return null;
  return (
    <Alert color="grape" title={t('proactive.cases.notice.title')} data-testid="class-case-notice">
      {hits.map((h) => (
        <div key={h.id}>
          <Text size="sm">{t('proactive.cases.notice.body', { number: h.number, title: h.title, members: h.members, terms: h.terms.join('、') })}</Text>
          {h.reply && <Text size="sm" c="dimmed">{t('proactive.cases.notice.reply', { reply: h.reply })}</Text>}
        </div>
      ))}
    </Alert>
  );
}

import { useEffect, useState } from 'react';
import { Badge, Button, Group, Modal, Paper, ScrollArea, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CallScript, KnowledgeArticle, KnowledgeHit } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { useSession } from '../../state/session';
import { fillScript } from './fillScript';
import { errorMessage } from '../../i18n';

/** The answer wording of an article (its 【答复口径】 section), or the whole body. */
export const answerOf = (body: string) => /【答复口径】(.+)/.exec(body)?.[1] ?? body;

const STAGES = ['opening', 'verification', 'inquiry', 'closing'] as const;

/** Beside the intake form: the call scripts for this stage and category, and the knowledge base. */
export function AssistPanel({ categoryId, callerName, onUseAnswer }: {
  /** The category picked so far; scripts and articles for it come first. */
  categoryId: string | null;
  /** The caller's name as typed, for scripts that address the caller. */
  callerName?: string;
  /** Fills the direct answer with an article's answer text and records the article. */
  onUseAnswer(text: string, articleId: string): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [scripts, setScripts] = useState<CallScript[]>([]);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<KnowledgeHit[]>([]);
  /** Why the knowledge base could not be read (say, the center cannot be reached): shown instead of "nothing found". */
  const [kbProblem, setKbProblem] = useState<string | null>(null);
  const [open, setOpen] = useState<KnowledgeArticle | null>(null);
  const session = useSession().session;
  const fill = (body: string) => fillScript(body, { agentNumber: session?.user.username ?? '', agentName: session?.user.displayName ?? '', callerName });

  useEffect(() => {
    void api.request('scripts.list', categoryId ? { categoryId } : {}).then((r) => r.ok && setScripts(r.value));
  }, [api, categoryId]);

  useEffect(() => {
    const id = setTimeout(() => {
      void api.request('knowledge.search', { query, categoryId: categoryId ?? undefined, limit: 20 }).then((r) => {
        setKbProblem(r.ok ? null : errorMessage(r.error));
        setHits(r.ok ? r.value : []);
      });
    }, 200);
    return () => clearTimeout(id);
  }, [api, query, categoryId]);

  const pickArticle = async (id: string) => {
    const r = await api.request('knowledge.get', { id });
    if (!r.ok) { setKbProblem(errorMessage(r.error)); return; }
    onUseAnswer(answerOf(r.value.body), id);
  };
  const openArticle = async (id: string) => {
    const r = await api.request('knowledge.get', { id });
    if (r.ok) setOpen(r.value); else setKbProblem(errorMessage(r.error));
  };

  return (
    <Paper withBorder radius="md" h="100%" data-testid="assist-panel">
      <Tabs defaultValue="kb" h="100%" style={{ display: 'flex', flexDirection: 'column' }}>
        <Tabs.List>
          <Tabs.Tab value="kb">{t('assist.knowledge')}</Tabs.Tab>
          <Tabs.Tab value="scripts">{t('assist.scripts')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="kb" p="xs" style={{ flex: 1, minHeight: 0 }}>
          <Stack gap="xs" h="100%">
            <TextInput size="xs" placeholder={t('assist.searchPlaceholder')} value={query} onChange={(e) => setQuery(e.currentTarget.value)} aria-label={t('assist.searchPlaceholder')} />
            <ScrollArea style={{ flex: 1 }}>
              <Stack gap="xs">
                {kbProblem && <Text size="sm" c="orange.8" data-testid="kb-problem">{kbProblem}</Text>}
                {hits.length === 0 && !kbProblem && <Text size="sm" c="dimmed">{t(categoryId && !query.trim() ? 'assistMore.noCategoryHits' : 'assist.noHits')}</Text>}
                {hits.map((h) => (
                  <Paper key={h.id} withBorder p="xs" data-testid="kb-hit">
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Text size="sm" fw={600} lineClamp={1}>{h.title}</Text>
                      {!h.valid && <Badge size="xs" color="gray">{t('assist.expired')}</Badge>}
                    </Group>
                    <Text size="xs" c="dimmed" lineClamp={1}>{h.source}</Text>
                    <Text size="xs" lineClamp={3}>{h.snippet}</Text>
                    <Group gap={6} mt={4}>
                      <Button size="compact-xs" variant="light" disabled={!h.valid} onClick={() => void pickArticle(h.id)}>{t('assist.useAnswer')}</Button>
                      <Button size="compact-xs" variant="subtle" onClick={() => void openArticle(h.id)} data-testid="kb-open">{t('assistMore.readFull')}</Button>
                    </Group>
                  </Paper>
                ))}
              </Stack>
            </ScrollArea>
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="scripts" p="xs" style={{ flex: 1, minHeight: 0 }}>
          <ScrollArea h="100%">
            <Stack gap="xs">
              {STAGES.map((stage) => scripts.filter((s) => s.stage === stage).map((s) => (
                <Paper key={s.id} withBorder p="xs">
                  <Group gap={6}><Badge size="xs" variant="light">{t(`assist.stages.${stage}`)}</Badge><Text size="sm" fw={600}>{s.title}</Text></Group>
                  <Text size="sm" mt={4} data-testid="script-body">{fill(s.body)}</Text>
                </Paper>
              )))}
            </Stack>
          </ScrollArea>
        </Tabs.Panel>
      </Tabs>
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={open?.title} size="lg" data-testid="kb-article">
        {open && (
          <Stack gap="xs">
            <Group gap={6}>
              {open.categoryPath && <Badge variant="light" size="sm">{open.categoryPath}</Badge>}
              {!open.valid && <Badge size="sm" color="gray">{t('assist.expired')}</Badge>}
            </Group>
            <Text size="xs" c="dimmed">{t('assistMore.source', { source: open.source })} · {t('assistMore.validity', { from: open.validFrom, until: open.validUntil ?? t('assistMore.noEnd') })}</Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="kb-article-body">{open.body}</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(null)}>{t('assistMore.close')}</Button>
              <Button disabled={!open.valid} onClick={() => { onUseAnswer(answerOf(open.body), open.id); setOpen(null); }}>{t('assist.useAnswer')}</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Paper>
  );
}

import { useEffect, useState } from 'react';
import { Badge, Button, Group, Paper, ScrollArea, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CallScript, KnowledgeHit } from '../../../../shared/contract';
import { useApi } from '../../state/api';

const STAGES = ['opening', 'verification', 'inquiry', 'closing'] as const;

/** Beside the intake form: the call scripts for this stage and category, and the knowledge base. */
export function AssistPanel({ categoryId, onUseAnswer }: {
  /** The category picked so far; scripts and articles for it come first. */
  categoryId: string | null;
  /** Fills the direct answer with an article's answer text and records the article. */
  onUseAnswer(text: string, articleId: string): void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [scripts, setScripts] = useState<CallScript[]>([]);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<KnowledgeHit[]>([]);

  useEffect(() => {
    void api.request('scripts.list', categoryId ? { categoryId } : {}).then((r) => r.ok && setScripts(r.value));
  }, [api, categoryId]);

  useEffect(() => {
    const id = setTimeout(() => {
      void api.request('knowledge.search', { query, categoryId: categoryId ?? undefined, limit: 20 }).then((r) => r.ok && setHits(r.value));
    }, 200);
    return () => clearTimeout(id);
  }, [api, query, categoryId]);

  const pickArticle = async (id: string) => {
    const r = await api.request('knowledge.get', { id });
    if (!r.ok) return;
    const answer = /【答复口径】(.+)/.exec(r.value.body)?.[1] ?? r.value.body;
    onUseAnswer(answer, id);
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
                {hits.length === 0 && <Text size="sm" c="dimmed">{t('assist.noHits')}</Text>}
                {hits.map((h) => (
                  <Paper key={h.id} withBorder p="xs" data-testid="kb-hit">
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Text size="sm" fw={600} lineClamp={1}>{h.title}</Text>
                      {!h.valid && <Badge size="xs" color="gray">{t('assist.expired')}</Badge>}
                    </Group>
                    <Text size="xs" c="dimmed" lineClamp={1}>{h.source}</Text>
                    <Text size="xs" lineClamp={3}>{h.snippet}</Text>
                    <Button size="compact-xs" variant="light" mt={4} disabled={!h.valid} onClick={() => void pickArticle(h.id)}>{t('assist.useAnswer')}</Button>
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
                  <Text size="sm" mt={4}>{s.body}</Text>
                </Paper>
              )))}
            </Stack>
          </ScrollArea>
        </Tabs.Panel>
      </Tabs>
    </Paper>
  );
}

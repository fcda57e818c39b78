import { useCallback, useEffect, useRef, useState } from 'react';
import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ContractError, JobKind, JobViewOf, Result } from '../../../../shared/contract';
import { useApi } from '../../state/api';

/** How often a running job is re-read in case a progress event was lost (a reconnect). */
const POLL_MS = 2000;

/**
 * Runs a job started by `start` and follows it: progress from `job.progress` events (polled as a
 * fallback), `cancel()` asks main to stop it. Resolves with the finished view, or with an error
 * when the job could not start.
 */
export function useJob<K extends JobKind>() {
  const { api } = useApi();
  const [view, setView] = useState<JobViewOf<K> | null>(null);
  // From the call to run() until main has answered: the job is not known yet, but it is running.
  const [starting, setStarting] = useState(false);
  const current = useRef<string | null>(null);

  useEffect(() => () => { current.current = null; }, []);

  const run = useCallback(async (start: () => Promise<Result<JobViewOf<K>>>): Promise<{ ok: true; view: JobViewOf<K> } | { ok: false; error: ContractError }> => {
    setStarting(true);
    let started: Result<JobViewOf<K>>;
    try { started = await start(); } finally { setStarting(false); }
    if (!started.ok) return started;
    const id = started.value.id;
    current.current = id;
    setView(started.value);
    // A job may already be over when main answers (a tiny file, a refusal found at once).
    if (started.value.state !== 'running') return { ok: true, view: started.value };
    return new Promise((resolve) => {
      let finished = false;
      const take = (v: JobViewOf<K>) => {
        if (finished || v.id !== id) return;
        if (current.current === id) setView(v);
        if (v.state !== 'running') {
          finished = true;
          off();
          clearInterval(poll);
          resolve({ ok: true, view: v });
        }
      };
      const off = api.on('job.progress', (v) => take(v as JobViewOf<K>));
      const poll = setInterval(() => {
        void api.request('jobs.get', { id }).then((r) => { if (r.ok) take(r.value as JobViewOf<K>); });
      }, POLL_MS);
    });
  }, [api]);

  const cancel = useCallback(async () => {
    if (current.current) await api.request('jobs.cancel', { id: current.current });
  }, [api]);

  return { view, running: starting || view?.state === 'running', run, cancel, reset: () => setView(null) };
}

/** A running job's phase, a progress bar (indeterminate while the total is unknown) and Cancel. */
export function JobProgress({ view, onCancel }: { view: JobViewOf<JobKind>; onCancel: () => void }) {
  const { t } = useTranslation();
  if (view.state !== 'running') return null;
  const pct = view.total > 0 ? Math.min(100, (view.done / view.total) * 100) : 100;
  return (
    <Stack gap={4} data-testid="job-progress" aria-live="polite">
      <Group justify="space-between">
        <Text size="sm">
          {t(`jobs.phases.${view.phase}`, { defaultValue: view.phase })}
          {view.total > 0 && (
            <Text span c="dimmed" size="sm">
              {/* Large totals are bytes of a file being read: a percentage says more than a byte count. */}
              {' · '}{view.total > 100_000 ? `${Math.floor(pct)}%` : `${view.done.toLocaleString('zh-CN')} / ${view.total.toLocaleString('zh-CN')}`}
            </Text>
          )}
        </Text>
        <Button size="compact-sm" variant="default" color="red" onClick={onCancel}>{t('jobs.cancel')}</Button>
      </Group>
      <Progress value={pct} animated={view.total === 0} striped={view.total === 0} aria-label={t(`jobs.phases.${view.phase}`, { defaultValue: view.phase })} />
    </Stack>
  );
}

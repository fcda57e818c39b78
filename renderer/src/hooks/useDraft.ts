import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConsoleApi, ContractError } from '../../../shared/contract';
import { useApi } from '../state/api';

interface Stored<T> { value: T; savedAt: string }

const local = (key: string) => `hotline.draft.${key}`;

function readLocal<T>(key: string): Stored<T> | null {
  try {
    const raw = localStorage.getItem(local(key));
    return raw ? (JSON.parse(raw) as Stored<T>) : null;
  } catch {
    return null;
  }
}

/** A draft slot as its form would load it: the newer of this window's copy and main's. */
export async function readDraft<T>(api: ConsoleApi, key: string): Promise<T | null> {
  const mine = readLocal<T>(key);
  const r = await api.request('drafts.get', { key });
  const theirs = r.ok ? r.value : null;
  if (theirs && (!mine || mine.savedAt < theirs.savedAt)) return JSON.parse(theirs.data) as T;
  return mine ? mine.value : null;
}

/**
 * Fills a draft slot from outside its form (a write taken back from the desk's outbox): main's copy
 * first, then this window's with main's time, so the form restores it the next time it mounts.
 * Answers why main did not keep it, or null.
 */
export async function writeDraft<T>(api: ConsoleApi, key: string, value: T): Promise<ContractError | null> {
  const r = await api.request('drafts.save', { key, data: JSON.stringify(value) });
  if (!r.ok) return r.error;
  try {
    localStorage.setItem(local(key), JSON.stringify({ value, savedAt: r.value.savedAt }));
  } catch {
    // Storage full: main's copy is restored.
  }
  return null;
}

/** Empties a draft slot from outside its form. */
export async function dropDraft(api: ConsoleApi, key: string): Promise<void> {
  localStorage.removeItem(local(key));
  await api.request('drafts.discard', { key });
}

export interface DraftControls {
  /** When the value came back from an earlier session, the time it was saved. */
  restoredAt: string | null;
  /** True until the saved copy (if any) has been read. */
  loading: boolean;
  /** Forget the draft after the form was submitted or abandoned on purpose. */
  clear(): void;
}

export interface DraftOptions<T> {
  /** Pause before the copy in main is written. @default 400 */
  delayMs?: number;
  /**
   * Whether a saved copy holds anything worth restoring. A copy without content (a form emptied
   * after saving) is not restored: the form starts from `initial` and says nothing.
   * @default differs from `initial`
   */
  hasContent?(value: T): boolean;
}

/**
 * Form state that outlives the component, the window and the process: every change is written to
 * localStorage at once (survives a renderer crash) and to the store in main after a short pause
 * (survives a crash or kill of the whole console). The newer of the two copies wins on load.
 */
export function useDraft<T>(key: string, initial: T, options: number | DraftOptions<T> = {}): [T, (next: T) => void, DraftControls] {
  const opts: DraftOptions<T> = typeof options === 'number' ? { delayMs: options } : options;
  const delayMs = opts.delayMs ?? 400;
  const worth = (v: T) => (opts.hasContent ? opts.hasContent(v) : JSON.stringify(v) !== JSON.stringify(initial));
  const { api } = useApi();
  const [value, setValue] = useState<T>(() => {
    const mine = readLocal<T>(key);
    return mine && worth(mine.value) ? mine.value : initial;
  });
  const [restoredAt, setRestoredAt] = useState<string | null>(() => {
    const mine = readLocal<T>(key);
    return mine && worth(mine.value) ? mine.savedAt : null;
  });
  const [loading, setLoading] = useState(true);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // The check of the copy that arrives from main: the latest one, without re-reading main per render.
  const worthRef = useRef(worth);
  worthRef.current = worth;
  const latest = useRef<string | null>(null);

  useEffect(() => {
    let live = true;
    void api.request('drafts.get', { key }).then((r) => {
      if (!live) return;
      setLoading(false);
      if (!r.ok || !r.value) return;
      const mine = readLocal<T>(key);
      if (!mine || mine.savedAt < r.value.savedAt) {
        const theirs = JSON.parse(r.value.data) as T;
        if (!worthRef.current(theirs)) return;
        setValue(theirs);
        setRestoredAt(r.value.savedAt);
      }
    });
    return () => { live = false; };
  }, [api, key]);

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (latest.current !== null) void api.request('drafts.save', { key, data: latest.current });
    latest.current = null;
  }, [api, key]);

  // A pending save is sent when the form goes away, not dropped.
  useEffect(() => flush, [flush]);

  const update = useCallback((next: T) => {
    setValue(next);
    const data = JSON.stringify(next);
    try {
      localStorage.setItem(local(key), JSON.stringify({ value: next, savedAt: new Date().toISOString() }));
    } catch {
      // Storage full: the copy in main still saves it.
    }
    latest.current = data;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(flush, delayMs);
  }, [key, delayMs, flush]);

  const clear = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    latest.current = null;
    localStorage.removeItem(local(key));
    setRestoredAt(null);
    void api.request('drafts.discard', { key });
  }, [api, key]);

  return [value, update, { restoredAt, loading, clear }];
}

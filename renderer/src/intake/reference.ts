import { useEffect, useState } from 'react';
import type { CategoryRef, ConsoleApi, ReferenceData } from '../../../shared/contract';
import { useApi } from '../state/api';
import { categoryPaths } from '../../../shared/domain/taxonomy';

let cached: { api: ConsoleApi; data: Promise<ReferenceData | null> } | null = null;

const load = (api: ConsoleApi) => ({ api, data: api.request('reference.get', {}).then((r) => (r.ok ? r.value : null)) });

/** Taxonomy, divisions and departments, loaded once per session and again when an admin changes them. */
export function useReference(): ReferenceData | null {
  const { api } = useApi();
  const [data, setData] = useState<ReferenceData | null>(null);
  useEffect(() => {
    if (!cached || cached.api !== api) cached = load(api);
    let live = true;
    void cached.data.then((d) => { if (live) setData(d); });
    const off = api.on('reference.changed', () => {
      cached = load(api);
      void cached.data.then((d) => { if (live) setData(d); });
    });
    return () => { live = false; off(); };
  }, [api]);
  return data;
}

/** Leaf categories labelled with their full path, for a searchable select. */
export function leafOptions(categories: CategoryRef[]): { value: string; label: string }[] {
  const paths = categoryPaths(categories);
  const parents = new Set(categories.map((c) => c.parentId).filter(Boolean));
  return categories.filter((c) => !parents.has(c.id)).map((c) => ({ value: c.id, label: paths.get(c.id)! }));
}

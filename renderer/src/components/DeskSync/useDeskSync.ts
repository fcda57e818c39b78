import { useEffect, useRef, useState } from 'react';
import type { DeskSync } from '../../../../shared/contract';
import { useApi } from '../../state/api';

/**
 * The desk's link to its center, kept current: asked on mount and after every reconnect to main,
 * then pushed by main with each change. Null until the first answer.
 */
export function useDeskSync(): DeskSync | null {
  const { api, connected } = useApi();
  const [sync, setSync] = useState<DeskSync | null>(null);
  // An answer to a question asked before the latest pushed state is older than it: dropped.
  const pushes = useRef(0);

  useEffect(() => api.on('desk.sync', (s) => {
    pushes.current++;
    setSync(s);
  }), [api]);

  useEffect(() => {
    if (!connected) return;
    let live = true;
    const asked = pushes.current;
    void api.request('desk.status', {}).then((r) => {
      if (live && r.ok && pushes.current === asked) setSync(r.value);
    });
    return () => { live = false; };
  }, [api, connected]);

  return sync;
}

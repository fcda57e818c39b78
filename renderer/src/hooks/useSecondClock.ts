import { useSyncExternalStore } from 'react';

/**
 * One clock for every cell that shows a time counting up (a seat's 通话 00:42): a single interval,
 * running while anything listens, and only the cells that read it are drawn again each second —
 * not the whole list around them.
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => { now = Date.now(); for (const l of [...listeners]) l(); }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) { clearInterval(timer); timer = null; }
  };
}

const read = () => now;

/** The time now, in ms, updated each second. */
export function useSecondClock(): number {
  return useSyncExternalStore(subscribe, read, read);
}

/**
 * Background work on main's thread (an index rebuild, a model's first training, a history replay)
 * shares the event loop with SIP and the contract: an INVITE that arrives while such work holds
 * the loop waits for it before main even reads it. Such work runs in slices of about this long.
 * Measured with the calls bench (test/bench/sip/calls.bench.ts): 1000-ticket index batches and
 * 300-event replay pages held the loop for 100–500 ms on a busy two-core machine.
 */
export const BACKGROUND_SLICE_MS = 4;

export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Starts and runs steps off the caller's path: from the next turn of the event loop, in slices of about
 * `sliceMs`, so that whatever else the thread serves (searches, requests) runs between slices.
 */
export async function runInSlices<T>(start: () => Generator<void, T>, sliceMs: number): Promise<T> {
  await nextTurn();
  const steps = start();
  for (;;) {
    const until = performance.now() + sliceMs;
    let r = steps.next();
    while (!r.done && performance.now() < until) r = steps.next();
    if (r.done) return r.value;
    await nextTurn();
  }
}

/**
 * Returns `due()`: true once `budgetMs` has passed since the slice began; `yieldNow()` lets the
 * event loop run (pending I/O first: setImmediate) and starts a new slice.
 */
export function timeSlicer(budgetMs = BACKGROUND_SLICE_MS): { due(): boolean; yieldNow(): Promise<void> } {
  let began = performance.now();
  return {
    due: () => performance.now() - began >= budgetMs,
    yieldNow: async () => {
      await nextTurn();
      began = performance.now();
    },
  };
}

/**
 * The next batch size for work whose batches must each take about `budgetMs`: from the last
 * batch's size and duration, smoothed (one batch slowed by a busy machine does not collapse the
 * size), within [min, max].
 */
export function nextBatchSize(last: { size: number; ms: number }, budgetMs: number, min: number, max: number): number {
  if (!Number.isFinite(budgetMs)) return max;
  const perUnit = last.ms / Math.max(1, last.size);
  const target = perUnit > 0 ? budgetMs / perUnit : max;
  // Move half way to the target: a single outlier batch halves or doubles the size at most.
  const next = Math.round(Math.min(last.size * 2, Math.max(last.size / 2, (last.size + target) / 2)));
  return Math.max(min, Math.min(max, next));
}

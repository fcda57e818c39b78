/**
 * Wall time per step of the last computation in this thread (ms), for the scale bench's
 * breakdown: a few performance.now() calls per recompute, nothing per document.
 */
export const stepTimes: Record<string, number> = {};

let last = 0;

/** Starts a computation's breakdown: clears the times and the clock. */
export function stepsStart(): void {
  for (const k of Object.keys(stepTimes)) delete stepTimes[k];
  last = performance.now();
}

/** Charges the time since the previous mark to `name` (added up when a step runs twice). */
export function stepMark(name: string): void {
  const now = performance.now();
  stepTimes[name] = (stepTimes[name] ?? 0) + (now - last);
  last = now;
}

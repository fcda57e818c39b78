/**
 * "Show the intake form, its draft read again" asked from outside the agent desk (a write taken
 * back from the desk's outbox): the shell switches to the desk, which may not be mounted yet, so
 * the request waits here until it is taken.
 */
let pending = false;
const listeners = new Set<() => void>();

export function requestIntakeForm(): void {
  pending = true;
  for (const l of listeners) l();
}

/** True once per request: the desk shows its intake tab and mounts the form afresh. */
export function takeIntakeFormRequest(): boolean {
  const was = pending;
  pending = false;
  return was;
}

export function onIntakeFormRequest(listener: () => void): () => void {
  listeners.add(listener);
  return () => { listeners.delete(listener); };
}

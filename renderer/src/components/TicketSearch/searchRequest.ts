/**
 * "Open ticket search" asked from outside the agent desk (Ctrl+K on another frame): the shell
 * switches to the desk, which may not be mounted yet, so the request waits here until it is taken.
 */
let pending = false;
const listeners = new Set<() => void>();

export function requestTicketSearch(): void {
  pending = true;
  for (const l of listeners) l();
}

/** True once per request: the desk shows its search tab. */
export function takeTicketSearchRequest(): boolean {
  const was = pending;
  pending = false;
  return was;
}

export function onTicketSearchRequest(listener: () => void): () => void {
  listeners.add(listener);
  return () => { listeners.delete(listener); };
}

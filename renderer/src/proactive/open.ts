/**
 * A class case another frame asked to show (just created in ticket search). It stays pending until
 * the 未诉先办 frame has shown it: the frame may mount more than once while it loads, and a request
 * taken by a mount that is thrown away would be lost.
 */
let pending: string | null = null;

export function requestClassCase(id: string): void {
  pending = id;
}

/** The case waiting to be shown, if any (left pending). */
export function pendingClassCase(): string | null {
  return pending;
}

/** The case was shown: forget the request. */
export function classCaseShown(id: string): void {
  if (pending === id) pending = null;
}

/** A class case another frame asked to show (just created in ticket search); the 未诉先办 frame takes it once. */
let pending: string | null = null;

export function requestClassCase(id: string): void {
  pending = id;
}

export function takeClassCaseRequest(): string | null {
  const id = pending;
  pending = null;
  return id;
}

/**
 * Large typed arrays kept for the thread's life and handed out again. A recompute at 1M tickets
 * allocated gigabytes of short-lived hash tables and per-level arrays (each level of the n-gram
 * lattice sizes its table by the previous level's distinct n-grams), and every few hundred MB of
 * new ArrayBuffers made V8 run a full mark-compact of the worker's heap (about a second each at
 * 250k held tickets): a fifth to a third of the recompute's time. Buffers taken here come from
 * earlier computations when one is large enough, so the external memory stays flat.
 *
 * A taken array holds whatever its last user left: the caller fills what it reads.
 */
type Typed = Int32Array | Float64Array;
type Ctor<T extends Typed> = { new (n: number): T; new (b: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number };

/** Free buffers, by their ArrayBuffer (any element type can reuse any buffer). */
const free: ArrayBuffer[] = [];
/** Below this, a fresh allocation is cheap and does not add up to pressure. */
const MIN_BYTES = 1 << 16;
/** Free buffers kept at most (the largest are kept). */
const MAX_FREE = 24;

function take<T extends Typed>(C: Ctor<T>, n: number): T {
  const bytes = n * C.BYTES_PER_ELEMENT;
  if (bytes < MIN_BYTES) return new C(n);
  let best = -1;
  for (let i = 0; i < free.length; i++) {
    const b = free[i]!.byteLength;
    if (b >= bytes && (best < 0 || b < free[best]!.byteLength)) best = i;
  }
  if (best < 0) return new C(n);
  const buf = free[best]!;
  free[best] = free[free.length - 1]!;
  free.pop();
  return new C(buf, 0, n);
}

/** Hands an array's buffer back (the caller reads it no more, nor any view of the same buffer). */
export function give(a: Typed): void {
  const buf = a.buffer as ArrayBuffer;
  if (buf.byteLength < MIN_BYTES) return;
  free.push(buf);
  if (free.length > MAX_FREE) {
    let small = 0;
    for (let i = 1; i < free.length; i++) if (free[i]!.byteLength < free[small]!.byteLength) small = i;
    free[small] = free[free.length - 1]!;
    free.pop();
  }
}

/** An Int32Array of n elements, contents unspecified. */
export const takeI32 = (n: number): Int32Array => take(Int32Array, n);
/** A Float64Array of n elements, contents unspecified. */
export const takeF64 = (n: number): Float64Array => take(Float64Array, n);

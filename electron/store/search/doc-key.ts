/** 2^19 document keys per second of created_at: keys stay below 2^53 until the year 2514. */
export const SLOTS_PER_SECOND = 524_288;

/** First key of the second a ticket was created in; the document key order is newest-first order (both stores). */
export function docKeyBase(createdAt: string): number {
  const ms = Date.parse(createdAt);
  const sec = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  return sec * SLOTS_PER_SECOND;
}

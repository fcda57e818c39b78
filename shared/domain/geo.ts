/**
 * Coordinates typed by an agent (read off a map or a citizen's shared location). Agents copy them
 * in either order — map apps show "lng,lat", phone share sheets "lat,lng" — and within China the
 * two ranges do not overlap (longitude 73–136° E, latitude 3–54° N), so the order is recognised
 * rather than guessed. Coordinates are WGS-84/GCJ-02 as given; the console stores, never converts.
 */
export type CoordinatesParse =
  | { ok: true; lat: number; lng: number }
  | { ok: false; problem: 'format' | 'outside_china' };

const CHINA = { lat: [3, 54], lng: [73, 136] } as const;
const inRange = (v: number, [lo, hi]: readonly [number, number]) => v >= lo && v <= hi;

export function parseCoordinates(text: string): CoordinatesParse {
  const parts = text.normalize('NFKC').trim().split(/\s*[,;\s]\s*/).filter(Boolean);
  if (parts.length !== 2 || !parts.every((p) => /^[+-]?\d{1,3}(\.\d{1,10})?$/.test(p))) return { ok: false, problem: 'format' };
  const [a, b] = parts.map(Number) as [number, number];
  if (inRange(a, CHINA.lng) && inRange(b, CHINA.lat)) return { ok: true, lng: a, lat: b };
  if (inRange(a, CHINA.lat) && inRange(b, CHINA.lng)) return { ok: true, lat: a, lng: b };
  return { ok: false, problem: 'outside_china' };
}

/** As shown to people: longitude first, as on Chinese map apps. */
export function formatCoordinates(c: { lat: number; lng: number }): string {
  return `${c.lng.toFixed(6)}, ${c.lat.toFixed(6)}`;
}

export { detectHotspots } from './engine';
export { HotspotIndex } from './hotspot-index';
export { HotspotWorkerClient, hotspotWorkerLocation } from './worker-client';
export { DEFAULT_PARAMS, type Hotspot, type HotspotInput, type HotspotParams, type TimelinePoint } from './types';

import type { Hotspot } from './types';

/** What a class case (类案) takes from a hotspot when one is promoted. */
export interface HotspotSeed {
  /** The hotspot's stable id (hs-…): the class case can keep it to attach later members. */
  hotspotId: string;
  title: string;
  ticketIds: string[];
  terms: string[];
  area: string;
  category: string;
}

/** The fields a class case needs from a hotspot, in the shape the class-case service takes. */
export function hotspotSeed(h: Hotspot): HotspotSeed {
  return { hotspotId: h.id, title: h.title, ticketIds: [...h.ids], terms: [...h.terms], area: h.area, category: h.category };
}

import type { HotspotService } from '../../services/hotspots';
import type { HandlerSlice } from './context';

/** Hotspots (未诉先办): the ranked list of the last computation, for shift leads and admins. */
export function hotspotHandlers(hotspots: HotspotService): HandlerSlice<`hotspots.${string}`> {
  return {
    'hotspots.list': () => hotspots.list(),
  };
}

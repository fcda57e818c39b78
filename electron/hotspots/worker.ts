/**
 * The hotspot worker thread: holds the tickets of the horizon (HotspotIndex) and computes hotspots
 * on request, so that mining and clustering never hold up the main process's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { HotspotIndex } from './hotspot-index';
import type { FromHotspotWorker, HotspotWorkerInit, ToHotspotWorker } from './protocol';

const init = workerData as HotspotWorkerInit;
const index = new HotspotIndex({ tzOffsetMinutes: init.tzOffsetMinutes }, init.horizonDays);
const port = parentPort!;

port.on('message', (m: ToHotspotWorker) => {
  if (m.type === 'add') index.add(m.inputs);
  else if (m.type === 'remove') index.remove(m.ids);
  else {
    const t0 = performance.now();
    let reply: FromHotspotWorker;
    try {
      const hotspots = index.hotspots(m.now);
      reply = { type: 'result', id: m.id, hotspots, ms: performance.now() - t0, size: index.size };
    } catch (e) {
      reply = { type: 'error', id: m.id, message: String((e as Error).message ?? e) };
    }
    port.postMessage(reply);
  }
});

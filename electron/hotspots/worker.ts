/**
 * The hotspot worker thread: holds the tickets of the horizon (HotspotIndex) and computes hotspots
 * on request, so that mining and clustering never hold up the main process's event loop.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

import { HotspotIndex } from './hotspot-index';
import { stepTimes } from './steps';
import type { FromHotspotWorker, HotspotWorkerInit, ToHotspotWorker } from './protocol';

const init = workerData as HotspotWorkerInit;
const index = new HotspotIndex({ tzOffsetMinutes: init.tzOffsetMinutes }, init.horizonDays);
const port = parentPort!;
/** Time in garbage collection, added up by the observer (reported per recompute). */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

port.on('message', (m: ToHotspotWorker) => {
  if (m.type === 'add') index.add(m.inputs);
  else if (m.type === 'remove') index.remove(m.ids);
  else {
    const t0 = performance.now();
    const gc0 = gcMs;
    let reply: FromHotspotWorker;
    try {
      const hotspots = index.hotspots(m.now);
      reply = { type: 'result', id: m.id, hotspots, ms: performance.now() - t0, size: index.size, steps: { ...stepTimes }, gcMs: 0 };
    } catch (e) {
      reply = { type: 'error', id: m.id, message: String((e as Error).message ?? e) };
    }
    // The collector's entries reach the observer after the computation: read them a turn later.
    setTimeout(() => {
      if (reply.type === 'result') reply.gcMs = gcMs - gc0;
      port.postMessage(reply);
    }, 0);
  }
});

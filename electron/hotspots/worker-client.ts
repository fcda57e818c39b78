import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import type { FromHotspotWorker, HotspotWorkerInit, ToHotspotWorker } from './protocol';
import type { Hotspot, HotspotInput } from './types';

export function hotspotWorkerLocation(): URL {
  const here = import.meta.url;
  return /\.[cm]?ts$/.test(new URL(here).pathname) ? new URL('./worker.ts', here) : new URL('./hotspot-worker.js', here);
}

/** See search-client.ts: tsx's loader has to be registered inside a worker started from TS sources. */
function tsBootstrap(url: URL): string {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
}

/** A recompute's answer: the hotspots, its wall time, the tickets held, and (for the bench) its time per step and in garbage collection. */
export interface HotspotComputeResult {
  hotspots: Hotspot[];
  ms: number;
  size: number;
  steps: Record<string, number>;
  gcMs: number;
}

/**
 * Talks to the hotspot worker thread. Adds are fire-and-forget messages (ordered before any later
 * compute); a compute answers with the ranked hotspots. A worker that dies is started again empty,
 * and `onRestart` is told so that the owner can send the tickets again.
 */
export class HotspotWorkerClient {
  private worker: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (r: HotspotComputeResult) => void; reject: (e: Error) => void }>();
  private closed = false;

  constructor(
    private readonly init: HotspotWorkerInit,
    private readonly url: URL = hotspotWorkerLocation(),
    private readonly onRestart: () => void = () => undefined,
  ) {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    // A larger young generation: a recompute makes millions of short-lived arrays and objects, and
    // at 1M tickets the scavenges of the default one took 3.3-3.5 s of a recompute (2.1-2.2 s at 96 MB).
    const opts = { workerData: this.init, resourceLimits: { maxOldGenerationSizeMb: 2048, maxYoungGenerationSizeMb: 96 } };
    const w = /\.[cm]?ts$/.test(this.url.pathname) ? new Worker(tsBootstrap(this.url), { ...opts, eval: true }) : new Worker(this.url, opts);
    w.on('message', (m: FromHotspotWorker) => {
      const wait = this.waiting.get(m.id);
      if (!wait) return;
      this.waiting.delete(m.id);
      if (m.type === 'result') wait.resolve({ hotspots: m.hotspots, ms: m.ms, size: m.size, steps: m.steps, gcMs: m.gcMs });
      else wait.reject(new Error(m.message));
    });
    w.on('exit', (code) => {
      for (const wait of this.waiting.values()) wait.reject(new Error(`hotspot worker exited with code ${code}`));
      this.waiting.clear();
      if (this.closed) return;
      this.worker = this.spawn();
      this.onRestart();
    });
    w.unref();
    return w;
  }

  private send(m: ToHotspotWorker): void {
    if (!this.closed) this.worker.postMessage(m);
  }

  add(inputs: HotspotInput[]): void {
    if (inputs.length) this.send({ type: 'add', inputs });
  }

  remove(ids: string[]): void {
    if (ids.length) this.send({ type: 'remove', ids });
  }

  /** The hotspots at `now`, the recompute's wall time, the tickets held, and (for the bench) its time per step and in garbage collection. */
  compute(now: number): Promise<HotspotComputeResult> {
    if (this.closed) return Promise.reject(new Error('hotspot worker closed'));
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.send({ type: 'compute', id, now });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }
}

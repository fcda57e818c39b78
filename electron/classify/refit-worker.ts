/**
 * Worker entry of a linear-model refit (refit-client.ts): receives the training tickets in pages,
 * extracts their features as they arrive, fits when told to and sends the model's arrays back
 * (transferred, not copied). Runs in a worker_threads Worker so a fit never blocks the main process.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { extractFeatures, type FeatureOptions } from './features';
import { LinearModel, pack, type LinearExample, type LinearOptions } from './linear-model';
import type { RefitFromWorker, RefitToWorker } from './refit-client';

const { features, linear } = workerData as { features: FeatureOptions; linear: Partial<LinearOptions> };
const port = parentPort!;
const examples: LinearExample[] = [];

port.on('message', (m: RefitToWorker) => {
  if (m.type === 'rows') {
    for (const r of m.rows) examples.push({ f: pack(extractFeatures(r.title ?? '', r.text, features)), label: r.categoryId });
    return;
  }
  try {
    if (examples.length === 0) throw new Error('no categorised tickets to fit on');
    const t0 = performance.now();
    const model = LinearModel.fit(examples, linear, { progress: (done, of) => port.postMessage({ type: 'progress', done, of } satisfies RefitFromWorker) });
    const a = model.arrays();
    port.postMessage({ type: 'done', arrays: a, ms: performance.now() - t0 } satisfies RefitFromWorker,
      [a.vocab.buffer, a.idf.buffer, a.start.buffer, a.cls.buffer, a.w.buffer, a.bias.buffer] as ArrayBuffer[]);
  } catch (e) {
    port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies RefitFromWorker);
  }
});

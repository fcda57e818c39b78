import { detectFromDocs, prepareDoc, type Doc } from './engine';
import { stepMark, stepsStart } from './steps';
import { DEFAULT_PARAMS, type Hotspot, type HotspotInput, type HotspotParams } from './types';

/**
 * The worker's state: every ticket of the horizon, tokenised once when it arrives. Adding a ticket
 * costs its tokenisation (well under a millisecond); `hotspots()` mines and clusters what is held,
 * so that the result is by construction the same as a full run of the engine over the same tickets
 * (engine.test / hotspot-index.test check it). A re-sent ticket (edited title or text) replaces
 * the old one.
 */
export class HotspotIndex {
  private readonly docs = new Map<string, Doc>();
  private readonly p: HotspotParams;

  constructor(
    params: Partial<HotspotParams> = {},
    /** Tickets older than this many days before "now" are left out of a computation. */
    private readonly horizonDays = 90,
  ) {
    this.p = { ...DEFAULT_PARAMS, ...params };
  }

  add(inputs: readonly HotspotInput[]): void {
    for (const i of inputs) this.docs.set(i.id, prepareDoc(i, this.p));
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) this.docs.delete(id);
  }

  get size(): number {
    return this.docs.size;
  }

  /** Hotspots of the tickets within the horizon before `now` (epoch ms). */
  hotspots(now: number): Hotspot[] {
    stepsStart();
    const from = now - this.horizonDays * 86_400_000;
    const held = [...this.docs.values()].filter((d) => d.input.time === null || (d.input.time >= from && d.input.time <= now));
    stepMark('horizon');
    return detectFromDocs(held, { ...this.p, now });
  }
}

import type { HotspotAlert, HotspotList, HotspotTicketRef, HotspotView } from '../../shared/contract';
import type { BusEvent, EventPublisher } from '../events/bus';
import { hotspotSeed, type HotspotSeed } from '../hotspots';
import type { Hotspot, HotspotInput } from '../hotspots/types';
import { HotspotWorkerClient } from '../hotspots/worker-client';
import type { Logger } from '../log';
import type { Db } from '../store/repos/db';
import { hotspotTicketsByIds, hotspotTicketsSince, type HotspotTicketRow } from '../store/repos/hotspots';

export interface HotspotServiceOptions {
  db: Db;
  bus: EventPublisher;
  now: () => Date;
  log: Logger;
  /** Days of tickets the hotspots are computed over. @default 90 */
  horizonDays?: number;
  /** New tickets are gathered this long before one recompute. @default 2000 */
  debounceMs?: number;
  workerUrl?: URL;
}

const PAGE = 5000;
const MAX_TICKETS_SHOWN = 500;

function toInput(r: HotspotTicketRow): HotspotInput {
  return {
    id: r.id,
    title: r.title,
    text: r.content,
    time: Date.parse(r.created_at),
    ...(r.category ? { category: r.category } : {}),
    ...(r.district ? { area: r.district } : {}),
    ...(r.citizen_id ? { citizen: r.citizen_id } : {}),
    ...(r.lat !== null && r.lng !== null ? { lat: r.lat, lon: r.lng } : {}),
  };
}

function toRef(r: HotspotTicketRow): HotspotTicketRef {
  return { id: r.id, number: r.number, title: r.title, at: new Date(Date.parse(r.created_at)).toISOString(), lat: r.lat, lng: r.lng };
}

/**
 * Hotspots (未诉先办) for shift leads. The tickets of the horizon are handed to a worker thread
 * once at start, then each newly registered ticket (ticket.changed, action register) as it comes;
 * the worker recomputes after a short quiet spell, so a burst of intake costs one recompute. A
 * hotspot that appears above the alert threshold, or gains people, is announced once per change
 * as `hotspot.alert`; those present at start are the baseline and are not announced again.
 */
export class HotspotService {
  private readonly client: HotspotWorkerClient;
  private readonly refs = new Map<string, HotspotTicketRef>();
  private readonly announced = new Map<string, number>();
  private readonly pending = new Set<string>();
  private latest: HotspotList;
  private raw: Hotspot[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private work: Promise<void> = Promise.resolve();
  private baselineDone = false;
  private closed = false;
  private readonly horizonDays: number;

  constructor(private readonly o: HotspotServiceOptions) {
    this.horizonDays = o.horizonDays ?? 90;
    this.client = new HotspotWorkerClient({ horizonDays: this.horizonDays, tzOffsetMinutes: 480 }, o.workerUrl, () => {
      // A worker that died lost its tickets: send them again.
      this.work = this.work.then(() => this.loadAll()).then(() => this.recompute());
    });
    this.latest = { computedAt: null, ticketsConsidered: 0, horizonDays: this.horizonDays, hotspots: [] };
  }

  /** Loads the horizon's tickets into the worker and computes the baseline (not announced). */
  start(): Promise<void> {
    this.work = this.work.then(() => this.loadAll()).then(() => this.recompute()).catch((e: unknown) => this.o.log.error('hotspots: start failed', { error: String(e) }));
    return this.work;
  }

  private async loadAll(): Promise<void> {
    const since = new Date(this.o.now().getTime() - this.horizonDays * 86_400_000).toISOString();
    let after: { createdAt: string; id: string } | undefined;
    for (;;) {
      const rows = await hotspotTicketsSince(this.o.db, { since, limit: PAGE, ...(after ? { after } : {}) });
      this.take(rows);
      if (rows.length < PAGE) break;
      const last = rows.at(-1)!;
      after = { createdAt: last.created_at, id: last.id };
    }
  }

  private take(rows: HotspotTicketRow[]): void {
    for (const r of rows) this.refs.set(r.id, toRef(r));
    this.client.add(rows.map(toInput));
  }

  /** Every bus event passes here; a registered ticket is queued for the next recompute. */
  onEvent(e: BusEvent): void {
    if (this.closed || e.name !== 'ticket.changed' || e.payload.action !== 'register') return;
    this.pending.add(e.payload.ticketId);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.work = this.work.then(() => this.flush()).catch((err: unknown) => this.o.log.error('hotspots: update failed', { error: String(err) }));
    }, this.o.debounceMs ?? 2000);
    this.timer.unref?.();
  }

  private async flush(): Promise<void> {
    const ids = [...this.pending];
    this.pending.clear();
    this.take(await hotspotTicketsByIds(this.o.db, ids));
    await this.recompute();
  }

  private async recompute(): Promise<void> {
    if (this.closed) return;
    const { hotspots, ms, size } = await this.client.compute(this.o.now().getTime());
    this.raw = hotspots;
    const views = hotspots.map((h) => this.view(h));
    this.latest = { computedAt: this.o.now().toISOString(), ticketsConsidered: size, horizonDays: this.horizonDays, hotspots: views };
    this.o.log.info('hotspots computed', { tickets: size, hotspots: hotspots.length, ms: Math.round(ms) });
    views.forEach((v) => {
      if (!v.alert) return;
      const before = this.announced.get(v.id);
      this.announced.set(v.id, Math.max(before ?? 0, v.people));
      if (!this.baselineDone) return;
      let alert: HotspotAlert | null = null;
      if (before === undefined) alert = { change: 'new', hotspot: v, previousPeople: 0 };
      else if (v.people > before) alert = { change: 'growing', hotspot: v, previousPeople: before };
      if (alert) this.o.bus.publish('hotspot.alert', alert);
    });
    this.baselineDone = true;
  }

  private view(h: Hotspot): HotspotView {
    const tickets = h.ids
      .slice(-MAX_TICKETS_SHOWN)
      .reverse()
      .map((id) => this.refs.get(id))
      .filter((r): r is HotspotTicketRef => r !== undefined);
    return {
      id: h.id,
      kind: h.kind,
      title: h.title,
      score: h.score,
      people: h.people,
      ticketCount: h.ids.length,
      alert: h.alert,
      burst: h.burst,
      growth: h.growth,
      area: h.area,
      category: h.category,
      terms: h.terms,
      first: h.first === null ? null : new Date(h.first).toISOString(),
      last: h.last === null ? null : new Date(h.last).toISOString(),
      timeline: h.timeline,
      center: h.center ? { lat: h.center.lat, lng: h.center.lon } : null,
      tickets,
    };
  }

  list(): HotspotList {
    return this.latest;
  }

  /** For class cases (类案): what a promoted hotspot brings, from the last computation; null when gone. */
  seed(hotspotId: string): HotspotSeed | null {
    const h = this.raw.find((x) => x.id === hotspotId);
    return h ? hotspotSeed(h) : null;
  }

  /** Resolves when queued tickets are in and the recompute they started has finished (tests). */
  async idle(): Promise<void> {
    while (this.timer || this.pending.size) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
        this.work = this.work.then(() => this.flush());
      }
      await this.work;
    }
    await this.work;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    // Stop the worker first: a computation in flight is dropped, not waited for (it can take seconds).
    await this.client.close();
    await this.work.catch(() => undefined);
  }
}

import type { WallboardCharts } from '../../shared/contract';
import { addDays, chinaDateKey, endOfChinaDay, startOfChinaDay } from '../../shared/domain/china-time';
import type { Db } from '../store/repos/db';
import { seatExtensions } from '../store/repos/calls';
import { callsByMinute, categoryTree, ticketsByCategoryBetween } from '../store/repos/wallboard';

/** "Usual" is the mean of the same weekday in this many weeks before today. */
export const USUAL_WEEKS = 4;
const SLOT_MINUTES = 15;
const SLOTS = (24 * 60) / SLOT_MINUTES;
/** Categories shown by name; the rest are summed as 其他. */
const TOP_CATEGORIES = 8;

export interface ChartSources {
  /** The service-level threshold as stored (话机设置). */
  serviceLevelSeconds(): Promise<number>;
  /** The admin's service-level target for alerts, % (null: none). */
  serviceLevelTargetPct(): Promise<number | null>;
}

/**
 * The wallboard's charts: five days of calls counted per minute by the store (today and the same
 * weekday of the four weeks before, each an invited_at range), five days of tickets per category
 * (created_at ranges); no history scan, whatever the store holds.
 */
export class WallboardChartsService {
  constructor(private readonly db: Db, private readonly now: () => Date, private readonly sources: ChartSources) {}

  /** Today's offered calls and those answered in time, per 15-minute slot (China time). */
  private async daySlots(day: string, extensions: readonly string[], inTimeMs: number) {
    const start = startOfChinaDay(day).getTime();
    const offered = new Array<number>(SLOTS).fill(0);
    const inTime = new Array<number>(SLOTS).fill(0);
    const rows = await callsByMinute(this.db, { from: new Date(start).toISOString(), to: endOfChinaDay(day).toISOString(), extensions, inTimeMs });
    for (const r of rows) {
      const slot = Math.floor((Date.parse(`${r.minute}:00.000Z`) - start) / 60_000 / SLOT_MINUTES);
      if (slot < 0 || slot >= SLOTS) continue;
      offered[slot]! += r.offered;
      inTime[slot]! += r.inTime;
    }
    return { offered, inTime };
  }

  /** Today's service level so far (answered in time / offered), null with nothing offered: the alert's figure. */
  async todayServiceLevel(): Promise<number | null> {
    const [extensions, seconds] = await Promise.all([seatExtensions(this.db), this.sources.serviceLevelSeconds()]);
    const day = await this.daySlots(chinaDateKey(this.now()), [...extensions], seconds * 1000);
    const offered = day.offered.reduce((a, b) => a + b, 0);
    return offered ? day.inTime.reduce((a, b) => a + b, 0) / offered : null;
  }

  async charts(): Promise<WallboardCharts> {
    const now = this.now();
    const day = chinaDateKey(now);
    const usualDays = Array.from({ length: USUAL_WEEKS }, (_, i) => addDays(day, -7 * (i + 1)));
    const [extensionSet, seconds, target] = await Promise.all([seatExtensions(this.db), this.sources.serviceLevelSeconds(), this.sources.serviceLevelTargetPct()]);
    const extensions = [...extensionSet];
    const [today, ...usual] = await Promise.all([day, ...usualDays].map((d) => this.daySlots(d, extensions, seconds * 1000)));
    const nowSlot = Math.floor((now.getTime() - startOfChinaDay(day).getTime()) / 60_000 / SLOT_MINUTES);
    const usualOf = (slot: number) => usual.reduce((a, d) => a + d.offered[slot]!, 0) / USUAL_WEEKS;
    // From the first slot with calls (today or usually) to the last, and at least up to now.
    const busy = (slot: number) => today!.offered[slot]! > 0 || usualOf(slot) > 0;
    let first = 0;
    while (first < SLOTS - 1 && first < nowSlot && !busy(first)) first += 1;
    let last = SLOTS - 1;
    while (last > nowSlot && !busy(last)) last -= 1;
    const quarters: WallboardCharts['quarters'] = [];
    let offered = 0;
    let inTime = 0;
    for (let slot = 0; slot <= last; slot++) {
      const ahead = slot > nowSlot;
      offered += ahead ? 0 : today!.offered[slot]!;
      inTime += ahead ? 0 : today!.inTime[slot]!;
      if (slot < first) continue;
      const minutes = slot * SLOT_MINUTES;
      quarters.push({
        slot: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
        today: ahead ? null : today!.offered[slot]!,
        usual: Math.round(usualOf(slot) * 100) / 100,
        serviceLevel: ahead || offered === 0 ? null : Math.round((inTime / offered) * 1000) / 10,
      });
    }
    return { day, usualDays, quarters, categories: await this.categories(day, usualDays), serviceLevelSeconds: seconds, serviceLevelTargetPct: target };
  }

  /** Tickets registered per top-level category, today and on average on the usual days. */
  private async categories(day: string, usualDays: readonly string[]): Promise<WallboardCharts['categories']> {
    const range = (d: string) => ticketsByCategoryBetween(this.db, startOfChinaDay(d).toISOString(), endOfChinaDay(d).toISOString());
    const [tree, today, ...usual] = await Promise.all([categoryTree(this.db), range(day), ...usualDays.map(range)]);
    const byId = new Map(tree.map((c) => [c.id, c]));
    const topOf = (id: string | null): string | null => {
      let c = id === null ? undefined : byId.get(id);
      for (let hops = 0; c?.parent_id && hops < 10; hops++) c = byId.get(c.parent_id) ?? c;
      return c?.name ?? null;
    };
    // Key '' stands for tickets without a category.
    const totals = new Map<string, { today: number; usual: number }>();
    const add = (rows: { categoryId: string | null; count: number }[], field: 'today' | 'usual') => {
      for (const r of rows) {
        const key = topOf(r.categoryId) ?? '';
        const t = totals.get(key) ?? { today: 0, usual: 0 };
        t[field] += r.count;
        totals.set(key, t);
      }
    };
    add(today, 'today');
    for (const u of usual) add(u, 'usual');
    const rows = [...totals.entries()].map(([name, v]) => ({ name, today: v.today, usual: Math.round((v.usual / USUAL_WEEKS) * 10) / 10 }))
      .sort((a, b) => Math.max(b.today, b.usual) - Math.max(a.today, a.usual) || a.name.localeCompare(b.name, 'zh-CN'));
    const shown: WallboardCharts['categories'] = rows.slice(0, TOP_CATEGORIES).map((r) => ({ kind: r.name ? 'category' as const : 'uncategorized' as const, ...r }));
    const rest = rows.slice(TOP_CATEGORIES);
    if (rest.length) {
      shown.push({ kind: 'other', name: '', today: rest.reduce((a, r) => a + r.today, 0), usual: Math.round(rest.reduce((a, r) => a + r.usual, 0) * 10) / 10 });
    }
    return shown;
  }
}

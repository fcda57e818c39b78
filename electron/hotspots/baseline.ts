import { weekdayOf } from './text';

/**
 * Background rate by category × area × weekday. A cell with little history leans on the global
 * weekday profile (7 pseudo-counts), so an area with no history gets the city's profile rather
 * than a division by zero.
 */
export class Background {
  private readonly cells = new Map<string, number[]>();
  private readonly global = [0, 0, 0, 0, 0, 0, 0];

  constructor(
    readonly firstDay: number,
    readonly lastDay: number,
  ) {}

  add(cell: string, day: number): void {
    const wd = weekdayOf(day);
    this.global[wd]!++;
    let c = this.cells.get(cell);
    if (!c) this.cells.set(cell, (c = [0, 0, 0, 0, 0, 0, 0]));
    c[wd]!++;
  }

  /**
   * Relative weight of each weekday for a cell (sums to 7). `own` (per weekday) is taken out of
   * the cell first: a hotspot must not shape the background it is measured against.
   */
  profile(cell: string, own?: readonly number[]): number[] {
    const g = this.global;
    const gTotal = g.reduce((a, b) => a + b, 0);
    const gp = gTotal ? g.map((x) => (7 * x) / gTotal) : [1, 1, 1, 1, 1, 1, 1];
    const raw = this.cells.get(cell);
    const c = raw ? raw.map((x, wd) => Math.max(0, x - (own?.[wd] ?? 0))) : null;
    const cTotal = c ? c.reduce((a, b) => a + b, 0) : 0;
    const m = 7;
    return gp.map((gv, wd) => (7 * ((c?.[wd] ?? 0) + (m * gv) / 7)) / (cTotal + m));
  }

  /** Share of the whole period's expected volume that falls in [from, to] (days, inclusive). */
  share(cell: string, from: number, to: number, own?: readonly number[]): number {
    return this.sharer(cell, own)(from, to);
  }

  /**
   * share() for one cell and `own`, as a function of the window: the profile and the whole
   * period's weight are worked out once (a scan asks for a window ending on every day).
   */
  sharer(cell: string, own?: readonly number[]): (from: number, to: number) => number {
    const prof = this.profile(cell, own);
    const weight = (a: number, b: number): number => {
      let s = 0;
      const lo = Math.max(a, this.firstDay);
      const hi = Math.min(b, this.lastDay);
      if (hi < lo) return 0;
      const full = Math.floor((hi - lo + 1) / 7);
      s += full * 7;
      for (let d = lo + full * 7; d <= hi; d++) s += prof[weekdayOf(d)]!;
      return s;
    };
    const all = weight(this.firstDay, this.lastDay);
    return (from, to) => (all > 0 ? weight(from, to) / all : 1);
  }
}

/**
 * Expectation-based Poisson scan statistic (Kulldorff / Neill): the log-likelihood ratio of c
 * observed against b expected, zero unless c exceeds b.
 */
export function poissonLlr(c: number, b: number): number {
  if (c <= b || c === 0) return 0;
  const bb = Math.max(b, 1e-9);
  return c * Math.log(c / bb) - (c - bb);
}

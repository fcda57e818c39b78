/** Timing helpers: sampled durations, nearest-rank percentiles and a markdown table. */

export interface Sample {
  /** Each iteration's duration in milliseconds, sorted ascending. */
  ms: number[];
  /** Work units per iteration (rows, queries) for the throughput column. */
  unitsPerIteration: number;
  unit: string;
}

export async function measure(iterations: number, fn: (i: number) => unknown, opts: { warmup?: number; unitsPerIteration?: number; unit?: string } = {}): Promise<Sample> {
  for (let i = 0; i < (opts.warmup ?? 0); i++) await fn(-1 - i);
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn(i);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { ms, unitsPerIteration: opts.unitsPerIteration ?? 1, unit: opts.unit ?? 'ops' };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Units per second over all iterations. */
export function throughput(s: Sample): number {
  const total = s.ms.reduce((a, b) => a + b, 0);
  return (s.ms.length * s.unitsPerIteration) / (total / 1000);
}

export function fmtMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}

export function fmtRate(r: number, unit: string): string {
  const v = r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : r >= 1e4 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(r >= 100 ? 0 : 1);
  return `${v} ${unit}/s`;
}

export interface Row {
  name: string;
  sample: Sample;
  baseline?: { name: string; sample: Sample };
}

/** Ratio column: the measured p50 against the baseline p50, said as "× slower" or "× faster". */
export function markdownTable(rows: Row[]): string {
  const head = '| benchmark | n | p50 | p95 | p99 | throughput | baseline | baseline p50 | p50 vs baseline |';
  const sep = '|---|---:|---:|---:|---:|---:|---|---:|---:|';
  const lines = rows.map(({ name, sample: s, baseline: b }) => {
    const ratio = b ? percentile(s.ms, 50) / percentile(b.sample.ms, 50) : NaN;
    const ratioText = !b ? '' : ratio >= 1 ? `${ratio.toFixed(2)}× slower` : `${(1 / ratio).toFixed(1 / ratio >= 10 ? 0 : 2)}× faster`;
    return `| ${name} | ${s.ms.length} | ${fmtMs(percentile(s.ms, 50))} | ${fmtMs(percentile(s.ms, 95))} | ${fmtMs(percentile(s.ms, 99))} | ${fmtRate(throughput(s), s.unit)} | ${b?.name ?? ''} | ${b ? fmtMs(percentile(b.sample.ms, 50)) : ''} | ${ratioText} |`;
  });
  return [head, sep, ...lines].join('\n');
}

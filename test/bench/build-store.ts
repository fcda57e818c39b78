/** Builds (or finds) the cached benchmark store: `npx tsx test/bench/build-store.ts [tickets]`. */
import { ensureBenchStore } from './store-cache';

const tickets = Number(process.argv[2] ?? process.env.BENCH_TICKETS ?? 1_000_000);
const t0 = performance.now();
const r = await ensureBenchStore(tickets, undefined, (s) => console.log(s));
console.log(r.builtMs === null ? `cached: ${r.file}` : `built ${r.file} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

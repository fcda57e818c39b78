/**
 * Makes a demo store: `npx tsx electron/demo/cli.ts --out demo.sqlite --tickets 1000000 --seed 42
 * [--reference-date 2025-11-28T04:00:00Z] [--days 730]`. The file must not exist yet.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openSqliteStore } from '../store/sqlite';
import { loadDemoData } from './load';
import { DEFAULT_REFERENCE_DATE } from './version';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      tickets: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '42' },
      'reference-date': { type: 'string', default: DEFAULT_REFERENCE_DATE },
      days: { type: 'string', default: '730' },
    },
  });
  if (!values.out) throw new Error('usage: cli.ts --out <file.sqlite> [--tickets N] [--seed S] [--reference-date ISO] [--days D]');
  if (existsSync(values.out)) throw new Error(`${values.out} already exists; demo data goes into a new store`);
  const tickets = Number(values.tickets);
  const seed = Number(values.seed);
  if (!Number.isInteger(tickets) || tickets < 0 || !Number.isInteger(seed)) throw new Error('--tickets and --seed must be integers');
  const store = await openSqliteStore(values.out);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  let lastPrint = 0;
  const t0 = performance.now();
  try {
    const r = await loadDemoData(store, {
      seed, tickets, referenceDate: values['reference-date'], days: Number(values.days), signal: controller.signal,
      onProgress(done, total) {
        const now = performance.now();
        if (now - lastPrint < 1000 && done < total) return;
        lastPrint = now;
        const s = (now - t0) / 1000;
        process.stdout.write(`\r${done.toLocaleString('en')} / ${total.toLocaleString('en')} tickets  ${s.toFixed(1)} s  ${Math.round(done / s).toLocaleString('en')}/s   `);
      },
    });
    process.stdout.write('\n');
    console.log(`${r.cancelled ? 'cancelled' : 'done'}: ${r.tickets} tickets, ${r.citizens} citizens, ${r.events} events in ${(r.ms / 1000).toFixed(1)} s -> ${values.out}`);
  } finally {
    await store.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

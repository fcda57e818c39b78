/**
 * The monthly analysis (每月分析研判, issue 14) on a big SQLite store: generating one month's report
 * (volumes this month, last month and a year ago per domain and district, the 三率 of the month's
 * tickets day by day, class cases) and the Word file, on a copy of the cached demo store. A cached
 * store of an older schema is copied and migrated (the class case tables are new and empty).
 */
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_REFERENCE_DATE } from '../../electron/demo';
import { MonthlyAnalysisService } from '../../electron/services/monthly-analysis';
import { buildAnalysisDocx } from '../../electron/services/analysis-report';
import { openSqliteStore } from '../../electron/store/sqlite';
import { chinaDateKey } from '../../shared/domain/china-time';
import { previousMonth } from '../../shared/domain/monthly-analysis';
import { measure, type Row } from './harness';
import { benchCacheDir, BENCH_SEED, cachedStorePath, ensureBenchStore } from './store-cache';

/** A cached store of this size, of the current schema if there is one, else of an older one. */
async function sourceStore(tickets: number, log: (s: string) => void): Promise<string> {
  if (existsSync(cachedStorePath(BENCH_SEED, tickets))) return cachedStorePath(BENCH_SEED, tickets);
  const older = readdirSync(benchCacheDir()).filter((f) => f.startsWith(`demo-s${BENCH_SEED}-n${tickets}-schema`) && f.endsWith('.sqlite')).sort().at(-1);
  if (older) { log(`using ${older}, migrated on a copy`); return join(benchCacheDir(), older); }
  return (await ensureBenchStore(tickets, BENCH_SEED, log)).file;
}

export async function benchMonthlyAnalysis(tickets: number, work: string, log: (s: string) => void): Promise<{ rows: Row[]; notes: string[] }> {
  const file = join(work, `analysis-${tickets}.sqlite`);
  copyFileSync(await sourceStore(tickets, log), file);
  const store = await openSqliteStore(file);
  const now = new Date(DEFAULT_REFERENCE_DATE);
  try {
    const svc = new MonthlyAnalysisService(store.db, () => now);
    const month = previousMonth(chinaDateKey(now).slice(0, 7));
    let report = await svc.generate(month);
    const n = tickets.toLocaleString('en');
    const gen = await measure(5, async () => { report = await svc.generate(month); }, { warmup: 1, unit: 'report' });
    const docx = await measure(5, () => buildAnalysisDocx(report), { warmup: 1, unit: 'file' });
    return {
      rows: [
        { name: `monthly report ${month}, ${n} tickets (${report.total.toLocaleString('en')} in the month)`, sample: gen },
        { name: `Word file of it (${report.domains.length} domains, ${report.districts.length} districts)`, sample: docx },
      ],
      notes: [`${month}: ${report.total} tickets, last month ${report.lastMonth ?? '—'}, a year ago ${report.lastYear ?? '—'}, ${report.findings.length} findings`],
    };
  } finally {
    await store.close();
  }
}

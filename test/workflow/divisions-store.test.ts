import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { ImportResult, JobView, Result } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { queryPlan } from '../support/plan';
import { loadDemoData } from '../../electron/demo';
import { DivisionImportService } from '../../electron/services/division-import';
import { JobCancelled, type JobContext } from '../../electron/jobs/job-runner';

let t: TestApp;
const admin: Connection = { id: 'admin', session: null, send: () => {} };
const call = async <T>(name: string, input: unknown) => (await t.app.dispatcher.dispatch(admin, name, input)) as Result<T>;
async function job<T>(name: string, input: unknown): Promise<T> {
  const started = await call<JobView>(name, input);
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  const done = await t.app.jobs.settled(started.value.id);
  if (done.state !== 'done') throw new Error(JSON.stringify(done));
  return done.result as T;
}

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 30, now: () => new Date('2026-11-28T02:00:00Z') });
  t.app.dispatcher.attach(admin);
  await call('session.login', { username: 'admin', password: 'Demo-12345' });
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('divisions in the store', () => {
  // Deleting a division makes the store look for tickets still pointing at it (foreign keys), and
  // the import asks which divisions tickets use: without an index both walk every ticket.
  it.each(['district_code', 'street_code', 'community_code'])('tickets.%s is looked up through an index', async (col) => {
    const plan = await queryPlan(t.app.store, `select 1 from tickets where ${col} = ?`, ['x']);
    // SQLite names the indexed column; PostgreSQL names the index and its condition.
    expect(plan).toMatch(new RegExp(`USING (COVERING )?INDEX tickets_\\w+ \\(${col}=\\?\\)|Index (Only )?Scan (Backward )?(using|on) tickets_\\w+[\\s\\S]*Index Cond: \\(${col} = `));
  });

  it('a cancel while writing rolls back what was already written', async () => {
    const dump = () => t.app.store.db.selectFrom('divisions').selectAll().orderBy('code').execute();
    const audits = () => t.app.store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const before = [await dump(), await audits()];
    const admin = await t.app.store.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    let phase = '';
    let written = 0;
    const ctx: JobContext = {
      signal: new AbortController().signal,
      progress: (p, done) => { phase = p; if (p === 'writing') written = done; },
      // Cancelled once three batches of 北京's divisions are in.
      checkpoint: async () => { if (phase === 'writing' && written >= 1500) throw new JobCancelled(); },
    };
    await expect(new DivisionImportService(t.app.store.db, () => new Date()).importCity('1101', admin.id, ctx)).rejects.toBeInstanceOf(JobCancelled);
    expect(written).toBe(1500);
    expect([await dump(), await audits()]).toEqual(before);
  });

  it('an Excel ledger naming a district both a retired and the current city have gets the current one', async () => {
    const useDistrict = async (code: string) => t.app.store.db.updateTable('tickets').set({ district_code: code, street_code: null, community_code: null })
      .where('id', '=', (await t.app.store.db.selectFrom('tickets').select('id').orderBy('id').executeTakeFirstOrThrow()).id).execute();
    // 拉萨 and 兰州 both have a 城关区. Load 拉萨, use its 城关区, switch to 兰州 and back: the row of
    // 兰州's (retired) comes after 拉萨's (current again) in the table.
    await job('divisions.importCity', { cityCode: '5401' });
    await useDistrict('540102');
    await job('divisions.importCity', { cityCode: '6201' });
    await useDistrict('620102');
    await job('divisions.importCity', { cityCode: '5401' });
    const both = await t.app.store.db.selectFrom('divisions').select(['code', 'retired']).where('name', '=', '城关区').orderBy('code').execute();
    expect(both).toEqual([{ code: '540102', retired: 0 }, { code: '620102', retired: 1 }]);

    const leaf = await t.app.store.db.selectFrom('categories').select('name').where('level', '=', 3).execute();
    const counts = new Map<string, number>();
    for (const l of leaf) counts.set(l.name, (counts.get(l.name) ?? 0) + 1);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('旧台账');
    ws.addRow(['编号', '来电时间', '类型', '分类', '标题', '内容', '区县']);
    ws.addRow(['OLD-CG-1', '2024-05-03 09:15', '投诉', [...counts].find(([, n]) => n === 1)![0], '楼上漏水', '卫生间漏水到楼下', '城关区']);
    const base64 = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
    const mapping = { number: '编号', createdAt: '来电时间', appealType: '类型', category: '分类', title: '标题', content: '内容', district: '区县' };
    expect(await job<ImportResult>('tickets.importXlsx', { base64, mapping, dryRun: false })).toMatchObject({ ok: true, imported: 1 });
    const row = await t.app.store.db.selectFrom('tickets').select('district_code').where('number', '=', 'OLD-CG-1').executeTakeFirstOrThrow();
    expect(row.district_code).toBe('540102');
  }, 60_000);
});

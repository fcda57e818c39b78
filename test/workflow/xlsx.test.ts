import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { ImportResult, Result } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';

let t: TestApp;
const admin: Connection = { id: 'x', session: null, send: () => {} };
const call = async <T>(name: string, input: unknown) => (await t.app.dispatcher.dispatch(admin, name, input)) as Result<T>;
let leafName = '';

async function sheet(rows: (string | Date)[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('旧台账');
  ws.addRow(['编号', '来电时间', '类型', '分类', '标题', '内容', '电话', '区县', '状态']);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}
const mapping = { number: '编号', createdAt: '来电时间', appealType: '类型', category: '分类', title: '标题', content: '内容', phone: '电话', district: '区县', status: '状态' };
const count = async () => Number((await t.app.store.db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 30, now: () => new Date('2026-11-28T02:00:00Z') });
  t.app.dispatcher.attach(admin);
  await call('session.login', { username: 'admin', password: 'Demo-12345' });
  const leaves = await t.app.store.db.selectFrom('categories').select('name').where('level', '=', 3).execute();
  const counts = new Map<string, number>();
  for (const l of leaves) counts.set(l.name, (counts.get(l.name) ?? 0) + 1);
  leafName = [...counts].find(([, n]) => n === 1)![0];
}, 60_000);
afterAll(async () => { await t?.dispose(); });

describe('Excel import and export', () => {
  it('reports every broken cell with its row and column, and writes nothing', async () => {
    const before = await count();
    const base64 = await sheet([
      ['OLD-0001', '2024-05-03 09:15', '投诉', leafName, '楼上漏水', '卫生间漏水到楼下', '13800001111', '', '已办结'],
      ['OLD-0002', '2024-02-30 10:00', '吐槽', '不存在的分类', 'x', '内容', '12345', '火星区', '未知状态'],
      ['OLD-0001', new Date('2024-06-01T02:00:00Z'), '咨询', leafName, '重复编号', '编号与第 2 行相同', '', '', ''],
    ]);
    const r = await call<ImportResult>('tickets.importXlsx', { base64, mapping, dryRun: false });
    expect(r.ok).toBe(true);
    const res = (r as { value: ImportResult }).value;
    expect(res.ok).toBe(false);
    expect(res.imported).toBe(0);
    const problems = res.errors.map((e) => `${e.row}:${e.column}:${e.problem}`);
    expect(problems).toEqual(expect.arrayContaining([
      '3:来电时间:bad_time', '3:类型:unknown_appeal_type', '3:分类:unknown_category', '3:标题:too_short',
      '3:电话:bad_phone', '3:区县:unknown_district', '3:状态:unknown_status', '4:编号:duplicate_number',
    ]));
    expect(problems.some((p) => p.startsWith('2:'))).toBe(false);
    expect(await count()).toBe(before);
  });

  it('refuses a sheet with a required column missing, and a file that is not a workbook', async () => {
    const base64 = await sheet([]);
    const r = await call<ImportResult>('tickets.importXlsx', { base64, mapping: { ...mapping, title: '主题' }, dryRun: true });
    expect(r.ok && r.value.errors[0]).toMatchObject({ row: 1, column: '主题', problem: 'column_missing' });
    const junk = await call('tickets.importXlsx', { base64: Buffer.from('not a workbook').toString('base64'), mapping, dryRun: true });
    expect(junk).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ problem: 'not_xlsx' }] } });
  });

  it('imports a clean sheet in one go and exports it back with numbers masked', async () => {
    const before = await count();
    const base64 = await sheet([
      ['OLD-1001', '2024-05-03 09:15', '投诉', leafName, '楼上漏水', '卫生间漏水到楼下，物业不处理', '13800001111', '', '已办结'],
      ['OLD-1002', new Date('2024-06-01T02:00:00Z'), '咨询', leafName, '咨询公积金提取', '咨询公积金提取需要哪些材料', '', '', ''],
    ]);
    const dry = await call<ImportResult>('tickets.importXlsx', { base64, mapping, dryRun: true });
    expect(dry.ok && dry.value).toMatchObject({ ok: true, imported: 0, rows: 2 });
    expect(await count()).toBe(before);
    const r = await call<ImportResult>('tickets.importXlsx', { base64, mapping, dryRun: false });
    expect(r.ok && r.value).toMatchObject({ ok: true, imported: 2 });
    expect(await count()).toBe(before + 2);
    const row = await t.app.store.db.selectFrom('tickets').selectAll().where('number', '=', 'OLD-1001').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ created_at: '2024-05-03T01:15:00.000Z', status: 'closed', phone: '13800001111', appeal_type: 'complaint' });

    const out = await call<{ base64: string; rows: number }>('tickets.exportXlsx', { limit: 50_000 });
    expect(out.ok).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from((out as { value: { base64: string } }).value.base64, 'base64') as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0]!;
    const texts: string[] = [];
    ws.eachRow((r) => texts.push(r.values?.toString() ?? ''));
    const line = texts.find((x) => x.includes('OLD-1001'))!;
    expect(line).toContain('138****1111');
    expect(line).not.toContain('13800001111');
    expect(ws.rowCount).toBe(before + 2 + 1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { ImportResult, JobView, Result } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { deflateRawSync } from 'node:zlib';
import { bombSheet, handMadeXlsx, inline, HEADER_ROW, SHEET_HEAD } from '../support/hand-made-xlsx';
import { XlsxService } from '../../electron/services/xlsx-io';
import { DEFAULT_SHEET_LIMITS } from '../../electron/jobs/xlsx-stream';

let t: TestApp;
const pushed: { name: string; payload: unknown }[] = [];
const admin: Connection = { id: 'x', session: null, send: (name, payload) => { pushed.push({ name, payload }); } };
const call = async <T>(name: string, input: unknown) => (await t.app.dispatcher.dispatch(admin, name, input)) as Result<T>;
/** Starts an import job and waits for it; the result is the job's ImportResult, as the admin screen gets it. */
async function importXlsx(input: unknown): Promise<Result<ImportResult>> {
  const started = await call<JobView>('tickets.importXlsx', input);
  if (!started.ok) return started;
  const done = await t.app.jobs.settled(started.value.id);
  if (done.state !== 'done') return { ok: false, error: done.error ?? { code: 'internal' } };
  return { ok: true, value: done.result as ImportResult };
}
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
    const r = await importXlsx({ base64, mapping, dryRun: false });
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

  it('finds a category by its full path however the levels are separated, as the console shows it or typed by hand', async () => {
    const leaf = await t.app.store.db.selectFrom('categories as c').innerJoin('categories as p', 'p.id', 'c.parent_id').innerJoin('categories as g', 'g.id', 'p.parent_id')
      .select(['c.name as c', 'p.name as p', 'g.name as g']).where('c.level', '=', 3).orderBy('c.code').executeTakeFirstOrThrow();
    const typed = [`${leaf.g} / ${leaf.p} / ${leaf.c}`, `${leaf.g}/${leaf.p}/${leaf.c}`, `${leaf.g}／${leaf.p} > ${leaf.c}`, `${leaf.g}/${leaf.p}/不存在的分类`];
    const base64 = await sheet(typed.map((path, i) => [`PATH-000${i + 1}`, '2024-05-03 09:15', '投诉', path, '路灯不亮', '小区门口路灯不亮已一周', '13800001111', '', '已办结']));
    const r = await importXlsx({ base64, mapping, dryRun: true });
    const errors = r.ok ? r.value.errors : [];
    expect(errors.map((e) => `${e.row}:${e.column}:${e.problem}`)).toEqual(['5:分类:unknown_category']);
  });

  it('refuses a sheet with a required column missing, and a file that is not a workbook', async () => {
    const base64 = await sheet([]);
    const r = await importXlsx({ base64, mapping: { ...mapping, title: '主题' }, dryRun: true });
    expect(r.ok && r.value.errors[0]).toMatchObject({ row: 1, column: '主题', problem: 'column_missing' });
    const junk = await importXlsx({ base64: Buffer.from('not a workbook').toString('base64'), mapping, dryRun: true });
    expect(junk).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ problem: 'not_xlsx' }] } });
  });

  it('imports a clean sheet in one go and exports it back with numbers masked', async () => {
    const before = await count();
    const base64 = await sheet([
      ['OLD-1001', '2024-05-03 09:15', '投诉', leafName, '楼上漏水', '卫生间漏水到楼下，物业不处理', '13800001111', '', '已办结'],
      ['OLD-1002', new Date('2024-06-01T02:00:00Z'), '咨询', leafName, '咨询公积金提取', '咨询公积金提取需要哪些材料', '', '', ''],
    ]);
    const dry = await importXlsx({ base64, mapping, dryRun: true });
    expect(dry.ok && dry.value).toMatchObject({ ok: true, imported: 0, rows: 2 });
    expect(await count()).toBe(before);
    const r = await importXlsx({ base64, mapping, dryRun: false });
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

describe('Excel import as a job', () => {
  const bigSheet = (n: number, prefix: string) => sheet(Array.from({ length: n }, (_, i) =>
    [`${prefix}-${String(i).padStart(5, '0')}`, '2024-05-03 09:15', '投诉', leafName, `第${i}行标题`, `第${i}行的诉求内容，楼道灯坏了`, '', '', '已办结']));
  const progressOf = (id: string) => pushed.filter((p) => p.name === 'job.progress').map((p) => p.payload as JobView).filter((v) => v.id === id);

  it('reports its phases with counts to the admin who started it, and answers other requests meanwhile', async () => {
    const before = await count();
    const started = await call<JobView>('tickets.importXlsx', { base64: await bigSheet(1200, 'BIG'), mapping, dryRun: false });
    expect(started.ok && started.value).toMatchObject({ kind: 'tickets.import', state: 'running' });
    const id = (started as { value: JobView }).value.id;
    // Requests sent while the job runs are answered while it still runs, in every phase.
    const answered: JobView[] = [];
    let asking = true;
    void (async () => {
      while (asking) {
        const r = await call<JobView>('jobs.get', { id });
        if (r.ok && r.value.state === 'running') answered.push(r.value);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const done = await t.app.jobs.settled(id);
    asking = false;
    expect(done).toMatchObject({ state: 'done', result: { ok: true, imported: 1200 } });
    expect([...new Set(answered.map((v) => v.phase))]).toEqual(expect.arrayContaining(['reading', 'checking', 'writing', 'indexing']));
    const phases = [...new Set(progressOf(id).map((v) => v.phase))];
    expect(phases).toEqual(['reading', 'checking', 'writing', 'indexing']);
    const writing = progressOf(id).filter((v) => v.phase === 'writing' && v.state === 'running');
    expect(writing.every((v) => v.total === 1200)).toBe(true);
    expect(writing.map((v) => v.done)).toEqual([...writing.map((v) => v.done)].sort((a, b) => a - b));
    expect(progressOf(id).at(-1)).toMatchObject({ state: 'done' });
    expect(await count()).toBe(before + 1200);
    // Findable by search once the job is done (indexed after the publish, in chunks).
    const found = await call<{ rows: { number: string }[] }>('tickets.search', { text: '第1199行标题', limit: 5 });
    expect(found.ok && found.value.rows.map((r) => r.number)).toContain('BIG-01199');
  }, 60_000);

  it('cancelled mid-write, writes nothing at all and leaves no staging behind', async () => {
    const before = await count();
    const audits = async () => (await t.app.store.db.selectFrom('audit_events').select('id').where('action', '=', 'tickets.imported').execute()).length;
    const auditsBefore = await audits();
    const started = await call<JobView>('tickets.importXlsx', { base64: await bigSheet(5000, 'CXL'), mapping, dryRun: false });
    const id = (started as { value: JobView }).value.id;
    // Cancel once the first chunk is staged (the import yields between chunks).
    const staged = async () => (await t.app.store.db.selectFrom('import_staging').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    let seenStaged: number;
    while ((seenStaged = await staged()) === 0 && progressOf(id).at(-1)?.state !== 'done') await new Promise((resolve) => setImmediate(resolve));
    expect(seenStaged).toBeGreaterThan(0);
    expect(seenStaged).toBeLessThan(5000);
    expect(await call<JobView>('jobs.cancel', { id })).toMatchObject({ ok: true });
    const done = await t.app.jobs.settled(id);
    expect(done).toMatchObject({ state: 'cancelled', result: null });
    expect(await count()).toBe(before);
    expect(await t.app.store.db.selectFrom('tickets').select('id').where('number', 'like', 'CXL-%').execute()).toEqual([]);
    expect(await t.app.store.db.selectFrom('import_staging').select('seq').execute()).toEqual([]);
    expect(await audits()).toBe(auditsBefore);
    // Cancelling a finished job changes nothing.
    expect(await call<JobView>('jobs.cancel', { id })).toMatchObject({ ok: true, value: { state: 'cancelled' } });
  }, 60_000);

  it('shows a job only to the user who started it', async () => {
    const started = await call<JobView>('tickets.importXlsx', { base64: await sheet([]), mapping, dryRun: true });
    const id = (started as { value: JobView }).value.id;
    await t.app.jobs.settled(id);
    const agent: Connection = { id: 'agent', session: null, send: () => {} };
    t.app.dispatcher.attach(agent);
    await t.app.dispatcher.dispatch(agent, 'session.login', { username: 'agent01', password: 'Demo-12345' });
    expect(await t.app.dispatcher.dispatch(agent, 'jobs.get', { id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await t.app.dispatcher.dispatch(agent, 'jobs.cancel', { id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await t.app.dispatcher.dispatch(agent, 'jobs.list', {})).toEqual({ ok: true, value: [] });
    t.app.dispatcher.detach('agent');
  });
});

// ---- hostile and oversized workbooks (issue 9.4) ----

async function refusal(file: Buffer): Promise<Result<ImportResult>> {
  return importXlsx({ base64: file.toString('base64'), mapping, dryRun: true });
}

describe('Excel import refuses what it cannot read safely', () => {
  it('refuses a small workbook whose sheet unpacks to gigabytes, without unpacking it', async () => {
    const bomb = bombSheet(2048);
    expect(bomb.size).toBeGreaterThan(2e9);
    const file = handMadeXlsx(bomb);
    expect(file.length).toBeLessThan(12 * 1024 * 1024);
    const heapBefore = process.memoryUsage().heapUsed;
    const r = await refusal(file);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'base64', problem: 'xlsx_too_large' }], details: { reason: 'xlsx_too_large', limitMb: 200 } } });
    // Bounded: nothing near the sheet's size was ever held by the console.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(100 * 1024 * 1024);
  }, 60_000);

  it('refuses a workbook whose zip directory under-declares what the sheet unpacks to', async () => {
    const bomb = bombSheet(1024);
    const r = await refusal(handMadeXlsx({ ...bomb, declare: 50_000 }));
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', details: { reason: 'xlsx_damaged' } } });
  }, 60_000);

  it('refuses a sheet with more rows than an import takes, and one with a cell past the last column', async () => {
    const rows = Array.from({ length: 100_001 }, (_, i) => `<row r="${i + 2}">${inline(`A${i + 2}`, '灯')}</row>`).join('');
    const xml = `${SHEET_HEAD}${HEADER_ROW}${rows}</sheetData></worksheet>`;
    const tooMany = await refusal(handMadeXlsx({ deflated: deflateRawSync(Buffer.from(xml)), size: Buffer.byteLength(xml) }));
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid_input', details: { reason: 'xlsx_too_many_rows', limit: 100_000 } } });

    const wide = `${SHEET_HEAD}<row r="1">${inline('A1', '编号')}${inline('ZZ1', '备注')}</row></sheetData></worksheet>`;
    const tooWide = await refusal(handMadeXlsx({ deflated: deflateRawSync(Buffer.from(wide)), size: Buffer.byteLength(wide) }));
    expect(tooWide).toMatchObject({ ok: false, error: { code: 'invalid_input', details: { reason: 'xlsx_too_many_columns' } } });
  }, 60_000);

  it('refuses a sheet with more cells than the limit, whatever the rows', async () => {
    const service = new XlsxService(t.app.store.db, () => new Date('2026-11-28T02:00:00Z'), { limits: { ...DEFAULT_SHEET_LIMITS, maxCells: 1000 } });
    const base64 = await sheet(Array.from({ length: 200 }, (_, i) => [`CELL-${i}`, '2024-05-03 09:15', '投诉', leafName, `第${i}行`, '楼道灯坏了', '', '', '已办结']));
    await expect(service.import(base64, mapping, true, 'nobody')).rejects.toMatchObject({ error: { code: 'invalid_input', details: { reason: 'xlsx_too_many_cells', limit: 1000 } } });
    // The same sheet within the default limits is fine.
    await expect(new XlsxService(t.app.store.db, () => new Date('2026-11-28T02:00:00Z')).import(base64, mapping, true, 'nobody')).resolves.toMatchObject({ ok: true, rows: 200 });
  }, 60_000);

  it('keeps answering other requests while a large sheet is being unpacked and scanned', async () => {
    // 400,000 rows of empty cells: long to scan, nothing to import.
    const header = HEADER_ROW;
    const empty = '<row><c t="inlineStr"><is><t></t></is></c><c><v></v></c></row>';
    const xml = `${SHEET_HEAD}${header}${empty.repeat(400_000)}</sheetData></worksheet>`;
    const started = await call<JobView>('tickets.importXlsx', { base64: handMadeXlsx({ deflated: deflateRawSync(Buffer.from(xml)), size: Buffer.byteLength(xml) }).toString('base64'), mapping, dryRun: true });
    const id = (started as { value: JobView }).value.id;
    // The progress (KB of the sheet scanned) at which each answer came back: answers must keep
    // coming while the scan goes on, at several points of it, not only before or after it. (How far
    // into the sheet the first and last answers fall depends on how the two cores are shared with
    // the worker, so the test does not bet on it: at 67 % in a loaded CI run the scan was done
    // before main polled again.)
    const answeredAt = new Set<number>();
    let answers = 0;
    let total = 0;
    let running = true;
    const settled = t.app.jobs.settled(id).then((v) => { running = false; return v; });
    while (running) {
      const info = await call<{ version: string }>('app.info', {});
      const view = await call<JobView>('jobs.get', { id });
      if (info.ok && view.ok && view.value.state === 'running' && view.value.phase === 'reading' && view.value.total > 0) {
        answeredAt.add(view.value.done);
        answers++;
        total = view.value.total;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(answers).toBeGreaterThan(10);
    expect(answeredAt.size).toBeGreaterThan(3);
    expect(Math.min(...answeredAt)).toBeLessThan(total * 0.5);
    expect(await settled).toMatchObject({ state: 'done', result: { ok: true, rows: 0 } });
  }, 60_000);
});

// ---- imports beside other writers (issue 9.7, 9.10) ----

describe('Excel imports beside other writers', () => {
  const noNumbers = { createdAt: '来电时间', appealType: '类型', category: '分类', title: '标题', content: '内容', phone: '电话', status: '状态' };
  const unnumbered = (n: number, tag: string) => sheet(Array.from({ length: n }, (_, i) =>
    ['', '2024-05-03 09:15', '咨询', leafName, `${tag}第${i}行`, `${tag}第${i}行：咨询公积金提取材料`, `1390000${String(i % 5000).padStart(4, '0')}`, '', '已办结']));

  it('two imports at once and agents registering meanwhile all succeed, with unique numbers and none skipped', async () => {
    const agent: Connection = { id: 'agent-writer', session: null, send: () => {} };
    t.app.dispatcher.attach(agent);
    await t.app.dispatcher.dispatch(agent, 'session.login', { username: 'agent01', password: 'Demo-12345' });
    const [a, b] = await Promise.all([unnumbered(10_000, '甲'), unnumbered(10_000, '乙')]);
    const before = await count();
    const jobs = await Promise.all([a, b].map((base64) => call<JobView>('tickets.importXlsx', { base64, mapping: noNumbers, dryRun: false })));
    const ids = jobs.map((j) => (j as { value: JobView }).value.id);
    let importing = true;
    const settled = Promise.all(ids.map((id) => t.app.jobs.settled(id))).finally(() => { importing = false; });
    // Agents keep registering appeals while both sheets are checked, staged and published.
    const created: Result<{ number: string }>[] = [];
    const phasesSeen = new Set<string>();
    while (importing || created.length < 20) {
      const r = await t.app.dispatcher.dispatch(agent, 'tickets.create', {
        channel: 'walk_in', citizen: { confidential: false }, appealType: 'consultation', categoryId: (await leafId()), urgency: 'normal',
        title: `并发登记${created.length}`, content: '导入进行中登记的咨询工单，应当照常保存。',
      }) as Result<{ number: string }>;
      created.push(r);
      for (const id of ids) { const v = await call<JobView>('jobs.get', { id }); if (v.ok && v.value.state === 'running') phasesSeen.add(v.value.phase); }
      // Requests arrive from sockets, between turns of the event loop; so do these.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const done = await settled;
    t.app.dispatcher.detach('agent-writer');
    expect(done.map((d) => d.state)).toEqual(['done', 'done']);
    expect(phasesSeen).toContain('writing');
    expect(created.every((r) => r.ok)).toBe(true);
    expect(await count()).toBe(before + 20_000 + created.length);

    // Import numbers: one day's series, 1..20000 with no gap and no repeat, whichever import took which.
    const imported = await t.app.store.db.selectFrom('tickets').select('number').where('number', 'like', 'IM20261128%').execute();
    const seqs = imported.map((r) => Number(r.number.slice('IM20261128'.length))).sort((x, y) => x - y);
    expect(seqs.length).toBe(20_000);
    expect(seqs).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
    // Intake numbers: unique, consecutive within the day, after the demo data's own.
    const numbers = created.map((r) => (r as { value: { number: string } }).value.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    const intake = numbers.map((n) => Number(n.slice('JC20261128'.length)));
    expect(intake).toEqual(Array.from({ length: intake.length }, (_, i) => intake[0]! + i));
    // Every citizen once, however many imported rows share the phone.
    const dupPhones = await t.app.store.db.selectFrom('citizens').select('phone').groupBy('phone').having((eb) => eb.fn.countAll(), '>', 1).execute();
    expect(dupPhones).toEqual([]);
  }, 180_000);

  it('two imports of the same numbered sheet at once: one writes it, the other writes nothing and says why', async () => {
    const before = await count();
    const base64 = await sheet(Array.from({ length: 300 }, (_, i) => [`TWICE-${i}`, '2024-05-03 09:15', '投诉', leafName, `第${i}行`, '同一份台账导入了两次', '', '', '已办结']));
    const jobs = await Promise.all([0, 1].map(() => call<JobView>('tickets.importXlsx', { base64, mapping, dryRun: false })));
    const done = await Promise.all(jobs.map((j) => t.app.jobs.settled((j as { value: JobView }).value.id)));
    expect(await count()).toBe(before + 300);
    const wrote = done.filter((d) => d.state === 'done' && (d.result as ImportResult).imported === 300);
    expect(wrote).toHaveLength(1);
    const other = done.find((d) => !wrote.includes(d))!;
    // Checked after the first published: every number is a duplicate. Checked before: refused at publish.
    if (other.state === 'done') expect((other.result as ImportResult).errors[0]).toMatchObject({ problem: 'duplicate_number' });
    else expect(other).toMatchObject({ state: 'failed', error: { code: 'conflict', details: { reason: 'import_number_taken' } } });
    expect(await t.app.store.db.selectFrom('import_staging').select('seq').execute()).toEqual([]);
  }, 60_000);

  it('a crash mid-import leaves nothing visible, and the next start clears its staging', async () => {
    const dir = t.dir;
    const staged = {
      batch_id: 'crashed-batch', seq: 1, staged_at: '2026-11-28T01:59:00.000Z', ticket_id: 'never-published', event_id: 'e', number: 'CRASH-0001', gen_seq: null,
      new_citizen_id: null, created_at: '2024-05-03T01:15:00.000Z', appeal_type: 'help', status: 'closed', phone: null, caller_name: null,
      category_id: (await leafId()), title: '崩溃前暂存', content: '导入进程在发布前崩溃', district_code: null, address: null, closed_at: null,
    };
    await t.app.store.db.insertInto('import_staging').values(staged).execute();
    expect(await t.app.store.db.selectFrom('tickets').select('id').where('number', '=', 'CRASH-0001').execute()).toEqual([]);
    await t.app.close();
    // Reopen the same data folder: a new start of the console.
    const again = await createTestApp({ dataDir: dir, now: () => new Date('2026-11-28T02:00:00Z') });
    try {
      expect(await again.app.store.db.selectFrom('import_staging').select('seq').execute()).toEqual([]);
      expect(await again.app.store.db.selectFrom('tickets').select('id').where('number', '=', 'CRASH-0001').execute()).toEqual([]);
    } finally {
      // afterAll disposes it (and removes the folder).
      t = again;
    }
  }, 60_000);
});

async function leafId(): Promise<string> {
  return (await t.app.store.db.selectFrom('categories').select('id').where('name', '=', leafName).where('level', '=', 3).executeTakeFirstOrThrow()).id;
}

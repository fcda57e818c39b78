/**
 * How long an agent's save waits while an Excel import writes (issue 9.7). An agent registers
 * tickets one after another (tickets.create through the dispatcher, as the UI does) while:
 *   - nothing else runs (baseline);
 *   - the old design writes the sheet's rows in one transaction (reproduced below as it was: per
 *     row a citizen lookup, the ticket, its search index and its event, yielding every 200 rows);
 *   - the import job of today writes them (staging in short transactions, one set-based publish,
 *     the search index in chunks afterwards).
 * Prints p50/p95/p99/max of the agent's save latency during each write window.
 * Run: npx tsx test/bench/import.bench.ts   (BENCH_ROWS=20000 by default)
 */
import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleApp, type ConsoleApp } from '../../electron/app/console-app';
import { silentLogger } from '../../electron/log';
import { loadDemoData } from '../../electron/demo';
import type { Connection } from '../../electron/rpc/dispatcher';
import type { JobView } from '../../shared/contract';
import { indexTicket } from '../../electron/store/search';
import { uuidv7 } from '../../electron/util/ids';
import { fmtMs, percentile } from './harness';

const ROWS = Number(process.env.BENCH_ROWS ?? 20_000);
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
const app: ConsoleApp = await createConsoleApp({ dataDir: dir, runtime: 'host', version: 'bench', log: silentLogger, demo: true, demoTickets: 1000, loadDemoData });
const login = async (id: string, username: string) => {
  const conn: Connection = { id, session: null, send: () => {} };
  app.dispatcher.attach(conn);
  const r = await app.dispatcher.dispatch(conn, 'session.login', { username, password: 'Demo-12345' });
  if (!r.ok) throw new Error(`login ${username}: ${JSON.stringify(r.error)}`);
  return conn;
};
const agent = await login('agent', 'agent01');
const admin = await login('admin', 'admin');
const leaf = (await app.store.db.selectFrom('categories').select(['id', 'name']).where('level', '=', 3).orderBy('code').execute())
  .find((c, _i, all) => all.filter((x) => x.name === c.name).length === 1)!;
const actor = (await app.store.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()).id;

let saves = 0;
async function agentSave(): Promise<number> {
  const t0 = performance.now();
  const r = await app.dispatcher.dispatch(agent, 'tickets.create', {
    channel: 'phone', citizen: { phone: `139${String(10_000_000 + saves++ * 7919).slice(-8)}`, confidential: false }, appealType: 'complaint',
    categoryId: leaf.id, urgency: 'normal', title: '夜间施工噪音扰民', content: '小区旁工地每晚十一点后仍在施工，噪音很大，影响休息。',
  });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return performance.now() - t0;
}

/** The agent saves, one after another (a request arrives between event-loop turns), until `busy()` is false. */
async function savesWhile(busy: () => boolean): Promise<number[]> {
  const ms: number[] = [];
  while (busy()) {
    ms.push(await agentSave());
    await tick();
  }
  return ms.sort((a, b) => a - b);
}

const texts = Array.from({ length: ROWS }, (_, i) => ({ title: `旧台账第${i}行`, content: `旧台账第${i}行：小区路灯不亮，夜间出行不便，请尽快维修。`, phone: `1380000${String(i % 9000).padStart(4, '0')}` }));

/** The old write: every row in one transaction, as xlsx-io.ts did before staging. */
async function oldDesignWrite(): Promise<void> {
  const at = new Date().toISOString();
  const batch = uuidv7();
  await app.store.db.transaction().execute(async (trx) => {
    let written = 0;
    for (const [i, r] of texts.entries()) {
      if (written++ % 200 === 0) await tick();
      const createdAt = new Date(Date.UTC(2024, 4, 3, 1, 15) + i * 1000).toISOString();
      const id = uuidv7(Date.parse(createdAt));
      const c = await trx.selectFrom('citizens').select('id').where('phone', '=', r.phone).executeTakeFirst();
      const citizenId = c?.id ?? uuidv7();
      if (!c) await trx.insertInto('citizens').values({ id: citizenId, phone: r.phone, name: null, created_at: createdAt }).execute();
      await trx.insertInto('tickets').values({
        id, number: `OLD${batch.slice(0, 8)}${String(i).padStart(6, '0')}`, created_at: createdAt, updated_at: at, channel: 'letter', appeal_type: 'complaint', urgency: 'normal', status: 'closed',
        citizen_id: citizenId, phone: r.phone, caller_name: null, confidential: 0, category_id: leaf.id, title: r.title, content: r.content,
        district_code: null, street_code: null, community_code: null, address: null, lat: null, lng: null, lead_department_id: null, sign_by: null, reply_by: null, closed_at: createdAt, parent_id: null,
      }).execute();
      await indexTicket(trx, { id, created_at: createdAt, title: r.title, content: r.content });
      await trx.insertInto('ticket_events').values({ id: uuidv7(), ticket_id: id, at: createdAt, actor_id: actor, action: 'imported', from_status: null, to_status: 'closed', data: JSON.stringify({ batch }) }).execute();
    }
  });
}

async function workbook(): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账');
  ws.addRow(['受理时间', '诉求类型', '分类', '标题', '诉求内容', '联系电话', '状态']);
  for (const r of texts) ws.addRow(['2024-05-03 09:15', '投诉', leaf.name, r.title, r.content, r.phone, '已办结']);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}

try {
  process.stderr.write(`baseline: agent saves with no import…\n`);
  let n = 0;
  const baseline = await savesWhile(() => n++ < 300);

  process.stderr.write(`old design: ${ROWS} rows in one transaction…\n`);
  let oldBusy = true;
  const oldStarted = performance.now();
  const oldDone = oldDesignWrite().finally(() => { oldBusy = false; });
  const old = await savesWhile(() => oldBusy);
  await oldDone;
  const oldMs = performance.now() - oldStarted;

  process.stderr.write(`new design: the import job, ${ROWS} rows…\n`);
  const base64 = await workbook();
  const started = await app.dispatcher.dispatch(admin, 'tickets.importXlsx', {
    base64, dryRun: false, mapping: { createdAt: '受理时间', appealType: '诉求类型', category: '分类', title: '标题', content: '诉求内容', phone: '联系电话', status: '状态' },
  });
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  const id = (started.value as JobView).id;
  let view: JobView = started.value as JobView;
  const newStarted = performance.now();
  const settled = app.jobs.settled(id).then((v) => { view = v; return v; });
  // Only the saves made while the job writes (staging, publish, search index) are compared.
  const during: number[] = [];
  while (view.state === 'running') {
    const phase = app.jobs.get(id, agentLikeAdmin()).phase;
    const ms = await agentSave();
    if (phase === 'writing' || phase === 'indexing') during.push(ms);
    await tick();
    view = app.jobs.get(id, agentLikeAdmin());
  }
  const done = await settled;
  if (done.state !== 'done') throw new Error(`import ${done.state}: ${JSON.stringify(done.error)}`);
  const newMs = performance.now() - newStarted;
  during.sort((a, b) => a - b);

  const line = (name: string, ms: number[], note: string) =>
    `| ${name} | ${ms.length} | ${fmtMs(percentile(ms, 50))} | ${fmtMs(percentile(ms, 95))} | ${fmtMs(percentile(ms, 99))} | ${fmtMs(ms.at(-1) ?? NaN)} | ${note} |`;
  console.log(`\nAn agent's tickets.create while ${ROWS.toLocaleString()} rows are imported (1,000-ticket demo store)\n`);
  console.log('| while | saves | p50 | p95 | p99 | max | |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  console.log(line('nothing (baseline)', baseline, ''));
  console.log(line('old: one transaction', old, `write took ${fmtMs(oldMs)}`));
  console.log(line('new: staging + publish + index', during, `job took ${fmtMs(newMs)} (reading and checking included)`));
  console.log(`\np99 new vs old: ${(percentile(old, 99) / percentile(during, 99)).toFixed(1)}× shorter; max new vs old: ${((old.at(-1) ?? NaN) / (during.at(-1) ?? NaN)).toFixed(1)}× shorter`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}

function agentLikeAdmin() {
  if (!admin.session) throw new Error('admin signed out');
  return admin.session;
}

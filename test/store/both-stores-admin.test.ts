/**
 * More service flows on both stores, on a store with generated history: Excel import and export,
 * the administrative divisions import, the screen pop, similar tickets, the category model kept in
 * the store, account administration, and an escalated item worked through to its close.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { ContractFailure, type ContractError, type SessionInfo } from '../../shared/contract';
import { generateReferenceData, generateTickets } from '../../electron/demo';
import { XlsxService } from '../../electron/services/xlsx-io';
import { DivisionImportService } from '../../electron/services/division-import';
import { screenPop } from '../../electron/phone/screen-pop';
import { CategoryService } from '../../electron/classify/category-service';
import { silentLogger } from '../../electron/log';
import { PhoneService } from '../../electron/phone/phone-service';
import { fileSecretBox } from '../../electron/phone/secret-box';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobContext } from '../../electron/jobs/job-runner';
import { openTestStore, STORE_KINDS, type StoreKind, type TestStore } from './stores';
import { buildServices, type Services } from './services';
import { writeReference, writeTickets } from './seed';

const REFERENCE_DATE = '2026-11-28T02:00:00.000Z';
const noJob: JobContext = { signal: new AbortController().signal, progress: () => {}, checkpoint: async () => {} };

async function refusal(p: Promise<unknown>): Promise<ContractError> {
  const e = await p.then(() => null, (x: unknown) => x);
  if (!(e instanceof ContractFailure)) throw new Error(`expected a refusal, got ${e === null ? 'success' : String(e)}`);
  return e.error;
}

describe.each(STORE_KINDS)('on the %s store, with history', (kind: StoreKind) => {
  const clock = new Date(REFERENCE_DATE);
  let t: TestStore;
  let s: Services;
  const who: Record<string, SessionInfo> = {};
  let leafName: string;

  beforeAll(async () => {
    t = await openTestStore(kind);
    const ref = generateReferenceData(7);
    await writeReference(t.store.db, ref);
    await writeTickets(t.store.db, generateTickets({ seed: 7, count: 300, referenceDate: REFERENCE_DATE, days: 60, reference: ref }), 100);
    s = await buildServices(t.store, () => clock);
    for (const [username, roles] of [['admin', ['admin']], ['agent01', ['agent']], ['member01', ['cppcc_member']], ['lead01', ['shift_lead']]] as const) {
      await s.users.create({ username, displayName: username, password: 'Hotline-2025!', roles: [...roles] }, null);
      who[username] = await s.users.login(username, 'Hotline-2025!');
    }
    const counts = new Map<string, number>();
    for (const c of ref.categories.filter((x) => x.level === 3)) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
    leafName = [...counts].find(([, n]) => n === 1)![0];
  }, 60_000);
  afterAll(async () => { await t?.dispose(); });

  it('an Excel ledger is imported in one go, findable by its numbers, and exported back with numbers masked', async () => {
    const xlsx = new XlsxService(t.store.db, () => clock);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('旧台账');
    ws.addRow(['编号', '来电时间', '类型', '分类', '标题', '内容', '电话', '状态']);
    ws.addRow(['OLD-1001', '2024-05-03 09:15', '投诉', leafName, '楼上漏水', '卫生间漏水到楼下，物业不处理', '13800001111', '已办结']);
    ws.addRow(['OLD-1002', new Date('2024-06-01T02:00:00Z'), '咨询', leafName, '咨询公积金提取', '咨询公积金提取需要哪些材料', '', '']);
    const base64 = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
    const mapping = { number: '编号', createdAt: '来电时间', appealType: '类型', category: '分类', title: '标题', content: '内容', phone: '电话', status: '状态' };
    expect(await xlsx.import(base64, mapping, false, who.admin!.user.id)).toMatchObject({ ok: true, imported: 2 });
    const row = await t.store.db.selectFrom('tickets').selectAll().where('number', '=', 'OLD-1001').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ created_at: '2024-05-03T01:15:00.000Z', status: 'closed', phone: '13800001111', appeal_type: 'complaint' });
    expect(await t.store.db.selectFrom('ticket_search_docs').select('doc_id').where('ticket_id', '=', row.id).executeTakeFirst()).toBeDefined();
    // The same numbers again: refused row by row, nothing written.
    const again = await xlsx.import(base64, mapping, false, who.admin!.user.id);
    expect(again).toMatchObject({ ok: false, imported: 0 });
    expect(again.errors.map((e) => e.problem)).toEqual(['duplicate_number', 'duplicate_number']);
    const out = await xlsx.export({ limit: 50_000 }, who.admin!);
    expect(out.rows).toBe(302);
    const back = new ExcelJS.Workbook();
    await back.xlsx.load(Buffer.from(out.base64, 'base64') as unknown as ExcelJS.Buffer);
    const lines: string[] = [];
    back.worksheets[0]!.eachRow((r) => lines.push(r.values?.toString() ?? ''));
    expect(lines.find((x) => x.includes('OLD-1001'))).toContain('138****1111');
  });

  it('a city\'s divisions are imported; the ones tickets still use are kept as retired', async () => {
    const divisions = new DivisionImportService(t.store.db, () => clock);
    const before = await t.store.db.selectFrom('tickets').select('district_code').where('district_code', 'is not', null).executeTakeFirstOrThrow();
    const r = await divisions.importCity('1101', who.admin!.user.id, noJob);
    expect(r.city).toEqual({ code: '1101', name: '北京市' });
    expect(r.districts).toBe(16);
    expect(r.retired).toBeGreaterThan(0);
    const cat = await divisions.catalogue();
    expect(cat.loaded).toMatchObject({ city: { code: '1101', name: '北京市' }, districts: 16, retired: r.retired });
    // An old ticket's district is still there, marked retired, so its place name still shows.
    expect(await t.store.db.selectFrom('divisions').select('retired').where('code', '=', before.district_code!).executeTakeFirstOrThrow()).toEqual({ retired: 1 });
  });

  it('the screen pop shows a caller\'s tickets and calls of the last 30 days', async () => {
    const caller = await t.store.db.selectFrom('tickets').select(['phone', (eb) => eb.fn.countAll<number>().as('n')]).where('phone', 'is not', null)
      .groupBy('phone').orderBy('n', 'desc').orderBy('phone').executeTakeFirstOrThrow();
    await t.store.db.insertInto('call_records').values({
      id: 'call-1', user_id: who.agent01!.user.id, direction: 'inbound', remote_number: caller.phone!, invited_at: new Date(clock.getTime() - 86_400_000).toISOString(),
      answered_at: null, ended_at: new Date(clock.getTime() - 86_000_000).toISOString(), ring_ms: 4000, talk_ms: 0, hold_ms: 0, end_reason: 'abandoned', sip_code: 487, transfer_target: null, wrap_up_code: null,
    }).execute();
    const pop = await screenPop(t.store.db, `+86 ${caller.phone!}`, 'call-2', clock);
    expect(pop).toMatchObject({ phone: caller.phone, totalTickets: caller.n, callsLast30Days: 1, repeatCaller: true });
    const theirs = await t.store.db.selectFrom('tickets').select('id').where('phone', '=', caller.phone).orderBy('created_at', 'desc').execute();
    expect(theirs.length).toBeLessThan(20);
    expect([...pop.openTickets, ...pop.pastTickets].map((x) => x.id).sort()).toEqual(theirs.map((x) => x.id).sort());
  });

  it('similar open tickets are offered while an agent types the same complaint', async () => {
    const open = await t.store.db.selectFrom('tickets').select(['id', 'category_id', 'title', 'content']).where('status', '=', 'dispatched')
      .where('created_at', '>=', new Date(clock.getTime() - 30 * 86_400_000).toISOString()).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    const found = await s.similar.find({ categoryId: open.category_id!, text: `${open.title}${open.content}`, limit: 5 }, who.agent01!);
    expect(found[0]).toMatchObject({ id: open.id, score: 1 });
  });

  it('the category model is trained from the tickets, kept in the store and restored at the next start', async () => {
    const first = new CategoryService(t.store.db, silentLogger, { now: () => clock });
    await first.start();
    expect(first.stats.start).toBe('trained');
    const sample = await t.store.db.selectFrom('tickets').select(['title', 'content', 'category_id']).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    const suggested = first.suggest(sample.title, sample.content);
    expect(suggested.length).toBeGreaterThan(0);
    await first.close();
    const second = new CategoryService(t.store.db, silentLogger, { now: () => clock });
    await second.start();
    expect(second.stats).toMatchObject({ start: 'restored', ticketsRead: 0 });
    expect(second.suggest(sample.title, sample.content)).toEqual(suggested);
    await second.close();
  });

  it('accounts: roles changed, a disabled account and a locked one are refused until enabled or unlocked', async () => {
    const admin = who.admin!.user.id;
    const agent = who.agent01!.user.id;
    expect((await s.users.setRoles(agent, ['agent', 'shift_lead'], admin)).roles).toEqual(['agent', 'shift_lead']);
    await s.users.setDisabled(agent, true, admin);
    expect((await refusal(s.users.login('agent01', 'Hotline-2025!'))).code).toBe('account_disabled');
    await s.users.setDisabled(agent, false, admin);
    for (let i = 0; i < 4; i++) expect((await refusal(s.users.login('agent01', 'nope'))).code).toBe('login_failed');
    expect((await refusal(s.users.login('agent01', 'nope'))).code).toBe('account_locked');
    expect((await s.users.row(agent)).lockedUntil).not.toBeNull();
    await s.users.unlock(agent, admin);
    expect((await s.users.login('agent01', 'Hotline-2025!')).user.roles).toEqual(['agent', 'shift_lead']);
  });

  it('six desks saving at the same moment all succeed, with six consecutive ticket numbers; two escalations get two item numbers', async () => {
    const leaf = (await t.store.db.selectFrom('categories').select('id').where('level', '=', 3).orderBy('code').executeTakeFirstOrThrow()).id;
    const saved = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => s.intake.create({
      channel: 'walk_in', citizen: { confidential: false }, appealType: 'help', categoryId: leaf, urgency: 'normal', title: `同时登记${i}`, content: '六个坐席同时保存工单',
    }, who.agent01!)));
    expect(saved.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const numbers = saved.map((r) => (r as PromiseFulfilledResult<{ number: string }>).value.number).sort();
    const first = Number(numbers[0]!.slice(-5));
    expect(numbers).toEqual(numbers.map((_, i) => `${numbers[0]!.slice(0, -5)}${String(first + i).padStart(5, '0')}`));
    const ids = (await t.store.db.selectFrom('tickets').select('id').where('title', 'like', '同时登记%').orderBy('id').execute()).map((r) => r.id);
    const items = await Promise.all(ids.slice(0, 2).map((id) => s.consultation.escalate({ ticketIds: [id], reason: '同时升级的两件事项', route: 'station', urgency: 'normal', source: 'ticket' }, who.agent01!)));
    expect(new Set(items.map((i) => i.number)).size).toBe(2);
  });

  it('two people acting on one ticket at the same moment: one wins, the other is told it changed, nothing is half-written', async () => {
    const [a] = await t.store.db.selectFrom('tickets').select('id').where('title', 'like', '同时登记%').orderBy('id', 'desc').limit(1).execute();
    const dept = (await t.store.db.selectFrom('departments').select('id').where('kind', '=', 'bureau').orderBy('code').executeTakeFirstOrThrow()).id;
    const tries = await Promise.allSettled([
      s.workflow.act(a!.id, 1, { type: 'dispatch', leadDepartmentId: dept, coDepartmentIds: [], instructions: '请核实后依法处理并答复市民' }, who.agent01!),
      s.workflow.act(a!.id, 1, { type: 'resolveDirectly', summary: '已当场解答，无需派单' }, who.agent01!),
    ]);
    expect(tries.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = tries.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect((lost.reason as ContractFailure).error).toMatchObject({ code: 'conflict', details: { reason: 'ticket_stale' } });
    const events = await t.store.db.selectFrom('ticket_events').select('action').where('ticket_id', '=', a!.id).orderBy('at').orderBy('id').execute();
    expect(events.map((e) => e.action)).toHaveLength(2); // register + the winner's action
    const row = await t.store.db.selectFrom('tickets as t').innerJoin('ticket_state as st', 'st.ticket_id', 't.id').select(['t.status', 'st.version']).where('t.id', '=', a!.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: events[1]!.action === 'dispatch' ? 'dispatched' : 'resolved_directly', version: 2 });
  });

  it('phone settings: the admin\'s reason codes and a seat\'s SIP account are kept, the password only sealed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-secret-'));
    try {
      const phone = new PhoneService({ db: t.store.db, secrets: fileSecretBox(join(dir, 'secret.key')), log: silentLogger, now: () => clock, events: { bus: { publish: () => {} }, connection: () => undefined } });
      const config = { notReadyReasons: [{ code: 'break', label: '小休' }], wrapUpCodes: [{ code: 'answered', label: '直接答复' }], acwSeconds: 45 };
      await phone.setConfig(config, who.admin!.user.id);
      expect((await refusal(phone.setConfig({ ...config, wrapUpCodes: [...config.wrapUpCodes, ...config.wrapUpCodes] }, who.admin!.user.id))).code).toBe('invalid_input');
      const again = new PhoneService({ db: t.store.db, secrets: fileSecretBox(join(dir, 'secret.key')), log: silentLogger, now: () => clock, events: { bus: { publish: () => {} }, connection: () => undefined } });
      // The service-level threshold was not given: it stays at the default.
      expect(await again.loadConfig()).toEqual({ ...config, serviceLevelSeconds: 20, selfTestRequired: false, echoNumber: null });
      const agent = who.agent01!.user.id;
      const view = await phone.setAccount({ userId: agent, wsUrl: 'wss://pbx.example/ws', aor: 'sip:1001@pbx.example', authUser: '1001', password: 'sip-secret-1001', media: 'null' }, who.admin!.user.id);
      expect(view).toMatchObject({ userId: agent, aor: '1001@pbx.example', media: 'null', hasPassword: true });
      const stored = await t.store.db.selectFrom('sip_accounts').select('secret_enc').where('user_id', '=', agent).executeTakeFirstOrThrow();
      expect(stored.secret_enc).not.toContain('sip-secret-1001');
      // Changing the address keeps the sealed password.
      await phone.setAccount({ userId: agent, wsUrl: 'wss://pbx2.example/ws', aor: '1001@pbx2.example', authUser: '1001', media: 'webrtc' }, who.admin!.user.id);
      expect(await t.store.db.selectFrom('sip_accounts').select('secret_enc').where('user_id', '=', agent).executeTakeFirstOrThrow()).toEqual(stored);
      expect((await again.presence([agent])).get(agent)).toMatchObject({ extension: '1001', registered: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an overdue ticket is handed to the queue by a shift lead, worked through measures, report and instruction, and closed', async () => {
    const candidates = await s.consultation.hardCandidates(50, who.lead01!);
    expect(candidates.length).toBeGreaterThan(0);
    const [row] = await s.consultation.transferHard([candidates[0]!.id], 'studio', 'normal', '逾期未办结，需要委员协调', who.lead01!);
    expect(row).toMatchObject({ source: 'hard_list', stage: 'queued' });
    expect((await s.consultation.hardCandidates(50, who.lead01!)).map((c) => c.id)).not.toContain(candidates[0]!.id);
    await s.duty.savePattern({ userId: who.member01!.user.id, desk: 'studio', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00', validFrom: '2026-01-01', validUntil: null }, who.lead01!);
    await s.consultation.claim(row!.id, who.member01!);
    const dept = await t.store.db.selectFrom('departments').select('id').orderBy('code').executeTakeFirstOrThrow();
    let d = await s.consultation.addMeasure({ itemId: row!.id, content: '责成街道一周内完成整改', ownerDepartmentId: dept.id, deadline: '2026-12-10' }, who.member01!);
    const measure = d.measures[0]!;
    await s.consultation.saveReport({ itemId: row!.id, title: '关于逾期诉求的社情民意信息', problem: '部分诉求长期未办结', causes: '', suggestions: '建立督办机制', figures: [] }, who.member01!);
    d = await s.consultation.recordInstruction(row!.id, { leader: '李副市长', date: '2026-11-28', text: '请相关部门抓紧办理' }, who.member01!);
    expect(d.stage).toBe('tracking');
    expect(await refusal(s.consultation.close(row!.id, '办结', who.member01!))).toMatchObject({ code: 'conflict', details: { reason: 'consultation_open_measures', open: 1 } });
    await s.consultation.updateMeasure({ itemId: row!.id, measureId: measure.id, status: 'done', evidence: '已整改' }, who.member01!);
    d = await s.consultation.close(row!.id, '措施均已落实', who.member01!);
    expect(d).toMatchObject({ stage: 'closed', closeNote: '措施均已落实' });
    const month = await s.consultation.monthly('2026-11', who.lead01!);
    // This item and the two escalated at the same moment above.
    expect(month.total).toBe(3);
    const sum = (k: 'closed' | 'measures' | 'measuresDone') => month.rows.reduce((a, r) => a + r[k], 0);
    expect([sum('closed'), sum('measures'), sum('measuresDone')]).toEqual([1, 1, 1]);
  });
});

/**
 * One set of service flows, run on the embedded SQLite store and on PostgreSQL: what a user does in
 * a day at the hotline (sign in, register appeals, dispatch and close them, escalate to the
 * consultation queue, read the KPIs, keep drafts and settings, set the calendar and deadlines)
 * must give the same answers on both. Flows that need the later reshaping of issue 11 are named
 * with the reason they run on one store only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractFailure, type ContractError, type SessionInfo, type TicketDetail } from '../../shared/contract';
import { generateReferenceData } from '../../electron/demo';
import { createSearchIndex } from '../../electron/store/search';
import { openTestStore, STORE_KINDS, type StoreKind, type TestStore } from './stores';
import { buildServices, type Services } from './services';
import { writeReference } from './seed';

async function refusal(p: Promise<unknown>): Promise<ContractError> {
  const e = await p.then(() => null, (x: unknown) => x);
  if (!(e instanceof ContractFailure)) throw new Error(`expected a refusal, got ${e === null ? 'success' : String(e)}`);
  return e.error;
}

describe.each(STORE_KINDS)('on the %s store', (kind: StoreKind) => {
  let clock = new Date('2025-09-30T02:00:00Z'); // 10:00 Beijing, the Tuesday before 国庆
  let t: TestStore;
  let s: Services;
  const who: Record<string, SessionInfo> = {};
  let deptId: string;
  let deptName: string;
  let otherDeptId: string;
  let leafId: string;
  let district: { code: string; street: string; community: string };

  beforeAll(async () => {
    t = await openTestStore(kind);
    const ref = generateReferenceData(12345);
    await writeReference(t.store.db, ref);
    s = await buildServices(t.store, () => clock);
    const bureaus = ref.departments.filter((d) => d.kind === 'bureau').sort((a, b) => a.code.localeCompare(b.code));
    [deptId, otherDeptId, deptName] = [bureaus[0]!.id, bureaus[1]!.id, bureaus[0]!.name];
    const parents = new Set(ref.categories.map((c) => c.parent_id));
    leafId = ref.categories.find((c) => !parents.has(c.id))!.id;
    const community = ref.divisions.find((d) => d.level === 3)!;
    const street = ref.divisions.find((d) => d.code === community.parent_code)!;
    district = { code: street.parent_code!, street: street.code, community: community.code };
    const accounts: [string, string, SessionInfo['user']['roles'], string | null][] = [
      ['admin', '管理员', ['admin'], null], ['agent01', '话务员一', ['agent'], null], ['dept01', '住建局', ['department'], deptId],
      ['dept02', '交通局', ['department'], otherDeptId], ['lead01', '值班长', ['shift_lead'], null],
      ['member01', '王委员', ['cppcc_member'], null], ['member02', '赵委员', ['cppcc_member'], null],
    ];
    for (const [username, displayName, roles, departmentId] of accounts) {
      await s.users.create({ username, displayName, password: 'Hotline-2025!', roles, departmentId }, null);
    }
  }, 60_000);
  afterAll(async () => { await t?.dispose(); });

  it('users sign in with their roles; a wrong password is refused and counted; a taken name is refused', async () => {
    expect(await s.users.count()).toBe(7);
    for (const u of ['admin', 'agent01', 'dept01', 'dept02', 'lead01', 'member01', 'member02']) who[u] = await s.users.login(u, 'Hotline-2025!');
    expect(who.agent01!.user).toMatchObject({ username: 'agent01', displayName: '话务员一', roles: ['agent'] });
    expect(who.dept01!.user.departmentId).toBe(deptId);
    expect((await refusal(s.users.login('agent01', 'wrong-password'))).code).toBe('login_failed');
    expect((await t.store.db.selectFrom('users').select('failed_attempts').where('username', '=', 'agent01').executeTakeFirstOrThrow()).failed_attempts).toBe(1);
    expect((await refusal(s.users.create({ username: 'AGENT01', displayName: 'x', password: 'Hotline-2025!', roles: ['agent'] }, who.admin!.user.id))).code).toBe('username_taken');
    const rows = await s.users.list();
    expect(rows.map((r) => r.username)).toEqual(['admin', 'agent01', 'dept01', 'dept02', 'lead01', 'member01', 'member02']);
    expect(rows.every((r) => r.disabled === false)).toBe(true);
  });

  let ticket: TicketDetail;

  it('intake registers appeals numbered in sequence, with the caller, place and coordinates shown back exactly', async () => {
    await s.drafts.save(who.agent01!.user.id, 'intake', '{"title":"小区门口夜间施工"}');
    const first = await s.intake.create({
      channel: 'phone', citizen: { phone: '13800138000', name: '张先生', confidential: false }, appealType: 'complaint', categoryId: leafId, urgency: 'normal',
      title: '小区门口夜间施工噪音', content: '来电人反映小区门口工地每晚十一点后仍在施工，噪音很大，影响休息。',
      districtCode: district.code, streetCode: district.street, communityCode: district.community, address: '幸福路 12 号',
      coordinates: { lat: 30.592849, lng: 114.305539 }, draftKey: 'intake',
    }, who.agent01!);
    const second = await s.intake.create({
      channel: 'phone', citizen: { phone: '13800138000', confidential: true }, appealType: 'help', categoryId: leafId, urgency: 'urgent',
      title: '独居老人求助上门服务', content: '来电人反映其父亲独居，行动不便，希望社区提供上门助餐服务。',
    }, who.agent01!);
    expect([first.number, second.number]).toEqual(['JC2025093000001', 'JC2025093000002']);
    expect(await s.drafts.get(who.agent01!.user.id, 'intake')).toBeNull();
    ticket = await s.intake.detail(first.id, who.agent01!, s.workflow);
    expect(ticket).toMatchObject({
      number: 'JC2025093000001', status: 'registered', phone: '13800138000', callerName: '张先生', confidential: false,
      coordinates: { lat: 30.592849, lng: 114.305539 }, address: '幸福路 12 号', version: 1,
    });
    expect(ticket.location.split(' ')).toHaveLength(3);
    expect(ticket.categoryPath.split(' / ').length).toBeGreaterThan(1);
    expect(ticket.timeline.map((e) => e.action)).toEqual(['register']);
    expect(ticket.allowedActions).toEqual(expect.arrayContaining(['dispatch', 'resolveDirectly']));
    // One caller, two appeals: the citizen is written once.
    expect(await s.tickets.counts()).toMatchObject({ tickets: 2, citizens: 1 });
    // Not dispatched to the department yet: it does not exist for them (visibility rules, issue 9).
    expect((await refusal(s.intake.detail(second.id, who.dept01!, s.workflow))).code).toBe('not_found');
  });

  it('dispatch, sign, reply, review and return visit close the ticket; deadlines skip the holiday; a stale screen changes nothing', async () => {
    const act = async (u: string, action: Parameters<Services['workflow']['act']>[2]) => {
      await s.workflow.act(ticket.id, ticket.version, action, who[u]!);
      ticket = await s.intake.detail(ticket.id, who[u]!, s.workflow);
    };
    await act('agent01', { type: 'dispatch', leadDepartmentId: deptId, coDepartmentIds: [otherDeptId], instructions: '请核实后依法处理并答复市民' });
    expect(ticket).toMatchObject({ status: 'dispatched', leadDepartment: deptName, signBy: '2025-10-09T15:59:59.000Z', replyBy: '2025-10-28T15:59:59.000Z' });
    expect((await s.workflow.work('department', 50, who.dept01!)).map((r) => r.id)).toEqual([ticket.id]);
    // The co-department (协办) sees it on its desk, marked so; only the lead signs.
    expect((await s.workflow.work('department', 50, who.dept02!)).map((r) => [r.id, r.coDepartment])).toEqual([[ticket.id, true]]);
    expect((await refusal(s.workflow.act(ticket.id, ticket.version, { type: 'sign' }, who.dept02!))).code).toBe('forbidden');
    const stale = await refusal(s.workflow.act(ticket.id, ticket.version - 1, { type: 'sign' }, who.dept01!));
    expect(stale).toMatchObject({ code: 'conflict', details: { reason: 'ticket_stale' } });
    clock = new Date('2025-10-09T01:00:00Z');
    await act('dept01', { type: 'sign' });
    await act('dept01', { type: 'startHandling' });
    clock = new Date('2025-10-20T06:00:00Z');
    await act('dept01', { type: 'reply', content: '经核查，已责令施工单位夜间22点后停止施工，并安排执法人员夜间巡查。' });
    await act('agent01', { type: 'review', approved: true });
    expect((await s.workflow.work('return_visits', 50, who.agent01!)).map((r) => r.id)).toEqual([ticket.id]);
    await act('agent01', { type: 'recordReturnVisit', resolved: true, satisfaction: 'satisfied' });
    expect(ticket.status).toBe('closed');
    expect(ticket.timeline.map((e) => e.action)).toEqual(['register', 'dispatch', 'sign', 'startHandling', 'reply', 'review', 'recordReturnVisit']);
    expect(await s.workflow.counts()).toEqual({ closed: 1, registered: 1 });
  });

  it('a returned ticket waits for the shift lead, who approves it back to registered', async () => {
    const [other] = (await s.tickets.recent(10, who.agent01!)).filter((r) => r.id !== ticket.id);
    let tk = await s.intake.detail(other!.id, who.agent01!, s.workflow);
    await s.workflow.act(tk.id, tk.version, { type: 'dispatch', leadDepartmentId: deptId, coDepartmentIds: [], instructions: '请核实后依法处理并答复市民' }, who.agent01!);
    tk = await s.intake.detail(tk.id, who.dept01!, s.workflow);
    await s.workflow.act(tk.id, tk.version, { type: 'returnTicket', reason: '不属于本单位职责，应由民政部门办理' }, who.dept01!);
    expect((await s.workflow.work('approvals', 50, who.lead01!)).map((r) => r.id)).toEqual([tk.id]);
    tk = await s.intake.detail(tk.id, who.lead01!, s.workflow);
    await s.workflow.act(tk.id, tk.version, { type: 'approveReturn' }, who.lead01!);
    expect((await s.intake.detail(tk.id, who.lead01!, s.workflow)).status).toBe('registered');
  });

  it('the 三率 count the timeline: one dispatch signed on time, one return visit resolved and satisfied', async () => {
    const report = await s.kpis.fromHistory('2025-09-01T00:00:00.000Z', '2025-11-01T00:00:00.000Z');
    expect(report.counts).toEqual({
      registered: 2, resolvedDirectly: 0, dispatched: 2, signedOnTime: 1, returned: 1, returnVisits: 1, resolved: 1, satisfied: 1,
      replied: 1, repliedOnTime: 1, reopened: 0,
    });
    expect(report.rates).toMatchObject({ satisfaction: 1, resolution: 1, response: 0.5, return: 0.5 });
    const overview = await s.tickets.overview();
    expect(overview.byStatus).toEqual(expect.arrayContaining([{ status: 'closed', count: 1 }, { status: 'registered', count: 1 }]));
    expect(overview.byAppealType).toEqual(expect.arrayContaining([{ appealType: 'complaint', count: 1 }, { appealType: 'help', count: 1 }]));
  });

  it('consultation: an agent escalates, the member on duty claims; of two members clicking at once exactly one wins', async () => {
    for (const m of ['member01', 'member02']) {
      await s.duty.savePattern({ userId: who[m]!.user.id, desk: 'studio', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00', validFrom: '2025-01-01', validUntil: null }, who.lead01!);
    }
    const rows = await s.tickets.recent(10, who.agent01!);
    const first = await s.consultation.escalate({ ticketIds: [rows[0]!.id], reason: '同一小区噪音问题反复投诉，需要委员协调', route: 'studio', urgency: 'urgent', source: 'ticket' }, who.agent01!);
    expect(first).toMatchObject({ stage: 'queued', number: 'ZX202500001', ticketCount: 1, claimBy: '2025-10-20T14:00:00.000Z' });
    expect(s.events.filter((e) => e.name === 'consultation.changed')).toHaveLength(1);
    const again = await refusal(s.consultation.escalate({ ticketIds: [rows[0]!.id], reason: '再次升级', route: 'studio', urgency: 'normal', source: 'ticket' }, who.agent01!));
    expect(again).toMatchObject({ code: 'conflict', details: { reason: 'consultation_already_escalated' } });
    const second = await s.consultation.escalate({ ticketIds: [rows[1]!.id], reason: '独居老人助餐需求，涉及多部门', route: 'studio', urgency: 'normal', source: 'ticket' }, who.agent01!);
    expect(second.number).toBe('ZX202500002');
    const claimed = await s.consultation.claim(first.id, who.member01!);
    expect(claimed).toMatchObject({ stage: 'claimed', claimedByName: '王委员' });
    const race = await Promise.allSettled([s.consultation.claim(second.id, who.member01!), s.consultation.claim(second.id, who.member02!)]);
    const won = race.filter((r) => r.status === 'fulfilled');
    const lost = race.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0]!.reason as ContractFailure).error).toMatchObject({ code: 'conflict', details: { reason: 'consultation_already_claimed' } });
    const winner = (won[0] as PromiseFulfilledResult<{ claimedByName: string }>).value.claimedByName;
    expect((lost[0]!.reason as ContractFailure).error.details).toMatchObject({ claimedBy: winner });
    expect((await s.consultation.queue('open', 50, who.lead01!)).map((r) => r.id)).toEqual([]);
    const audit = await t.store.db.selectFrom('audit_events').select('action').where('action', '=', 'consultation.claimed').execute();
    expect(audit).toHaveLength(2);
  });

  it('consultation work keeps research attachments byte for byte', async () => {
    const [item] = await s.consultation.queue('mine', 10, who.member01!);
    const bytes = Buffer.from([0, 1, 2, 255, 254, 0x89, 0x50, 0x4e, 0x47]);
    const d = await s.consultation.addResearch({
      itemId: item!.id, method: 'site_visit', date: '2025-10-20', place: '幸福小区', people: '居民代表', summary: '走访了解噪音情况',
      attachments: [{ name: '现场.png', mime: 'image/png', base64: bytes.toString('base64') }],
    }, who.member01!);
    const a = d.research[0]!.attachments[0]!;
    expect(a).toMatchObject({ name: '现场.png', size: bytes.length });
    expect(Buffer.from((await s.consultation.attachment(item!.id, a.id, who.member01!)).base64, 'base64').equals(bytes)).toBe(true);
  });

  it('drafts and settings are kept per user', async () => {
    const agent = who.agent01!.user.id;
    await s.drafts.save(agent, 'intake', '{"a":1}');
    await s.drafts.save(agent, 'intake', '{"a":2}');
    expect(await s.drafts.get(agent, 'intake')).toMatchObject({ key: 'intake', data: '{"a":2}' });
    expect(await s.drafts.get(who.lead01!.user.id, 'intake')).toBeNull();
    await s.drafts.discard(agent, 'intake');
    expect(await s.drafts.get(agent, 'intake')).toBeNull();
    expect(await s.settings.update(agent, { theme: 'dark', lastFrame: 'agent_desk' })).toEqual({ theme: 'dark', lastFrame: 'agent_desk', intakeChannel: null });
    expect(await s.settings.update(agent, { theme: 'auto', intakeChannel: 'web' })).toEqual({ theme: 'auto', lastFrame: 'agent_desk', intakeChannel: 'web' });
    expect(await s.settings.get(who.lead01!.user.id)).toEqual({ theme: 'light', lastFrame: null, intakeChannel: null });
    await s.settings.setApp('demo', '0');
    await s.settings.setApp('demo', '1');
    expect(await s.settings.getApp('demo')).toBe('1');
  });

  it('an admin\'s calendar year and deadline policy are kept and drive the next dispatch', async () => {
    await s.calendar.setYear({ year: 2027, holidays: ['2027-01-01'], workdays: [] }, who.admin!.user.id);
    const current = s.deadlinePolicy.policy();
    const policy = { ...current, reply: { ...current.reply, normal: { ...current.reply.normal, help: { kind: 'working_days', days: 10 } } } };
    await s.deadlinePolicy.set(policy, who.admin!.user.id);
    // A restart reads them back from the store.
    const again = await buildServices(t.store, () => clock);
    expect(again.calendar.list().find((y) => y.year === 2027)).toMatchObject({ holidays: ['2027-01-01'], source: 'admin' });
    expect(again.deadlinePolicy.view()).toMatchObject({ source: 'admin', policy: { reply: { normal: { help: { kind: 'working_days', days: 10 } } } } });
    clock = new Date('2025-10-21T02:00:00Z'); // Tuesday
    const c = await again.intake.create({
      channel: 'walk_in', citizen: { confidential: false }, appealType: 'help', categoryId: leafId, urgency: 'normal',
      title: '路灯不亮求助', content: '来访人反映小区门口路灯连续三晚不亮，夜间出行不便。',
    }, who.agent01!);
    await again.workflow.act(c.id, 1, { type: 'dispatch', leadDepartmentId: deptId, coDepartmentIds: [], instructions: '请核实后依法处理并答复市民' }, who.agent01!);
    // Ten working days from Tuesday Oct 21: Oct 22–24, 27–31, Nov 3–4.
    expect((await again.intake.detail(c.id, who.agent01!, again.workflow)).replyBy).toBe('2025-11-04T15:59:59.000Z');
  });

  it('knowledge articles are found by a Chinese term in title or body', async () => {
    await s.knowledge.save({ title: '噪音扰民投诉的处理', body: '夜间施工须经审批，22 点后禁止产生环境噪声。', categoryId: null, source: '《噪声污染防治法》第四十三条', validFrom: '2025-01-01', validUntil: null }, who.admin!.user.id);
    await s.knowledge.save({ title: '助餐服务', body: '社区老年助餐点的申请条件。', categoryId: null, source: '民政局通知', validFrom: '2025-01-01', validUntil: null }, who.admin!.user.id);
    expect((await s.knowledge.search('施工 审批', undefined, 10)).map((h) => h.title)).toEqual(['噪音扰民投诉的处理']);
  });

  it('knowledge search reads the term literally and ignores ASCII case, the same on both stores', async () => {
    await s.knowledge.save({ title: '宽带 WiFi 资费减免', body: '低保户宽带资费减免50%，每户限一条。', categoryId: null, source: '通信管理局', validFrom: '2025-01-01', validUntil: null }, who.admin!.user.id);
    await s.knowledge.save({ title: '话费补贴', body: '每月补贴500元话费，按季度发放。', categoryId: null, source: '通信管理局', validFrom: '2025-01-01', validUntil: null }, who.admin!.user.id);
    // SQLite's LIKE has no escape character unless told; PostgreSQL's LIKE is case-sensitive.
    expect((await s.knowledge.search('50%', undefined, 10)).map((h) => h.title)).toEqual(['宽带 WiFi 资费减免']);
    expect((await s.knowledge.search('wifi', undefined, 10)).map((h) => h.title)).toEqual(['宽带 WiFi 资费减免']);
    expect((await s.knowledge.search('5_0', undefined, 10)).map((h) => h.title)).toEqual([]);
  });

  it('ticket search finds a registered ticket by a Chinese term, and a department only within its scope', async () => {
    const search = createSearchIndex(t.store, { inProcess: true });
    expect(search.kind).toBe(kind === 'sqlite' ? 'sqlite-fts5' : 'postgres-tsvector');
    const r = await search.search({ text: '路灯', limit: 50 });
    expect(r.rows.map((row) => row.title)).toEqual(['路灯不亮求助']);
    expect(r.rows[0]!.titleHighlights).toEqual([{ start: 0, end: 2 }]);
    // Dispatched to dept01 only: dept02 does not find it, dept01 does.
    expect((await search.search({ text: '路灯', visibleToDepartmentId: otherDeptId })).rows).toEqual([]);
    expect((await search.search({ text: '路灯', visibleToDepartmentId: deptId })).rows.map((row) => row.title)).toEqual(['路灯不亮求助']);
    // The caller's number: found by an agent, not by a reader who sees it masked.
    expect((await search.search({ text: '138 0013 8000', callerVisibility: 'all' })).rows.map((row) => row.title).sort()).toEqual(['小区门口夜间施工噪音', '独居老人求助上门服务']);
    expect((await search.search({ text: '13800138000', callerVisibility: 'none' })).rows).toEqual([]);
    expect((await search.status()).indexed).toBe((await s.tickets.counts()).tickets);
    await search.close();
  });
});

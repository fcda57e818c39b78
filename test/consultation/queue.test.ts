/**
 * The consultation queue through the contract, as the people involved use it: an agent escalates a
 * ticket, the member on duty is told at once and claims it, two members racing for one item, the
 * work on the item (research, meeting, measures), the close rule and the 社情民意信息 report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import type { ConsultationDetail, ConsultationRow, ContractError, EventName, Result, TicketEscalation } from '../../shared/contract';
import type { Connection } from '../../electron/rpc/dispatcher';
import { createTestApp, type TestApp } from '../support/app';
import { loadDemoData } from '../../electron/demo';
import { REPORT_HEADINGS } from '../../electron/services/consultation-report';

let clock = new Date('2025-06-03T02:00:00Z'); // Tuesday 10:00 Beijing
let t: TestApp;
const people: Record<string, Connection & { events: { name: EventName; payload: unknown }[] }> = {};

function conn() {
  const events: { name: EventName; payload: unknown }[] = [];
  return { id: `c-${Math.random()}`, session: null, events, send: (name: EventName, payload: unknown) => { events.push({ name, payload }); } } as Connection & { events: typeof events };
}
async function as<T>(who: string, name: string, input: unknown): Promise<T> {
  const r = (await t.app.dispatcher.dispatch(people[who]!, name, input)) as Result<T>;
  if (!r.ok) throw new Error(`${who} ${name}: ${JSON.stringify(r.error)}`);
  return r.value;
}
async function fails(who: string, name: string, input: unknown): Promise<ContractError> {
  const r = (await t.app.dispatcher.dispatch(people[who]!, name, input)) as Result<unknown>;
  if (r.ok) throw new Error(`${who} ${name} should have failed`);
  return r.error;
}
async function signIn(u: string) {
  people[u] = conn();
  t.app.dispatcher.attach(people[u]!);
  await as(u, 'session.login', { username: u, password: 'Demo-12345' });
}
async function ticketIds(n: number): Promise<string[]> {
  const rows = await as<{ id: string; status: string }[]>('agent01', 'tickets.recent', { limit: 200 });
  // The demo data starts with a few tickets already escalated (items in several stages).
  const escalated = new Set((await t.app.store.db.selectFrom('consultation_item_tickets').select('ticket_id').execute()).map((r) => r.ticket_id));
  return rows.filter((r) => !escalated.has(r.id)).slice(0, n).map((r) => r.id);
}
const auditCount = async () => Number((await t.app.store.db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  t = await createTestApp({ loadDemoData, demo: true, demoTickets: 120, now: () => clock });
  for (const u of ['agent01', 'member01', 'expert01', 'lead01', 'admin', 'dept01']) await signIn(u);
  await as('admin', 'users.create', { username: 'member02', displayName: '赵委员', password: 'Demo-12345', roles: ['cppcc_member'] });
  await signIn('member02');
  // An account an admin created replaces its initial password before anything else.
  await as('member02', 'session.changePassword', { currentPassword: 'Demo-12345', newPassword: 'Member-02-own' });
}, 90_000);
afterAll(async () => { await t?.dispose(); });

describe('escalation and the queue', () => {
  let tickets: string[];
  let item: ConsultationDetail;

  it('refuses an empty reason and changes nothing', async () => {
    tickets = await ticketIds(6);
    const before = await auditCount();
    const e = await fails('agent01', 'consultation.escalate', { ticketIds: [tickets[0]], reason: '   ', route: 'studio', urgency: 'normal' });
    expect(e.code).toBe('invalid_input');
    expect(e.issues?.[0]?.path).toBe('reason');
    expect(await auditCount()).toBe(before);
    expect(await as('agent01', 'consultation.forTicket', { ticketId: tickets[0] })).toBeNull();
  });

  it('an agent escalates a ticket; the member on the route is told at once, the expert on the other route is not', async () => {
    for (const p of Object.values(people)) p.events.length = 0;
    item = await as<ConsultationDetail>('agent01', 'consultation.escalate', {
      ticketIds: [tickets[0]], reason: '同一小区噪音问题反复投诉，部门答复后仍未解决，需要委员协调', route: 'studio', urgency: 'urgent',
    });
    expect(item).toMatchObject({ stage: 'queued', route: 'studio', urgency: 'urgent', ticketCount: 1 });
    expect(item.number).toMatch(/^ZX2025\d{5}$/);
    expect(item.claimBy).toBe('2025-06-03T10:00:00.000Z'); // 8 hours for urgent
    expect(item.domain.length).toBeGreaterThan(0);
    const pushed = people.member01!.events.find((e) => e.name === 'consultation.changed');
    expect(pushed?.payload).toMatchObject({ kind: 'created', item: { id: item.id } });
    expect(people.lead01!.events.some((e) => e.name === 'consultation.changed')).toBe(true);
    expect(people.expert01!.events.some((e) => e.name === 'consultation.changed')).toBe(false);
    // The ticket shows that it is escalated and where it stands.
    expect(await as<TicketEscalation>('agent01', 'consultation.forTicket', { ticketId: tickets[0] })).toMatchObject({ number: item.number, stage: 'queued' });
    const detail = await as<{ timeline: { action: string }[] }>('agent01', 'tickets.get', { id: tickets[0] });
    expect(detail.timeline.map((e) => e.action)).toContain('escalate');
    // The member's queue and alerts have it.
    const queue = await as<ConsultationRow[]>('member01', 'consultation.queue', { scope: 'open', limit: 100 });
    expect(queue.map((r) => r.id)).toContain(item.id);
    expect(await as<ConsultationRow[]>('expert01', 'consultation.queue', { scope: 'open', limit: 100 })).toHaveLength(0);
  });

  it('a ticket already in an open item cannot be escalated again', async () => {
    const e = await fails('agent01', 'consultation.escalate', { ticketIds: [tickets[0]], reason: '再次升级', route: 'both', urgency: 'normal' });
    expect(e).toMatchObject({ code: 'conflict', details: { reason: 'consultation_already_escalated' } });
  });

  it('refuses a claim from someone not on the route or not on duty; nothing changes', async () => {
    const before = await auditCount();
    expect(await fails('expert01', 'consultation.claim', { id: item.id })).toMatchObject({ code: 'forbidden', details: { reason: 'consultation_wrong_route' } });
    // member02 has no shift yet.
    expect(await fails('member02', 'consultation.claim', { id: item.id })).toMatchObject({ code: 'forbidden', details: { reason: 'consultation_not_on_duty' } });
    expect(await fails('agent01', 'consultation.claim', { id: item.id })).toMatchObject({ code: 'forbidden' });
    expect(await auditCount()).toBe(before);
    expect((await as<ConsultationDetail>('member01', 'consultation.get', { id: item.id })).stage).toBe('queued');
  });

  it('two members claiming at once: exactly one wins, the other is told who has it', async () => {
    const lead = await as<{ id: string }>('lead01', 'duty.savePattern', {
      userId: people.member02!.session!.user.id, desk: 'studio', weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '12:00', validFrom: '2025-06-01',
    });
    expect(lead.id).toBeTruthy();
    const now = await as<{ userName: string }[]>('member01', 'duty.now', {});
    expect(now.map((s) => s.userName)).toEqual(expect.arrayContaining(['张建国委员', '赵委员']));
    const results = await Promise.all([
      t.app.dispatcher.dispatch(people.member01!, 'consultation.claim', { id: item.id }),
      t.app.dispatcher.dispatch(people.member02!, 'consultation.claim', { id: item.id }),
    ]);
    const won = results.filter((r) => r.ok);
    const lost = results.filter((r) => !r.ok) as { ok: false; error: ContractError }[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = (won[0]!.value as ConsultationDetail).claimedByName;
    expect(lost[0]!.error).toMatchObject({ code: 'conflict', details: { reason: 'consultation_already_claimed', claimedBy: winner } });
    const audit = await t.app.store.db.selectFrom('audit_events').select('id').where('action', '=', 'consultation.claimed').where('subject_id', '=', item.id).execute();
    expect(audit).toHaveLength(1);
    // Give it back and let member01 have it for the rest of the story.
    const whoWon = results[0]!.ok ? 'member01' : 'member02';
    const released = await as<ConsultationDetail>(whoWon, 'consultation.release', { id: item.id, reason: '改由张委员跟进' });
    expect(released.stage).toBe('queued');
    item = await as<ConsultationDetail>('member01', 'consultation.claim', { id: item.id });
    expect(item).toMatchObject({ stage: 'claimed', claimedByName: '张建国委员' });
    expect(item.allowed.work).toBe(true);
  });

  it('how an item moves on reaches the hotline\'s staff and its readers on every route, never a department', async () => {
    for (const p of Object.values(people)) p.events.length = 0;
    const released = await as<ConsultationDetail>('member01', 'consultation.release', { id: item.id, reason: '交班前改由他人跟进' });
    expect(released.stage).toBe('queued');
    item = await as<ConsultationDetail>('member01', 'consultation.claim', { id: item.id });
    const kinds = (who: string) => people[who]!.events.filter((e) => e.name === 'consultation.changed').map((e) => (e.payload as { kind: string }).kind);
    for (const who of ['agent01', 'member01', 'member02', 'expert01', 'lead01', 'admin']) expect(kinds(who), who).toEqual(['released', 'claimed']);
    expect(kinds('dept01')).toEqual([]);
  });

  it('off duty after the shift ends: member02 cannot claim at 13:00, the all-day demo roster keeps member01 on', async () => {
    const other = await as<ConsultationDetail>('agent01', 'consultation.escalate', { ticketIds: [tickets[1]], reason: '学校周边交通拥堵', route: 'studio', urgency: 'normal' });
    clock = new Date('2025-06-03T05:00:00Z');
    expect(await fails('member02', 'consultation.claim', { id: other.id })).toMatchObject({ details: { reason: 'consultation_not_on_duty' } });
    clock = new Date('2025-06-03T02:30:00Z');
  });

  it('records research, a meeting and measures; refuses a measure deadline before the item was created', async () => {
    const deptId = (await t.app.store.db.selectFrom('departments').select('id').orderBy('code').executeTakeFirstOrThrow()).id;
    item = await as<ConsultationDetail>('member01', 'consultation.addResearch', {
      itemId: item.id, method: 'site_visit', date: '2025-06-03', place: '江岸区某小区', people: '居民代表 5 人',
      summary: '现场查看施工点位，夜间 23 点后仍有切割作业。', attachments: [{ name: '现场.txt', mime: 'text/plain', base64: Buffer.from('照片说明').toString('base64') }],
    });
    expect(item.stage).toBe('research');
    expect(item.research[0]!.attachments[0]).toMatchObject({ name: '现场.txt', size: 12 });
    item = await as<ConsultationDetail>('member01', 'consultation.addMeeting', {
      itemId: item.id, date: '2025-06-04', departmentIds: [deptId], participants: '住建局、街道办', minutes: '会商明确夜间施工审批和巡查责任。', decisions: ['停止夜间施工', '每周巡查'],
    });
    expect(item.stage).toBe('meeting');
    const before = await auditCount();
    const early = await fails('member01', 'consultation.addMeasure', { itemId: item.id, content: '完成夜间施工整改', ownerDepartmentId: deptId, deadline: '2025-06-02' });
    expect(early).toMatchObject({ code: 'invalid_input', details: { reason: 'consultation_measure_before_item' } });
    expect(await auditCount()).toBe(before);
    item = await as<ConsultationDetail>('member01', 'consultation.addMeasure', { itemId: item.id, content: '停止夜间施工并公示许可', ownerDepartmentId: deptId, deadline: '2025-06-05' });
    item = await as<ConsultationDetail>('member01', 'consultation.addMeasure', { itemId: item.id, content: '建立每周巡查台账', ownerDepartmentId: deptId, deadline: '2025-06-20' });
    expect(item.stage).toBe('measures');
    expect(item.measures.map((m) => m.flag)).toEqual(['near', 'ok']);
    expect(await fails('expert01', 'consultation.addMeasure', { itemId: item.id, content: '越权添加措施', ownerDepartmentId: deptId, deadline: '2025-06-20' }))
      .toMatchObject({ code: 'forbidden' });
  });

  it('flags overdue measures in the item, the queue and the alerts', async () => {
    clock = new Date('2025-06-07T02:00:00Z');
    item = await as<ConsultationDetail>('member01', 'consultation.get', { id: item.id });
    expect(item.measures[0]!.flag).toBe('overdue');
    expect(item.overdueMeasures).toBe(1);
    const alerts = await as<{ kind: string; measure?: string }[]>('member01', 'consultation.alerts', {});
    expect(alerts).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'measure_overdue', measure: '停止夜间施工并公示许可' })]));
  });

  it('will not close with open measures; closes once each is done or dropped with a reason', async () => {
    const before = await auditCount();
    expect(await fails('member01', 'consultation.close', { itemId: item.id, note: '办结' })).toMatchObject({ code: 'conflict', details: { reason: 'consultation_open_measures', open: 2 } });
    expect(await auditCount()).toBe(before);
    const [m1, m2] = item.measures;
    expect(await fails('member01', 'consultation.updateMeasure', { itemId: item.id, measureId: m2!.id, status: 'dropped' }))
      .toMatchObject({ details: { reason: 'consultation_drop_reason_required' } });
    item = await as<ConsultationDetail>('member01', 'consultation.updateMeasure', { itemId: item.id, measureId: m1!.id, status: 'done', evidence: '夜间施工已停止，许可已公示' });
    item = await as<ConsultationDetail>('member01', 'consultation.updateMeasure', { itemId: item.id, measureId: m2!.id, status: 'dropped', dropReason: '并入全区工地巡查制度' });
    item = await as<ConsultationDetail>('member01', 'consultation.saveReport', {
      itemId: item.id, title: '关于整治居民区周边夜间施工扰民问题的建议', problem: '近三个月 12345 热线收到相关投诉 37 件。',
      causes: '夜间施工审批把关不严。', suggestions: '建立夜间施工联合巡查机制。', figures: [{ label: '相关投诉', value: '37 件' }, { label: '涉及小区', value: '6 个' }],
    });
    expect(item.stage).toBe('report');
    item = await as<ConsultationDetail>('member01', 'consultation.recordInstruction', { itemId: item.id, leader: '王副市长', date: '2025-06-08', text: '请住建局牵头落实。' });
    expect(item.stage).toBe('tracking');
    item = await as<ConsultationDetail>('member01', 'consultation.addFeedback', { itemId: item.id, channel: 'return_call', satisfied: true, content: '居民表示夜间已安静。' });
    expect(item.stage).toBe('feedback');
    item = await as<ConsultationDetail>('member01', 'consultation.close', { itemId: item.id, note: '措施落实，群众满意' });
    expect(item.stage).toBe('closed');
    expect(await fails('member01', 'consultation.addFeedback', { itemId: item.id, channel: 'visit', satisfied: true, content: '再次回访' }))
      .toMatchObject({ details: { reason: 'consultation_closed' } });
  });

  it('exports the 社情民意信息 report as .docx with its headings and figures', async () => {
    const file = await as<{ fileName: string; base64: string }>('member01', 'consultation.exportReport', { itemId: item.id });
    expect(file.fileName).toBe(`社情民意信息-${item.number}.docx`);
    const zip = await JSZip.loadAsync(Buffer.from(file.base64, 'base64'));
    const xml = await zip.file('word/document.xml')!.async('string');
    const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => ({
      style: /<w:pStyle w:val="([^"]+)"/.exec(p[0])?.[1] ?? null,
      text: [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''),
    }));
    const headings = paragraphs.filter((p) => p.style === 'Heading1').map((p) => p.text);
    expect(headings).toEqual([REPORT_HEADINGS.problem, REPORT_HEADINGS.causes, REPORT_HEADINGS.suggestions, REPORT_HEADINGS.figures, REPORT_HEADINGS.measures]);
    expect(paragraphs.find((p) => p.style === 'Title')?.text).toBe('关于整治居民区周边夜间施工扰民问题的建议');
    const texts = paragraphs.map((p) => p.text);
    expect(texts).toEqual(expect.arrayContaining(['相关投诉', '37 件', '涉及小区', '6 个', '已完成', '已取消']));
    expect(texts.some((x) => x.includes('王副市长'))).toBe(true);
  });
});

describe('hard items, class cases and the monthly list', () => {
  it('a shift lead transfers hard items in a batch and sees them with their status', async () => {
    const candidates = await as<{ id: string }[]>('lead01', 'consultation.hardCandidates', { limit: 50 });
    expect(candidates.length).toBeGreaterThan(1);
    const picked = candidates.slice(0, 3).map((c) => c.id);
    const rows = await as<ConsultationRow[]>('lead01', 'consultation.transferHard', { ticketIds: picked, route: 'studio', urgency: 'normal', reason: '超期未办结，转政协委员协调' });
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.source === 'hard_list' && r.stage === 'queued')).toBe(true);
    const hard = await as<ConsultationRow[]>('lead01', 'consultation.queue', { scope: 'hard', limit: 100 });
    expect(hard.map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
    const again = await as<{ id: string }[]>('lead01', 'consultation.hardCandidates', { limit: 50 });
    expect(again.map((c) => c.id)).not.toContain(picked[0]);
    expect(await fails('agent01', 'consultation.transferHard', { ticketIds: picked, route: 'studio', urgency: 'normal', reason: '越权' })).toMatchObject({ code: 'forbidden' });
  });

  it('several tickets escalated together make one class-case item', async () => {
    const ids = (await ticketIds(12)).slice(8, 11);
    const item = await as<ConsultationDetail>('agent01', 'consultation.escalate', { ticketIds: ids, reason: '同一路段积水反复投诉', route: 'both', urgency: 'normal', domain: '城市管理' });
    expect(item).toMatchObject({ source: 'class_case', ticketCount: 3, domain: '城市管理' });
  });

  it('progress shows only the work recorded: a measure first ticks neither research nor meeting; the timeline says who did what when', async () => {
    const [ticket] = (await ticketIds(30)).slice(20, 21);
    const deptId = (await t.app.store.db.selectFrom('departments').select('id').orderBy('code').executeTakeFirstOrThrow()).id;
    let it = await as<ConsultationDetail>('agent01', 'consultation.escalate', { ticketIds: [ticket], reason: '路灯长期不亮，多次报修未果', route: 'studio', urgency: 'normal' });
    const states = () => Object.fromEntries(it.progress.map((p) => [p.step, p.state]));
    expect(it.progress.every((p) => p.state === 'todo')).toBe(true);
    it = await as<ConsultationDetail>('member01', 'consultation.claim', { id: it.id });
    expect(states()).toMatchObject({ claimed: 'done', research: 'current', meeting: 'todo' });
    it = await as<ConsultationDetail>('member01', 'consultation.addMeasure', { itemId: it.id, content: '城管局一周内修复路灯', ownerDepartmentId: deptId, deadline: '2025-06-30' });
    expect(states()).toMatchObject({ research: 'todo', meeting: 'todo', measures: 'current' });
    it = await as<ConsultationDetail>('member01', 'consultation.saveReport', {
      itemId: it.id, title: '关于路灯长期不亮的情况反映', problem: '路灯不亮三个月。', causes: '维护责任不清。', suggestions: '明确维护单位。', figures: [],
    });
    // The measure is still planned: measures are not done, only the report is.
    expect(states()).toMatchObject({ research: 'todo', meeting: 'todo', measures: 'active', report: 'done', tracking: 'current' });
    expect(it.stage).toBe('report');
    // No button moves a stage on without its work.
    expect(it.allowed.next).toBeNull();
    expect(await fails('member01', 'consultation.advance', { id: it.id })).toMatchObject({ code: 'conflict', details: { reason: 'consultation_stage_follows_work' } });
    it = await as<ConsultationDetail>('member01', 'consultation.addResearch', { itemId: it.id, method: 'site_visit', date: '2025-06-07', summary: '现场查看：8 盏路灯不亮', attachments: [] });
    expect(states()).toMatchObject({ research: 'done', meeting: 'todo', measures: 'active' });
    expect(it.timeline.map((e) => [e.actorName, e.action])).toEqual([
      ['王晓燕', 'consultation.escalated'], ['张建国委员', 'consultation.claimed'], ['张建国委员', 'consultation.measure_added'],
      ['张建国委员', 'consultation.report_saved'], ['张建国委员', 'consultation.research_added'],
    ]);
    expect(it.timeline[2]!.data).toMatchObject({ content: '城管局一周内修复路灯', deadline: '2025-06-30' });
    // The queue row carries the claim time, where waiting stopped.
    const row = (await as<ConsultationRow[]>('member01', 'consultation.queue', { scope: 'mine', limit: 100 })).find((r) => r.id === it.id)!;
    expect(row.claimedAt).toBe(clock.toISOString());
  });

  it('the monthly list counts items by domain', async () => {
    const m = await as<{ total: number; rows: { domain: string; items: number; closed: number }[] }>('member01', 'consultation.monthly', { month: '2025-06' });
    expect(m.total).toBeGreaterThanOrEqual(6);
    expect(m.rows.reduce((s, r) => s + r.items, 0)).toBe(m.total);
    expect(m.rows.find((r) => r.domain === '城市管理')?.items).toBeGreaterThanOrEqual(1);
    expect(m.rows.reduce((s, r) => s + r.closed, 0)).toBe(1);
    expect((await as<{ total: number }>('member01', 'consultation.monthly', { month: '2025-05' })).total).toBe(0);
  });
});

describe('duty roster', () => {
  it('expands patterns for a week and applies a swap', async () => {
    const p = await as<{ id: string }>('lead01', 'duty.savePattern', {
      userId: people.expert01!.session!.user.id, desk: 'station', weekdays: [2, 4], start: '14:00', end: '17:30', validFrom: '2025-06-01', validUntil: '2025-06-30',
    });
    const week = await as<{ shifts: { patternId: string; date: string; userName: string; swappedFromName: string | null }[] }>('member01', 'duty.roster', { from: '2025-06-02', to: '2025-06-08' });
    expect(week.shifts.filter((s) => s.patternId === p.id).map((s) => s.date)).toEqual(['2025-06-03', '2025-06-05']);
    const bad = await fails('lead01', 'duty.swap', { patternId: p.id, date: '2025-06-04', replacementUserId: null, reason: '请假' });
    expect(bad).toMatchObject({ details: { reason: 'duty_no_shift_that_day' } });
    const wrongDesk = await fails('lead01', 'duty.swap', { patternId: p.id, date: '2025-06-05', replacementUserId: people.member01!.session!.user.id, reason: '代班' });
    expect(wrongDesk).toMatchObject({ details: { reason: 'duty_wrong_desk' } });
    await as('lead01', 'duty.swap', { patternId: p.id, date: '2025-06-05', replacementUserId: null, reason: '外出调研' });
    const after = await as<{ shifts: { patternId: string; date: string }[] }>('member01', 'duty.roster', { from: '2025-06-02', to: '2025-06-08' });
    expect(after.shifts.filter((s) => s.patternId === p.id).map((s) => s.date)).toEqual(['2025-06-03']);
    expect(await fails('member01', 'duty.savePattern', { userId: people.member01!.session!.user.id, desk: 'studio', weekdays: [1], start: '09:00', end: '08:00', validFrom: '2025-06-01' }))
      .toMatchObject({ code: 'forbidden' });
    expect(await fails('lead01', 'duty.savePattern', { userId: people.member01!.session!.user.id, desk: 'studio', weekdays: [1], start: '09:00', end: '08:00', validFrom: '2025-06-01' }))
      .toMatchObject({ details: { reason: 'duty_invalid_times' } });
  });
});

/**
 * Issue 5: during a live call the agent registers the appeal, escalates it to the consultation
 * queue (the member on duty sees it within a second and claims it), then hands the caller over to
 * that member by attended transfer: the member's console pops the same ticket, the agent completes
 * the transfer, and the citizen's audio now flows with the member.
 *
 * Needs `npm run build` first, kamailio on PATH and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { queryStore, startHost, type RunningHost } from './host';
import { login, screenshot } from './browser';
import {
  buildCallerBundle, callDiagnostics, callerStatsOf, ContractClient, launchMediaBrowser, newMediaContext, pickCallerWithHistory, startCallerServer,
  type CallerHistory, type CallerServer,
} from './webrtc/support';

const PASSWORD = 'Demo-12345';
const CALLER_SIP_PASSWORD = 'pw-citizen-secret';

let kamailio: KamailioHarness | undefined;
let host: RunningHost | undefined;
let browser: Browser | undefined;
let callerServer: CallerServer | undefined;
let caller: CallerHistory;
let agent: Page;
let member: Page;
let callerPage: Page;
let itemNumber = '';

const query = <T>(sql: string, ...args: unknown[]) => queryStore<T>(host!, sql, ...args);
const callerStats = () => callerStatsOf(callerPage);

async function diagnostics(): Promise<string> {
  return callDiagnostics(callerPage, kamailio ? () => kamailio!.logTail(40) : undefined, host?.dataDir);
}

async function signInWithPhone(username: string): Promise<Page> {
  const page = await (await newMediaContext(browser!)).newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.warn(`[${username}] ${m.text()}`); });
  await page.goto(host!.url);
  await login(page, username, PASSWORD);
  await page.getByTestId('user-menu').waitFor();
  await page.getByTestId('nav-agent_desk').click();
  await page.getByTestId('phone-sign-in').click();
  await page.getByTestId('registration').filter({ hasText: '已注册' }).waitFor({ timeout: 15_000 });
  await page.getByTestId('set-ready').click();
  await page.getByTestId('agent-state').filter({ hasText: '就绪' }).waitFor();
  return page;
}

beforeAll(async () => {
  const [bundle, started] = await Promise.all([buildCallerBundle(), startHost({ demo: true, demoTickets: 600 })]);
  host = started;
  caller = pickCallerWithHistory(host.dataDir);
  kamailio = await KamailioHarness.start({ credentials: { ...TEST_AGENTS, [caller.phone]: CALLER_SIP_PASSWORD } });
  const admin = await ContractClient.connect(host.url);
  try {
    await admin.request('session.login', { username: 'admin', password: PASSWORD });
    const users = await admin.request<Array<{ id: string; username: string }>>('users.list', {});
    for (const [username, ext] of [['agent01', '1001'], ['member01', '1002']] as const) {
      const u = users.find((x) => x.username === username)!;
      await admin.request('sip.setAccount', { userId: u.id, wsUrl: kamailio.wsUrl, aor: `${ext}@${kamailio.domain}`, authUser: ext, password: TEST_AGENTS[ext], displayName: username, media: 'webrtc' });
    }
  } finally {
    admin.close();
  }
  callerServer = await startCallerServer(bundle);
  browser = await launchMediaBrowser();
}, 120_000);

afterAll(async () => {
  await callerPage?.evaluate(() => (globalThis as unknown as { hangupCaller(): Promise<void> }).hangupCaller()).catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await host?.stop().catch(() => undefined);
  await kamailio?.stop().catch(() => undefined);
  await callerServer?.close().catch(() => undefined);
});

describe('handing a live caller to the CPPCC member on duty', () => {
  it('the agent and the member on duty sign in their phones; the member watches the queue', async () => {
    member = await signInWithPhone('member01');
    await member.getByTestId('nav-consultation_queue').click();
    await member.getByRole('heading', { name: '待认领事项' }).waitFor();
    agent = await signInWithPhone('agent01');
  });

  it('during the call the agent registers and escalates; the member sees it within a second and claims it', async () => {
    callerPage = await (await newMediaContext(browser!)).newPage();
    await callerPage.goto(callerServer!.url);
    await callerPage.waitForFunction(() => 'callHotline' in globalThis);
    const k = kamailio!;
    await callerPage.evaluate(
      ([wsUrl, aor, authUser, password, target, display]) =>
        (globalThis as unknown as { callHotline(...a: string[]): Promise<void> }).callHotline(wsUrl!, aor!, authUser!, password!, target!, display!),
      [k.wsUrl, `${caller.phone}@${k.domain}`, caller.phone, CALLER_SIP_PASSWORD, '1001', '市民'],
    );
    await agent.getByTestId('call-card').filter({ hasText: '来电振铃' }).waitFor({ timeout: 15_000 });
    await agent.getByTestId('answer').click();
    await agent.getByTestId('agent-state').filter({ hasText: '通话中' }).waitFor({ timeout: 15_000 });
    try {
      await expect.poll(async () => (await callerStats()).packetsReceived, { timeout: 20_000, interval: 500 }).toBeGreaterThan(0);
    } catch (e) { console.error(await diagnostics()); throw e; }

    const form = agent.getByTestId('intake-form');
    expect(await agent.getByLabel('联系电话').inputValue()).toBe(caller.phone);
    await form.getByText('投诉', { exact: true }).click();
    const category = agent.getByRole('combobox', { name: /^诉求分类/ });
    await category.click();
    await category.pressSequentially('噪音');
    await agent.getByRole('option').first().click();
    await agent.getByLabel(/^标题/).fill('工地夜间施工噪音反复投诉无果');
    await agent.getByLabel(/^诉求内容/).fill('来电人反映小区北侧工地连续两个月夜间施工到凌晨，已投诉五次，部门答复后仍未停止。');
    await agent.keyboard.press('Control+Shift+E');
    await agent.getByTestId('escalate-reason').fill('反复投诉未解决，涉及住建、城管多个部门，需委员当面协调。');
    const sent = Date.now();
    await agent.getByTestId('escalate-submit').click();
    const status = agent.getByTestId('escalation-status');
    await status.waitFor();
    itemNumber = /ZX\d{9}/.exec(await status.innerText())![0];
    await member.getByTestId(`claim-${itemNumber}`).waitFor({ timeout: 1000 });
    console.info(`escalation reached the member's queue ${Date.now() - sent} ms after submit`);
    await member.getByTestId(`claim-${itemNumber}`).click();
    await member.getByTestId('item-workspace').waitFor();
    await agent.keyboard.press('Escape'); // close the ticket drawer; the call goes on
  });

  it('the agent consults the member on duty: the member\'s console rings and pops the same ticket', async () => {
    await agent.getByTestId('duty-handover').click();
    await agent.getByTestId('handover-1002').click();
    // The member is on the consultation frame: the header tells them the phone rings.
    const ringing = member.getByTestId('ringing-elsewhere');
    await ringing.waitFor({ timeout: 15_000 });
    await ringing.click();
    const pop = member.getByTestId('pop-transferred');
    await pop.waitFor();
    await pop.getByText('工地夜间施工噪音反复投诉无果').waitFor();
    await pop.getByText(/来电人仍在线上/).waitFor();
    expect(await member.getByTestId('pop-escalation').innerText()).toContain(itemNumber);
    // The pop is about the citizen on the ticket, not the colleague's extension that is calling.
    expect(await member.getByTestId('screen-pop').innerText()).toContain(caller.phone);
    await screenshot(member, 'duty-transfer-member-ringing');
    await member.getByTestId('answer').click();
    await member.getByTestId('agent-state').filter({ hasText: '通话中' }).waitFor({ timeout: 15_000 });
    await agent.getByTestId('consult-status').getByText('已带上本通电话的工单').waitFor();
    await screenshot(agent, 'duty-transfer-agent-consulting');
  });

  it('the agent completes the transfer: the citizen now talks with the member', async () => {
    const before = await callerStats();
    await agent.getByRole('button', { name: '完成转接' }).click();
    await agent.getByTestId('agent-state').filter({ hasText: '话后处理' }).waitFor({ timeout: 15_000 });
    try {
      await expect.poll(async () => member.getByTestId('call-number').innerText().catch(() => ''), { timeout: 15_000 }).toBe(caller.phone);
      const transfers = await callerPage.evaluate(() => (globalThis as unknown as { callerTransfers(): string[] }).callerTransfers());
      expect(transfers).toHaveLength(1);
      expect(transfers[0]).toMatch(/1002@.*Replaces=/);
      // Audio flows between the citizen and the member on the new call.
      await member.waitForTimeout(1500);
      const a = await callerStats();
      await member.waitForTimeout(2000);
      const b = await callerStats();
      expect(b.sessionState).toBe('Established');
      expect(b.packetsReceived - a.packetsReceived).toBeGreaterThan(20);
      expect(b.packetsSent - a.packetsSent).toBeGreaterThan(20);
      expect(b.localSdp).not.toBe(before.localSdp);
    } catch (e) { console.error(await diagnostics()); throw e; }
    // Still on the call (no after-call work for the consult leg), with the ticket beside it.
    expect(await member.getByTestId('agent-state').innerText()).toContain('通话中');
    await member.getByTestId('pop-transferred').waitFor();
    expect(await member.getByTestId('pop-transferred').getByText(/来电人仍在线上/).count()).toBe(0);
    await screenshot(member, 'duty-transfer-member-talking');
  });

  it('when the citizen hangs up, both of the member\'s calls are linked to the ticket', async () => {
    await callerPage.evaluate(() => (globalThis as unknown as { hangupCaller(): Promise<void> }).hangupCaller());
    await member.getByTestId('agent-state').filter({ hasText: '话后处理' }).waitFor({ timeout: 15_000 });
    const [ticket] = query<{ id: string }>(`select t.id from tickets t where t.title = ?`, '工地夜间施工噪音反复投诉无果');
    await expect.poll(() => query<{ remote_number: string; end_reason: string }>(
      `select c.remote_number, c.end_reason from call_records c join call_ticket_links l on l.call_id = c.id join users u on u.id = c.user_id
        where l.ticket_id = ? and u.username = 'member01' and c.talk_ms > 0 order by c.end_reason`, ticket!.id), { timeout: 10_000 })
      // The citizen's call, and the consult with the agent that it replaced.
      .toEqual([{ remote_number: caller.phone, end_reason: 'remote-hangup' }, { remote_number: '1001', end_reason: 'replaced' }]);
  });
});

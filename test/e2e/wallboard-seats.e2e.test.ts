/**
 * Issue 13, live seats: the shift lead's wallboard shows what an agent in another session does
 * with their phone as it happens: signed in and ready, a citizen's call ringing (sipp through
 * Kamailio) with the number masked, talking, wrap-up, a break with its reason; and the lead signs
 * the phone out from the board, with a note the agent reads.
 *
 * Needs `npm run build` first, kamailio and sipp on PATH and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { startUac, type SippRun } from '../sip/sipp';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, pickOption, screenshot } from './browser';
import { ContractClient } from './webrtc/support';

const PASSWORD = 'Demo-12345';
const CITIZEN = '13812345678';
let kamailio: KamailioHarness;
let host: RunningHost;
let browser: Browser;
let lead: Page;
let agent: Page;
let sipp: SippRun | undefined;

beforeAll(async () => {
  [kamailio, host] = await Promise.all([KamailioHarness.start(), startHost({ demo: true, demoTickets: 200 })]);
  const admin = await ContractClient.connect(host.url);
  try {
    await admin.request('session.login', { username: 'admin', password: PASSWORD });
    const users = await admin.request<Array<{ id: string; username: string }>>('users.list', {});
    const agent01 = users.find((u) => u.username === 'agent01')!;
    // No audio in this test: the seat's phone answers with a null media bridge.
    await admin.request('sip.setAccount', { userId: agent01.id, wsUrl: kamailio.wsUrl, aor: `1001@${kamailio.domain}`, authUser: '1001', password: TEST_AGENTS['1001'], displayName: '王晓燕', media: 'null' });
    // A short wrap-up timer, so that the agent is back after the call within the test.
    const config = await admin.request<{ notReadyReasons: unknown[]; wrapUpCodes: unknown[] }>('phone.getConfig', {});
    await admin.request('phone.setConfig', { notReadyReasons: config.notReadyReasons, wrapUpCodes: config.wrapUpCodes, acwSeconds: 3 });
  } finally {
    admin.close();
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  sipp?.stop();
  await browser?.close();
  await host?.stop();
  await kamailio?.stop();
});

const seat = () => lead.getByTestId('seat-activity-1001');

/** Waits until the lead's board shows the seat doing `text`, and says how long that took. */
async function leadSees(text: string, since: number) {
  await seat().filter({ hasText: text }).waitFor({ timeout: 10_000 });
  console.info(`wallboard showed 1001 ${text} ${Date.now() - since} ms after the agent's action`);
}

describe('the shift lead watches the seats live', () => {
  it('sees the agent sign in the phone and get ready', async () => {
    lead = await newConsolePage(browser, host.url);
    await login(lead, 'lead01', PASSWORD);
    await lead.getByTestId('wb-seats').waitFor();
    await seat().filter({ hasText: '离线' }).waitFor();

    agent = await newConsolePage(browser, host.url);
    await login(agent, 'agent01', PASSWORD);
    await agent.getByTestId('phone-sign-in').click();
    await agent.getByTestId('registration').filter({ hasText: '已注册' }).waitFor({ timeout: 15_000 });
    await leadSees('示忙', Date.now());
    const at = Date.now();
    await agent.getByTestId('set-ready').click();
    await leadSees('就绪', at);
    expect(await lead.getByTestId('seat-count-ready').innerText()).toBe('就绪 1');
  });

  it('sees a citizen\'s call ring, be answered and end in wrap-up, the number masked, and counts it in today\'s calls', async () => {
    const figure = async (key: string) => Number(await lead.getByTestId(`calls-${key}`).innerText());
    await lead.getByTestId('calls-offered').waitFor();
    const offered = await figure('offered');
    const answered0 = await figure('answered');
    const at = Date.now();
    sipp = await startUac({ scenario: 'uac-answer-bye', proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain, called: '1001', callerNumber: CITIZEN, pauseMs: 3000 });
    await agent.getByTestId('call-card').waitFor({ timeout: 15_000 });
    await leadSees('振铃', at);
    const row = lead.getByTestId('wb-seat-list');
    await row.getByText('138****5678').waitFor();
    expect(await row.innerText()).not.toContain(CITIZEN);
    const answered = Date.now();
    await agent.getByTestId('answer').click();
    await leadSees('通话中', answered);
    await screenshot(lead, 'wallboard-seats-talking');
    const result = await sipp.result;
    expect(result.exitCode, result.errors).toBe(0);
    await leadSees('话后处理', Date.now());
    // The ended call is in the lead's figures without a reload: one more offered and answered.
    await expect.poll(() => figure('offered'), { timeout: 10_000 }).toBe(offered + 1);
    expect(await figure('answered')).toBe(answered0 + 1);
    await screenshot(lead, 'wallboard-calls');
  });

  it('sees a break with its reason', async () => {
    // Wrap-up needs a code before the agent can go on.
    await pickOption(agent, agent.getByTestId('wrap-up').locator('input').first(), '直接答复');
    await leadSees('就绪', Date.now());
    const at = Date.now();
    await pickOption(agent, agent.getByTestId('set-not-ready'), '用餐');
    await leadSees('示忙', at);
    await lead.getByTestId('wb-seat-list').getByText('用餐').waitFor();
    await screenshot(lead, 'wallboard-seats-break');
  });

  it('signs the agent\'s phone out from the board with a note the agent reads', async () => {
    await lead.getByTestId('seat-act-1001').click();
    const dialog = lead.getByTestId('seat-action');
    await dialog.getByText('签出话机').click();
    await lead.getByTestId('seat-action-note').fill('今日话务已结束，请签出后整理回访记录');
    await screenshot(lead, 'wallboard-seat-action');
    const at = Date.now();
    await lead.getByTestId('seat-action-confirm').click();
    await leadSees('离线', at);
    await agent.getByText('值班长陈班长已签出你的话机：今日话务已结束，请签出后整理回访记录').waitFor();
    await agent.getByTestId('phone-sign-in').waitFor();
    await screenshot(agent, 'wallboard-seat-action-agent');
  });
});

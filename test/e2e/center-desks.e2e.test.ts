/**
 * Two desks of one center, each its own console process with its own browser: the agent at desk A
 * registers an appeal and escalates it; the CPPCC member at desk B sees it in the consultation
 * queue without a reload and claims it; the agent's console at desk A then names the member.
 * Neither desk holds the data: both go through the center's console server.
 *
 * Needs `npm run build` first and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { queryStore, startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, pickCategory, screenshot } from './browser';

const TOKEN = 'e2e-center-token-fedcba9876543210';
const PASSWORD = 'Demo-12345';
const TITLE = '两台坐席：工地夜间施工噪音反复投诉';
let center: RunningHost;
let deskA: RunningHost;
let deskB: RunningHost;
let browser: Browser;

beforeAll(async () => {
  center = await startHost({ demo: true, demoTickets: 200, env: { HOTLINE_TOKEN: TOKEN } });
  const toCenter = { HOTLINE_CENTER: `ws://127.0.0.1:${center.port}/rpc?token=${TOKEN}` };
  [deskA, deskB] = await Promise.all([startHost({ env: toCenter }), startHost({ env: toCenter })]);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await deskA?.stop();
  await deskB?.stop();
  await center?.stop();
});

async function signIn(url: string, username: string): Promise<Page> {
  const page = await newConsolePage(browser, url);
  await login(page, username, PASSWORD);
  await page.getByTestId('user-menu').waitFor();
  await page.locator('[data-testid="desk-sync"][data-online="true"]').waitFor();
  return page;
}

describe('two desks of one center', () => {
  it('an escalation made at desk A is claimed at desk B, and desk A sees who claimed it', async () => {
    const member = await signIn(deskB.url, 'member01');
    await member.getByTestId('nav-consultation_queue').click();
    await member.getByRole('heading', { name: '待认领事项' }).waitFor();
    const agent = await signIn(deskA.url, 'agent01');
    await agent.getByTestId('intake-form').waitFor();

    await agent.getByLabel('联系电话').fill('13687654321');
    await agent.getByTestId('intake-form').getByText('投诉', { exact: true }).click();
    await pickCategory(agent, '噪音');
    await agent.getByLabel(/^标题/).fill(TITLE);
    await agent.getByLabel(/^诉求内容/).fill('来电人反映小区北侧工地连续两个月夜间施工到凌晨，已投诉五次，部门答复后仍未停止。');
    await agent.keyboard.press('Control+Shift+E');
    await agent.getByTestId('escalate-reason').fill('反复投诉未解决，涉及住建、城管多个部门，需委员当面协调。');
    const sent = Date.now();
    await agent.getByTestId('escalate-submit').click();
    const status = agent.getByTestId('escalation-status');
    await status.waitFor();
    const itemNumber = /ZX\d{9}/.exec(await status.innerText())![0];

    // Desk B learns of it from the center's event, not from a reload.
    const claim = member.getByTestId(`claim-${itemNumber}`);
    await claim.waitFor({ timeout: 15_000 });
    console.info(`escalation at desk A reached desk B's queue ${Date.now() - sent} ms after submit`);
    await screenshot(member, 'center-desks-member-queue');
    await claim.click();
    await member.getByTestId('item-workspace').waitFor();

    // And desk A learns the claim the same way: the badge on the agent's ticket names the member.
    await status.filter({ hasText: '张建国委员' }).waitFor({ timeout: 15_000 });
    await screenshot(agent, 'center-desks-agent-claimed');

    // One ticket and one item, held by the member, in the center's store; nothing in the desks' own.
    const rows = queryStore<{ number: string; claimer: string; tickets: number }>(center,
      `select i.number as number, u.username as claimer, (select count(*) from tickets where title = ?) as tickets
         from consultation_items i join users u on u.id = i.claimed_by where i.number = ?`, TITLE, itemNumber);
    expect(rows).toEqual([{ number: itemNumber, claimer: 'member01', tickets: 1 }]);
    for (const desk of [deskA, deskB]) expect(queryStore<{ n: number }>(desk, `select count(*) as n from tickets where title = ?`, TITLE)).toEqual([{ n: 0 }]);
  }, 120_000);
});

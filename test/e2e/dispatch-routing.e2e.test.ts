/**
 * 智能派单 and the misrouting guard in Chromium against host mode: the agent opens the dispatch
 * form of a fresh ticket, sees the suggested departments with their reason, picks the department
 * that just returned a ticket of the same category, gets the guard's warning with the return's
 * reason, and sends only on the second click; the dispatch event keeps what was warned of.
 *
 * Needs `npm run build` first and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { queryStore, startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, screenshot } from './browser';
import { ContractClient } from './webrtc/support';

const PASSWORD = 'Demo-12345';
const RETURN_REASON = '电梯维保不属于本单位职责，请改派市场监管部门';
let host: RunningHost;
let browser: Browser;

interface Detail { id: string; version: number }

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 600 });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function registerTicket(page: Page, title: string): Promise<void> {
  await page.getByTestId('intake-form').waitFor();
  await page.getByLabel('联系电话').fill('13912345678');
  await page.getByTestId('intake-form').getByText('投诉', { exact: true }).click();
  const category = page.getByRole('combobox', { name: /^诉求分类/ });
  await category.click();
  await category.pressSequentially('物业');
  await page.getByRole('option').first().click();
  await page.getByLabel(/^标题/).fill(title);
  await page.getByLabel(/^诉求内容/).fill('来电人反映小区电梯经常停运，物业迟迟不维修，老人上下楼困难，希望督促尽快修复。');
  const district = page.getByRole('combobox', { name: '区县' });
  await district.click();
  await district.pressSequentially('江岸');
  await page.getByRole('option', { name: '江岸区' }).click();
  const street = page.getByRole('combobox', { name: '街道/乡镇' });
  await street.click();
  await page.getByRole('option').first().click();
  await page.keyboard.press('Control+s');
  await page.getByTestId('ticket-detail').waitFor();
}

/** Through the contract: the department returns a ticket of `categoryId` and the shift lead approves the return. */
async function returnedBefore(categoryId: string): Promise<void> {
  const [agent, dept, lead] = await Promise.all([ContractClient.connect(host.url), ContractClient.connect(host.url), ContractClient.connect(host.url)]);
  try {
    await agent.request('session.login', { username: 'agent01', password: PASSWORD });
    await lead.request('session.login', { username: 'lead01', password: PASSWORD });
    const me = await dept.request<{ user: { departmentId: string } }>('session.login', { username: 'dept01', password: PASSWORD });
    const created = await agent.request<{ id: string }>('tickets.create', {
      channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId, urgency: 'normal',
      title: '小区电梯长期故障无人维修', content: '来电人反映小区电梯坏了一个多月，物业不修。',
    });
    let t = await agent.request<Detail>('tickets.get', { id: created.id });
    t = await agent.request<Detail>('tickets.act', { ticketId: t.id, expectedVersion: t.version, action: { type: 'dispatch', leadDepartmentId: me.user.departmentId, coDepartmentIds: [], instructions: '请核实并答复来电人' } });
    t = await dept.request<Detail>('tickets.act', { ticketId: t.id, expectedVersion: t.version, action: { type: 'returnTicket', reason: RETURN_REASON } });
    await lead.request('tickets.act', { ticketId: t.id, expectedVersion: t.version, action: { type: 'approveReturn' } });
  } finally {
    agent.close();
    dept.close();
    lead.close();
  }
}

describe('dispatch with 智能派单 and the misrouting guard', () => {
  it('suggests departments with their reason, warns of the one that returned a similar ticket, and sends on the second click', async () => {
    const agent = await newConsolePage(browser, host.url);
    await agent.setViewportSize({ width: 1366, height: 900 });
    await login(agent, 'agent01', PASSWORD);
    await agent.getByTestId('user-menu').waitFor();
    await registerTicket(agent, '小区电梯故障困人');
    const [b] = queryStore<{ id: string; category_id: string; street_code: string | null }>(host, `SELECT id, category_id, street_code FROM tickets WHERE title = ?`, '小区电梯故障困人');
    expect(b!.street_code).not.toBeNull();
    await returnedBefore(b!.category_id);

    await agent.getByTestId('action-dispatch').click();
    const suggestions = agent.getByTestId('routing-suggestions');
    await suggestions.waitFor({ timeout: 15_000 });
    // The demo history of the category names who handled it, and why, in Chinese.
    expect(await suggestions.innerText()).toMatch(/近 90 天同类(同街道|同区)?工单 \d+ 件由其承办|以往由其承办|本街道工单 \d+ 件由其承办|标题相近/);

    const leadPicker = agent.getByTestId('dispatch-lead');
    await leadPicker.click();
    await leadPicker.pressSequentially('住房和城乡建设');
    await agent.getByRole('option', { name: '市住房和城乡建设局' }).click();
    const warning = agent.getByTestId('dispatch-warnings');
    await warning.waitFor();
    expect(await warning.innerText()).toContain(`市住房和城乡建设局近 90 天退回同类工单 1 件`);
    expect(await warning.innerText()).toContain(RETURN_REASON);

    await agent.getByTestId('dispatch-instructions').fill('请核实电梯故障情况，督促物业尽快修复并答复来电人。');
    await agent.getByTestId('action-submit').click();
    // The first click only asks: nothing was sent.
    await agent.getByTestId('action-submit').filter({ hasText: '仍要派单' }).waitFor();
    expect(queryStore(host, `SELECT 1 FROM ticket_events WHERE ticket_id = ? AND action = 'dispatch'`, b!.id)).toHaveLength(0);
    await agent.waitForTimeout(400); // the warning's colour change, for the picture only
    await screenshot(agent, 'routing-dispatch-guard');

    await agent.getByTestId('action-submit').click();
    await agent.getByTestId('ticket-detail').getByText('已派单').first().waitFor();
    const [event] = queryStore<{ data: string }>(host, `SELECT data FROM ticket_events WHERE ticket_id = ? AND action = 'dispatch'`, b!.id);
    expect(JSON.parse(event!.data)).toMatchObject({ guardAcknowledged: true, guardWarnings: [{ kind: 'returned_similar', count: 1, lastReason: RETURN_REASON }] });
    await agent.context().close();
  });
});

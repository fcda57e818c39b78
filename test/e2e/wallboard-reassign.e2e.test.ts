/**
 * Issue 13, the lead reassigns (改派) from the wallboard: a ticket waiting for the department's
 * signature is sent to another department from the 待签收 list, with a reason; the list shows the
 * new department, the old department's desk no longer has it. A ticket the department signed after
 * the list was read is refused with a Chinese sentence, and stays where it was.
 *
 * Needs `npm run build` first and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, pickOption, screenshot } from './browser';
import { ContractClient } from './webrtc/support';

const PASSWORD = 'Demo-12345';
let host: RunningHost;
let browser: Browser;
let lead: Page;
let dept: ContractClient;
let agent: ContractClient;
let deptId: string;
let leaf: string;

interface Detail { id: string; number: string; version: number; status: string; leadDepartment?: string | null }

async function dispatched(title: string): Promise<Detail> {
  const created = await agent.request<{ id: string }>('tickets.create', {
    channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
    title, content: '来电人反映小区门口供水管道破裂，路面一直冒水，已经两天没人处理。',
  });
  const t = await agent.request<Detail>('tickets.get', { id: created.id });
  return agent.request<Detail>('tickets.act', { ticketId: t.id, expectedVersion: t.version, action: { type: 'dispatch', leadDepartmentId: deptId, coDepartmentIds: [], instructions: '请核实并答复来电人' } });
}

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 300 });
  agent = await ContractClient.connect(host.url);
  dept = await ContractClient.connect(host.url);
  await agent.request('session.login', { username: 'agent01', password: PASSWORD });
  deptId = (await dept.request<{ user: { departmentId: string } }>('session.login', { username: 'dept01', password: PASSWORD })).user.departmentId;
  const ref = await agent.request<{ categories: { id: string; parentId: string | null }[] }>('reference.get', {});
  const parents = new Set(ref.categories.map((c) => c.parentId));
  leaf = ref.categories.find((c) => !parents.has(c.id))!.id;
  browser = await launchBrowser();
  lead = await newConsolePage(browser, host.url);
  await login(lead, 'lead01', PASSWORD);
}, 120_000);

afterAll(async () => {
  agent?.close();
  dept?.close();
  await browser?.close();
  await host?.stop();
});

async function openReassign(number: string) {
  // From the board: a drawer left open by an earlier step is closed first.
  if (await lead.getByTestId('queue-list').isVisible()) await lead.keyboard.press('Escape');
  await lead.getByTestId('queue-list').waitFor({ state: 'hidden' });
  await lead.getByTestId('queue-to_sign').click();
  const row = lead.getByTestId('queue-list').getByRole('row').filter({ hasText: number });
  await row.waitFor({ timeout: 10_000 });
  await row.getByTestId('row-reassign').click();
  await lead.getByTestId('lead-action-text').waitFor();
  await pickOption(lead, lead.getByTestId('reassign-department'), '江城水务集团有限公司');
  await lead.getByTestId('lead-action-text').fill('属于供水管网维修，应由水务部门办理');
  return row;
}

describe('the lead reassigns from the wallboard', () => {
  it('sends a ticket waiting for signature to another department, with a reason', async () => {
    const t = await dispatched('供水管道破裂（改派测试）');
    const row = await openReassign(t.number);
    await expect.poll(() => lead.getByTestId('reassign-from').innerText()).toContain('现主办单位');
    await lead.waitForTimeout(300);
    await screenshot(lead, 'wallboard-lead-reassign');
    await lead.getByTestId('lead-action-confirm').click();
    await lead.getByTestId('lead-action-text').waitFor({ state: 'detached' });
    await row.filter({ hasText: '江城水务集团有限公司' }).waitFor({ timeout: 10_000 });
    await screenshot(lead, 'wallboard-lead-reassigned');
    const desk = await dept.request<{ id: string }[]>('tickets.work', { view: 'department', limit: 500 });
    expect(desk.some((r) => r.id === t.id)).toBe(false);
    await lead.keyboard.press('Escape');
  });

  it('refuses a ticket the department signed after the list was read, in Chinese, and moves nothing', async () => {
    const t = await dispatched('供水管道破裂（改派冲突测试）');
    await openReassign(t.number);
    await dept.request('tickets.act', { ticketId: t.id, expectedVersion: t.version, action: { type: 'sign' } });
    await lead.getByTestId('lead-action-confirm').click();
    await expect.poll(() => lead.getByTestId('lead-action-error').innerText()).toBe('工单已被他人处理，请刷新后再操作。');
    await screenshot(lead, 'wallboard-lead-reassign-conflict');
    const now = await agent.request<Detail>('tickets.get', { id: t.id });
    expect(now.status).toBe('signed');
  });
});

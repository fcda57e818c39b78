/**
 * The department desk as a live work queue, the grouped dispatch directory with 派单意见, the
 * 待派单 queue and return visits, in Chromium against host mode. Two browser contexts play the
 * agent and the department liaison at the same time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, screenshot } from './browser';

let host: RunningHost;
let browser: Browser;
beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 1000 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function signIn(username: string, viewport = { width: 1366, height: 768 }): Promise<Page> {
  const page = await newConsolePage(browser, host.url);
  await page.setViewportSize(viewport);
  await login(page, username, 'Demo-12345');
  await page.getByTestId('user-menu').waitFor();
  return page;
}

async function registerTicket(page: Page, title: string): Promise<string> {
  await page.getByTestId('intake-form').waitFor();
  await page.getByTestId('intake-form').getByRole('button', { name: '清空' }).click();
  await page.getByLabel('联系电话').fill('13912345678');
  await page.getByTestId('intake-form').getByText('投诉', { exact: true }).click();
  const category = page.getByRole('combobox', { name: /^诉求分类/ });
  await category.click();
  await category.pressSequentially('物业');
  await page.getByRole('option').first().click();
  await page.getByLabel(/^标题/).fill(title);
  await page.getByLabel(/^诉求内容/).fill('来电人反映小区物业长期不清运垃圾，楼道堆满杂物，多次向物业反映未解决，希望有关部门督促整改。');
  await page.keyboard.press('Control+s');
  await page.getByTestId('ticket-detail').waitFor();
  const heading = await page.getByRole('dialog').locator('h2').first().innerText();
  return heading.replace(/^工单号\s*/, '').trim();
}

describe('the department desk is live', () => {
  it('shows an agent\'s dispatch within seconds without reload, under 待签收 with its sign deadline; signing moves it to 办理中', async () => {
    const dept = await signIn('dept01');
    await dept.getByTestId('desk-department').getByText('市住房和城乡建设局').waitFor();
    await dept.getByTestId('work-tab-toSign').waitFor();
    const countBefore = Number(await dept.getByTestId('work-count-toSign').innerText());
    await screenshot(dept, 'desk-department-before');

    const agent = await signIn('agent01');
    const number = await registerTicket(agent, '小区物业不清运垃圾');
    await agent.getByTestId('action-dispatch').click();

    // The directory: street offices carry their district, groups by kind and district.
    const leadPicker = agent.getByTestId('dispatch-lead');
    await leadPicker.click();
    await leadPicker.pressSequentially('江岸区');
    await agent.getByRole('option', { name: /^江岸区 · .*街道办事处$/ }).first().waitFor();
    expect(await agent.getByRole('option', { name: /^江岸区 · /, exact: false }).count()).toBeGreaterThan(3);
    await screenshot(agent, 'desk-dispatch-directory');
    await leadPicker.fill('');
    await leadPicker.pressSequentially('住房和城乡建设');
    await agent.getByRole('option', { name: '市住房和城乡建设局' }).click();

    // 派单意见 is required, said in Chinese, before anything is sent.
    await agent.getByTestId('action-submit').click();
    expect(await agent.getByTestId('action-problem').innerText()).toBe('请填写派单意见。');
    await agent.getByTestId('dispatch-instructions').fill('请督促物业限期清运垃圾，并答复来电人。');
    await screenshot(agent, 'desk-dispatch-dialog');
    await agent.getByTestId('action-submit').click();
    await agent.getByTestId('ticket-detail').getByText('已派单').first().waitFor();

    // The department's desk, never reloaded, shows it under 待签收 with the sign deadline.
    const list = dept.getByTestId('department-tickets');
    const row = list.getByRole('row').filter({ hasText: number });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.innerText()).toMatch(/签收期限 还剩 \d+ (分钟|小时|天) · \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await row.innerText()).toContain('请督促物业限期清运垃圾');
    expect(Number(await dept.getByTestId('work-count-toSign').innerText())).toBe(countBefore + 1);
    await screenshot(dept, 'desk-department-live');

    // One click opens it; signing moves it from 待签收 to 办理中.
    await row.click();
    const detail = dept.getByTestId('ticket-detail');
    await detail.waitFor();
    await detail.getByText('派单意见：请督促物业限期清运垃圾，并答复来电人。').waitFor();
    await dept.waitForTimeout(400); // let the drawer finish sliding in before the picture
    await screenshot(dept, 'desk-department-drawer');
    await dept.getByTestId('action-sign').click();
    await detail.getByText('已签收').first().waitFor();
    await dept.keyboard.press('Escape');
    await expect.poll(async () => list.getByRole('row').filter({ hasText: number }).count()).toBe(0);
    await dept.getByTestId('work-tab-handling').click();
    await list.getByRole('row').filter({ hasText: number }).waitFor();
    await expect.poll(async () => Number(await dept.getByTestId('work-count-toSign').innerText())).toBe(countBefore);
    await screenshot(dept, 'desk-department-handling');
    await dept.setViewportSize({ width: 1920, height: 1080 });
    await dept.waitForTimeout(400); // re-layout after the resize, before the picture
    await screenshot(dept, 'desk-department-1920');
    await dept.setViewportSize({ width: 1366, height: 768 });

    // The department asks for 5 more working days; the shift lead sees how many and to when, live.
    const lead = await signIn('lead01');
    // Extensions waiting are behind the 延期待审 figure; its list follows ticket changes.
    await lead.getByTestId('queue-extensions').click();
    const approvals = lead.getByTestId('queue-list');
    await approvals.waitFor();
    await list.getByRole('row').filter({ hasText: number }).click();
    await dept.getByTestId('action-requestExtension').click();
    await dept.getByTestId('action-text').fill('需协调物业公司和街道共同整治');
    await dept.getByTestId('action-submit').click();
    await detail.getByText('延期待批').first().waitFor();
    const ask = approvals.getByRole('row').filter({ hasText: number });
    await ask.waitFor({ timeout: 10_000 });
    const asked = await ask.getByTestId('row-extension').innerText();
    expect(asked).toMatch(/^申请延期 5 个工作日，至 \d{1,2}月\d{1,2}日$/);
    const [, month, day] = /至 (\d{1,2})月(\d{1,2})日/.exec(asked)!;
    await ask.click();
    const leadDetail = lead.getByTestId('ticket-detail');
    await leadDetail.getByTestId('pending-extension').getByText(asked).waitFor();
    await lead.getByTestId('action-approveExtension').click();
    await lead.getByTestId('extension-ask').getByText(asked).waitFor();
    await lead.waitForTimeout(400);
    await screenshot(lead, 'desk-extension-approval');
    await lead.getByTestId('action-submit').click();
    // Approving moves the reply deadline to the date that was asked for.
    await expect.poll(() => leadDetail.getByTestId('reply-by').innerText()).toContain(`-${month!.padStart(2, '0')}-${day!.padStart(2, '0')} `);
    await leadDetail.getByTestId('pending-extension').waitFor({ state: 'detached' });
    await lead.context().close();
    await agent.context().close();
    await dept.context().close();
  });
});

describe('return visits start with nothing chosen', () => {
  it('refuses to save without the two answers, in Chinese, and asks why when the citizen is not satisfied', async () => {
    const agent = await signIn('agent01');
    await agent.getByTestId('tab-visits').click();
    const row = agent.getByTestId('return-visits').getByRole('row').filter({ hasText: '已审核' }).first();
    await row.waitFor();
    await row.click();
    const detail = agent.getByTestId('ticket-detail');
    const visits = detail.getByTestId('ticket-timeline').getByText('回访', { exact: true });
    await detail.getByTestId('ticket-timeline').waitFor();
    // A ticket redone after an earlier unsatisfied visit already has one 回访 in its history.
    const visitsBefore = await visits.count();
    await agent.getByTestId('action-recordReturnVisit').click();
    expect(await agent.getByTestId('visit-resolved').getByRole('radio', { checked: true }).count()).toBe(0);
    expect(await agent.getByTestId('visit-satisfaction').getByRole('radio', { checked: true }).count()).toBe(0);
    await agent.getByTestId('action-submit').click();
    expect(await agent.getByTestId('action-problem').innerText()).toBe('请先选择“问题是否解决”和“市民评价”，再保存回访。');
    await screenshot(agent, 'desk-visit-refused');
    await agent.getByTestId('visit-resolved').getByRole('radio', { name: '已解决' }).check();
    await agent.getByTestId('visit-satisfaction').getByRole('radio', { name: '不满意' }).check();
    await agent.getByTestId('action-submit').click();
    expect(await agent.getByTestId('action-problem').innerText()).toBe('市民不满意或问题未解决时，请填写原因。');
    // Nothing was saved by the refused attempts.
    expect(await visits.count()).toBe(visitsBefore);
    await agent.getByTestId('visit-satisfaction').getByRole('radio', { name: '基本满意' }).check();
    await agent.getByTestId('action-submit').click();
    await detail.getByText('已办结').first().waitFor();
    await detail.getByTestId('ticket-timeline').getByText('已解决，基本满意').waitFor();
    expect(await visits.count()).toBe(visitsBefore + 1);
    await screenshot(agent, 'desk-visit-saved');
    await agent.context().close();
  });
});

describe('待派单', () => {
  it('lists registered and returned tickets for the agent, oldest first', async () => {
    const agent = await signIn('agent01');
    await registerTicket(agent, '待派单队列中的新工单');
    await agent.keyboard.press('Escape');
    await agent.getByTestId('tab-to-dispatch').click();
    const rows = agent.getByTestId('to-dispatch').getByRole('row');
    await rows.filter({ hasText: '待派单队列中的新工单' }).waitFor();
    await screenshot(agent, 'desk-to-dispatch');
    await agent.context().close();
  });
});

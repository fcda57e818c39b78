/**
 * Changing and cancelling a planned outreach event (便民服务进小区, issue 14 item 5) in a real
 * browser against host mode: a shift lead plans an event with an agent on its team, moves it two
 * days and changes its place in the same form (prefilled); an edit made on what the admin changed
 * meanwhile is refused in Chinese; the lead cancels it with a reason (an empty reason is refused in
 * the form): it stays in the lead's list marked 已取消 with the reason, and leaves the agent's list.
 *
 * Needs `npm run build` first and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addDays, chinaDateKey } from '../../shared/domain/china-time';
import { queryStore, startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, pickOption, screenshot, settled } from './browser';

const PASSWORD = 'Demo-12345';
let host: RunningHost;
let browser: Browser;

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 100 });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function signedIn(username: string): Promise<Page> {
  const page = await newConsolePage(browser, host.url);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await login(page, username, PASSWORD);
  await page.getByTestId('nav-outreach').click();
  await page.getByTestId('outreach-frame').waitFor({ timeout: 15_000 });
  return page;
}

describe('changing and cancelling an outreach event', () => {
  it('a lead moves a planned event, a stale edit is refused, the event is cancelled and leaves the team\'s list', async () => {
    const today = chinaDateKey(new Date());
    const later = addDays(today, 2);
    const lead = await signedIn('lead01');
    await lead.getByTestId('outreach-plan-open').click();
    const dialog = lead.getByRole('dialog');
    await dialog.getByTestId('plan-title').fill('便民服务进小区（幸福社区）');
    await lead.getByTestId('plan-community').click();
    await lead.getByRole('option').first().click();
    await dialog.getByTestId('plan-address').fill('社区党群服务中心广场');
    await pickOption(lead, dialog.getByTestId('plan-team'), '王晓燕（话务员）');
    await lead.keyboard.press('Escape');
    await dialog.getByTestId('plan-submit').click();
    const detail = lead.getByTestId('outreach-detail');
    await detail.waitFor({ timeout: 15_000 });

    // 修改活动: the form opens on the plan as it stands; the lead moves it two days and changes the place.
    await lead.getByTestId('outreach-edit-open').click();
    const edit = lead.getByRole('dialog');
    await expect.poll(() => edit.getByTestId('plan-address').inputValue()).toBe('社区党群服务中心广场');
    expect(await edit.getByTestId('plan-title').inputValue()).toBe('便民服务进小区（幸福社区）');
    expect(await edit.innerText()).toContain('王晓燕');
    await edit.getByTestId('plan-address').fill('社区文化活动室');
    const date = edit.getByTestId('plan-date');
    await date.click();
    await date.press('Control+A');
    await date.pressSequentially(later);
    await date.press('Enter');
    await edit.getByTestId('plan-title').click(); // closes the calendar
    expect(await date.inputValue()).toBe(later);
    await settled(edit);
    await screenshot(lead, 'outreach-edit');
    await edit.getByTestId('plan-submit').click();
    await expect.poll(() => detail.innerText(), { timeout: 10_000 }).toContain('社区文化活动室');
    expect(await detail.innerText()).toContain(later);
    expect(await lead.getByTestId('outreach-phase').innerText()).toBe('待开展');
    expect(await lead.getByTestId('outreach-timeline').innerText()).toContain('修改活动安排');

    // The agent on its team sees it among the events to come.
    const agent = await signedIn('agent01');
    await expect.poll(() => agent.getByTestId('outreach-list').innerText(), { timeout: 10_000 }).toContain('便民服务进小区（幸福社区）');

    // The admin renames it meanwhile; the lead's edit on the page as it was is refused, in Chinese.
    const admin = await signedIn('admin');
    await admin.getByTestId('outreach-edit-open').click();
    await admin.getByRole('dialog').getByTestId('plan-title').fill('便民服务进小区（幸福社区第二场）');
    await admin.getByRole('dialog').getByTestId('plan-submit').click();
    await expect.poll(() => admin.getByTestId('outreach-detail').innerText(), { timeout: 10_000 }).toContain('第二场');
    await lead.getByTestId('outreach-edit-open').click();
    await lead.getByRole('dialog').getByTestId('plan-address').fill('社区北门');
    await lead.getByRole('dialog').getByTestId('plan-submit').click();
    await expect.poll(() => lead.getByTestId('outreach-plan-error').innerText(), { timeout: 10_000 }).toContain('该活动刚被他人修改');
    await lead.keyboard.press('Escape');
    await lead.getByRole('dialog').waitFor({ state: 'detached' });

    // Cancelled with a reason (after a reload, on the current version): kept, marked 已取消.
    await lead.reload();
    await lead.getByTestId('outreach-frame').waitFor({ timeout: 15_000 });
    await lead.getByTestId('outreach-cancel-open').click();
    const cancel = lead.getByRole('dialog');
    await cancel.getByTestId('cancel-submit').click();
    await expect.poll(() => cancel.innerText()).toContain('请填写取消原因');
    await cancel.getByTestId('cancel-reason').fill('暴雨预警，活动延期另行安排');
    await cancel.getByTestId('cancel-submit').click();
    await expect.poll(() => lead.getByTestId('outreach-cancelled').innerText(), { timeout: 10_000 }).toContain('暴雨预警，活动延期另行安排');
    await lead.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await lead.getByTestId('outreach-phase').innerText()).toBe('已取消');
    expect(await lead.getByTestId('outreach-list').innerText()).toContain('已取消');
    expect(await lead.getByTestId('outreach-edit-open').count()).toBe(0);
    expect(await lead.getByTestId('outreach-cancel-open').count()).toBe(0);
    await screenshot(lead, 'outreach-cancelled');
    const stored = queryStore<{ address: string; date: string; cancel_reason: string; version: number }>(host, 'select address, date, cancel_reason, version from outreach_events');
    expect(stored).toEqual([{ address: '社区文化活动室', date: later, cancel_reason: '暴雨预警，活动延期另行安排', version: 4 }]);

    // The team's list no longer shows it.
    await agent.reload();
    await agent.getByTestId('outreach-frame').waitFor({ timeout: 15_000 });
    await expect.poll(() => agent.getByTestId('outreach-frame').innerText(), { timeout: 10_000 }).toContain('暂无活动');
    expect(await agent.getByTestId('outreach-list').innerText()).not.toContain('幸福社区');
    for (const p of [agent, admin, lead]) await p.context().close();
  });
});

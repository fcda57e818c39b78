/**
 * Issue 14 (未诉先办), class cases and the monthly analysis in a real browser against host mode: a
 * shift lead picks tickets in search and makes a class case of them, sets its responsibility
 * package and a progress counter, reports progress ("路灯修复 5,800 / 6,000 盏"), then opens the
 * monthly report for last month with its charts.
 *
 * Needs `npm run build` first and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { queryStore, startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, screenshot } from './browser';

const PASSWORD = 'Demo-12345';
let host: RunningHost;
let browser: Browser;

beforeAll(async () => {
  // About 130 days of history: last month and the one before are held whole, so the report compares them.
  host = await startHost({ demo: true, demoTickets: 2000 });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function pickFirst(page: Page, testId: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option').first().click();
}

describe('class cases and the monthly analysis', () => {
  it('a shift lead makes a class case of picked tickets, sets its package and reports progress; then opens last month\'s report', async () => {
    const lead = await newConsolePage(browser, host.url);
    await lead.setViewportSize({ width: 1440, height: 1000 });
    await login(lead, 'lead01', PASSWORD);
    await lead.getByTestId('nav-agent_desk').click();
    await lead.getByTestId('tab-search').click();
    const picks = lead.getByTestId('search-pick');
    await picks.first().waitFor({ timeout: 20_000 });
    for (let i = 0; i < 3; i++) await picks.nth(i).click();
    await lead.getByTestId('search-make-class-case').click();
    await lead.getByTestId('cc-create-title').fill('建设路沿线路灯不亮集中整治');
    await lead.getByTestId('cc-create-terms').fill('路灯，照明');
    await lead.getByTestId('cc-create-submit').click();

    // The new case opens in 未诉先办 with its three members.
    const ws = lead.getByTestId('cc-workspace');
    await ws.waitFor({ timeout: 30_000 });
    expect(await lead.getByTestId('cc-title').innerText()).toBe('建设路沿线路灯不亮集中整治');
    expect(await ws.innerText()).toContain('3 件工单');
    const caseNumber = queryStore<{ number: string }>(host, 'select number from class_cases')[0]!.number;
    expect(caseNumber).toMatch(/^LA\d{8}$/);

    await lead.getByTestId('cc-package-edit').click();
    await pickFirst(lead, 'cc-package-lead');
    await lead.getByTestId('cc-package-person').fill('王科长');
    await lead.getByTestId('cc-package-save').click();
    await lead.getByTestId('cc-package').waitFor();

    await lead.getByTestId('cc-counter-label').fill('路灯修复');
    await lead.getByRole('textbox', { name: '单位' }).fill('盏');
    await lead.getByTestId('cc-counter-target').fill('6000');
    await pickFirst(lead, 'cc-counter-owner');
    await lead.getByTestId('cc-counter-add').click();
    await expect.poll(() => lead.getByTestId('cc-counter-text').innerText(), { timeout: 10_000 }).toBe('路灯修复 0 / 6,000 盏');

    await lead.getByTestId('cc-measure-content').fill('逐杆排查线路，更换老化灯具');
    await pickFirst(lead, 'cc-measure-owner');
    const due = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    await lead.getByTestId('cc-measure-deadline').fill(due);
    await lead.getByTestId('cc-measure-add').click();
    await lead.getByTestId('cc-measure').first().waitFor();

    await lead.getByTestId('cc-counter-input').fill('5800');
    await lead.getByTestId('cc-counter-save').click();
    await expect.poll(() => lead.getByTestId('cc-counter-text').innerText(), { timeout: 10_000 }).toBe('路灯修复 5,800 / 6,000 盏');
    // The change is the store's, audited with before and after.
    const audit = queryStore<{ data: string }>(host, `select data from audit_events where action = 'classCase.counterUpdated'`);
    expect(audit.map((a) => JSON.parse(a.data) as { from: number; to: number })).toEqual([expect.objectContaining({ from: 0, to: 5800 })]);
    await screenshot(lead, 'class-case-progress');

    // The monthly report of last month: figures, charts, the class case.
    await lead.getByTestId('tab-monthly').click();
    await lead.getByTestId('ma-generate').click();
    await lead.getByTestId('ma-total').waitFor({ timeout: 60_000 });
    const total = Number((await lead.getByTestId('ma-total').innerText()).replace(/,/g, ''));
    expect(total).toBeGreaterThan(100);
    await lead.getByTestId('ma-chart-daily').locator('.recharts-line-curve:visible').first().waitFor();
    await lead.getByTestId('ma-chart-domains').locator('.recharts-bar-rectangle:visible').first().waitFor();
    expect(await lead.getByTestId('ma-domains').innerText()).toContain('环比');
    // Last month is held whole and compared; last year is not in the store, and says so.
    expect(await lead.getByTestId('monthly-analysis').innerText()).toMatch(/环比 [+-]\d+\.\d%/);
    expect(await lead.getByTestId('monthly-analysis').innerText()).toContain('无完整历史数据');
    await screenshot(lead, 'monthly-report');
    await lead.getByTestId('ma-domains').scrollIntoViewIfNeeded();
    await screenshot(lead, 'monthly-report-tables');
    await lead.context().close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { queryStore, startHost, type RunningHost } from './host';
import { adminPage, launchBrowser, screenshot } from './browser';
import { bombSheet, handMadeXlsx } from '../support/hand-made-xlsx';

let host: RunningHost;
let browser: Browser;
let page: Page;
const ticketCount = () => {
  return queryStore<{ n: number }>(host, 'select count(*) as n from tickets')[0]!.n;
};

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 50 });
  browser = await launchBrowser();
  page = await adminPage(browser, host.url);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('Excel import limits in the built host', () => {
  it('a 2 MB workbook that unpacks to 2 GB is refused with a sentence, the console keeps working', async () => {
    const before = ticketCount();
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.getByRole('tab', { name: 'Excel 导入导出' }).click();
    const buffer = handMadeXlsx(bombSheet(2048));
    await page.locator('input[type=file]').setInputFiles({ name: '炸弹.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
    await page.getByText('表格解压后超过 200 MB，无法导入').waitFor();
    await page.waitForTimeout(800); // let the notification finish sliding in, for the picture only
    await screenshot(page, 'import-refused-too-large');
    expect(ticketCount()).toBe(before);
    // The same connection still answers: another tab loads its data.
    await page.getByRole('tab', { name: '办理时限' }).click();
    await page.getByLabel('咨询类答复时限 一般', { exact: true }).waitFor();
  }, 60_000);
});

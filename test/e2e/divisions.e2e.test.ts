import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, screenshot } from './browser';

let host: RunningHost;
let browser: Browser;
let page: Page;
const query = <T>(sql: string) => {
  const db = new Database(join(host.dataDir, 'hotline.sqlite'), { readonly: true });
  try { return db.prepare(sql).all() as T[]; } finally { db.close(); }
};
const dump = () => JSON.stringify(query('select * from divisions order by code'));

async function pick(label: string, option: string) {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 200 });
  browser = await launchBrowser();
  page = await newConsolePage(browser, host.url);
  await login(page, 'admin', 'Demo-12345');
  await page.getByRole('tab', { name: '行政区划' }).click();
  await page.getByTestId('divisions-loaded').getByText(/当前：江城市/).waitFor();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('administrative divisions', () => {
  it('shows the import\'s progress; Cancel leaves the divisions as they were', async () => {
    const before = dump();
    await pick('省份', '重庆市');
    await pick('城市', '重庆市（市辖区）');
    await page.getByTestId('divisions-import').click();
    const progress = page.getByTestId('job-progress');
    await progress.getByText('正在读取文件').waitFor();
    await screenshot(page, 'admin-divisions-progress');
    await progress.getByRole('button', { name: '取消' }).click();
    await page.getByTestId('divisions-message').getByText('已取消导入').waitFor();
    expect(dump()).toBe(before);
  });

  it('imports a city; intake then offers only its divisions', async () => {
    await pick('省份', '甘肃省');
    await pick('城市', '嘉峪关市');
    await page.getByTestId('divisions-import').click();
    await page.getByTestId('divisions-result').getByText(/已导入 嘉峪关市/).waitFor({ timeout: 30_000 });
    await page.getByTestId('divisions-loaded').getByText('当前：嘉峪关市 · 区县 1 个 · 街道/乡镇 5 个 · 社区/村 48 个').waitFor();
    await screenshot(page, 'admin-divisions');

    const agent = await newConsolePage(browser, host.url);
    await login(agent, 'agent01', 'Demo-12345');
    await agent.getByTestId('intake-form').waitFor();
    await agent.getByRole('combobox', { name: '区县' }).click();
    const options = await agent.getByRole('option').allTextContents();
    expect(options).toEqual(['嘉峪关市']);
    await agent.getByRole('option', { name: '嘉峪关市' }).click();
    await agent.getByRole('combobox', { name: '街道/乡镇' }).click();
    expect(await agent.getByRole('option').count()).toBe(5);
    await agent.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { queryStore, startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, screenshot } from './browser';

let host: RunningHost;
let browser: Browser;
let page: Page;
const query = <T>(sql: string, ...args: unknown[]) => queryStore<T>(host, sql, ...args);
const dump = () => JSON.stringify(query('select * from divisions order by code'));

async function pick(label: string, option: string) {
  // Choosing the option already chosen would clear it (Mantine's Select deselects).
  if (await page.getByRole('combobox', { name: label }).inputValue() === option) return;
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
    await page.getByTestId('divisions-confirm-ok').click();
    const progress = page.getByTestId('job-progress');
    await progress.getByText('正在读取文件').waitFor();
    await screenshot(page, 'admin-divisions-progress');
    await progress.getByRole('button', { name: '取消' }).click();
    await page.getByTestId('divisions-message').getByText('已取消导入').waitFor();
    expect(dump()).toBe(before);
  });

  it('asks first, saying what will be retired and removed; Cancel changes nothing', async () => {
    const before = dump();
    // What the store holds that 嘉峪关市 lacks, split the way the product splits it: in use by a ticket or department (and its ancestors) or not.
    const used = new Set(query<{ c: string }>(`select district_code as c from tickets union select street_code from tickets union select community_code from tickets
      union select district_code from departments`).map((r) => r.c).filter(Boolean));
    const old = query<{ code: string; level: number; parent_code: string | null }>(`select code, level, parent_code from divisions where code not like '6202%'`);
    const parent = new Map(old.map((d) => [d.code, d.parent_code]));
    const keep = new Set<string>();
    for (const d of old) if (used.has(d.code)) for (let c: string | null | undefined = d.code; c && parent.has(c); c = parent.get(c)) keep.add(c);
    const count = (set: typeof old, level: number) => set.filter((d) => d.level === level).length;
    const retired = old.filter((d) => keep.has(d.code));
    const removed = old.filter((d) => !keep.has(d.code));
    expect(removed.length).toBeGreaterThan(0);

    await pick('省份', '甘肃省');
    await pick('城市', '嘉峪关市');
    await page.getByTestId('divisions-import').click();
    const dialog = page.getByTestId('divisions-confirm');
    await dialog.getByText('导入 嘉峪关市 的行政区划？').waitFor();
    await dialog.getByText('将替换当前的 江城市').waitFor();
    const words = (set: typeof old) => [[0, '城市'], [1, '区县'], [2, '街道/乡镇'], [3, '社区/村']].filter(([l]) => count(set, l as number) > 0)
      .map(([l, name]) => `${count(set, l as number)} 个${name}`).join('、');
    expect(await page.getByTestId('divisions-confirm-retire').innerText()).toContain(`将停用 ${words(retired)}（`);
    expect(await page.getByTestId('divisions-confirm-remove').innerText()).toBe(`将删除 ${words(removed)}（未被工单使用）`);
    await page.setViewportSize({ width: 1366, height: 768 });
    await screenshot(page, 'admin-divisions-confirm');
    await page.getByTestId('divisions-confirm-cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('job-progress').count()).toBe(0);
    expect(dump()).toBe(before);
  });

  it('imports a city; intake then offers only its divisions', async () => {
    await pick('省份', '甘肃省');
    await pick('城市', '嘉峪关市');
    await page.getByTestId('divisions-import').click();
    await page.getByTestId('divisions-confirm-ok').click();
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

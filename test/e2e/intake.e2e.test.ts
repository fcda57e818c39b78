import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, screenshot, pickCategory } from './browser';

let host: RunningHost;
let browser: Browser;
beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 300 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('intake (受理登记)', () => {
  it('keeps what the agent typed when the console is killed mid-draft', async () => {
    const page = await newConsolePage(browser, host.url);
    await login(page, 'agent01', 'Demo-12345');
    const form = page.getByTestId('intake-form');
    await form.waitFor();
    await page.getByLabel('联系电话').fill('13912345678');
    await page.getByLabel('来电人姓名').fill('周女士');
    await page.getByTestId('intake-form').getByText('投诉', { exact: true }).click();
    await page.getByLabel(/^标题/).fill('小区门口餐馆油烟扰民');
    await page.getByLabel(/^诉求内容/).fill('来电人反映小区门口的烧烤店每天晚上十点以后油烟很大，已经持续两个月，多次反映未解决。');
    await page.waitForTimeout(900);
    const dataDir = host.dataDir;
    await host.stop('SIGKILL');
    await page.context().close();

    host = await startHost({ dataDir });
    const again = await newConsolePage(browser, host.url);
    await login(again, 'agent01', 'Demo-12345');
    await again.getByTestId('draft-restored').waitFor();
    expect(await again.getByLabel('联系电话').inputValue()).toBe('13912345678');
    expect(await again.getByLabel('来电人姓名').inputValue()).toBe('周女士');
    expect(await again.getByLabel(/^诉求内容/).inputValue()).toContain('油烟很大');
    await again.context().close();
  });

  it('refuses bad input with clear messages and saves nothing', async () => {
    const page = await newConsolePage(browser, host.url);
    await login(page, 'agent01', 'Demo-12345');
    await page.getByTestId('intake-form').waitFor();
    await page.getByLabel('联系电话').fill('12345');
    await page.getByLabel(/^标题/).fill('短');
    await page.getByLabel(/^诉求内容/).fill('');
    await page.getByLabel(/^坐标/).fill('2.35,48.85');
    await page.getByTestId('intake-save').click();
    await page.getByText('电话号码格式不正确').waitFor();
    await page.getByText('坐标不在中国境内，请核对经纬度').waitFor();
    await page.getByText('标题至少 4 个字').waitFor();
    await page.getByText('请选择诉求分类').waitFor();
    await screenshot(page, 'intake-errors');
    await page.context().close();
  });

  it('registers a ticket from the keyboard, shows markup as text, and opens its timeline', async () => {
    const page = await newConsolePage(browser, host.url);
    await login(page, 'agent01', 'Demo-12345');
    await page.getByTestId('intake-form').waitFor();
    await page.getByTestId('intake-form').getByRole('button', { name: '清空' }).click();
    await page.getByLabel('联系电话').fill('13912345678');
    await page.getByTestId('intake-form').getByText('求助', { exact: true }).click();
    await pickCategory(page, '路灯');
    await page.getByLabel(/^标题/).fill('<b>路灯</b>不亮 <script>alert(1)</script>');
    await page.getByLabel(/^诉求内容/).fill('春华路与秋实路交叉口的路灯连续一周晚上不亮，<img src=x onerror=alert(1)>行人过马路很危险。');
    await page.getByLabel(/^坐标/).fill('31.2304, 121.4737'); // as a phone shares it: latitude first
    await screenshot(page, 'intake-filled');
    await page.keyboard.press('Control+s');
    const detail = page.getByTestId('ticket-detail');
    await detail.waitFor();
    expect(await page.getByTestId('ticket-content').innerText()).toContain('<img src=x onerror=alert(1)>');
    expect(await detail.getByRole('heading', { level: 4 }).innerText()).toBe('<b>路灯</b>不亮 <script>alert(1)</script>');
    await page.getByTestId('ticket-timeline').getByText('登记').first().waitFor();
    await detail.getByText('(121.473700, 31.230400)', { exact: false }).waitFor();
    await screenshot(page, 'ticket-timeline');
    // The form is empty again for the next caller.
    await page.keyboard.press('Escape');
    expect(await page.getByLabel(/^标题/).inputValue()).toBe('');
    await page.context().close();
  });

  it('while the agent types: a suggested category learned from history, and similar open tickets', async () => {
    const page = await newConsolePage(browser, host.url);
    await login(page, 'agent01', 'Demo-12345');
    const form = page.getByTestId('intake-form');
    await form.waitFor();
    await form.getByRole('button', { name: '清空' }).click();
    await page.getByLabel('联系电话').fill('13700001234');
    await form.getByText('求助', { exact: true }).click();
    await page.getByLabel(/^标题/).fill('秋实路路灯不亮');
    await page.getByLabel(/^诉求内容/).fill('秋实路交叉口的路灯晚上不亮，附近居民出行不便，请尽快维修。');
    const hints = page.getByTestId('category-hints');
    await hints.waitFor();
    await hints.getByRole('button', { name: /路灯/ }).first().click();
    expect(await page.getByRole('combobox', { name: /^诉求分类/ }).inputValue()).not.toBe('');
    // The ticket registered above is open, in the same category, with similar text.
    await page.getByTestId('similar-tickets').getByText('不亮').first().waitFor();
    await screenshot(page, 'intake-suggestions');
    await page.context().close();
  });

  it('finds the new ticket by any fragment of its text at once, with the match marked', async () => {
    const page = await newConsolePage(browser, host.url);
    await login(page, 'agent01', 'Demo-12345');
    await page.getByTestId('tab-search').click();
    await page.getByTestId('search-input').fill('秋实路交叉');
    const results = page.getByTestId('search-results');
    await results.getByText('不亮').first().waitFor();
    expect(await results.locator('mark').first().innerText()).toBe('秋实路交叉');
    expect(await page.getByTestId('search-total').innerText()).toMatch(/^共 1 件/);
    await screenshot(page, 'ticket-search');
    await page.getByTestId('search-input').fill('完全不存在的诉求内容');
    await page.getByText('没有符合条件的工单').waitFor();
    await page.context().close();
  });
});

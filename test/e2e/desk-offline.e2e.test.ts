import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHost, queryStore, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, pickCategory, screenshot, settled } from './browser';

/**
 * A desk of a center in the browser: the center (a host-mode console with demo data) goes down
 * while the agent registers appeals; the header says 离线 and how many wait, the outbox lists
 * them, and when the center is back they are sent and the header shows 在线, 0 waiting. A second
 * window signs in offline meanwhile (only for an agent who signed in on this desk before) and goes
 * on under the center's session once it is back.
 */
const TOKEN = 'e2e-center-token-0123456789abcdef';
let center: RunningHost;
let desk: RunningHost;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  center = await startHost({ demo: true, demoTickets: 200, env: { HOTLINE_TOKEN: TOKEN } });
  desk = await startHost({ env: { HOTLINE_CENTER: `ws://127.0.0.1:${center.port}/rpc?token=${TOKEN}` } });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await desk?.stop();
  await center?.stop();
});

async function register(title: string, content: string) {
  const form = page.getByTestId('intake-form');
  await page.getByLabel('联系电话').fill('13612345678');
  await form.getByText('求助', { exact: true }).click();
  await pickCategory(page, '路灯');
  await page.getByLabel(/^标题/).fill(title);
  await page.getByLabel(/^诉求内容/).fill(content);
  await page.keyboard.press('Control+s');
}

const sync = () => page.getByTestId('desk-sync');

describe('a desk whose center goes down', () => {
  it('keeps registering appeals offline, says how many wait, and sends them when the center is back', async () => {
    page = await newConsolePage(browser, desk.url);
    await login(page, 'agent01', 'Demo-12345');
    await page.getByTestId('intake-form').waitFor();
    await page.locator('[data-testid="desk-sync"][data-online="true"]').waitFor();
    await screenshot(page, 'desk-online');

    await center.stop();
    await page.locator('[data-testid="desk-sync"][data-online="false"]').waitFor({ timeout: 30_000 });
    await register('离线登记：春华路路灯不亮', '春华路与秋实路交叉口的路灯连续三晚不亮，行人过马路很危险，请尽快维修。');
    await page.getByText('已保存在本机，待同步').first().waitFor();
    expect(await page.getByLabel(/^标题/).inputValue()).toBe('');
    await register('离线登记：秋实路路灯闪烁', '秋实路中段两盏路灯整夜闪烁，附近居民反映影响休息，请派人检查线路。');
    await page.locator('[data-testid="desk-sync"][data-waiting="2"]').waitFor();
    await screenshot(page, 'desk-offline-waiting');
    await sync().click();
    const outbox = page.getByTestId('desk-outbox');
    await outbox.getByText('离线登记：秋实路路灯闪烁').waitFor();
    // The outbox lists what the "saved on this machine" notices said: they are gone from over it.
    await page.getByText('已保存在本机，待同步').waitFor({ state: 'detached' });
    await settled(page.getByRole('dialog'));
    await screenshot(page, 'desk-offline-outbox');
    await page.keyboard.press('Escape');

    // A second window while the center is down: only someone who signed in on this desk before gets in, and is told why not otherwise.
    const second = await newConsolePage(browser, desk.url);
    await login(second, 'lead01', 'Demo-12345');
    await second.getByText('您近期未在本机登录过').waitFor();
    await login(second, 'agent01', 'Wrong-12345');
    await second.getByText('用户名或密码错误。').waitFor();
    await login(second, 'agent01', 'Demo-12345');
    await second.getByTestId('intake-form').waitFor();
    await second.locator('[data-testid="desk-sync"][data-online="false"]').waitFor();
    // The header says this window was signed in by the desk alone; the first window, signed in online, does not.
    expect(await second.getByTestId('desk-offline-signin').innerText()).toBe('离线登录');
    expect(await page.getByTestId('desk-offline-signin').count()).toBe(0);
    // The knowledge base as the center last answered it on this desk, not "nothing found".
    await second.getByTestId('kb-hit').first().waitFor();
    await screenshot(second, 'desk-offline-signin');

    center = await startHost({ dataDir: center.dataDir, port: center.port, env: { HOTLINE_TOKEN: TOKEN } });
    await page.locator('[data-testid="desk-sync"][data-online="true"][data-waiting="0"]').waitFor({ timeout: 60_000 });
    // One notice counts the writes that reached the center, naming the last one sent.
    await page.getByText(/已同步到中心 2 件，最近一件：“离线登记：秋实路路灯闪烁”，工单号 \S+/).waitFor();
    await screenshot(page, 'desk-synced');
    // The offline sign-in was confirmed at the center: that window goes on, online, still signed in.
    await second.locator('[data-testid="desk-sync"][data-online="true"]').waitFor({ timeout: 60_000 });
    await second.getByTestId('intake-form').waitFor();
    await second.getByTestId('desk-offline-signin').waitFor({ state: 'detached' });
    await second.close();
    const rows = queryStore<{ title: string; n: number }>(center, `select title, count(*) n from tickets where title like '离线登记：%' group by title order by title`);
    expect(rows).toEqual([{ title: '离线登记：春华路路灯不亮', n: 1 }, { title: '离线登记：秋实路路灯闪烁', n: 1 }]);
  }, 180_000);
});

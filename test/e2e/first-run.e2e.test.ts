import { afterEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, screenshot } from './browser';

let host: RunningHost | undefined;
let browser: Browser | undefined;
afterEach(async () => {
  await browser?.close();
  await host?.stop();
  browser = undefined;
  host = undefined;
});

describe('first run on an empty store', () => {
  it('creates the first admin, who lands in administration', async () => {
    host = await startHost();
    browser = await launchBrowser();
    const page = await newConsolePage(browser, host.url);
    await page.getByRole('heading', { name: '首次使用：初始化坐席台' }).waitFor();
    await screenshot(page, 'first-run');
    await page.getByLabel('姓名').fill('赵主任');
    await page.getByLabel(/^密码/).fill('short');
    await page.getByLabel('确认密码').fill('short');
    await page.getByRole('button', { name: '创建管理员' }).click();
    await page.getByText('密码强度不够').first().waitFor();
    await page.getByLabel(/^密码/).fill('Center-12345');
    await page.getByLabel('确认密码').fill('Center-12345');
    await page.getByRole('button', { name: '创建管理员' }).click();
    await page.getByTestId('users-table').getByText('赵主任').waitFor();
    expect(await page.getByTestId('nav-admin').count()).toBe(1);
  });

  it('a draft typed in a form survives killing the host and comes back after restart', async () => {
    host = await startHost({ demo: true, demoTickets: 50 });
    browser = await launchBrowser();
    const page = await newConsolePage(browser, host.url);
    await login(page, 'admin', 'Demo-12345');
    await page.getByTestId('create-user').click();
    await page.getByLabel('姓名').fill('新来的话务员孙丽');
    await page.getByLabel('用户名').fill('sunli');
    await page.waitForTimeout(800); // the draft is saved after a short pause in typing
    const dataDir = host.dataDir;
    await host.stop('SIGKILL');
    await page.getByTestId('connection-down').waitFor();
    await page.context().close();

    host = await startHost({ dataDir });
    const again = await newConsolePage(browser, host.url);
    await login(again, 'admin', 'Demo-12345');
    await again.getByTestId('create-user').click();
    await expect(again.getByLabel('姓名').inputValue()).resolves.toBe('新来的话务员孙丽');
    expect(await again.getByLabel('用户名').inputValue()).toBe('sunli');
  });

  it('a port in use and a newer database get clear messages', async () => {
    host = await startHost();
    const clash = await startHost({ port: host.port }).catch((e: Error) => e);
    expect(String(clash)).toContain(`端口 ${host.port} 已被占用`);
  });
});

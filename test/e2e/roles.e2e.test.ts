import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, screenshot } from './browser';

const PASSWORD = 'Demo-12345';
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

async function signIn(username: string): Promise<Page> {
  const page = await newConsolePage(browser, host.url);
  await login(page, username, PASSWORD);
  await page.getByTestId('user-menu').waitFor();
  return page;
}

describe('each role signs in and lands in its frame', () => {
  it('agent: the agent desk with the latest tickets, masked numbers', async () => {
    const page = await signIn('agent01');
    await page.getByTestId('intake-form').waitFor();
    await page.getByTestId('tab-recent').click();
    const rows = page.getByTestId('recent-tickets').getByRole('row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(10);
    // Callers' numbers are masked: some rows show one (a web or letter appeal has none, and the
    // newest demo ticket may be one: demo data follow the clock), and no row shows a whole number.
    const texts = await rows.allInnerTexts();
    expect(texts.filter((x) => /\*{3,}\d{4}/u.test(x)).length).toBeGreaterThan(3);
    expect(texts.filter((x) => /(?<!\d)1[3-9]\d{9}(?!\d)/u.test(x))).toEqual([]);
    await screenshot(page, 'frame-agent-desk');
    await page.context().close();
  });

  it('CPPCC member and liaison expert: the consultation workspace', async () => {
    for (const username of ['member01', 'expert01']) {
      const page = await signIn(username);
      await page.getByRole('heading', { name: '待认领事项' }).waitFor();
      await screenshot(page, `frame-consultation-${username}`);
      await page.context().close();
    }
  });

  it('shift lead: the wallboard with live counts', async () => {
    const page = await signIn('lead01');
    await page.getByRole('heading', { name: '值班看板' }).waitFor();
    const open = Number((await page.getByTestId('wb-open').innerText()).replace(/,/g, ''));
    expect(open).toBeGreaterThan(0);
    await screenshot(page, 'frame-wallboard');
    await page.context().close();
  });

  it('department liaison: the department desk', async () => {
    const page = await signIn('dept01');
    await page.getByRole('heading', { name: '承办工作台' }).waitFor();
    expect(await page.getByTestId('nav-agent_desk').count()).toBe(0);
    await screenshot(page, 'frame-department-desk');
    await page.context().close();
  });

  it('admin: users and roles, and the audit trail shows the logins', async () => {
    const page = await signIn('admin');
    const table = page.getByTestId('users-table');
    await table.getByText('agent01').waitFor();
    await screenshot(page, 'frame-admin');
    await page.getByRole('tab', { name: '审计日志' }).click();
    await page.getByTestId('audit-list').getByText('登录', { exact: true }).first().waitFor();
    await screenshot(page, 'frame-admin-audit');
    await page.context().close();
  });
});

describe('bad sign-ins', () => {
  it('a wrong password and an unknown user get the same clear message', async () => {
    const page = await newConsolePage(browser, host.url);
    await login(page, 'agent02', 'not-the-password');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    const wrongPassword = await error.innerText();
    expect(wrongPassword).toBe('用户名或密码错误。');
    await screenshot(page, 'login-wrong-password');
    await login(page, 'nobody-here', 'whatever');
    // The form clears the password when the answer arrives.
    await expect.poll(() => page.getByLabel(/^密码/).inputValue()).toBe('');
    expect(await page.getByTestId('login-error').innerText()).toBe(wrongPassword);
    await page.context().close();
  });

  it('five wrong passwords lock the account with a clear message', async () => {
    const page = await newConsolePage(browser, host.url);
    for (let i = 0; i < 5; i++) {
      await login(page, 'agent02', `wrong-${i}`);
      await expect.poll(() => page.getByLabel(/^密码/).inputValue()).toBe('');
    }
    await page.getByTestId('login-error').filter({ hasText: '锁定' }).waitFor();
    await login(page, 'agent02', PASSWORD);
    await expect.poll(() => page.getByLabel(/^密码/).inputValue()).toBe('');
    expect(await page.getByTestId('login-error').innerText()).toContain('锁定');
    await page.context().close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, screenshot } from './browser';

let host: RunningHost;
let browser: Browser;
const store = () => new Database(join(host.dataDir, 'hotline.sqlite'));

/** Where the screenshots for the review go besides test-results (not in the repository). */
const NOTES_SHOTS = '/work/notes/shots';
async function shot(page: Page, name: string) {
  const file = await screenshot(page, name);
  try { mkdirSync(NOTES_SHOTS, { recursive: true }); copyFileSync(file, join(NOTES_SHOTS, `auth-${name}.png`)); } catch { /* only on the review machine */ }
}

async function openPage(): Promise<Page> {
  const page = await newConsolePage(browser, host.url);
  await page.setViewportSize({ width: 1366, height: 768 });
  return page;
}
const signOut = async (page: Page) => {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await page.getByLabel('用户名').waitFor();
};

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 50 });
  browser = await launchBrowser();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('a session survives a reload', () => {
  it('stays signed in on the same screen after a reload; after logout a reload shows the login screen', async () => {
    const page = await openPage();
    await login(page, 'lead01', 'Demo-12345');
    await page.getByTestId('nav-wallboard').click();
    await page.locator('[data-testid="nav-wallboard"][data-active]').waitFor();
    await page.reload();
    await page.getByTestId('user-menu').waitFor();
    await page.locator('[data-testid="nav-wallboard"][data-active]').waitFor();
    expect(await page.locator('[data-testid="nav-agent_desk"][data-active]').count()).toBe(0);
    expect(await page.getByLabel('用户名').count()).toBe(0);

    await signOut(page);
    await page.reload();
    await page.getByLabel('用户名').waitFor();
    expect(await page.getByTestId('user-menu').count()).toBe(0);
    expect(await page.getByTestId('login-notice').count()).toBe(0);
    await page.context().close();
  });

  it('an expired session lands on the login screen and says so', async () => {
    const page = await openPage();
    await login(page, 'agent01', 'Demo-12345');
    await page.getByTestId('user-menu').waitFor();
    const db = store();
    try { db.prepare(`update sessions set expires_at = '2000-01-01T00:00:00.000Z' where revoked_at is null`).run(); } finally { db.close(); }
    await page.reload();
    await page.getByTestId('login-notice').waitFor();
    expect(await page.getByTestId('login-notice').textContent()).toContain('登录已过期');
    await shot(page, 'login-expired-1366');
    await page.context().close();
  });
});

describe('passwords an admin sets', () => {
  it('a new account must change its initial password before it sees the console; the user menu offers 修改密码', async () => {
    const admin = await openPage();
    await login(admin, 'admin', 'Demo-12345');
    await admin.getByTestId('create-user').click();
    await admin.getByLabel('用户名').fill('sunli');
    await admin.getByLabel('姓名').fill('孙丽');
    await admin.getByLabel(/^初始密码/).fill('Initial-123');
    await admin.getByRole('dialog').locator('.mantine-MultiSelect-input').click();
    await admin.getByRole('option', { name: '话务员' }).click();
    await admin.getByRole('dialog').getByText('新建用户').first().click(); // closes the role list
    await admin.getByRole('dialog').getByRole('button', { name: '新建用户' }).click();
    await admin.getByTestId('users-table').getByText('孙丽').waitFor();

    const page = await openPage();
    await login(page, 'sunli', 'Initial-123');
    await page.getByRole('heading', { name: '请修改初始密码' }).waitFor();
    expect(await page.getByTestId('user-menu').count()).toBe(0);
    await page.getByLabel('当前密码').fill('Initial-123');
    await page.getByLabel('新密码', { exact: true }).fill('sunli');
    await shot(page, 'forced-change-typing-1366');
    await page.getByLabel('新密码', { exact: true }).fill('Sunli-2026x');
    await page.getByLabel('确认新密码').fill('Sunli-2026x');
    expect(await page.getByTestId('password-rules').locator('[data-ok="true"]').count()).toBe(4);
    await shot(page, 'forced-change-ready-1366');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await shot(page, 'forced-change-ready-1920');
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.getByTestId('user-menu').waitFor();
    // Reloading now resumes a normal session: the forced screen does not come back.
    await page.reload();
    await page.getByTestId('user-menu').waitFor();
    expect(await page.getByRole('heading', { name: '请修改初始密码' }).count()).toBe(0);

    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-change-password').click();
    await page.getByRole('dialog', { name: '修改密码' }).waitFor();
    await page.getByLabel('当前密码').fill('Sunli-2026x');
    await page.waitForTimeout(300); // the dialog's opening transition, for the screenshot only
    await shot(page, 'menu-change-password-1366');
    await page.getByLabel('新密码', { exact: true }).fill('Sunli-2027y');
    await page.getByLabel('确认新密码').fill('Sunli-2027y');
    await page.getByRole('dialog').getByRole('button', { name: '修改密码' }).click();
    await page.getByText('密码已修改，您在其他地方的登录已退出。').waitFor();
    await signOut(page);
    await login(page, 'sunli', 'Sunli-2027y');
    await page.getByTestId('user-menu').waitFor();

    // The admin resets it: the open session ends at once, with the reason.
    await admin.getByTestId('users-table').getByRole('row', { name: /sunli/ }).getByRole('button', { name: '···' }).click();
    await admin.getByRole('menuitem', { name: '重置密码' }).click();
    await admin.getByLabel('初始密码').fill('Again-12345');
    await shot(admin, 'admin-reset-password-1366');
    await admin.getByRole('dialog').getByRole('button', { name: '重置密码' }).click();
    await admin.getByText('密码已重置').waitFor();
    await page.getByTestId('login-notice').waitFor();
    expect(await page.getByTestId('login-notice').textContent()).toContain('管理员已重置您的密码');
    await login(page, 'sunli', 'Again-12345');
    await page.getByRole('heading', { name: '请修改初始密码' }).waitFor();
  });
});

import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SCREENSHOT_DIR = resolve('test-results/screenshots');

/** Debian's Chromium, headless, with nothing that would reach the network; extraArgs are appended. */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic', '--lang=zh-CN', ...extraArgs],
  });
}

export async function newConsolePage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Waits until the element and everything in it have finished their CSS transitions and animations. */
export async function settled(locator: Locator): Promise<void> {
  await locator.evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a: { finished: Promise<unknown> }) => a.finished.catch(() => undefined))));
}

/** Types into the intake form's category box and takes the first leaf offered. */
export async function pickCategory(page: Page, text: string): Promise<void> {
  const input = page.getByRole('combobox', { name: /^诉求分类/ });
  await input.click();
  await input.pressSequentially(text);
  const option = page.getByRole('option').first();
  await option.waitFor();
  await option.click();
}

export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

/** A console page signed in as the demo admin, on the 系统管理 screen. */
export async function adminPage(browser: Browser, url: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await newConsolePage(browser, url);
  if (viewport) await page.setViewportSize(viewport);
  await login(page, 'admin', 'Demo-12345');
  await page.getByTestId('users-table').waitFor();
  return page;
}

/**
 * Opens a select's dropdown and picks an option. A click that lands while a modal is still
 * opening is lost, so the trigger is clicked again until the option shows (at most `tries` times);
 * the option must then appear, or the test fails with Playwright's own timeout.
 */
export async function pickOption(page: Page, trigger: Locator, name: string, tries = 5): Promise<void> {
  const option = page.getByRole('option', { name, exact: true });
  for (let i = 0; i < tries; i++) {
    // force: an empty multi-select's input has no size of its own; the click lands on its field.
    await trigger.click({ force: true });
    try { await option.waitFor({ timeout: 2000 }); break; } catch { /* the dropdown did not open: click again */ }
  }
  await option.click();
}

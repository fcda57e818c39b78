/**
 * Admin clarity in Chromium against host mode: the audit log reads in Chinese with the changes in
 * words (raw JSON only on demand), and the holiday editor marks each field in error red with its
 * own message instead of a bare "请检查标红的字段".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { queryStore, startHost, type RunningHost } from './host';
import { adminPage, launchBrowser, screenshot } from './browser';

let host: RunningHost;
let browser: Browser;
let page: Page;
const calendarRows = () => {
  return queryStore(host, `select key, value from meta where key like 'calendar.%' order by key`);
};

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 50 });
  browser = await launchBrowser();
  page = await adminPage(browser, host.url, { width: 1366, height: 768 });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('admin clarity', () => {
  it('the holiday editor marks the wrong fields red, each with its own message, and saves nothing until fixed', async () => {
    await page.getByRole('tab', { name: '节假日' }).click();
    await page.getByLabel('年份').fill('2027');
    const holidays = page.getByTestId('calendar-holidays');
    const workdays = page.getByTestId('calendar-workdays');
    await holidays.fill('2027-01-01\n2027/02/10\n2026-10-01');
    await workdays.fill('2027-02-09');
    const before = calendarRows();
    await page.getByTestId('calendar-save').click();
    await page.getByTestId('calendar-fix').getByText('有 2 处标红的字段需要修改').waitFor();
    expect(await holidays.getAttribute('aria-invalid')).toBe('true');
    expect(await workdays.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('“2027/02/10”不是有效日期，应写作 2027-01-01 这样的格式；日期不属于所选年份：2026-10-01').waitFor();
    await page.getByText('调休上班日应为周末：2027-02-09').waitFor();
    // Red means red: the field's border takes Mantine's error colour.
    type Styled = { ownerDocument: { defaultView: { getComputedStyle(e: unknown): { borderColor: string } } } };
    // Polled: the border colour eases in (a CSS transition), and a loaded machine can catch it halfway.
    await expect.poll(() => holidays.evaluate((el) => (el as unknown as Styled).ownerDocument.defaultView.getComputedStyle(el).borderColor))
      .toMatch(/^rgb\((2[0-5]\d), (\d{1,2}), (\d{1,2})\)$/);
    expect(calendarRows()).toEqual(before);
    await screenshot(page, 'admin-calendar-red-fields');

    // Fixing one field clears its own mark only; fixing both saves.
    await holidays.fill('2027-01-01\n2027-02-10');
    expect(await holidays.getAttribute('aria-invalid')).not.toBe('true');
    expect(await workdays.getAttribute('aria-invalid')).toBe('true');
    await workdays.fill('2027-02-06');
    await page.getByTestId('calendar-save').click();
    await page.getByText('2027 · 管理员设置').waitFor();
    expect(calendarRows()).toHaveLength(before.length + 1);
  });

  it('the audit log names actions in Chinese and tells changes in words; raw JSON only on demand', async () => {
    await page.getByRole('tab', { name: '办理时限' }).click();
    await page.getByLabel('投诉类答复时限 一般', { exact: true }).fill('13');
    await page.getByRole('button', { name: '保存时限' }).click();
    await page.getByText('办理时限已保存').waitFor();

    await page.getByRole('tab', { name: '审计日志' }).click();
    const list = page.getByTestId('audit-list');
    await list.getByText('修改办理时限').waitFor();
    const actions = await list.getByTestId('audit-action').allInnerTexts();
    expect(actions).toEqual(expect.arrayContaining(['修改办理时限', '设置节假日', '登录', '新建用户']));
    expect(actions.filter((a) => /^[a-z_.]+$/i.test(a))).toEqual([]);
    const policyRow = list.getByRole('row').filter({ hasText: '修改办理时限' });
    expect(await policyRow.getByTestId('audit-changes').innerText()).toBe('办理时限 · 投诉 一般：15 → 13 个工作日');
    const userRow = list.getByRole('row').filter({ hasText: 'agent01' }).first();
    expect(await userRow.getByTestId('audit-changes').innerText()).toBe('用户名 agent01 · 角色：话务员');
    // No JSON on the page until asked for.
    expect(await list.innerText()).not.toContain('{"');
    // The picture shows the detail opened, not the toasts of the save before (closing them first: a click outside closes the detail).
    for (const close of await page.locator('.mantine-Notification-root button').all()) await close.click({ timeout: 1000 }).catch(() => undefined);
    await policyRow.getByTestId('audit-raw-toggle').click();
    const raw = page.getByTestId('audit-raw');
    await raw.waitFor();
    expect(await raw.locator('pre').innerText()).toContain('"reply.normal.complaint: 15 → 13"');
    await page.waitForTimeout(400); // the popover fading in
    await screenshot(page, 'admin-audit-log');
  });
});

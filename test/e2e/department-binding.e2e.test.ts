/**
 * Issue 10.1: an admin creates a 承办单位 user bound to a department, in the 新建用户 dialog, and
 * that user's desk holds the department's tickets and no other department's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { queryStore, startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, pickOption, screenshot } from './browser';

let host: RunningHost;
let browser: Browser;
const query = <T>(sql: string, ...args: unknown[]) => queryStore<T>(host, sql, ...args);
/** The statuses the department desk lists (tickets.work view 'department'). */
const DESK = `('dispatched', 'signed', 'handling', 'extension_requested', 'returned', 'replied')`;
/** Screens for the before/after set, outside the repository. */
const SHOTS = process.env.ACCESS_SHOTS_DIR ?? '';

async function shot(page: Page, name: string) {
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  }
  await screenshot(page, name);
}

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 600 });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('department accounts', () => {
  it('the admin creates a department user bound to a department; that user sees the department\'s tickets and no other', async () => {
    // A city bureau with tickets on its desk, whose name is unique (so typing it finds one).
    const [dep] = query<{ id: string; name: string; n: number }>(`select d.id, d.name, count(*) n from tickets t join departments d on d.id = t.lead_department_id
      where t.status in ${DESK} and d.kind = 'bureau' and (select count(*) from departments x where x.name = d.name) = 1
      group by d.id order by n desc limit 1`);
    expect(dep!.n).toBeGreaterThan(0);
    const expected = new Set(query<{ number: string }>(`select number from tickets where lead_department_id = ? and status in ${DESK}`, dep!.id).map((r) => r.number));

    const page = await newConsolePage(browser, host.url);
    await page.setViewportSize({ width: 1366, height: 768 });
    await login(page, 'admin', 'Demo-12345');
    await page.getByTestId('users-table').waitFor();
    await page.getByTestId('create-user').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('姓名').fill(`${dep!.name}联络员`);
    await dialog.getByLabel('用户名').fill('dept-new01');
    await pickOption(page, dialog.getByTestId('create-user-roles'), '承办单位');
    await page.keyboard.press('Escape');
    // Without a department the dialog says what is missing and creates nothing.
    await dialog.getByLabel('初始密码').fill('Dept-pass-2025');
    await dialog.getByRole('button', { name: '新建用户' }).click();
    await dialog.getByText('承办单位角色必须选择所属承办单位').waitFor();
    const department = dialog.getByTestId('create-user-department');
    await department.click();
    await department.fill(dep!.name.slice(1, 4));
    await page.getByRole('option', { name: dep!.name, exact: true }).waitFor();
    await shot(page, 'access-admin-create-user-1366');
    await page.getByRole('option', { name: dep!.name, exact: true }).click();
    await shot(page, 'access-admin-create-user-chosen-1366');
    await dialog.getByRole('button', { name: '新建用户' }).click();
    const row = page.getByTestId('users-table').getByRole('row').filter({ hasText: 'dept-new01' });
    await row.getByText(dep!.name, { exact: true }).waitFor();
    await shot(page, 'access-admin-users-1366');
    expect(query<{ department_id: string }>(`select department_id from users where username = 'dept-new01'`)[0]!.department_id).toBe(dep!.id);
    // 修改角色 opens with the binding it has.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await row.getByRole('button', { name: '···' }).click();
    await page.getByRole('menuitem', { name: '修改角色' }).click();
    expect(await page.getByRole('dialog').getByTestId('edit-roles-department').inputValue()).toBe(dep!.name);
    await page.waitForTimeout(400); // the dialog's opening transition, for the screenshot only
    await shot(page, 'access-admin-edit-roles-1920');
    await page.context().close();

    const desk = await newConsolePage(browser, host.url);
    await desk.setViewportSize({ width: 1366, height: 768 });
    await login(desk, 'dept-new01', 'Dept-pass-2025');
    // A password the admin chose is replaced at the first sign-in, before the desk opens.
    await desk.getByRole('heading', { name: '请修改初始密码' }).waitFor();
    await desk.getByLabel('当前密码').fill('Dept-pass-2025');
    await desk.getByLabel('新密码', { exact: true }).fill('Dept-pass-2026x');
    await desk.getByLabel('确认新密码').fill('Dept-pass-2026x');
    await desk.getByRole('button', { name: '修改密码' }).click();
    await desk.getByRole('heading', { name: '承办工作台' }).waitFor();
    await desk.getByRole('tab', { name: /全部/ }).click();
    await desk.getByTestId('work-count-all').filter({ hasText: new RegExp(`^${expected.size}$`) }).waitFor();
    const rows = desk.getByTestId('department-tickets').getByRole('row');
    await rows.first().waitFor();
    const shown = (await rows.allInnerTexts()).map((text) => text.match(/JC\d{13}/)?.[0]).filter((n): n is string => !!n);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.filter((n) => !expected.has(n))).toEqual([]);
    await shot(desk, 'access-department-desk-1366');
    await desk.context().close();
  });

  it('a department account bound to no department is told what is missing instead of an empty desk', async () => {
    // Accounts from before department binding existed: the store holds them without a department.
    const db = new Database(join(host.dataDir, 'hotline.sqlite'));
    try { db.prepare(`update users set department_id = null where username = 'dept01'`).run(); } finally { db.close(); }
    const page = await newConsolePage(browser, host.url);
    await page.setViewportSize({ width: 1366, height: 768 });
    await login(page, 'dept01', 'Demo-12345');
    const notice = page.getByTestId('department-unbound');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('账号尚未绑定承办单位，请联系管理员');
    expect(await page.getByTestId('department-tickets').count()).toBe(0);
    await shot(page, 'access-department-unbound-1366');
    await page.context().close();

    // The admin sees which account lacks its department, and binds it in 修改角色.
    const admin = await newConsolePage(browser, host.url);
    await admin.setViewportSize({ width: 1366, height: 768 });
    await login(admin, 'admin', 'Demo-12345');
    const row = admin.getByTestId('users-table').getByRole('row').filter({ hasText: 'dept01' });
    await row.getByText('未绑定承办单位').waitFor();
    await row.getByRole('button', { name: '···' }).click();
    await admin.getByRole('menuitem', { name: '修改角色' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByTestId('edit-roles-department').waitFor();
    await admin.waitForTimeout(400); // the dialog's opening transition, for the screenshot only
    await shot(admin, 'access-admin-edit-roles-1366');
    await dialog.getByTestId('edit-roles-department').click();
    await admin.getByRole('option').first().click();
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect.poll(async () => query<{ department_id: string | null }>(`select department_id from users where username = 'dept01'`)[0]!.department_id).not.toBeNull();
    await row.getByText('未绑定承办单位').waitFor({ state: 'detached' });
    await admin.context().close();
  });
});

/**
 * The screens at the most common office resolution (1366×768), as a user meets them: lists open a
 * ticket or item with one click, text cut by a column ends in "…" (full text on hover), no raw
 * codes on screen, and a refused field says what is wrong with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, pickOption, screenshot } from './browser';

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
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await page.goto(host.url);
  await login(page, username, 'Demo-12345');
  await page.getByTestId('user-menu').waitFor();
  return page;
}

/** The little of the DOM these checks read (the e2e project has no DOM types: it runs in Node). */
type Box = { scrollWidth: number; clientWidth: number; textContent: string | null };
type Styles = { getComputedStyle(e: unknown): { textOverflow: string; lineHeight: string } };
type Doc = { defaultView: Styles };
type Cell = Box & { querySelectorAll(s: string): Iterable<Box> };
type List = { ownerDocument: Doc; querySelectorAll(s: string): Iterable<Cell> };

/** Text elements in a list's cells that are wider than their cell, and whether each ends in "…". */
async function cutTexts(page: Page, testId: string): Promise<{ text: string; ellipsis: boolean }[]> {
  return page.getByTestId(testId).evaluate((node) => {
    const list = node as unknown as List;
    const view = list.ownerDocument.defaultView;
    const out: { text: string; ellipsis: boolean }[] = [];
    for (const cell of list.querySelectorAll('[role="row"] > div')) {
      for (const el of cell.querySelectorAll(':scope > p, :scope > span')) {
        if (el.scrollWidth > cell.clientWidth + 1 || el.scrollWidth > el.clientWidth + 1) out.push({ text: el.textContent ?? '', ellipsis: view.getComputedStyle(el).textOverflow === 'ellipsis' && el.clientWidth <= cell.clientWidth + 1 });
      }
    }
    return out;
  });
}

/** Words that look like codes (snake_case, camelCase identifiers) in the visible text of the page. */
async function rawCodes(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  return [...text.matchAll(/\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+[A-Z][a-zA-Z]+\b/g)].map((m) => m[0]);
}

describe('lists at 1366×768', () => {
  it('a department name too long for its column ends in "…" instead of running into the next one', async () => {
    const page = await signIn('agent01');
    await page.getByTestId('tab-visits').click();
    await page.getByTestId('return-visits').getByRole('row').first().waitFor();
    const cut = await cutTexts(page, 'return-visits');
    await screenshot(page, 'ux-visits-1366');
    // The demo's return visits include 市人力资源和社会保障局, wider than its column at this size.
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.filter((c) => !c.ellipsis)).toEqual([]);
    expect(await rawCodes(page)).toEqual([]);
    await page.context().close();
  });

  it('one click on a recent ticket opens it; one click on a search hit too', async () => {
    const page = await signIn('agent01');
    await page.getByTestId('tab-recent').click();
    const rows = page.getByTestId('recent-tickets').getByRole('row');
    await rows.first().click();
    await page.getByTestId('ticket-detail').waitFor();
    expect(await rawCodes(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('ticket-detail').waitFor({ state: 'detached' });
    await page.getByTestId('tab-search').click();
    const box = page.getByPlaceholder(/搜索/).first();
    await box.fill('路灯');
    await box.press('Enter');
    await page.getByTestId('search-results').getByRole('row').first().click();
    await page.getByTestId('ticket-detail').waitFor();
    await page.context().close();
  });

  it('one click on a consultation item opens its workspace', async () => {
    const page = await signIn('member01');
    await page.getByRole('heading', { name: '待认领事项' }).waitFor();
    await page.getByTestId('row-title').first().click();
    await page.getByTestId('item-workspace').waitFor();
    expect(await rawCodes(page)).toEqual([]);
    // The item's ticket reads on one line beside its number, not a word per line in a squeezed column.
    const title = page.getByTestId('linked-ticket-title').first();
    await title.waitFor();
    const box = (await title.boundingBox())!;
    const lineHeight = await title.evaluate((el) => parseFloat((el as unknown as { ownerDocument: Doc }).ownerDocument.defaultView.getComputedStyle(el).lineHeight));
    expect(box.height).toBeLessThan(lineHeight * 1.5);
    expect(box.width).toBeGreaterThan(150);
    await screenshot(page, 'ux-item-workspace-1366');
    await page.context().close();
  });
});

describe('a refused field says why', () => {
  it('a Chinese user name is refused with what a user name may contain, not 格式不正确', async () => {
    const page = await signIn('admin');
    await page.getByTestId('create-user').click();
    const dialog = page.getByRole('dialog');
    // Clicking waits until the dialog has finished opening (a click during its transition is lost).
    await dialog.getByLabel('用户名').click();
    await dialog.getByLabel('用户名').fill('张三');
    await dialog.getByLabel('姓名').fill('张三');
    await pickOption(page, dialog.getByTestId('create-user-roles'), '话务员');
    await page.keyboard.press('Escape');
    await dialog.getByLabel('初始密码').fill('Start-12345');
    await dialog.getByRole('button', { name: '新建用户' }).click();
    await dialog.getByText('用户名只能用字母、数字、下划线、点或连字符').first().waitFor();
    expect(await dialog.getByText('格式不正确').count()).toBe(0);
    await screenshot(page, 'ux-create-user-refused-1366');
    await page.context().close();
  });
});

describe('co-department tickets on the department desk', () => {
  it('a ticket dispatched with the department as 协办 appears on its desk, marked 协办, under its own tab', async () => {
    const dept = await signIn('dept01');
    await dept.getByTestId('work-tab-co').waitFor();
    const agent = await signIn('agent01');
    await agent.getByTestId('intake-form').waitFor();
    await agent.getByLabel('联系电话').fill('13912345678');
    await agent.getByTestId('intake-form').getByText('投诉', { exact: true }).click();
    const category = agent.getByRole('combobox', { name: /^诉求分类/ });
    await category.click();
    await category.pressSequentially('违章');
    await agent.getByRole('option').first().click();
    await agent.getByLabel(/^标题/).fill('小区违建占用消防通道');
    await agent.getByLabel(/^诉求内容/).fill('来电人反映小区内有人搭建违章建筑占用消防通道，存在安全隐患，希望尽快处理。');
    await agent.keyboard.press('Control+s');
    await agent.getByTestId('ticket-detail').waitFor();
    const number = (await agent.getByRole('dialog').locator('h2').first().innerText()).replace(/^工单号\s*/, '').trim();
    await agent.getByTestId('action-dispatch').click();
    const lead = agent.getByTestId('dispatch-lead');
    await lead.click();
    await lead.pressSequentially('城市管理');
    await agent.getByRole('option', { name: /^市城市管理/ }).first().click();
    const co = agent.getByRole('textbox', { name: '协办单位' }).or(agent.getByLabel('协办单位'));
    await co.first().click();
    await co.first().pressSequentially('住房和城乡建设');
    await agent.getByRole('option', { name: '市住房和城乡建设局' }).click();
    await agent.keyboard.press('Escape');
    await agent.getByTestId('dispatch-instructions').fill('城管牵头拆除违建，住建局配合核实。');
    await agent.getByTestId('action-submit').click();
    await agent.getByTestId('ticket-detail').getByText('已派单').first().waitFor();

    await dept.getByTestId('work-tab-co').click();
    const row = dept.getByTestId('department-tickets').getByRole('row').filter({ hasText: number });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('row-co-department').innerText()).toBe('协办');
    expect(Number(await dept.getByTestId('work-count-co').innerText())).toBeGreaterThanOrEqual(1);
    // Not waiting to be signed by this department: the lead signs.
    await dept.getByTestId('work-tab-toSign').click();
    expect(await dept.getByTestId('department-tickets').getByRole('row').filter({ hasText: number }).count()).toBe(0);
    await dept.getByTestId('work-tab-co').click();
    await screenshot(dept, 'ux-department-co-1366');
    await dept.context().close();
    await agent.context().close();
  });
});

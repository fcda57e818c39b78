import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, pickCategory } from './browser';

/** Screens of the agent desk as an agent meets them: search, knowledge, similar tickets, layout, keys, dates. */

let host: RunningHost;
let browser: Browser;
const SHOTS = process.env.INTAKE_SHOTS_DIR;

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 300 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function open(size: { width: number; height: number } = { width: 1366, height: 768 }, timezoneId = 'Asia/Shanghai', user = 'agent01'): Promise<Page> {
  const context = await browser.newContext({ viewport: size, locale: 'zh-CN', timezoneId });
  const page = await context.newPage();
  await page.goto(host.url);
  await login(page, user, 'Demo-12345');
  return page;
}

/** Reloads the page; logs in again if the reload ended the session. */
/** A reload keeps the session (issue 10.3): the intake form comes back without signing in again. */
async function reload(page: Page) {
  await page.reload();
  await page.getByTestId('intake-form').waitFor();
}

async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/intake-${name}.png` });
}

const APPEAL_TYPES = ['咨询', '求助', '投诉', '举报', '建议', '表扬', '其他'];

describe('agent desk layout', () => {
  it.each([{ width: 1366, height: 768 }, { width: 1920, height: 1080 }, { width: 1280, height: 720 }])('shows every appeal type and no empty phone column at %o', async (size) => {
    const page = await open(size);
    const form = page.getByTestId('intake-form');
    await form.waitFor();
    // No SIP account in the demo: a slim bar, not a 290 px column.
    await page.getByTestId('no-phone-bar').getByText('未配置电话').waitFor();
    expect(await page.getByTestId('softphone-column').count()).toBe(0);
    const bar = (await page.getByTestId('no-phone-bar').boundingBox())!;
    expect(bar.height).toBeLessThan(40);
    const group = (await form.getByRole('radiogroup', { name: '诉求类型' }).boundingBox())!;
    for (const label of APPEAL_TYPES) {
      const box = (await form.getByText(label, { exact: true }).first().boundingBox())!;
      expect(box, label).not.toBeNull();
      // Inside the control and the window, not clipped away.
      expect(box.x, label).toBeGreaterThanOrEqual(group.x - 1);
      expect(box.x + box.width, label).toBeLessThanOrEqual(group.x + group.width + 1);
      expect(box.x + box.width, label).toBeLessThanOrEqual(size.width);
    }
    await shot(page, `desk-${size.width}x${size.height}`);
    await page.getByTestId('no-phone-help').click();
    await page.getByText('尚未配置 SIP 账号').waitFor();
    await page.context().close();
  });
});

describe('intake while a citizen calls', () => {
  it('fills the script placeholders, searches knowledge in Chinese and opens an article in full', async () => {
    const page = await open();
    await page.getByTestId('intake-form').waitFor();
    await page.getByTestId('assist-panel').getByRole('tab', { name: '话术' }).click();
    const opening = page.getByTestId('script-body').first();
    await opening.waitFor();
    const text = await opening.innerText();
    expect(text).toContain('工号 agent01');
    expect(text).not.toContain('{');
    await page.getByTestId('assist-panel').getByRole('tab', { name: '知识库' }).click();
    await page.getByLabel('搜索知识库，如：停车收费').fill('停车收费');
    // The list shows the newest articles until the search answers.
    const hit = page.getByTestId('kb-hit').filter({ hasText: '停车' }).first();
    await hit.waitFor();
    await hit.getByTestId('kb-open').click();
    const body = page.getByTestId('kb-article-body');
    await body.waitFor();
    expect(await body.innerText()).toContain('【答复口径】');
    await shot(page, 'knowledge-article');
    await page.getByRole('button', { name: '用此答复' }).last().click();
    expect(await page.getByLabel(/^直接答复/).inputValue()).toContain('您反映的');
    await page.context().close();
  });

  it('registers with a remembered channel, then finds the ticket by number, phone as typed, caller name and address', async () => {
    const page = await open();
    const form = page.getByTestId('intake-form');
    await form.waitFor();
    await form.getByRole('button', { name: '清空' }).click();
    // Not in a call, never chosen: the phone.
    expect(await page.getByTestId('intake-channel').inputValue()).toBe('电话');
    await page.getByTestId('intake-channel').click();
    await page.getByRole('option', { name: '来信' }).click();
    await page.getByLabel('联系电话').fill('13987654321');
    await page.getByLabel('来电人姓名').fill('欧阳晓峰');
    await form.getByText('求助', { exact: true }).click();
    await pickCategory(page, '路灯');
    await page.getByLabel(/^标题/).fill('鼋头渚路路灯不亮');
    await page.getByLabel(/^诉求内容/).fill('鼋头渚路一段的路灯连续三晚不亮，行人经过很危险，请尽快维修。');
    await page.getByLabel(/^详细地址/).fill('鼋头渚路88号对面');
    await page.keyboard.press('Control+s');
    const detail = page.getByTestId('ticket-detail');
    await detail.waitFor();
    const number = /JC\d{13}/.exec(await page.locator('.mantine-Drawer-title').innerText())![0];
    await page.keyboard.press('Escape');
    // The channel stays the agent's choice after the save, and after a reload.
    expect(await page.getByTestId('intake-channel').inputValue()).toBe('来信');
    expect(await page.getByTestId('draft-restored').count()).toBe(0);
    await reload(page);
    await expect.poll(() => page.getByTestId('intake-channel').inputValue()).toBe('来信');
    // The emptied form is no draft to restore.
    expect(await page.getByTestId('draft-restored').count()).toBe(0);

    // Ctrl+K from the intake tab opens the search with the cursor in the box.
    await page.getByLabel(/^标题/).click();
    await page.keyboard.press('Control+k');
    const box = page.getByTestId('search-input');
    await box.waitFor();
    await expect.poll(() => box.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    const results = page.getByTestId('search-results');
    for (const typed of [number.slice(-9), '139 8765 4321', '+86 139-8765-4321', '１３９８７６５４３２１', '欧阳晓峰', '鼋头渚路88号']) {
      // Empty the results first, so that the row below is this query's answer, not the last one's.
      await box.fill('鼋鼍蛟龙凤麟');
      await page.getByText('没有符合条件的工单').waitFor();
      await box.fill(typed);
      await results.getByText(number).waitFor();
      expect(await page.getByTestId('search-total').innerText(), typed).toMatch(/^共 1 件/);
    }
    // The last query was the address: now the phone as typed, marked in the caller column.
    await box.fill('139 8765 4321');
    const marked = results.getByTestId('search-caller').locator('mark');
    await marked.waitFor();
    expect(await marked.innerText()).toBe('13987654321');
    await shot(page, 'search-by-phone');
    await page.context().close();
  });

  it('offers the ticket as similar while a second caller reports the same streetlight', async () => {
    const page = await open();
    const form = page.getByTestId('intake-form');
    await form.waitFor();
    await form.getByRole('button', { name: '清空' }).click();
    await form.getByText('求助', { exact: true }).click();
    await pickCategory(page, '路灯');
    await page.getByLabel(/^标题/).fill('鼋头渚路路灯不亮');
    await page.getByLabel(/^诉求内容/).fill('鼋头渚路一段的路灯连续几晚不亮，行人经过很危险。');
    const similar = page.getByTestId('similar-tickets');
    await similar.getByTestId('similar-open').first().waitFor();
    expect(await similar.getByTestId('similar-open').first().innerText()).toContain('在办');
    await shot(page, 'similar');
    await page.context().close();
  });
});

describe('keyboard help and Ctrl+K', () => {
  it('lists the intake keys and Ctrl+K in F1 help from any tab, and Ctrl+K reaches search from another frame', async () => {
    const page = await open();
    await page.getByTestId('intake-form').waitFor();
    await page.getByTestId('tab-recent').click();
    await page.keyboard.press('F1');
    const help = page.getByTestId('shortcut-help');
    await help.getByText('登记工单').waitFor();
    for (const label of ['直接办结', '登记并升级协商', '聚焦搜索框']) await help.getByText(label).waitFor();
    const text = await help.innerText();
    for (const key of [/Ctrl\s*\+\s*S/, /Ctrl\s*\+\s*Shift\s*\+\s*S/, /Ctrl\s*\+\s*Shift\s*\+\s*E/, /Ctrl\s*\+\s*K/]) expect(text).toMatch(key);
    await shot(page, 'f1-help');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+k');
    await page.getByTestId('search-input').waitFor();
    await page.context().close();

    // A shift lead lands on the wallboard; Ctrl+K takes them to ticket search.
    const lead = await open(undefined, undefined, 'lead01');
    await lead.getByText('坐席工作台').first().waitFor();
    expect(await lead.getByTestId('search-input').count()).toBe(0);
    await lead.keyboard.press('Control+k');
    const box = lead.getByTestId('search-input');
    await box.waitFor();
    await expect.poll(() => box.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await lead.context().close();
  });
});

describe('drafts and dates', () => {
  it('shows when a draft was saved in China time on a machine set to UTC', async () => {
    const page = await open(undefined, 'UTC');
    await page.getByTestId('intake-form').waitFor();
    await page.getByLabel(/^标题/).fill('草稿时间检查');
    await page.waitForTimeout(900);
    await reload(page);
    const banner = page.getByTestId('draft-restored');
    await banner.waitFor();
    const shown = /(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})/.exec(await banner.innerText());
    expect(shown).not.toBeNull();
    const china = new Date(Date.now() + 8 * 3600_000);
    const hour = Number(shown![2]);
    // China is UTC+8: the banner shows the China hour (allowing the minute the test crossed an hour).
    expect([china.getUTCHours(), (china.getUTCHours() + 23) % 24]).toContain(hour);
    await page.getByTestId('intake-form').getByRole('button', { name: '清空' }).click();
    await page.context().close();
  });
});

describe('dates in Chinese on an English machine', () => {
  it('shows months, days and times as a Chinese user writes them, with no native date inputs', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await page.goto(host.url);
    await login(page, 'lead01', 'Demo-12345');
    await page.getByText('协商工作台').first().click();
    await page.getByRole('tab', { name: '月度清单' }).click();
    const month = page.getByRole('button', { name: /^\d{4}年\d{1,2}月$/ }).or(page.getByText(/^\d{4}年\d{1,2}月$/)).first();
    await month.waitFor();
    await page.getByRole('tab', { name: '值班表' }).click();
    await page.getByTestId('pattern-add').click();
    const dialog = page.getByRole('dialog');
    const validFrom = dialog.getByLabel('起始日期');
    await validFrom.waitFor();
    expect(await validFrom.inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await dialog.innerText()).not.toMatch(/AM|PM/);
    expect(await page.locator('input[type="date"], input[type="month"], input[type="time"], input[type="datetime-local"]').count()).toBe(0);
    await validFrom.click();
    await page.getByText(/^\d{4}年\d{1,2}月$/).last().waitFor();
    await page.waitForTimeout(400); // the calendar's fade-in, for the screenshot only
    await shot(page, 'roster-en-machine');
    await context.close();
  });
});

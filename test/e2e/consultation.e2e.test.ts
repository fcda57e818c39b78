/**
 * The consultation queue in Chromium against host mode: an agent escalates a ticket from its
 * drawer, the CPPCC member on duty sees it without reloading and claims it, records measures and a
 * 社情民意信息 report, and downloads the report as Word; the file is read back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import type { Browser, Page } from 'playwright-core';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, screenshot } from './browser';

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

async function signIn(username: string): Promise<Page> {
  const page = await newConsolePage(browser, host.url);
  await login(page, username, 'Demo-12345');
  await page.getByTestId('user-menu').waitFor();
  return page;
}

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Screenshots show the screen, not the pile of toasts the steps left behind. */
async function shot(page: Page, name: string) {
  for (const close of await page.locator('.mantine-Notification-root button').all()) await close.click({ timeout: 1000 }).catch(() => undefined);
  await page.waitForTimeout(400);
  await screenshot(page, name);
}

async function pick(page: Page, testId: string, text: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: text }).first().click();
}

describe('escalation to the consultation queue', () => {
  let member: Page;
  let agent: Page;
  let number = '';

  it('the agent escalates from the ticket drawer; an empty reason is refused in Chinese', async () => {
    member = await signIn('member01');
    await member.getByRole('heading', { name: '待认领事项' }).waitFor();
    await member.getByTestId('on-duty-now').getByText('张建国委员').waitFor();

    agent = await signIn('agent01');
    await agent.getByTestId('tab-recent').click();
    const row = agent.getByTestId('recent-tickets').getByRole('row').first();
    await row.waitFor();
    await row.dblclick();
    await agent.getByTestId('ticket-detail').waitFor();
    await agent.getByTestId('escalate-button').click();
    const dialog = agent.getByRole('dialog');
    await dialog.getByText('升级到协商队列（政协直通车）').waitFor();
    await agent.getByTestId('escalate-submit').click();
    await dialog.getByText('请填写升级理由').waitFor();
    await agent.getByTestId('escalate-reason').fill('同一诉求三个月内反复投诉，部门答复后问题仍未解决，涉及多个部门职责交叉，需要委员协调会商。');
    await dialog.getByText('紧急', { exact: true }).click();
    await dialog.getByText(/当前值班：.*张建国委员/).waitFor();
    await screenshot(agent, 'consultation-escalate-dialog');

    await agent.getByTestId('escalate-submit').click();
    const status = agent.getByTestId('escalation-status');
    await status.waitFor();
    number = /ZX\d{9}/.exec(await status.innerText())![0];
    expect(await status.innerText()).toContain('待认领');

    // Pushed to the member's queue: no reload, no polling interval to wait out.
    await member.getByTestId(`claim-${number}`).waitFor({ timeout: 1000 });
  });

  it('the member claims it; the ticket drawer shows where it stands', async () => {
    await shot(member, 'consultation-queue');
    await member.getByTestId(`claim-${number}`).click();
    await member.getByTestId('item-workspace').waitFor();
    expect(await member.getByTestId('item-number').innerText()).toBe(number);
    await member.getByTestId('item-release').waitFor();
    await agent.getByTestId('escalation-status').getByText(/已认领.*张建国委员/).waitFor();
  });

  it('records measures; a deadline before the item was created is refused', async () => {
    await member.getByTestId('tab-measures').click();
    await member.getByTestId('measure-content').fill('住建局牵头停止夜间违规施工，公示夜间施工许可');
    await pick(member, 'measure-owner', '市住房和城乡建设局');
    await member.getByTestId('measure-deadline').fill(addDays(today(), -3));
    await member.getByText(/时间节点不能早于事项升级日期/).waitFor();
    expect(await member.getByTestId('measure-submit').isDisabled()).toBe(true);
    await member.getByTestId('measure-deadline').fill(today());
    await member.getByTestId('measure-submit').click();
    await member.getByTestId('measure-row').first().waitFor();
    await member.getByTestId('measure-content').fill('街道建立工地夜间巡查台账，每周通报');
    await pick(member, 'measure-owner', '市城市管理执法局');
    await member.getByTestId('measure-deadline').fill(addDays(today(), 20));
    await member.getByTestId('measure-submit').click();
    await expect.poll(() => member.getByTestId('measure-row').count()).toBe(2);
    // Due today: flagged as near.
    expect(await member.getByTestId('measure-row').first().getAttribute('data-flag')).toBe('near');
    await member.getByTestId('item-close').isDisabled();
    await member.getByText('还有 2 项措施未完成或未说明取消理由，不能办结').waitFor();
    await shot(member, 'consultation-item-measures');
  });

  it('drafts the report, shows it printable and exports a .docx with its headings and figures', async () => {
    await member.getByTestId('tab-report').click();
    await member.getByTestId('report-title').fill('关于整治居民区夜间施工扰民问题的建议');
    await member.getByTestId('report-problem').fill('近三个月 12345 热线收到同类投诉 37 件，集中在 6 个小区。\n夜间施工持续到凌晨，居民休息受到严重影响。');
    await member.getByTestId('report-causes').fill('夜间施工审批把关不严，执法部门与街道巡查衔接不够。');
    await member.getByTestId('report-suggestions').fill('一是严格夜间施工审批；二是建立联合巡查机制；三是对屡查屡犯的项目纳入信用惩戒。');
    await member.getByTestId('figure-add').click();
    await member.getByTestId('figure-label-0').fill('同类投诉');
    await member.getByTestId('figure-value-0').fill('37 件');
    await member.getByTestId('figure-add').click();
    await member.getByTestId('figure-label-1').fill('涉及小区');
    await member.getByTestId('figure-value-1').fill('6 个');
    await member.getByTestId('report-save').click();
    const preview = member.getByTestId('report-preview');
    await preview.waitFor();
    expect(await preview.getByTestId('report-figure').allInnerTexts()).toEqual(['37 件', '6 个']);
    await preview.scrollIntoViewIfNeeded();
    await shot(member, 'consultation-report');

    const [download] = await Promise.all([member.waitForEvent('download'), member.getByTestId('report-export').click()]);
    expect(download.suggestedFilename()).toBe(`社情民意信息-${number}.docx`);
    const zip = await JSZip.loadAsync(readFileSync((await download.path())!));
    const xml = await zip.file('word/document.xml')!.async('string');
    const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => ({
      style: /<w:pStyle w:val="([^"]+)"/.exec(p[0])?.[1] ?? null,
      text: [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''),
    }));
    expect(paragraphs.filter((p) => p.style === 'Heading1').map((p) => p.text))
      .toEqual(['一、反映的问题', '二、原因分析', '三、意见建议', '四、相关数据', '五、落实措施']);
    expect(paragraphs.find((p) => p.style === 'Title')?.text).toBe('关于整治居民区夜间施工扰民问题的建议');
    expect(paragraphs.map((p) => p.text)).toEqual(expect.arrayContaining(['同类投诉', '37 件', '涉及小区', '6 个', '市住房和城乡建设局']));
  });

  it('the stepper and the timeline tell only what happened; waiting stops at the claim', async () => {
    const state = (step: string) => member.getByTestId('item-stages').locator(`[data-step="${step}"]`).getAttribute('data-state');
    // Two measures (not started) and a report: research and meeting never happened, the measures are not done.
    expect(await state('claimed')).toBe('done');
    expect(await state('research')).toBe('todo');
    expect(await state('meeting')).toBe('todo');
    expect(await state('measures')).toBe('active');
    expect(await state('report')).toBe('done');
    expect(await state('tracking')).toBe('current');
    expect(await member.getByTestId('item-stages').innerText()).not.toMatch(/✓\s*调研|✓\s*会商|✓\s*措施落实/);
    expect(await member.getByTestId('item-next').count()).toBe(0);

    await member.getByRole('tab', { name: '概况' }).click();
    const timeline = member.getByTestId('item-timeline');
    await timeline.waitFor();
    const entries = await timeline.getByTestId('timeline-entry').allInnerTexts();
    expect(entries.map((e) => e.replace(/^\S+ \S+\s*/, '').split(' · ')[0]!.trim())).toEqual([
      '王晓燕 升级协商事项', '张建国委员 认领事项', '张建国委员 添加措施', '张建国委员 添加措施', '张建国委员 保存社情民意报告',
    ]);
    expect(entries[2]).toContain('住建局牵头停止夜间违规施工');
    expect(entries[4]).toContain('《关于整治居民区夜间施工扰民问题的建议》');

    // Research recorded now ticks 调研, and says so in the timeline.
    await member.getByTestId('tab-research').click();
    await member.getByTestId('research-summary').fill('实地查看工地，夜间 23 点后仍在切割作业，居民反映属实。');
    await member.getByTestId('research-submit').click();
    await expect.poll(() => state('research')).toBe('done');
    expect(await state('meeting')).toBe('todo');
    await member.getByRole('tab', { name: '概况' }).click();
    await timeline.getByText('张建国委员 记录调研').waitFor();

    // The queue: the claimed item no longer counts waiting time; it shows how long since the claim.
    await member.getByTestId('queue-scope').getByText('我的事项').click();
    const row = member.getByTestId('consultation-queue').getByRole('row').filter({ hasText: number });
    await row.waitFor();
    expect(await row.getByTestId('row-wait').innerText()).toMatch(/^认领后 \d+ 分钟$/);
    expect(await row.getByTestId('row-wait').getAttribute('title')).toMatch(/^排队 \d+ 分钟；.* 由 张建国委员 认领$/);
    expect(await row.getByTestId('row-title').innerText()).not.toBe('');
    await member.setViewportSize({ width: 1366, height: 768 });
    await shot(member, 'consultation-progress-1366');
    await member.getByTestId('queue-scope').getByText('待认领').click();
  });

  it('the agent registers and escalates in one step from the intake form', async () => {
    await agent.keyboard.press('Escape');
    await agent.getByTestId('tab-intake').click();
    const form = agent.getByTestId('intake-form');
    await form.waitFor();
    await form.getByRole('button', { name: '清空' }).click();
    await agent.getByLabel('联系电话').fill('13812340000');
    await form.getByText('投诉', { exact: true }).click();
    const category = agent.getByRole('combobox', { name: /^诉求分类/ });
    await category.click();
    await category.pressSequentially('噪音');
    await agent.getByRole('option').first().click();
    await agent.getByLabel(/^标题/).fill('高架桥下夜间货车鸣笛扰民');
    await agent.getByLabel(/^诉求内容/).fill('来电人反映高架桥下每晚有大量货车鸣笛，周边三个小区居民长期无法休息，已多次投诉。');
    await agent.keyboard.press('Control+Shift+E');
    const dialog = agent.getByRole('dialog');
    await dialog.getByText('升级到协商队列（政协直通车）').waitFor();
    await dialog.getByText('关联工单 1 件').waitFor();
    await agent.getByTestId('escalate-reason').fill('涉及交通、城管、生态环境多个部门，需委员协调。');
    const before = await member.locator('[data-testid^="claim-ZX"]').count();
    await agent.getByTestId('escalate-submit').click();
    // The ticket opens after the dialog, showing it is escalated; the member's queue has it at once.
    const status = agent.getByTestId('escalation-status');
    await status.waitFor();
    const second = /ZX\d{9}/.exec(await status.innerText())![0];
    expect(second).not.toBe(number);
    await member.getByTestId(`claim-${second}`).waitFor({ timeout: 1000 });
    expect(await member.locator('[data-testid^="claim-ZX"]').count()).toBe(before + 1);
  });
});

/**
 * Issue 14.5 (便民服务进小区) in a real browser against host mode: a shift lead plans today's event
 * in a community (team: an agent; a CPPCC member taking part); the agent on the team opens it and
 * registers two appeals in the fast intake, one fixed on the spot (立行立改); the event's figures and
 * the cumulative ones say so, and each figure equals the list it opens.
 *
 * Needs `npm run build` first and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { queryStore, startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, pickCategory, pickOption, screenshot } from './browser';

const PASSWORD = 'Demo-12345';
let host: RunningHost;
let browser: Browser;

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 300 });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const figure = (page: Page, prefix: string, key: string) => page.getByTestId(`${prefix}-${key}-value`).innerText();

async function register(page: Page, content: string, phone: string, fixNote?: string) {
  const form = page.getByTestId('outreach-intake');
  await page.getByTestId('intake-phone').fill(phone);
  if (!(await page.getByTestId('intake-category').inputValue())) await pickCategory(page, '路灯');
  await page.getByTestId('intake-content').fill(content);
  if (fixNote) {
    await page.getByTestId('intake-fixed').check();
    await page.getByTestId('intake-fix-note').fill(fixNote);
  }
  await form.getByTestId('intake-submit').click();
  await expect.poll(() => page.getByTestId('intake-done').innerText(), { timeout: 15_000 }).toMatch(/^已登记 JC\d{13}$/);
}

describe('community outreach', () => {
  it('a lead plans today\'s event, the agent on its team registers two appeals in fast mode, the figures count them', async () => {
    const lead = await newConsolePage(browser, host.url);
    await lead.setViewportSize({ width: 1440, height: 1000 });
    await login(lead, 'lead01', PASSWORD);
    await lead.getByTestId('nav-outreach').click();
    await lead.getByTestId('outreach-plan-open').click();
    const dialog = lead.getByRole('dialog');
    // Bad input is named in Chinese before anything is sent.
    await dialog.getByTestId('plan-submit').click();
    await expect.poll(() => dialog.innerText()).toContain('工作队至少要有一人');
    await dialog.getByTestId('plan-title').fill('便民服务进小区（首场）');
    await lead.getByTestId('plan-community').click();
    await lead.getByRole('option').first().click();
    await dialog.getByTestId('plan-address').fill('社区党群服务中心广场');
    await pickOption(lead, dialog.getByTestId('plan-team'), '王晓燕（话务员）');
    await lead.keyboard.press('Escape');
    await pickOption(lead, dialog.getByTestId('plan-members'), '张建国委员（政协委员）');
    await lead.keyboard.press('Escape');
    await screenshot(lead, 'outreach-plan');
    await dialog.getByTestId('plan-submit').click();
    const detail = lead.getByTestId('outreach-detail');
    await detail.waitFor({ timeout: 15_000 });
    expect(await detail.innerText()).toContain('今日开展');
    expect(await detail.innerText()).toContain('张建国委员');
    const number = queryStore<{ number: string }>(host, 'select number from outreach_events')[0]!.number;
    expect(number).toMatch(/^BM\d{8}$/);

    const agent = await newConsolePage(browser, host.url);
    await agent.setViewportSize({ width: 1440, height: 1000 });
    await login(agent, 'agent01', PASSWORD);
    await agent.getByTestId('nav-outreach').click();
    await agent.getByTestId('outreach-intake').waitFor({ timeout: 15_000 });
    // A short content is refused in the form, in Chinese.
    await agent.getByTestId('intake-content').fill('灯坏了');
    await agent.getByTestId('intake-submit').click();
    await expect.poll(() => agent.getByTestId('outreach-intake').innerText()).toContain('诉求内容至少 10 个字');
    await register(agent, '楼道声控灯不亮，老人夜间上下楼不便', '13800138021', '现场更换楼道灯泡');
    await register(agent, '小区门口道路坑洼，雨天积水严重，希望修补', '13800138022');
    await agent.getByTestId('people-met').fill('45');
    await agent.getByTestId('people-met-save').click();
    await expect.poll(() => figure(agent, 'event-figure', 'peopleServed'), { timeout: 10_000 }).toBe('47');
    expect(await figure(agent, 'event-figure', 'appeals')).toBe('2');
    expect(await figure(agent, 'event-figure', 'fixedOnSpot')).toBe('1');
    expect(await figure(agent, 'event-figure', 'communities')).toBe('1');
    // The appeals list holds what the figures count; 立行立改 opens the one fixed on the spot.
    const rows = agent.getByTestId('outreach-appeals').getByRole('row');
    await expect.poll(() => rows.count()).toBe(2);
    await agent.getByTestId('event-figure-fixedOnSpot').click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('直接办结');
    await agent.getByTestId('appeal-filter').getByText(/^全部/).click();
    await expect.poll(() => rows.count()).toBe(2);
    await agent.getByTestId('outreach-detail').evaluate((el) => el.scrollIntoView());
    await screenshot(agent, 'outreach-event');
    // In the store: two outreach tickets linked to the event, one closed by its lifecycle.
    const stored = queryStore<{ status: string; channel: string; fixed_on_spot: number }>(host,
      'select t.status, t.channel, l.fixed_on_spot from outreach_event_tickets l join tickets t on t.id = l.ticket_id order by l.fixed_on_spot');
    expect(stored).toEqual([{ status: 'registered', channel: 'outreach', fixed_on_spot: 0 }, { status: 'resolved_directly', channel: 'outreach', fixed_on_spot: 1 }]);

    // The lead's cumulative figures, and the list behind one.
    await lead.reload();
    await lead.getByTestId('outreach-frame').waitFor({ timeout: 15_000 });
    await expect.poll(() => figure(lead, 'total-figure', 'appeals'), { timeout: 10_000 }).toBe('2');
    expect(await figure(lead, 'total-figure', 'peopleServed')).toBe('47');
    expect(await figure(lead, 'total-figure', 'fixedOnSpot')).toBe('1');
    expect(await figure(lead, 'total-figure', 'communities')).toBe('1');
    await lead.getByTestId('total-figure-communities').click();
    await expect.poll(() => lead.getByTestId('totals-list').getByRole('row').count()).toBe(1);
    await lead.keyboard.press('Escape');
    await screenshot(lead, 'outreach-overview');
    await agent.context().close();
    await lead.context().close();
  });
});

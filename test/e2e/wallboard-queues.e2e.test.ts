/**
 * Issue 13, the lead's queues: on the wallboard every ticket figure opens the list behind it, with
 * as many tickets as the figure says; the lead approves a department's return and sends 督办 on an
 * overdue ticket from those lists, and the figures follow.
 *
 * Needs `npm run build` first and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, screenshot } from './browser';
import { ContractClient } from './webrtc/support';
import { LEAD_QUEUES } from '../../shared/contract/wallboard';

const PASSWORD = 'Demo-12345';
let host: RunningHost;
let browser: Browser;
let lead: Page;

interface Detail { id: string; version: number }

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 300 });
  // A department returns one fresh ticket, so that there is a return to approve.
  const agent = await ContractClient.connect(host.url);
  const dept = await ContractClient.connect(host.url);
  try {
    await agent.request('session.login', { username: 'agent01', password: PASSWORD });
    const me = await dept.request<{ user: { departmentId: string } }>('session.login', { username: 'dept01', password: PASSWORD });
    const ref = await agent.request<{ categories: { id: string; parentId: string | null }[] }>('reference.get', {});
    const parents = new Set(ref.categories.map((c) => c.parentId));
    const leaf = ref.categories.find((c) => !parents.has(c.id))!.id;
    const created = await agent.request<{ id: string }>('tickets.create', {
      channel: 'phone', citizen: { phone: '13800138000', confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
      title: '夜间施工噪音扰民（退回测试）', content: '来电人反映小区门口工地每晚十一点后仍在施工，噪音很大，影响休息。',
    });
    let t = await agent.request<Detail>('tickets.get', { id: created.id });
    t = await agent.request<Detail>('tickets.act', { ticketId: t.id, expectedVersion: t.version, action: { type: 'dispatch', leadDepartmentId: me.user.departmentId, coDepartmentIds: [], instructions: '请核实并答复来电人' } });
    await dept.request('tickets.act', { ticketId: t.id, expectedVersion: t.version, action: { type: 'returnTicket', reason: '该路段施工不属于本单位管辖' } });
    // And one dispatched ticket whose reply deadline has passed: whether the generated history leaves
    // one overdue depends on the hour it is generated at (CI at 08:35 on a Monday, after a weekend of
    // working-day deadlines, had none). Its deadlines are moved back in the host's store, as time would.
    const late = await agent.request<{ id: string }>('tickets.create', {
      channel: 'phone', citizen: { phone: '13800138001', confidential: false }, appealType: 'complaint', categoryId: leaf, urgency: 'normal',
      title: '路灯不亮（超期测试）', content: '来电人反映小区东门外路灯连续一周不亮，夜间出行不便。',
    });
    const d = await agent.request<Detail>('tickets.get', { id: late.id });
    await agent.request('tickets.act', { ticketId: d.id, expectedVersion: d.version, action: { type: 'dispatch', leadDepartmentId: me.user.departmentId, coDepartmentIds: [], instructions: '请尽快修复并答复来电人' } });
    const store = new Database(join(host.dataDir, 'hotline.sqlite'));
    try {
      store.pragma('busy_timeout = 5000');
      const signBy = new Date(Date.now() - 3 * 3_600_000).toISOString();
      const replyBy = new Date(Date.now() - 2 * 3_600_000).toISOString();
      store.prepare('update tickets set sign_by = ?, reply_by = ? where id = ?').run(signBy, replyBy, late.id);
      store.prepare(`update ticket_state set snapshot = json_set(snapshot, '$.signBy', ?, '$.replyBy', ?) where ticket_id = ?`).run(signBy, replyBy, late.id);
    } finally {
      store.close();
    }
  } finally {
    agent.close();
    dept.close();
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const figure = async (q: string) => Number((await lead.getByTestId(`queue-count-${q}`).innerText()).replace(/,/g, ''));
const listed = async () => Number(/共 ([\d,]+) 件/.exec(await lead.getByTestId('queue-list-count').innerText())![1]!.replace(/,/g, ''));
async function openFigure(q: string) {
  await lead.getByTestId(`queue-${q}`).click();
  await lead.getByTestId('queue-list-count').filter({ hasText: '共' }).waitFor();
}
async function closeDrawer() {
  await lead.keyboard.press('Escape');
  await lead.getByTestId('queue-list').waitFor({ state: 'detached' });
}

describe('the lead works the queues from the wallboard', () => {
  it('opens every figure on a list of as many tickets', async () => {
    lead = await newConsolePage(browser, host.url);
    await login(lead, 'lead01', PASSWORD);
    await lead.getByTestId('wb-queues').waitFor();
    await lead.getByTestId('wb-rates').waitFor();
    await lead.getByTestId('queue-count-returns').filter({ hasText: /\d/ }).waitFor();
    await lead.getByTestId('wb-queues').scrollIntoViewIfNeeded();
    await screenshot(lead, 'wallboard-queues');
    for (const q of LEAD_QUEUES) {
      const n = await figure(q);
      await openFigure(q);
      expect(await listed(), q).toBe(n);
      // A short list is on screen whole: one row per ticket.
      if (n <= 10) expect(await lead.getByTestId('queue-list').getByRole('row').count(), q).toBe(n);
      await closeDrawer();
    }
    expect(await figure('returns')).toBeGreaterThanOrEqual(1);
    expect(await figure('overdue')).toBeGreaterThanOrEqual(1);
  });

  it('approves the department\'s return: the ticket leaves the returns and waits for dispatch', async () => {
    const [returns, toDispatch] = [await figure('returns'), await figure('to_dispatch')];
    await openFigure('returns');
    const row = lead.getByTestId('queue-list').getByRole('row').filter({ hasText: '夜间施工噪音扰民（退回测试）' });
    await row.getByText('该路段施工不属于本单位管辖').waitFor();
    await lead.waitForTimeout(400); // the drawer's slide-in, for the picture only
    await screenshot(lead, 'wallboard-queue-returns');
    await row.getByTestId('row-approveReturn').click();
    await lead.getByTestId('lead-action-text').fill('同意退回，由值班长重新派单');
    await lead.getByTestId('lead-action-confirm').click();
    await lead.getByTestId('lead-action').waitFor({ state: 'detached' });
    await expect.poll(listed, { timeout: 10_000 }).toBe(returns - 1);
    await closeDrawer();
    await expect.poll(() => figure('returns'), { timeout: 10_000 }).toBe(returns - 1);
    await expect.poll(() => figure('to_dispatch'), { timeout: 10_000 }).toBe(toDispatch + 1);
  });

  it('sends 督办 on an overdue ticket; it shows in the ticket\'s history', async () => {
    await openFigure('overdue');
    const row = lead.getByTestId('queue-list').getByRole('row').first();
    const number = (await row.locator('div').first().innerText()).trim();
    await row.getByTestId('row-supervise').click();
    await lead.getByTestId('lead-action-text').fill('已超期，请立即办理并答复来电人');
    await screenshot(lead, 'wallboard-queue-supervise');
    await lead.getByTestId('lead-action-confirm').click();
    await lead.getByTestId('lead-action').waitFor({ state: 'detached' });
    await lead.getByText(`${number} 已督办`).waitFor();
    // The ticket's history has it: open the row.
    await lead.getByTestId('queue-list').getByRole('row').filter({ hasText: number }).click();
    await lead.getByText('已超期，请立即办理并答复来电人').first().waitFor();
    await lead.waitForTimeout(400); // the drawer's slide-in, for the picture only
    await screenshot(lead, 'wallboard-queue-supervised-ticket');
  });
});

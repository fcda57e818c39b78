/**
 * Issue 14, items 1 and 6: a shift lead opens 热点发现 on a console served by host mode and sees
 * the ranked hotspots of the demo tickets beside the offline map (grid heatmap, numbered pins),
 * and the selected hotspot's terms, timeline and tickets.
 *
 * Needs `npm run build` first and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, screenshot } from './browser';

let host: RunningHost;
let browser: Browser;

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 2000 });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('hotspot view', () => {
  it('shows the demo\'s hotspots ranked beside the offline map, with the first one\'s detail', async () => {
    const lead = await newConsolePage(browser, host.url);
    await lead.setViewportSize({ width: 1600, height: 1000 });
    await login(lead, 'lead01', 'Demo-12345');
    await lead.getByTestId('nav-hotspots').click();
    // The worker computes after start: the summary says so until the first result is in.
    await expect.poll(() => lead.getByTestId('hotspots-summary').innerText(), { timeout: 60_000 }).toMatch(/件工单，\d+ 个热点/);
    await lead.getByTestId('hotspot-map').waitFor({ timeout: 20_000 });
    expect(await lead.getByTestId('hotspot-pin').count()).toBeGreaterThan(0);
    expect(await lead.getByTestId('heat-cell').count()).toBeGreaterThan(0);
    const detail = lead.getByTestId('hotspot-detail');
    await detail.waitFor();
    expect(await detail.innerText()).toMatch(/位群众/);
    await lead.getByTestId('hotspot-timeline').locator('.recharts-bar-rectangle').first().waitFor({ timeout: 10_000 });
    // The list is a virtualized table: its first row is the first hotspot.
    expect(await lead.getByTestId('hotspot-list').getByRole('row').count()).toBeGreaterThan(0);
    await screenshot(lead, 'hotspots-map');
    await lead.context().close();
  });
});

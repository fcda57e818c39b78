/**
 * Issue 3: a WebRTC caller (sip.js in a Chromium page with a fake microphone) calls the console
 * in host mode through Kamailio; both sides receive audio (RTCPeerConnection stats) and the
 * screen pop shows that caller's history.
 *
 * Needs `npm run build` first, kamailio on PATH and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { startHost, type RunningHost } from './host';
import { login, screenshot } from './browser';
import {
  buildCallerBundle, callDiagnostics, callerStatsOf, giveAgent01Phone, launchMediaBrowser, newMediaContext, pickCallerWithHistory, startCallerServer,
  type CallerHistory, type CallerServer,
} from './webrtc/support';

const PASSWORD = 'Demo-12345';
const CALLER_SIP_PASSWORD = 'pw-citizen-secret';

let kamailio: KamailioHarness | undefined;
let host: RunningHost | undefined;
let browser: Browser | undefined;
let callerServer: CallerServer | undefined;
let caller: CallerHistory;
let agentPage: Page;
let callerPage: Page;

beforeAll(async () => {
  const [bundle, started] = await Promise.all([
    buildCallerBundle(),
    startHost({ demo: true, demoTickets: 1000 }),
  ]);
  host = started;
  // The caller must present a number with tickets. Kamailio's test config lets a WebSocket client
  // originate only as the user it authenticated as (From user == auth user), so the citizen gets a
  // credential named after that number, next to the agents' extensions.
  caller = pickCallerWithHistory(host.dataDir);
  kamailio = await KamailioHarness.start({ credentials: { ...TEST_AGENTS, [caller.phone]: CALLER_SIP_PASSWORD } });

  await giveAgent01Phone(host.url, kamailio, PASSWORD, TEST_AGENTS['1001']!);

  callerServer = await startCallerServer(bundle);
  browser = await launchMediaBrowser();
});

afterAll(async () => {
  await callerPage?.evaluate(() => (globalThis as unknown as { hangupCaller(): Promise<void> }).hangupCaller()).catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await host?.stop().catch(() => undefined);
  await kamailio?.stop().catch(() => undefined);
  await callerServer?.close().catch(() => undefined);
});

const callerStats = () => callerStatsOf(callerPage);

/** What to look at when the call does not come up: both SDPs, the caller's log, Kamailio's and the host's logs. */
async function diagnostics(): Promise<string> {
  return callDiagnostics(callerPage, kamailio ? () => kamailio!.logTail(40) : undefined, host?.dataDir);
}

/** The direction attribute of the first audio section (sendrecv when absent). */
function sdpDirection(sdp: string | null): string {
  const audio = (sdp ?? '').split(/\r?\nm=/).find((section) => section.startsWith('audio')) ?? '';
  return /\r?\na=(sendrecv|sendonly|recvonly|inactive)/.exec(audio)?.[1] ?? 'sendrecv';
}

describe('a WebRTC citizen calls the hotline', () => {
  it('the agent signs in the phone and is ready', async () => {
    const context = await newMediaContext(browser!);
    agentPage = await context.newPage();
    agentPage.on('console', (m) => { if (m.type() === 'error') console.warn(`[agent page] ${m.text()}`); });
    await agentPage.goto(host!.url);
    await login(agentPage, 'agent01', PASSWORD);
    await agentPage.getByTestId('user-menu').waitFor();
    await agentPage.getByTestId('phone-sign-in').click();
    await agentPage.getByTestId('registration').filter({ hasText: '已注册' }).waitFor({ timeout: 15_000 });
    await agentPage.getByTestId('set-ready').click();
    await agentPage.getByTestId('agent-state').filter({ hasText: '就绪' }).waitFor();
  });

  it('the call rings with the caller number and the screen pop shows their tickets', async () => {
    const context = await newMediaContext(browser!);
    callerPage = await context.newPage();
    callerPage.on('console', (m) => { if (m.type() === 'error') console.warn(`[caller page] ${m.text()}`); });
    await callerPage.goto(callerServer!.url);
    await callerPage.waitForFunction(() => 'callHotline' in globalThis);
    const k = kamailio!;
    await callerPage.evaluate(
      ([wsUrl, aor, authUser, password, target, display]) =>
        (globalThis as unknown as { callHotline(...a: string[]): Promise<void> }).callHotline(wsUrl!, aor!, authUser!, password!, target!, display!),
      [k.wsUrl, `${caller.phone}@${k.domain}`, caller.phone, CALLER_SIP_PASSWORD, '1001', '市民'],
    );

    const card = agentPage.getByTestId('call-card');
    await card.filter({ hasText: '来电振铃' }).waitFor({ timeout: 15_000 });
    expect(await agentPage.getByTestId('call-number').innerText()).toBe(caller.phone);

    const pop = agentPage.getByTestId('screen-pop');
    await pop.waitFor();
    expect(await pop.innerText()).toContain(caller.phone);
    await pop.getByText(`历史工单 ${caller.total} 件`).waitFor();
    await pop.getByText(`在办工单 ${caller.open} 件`).waitFor();
    expect(await pop.getByTestId('pop-open').getByRole('row').count()).toBe(caller.open);
    expect(await pop.getByTestId('pop-past').getByRole('row').count()).toBe(Math.min(5, caller.past));
    await screenshot(agentPage, 'call-ringing-screen-pop');
  });

  it('answered: both sides receive audio packets', async () => {
    await agentPage.getByTestId('answer').click();
    await agentPage.getByTestId('agent-state').filter({ hasText: '通话中' }).waitFor({ timeout: 15_000 });
    try {
      const stats = agentPage.getByTestId('media-stats');
      await expect.poll(async () => Number(await stats.getAttribute('data-received').catch(() => '0')), { timeout: 20_000, interval: 500 }).toBeGreaterThan(0);
      await expect.poll(async () => Number(await stats.getAttribute('data-sent')), { timeout: 5_000 }).toBeGreaterThan(0);
      await expect.poll(async () => (await callerStats()).packetsReceived, { timeout: 20_000, interval: 500 }).toBeGreaterThan(0);
      expect((await callerStats()).packetsSent).toBeGreaterThan(0);
    } catch (e) {
      console.error(await diagnostics());
      throw e;
    }
    // Let the counters grow for a moment so the screenshot shows a call that is really flowing.
    await agentPage.waitForTimeout(1500);
    const s = await callerStats();
    console.info(`caller: sent ${s.packetsSent}, received ${s.packetsReceived} packets over ${s.selectedPair}; agent: ${await agentPage.getByTestId('media-stats').innerText()}`);
    if (process.env.WEBRTC_E2E_VERBOSE) console.info(await diagnostics());
    await screenshot(agentPage, 'call-established');
  });

  it('hold and resume: sendonly/recvonly, the held caller hears silence, resume restores both ways', async () => {
    const card = agentPage.getByTestId('call-card');
    const agentCounters = async () => {
      const el = agentPage.getByTestId('media-stats');
      return { received: Number(await el.getAttribute('data-received')), sent: Number(await el.getAttribute('data-sent')) };
    };
    /** Packet growth on both sides over a window, after letting the 1 s UI poll catch up. */
    const flow = async (ms: number) => {
      await agentPage.waitForTimeout(1500);
      const [a0, c0] = [await agentCounters(), await callerStats()];
      await agentPage.waitForTimeout(ms);
      const [a1, c1] = [await agentCounters(), await callerStats()];
      return {
        agentReceived: a1.received - a0.received, agentSent: a1.sent - a0.sent,
        callerReceived: c1.packetsReceived - c0.packetsReceived, callerSent: c1.packetsSent - c0.packetsSent,
        callerEnergy: c1.totalAudioEnergy - c0.totalAudioEnergy,
      };
    };
    const before = await flow(2000);
    await agentPage.getByTestId('hold').click();
    await card.filter({ hasText: '已保持' }).waitFor({ timeout: 10_000 });
    const heldStats = await callerStats();
    expect(sdpDirection(heldStats.remoteSdp)).toBe('sendonly');
    expect(sdpDirection(heldStats.localSdp)).toBe('recvonly');
    const held = await flow(2000);
    await agentPage.getByTestId('hold').click();
    await card.filter({ hasText: '已保持' }).waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
    await expect.poll(async () => (await card.innerText()).includes('已保持'), { timeout: 10_000 }).toBe(false);
    const resumedStats = await callerStats();
    expect(sdpDirection(resumedStats.remoteSdp)).toBe('sendrecv');
    const resumed = await flow(2000);
    console.info(`packets in 2 s: before hold ${JSON.stringify(before)}; held ${JSON.stringify(held)}; resumed ${JSON.stringify(resumed)}`);
    // Held: the caller's answer is recvonly, so nothing reaches the agent; the agent's side still
    // sends (sendonly, room for music on hold) but only silence: the caller must not hear the agent.
    expect(held.agentReceived).toBeLessThan(5);
    expect(before.callerEnergy).toBeGreaterThan(0.05);
    expect(held.callerEnergy).toBeLessThan(before.callerEnergy / 20);
    expect(resumed.agentReceived).toBeGreaterThan(20);
    expect(resumed.callerReceived).toBeGreaterThan(20);
  });

  it('the agent hangs up and goes into wrap-up', async () => {
    await agentPage.getByTestId('hangup').click();
    await agentPage.getByTestId('agent-state').filter({ hasText: '话后处理' }).waitFor({ timeout: 10_000 });
    await agentPage.getByTestId('wrap-up').waitFor();
    expect(await agentPage.getByTestId('call-card').count()).toBe(0);
    await expect.poll(async () => (await callerStats()).sessionState, { timeout: 10_000 }).toBe('Terminated');
  });

  it('after wrap-up, the proxy going away shows 未注册 · 不可接听 with why, not 就绪, and 就绪 comes back with the proxy', async () => {
    await agentPage.getByTestId('wrap-up-code').click();
    await agentPage.getByRole('option', { name: '直接答复' }).click();
    await agentPage.getByTestId('wrap-up-ready').click();
    await agentPage.getByTestId('agent-state').filter({ hasText: '就绪' }).waitFor({ timeout: 10_000 });

    await kamailio!.kill();
    await agentPage.getByTestId('agent-state').filter({ hasText: '未注册 · 不可接听' }).waitFor({ timeout: 10_000 });
    const problem = agentPage.getByTestId('registration-problem');
    await problem.waitFor({ timeout: 10_000 });
    expect(await problem.innerText()).toMatch(/与电话交换机的连接中断|连不上电话交换机/);
    await screenshot(agentPage, 'softphone-unregistered');

    await kamailio!.restart();
    await agentPage.getByTestId('agent-state').filter({ hasText: '就绪' }).waitFor({ timeout: 15_000 });
    expect(await agentPage.getByTestId('registration-problem').count()).toBe(0);
  });
});

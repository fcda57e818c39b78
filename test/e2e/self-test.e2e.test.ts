/**
 * Issue 15, item 5: the pre-shift self-test in Chromium against host mode, with real audio. The
 * admin requires the test and sets an echo number; Kamailio sends that number to its gateway, where
 * baresip's echo module answers with plain RTP, bridged to the desk's WebRTC by rtpengine (as a
 * PBX's echo service behind a media proxy). The desk's microphone is Chromium's fake device (it beeps).
 *
 * First the echo service is down: the echo step fails with what to check, and 就绪 stays blocked.
 * Then it is up: every step passes (microphone level, the tone the agent confirms, registration,
 * the agent's own beeps coming back), and the agent goes 就绪.
 *
 * Needs `npm run build` first, kamailio with its rtpengine module, rtpengine, baresip and Chromium.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { RtpengineHarness } from '../sip/rtpengine';
import { BaresipPhone } from '../sip/baresip';
import { freePort } from '../sip/ports';
import { startHost, type RunningHost } from './host';
import { login, screenshot } from './browser';
import { callDiagnostics, giveAgent01Phone, launchMediaBrowser, newMediaContext } from './webrtc/support';

const PASSWORD = 'Demo-12345';
const ECHO = '9196';

let rtpengine: RtpengineHarness | undefined;
let kamailio: KamailioHarness | undefined;
let host: RunningHost | undefined;
let browser: Browser | undefined;
let echo: BaresipPhone | undefined;
let gatewayPort = 0;
let page: Page;

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 200 });
  rtpengine = await RtpengineHarness.start();
  gatewayPort = await freePort();
  kamailio = await KamailioHarness.start({ rtpengineSock: rtpengine.sock, gatewayPort });
  await giveAgent01Phone(host.url, kamailio, PASSWORD, TEST_AGENTS['1001']!, async (admin) => {
    const config = await admin.request<{ notReadyReasons: unknown; wrapUpCodes: unknown; acwSeconds: number }>('phone.getConfig', {});
    await admin.request('phone.setConfig', { notReadyReasons: config.notReadyReasons, wrapUpCodes: config.wrapUpCodes, acwSeconds: config.acwSeconds, selfTestRequired: true, echoNumber: ECHO });
  });
  browser = await launchMediaBrowser();
});

afterAll(async () => {
  await echo?.stop().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await host?.stop().catch(() => undefined);
  await kamailio?.stop().catch(() => undefined);
  await rtpengine?.stop().catch(() => undefined);
});

async function runSelfTest(): Promise<void> {
  const dialog = page.getByTestId('self-test');
  await dialog.getByTestId('self-test-start').click();
  await dialog.getByTestId('self-test-heard').click({ timeout: 15_000 });
  await dialog.getByTestId('self-test-verdict').waitFor({ timeout: 40_000 });
}

describe('pre-shift self-test (上岗自检)', () => {
  it('the agent signs in the phone: 就绪 opens the self-test instead', async () => {
    const context = await newMediaContext(browser!);
    page = await context.newPage();
    await page.goto(host!.url);
    await login(page, 'agent01', PASSWORD);
    await page.getByTestId('phone-sign-in').click();
    await page.getByTestId('registration').filter({ hasText: '已注册' }).waitFor({ timeout: 15_000 });
    await page.getByTestId('self-test-due').waitFor();
    await page.getByTestId('set-ready').click();
    await page.getByTestId('self-test').getByTestId('self-test-start').waitFor();
  });

  it('with the echo service down, the echo step fails with what to check and 就绪 stays blocked', async () => {
    try {
      await runSelfTest();
    } catch (e) {
      console.error(await callDiagnostics(undefined, () => kamailio!.logTail(40), host?.dataDir));
      throw e;
    }
    const dialog = page.getByTestId('self-test');
    expect(await dialog.getByTestId('self-test-step-microphone').getAttribute('data-ok')).toBe('true');
    expect(await dialog.getByTestId('self-test-step-speaker').getAttribute('data-ok')).toBe('true');
    expect(await dialog.getByTestId('self-test-step-registration').getAttribute('data-ok')).toBe('true');
    const step = dialog.getByTestId('self-test-step-echo');
    expect(await step.getAttribute('data-ok')).toBe('false');
    expect(await step.innerText()).toMatch(/回声测试号码.*(没有接通|无人应答)/);
    expect(await dialog.getByTestId('self-test-verdict').innerText()).toContain('自检未通过');
    expect(await dialog.getByTestId('self-test-ready').count()).toBe(0);
    await screenshot(page, 'self-test-failed');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // 就绪 opens the self-test again: the agent is still 示忙.
    await page.getByTestId('set-ready').click();
    await dialog.getByTestId('self-test-start').waitFor();
    expect(await page.getByTestId('agent-state').innerText()).toContain('示忙');
  });

  it('with the echo service up, every step passes and the agent goes 就绪', async () => {
    echo = await BaresipPhone.echoService(gatewayPort, ECHO);
    try {
      await runSelfTest();
      const dialog = page.getByTestId('self-test');
      for (const s of ['microphone', 'speaker', 'registration', 'echo']) {
        expect(await dialog.getByTestId(`self-test-step-${s}`).getAttribute('data-ok'), s).toBe('true');
      }
      expect(await dialog.getByTestId('self-test-verdict').innerText()).toContain('自检通过');
    } catch (e) {
      console.error(`--- baresip echo\n${echo.log.slice(-2000)}\n--- rtpengine\n${rtpengine!.logTail(20)}`);
      console.error(await callDiagnostics(undefined, () => kamailio!.logTail(40), host?.dataDir));
      throw e;
    }
    // What main measured on the echo call (its log line), for the record.
    const logs = join(host!.dataDir, 'logs');
    const line = readdirSync(logs).flatMap((f) => readFileSync(join(logs, f), 'utf8').split('\n')).filter((l) => l.includes('self-test echo')).at(-1);
    console.info(`echo measured by main: ${line ?? '(no log line)'}`);
    await screenshot(page, 'self-test-passed');
    await page.getByTestId('self-test').getByTestId('self-test-ready').click();
    await page.getByTestId('agent-state').filter({ hasText: '就绪' }).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('self-test-due').count()).toBe(0);
  });
});

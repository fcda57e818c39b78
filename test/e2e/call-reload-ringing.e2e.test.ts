/**
 * Issue 15: an outgoing call still ringing when the agent's page reloads is handed over too. The
 * agent (host mode, WebRTC) calls a citizen's WebRTC phone through Kamailio; while it rings the
 * agent's page reloads. The SIP dialog lives in main, but it is early: it cannot take a re-INVITE,
 * and the citizen will answer the offer of the page that went away. After the reload the agent sees
 * the call ringing again; when the citizen answers, main ACKs and at once re-INVITEs with the new
 * page's offer: the agent sees 通话中 and audio flows both ways. The call log has one call.
 *
 * Needs `npm run build` first, kamailio on PATH and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { queryStore, startHost, type RunningHost } from './host';
import { login, screenshot } from './browser';
import {
  buildCallerBundle, callDiagnostics, callerStatsOf, giveAgent01Phone, launchMediaBrowser, newMediaContext, startCallerServer, type CallerServer,
} from './webrtc/support';

const PASSWORD = 'Demo-12345';
const CITIZEN = '13912345678';
const CITIZEN_SIP_PASSWORD = 'pw-citizen-secret';

let kamailio: KamailioHarness | undefined;
let host: RunningHost | undefined;
let browser: Browser | undefined;
let citizenServer: CallerServer | undefined;
let agentPage: Page;
let citizenPage: Page;

const citizenStats = () => callerStatsOf(citizenPage);
const diagnostics = () => callDiagnostics(citizenPage, kamailio ? () => kamailio!.logTail(60) : undefined, host?.dataDir);

/** Test instrumentation of the agent's pages (not the product): every RTCPeerConnection a page makes is kept in a list. */
function trackPeerConnections() {
  const g = globalThis as unknown as { RTCPeerConnection: new (...a: unknown[]) => object; __pcs: object[] };
  const Original = g.RTCPeerConnection;
  g.__pcs = [];
  g.RTCPeerConnection = class extends Original {
    constructor(...a: unknown[]) { super(...a); g.__pcs.push(this); }
  } as typeof Original;
}

/** What the agent's current page has received on its open peer connections (packets, audio energy). */
function agentReceived(): Promise<{ packets: number; energy: number }> {
  return agentPage.evaluate(async () => {
    type Pc = { connectionState: string; getStats(): Promise<{ forEach(cb: (r: Record<string, unknown>) => void): void }> };
    const g = globalThis as unknown as { __pcs?: Pc[] };
    let packets = 0;
    let energy = 0;
    for (const pc of g.__pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r) => {
        if (r['type'] === 'inbound-rtp' && r['kind'] === 'audio') { packets += Number(r['packetsReceived'] ?? 0); energy += Number(r['totalAudioEnergy'] ?? 0); }
      });
    }
    return { packets, energy };
  });
}

beforeAll(async () => {
  const [bundle, started] = await Promise.all([buildCallerBundle(), startHost({ demo: true, demoTickets: 300 })]);
  host = started;
  kamailio = await KamailioHarness.start({ credentials: { ...TEST_AGENTS, [CITIZEN]: CITIZEN_SIP_PASSWORD } });
  await giveAgent01Phone(host.url, kamailio, PASSWORD, TEST_AGENTS['1001']!);
  citizenServer = await startCallerServer(bundle);
  browser = await launchMediaBrowser();
}, 120_000);

afterAll(async () => {
  await citizenPage?.evaluate(() => (globalThis as unknown as { hangupCaller(): Promise<void> }).hangupCaller()).catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await host?.stop().catch(() => undefined);
  await kamailio?.stop().catch(() => undefined);
  await citizenServer?.close().catch(() => undefined);
});

describe('an outgoing call ringing when the agent\'s page reloads', () => {
  it('the agent calls a citizen out; the citizen\'s phone rings', async () => {
    citizenPage = await (await newMediaContext(browser!)).newPage();
    await citizenPage.goto(citizenServer!.url);
    await citizenPage.waitForFunction(() => 'waitForCall' in globalThis);
    const k = kamailio!;
    await citizenPage.evaluate(
      ([wsUrl, aor, authUser, password]) =>
        (globalThis as unknown as { waitForCall(...a: string[]): Promise<void> }).waitForCall(wsUrl!, aor!, authUser!, password!, '市民'),
      [k.wsUrl, `${CITIZEN}@${k.domain}`, CITIZEN, CITIZEN_SIP_PASSWORD],
    );

    const agentContext = await newMediaContext(browser!);
    await agentContext.addInitScript(trackPeerConnections);
    agentPage = await agentContext.newPage();
    agentPage.on('console', (m) => { if (m.type() === 'error') console.warn(`[agent page] ${m.text()}`); });
    await agentPage.goto(host!.url);
    await login(agentPage, 'agent01', PASSWORD);
    await agentPage.getByTestId('user-menu').waitFor();
    await agentPage.getByTestId('phone-sign-in').click();
    await agentPage.getByTestId('registration').filter({ hasText: '已注册' }).waitFor({ timeout: 15_000 });

    await agentPage.getByLabel('输入号码外呼').fill(CITIZEN);
    await agentPage.getByRole('button', { name: '外呼' }).click();
    await agentPage.getByTestId('call-card').filter({ hasText: '对方振铃' }).waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await citizenStats()).sessionState, { timeout: 10_000 }).toBe('Initial');
  });

  it('reloaded while it rings: the call card shows it ringing again; the citizen answers: 通话中, audio both ways', async () => {
    const offerBefore = (await citizenStats()).remoteSdp;
    await agentPage.reload({ waitUntil: 'domcontentloaded' });
    // The new page finds the call in main, still ringing.
    const card = agentPage.getByTestId('call-card');
    await card.filter({ hasText: '对方振铃' }).waitFor({ timeout: 15_000 });
    await card.filter({ hasText: CITIZEN }).waitFor();
    expect((await citizenStats()).sessionState).toBe('Initial');

    await citizenPage.evaluate(() => (globalThis as unknown as { answerCall(): Promise<void> }).answerCall());
    await card.filter({ hasText: '通话中' }).waitFor({ timeout: 15_000 });
    try {
      // The citizen gets the new page's offer (re-INVITE after the answer) and both sides hear each other.
      await expect.poll(async () => (await citizenStats()).remoteSdp !== offerBefore && (await citizenStats()).remoteSdp !== null, { timeout: 15_000 }).toBe(true);
      await expect.poll(async () => (await agentReceived()).packets, { timeout: 20_000, interval: 200 }).toBeGreaterThan(0);
      await expect.poll(async () => (await citizenStats()).packetsReceived, { timeout: 20_000, interval: 200 }).toBeGreaterThan(0);
    } catch (e) { console.error(await diagnostics()); throw e; }
    // Real audio (the fake microphone's beeps) in both directions, not just packets.
    const [c0, a0] = [await citizenStats(), await agentReceived()];
    await agentPage.waitForTimeout(1500);
    const [c1, a1] = [await citizenStats(), await agentReceived()];
    expect(c1.packetsReceived - c0.packetsReceived).toBeGreaterThan(30);
    expect(c1.totalAudioEnergy - c0.totalAudioEnergy).toBeGreaterThan(0);
    expect(a1.packets - a0.packets).toBeGreaterThan(30);
    expect(a1.energy - a0.energy).toBeGreaterThan(0);
    expect(c1.sessionState).toBe('Established');
    const stats = agentPage.getByTestId('media-stats');
    await expect.poll(async () => Number(await stats.getAttribute('data-received').catch(() => '0')), { timeout: 5000 }).toBeGreaterThan(0);
    await screenshot(agentPage, 'outgoing-call-answered-after-reload');
  });

  it('the citizen hangs up: the call log has one outgoing call, answered', async () => {
    await citizenPage.evaluate(() => (globalThis as unknown as { hangupCaller(): Promise<void> }).hangupCaller());
    await agentPage.getByTestId('call-card').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => queryStore<{ n: number }>(host!, 'select count(*) as n from call_records where remote_number = ?', CITIZEN)[0]!.n, { timeout: 10_000 }).toBe(1);
    const [rec] = queryStore<{ direction: string; end_reason: string; answered_at: string | null }>(host!,
      'select direction, end_reason, answered_at from call_records where remote_number = ?', CITIZEN);
    expect(rec).toMatchObject({ direction: 'outbound', end_reason: 'remote-hangup' });
    expect(rec!.answered_at).not.toBeNull();
  });
});

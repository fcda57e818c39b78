/**
 * Issue 15.2: a call survives a reload of the window that plays its audio. A WebRTC citizen calls
 * the console in host mode through Kamailio; mid-call the agent's page reloads. The SIP dialog
 * lives in main: the new page claims the audio, main renegotiates the call with its offer
 * (re-INVITE) and the conversation goes on: RTP flows both ways again, the agent is still 通话中
 * with the call card and the caller's screen pop, and the call log has one call.
 *
 * The gap (reload → audio back both ways) is printed for the first reload and as p50/p99 over 20.
 *
 * Needs `npm run build` first, kamailio on PATH and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { queryStore, startHost, type RunningHost } from './host';
import { login, screenshot } from './browser';
import {
  buildCallerBundle, callDiagnostics, callerStatsOf, giveAgent01Phone, launchMediaBrowser, newMediaContext, pickCallerWithHistory, startCallerServer,
  type CallerHistory, type CallerServer,
} from './webrtc/support';

const PASSWORD = 'Demo-12345';
const CALLER_SIP_PASSWORD = 'pw-citizen-secret';
const RELOADS = 20;
const TITLE = '小区门口路灯损坏一个月无人修';

let kamailio: KamailioHarness | undefined;
let host: RunningHost | undefined;
let browser: Browser | undefined;
let callerServer: CallerServer | undefined;
let caller: CallerHistory;
let agentPage: Page;
let callerPage: Page;

const callerStats = () => callerStatsOf(callerPage);
const diagnostics = () => callDiagnostics(callerPage, kamailio ? () => kamailio!.logTail(60) : undefined, host?.dataDir);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Test instrumentation of the agent's pages (not the product): every RTCPeerConnection a page
 * makes is kept in a list, so the test can read what this page receives.
 */
function trackPeerConnections() {
  const g = globalThis as unknown as { RTCPeerConnection: new (...a: unknown[]) => object; __pcs: object[] };
  const Original = g.RTCPeerConnection;
  g.__pcs = [];
  g.RTCPeerConnection = class extends Original {
    constructor(...a: unknown[]) { super(...a); g.__pcs.push(this); }
  } as typeof Original;
}

interface Received { packets: number; energy: number }

/** What the agent's current page has received on its peer connections; null on the page from before a reload. */
function agentReceived(): Promise<Received | null> {
  return agentPage.evaluate(async () => {
    type Pc = { connectionState: string; getStats(): Promise<{ forEach(cb: (r: Record<string, unknown>) => void): void }> };
    const g = globalThis as unknown as { __pcs?: Pc[]; __beforeReload?: boolean };
    if (g.__beforeReload) return null;
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

/** The caller's reception of streams it did not have before (the new page's media has a new SSRC). */
async function callerReceivedNew(known: Set<number>): Promise<Received> {
  const fresh = (await callerStats()).inbound.filter((i) => !known.has(i.ssrc));
  return { packets: fresh.reduce((n, i) => n + i.packets, 0), energy: fresh.reduce((n, i) => n + i.energy, 0) };
}

interface Gap { ms: number; toCallerMs: number; toAgentMs: number }

/**
 * Reloads the agent's page and watches both directions: the gap ends when the caller receives
 * the new page's stream and the new page receives the caller. Polled every ~20 ms; null when the
 * audio did not come back within 15 s (the test then fails with diagnostics).
 */
async function reloadAndMeasure(): Promise<Gap | null> {
  const known = new Set((await callerStats()).inbound.map((i) => i.ssrc));
  await agentPage.evaluate(() => { (globalThis as unknown as { __beforeReload: boolean }).__beforeReload = true; });
  const t0 = Date.now();
  const reloading = agentPage.reload({ waitUntil: 'domcontentloaded' });
  let toCaller: number | undefined;
  let toAgent: number | undefined;
  while ((toCaller === undefined || toAgent === undefined) && Date.now() - t0 < 15_000) {
    if (toCaller === undefined && (await callerReceivedNew(known)).packets > 0) toCaller = Date.now() - t0;
    if (toAgent === undefined && ((await agentReceived().catch(() => null))?.packets ?? 0) > 0) toAgent = Date.now() - t0;
    await sleep(20);
  }
  await reloading;
  if (toCaller === undefined || toAgent === undefined) return null;
  return { ms: Math.max(toCaller, toAgent), toCallerMs: toCaller, toAgentMs: toAgent };
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

beforeAll(async () => {
  const [bundle, started] = await Promise.all([buildCallerBundle(), startHost({ demo: true, demoTickets: 300 })]);
  host = started;
  caller = pickCallerWithHistory(host.dataDir);
  kamailio = await KamailioHarness.start({ credentials: { ...TEST_AGENTS, [caller.phone]: CALLER_SIP_PASSWORD } });
  await giveAgent01Phone(host.url, kamailio, PASSWORD, TEST_AGENTS['1001']!);
  callerServer = await startCallerServer(bundle);
  browser = await launchMediaBrowser();
}, 120_000);

afterAll(async () => {
  await callerPage?.evaluate(() => (globalThis as unknown as { hangupCaller(): Promise<void> }).hangupCaller()).catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await host?.stop().catch(() => undefined);
  await kamailio?.stop().catch(() => undefined);
  await callerServer?.close().catch(() => undefined);
});

describe('a call survives a reload of the agent\'s page', () => {
  it('a citizen calls, the agent answers: audio both ways', async () => {
    const agentContext = await newMediaContext(browser!);
    await agentContext.addInitScript(trackPeerConnections);
    agentPage = await agentContext.newPage();
    agentPage.on('console', (m) => { if (m.type() === 'error') console.warn(`[agent page] ${m.text()}`); });
    await agentPage.goto(host!.url);
    await login(agentPage, 'agent01', PASSWORD);
    await agentPage.getByTestId('user-menu').waitFor();
    await agentPage.getByTestId('phone-sign-in').click();
    await agentPage.getByTestId('registration').filter({ hasText: '已注册' }).waitFor({ timeout: 15_000 });
    await agentPage.getByTestId('set-ready').click();
    await agentPage.getByTestId('agent-state').filter({ hasText: '就绪' }).waitFor();

    callerPage = await (await newMediaContext(browser!)).newPage();
    await callerPage.goto(callerServer!.url);
    await callerPage.waitForFunction(() => 'callHotline' in globalThis);
    const k = kamailio!;
    await callerPage.evaluate(
      ([wsUrl, aor, authUser, password, target, display]) =>
        (globalThis as unknown as { callHotline(...a: string[]): Promise<void> }).callHotline(wsUrl!, aor!, authUser!, password!, target!, display!),
      [k.wsUrl, `${caller.phone}@${k.domain}`, caller.phone, CALLER_SIP_PASSWORD, '1001', '市民'],
    );
    await agentPage.getByTestId('call-card').filter({ hasText: '来电振铃' }).waitFor({ timeout: 15_000 });
    await agentPage.getByTestId('answer').click();
    await agentPage.getByTestId('agent-state').filter({ hasText: '通话中' }).waitFor({ timeout: 15_000 });
    try {
      await expect.poll(async () => (await agentReceived())?.packets ?? 0, { timeout: 20_000, interval: 200 }).toBeGreaterThan(0);
      await expect.poll(async () => (await callerStats()).packetsReceived, { timeout: 20_000, interval: 200 }).toBeGreaterThan(0);
    } catch (e) { console.error(await diagnostics()); throw e; }
    // The agent starts the ticket while talking; its draft is the card that must come back.
    await agentPage.getByLabel(/^标题/).fill(TITLE);
  });

  it('reloaded mid-call: audio flows both ways again; still 通话中, with the call card, the screen pop and the draft', async () => {
    const sdpBefore = (await callerStats()).remoteSdp;
    const gap = await reloadAndMeasure();
    if (!gap) console.error(await diagnostics());
    expect(gap).not.toBeNull();
    console.info(`reload → audio back both ways: ${gap!.ms} ms (to the caller ${gap!.toCallerMs} ms, to the agent ${gap!.toAgentMs} ms)`);
    // The issue's 2 s is a figure, printed here and as p50/p99 below, not asserted: a timing
    // assertion fails on a loaded machine, not on a slow product (the audio must come back at all,
    // within reloadAndMeasure's 15 s).

    // The same call, renegotiated: the caller's side never left it, and now has the new page's offer.
    const after = await callerStats();
    expect(after.sessionState).toBe('Established');
    expect(after.remoteSdp).not.toBe(sdpBefore);
    // Real audio (the fake microphone's beeps) in both directions, not just packets.
    const known = new Set<number>();
    const [c0, a0] = [await callerReceivedNew(known), await agentReceived()];
    await agentPage.waitForTimeout(1500);
    const [c1, a1] = [await callerReceivedNew(known), await agentReceived()];
    expect(c1.packets - c0.packets).toBeGreaterThan(30);
    expect(c1.energy - c0.energy).toBeGreaterThan(0);
    expect(a1!.packets - a0!.packets).toBeGreaterThan(30);
    expect(a1!.energy - a0!.energy).toBeGreaterThan(0);

    expect(await agentPage.getByTestId('agent-state').innerText()).toContain('通话中');
    await agentPage.getByTestId('call-card').filter({ hasText: caller.phone }).waitFor();
    const pop = agentPage.getByTestId('screen-pop');
    await pop.waitFor();
    await pop.getByText(`历史工单 ${caller.total} 件`).waitFor();
    expect(await agentPage.getByLabel(/^标题/).inputValue()).toBe(TITLE);
    const stats = agentPage.getByTestId('media-stats');
    await expect.poll(async () => Number(await stats.getAttribute('data-received').catch(() => '0')), { timeout: 5000 }).toBeGreaterThan(0);
    await screenshot(agentPage, 'call-after-reload');
  });

  it(`${RELOADS} reloads in a row: the gap's p50/p99, and the conversation still goes on`, async () => {
    const gaps: Gap[] = [];
    for (let i = 0; i < RELOADS; i++) {
      const gap = await reloadAndMeasure();
      if (!gap) { console.error(`reload ${i + 1}: audio did not come back\n${await diagnostics()}`); }
      expect(gap).not.toBeNull();
      gaps.push(gap!);
      // Let the page settle as an agent's would before the next reload.
      await agentPage.getByTestId('agent-state').filter({ hasText: '通话中' }).waitFor();
      await agentPage.waitForTimeout(300);
    }
    const ms = gaps.map((g) => g.ms);
    console.info(`reload → audio gap over ${RELOADS} reloads: p50 ${percentile(ms, 50)} ms, p99 ${percentile(ms, 99)} ms `
      + `(to the caller p50 ${percentile(gaps.map((g) => g.toCallerMs), 50)} ms, to the agent p50 ${percentile(gaps.map((g) => g.toAgentMs), 50)} ms; all: ${ms.join(' ')})`);
    expect((await callerStats()).sessionState).toBe('Established');
  });

  it('the citizen hangs up: the call log has one call, answered, for the whole conversation', async () => {
    const hangupAt = Date.now();
    await callerPage.evaluate(() => (globalThis as unknown as { hangupCaller(): Promise<void> }).hangupCaller());
    await agentPage.getByTestId('agent-state').filter({ hasText: '话后处理' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => queryStore<{ n: number }>(host!, `select count(*) as n from call_records where remote_number = ?`, caller.phone)[0]!.n, { timeout: 10_000 }).toBe(1);
    const [rec] = queryStore<{ end_reason: string; answered_at: string | null; talk_ms: number }>(host!,
      `select end_reason, answered_at, talk_ms from call_records where remote_number = ?`, caller.phone);
    expect(rec!.end_reason).toBe('remote-hangup');
    expect(rec!.answered_at).not.toBeNull();
    // The talk time spans all the reloads (answered before the first of them).
    expect(rec!.talk_ms).toBeGreaterThan(hangupAt - Date.parse(rec!.answered_at!) - 1000);
    // The recording went on through the reloads, a part per window that recorded: numbered in order, each closed
    // (cut short by its reload, or finished by its window on the way out), the last complete with
    // the hang-up, and audio in the parts.
    type Part = { part: number; state: string; bytes: number; call_id: string };
    const parts = () => queryStore<Part>(host!, 'select part, state, bytes, call_id from recordings order by part');
    await expect.poll(() => parts().at(-1)?.state, { timeout: 10_000 }).toBe('complete');
    const all = parts();
    console.info(`recording parts over the reloads: ${all.length} (${all.map((p) => `${p.part}:${p.state}:${p.bytes}`).join(' ')})`);
    expect(new Set(all.map((p) => p.call_id)).size).toBe(1);
    // A window reloaded before its recorder sent a first chunk (1 s) hands its empty part to the
    // next window, so there are fewer parts than reloads, but more than one.
    expect(all.length).toBeGreaterThan(1);
    expect(all.map((p) => p.part)).toEqual(all.map((_, i) => i));
    expect(all.every((p) => p.state === 'interrupted' || p.state === 'complete')).toBe(true);
    expect(all[0]!.bytes).toBeGreaterThan(0);
    expect(all.at(-1)!.bytes).toBeGreaterThan(0);
  });
});

/**
 * Issue 15.4: audio health. A WebRTC citizen calls the console in host mode through Kamailio and
 * the agent answers; mid-call the citizen's phone stops sending audio (its sender's track taken
 * away: the call stays up, no RTP arrives). The agent's softphone warns 收不到对方声音 with its
 * hint; when the audio comes back the warning goes. After the hang-up the call record carries its
 * jitter, loss and round trip, and — a warning was shown, which the rule counts as poor audio
 * (shared/domain/audio-health.ts poorAudio) — the shift lead's 音质差 figure counts it and its list
 * shows the call.
 *
 * Needs `npm run build` first, kamailio on PATH and Debian's Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { queryStore, startHost, type RunningHost } from './host';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { login, newConsolePage, screenshot, settled, SCREENSHOT_DIR } from './browser';
import {
  buildCallerBundle, callDiagnostics, callerStatsOf, giveAgent01Phone, launchMediaBrowser, newMediaContext, pickCallerWithHistory, startCallerServer,
  type CallerHistory, type CallerServer,
} from './webrtc/support';
import { maskPhone } from '../../shared/domain/phone';
import { chinaDateKey, startOfChinaDay } from '../../shared/domain/china-time';

const PASSWORD = 'Demo-12345';
const CALLER_SIP_PASSWORD = 'pw-citizen-secret';

let kamailio: KamailioHarness | undefined;
let host: RunningHost | undefined;
let browser: Browser | undefined;
let callerServer: CallerServer | undefined;
let caller: CallerHistory;
let agentPage: Page;
let callerPage: Page;
let leadPage: Page;
let poorBefore = 0;

const diagnostics = () => callDiagnostics(callerPage, kamailio ? () => kamailio!.logTail(60) : undefined, host?.dataDir);
const callerDo = (fn: 'stopSendingAudio' | 'resumeSendingAudio' | 'hangupCaller') =>
  callerPage.evaluate((name) => (globalThis as unknown as Record<string, () => Promise<void>>)[name]!(), fn);
const poorFigure = async () => Number(await leadPage.getByTestId('calls-poorAudio').innerText());
const noInbound = () => agentPage.getByTestId('audio-warning-no_inbound');

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

describe('audio health: a citizen whose audio stops', () => {
  it('a citizen calls, the agent answers: audio arrives and no warning shows', async () => {
    leadPage = await newConsolePage(browser!, host!.url);
    await login(leadPage, 'lead01', PASSWORD);
    await leadPage.getByTestId('calls-poorAudio').waitFor();
    poorBefore = await poorFigure();

    agentPage = await (await newMediaContext(browser!)).newPage();
    agentPage.on('console', (m) => { if (m.type() === 'error') console.warn(`[agent page] ${m.text()}`); });
    await agentPage.goto(host!.url);
    await login(agentPage, 'agent01', PASSWORD);
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
    const stats = agentPage.getByTestId('media-stats');
    try {
      // The agent's card counts the citizen's packets (read once a second): the audio path is up.
      await expect.poll(async () => Number(await stats.getAttribute('data-received').catch(() => '0')), { timeout: 20_000, interval: 250 }).toBeGreaterThan(0);
      await expect.poll(async () => (await callerStatsOf(callerPage)).packetsReceived, { timeout: 20_000, interval: 250 }).toBeGreaterThan(0);
    } catch (e) { console.error(await diagnostics()); throw e; }
    // Audio flows both ways and both microphones play a tone: neither warning.
    const received = Number(await stats.getAttribute('data-received'));
    await expect.poll(async () => Number(await stats.getAttribute('data-received')), { timeout: 10_000 }).toBeGreaterThan(received);
    expect(await agentPage.getByTestId('call-card').getByRole('alert').count()).toBe(0);
  });

  it('the citizen\'s audio stops mid-call: the softphone warns 收不到对方声音 with what to check', async () => {
    await callerDo('stopSendingAudio');
    const warning = noInbound();
    try {
      await warning.waitFor({ timeout: 20_000 });
    } catch (e) { console.error(await diagnostics()); throw e; }
    expect(await warning.innerText()).toContain('收不到对方声音');
    expect(await warning.innerText()).toContain('请询问对方能否听到您');
    // The call goes on: still 通话中 on both sides, and the agent's own microphone is fine.
    expect(await agentPage.getByTestId('agent-state').innerText()).toContain('通话中');
    expect((await callerStatsOf(callerPage)).sessionState).toBe('Established');
    expect(await agentPage.getByTestId('audio-warning-mic_silent').count()).toBe(0);
    await screenshot(agentPage, 'audio-health-no-inbound');
    await agentPage.getByTestId('softphone').screenshot({ path: join(SCREENSHOT_DIR, 'audio-health-softphone.png') });
  });

  it('the citizen\'s audio comes back: the warning goes away', async () => {
    await callerDo('resumeSendingAudio');
    await noInbound().waitFor({ state: 'detached', timeout: 20_000 });
    expect(await agentPage.getByTestId('agent-state').innerText()).toContain('通话中');
  });

  it('after the hang-up the call record keeps jitter, loss and round trip; the lead\'s 音质差 counts the call and lists it', async () => {
    await callerDo('hangupCaller');
    await agentPage.getByTestId('agent-state').filter({ hasText: '话后处理' }).waitFor({ timeout: 15_000 });
    type Row = { jitter_ms: number | null; jitter_p95_ms: number | null; loss_permille: number | null; rtt_ms: number | null; audio_warnings: number | null; poor_audio: number | null };
    await expect.poll(() => queryStore<{ n: number }>(host!, 'select count(*) as n from call_records where remote_number = ?', caller.phone)[0]!.n, { timeout: 10_000 }).toBe(1);
    const [rec] = queryStore<Row>(host!,
      'select jitter_ms, jitter_p95_ms, loss_permille, rtt_ms, audio_warnings, poor_audio from call_records where remote_number = ?', caller.phone);
    console.info(`call quality on the record: ${JSON.stringify(rec)}`);
    expect(rec!.jitter_ms).not.toBeNull();
    expect(rec!.jitter_p95_ms).not.toBeNull();
    expect(rec!.loss_permille).not.toBeNull();
    expect(rec!.rtt_ms).not.toBeNull();
    // One warning was shown (收不到对方声音): by the rule, any warning makes the call's audio poor.
    expect(rec!.audio_warnings).toBe(1);
    expect(rec!.poor_audio).toBe(1);

    // The lead's figure counts it without a reload, and its list shows the call: who, the masked number, its figures.
    await expect.poll(poorFigure, { timeout: 15_000 }).toBe(poorBefore + 1);
    await leadPage.getByTestId('calls-poorAudio-open').click();
    const list = leadPage.getByTestId('poor-audio-list');
    const masked = maskPhone(caller.phone);
    await list.getByText(masked).waitFor();
    expect(await list.innerText()).not.toContain(caller.phone);
    const [agent] = queryStore<{ display_name: string }>(host!, `select display_name from users where username = 'agent01'`);
    expect(await list.innerText()).toContain(agent!.display_name);
    // Its figures look fine (loopback), so the row says why it is there: the warning shown.
    expect(await list.innerText()).toContain('告警 1 次');
    await settled(leadPage.locator('.mantine-Drawer-content'));
    await screenshot(leadPage, 'audio-health-poor-audio-drawer');
    await leadPage.keyboard.press('Escape');
    await leadPage.getByTestId('poor-audio-drawer').locator('.mantine-Drawer-content').waitFor({ state: 'hidden' });
  });

  it('a day of many poor calls: the list draws only the rows in view and scrolls down to the first call of the day', async () => {
    const n = seedPoorCalls(host!.dataDir, 1500);
    // Written behind the host's back (no event): the lead's page reads the figures afresh.
    await leadPage.reload();
    await leadPage.getByTestId('calls-poorAudio').waitFor();
    expect(await poorFigure()).toBe(poorBefore + 1 + n);
    await leadPage.getByTestId('calls-poorAudio-open').click();
    const list = leadPage.getByTestId('poor-audio-list');
    await list.getByText(maskPhone(caller.phone)).waitFor();
    // Newest first: the real call heads the list; far fewer rows are in the page than on the list.
    expect(await list.getByRole('row').count()).toBeLessThan(100);
    await list.evaluate((el: { scrollTop: number; scrollHeight: number }) => { el.scrollTop = el.scrollHeight; });
    await list.getByText(maskPhone(seededNumber(0))).waitFor();
    expect(await list.getByRole('row').count()).toBeLessThan(100);
  });
});

/** The n-th seeded poor call's number. */
const seededNumber = (i: number) => `137${String(10_000_000 + i).slice(-8)}`;

/**
 * A busy day's poor calls, written into the host's store as finished calls earlier today (the
 * oldest is seeded number 0), each poor by loss. Returns how many.
 */
function seedPoorCalls(dataDir: string, n: number): number {
  const db = new Database(join(dataDir, 'hotline.sqlite'));
  db.pragma('busy_timeout = 5000');
  try {
    const agent = db.prepare(`select id from users where username = 'agent01'`).get() as { id: string };
    const now = Date.now();
    const from = Math.max(startOfChinaDay(chinaDateKey(new Date(now))).getTime(), now - 3 * 3_600_000);
    const span = Math.max(n, now - 120_000 - from);
    const insert = db.prepare(`insert into call_records (id, user_id, direction, remote_number, invited_at, answered_at, ended_at, ring_ms, talk_ms, hold_ms, end_reason,
      jitter_ms, jitter_p95_ms, loss_permille, rtt_ms, rtt_p95_ms, audio_warnings, poor_audio)
      values (?, ?, 'inbound', ?, ?, ?, ?, 3000, 60000, 0, 'remote-hangup', 12, 30, 80, 40, 60, 0, 1)`);
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const at = from + Math.floor((i * span) / n);
        insert.run(`e2e-poor-${i}`, agent.id, seededNumber(i), new Date(at).toISOString(), new Date(at + 3000).toISOString(), new Date(at + 63_000).toISOString());
      }
    })();
    return n;
  } finally {
    db.close();
  }
}

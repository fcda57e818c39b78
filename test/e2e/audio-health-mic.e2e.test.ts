/**
 * Issue 15.4, the other warning: the agent's microphone sends silence. The agent's browser has a
 * fake microphone that plays digital silence for 20 s, then a tone for 12 s, looped (a headset
 * whose plug works loose and is pushed back). A WebRTC citizen calls through Kamailio in host
 * mode; while the microphone is silent the softphone warns 麦克风没有声音 with what to check, and
 * the warning goes when the tone comes; the citizen's audio arrives throughout, so 收不到对方声音
 * does not show. The call's record counts the warning and is poor audio by the rule.
 *
 * Needs `npm run build` first, kamailio on PATH and Debian's Chromium.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { queryStore, startHost, type RunningHost } from './host';
import { login, screenshot, SCREENSHOT_DIR } from './browser';
import {
  buildCallerBundle, callDiagnostics, callerStatsOf, giveAgent01Phone, launchMediaBrowser, newMediaContext, pickCallerWithHistory, startCallerServer,
  type CallerHistory, type CallerServer,
} from './webrtc/support';

const PASSWORD = 'Demo-12345';
const CALLER_SIP_PASSWORD = 'pw-citizen-secret';
const SILENT_S = 20;
const TONE_S = 12;

/** A mono 16-bit 48 kHz WAV: `silent` seconds of zeros, then `tone` seconds of 440 Hz (Chromium's fake microphone loops it). */
function silenceThenToneWav(file: string, silent: number, tone: number) {
  const rate = 48_000;
  const quiet = rate * silent;
  const n = quiet + rate * tone;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0); b.writeUInt32LE(36 + n * 2, 4); b.write('WAVE', 8); b.write('fmt ', 12);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(rate, 24); b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36); b.writeUInt32LE(n * 2, 40);
  for (let i = quiet; i < n; i++) b.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 12_000), 44 + i * 2);
  writeFileSync(file, b);
}

let kamailio: KamailioHarness | undefined;
let host: RunningHost | undefined;
let agentBrowser: Browser | undefined;
let callerBrowser: Browser | undefined;
let callerServer: CallerServer | undefined;
let caller: CallerHistory;
let agentPage: Page;
let callerPage: Page;

const diagnostics = () => callDiagnostics(callerPage, kamailio ? () => kamailio!.logTail(60) : undefined, host?.dataDir);
const micSilent = () => agentPage.getByTestId('audio-warning-mic_silent');

beforeAll(async () => {
  const wavDir = mkdtempSync(join(tmpdir(), 'hotline-silent-mic-'));
  silenceThenToneWav(join(wavDir, 'agent.wav'), SILENT_S, TONE_S);
  const [bundle, started] = await Promise.all([buildCallerBundle(), startHost({ demo: true, demoTickets: 300 })]);
  host = started;
  caller = pickCallerWithHistory(host.dataDir);
  kamailio = await KamailioHarness.start({ credentials: { ...TEST_AGENTS, [caller.phone]: CALLER_SIP_PASSWORD } });
  await giveAgent01Phone(host.url, kamailio, PASSWORD, TEST_AGENTS['1001']!);
  callerServer = await startCallerServer(bundle);
  // One browser per side: the fake microphone's file is a browser-wide flag. The caller keeps Chromium's beep.
  agentBrowser = await launchMediaBrowser([`--use-file-for-fake-audio-capture=${join(wavDir, 'agent.wav')}`]);
  callerBrowser = await launchMediaBrowser();
}, 180_000);

afterAll(async () => {
  await callerPage?.evaluate(() => (globalThis as unknown as { hangupCaller(): Promise<void> }).hangupCaller()).catch(() => undefined);
  await agentBrowser?.close().catch(() => undefined);
  await callerBrowser?.close().catch(() => undefined);
  await host?.stop().catch(() => undefined);
  await kamailio?.stop().catch(() => undefined);
  await callerServer?.close().catch(() => undefined);
});

describe('audio health: the agent\'s microphone goes silent', () => {
  it('a citizen calls and the agent answers', async () => {
    agentPage = await (await newMediaContext(agentBrowser!)).newPage();
    agentPage.on('console', (m) => { if (m.type() === 'error') console.warn(`[agent page] ${m.text()}`); });
    await agentPage.goto(host!.url);
    await login(agentPage, 'agent01', PASSWORD);
    await agentPage.getByTestId('phone-sign-in').click();
    await agentPage.getByTestId('registration').filter({ hasText: '已注册' }).waitFor({ timeout: 15_000 });
    await agentPage.getByTestId('set-ready').click();
    await agentPage.getByTestId('agent-state').filter({ hasText: '就绪' }).waitFor();

    callerPage = await (await newMediaContext(callerBrowser!)).newPage();
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
      await expect.poll(async () => (await callerStatsOf(callerPage)).packetsReceived, { timeout: 20_000, interval: 250 }).toBeGreaterThan(0);
    } catch (e) { console.error(await diagnostics()); throw e; }
  });

  it('while the microphone is silent the softphone warns 麦克风没有声音 with what to check; the citizen is heard, so no 收不到对方声音', async () => {
    // The file loops: within one round of it the microphone is silent for long enough, whatever its phase at the answer.
    const warning = micSilent();
    try {
      await warning.waitFor({ timeout: (SILENT_S + TONE_S + 15) * 1000 });
    } catch (e) { console.error(await diagnostics()); throw e; }
    expect(await warning.innerText()).toContain('麦克风没有声音');
    expect(await warning.innerText()).toContain('请检查耳麦是否插好');
    expect(await warning.innerText()).toContain('（音频设备）换一个麦克风');
    expect(await agentPage.getByTestId('audio-warning-no_inbound').count()).toBe(0);
    expect(await agentPage.getByTestId('agent-state').innerText()).toContain('通话中');
    await screenshot(agentPage, 'audio-health-mic-silent');
    await agentPage.getByTestId('softphone').screenshot({ path: join(SCREENSHOT_DIR, 'audio-health-mic-silent-softphone.png') });
  });

  it('the microphone sounds again: the warning goes away', async () => {
    await micSilent().waitFor({ state: 'detached', timeout: (SILENT_S + 15) * 1000 });
    expect(await agentPage.getByTestId('agent-state').innerText()).toContain('通话中');
  });

  it('the call\'s record counts the warning and its audio is poor by the rule', async () => {
    await callerPage.evaluate(() => (globalThis as unknown as { hangupCaller(): Promise<void> }).hangupCaller());
    await agentPage.getByTestId('agent-state').filter({ hasText: '话后处理' }).waitFor({ timeout: 15_000 });
    type Row = { jitter_ms: number | null; loss_permille: number | null; rtt_ms: number | null; audio_warnings: number | null; poor_audio: number | null };
    await expect.poll(() => queryStore<{ n: number }>(host!, 'select count(*) as n from call_records where remote_number = ?', caller.phone)[0]!.n, { timeout: 10_000 }).toBe(1);
    const [rec] = queryStore<Row>(host!, 'select jitter_ms, loss_permille, rtt_ms, audio_warnings, poor_audio from call_records where remote_number = ?', caller.phone);
    console.info(`call quality on the record: ${JSON.stringify(rec)}`);
    expect(rec!.jitter_ms).not.toBeNull();
    expect(rec!.loss_permille).not.toBeNull();
    expect(rec!.rtt_ms).not.toBeNull();
    expect(rec!.audio_warnings).toBeGreaterThanOrEqual(1);
    expect(rec!.poor_audio).toBe(1);
  });
});

/**
 * Issue 15.1: a WebRTC citizen calls the console in host mode through Kamailio; the agent's page
 * records the call. Each side's fake microphone plays its own tone (agent 440 Hz, caller 1250 Hz),
 * so the recording, played back from the ticket registered during the call and decoded in the
 * page, shows which side is on which channel. Then the host is killed mid-call: after a restart
 * the recording so far is marked interrupted and still decodes.
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
import { login, screenshot } from './browser';
import {
  buildCallerBundle, callDiagnostics, callerStatsOf, ContractClient, giveAgent01Phone, launchMediaBrowser, newMediaContext, pickCallerWithHistory, startCallerServer,
  type CallerHistory, type CallerServer,
} from './webrtc/support';

const PASSWORD = 'Demo-12345';
const CALLER_SIP_PASSWORD = 'pw-citizen-secret';
const AGENT_HZ = 440;
const CALLER_HZ = 1250;

/** A mono 16-bit 48 kHz WAV of a steady tone: what Chromium's fake microphone plays (looped). */
function toneWav(file: string, hz: number, seconds = 20) {
  const rate = 48_000;
  const n = rate * seconds;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0); b.writeUInt32LE(36 + n * 2, 4); b.write('WAVE', 8); b.write('fmt ', 12);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(rate, 24); b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36); b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 12_000), 44 + i * 2);
  writeFileSync(file, b);
}

/** The page-side types used below (this project's tsconfig has no DOM). */
interface AudioEl { duration: number; currentTime: number; src: string }
declare const AudioContext: new () => {
  decodeAudioData(b: ArrayBuffer): Promise<{ duration: number; numberOfChannels: number; sampleRate: number; getChannelData(c: number): Float32Array }>;
  close(): Promise<void>;
};

interface Channels { duration: number; channels: number; rms: number[]; hz: number[]; /** Left channel: pitch of each loud 40 ms window. */ leftPitches: number[] }

/** Decodes audio bytes in a page and measures each channel over its middle (level, and pitch by zero crossings). */
function analyse(page: Page, base64: string): Promise<Channels> {
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
    const ctx = new AudioContext();
    const buf = await ctx.decodeAudioData(bytes);
    const rms: number[] = [];
    const hz: number[] = [];
    for (let c = 0; c < buf.numberOfChannels; c++) {
      const d = buf.getChannelData(c);
      const from = Math.floor(d.length * 0.3);
      const to = Math.floor(d.length * 0.9);
      let sum = 0;
      let crossings = 0;
      for (let i = from; i < to; i++) {
        sum += d[i]! * d[i]!;
        if (i > from && (d[i - 1]! < 0) !== (d[i]! < 0)) crossings++;
      }
      rms.push(Math.sqrt(sum / (to - from)));
      hz.push(crossings / 2 / ((to - from) / buf.sampleRate));
    }
    const left = buf.getChannelData(0);
    const win = Math.floor(buf.sampleRate * 0.04);
    const leftPitches: number[] = [];
    for (let w = 0; w + win <= left.length; w += win) {
      let sum = 0;
      let crossings = 0;
      for (let i = w; i < w + win; i++) {
        sum += left[i]! * left[i]!;
        if (i > w && (left[i - 1]! < 0) !== (left[i]! < 0)) crossings++;
      }
      if (Math.sqrt(sum / win) > 0.01) leftPitches.push(Math.round(crossings / 2 / 0.04));
    }
    await ctx.close();
    return { duration: buf.duration, channels: buf.numberOfChannels, rms, hz, leftPitches };
  }, base64);
}

let kamailio: KamailioHarness | undefined;
let host: RunningHost | undefined;
let agentBrowser: Browser | undefined;
let callerBrowser: Browser | undefined;
let callerServer: CallerServer | undefined;
let caller: CallerHistory;
let agent: Page;
let callerPage: Page;
let ticketNumber = '';

beforeAll(async () => {
  const wavDir = mkdtempSync(join(tmpdir(), 'hotline-tones-'));
  toneWav(join(wavDir, 'agent.wav'), AGENT_HZ);
  toneWav(join(wavDir, 'caller.wav'), CALLER_HZ);
  const [bundle, started] = await Promise.all([buildCallerBundle(), startHost({ demo: true, demoTickets: 300 })]);
  host = started;
  caller = pickCallerWithHistory(host.dataDir);
  kamailio = await KamailioHarness.start({ credentials: { ...TEST_AGENTS, [caller.phone]: CALLER_SIP_PASSWORD } });
  await giveAgent01Phone(host.url, kamailio, PASSWORD, TEST_AGENTS['1001']!, async (admin) => {
    // A short wrap-up timer, so that the agent is ready for the second call by itself.
    const config = await admin.request<{ notReadyReasons: unknown[]; wrapUpCodes: unknown[] }>('phone.getConfig', {});
    await admin.request('phone.setConfig', { notReadyReasons: config.notReadyReasons, wrapUpCodes: config.wrapUpCodes, acwSeconds: 3 });
  });
  callerServer = await startCallerServer(bundle);
  // One browser per side: the fake microphone's file is a browser-wide flag.
  agentBrowser = await launchMediaBrowser([`--use-file-for-fake-audio-capture=${join(wavDir, 'agent.wav')}`]);
  callerBrowser = await launchMediaBrowser([`--use-file-for-fake-audio-capture=${join(wavDir, 'caller.wav')}`]);
}, 180_000);

afterAll(async () => {
  await agentBrowser?.close().catch(() => undefined);
  await callerBrowser?.close().catch(() => undefined);
  await host?.stop().catch(() => undefined);
  await kamailio?.stop().catch(() => undefined);
  await callerServer?.close().catch(() => undefined);
});

async function signInAgent() {
  agent = await (await newMediaContext(agentBrowser!)).newPage();
  agent.on('console', (m) => { if (m.type() === 'error') console.warn(`[agent page] ${m.text()}`); });
  await agent.goto(host!.url);
  await login(agent, 'agent01', PASSWORD);
  await agent.getByTestId('phone-sign-in').click();
  await agent.getByTestId('registration').filter({ hasText: '已注册' }).waitFor({ timeout: 15_000 });
  await agent.getByTestId('set-ready').click();
  await agent.getByTestId('agent-state').filter({ hasText: '就绪' }).waitFor();
}

async function callAndAnswer() {
  callerPage = await (await newMediaContext(callerBrowser!)).newPage();
  await callerPage.goto(callerServer!.url);
  await callerPage.waitForFunction(() => 'callHotline' in globalThis);
  const k = kamailio!;
  await callerPage.evaluate(
    ([wsUrl, aor, authUser, password, target, display]) =>
      (globalThis as unknown as { callHotline(...a: string[]): Promise<void> }).callHotline(wsUrl!, aor!, authUser!, password!, target!, display!),
    [k.wsUrl, `${caller.phone}@${k.domain}`, caller.phone, CALLER_SIP_PASSWORD, '1001', '市民'],
  );
  await agent.getByTestId('call-card').filter({ hasText: '来电振铃' }).waitFor({ timeout: 15_000 });
  await agent.getByTestId('answer').click();
  await agent.getByTestId('agent-state').filter({ hasText: '通话中' }).waitFor({ timeout: 15_000 });
  try {
    await expect.poll(async () => (await callerStatsOf(callerPage)).packetsReceived, { timeout: 20_000, interval: 500 }).toBeGreaterThan(0);
  } catch (e) { console.error(await callDiagnostics(callerPage, () => kamailio!.logTail(40), host?.dataDir)); throw e; }
}

/** A recording's bytes as main serves them to a listener (the agent who took the call): open, then read. */
async function bytesOf(recordingId: string): Promise<Buffer> {
  const c = await ContractClient.connect(host!.url);
  try {
    await c.request('session.login', { username: 'agent01', password: PASSWORD });
    await c.request('recording.open', { recordingId });
    const parts: Buffer[] = [];
    for (let offset = 0; ;) {
      const r = await c.request<{ data: string; eof: boolean }>('recording.read', { recordingId, offset, length: 1024 * 1024 });
      const b = Buffer.from(r.data, 'base64');
      parts.push(b);
      offset += b.length;
      if (r.eof || b.length === 0) return Buffer.concat(parts);
    }
  } finally {
    c.close();
  }
}

const recordings = () => queryStore<{ id: string; call_id: string; state: string; bytes: number; duration_ms: number; chunks: number }>(
  host!, 'SELECT id, call_id, state, bytes, duration_ms, chunks FROM recordings ORDER BY started_at');

describe('call recording', () => {
  it('records both sides of a call; played back from its ticket, the left channel is the agent and the right the caller', async () => {
    await signInAgent();
    await callAndAnswer();
    // Register the appeal during the call, as agents do: the ticket is linked to the call.
    const form = agent.getByTestId('intake-form');
    await form.getByText('投诉', { exact: true }).click();
    const category = agent.getByRole('combobox', { name: /^诉求分类/ });
    await category.click();
    await category.pressSequentially('噪音');
    await agent.getByRole('option').first().click();
    await agent.getByLabel(/^标题/).fill('工地夜间施工噪音扰民');
    await agent.getByLabel(/^诉求内容/).fill('来电人反映小区北侧工地每晚施工到凌晨，噪音很大，影响休息，请尽快处理。');
    await agent.keyboard.press('Control+s');
    await agent.getByTestId('ticket-detail').waitFor();
    ticketNumber = /JC\d{13}/.exec(await agent.locator('.mantine-Drawer-title').innerText())![0];
    await agent.keyboard.press('Escape');
    await agent.waitForTimeout(6000);
    await agent.getByTestId('hangup').click();
    await agent.getByTestId('agent-state').filter({ hasText: '话后处理' }).waitFor({ timeout: 10_000 });
    await expect.poll(() => recordings()[0]?.state, { timeout: 10_000 }).toBe('complete');
    const row = recordings()[0]!;
    console.info(`recording: ${row.bytes} bytes, ${row.duration_ms} ms, ${row.chunks} chunks (${Math.round(row.bytes / (row.duration_ms / 60_000) / 1024)} KB/min)`);

    // The ticket's drawer, found by its number, lists the recording with its player.
    await agent.keyboard.press('Control+k');
    const box = agent.getByTestId('search-input');
    await box.waitFor();
    await box.fill(ticketNumber);
    await agent.getByTestId('search-results').getByText(ticketNumber).first().click();
    const rec = agent.getByTestId('recording');
    await rec.waitFor({ timeout: 10_000 });
    await rec.getByTestId('recording-play').click();
    const audio = agent.getByTestId('recording-audio');
    await audio.waitFor();
    // Seekable: the element learns the real length, and a seek lands.
    await expect.poll(() => audio.evaluate((el) => (el as unknown as AudioEl).duration), { timeout: 10_000 }).toBeLessThan(60);
    const duration = await audio.evaluate((el) => (el as unknown as AudioEl).duration);
    expect(duration).toBeGreaterThan(5);
    await audio.evaluate((el) => { (el as unknown as AudioEl).currentTime = 3; });
    await expect.poll(() => audio.evaluate((el) => (el as unknown as AudioEl).currentTime)).toBeGreaterThan(2.5);
    await agent.waitForTimeout(300);
    await screenshot(agent, 'ticket-call-recording');

    // The player got its audio from main (a blob), never a file URL; the page's policy keeps
    // fetch() off blobs, so the decode below reads the same bytes as main served them.
    expect(await audio.evaluate((el) => (el as unknown as AudioEl).src.startsWith('blob:'))).toBe(true);
    const served = await bytesOf(row.id);
    expect(served.length).toBe(row.bytes);
    const a = await analyse(agent, served.toString('base64'));
    console.info(`decoded: ${JSON.stringify(a)}`);
    expect(a.channels).toBe(2);
    expect(a.duration).toBeGreaterThan(5);
    expect(a.rms[0]).toBeGreaterThan(0.02);
    expect(a.rms[1]).toBeGreaterThan(0.02);
    expect(Math.abs(a.hz[0]! - AGENT_HZ)).toBeLessThan(60);
    expect(Math.abs(a.hz[1]! - CALLER_HZ)).toBeLessThan(120);
    // The listen left its audit line.
    expect(queryStore<{ n: number }>(host!, "SELECT count(*) AS n FROM audit_events WHERE action = 'recording.listen'")[0]!.n).toBe(2);
    await agent.keyboard.press('Escape');
  });

  it('the host killed mid-call leaves a recording that is interrupted and readable after a restart', async () => {
    const wrapUp = agent.getByTestId('wrap-up');
    if (await wrapUp.count()) {
      await wrapUp.getByLabel('选择小结代码（必选）').click();
      await agent.getByRole('option').first().click();
      // With the code given, the wrap-up timer (3 s) may end it by itself; else the agent clicks 就绪.
      await expect.poll(async () => {
        if (await agent.getByTestId('agent-state').filter({ hasText: '就绪' }).count()) return true;
        const ready = wrapUp.getByRole('button', { name: '就绪' });
        if ((await ready.count()) && (await ready.isEnabled())) await ready.click().catch(() => undefined);
        return false;
      }, { timeout: 15_000, interval: 500 }).toBe(true);
    }
    await agent.getByTestId('agent-state').filter({ hasText: '就绪' }).waitFor({ timeout: 10_000 });
    // This call the admin has the recording notice on: the caller hears it before the agent.
    const admin = await ContractClient.connect(host!.url);
    try {
      await admin.request('session.login', { username: 'admin', password: PASSWORD });
      await admin.request('recording.setPolicy', { retentionDays: 180, noticeEnabled: true });
    } finally {
      admin.close();
    }
    await callAndAnswer();
    await expect.poll(() => recordings().find((r) => r.state === 'recording')?.chunks ?? 0, { timeout: 15_000 }).toBeGreaterThan(8);
    const { dataDir } = host!;
    await host!.stop('SIGKILL');
    host = await startHost({ dataDir });
    const row = recordings().at(-1)!;
    expect(row.state).toBe('interrupted');
    const data = await bytesOf(row.id);
    expect(data.length).toBe(row.bytes);
    const a = await analyse(callerPage, data.toString('base64'));
    console.info(`interrupted recording decoded: ${JSON.stringify({ ...a, leftPitches: a.leftPitches.slice(0, 80) })}`);
    expect(a.duration).toBeGreaterThan(4);
    // The left channel (what the caller is sent) carries the notice's beeps (880, 1175 Hz) before
    // the agent's 440 Hz tone, which starts after the last beep. A beep is one window near its
    // pitch; the agent's tone is a steady run of them (the notice's syllable-like cadence passes
    // through 425–463 Hz for a window now and then: CI once read such a window as the tone).
    const beep = (hz: number) => a.leftPitches.findIndex((p) => Math.abs(p - hz) < 40);
    const tone = (hz: number, run = 5) => a.leftPitches.findIndex((_, i) => {
      const windows = a.leftPitches.slice(i, i + run);
      return windows.length === run && windows.every((p) => Math.abs(p - hz) < 20);
    });
    expect(tone(440)).toBeGreaterThanOrEqual(0);
    expect(beep(1175)).toBeGreaterThanOrEqual(0);
    expect(beep(1175)).toBeLessThan(tone(440));
    // The notice ends on a 988 Hz beep; the agent's own tone follows it.
    expect(beep(988)).toBeLessThan(tone(440));
    expect(a.rms[0]).toBeGreaterThan(0.02);
    expect(a.rms[1]).toBeGreaterThan(0.02);
  });
});

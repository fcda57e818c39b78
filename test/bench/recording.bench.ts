/**
 * Recording cost (issue 15.1): one WebRTC call through Kamailio to the host-mode console (built:
 * `npm run build` first), recorded by the agent's page, for BENCH_RECORDING_SECONDS (default 60).
 * Prints the CPU share of the agent's renderer (Chromium's SystemInfo.getProcessInfo) and of the
 * host's main process (/proc) while the call is recorded, beside the same seat registered and idle
 * for the same time, and the recording's bytes per minute.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { queryStore, startHost } from '../e2e/host';
import { login } from '../e2e/browser';
import { buildCallerBundle, ContractClient, launchMediaBrowser, newMediaContext, pickCallerWithHistory, startCallerServer } from '../e2e/webrtc/support';

const PASSWORD = 'Demo-12345';
const CALLER_SIP_PASSWORD = 'pw-citizen-secret';

function toneWav(file: string, hz: number, seconds = 30) {
  const rate = 48_000;
  const n = rate * seconds;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0); b.writeUInt32LE(36 + n * 2, 4); b.write('WAVE', 8); b.write('fmt ', 12);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(rate, 24); b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36); b.writeUInt32LE(n * 2, 40);
  // A tone that wanders in pitch and level, so the encoder has something like speech to code.
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    b.writeInt16LE(Math.round(Math.sin(2 * Math.PI * (hz + 40 * Math.sin(2 * Math.PI * 3 * t)) * t) * 9000 * (0.6 + 0.4 * Math.sin(2 * Math.PI * 0.7 * t))), 44 + i * 2);
  }
  writeFileSync(file, b);
}

/** CPU seconds a process has used (utime + stime from /proc). */
function procCpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100;
}

/** CPU seconds of the browser's renderer processes. */
async function rendererCpuSeconds(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  const info = await cdp.send('SystemInfo.getProcessInfo') as { processInfo: Array<{ type: string; cpuTime: number }> };
  await cdp.detach();
  return info.processInfo.filter((p) => p.type === 'renderer').reduce((s, p) => s + p.cpuTime, 0);
}

export async function benchRecording(seconds: number, log: (s: string) => void): Promise<string> {
  const wavDir = mkdtempSync(join(tmpdir(), 'hotline-bench-tones-'));
  toneWav(join(wavDir, 'agent.wav'), 300);
  toneWav(join(wavDir, 'caller.wav'), 220);
  const [bundle, host] = await Promise.all([buildCallerBundle(), startHost({ demo: true, demoTickets: 300 })]);
  const caller = pickCallerWithHistory(host.dataDir);
  const kamailio = await KamailioHarness.start({ credentials: { ...TEST_AGENTS, [caller.phone]: CALLER_SIP_PASSWORD } });
  const callerServer = await startCallerServer(bundle);
  const browsers: Browser[] = [];
  try {
    const admin = await ContractClient.connect(host.url);
    await admin.request('session.login', { username: 'admin', password: PASSWORD });
    const users = await admin.request<Array<{ id: string; username: string }>>('users.list', {});
    await admin.request('sip.setAccount', {
      userId: users.find((u) => u.username === 'agent01')!.id, wsUrl: kamailio.wsUrl, aor: `1001@${kamailio.domain}`, authUser: '1001',
      password: TEST_AGENTS['1001'], displayName: '坐席 1001', media: 'webrtc',
    });
    admin.close();
    const agentBrowser = await launchMediaBrowser([`--use-file-for-fake-audio-capture=${join(wavDir, 'agent.wav')}`]);
    const callerBrowser = await launchMediaBrowser([`--use-file-for-fake-audio-capture=${join(wavDir, 'caller.wav')}`]);
    browsers.push(agentBrowser, callerBrowser);
    const agent: Page = await (await newMediaContext(agentBrowser)).newPage();
    await agent.goto(host.url);
    await login(agent, 'agent01', PASSWORD);
    await agent.getByTestId('phone-sign-in').click();
    await agent.getByTestId('registration').filter({ hasText: '已注册' }).waitFor({ timeout: 15_000 });
    await agent.getByTestId('set-ready').click();
    await agent.getByTestId('agent-state').filter({ hasText: '就绪' }).waitFor();
    const pid = host.process.pid!;
    const sample = async () => ({ at: performance.now(), main: procCpuSeconds(pid), renderer: await rendererCpuSeconds(agentBrowser) });
    const share = (a: Awaited<ReturnType<typeof sample>>, b: Awaited<ReturnType<typeof sample>>) => {
      const wall = (b.at - a.at) / 1000;
      return { main: (100 * (b.main - a.main)) / wall, renderer: (100 * (b.renderer - a.renderer)) / wall };
    };

    log(`idle (registered, ready) for ${seconds} s`);
    const i0 = await sample();
    await agent.waitForTimeout(seconds * 1000);
    const idle = share(i0, await sample());

    const callerPage = await (await newMediaContext(callerBrowser)).newPage();
    await callerPage.goto(callerServer.url);
    await callerPage.waitForFunction(() => 'callHotline' in globalThis);
    await callerPage.evaluate(
      ([wsUrl, aor, authUser, password, target, display]) =>
        (globalThis as unknown as { callHotline(...a: string[]): Promise<void> }).callHotline(wsUrl!, aor!, authUser!, password!, target!, display!),
      [kamailio.wsUrl, `${caller.phone}@${kamailio.domain}`, caller.phone, CALLER_SIP_PASSWORD, '1001', '市民'],
    );
    await agent.getByTestId('call-card').filter({ hasText: '来电振铃' }).waitFor({ timeout: 15_000 });
    await agent.getByTestId('answer').click();
    await agent.getByTestId('agent-state').filter({ hasText: '通话中' }).waitFor({ timeout: 15_000 });
    await agent.waitForTimeout(2000);
    log(`call recorded for ${seconds} s`);
    const c0 = await sample();
    await agent.waitForTimeout(seconds * 1000);
    const inCall = share(c0, await sample());
    await agent.getByTestId('hangup').click();
    let row: { bytes: number; duration_ms: number; chunks: number; state: string } | undefined;
    for (let i = 0; i < 50 && row?.state !== 'complete'; i++) {
      await agent.waitForTimeout(200);
      row = queryStore<{ bytes: number; duration_ms: number; chunks: number; state: string }>(host, 'SELECT bytes, duration_ms, chunks, state FROM recordings')[0];
    }
    if (!row) throw new Error('no recording was made');
    const perMinute = row.bytes / (row.duration_ms / 60_000);
    const f = (n: number) => n.toFixed(1);
    return [
      `Recording cost: one WebRTC call, ${seconds} s measured, Opus two channels at 32 kbit/s, a chunk a second`,
      '',
      '| | agent renderer CPU % | host main CPU % |',
      '|---|---:|---:|',
      `| idle, registered (baseline) | ${f(idle.renderer)} | ${f(idle.main)} |`,
      `| in a call, recorded | ${f(inCall.renderer)} | ${f(inCall.main)} |`,
      '',
      `Recording: ${row.bytes} bytes over ${(row.duration_ms / 1000).toFixed(1)} s in ${row.chunks} chunks = ${(perMinute / 1024).toFixed(0)} KB per minute (${row.state}).`,
      'CPU % is of one core; the renderer figure includes the call\'s WebRTC audio itself, not only the recorder.',
    ].join('\n');
  } finally {
    for (const b of browsers) await b.close().catch(() => undefined);
    await host.stop().catch(() => undefined);
    await kamailio.stop().catch(() => undefined);
    await callerServer.close().catch(() => undefined);
  }
}

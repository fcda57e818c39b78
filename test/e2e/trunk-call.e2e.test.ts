/**
 * Issue 15, item 6: a caller like the real ones. In production the citizen's call arrives from a
 * carrier trunk with plain RTP (PCMU, no ICE, no DTLS), and a media proxy bridges it to the desk's
 * WebRTC. Here: baresip sends a plain-RTP INVITE over UDP to Kamailio, whose rtpengine module has
 * Debian's rtpengine-daemon (userspace, loopback) rewrite the offer to DTLS-SRTP + ICE for the desk
 * and the desk's answer back to plain RTP for the trunk. The agent answers in host mode in Chromium.
 *
 * Checked both ways with real audio, not only packets: the desk receives the caller's 440 Hz tone
 * (inbound audio energy from the desk's own RTCPeerConnection), and the caller's phone receives the
 * desk's microphone (Chromium's fake device beeps; baresip's sndfile module dumps what it decoded).
 * The call log holds one answered call, ended by the caller.
 *
 * Needs `npm run build` first, kamailio with its rtpengine module, rtpengine, baresip and Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { RtpengineHarness } from '../sip/rtpengine';
import { BaresipPhone, wavLevel } from '../sip/baresip';
import { queryStore, startHost, type RunningHost } from './host';
import { login, screenshot } from './browser';
import { callDiagnostics, giveAgent01Phone, launchMediaBrowser, newMediaContext, pickCallerWithHistory, type CallerHistory } from './webrtc/support';

const PASSWORD = 'Demo-12345';

let rtpengine: RtpengineHarness | undefined;
let kamailio: KamailioHarness | undefined;
let host: RunningHost | undefined;
let browser: Browser | undefined;
let phone: BaresipPhone | undefined;
let caller: CallerHistory;
let agentPage: Page;
/** When the citizen dialled: the demo's own call log may already hold calls from this number. */
let dialledAt = '';

beforeAll(async () => {
  host = await startHost({ demo: true, demoTickets: 1000 });
  caller = pickCallerWithHistory(host.dataDir);
  rtpengine = await RtpengineHarness.start();
  kamailio = await KamailioHarness.start({ rtpengineSock: rtpengine.sock });
  await giveAgent01Phone(host.url, kamailio, PASSWORD, TEST_AGENTS['1001']!);
  browser = await launchMediaBrowser();
});

afterAll(async () => {
  await phone?.stop().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await host?.stop().catch(() => undefined);
  await kamailio?.stop().catch(() => undefined);
  await rtpengine?.stop().catch(() => undefined);
});

interface DeskAudio { packets: number; energy: number; remoteSdp: string }

/**
 * What the desk's peer connections received: packets and total audio energy of inbound audio, and the
 * SDP the desk was offered. The page's RTCPeerConnection is wrapped before the console loads, to see
 * the connections the softphone makes (test instrumentation, nothing in the product).
 */
const recordPeerConnections = () => {
  const w = globalThis as unknown as { __pcs: unknown[]; RTCPeerConnection: PeerConstructor };
  w.__pcs = [];
  const Original = w.RTCPeerConnection;
  const Wrapped = function (...args: unknown[]) {
    const pc = new Original(...args);
    w.__pcs.push(pc);
    return pc;
  } as unknown as PeerConstructor;
  Wrapped.prototype = Original.prototype;
  Object.defineProperty(Wrapped, 'generateCertificate', { value: Original.generateCertificate.bind(Original) });
  w.RTCPeerConnection = Wrapped;
};

/** The little of RTCPeerConnection used here (the test's tsconfig has no DOM types). */
interface PeerConstructor {
  new (...args: unknown[]): Peer;
  prototype: unknown;
  generateCertificate: (...args: unknown[]) => unknown;
}
interface Peer {
  connectionState: string;
  remoteDescription: { sdp: string } | null;
  getStats(): Promise<{ forEach(f: (r: { type: string; kind?: string; packetsReceived?: number; totalAudioEnergy?: number }) => void): void }>;
}

async function deskAudio(): Promise<DeskAudio> {
  return agentPage.evaluate(async () => {
    const pcs = (globalThis as unknown as { __pcs: Peer[] }).__pcs;
    let packets = 0;
    let energy = 0;
    let remoteSdp = '';
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      remoteSdp = pc.remoteDescription?.sdp ?? remoteSdp;
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          packets += r.packetsReceived ?? 0;
          energy += r.totalAudioEnergy ?? 0;
        }
      });
    }
    return { packets, energy, remoteSdp };
  });
}

async function diagnostics(): Promise<string> {
  return [`--- baresip\n${phone?.log.slice(-3000) ?? ''}`, `--- rtpengine\n${rtpengine?.logTail(30) ?? ''}`,
    await callDiagnostics(undefined, kamailio ? () => kamailio!.logTail(40) : undefined, host?.dataDir)].join('\n');
}

describe('a citizen calls from the carrier trunk (plain RTP through rtpengine)', () => {
  it('the agent signs in the phone and is ready', async () => {
    const context = await newMediaContext(browser!);
    await context.addInitScript(recordPeerConnections);
    agentPage = await context.newPage();
    agentPage.on('console', (m) => { if (m.type() === 'error') console.warn(`[agent page] ${m.text()}`); });
    await agentPage.goto(host!.url);
    await login(agentPage, 'agent01', PASSWORD);
    await agentPage.getByTestId('phone-sign-in').click();
    await agentPage.getByTestId('registration').filter({ hasText: '已注册' }).waitFor({ timeout: 15_000 });
    await agentPage.getByTestId('set-ready').click();
    await agentPage.getByTestId('agent-state').filter({ hasText: '就绪' }).waitFor();
  });

  it('the plain-RTP INVITE rings the desk as WebRTC, and the agent answers', async () => {
    dialledAt = new Date(Date.now() - 1000).toISOString();
    phone = await BaresipPhone.dial({ proxyPort: kamailio!.udpPort, domain: kamailio!.domain, from: caller.phone, to: '1001', toneHz: 440 });
    try {
      await agentPage.getByTestId('call-card').filter({ hasText: '来电振铃' }).waitFor({ timeout: 15_000 });
    } catch (e) {
      console.error(await diagnostics());
      throw e;
    }
    expect(await agentPage.getByTestId('call-number').innerText()).toBe(caller.phone);
    await agentPage.getByTestId('answer').click();
    await agentPage.getByTestId('agent-state').filter({ hasText: '通话中' }).waitFor({ timeout: 15_000 });
    await phone.waitFor(/established/i);
  });

  it('audio flows both ways: the desk hears the tone, the caller hears the desk', async () => {
    try {
      // The desk was offered WebRTC by the proxy, not the trunk's plain RTP.
      const first = await deskAudio();
      if (process.env.TRUNK_E2E_VERBOSE) console.info(first.remoteSdp);
      expect(first.remoteSdp).toMatch(/^m=audio \d+ (UDP\/TLS\/)?RTP\/SAVPF /m);
      expect(first.remoteSdp).toMatch(/a=fingerprint:/);
      expect(first.remoteSdp).toMatch(/a=candidate:/);
      await expect.poll(async () => (await deskAudio()).packets, { timeout: 15_000, interval: 500 }).toBeGreaterThan(50);
      const a0 = await deskAudio();
      await agentPage.waitForTimeout(3000);
      const a1 = await deskAudio();
      console.info(`desk: ${a1.packets - a0.packets} packets and audio energy ${(a1.energy - a0.energy).toFixed(3)} in 3 s`);
      // About 150 packets in 3 s at 20 ms; a 0.3-amplitude sine carries energy ~0.045 per second.
      expect(a1.packets - a0.packets).toBeGreaterThan(100);
      expect(a1.energy - a0.energy).toBeGreaterThan(0.01);
      await expect.poll(() => {
        const wav = phone!.received();
        return wav ? wavLevel(wav).seconds : 0;
      }, { timeout: 10_000, interval: 500 }).toBeGreaterThan(2);
    } catch (e) {
      console.error(await diagnostics());
      throw e;
    }
    await screenshot(agentPage, 'trunk-call-established');
  });

  it('the citizen hangs up: the desk goes to wrap-up, the caller heard the desk, and the call log holds one answered call', async () => {
    await phone!.hangup();
    await agentPage.getByTestId('agent-state').filter({ hasText: '话后处理' }).waitFor({ timeout: 10_000 });
    const heard = wavLevel(phone!.received()!);
    console.info(`caller received ${heard.seconds.toFixed(1)} s of audio at ${heard.rate} Hz, RMS ${heard.rms.toFixed(4)}`);
    expect(heard.seconds).toBeGreaterThan(3);
    // Chromium's fake microphone beeps; silence (nothing bridged) decodes to RMS ~0.
    expect(heard.rms).toBeGreaterThan(0.005);
    await expect.poll(() => queryStore<{ n: number }>(host!, `select count(*) as n from call_records where remote_number = ? and invited_at >= ?`, caller.phone, dialledAt)[0]!.n, { timeout: 5000 }).toBe(1);
    const [call] = queryStore<{ answered_at: string | null; talk_ms: number; end_reason: string }>(host!,
      `select answered_at, talk_ms, end_reason from call_records where remote_number = ? and invited_at >= ?`, caller.phone, dialledAt);
    expect(call!.answered_at).not.toBeNull();
    expect(call!.talk_ms).toBeGreaterThan(3000);
    console.info(`call record: ${JSON.stringify(call)}`);
  });
});

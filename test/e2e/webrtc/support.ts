/**
 * Helpers for the WebRTC end-to-end test: a Chromium with a fake microphone, the caller page
 * (sip.js bundled with esbuild, served from 127.0.0.1), a contract client for the admin set-up,
 * and a caller number picked from the demo store.
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import WebSocket from 'ws';
import { readFileSync, readdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CallerStats } from './caller-entry';
import { normalizePhone } from '../../../shared/domain/phone';
import { launchBrowser } from '../browser';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Flags that let two pages of one headless Chromium call each other:
 * - fake device + fake UI: a synthetic microphone (a beep) and no permission prompt;
 * - loopback: ICE may pair 127.0.0.1 candidates (WebRTC skips loopback interfaces by default),
 *   so the test does not depend on the machine having any other interface;
 * - no mDNS obfuscation: host candidates carry real addresses, no *.local name to resolve (not
 *   strictly needed once the microphone is granted, which already un-hides addresses);
 * - autoplay: the agent's <audio> may play the far end without a user gesture.
 */
export const MEDIA_FLAGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
] as const;

export async function launchMediaBrowser(extra: readonly string[] = []): Promise<Browser> {
  return launchBrowser([...MEDIA_FLAGS, ...extra]);
}

/** A context as the console pages get (zh-CN, Shanghai), with the microphone granted. */
export async function newMediaContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', permissions: ['microphone'],
  });
}

/** sip.js plus caller-entry.ts as one browser script. */
export async function buildCallerBundle(): Promise<string> {
  const out = await build({
    entryPoints: [join(here, 'caller-entry.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'chrome120',
    write: false, logLevel: 'silent', legalComments: 'none',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

export interface CallerServer { url: string; close(): Promise<void> }

/** Serves the caller page and its script on 127.0.0.1 (a secure context for getUserMedia). */
export async function startCallerServer(script: string): Promise<CallerServer> {
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>12345 caller</title></head>'
    + '<body><h1>WebRTC caller</h1><script src="/caller.js"></script></body></html>';
  const server: Server = createServer((req, res) => {
    if (req.url === '/caller.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', () => resolve()); });
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('caller server has no address');
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string } & Record<string, unknown> };

/** The contract over the host-mode WebSocket, as the renderer speaks it. */
export class ContractClient {
  private seq = 0;
  private pending = new Map<number, (r: Result<unknown>) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw: WebSocket.RawData) => {
      const msg = JSON.parse(raw.toString()) as { id?: number; result?: Result<unknown> };
      if (typeof msg.id === 'number' && msg.result) {
        this.pending.get(msg.id)?.(msg.result);
        this.pending.delete(msg.id);
      }
    });
  }

  /** hostUrl is the URL startHost returned (…/#token=…). */
  static async connect(hostUrl: string): Promise<ContractClient> {
    const u = new URL(hostUrl);
    const token = new URLSearchParams(u.hash.slice(1)).get('token');
    if (!token) throw new Error(`no token in ${hostUrl}`);
    const ws = new WebSocket(`ws://${u.host}/rpc?token=${encodeURIComponent(token)}`);
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
    return new ContractClient(ws);
  }

  async request<T>(name: string, input: unknown): Promise<T> {
    const id = ++this.seq;
    const result = await new Promise<Result<unknown>>((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`${name}: no answer in 10 s`)); }, 10_000);
      this.pending.set(id, (r) => { clearTimeout(timer); resolve(r); });
      this.ws.send(JSON.stringify({ id, name, input }));
    });
    if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`);
    return result.value as T;
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * As the admin: give demo user agent01 extension 1001 on this Kamailio (WebRTC media), then run
 * `more` on the same admin connection (phone settings a test needs), and sign out.
 */
export async function giveAgent01Phone(hostUrl: string, pbx: { wsUrl: string; domain: string }, password: string, sipPassword: string,
  more?: (admin: ContractClient) => Promise<void>): Promise<void> {
  const admin = await ContractClient.connect(hostUrl);
  try {
    await admin.request('session.login', { username: 'admin', password });
    const users = await admin.request<Array<{ id: string; username: string }>>('users.list', {});
    const agent = users.find((u) => u.username === 'agent01');
    if (!agent) throw new Error('demo user agent01 not found');
    await admin.request('sip.setAccount', {
      userId: agent.id, wsUrl: pbx.wsUrl, aor: `1001@${pbx.domain}`, authUser: '1001', password: sipPassword, displayName: '坐席 1001', media: 'webrtc',
    });
    await more?.(admin);
  } finally {
    admin.close();
  }
}

/** Ticket statuses the screen pop lists as open (the rest are "past"). */
export const OPEN_STATUSES = ['registered', 'dispatched', 'signed', 'returned', 'handling', 'extension_requested', 'reopened'];

export interface CallerHistory { phone: string; total: number; open: number; past: number }

/**
 * A mobile number from the demo store with a few tickets, both open and finished ones, so the
 * screen pop has something in each list. Read-only: the host owns the database.
 */
export function pickCallerWithHistory(dataDir: string): CallerHistory {
  const db = new Database(join(dataDir, 'hotline.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const marks = OPEN_STATUSES.map(() => '?').join(',');
    const rows = db.prepare(`
      SELECT phone, count(*) AS total, sum(status IN (${marks})) AS open
      FROM tickets WHERE phone GLOB '1[3-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'
      GROUP BY phone HAVING total BETWEEN 2 AND 20 AND open >= 1 AND open < total
      ORDER BY total DESC, phone LIMIT 20`).all(...OPEN_STATUSES) as Array<{ phone: string; total: number; open: number }>;
    const row = rows.find((r) => { const n = normalizePhone(r.phone); return n.ok && n.phone.national === r.phone; });
    if (!row) throw new Error('no demo caller with both open and finished tickets');
    return { phone: row.phone, total: row.total, open: row.open, past: row.total - row.open };
  } finally {
    db.close();
  }
}

/** The caller page's RTP counters and SDPs (see caller-entry.ts). */
export function callerStatsOf(callerPage: Page): Promise<CallerStats> {
  return callerPage.evaluate(() => (globalThis as unknown as { callerStats(): Promise<CallerStats> }).callerStats());
}

/** What to look at when a call does not come up: both SDPs, the caller's log, Kamailio's and the host's logs. */
export async function callDiagnostics(callerPage: Page | undefined, kamailioTail: (() => string) | undefined, hostDataDir: string | undefined): Promise<string> {
  const parts: string[] = [];
  try {
    if (!callerPage) throw new Error('no caller page');
    const s = await callerStatsOf(callerPage);
    parts.push(`caller stats: ${JSON.stringify({ ...s, localSdp: undefined, remoteSdp: undefined })}`);
    parts.push(`caller local SDP:\n${s.localSdp ?? '-'}`, `caller remote SDP (the agent's):\n${s.remoteSdp ?? '-'}`);
    parts.push(`caller log:\n${(await callerPage.evaluate(() => (globalThis as unknown as { callerLog(): string[] }).callerLog())).join('\n')}`);
  } catch (e) { parts.push(`caller page: ${String(e)}`); }
  if (kamailioTail) parts.push(`kamailio log tail:\n${kamailioTail()}`);
  try {
    const dir = join(hostDataDir ?? '', 'logs');
    for (const f of readdirSync(dir)) parts.push(`host ${f} tail:\n${readFileSync(join(dir, f), 'utf8').split('\n').slice(-40).join('\n')}`);
  } catch { /* no logs */ }
  return parts.join('\n\n');
}

/**
 * Issue 12, a center past one server, end to end: a PostgreSQL cluster made by this test, two
 * console servers (`npm run server`, built) on that one database over TLS, two desks (host mode
 * as desks of the center) each on a different server, and Chromium pages on the desks and on a
 * server (the shift lead's wallboard).
 *
 * The agent at desk A (on server 1) escalates an appeal; the CPPCC member on duty at desk B (on
 * server 2) sees it arrive through the PostgreSQL bus and claims it; the lead on server 2 sees
 * both desks' agents change state on the wallboard (their phones register through Kamailio).
 * Then server 1 is killed: desk A goes on with server 2 (its center list names both), and an
 * appeal saved after that exists exactly once in the center's database.
 *
 * Needs `npm run build` first, PostgreSQL's server binaries, kamailio and Debian's Chromium.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import pg from 'pg';
import WebSocket from 'ws';
import type { Result } from '../../shared/contract';
import { createConsoleApp } from '../../electron/app/console-app';
import { loadDemoData, seedDemoKnowledge } from '../../electron/demo';
import { silentLogger } from '../../electron/log';
import { startPostgres, type PostgresServer } from '../support/postgres';
import { KamailioHarness, TEST_AGENTS } from '../sip/kamailio';
import { startHost, type RunningHost } from './host';
import { launchBrowser, login, newConsolePage, pickCategory, screenshot, settled } from './browser';

const run = promisify(execFile);
const PASSWORD = 'Demo-12345';
const TITLE = '两台服务器：工地夜间施工噪音反复投诉';
const AFTER_FAILOVER = '换服务器后：春华路路灯整夜不亮';
const work = mkdtempSync(join(tmpdir(), 'hotline-center-servers-'));

interface RunningServer { port: number; process: ChildProcess; stop(signal?: NodeJS.Signals): Promise<void> }

/** The built console server (dist/electron/server.js) on 127.0.0.1, a free port, TLS, the given database. */
async function startServer(name: string, storeUrl: string, tls: { cert: string; key: string }, secretKeyFile: string): Promise<RunningServer> {
  const child = fork(resolve('dist/electron/server.js'), [
    '--port', '0', '--data-dir', join(work, `data-${name}`), '--store-url', storeUrl, '--tls-cert', tls.cert, '--tls-key', tls.key,
    '--secret-key-file', secretKeyFile, '--config', join(work, 'server.json'),
  ], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HOTLINE_'))) });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdout?.resume();
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server ${name} did not start in 60 s: ${stderr}`)), 60_000);
    child.on('message', (m) => { const msg = m as { ready?: boolean; port: number }; if (msg.ready) { clearTimeout(timer); res(msg.port); } });
    child.on('exit', (code) => { clearTimeout(timer); rej(new Error(`server ${name} exited with ${code}: ${stderr}`)); });
  });
  return {
    port, process: child,
    stop: (signal = 'SIGTERM') => new Promise<void>((res) => {
      if (child.exitCode !== null || child.signalCode !== null) { res(); return; }
      child.once('exit', () => res());
      child.kill(signal);
    }),
  };
}

/** One contract request after another on a wss connection to a server (the admin's set-up). */
async function adminRequests(port: number, ca: Buffer, steps: (call: (name: string, input: unknown) => Promise<unknown>) => Promise<void>): Promise<void> {
  const ws = new WebSocket(`wss://127.0.0.1:${port}/rpc`, { ca });
  await new Promise<void>((res, rej) => { ws.once('open', () => res()); ws.once('error', rej); });
  let seq = 0;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  ws.on('message', (raw) => {
    const msg = JSON.parse(String(raw)) as { id?: number; result?: Result<unknown> };
    if (typeof msg.id === 'number' && msg.result) pending.get(msg.id)?.(msg.result);
  });
  try {
    await steps(async (name, input) => {
      const id = ++seq;
      const r = await new Promise<Result<unknown>>((res) => { pending.set(id, res); ws.send(JSON.stringify({ id, name, input })); });
      if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`);
      return r.value;
    });
  } finally {
    ws.close();
  }
}

let postgres: PostgresServer;
let dbUrl: string;
let kamailio: KamailioHarness;
const servers: RunningServer[] = [];
let deskA: RunningHost;
let deskB: RunningHost;
let browser: Browser;

beforeAll(async () => {
  const cert = join(work, 'center.crt');
  const key = join(work, 'center.key');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', '/CN=center', '-addext', 'subjectAltName=IP:127.0.0.1']);
  // Every page of this test comes from 127.0.0.1: the per-address sign-in limit is for a real network.
  writeFileSync(join(work, 'server.json'), JSON.stringify({ loginLimits: { perUser: { max: 100, windowSeconds: 60 }, perAddress: { max: 1000, windowSeconds: 60 } } }));
  [postgres, kamailio] = await Promise.all([startPostgres(), KamailioHarness.start()]);
  dbUrl = await postgres.createDatabase();
  // The center's database with the demo data and accounts, loaded once before the servers start.
  const loader = await createConsoleApp({
    dataDir: join(work, 'loader'), runtime: 'host', version: 'e2e', log: silentLogger,
    store: { kind: 'postgres', url: dbUrl }, demo: true, demoTickets: 200, loadDemoData, seedKnowledge: seedDemoKnowledge,
  });
  await loader.close();
  const secretKey = join(work, 'secret.key');
  // The first server makes the shared secret key; the second reads it.
  servers.push(await startServer('one', dbUrl, { cert, key }, secretKey));
  servers.push(await startServer('two', dbUrl, { cert, key }, secretKey));
  const ca = readFileSync(cert);
  await adminRequests(servers[0]!.port, ca, async (call) => {
    await call('session.login', { username: 'admin', password: PASSWORD });
    const users = await call('users.list', {}) as Array<{ id: string; username: string; displayName: string }>;
    for (const [username, ext] of [['agent01', '1001'], ['agent02', '1002']] as const) {
      const u = users.find((x) => x.username === username)!;
      await call('sip.setAccount', { userId: u.id, wsUrl: kamailio.wsUrl, aor: `${ext}@${kamailio.domain}`, authUser: ext, password: TEST_AGENTS[ext], displayName: u.displayName, media: 'null' });
    }
  });
  const [one, two] = servers.map((s) => `wss://127.0.0.1:${s.port}/rpc`);
  // Each desk lists both servers, its own first: the second is where it goes when the first is lost.
  [deskA, deskB] = await Promise.all([
    startHost({ env: { HOTLINE_CENTER: `${one}, ${two}`, HOTLINE_CENTER_CA: cert } }),
    startHost({ env: { HOTLINE_CENTER: `${two}, ${one}`, HOTLINE_CENTER_CA: cert } }),
  ]);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await deskA?.stop();
  await deskB?.stop();
  await Promise.all(servers.map((s) => s.stop()));
  await kamailio?.stop();
  await postgres?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function deskPage(desk: RunningHost, username: string): Promise<Page> {
  const page = await newConsolePage(browser, desk.url);
  await login(page, username, PASSWORD);
  await page.getByTestId('user-menu').waitFor();
  await page.locator('[data-testid="desk-sync"][data-online="true"]').waitFor();
  return page;
}

async function countTickets(title: string): Promise<number> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>('select count(*) n from tickets where title = $1', [title])).rows[0]!.n);
  } finally {
    await c.end();
  }
}

let agentA: Page;
let agentB: Page;
let member: Page;
let lead: Page;

describe('a center of two servers on one PostgreSQL, with two desks', () => {
  it('the lead on server 2 sees the agents of both desks sign their phones in', async () => {
    // The lead's page comes from server 2 itself, over TLS with the center's own certificate.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ignoreHTTPSErrors: true });
    lead = await context.newPage();
    await lead.goto(`https://127.0.0.1:${servers[1]!.port}/`);
    await login(lead, 'lead01', PASSWORD);
    await lead.getByTestId('wb-seats').waitFor();
    for (const ext of ['1001', '1002']) await lead.getByTestId(`seat-activity-${ext}`).filter({ hasText: '离线' }).waitFor();

    agentA = await deskPage(deskA, 'agent01');
    agentB = await deskPage(deskB, 'agent02');
    for (const [page, ext] of [[agentA, '1001'], [agentB, '1002']] as const) {
      const at = Date.now();
      await page.getByTestId('phone-sign-in').click();
      await page.getByTestId('registration').filter({ hasText: '已注册' }).waitFor({ timeout: 15_000 });
      await lead.getByTestId(`seat-activity-${ext}`).filter({ hasText: '示忙' }).waitFor({ timeout: 15_000 });
      console.info(`wallboard on server 2 showed ${ext} 示忙 ${Date.now() - at} ms after the phone sign-in click`);
    }
    const at = Date.now();
    await agentA.getByTestId('set-ready').click();
    await lead.getByTestId('seat-activity-1001').filter({ hasText: '就绪' }).waitFor({ timeout: 15_000 });
    console.info(`wallboard on server 2 showed desk A's 1001 就绪 ${Date.now() - at} ms after the click on desk A`);
    expect(await lead.getByTestId('seat-activity-1002').innerText()).toBe('示忙');
    await screenshot(lead, 'center-servers-lead-wallboard');
  });

  it('an escalation at desk A (server 1) is claimed by the member at desk B (server 2)', async () => {
    member = await deskPage(deskB, 'member01');
    await member.getByTestId('nav-consultation_queue').click();
    await member.getByRole('heading', { name: '待认领事项' }).waitFor();

    await agentA.getByTestId('intake-form').waitFor();
    await agentA.getByLabel('联系电话').fill('13687654321');
    await agentA.getByTestId('intake-form').getByText('投诉', { exact: true }).click();
    await pickCategory(agentA, '噪音');
    await agentA.getByLabel(/^标题/).fill(TITLE);
    await agentA.getByLabel(/^诉求内容/).fill('来电人反映小区北侧工地连续两个月夜间施工到凌晨，已投诉五次，部门答复后仍未停止。');
    await agentA.keyboard.press('Control+Shift+E');
    await agentA.getByTestId('escalate-reason').fill('反复投诉未解决，涉及住建、城管多个部门，需委员当面协调。');
    const sent = Date.now();
    await agentA.getByTestId('escalate-submit').click();
    const status = agentA.getByTestId('escalation-status');
    await status.waitFor();
    const itemNumber = /ZX\d{9}/.exec(await status.innerText())![0];

    const claim = member.getByTestId(`claim-${itemNumber}`);
    await claim.waitFor({ timeout: 15_000 });
    console.info(`escalation at desk A (server 1) reached desk B's queue (server 2) ${Date.now() - sent} ms after submit`);
    await screenshot(member, 'center-servers-desk-b-queue');
    await claim.click();
    await member.getByTestId('item-workspace').waitFor();
    await status.filter({ hasText: '张建国委员' }).waitFor({ timeout: 15_000 });
    await screenshot(agentA, 'center-servers-desk-a-claimed');
    expect(await countTickets(TITLE)).toBe(1);
  });

  it('server 1 killed: desk A goes on with server 2, and an appeal saved then exists once', async () => {
    await servers[0]!.stop('SIGKILL');
    const killed = Date.now();
    const online = agentA.locator('[data-testid="desk-sync"][data-online="true"]');
    // The desk notices the loss and reconnects to server 2; its window stays signed in.
    await agentA.locator('[data-testid="desk-sync"][data-online="false"]').waitFor({ timeout: 20_000 }).catch(() => {});
    await online.waitFor({ timeout: 30_000 });
    console.info(`desk A was back online (on server 2) ${Date.now() - killed} ms after server 1 was killed`);
    // The escalation left the ticket open in its drawer: close it and start a new appeal.
    await agentA.keyboard.press('Escape');
    await agentA.locator('.mantine-Drawer-overlay').waitFor({ state: 'detached' });
    await agentA.getByTestId('intake-form').getByRole('button', { name: '清空' }).click();
    await agentA.getByLabel('联系电话').fill('13812345678');
    await agentA.getByTestId('intake-form').getByText('求助', { exact: true }).click();
    await pickCategory(agentA, '路灯');
    await agentA.getByLabel(/^标题/).fill(AFTER_FAILOVER);
    await agentA.getByLabel(/^诉求内容/).fill('来电人反映春华路一段路灯整夜不亮，夜间行人和电动车通行危险。');
    await agentA.keyboard.press('Control+s');
    await agentA.getByTestId('ticket-detail').waitFor({ timeout: 15_000 });
    expect(await agentA.getByTestId('user-menu').count()).toBe(1);
    await expect.poll(() => countTickets(AFTER_FAILOVER), { timeout: 30_000 }).toBe(1);
    await settled(agentA.locator('.mantine-Drawer-content'));
    await screenshot(agentA, 'center-servers-desk-a-after-failover');
    // The lead, on the server that stayed, still sees desk A's seat.
    await lead.getByTestId('seat-activity-1001').waitFor();
    await screenshot(lead, 'center-servers-lead-after-failover');
    await screenshot(agentB, 'center-servers-desk-b-agent');
  });
});

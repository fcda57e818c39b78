/**
 * The live wallboard under a center's load (issue 13, Benchmarks): BENCH_WALL_AGENTS signed-in
 * agents (default 300), each its own WebSocket session against a host-mode console, report their
 * seats (seat.report, as desks of a center do) at BENCH_WALL_RATE events a second (default 50),
 * cycling 就绪 → 振铃 → 通话中 → 话后处理; a shift lead's wallboard is open in Debian Chromium.
 *
 * Measured for BENCH_WALL_SECONDS (default 60):
 * - event to screen: from the generator sending the report (so the trip into main is included) to
 *   the first animation frame after the seat's state shows in the DOM (a MutationObserver in the
 *   page, read in the next requestAnimationFrame); p50/p95/p99/max.
 * - the renderer's frame time: requestAnimationFrame deltas and long tasks (> 50 ms) meanwhile.
 * - main-process CPU per event: the host process's user+system CPU (/proc) over the phase / events.
 * Then an hour's worth of events (BENCH_WALL_HOUR_EVENTS, default rate × 3600) is sent compressed in
 * time at BENCH_WALL_SOAK_RATE a second (default 400), and memory is read: the host's RSS (/proc; its
 * JS heap is not reachable from outside the process) and the renderer's JS heap (performance.memory).
 *
 * The seat list is virtualized (about 20 of 300 rows in the DOM): on the real screen only the events
 * of seats in view are seen (the table says how many). BENCH_WALL_ALL_ROWS=1 gives the list the
 * height of every row, so every event is seen on a heavier page than the real one (an upper bound).
 * Needs `npm run build` first and /usr/bin/chromium.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startHost, type RunningHost } from '../e2e/host';
import { launchBrowser, login, newConsolePage, screenshot } from '../e2e/browser';
import { ContractClient } from '../e2e/webrtc/support';
import { percentile } from './harness';

const PASSWORD = 'Demo-12345';
type Step = 'ready' | 'ringing' | 'talking' | 'after_call_work';
const CYCLE: Step[] = ['ready', 'ringing', 'talking', 'after_call_work'];
/** What the board shows for each (zh-CN catalogue, wallboard.seats.activity). */
const LABEL: Record<Step, string> = { ready: '就绪', ringing: '振铃', talking: '通话中', after_call_work: '话后处理' };

export interface WallboardLiveOptions {
  agents: number; rate: number; seconds: number; hourEvents: number; soakRate: number;
  /** Render every seat row (a taller list than the screen's): every event is seen, on a heavier page. */
  allRows: boolean;
  /** Another checkout's build to run instead of this one's (its host and page). */
  appDir?: string;
  /** Node flags for the host (BENCH_WALL_HOST_ARGS, e.g. --cpu-prof). */
  hostArgs?: string[];
  log: (s: string) => void;
}

function report(step: Step) {
  const since = new Date().toISOString();
  switch (step) {
    case 'ready': return { agent: 'ready', registered: true, since, call: null };
    case 'ringing': return { agent: 'on_call', registered: true, since, call: { direction: 'inbound', remote: '13800138000', state: 'ringing', held: false } };
    case 'talking': return { agent: 'on_call', registered: true, since, call: { direction: 'inbound', remote: '13800138000', state: 'active', held: false } };
    case 'after_call_work': return { agent: 'after_call_work', registered: true, since, call: null };
  }
}

/** The host's CPU seconds (user + system) and resident memory, from /proc. */
function hostUsage(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuS, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

/** Gives every generated agent an account and a phone seat, straight into the host's store. */
function seedAgents(host: RunningHost, n: number): string[] {
  const db = new Database(join(host.dataDir, 'hotline.sqlite'));
  db.pragma('busy_timeout = 10000');
  try {
    const hash = (db.prepare('select password_hash from users where username = ?').get('agent01') as { password_hash: string }).password_hash;
    const at = new Date().toISOString();
    const user = db.prepare(`insert into users (id, username, display_name, password_hash, department_id, disabled, failed_attempts, locked_until, last_login_at, created_at, updated_at, must_change_password)
      values (?, ?, ?, ?, null, 0, 0, null, null, ?, ?, 0)`);
    const role = db.prepare('insert into user_roles (user_id, role) values (?, ?)');
    const sip = db.prepare(`insert into sip_accounts (user_id, ws_url, aor, auth_user, secret_enc, display_name, media_mode, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)`);
    const names: string[] = [];
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const id = `01900000-0000-7000-8000-${String(900000000000 + i)}`;
        const ext = String(7000 + i);
        const username = `bench${ext}`;
        user.run(id, username, `压测坐席${ext}`, hash, at, at);
        role.run(id, 'agent');
        sip.run(id, 'ws://127.0.0.1:9/ws', `sip:${ext}@bench.invalid`, ext, 'unused', `压测坐席${ext}`, 'null', at);
        names.push(username);
      }
    })();
    return names;
  } finally {
    db.close();
  }
}

/** Stamps, in the page, when each seat's state shows: the first animation frame after the DOM changed. */
async function instrument(page: Page, allRows: boolean): Promise<void> {
  if (allRows) await page.addStyleTag({ content: '[data-testid="wb-seats"] { height: 12000px !important; }' });
  // A string, so that the bench's Node types need no DOM: it runs in the page.
  await page.evaluate(`(() => {
    const w = window;
    w.__seen = []; w.__frames = []; w.__long = []; w.__measure = false;
    const last = new Map();
    let pending = false;
    const scan = (ts) => {
      pending = false;
      const at = performance.timeOrigin + ts;
      for (const el of document.querySelectorAll('[data-testid^="seat-activity-"]')) {
        const ext = el.dataset.testid.slice('seat-activity-'.length);
        const text = el.textContent || '';
        if (last.get(ext) !== text) { last.set(ext, text); w.__seen.push([ext, text, at]); }
      }
    };
    new MutationObserver(() => { if (!pending) { pending = true; requestAnimationFrame(scan); } })
      .observe(document.body, { subtree: true, childList: true, characterData: true });
    let prev = 0;
    const frame = (ts) => { if (w.__measure && prev) w.__frames.push(ts - prev); prev = ts; requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    new PerformanceObserver((list) => { if (w.__measure) for (const e of list.getEntries()) w.__long.push(e.duration); }).observe({ type: 'longtask' });
  })()`);
}

const pct = (xs: number[], p: number) => (xs.length ? percentile([...xs].sort((a, b) => a - b), p) : NaN);
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');

export async function benchWallboardLive(o: WallboardLiveOptions): Promise<string> {
  const host = await startHost({ demo: true, demoTickets: 2000, appDir: o.appDir, execArgv: o.hostArgs });
  const browser = await launchBrowser(['--enable-precise-memory-info']);
  const clients: ContractClient[] = [];
  try {
    o.log(`host ${host.url}, seeding ${o.agents} agents`);
    const usernames = seedAgents(host, o.agents);
    // Sign in a few at a time: each is a password check on the host (and 20 a minute per address are allowed to fail, not to succeed).
    for (let i = 0; i < usernames.length; i += 10) {
      const batch = await Promise.all(usernames.slice(i, i + 10).map(async (u) => {
        const c = await ContractClient.connect(host.url);
        await c.request('session.login', { username: u, password: PASSWORD });
        // Seats start spread over the cycle, as a shift's are: some ringing, some talking, some wrapping up.
        await c.request('seat.report', report(CYCLE[Number(u.slice('bench'.length)) % CYCLE.length]!));
        return c;
      }));
      clients.push(...batch);
    }
    o.log(`${clients.length} agents signed in and ready`);

    const lead = await newConsolePage(browser, host.url);
    await login(lead, 'lead01', PASSWORD);
    await lead.getByTestId('wb-seats').waitFor({ timeout: 60_000 });
    await instrument(lead, o.allRows);
    await (o.allRows ? lead.getByTestId(`seat-activity-${7000 + o.agents - 1}`) : lead.locator('[data-testid^="seat-activity-7"]').first()).waitFor({ timeout: 60_000 });
    await lead.waitForTimeout(1000);

    const step = Array.from({ length: o.agents }, (_, i) => (7000 + i) % CYCLE.length);
    let next = 0;
    let failed = 0;
    let firstFailure = '';
    /** Sends `count` events spread over the phase at `rate` a second; returns what was sent, when. */
    const send = async (count: number, rate: number, sent?: [string, string, number][]) => {
      const t0 = Date.now();
      const tick = 10;
      let done = 0;
      while (done < count) {
        const due = Math.min(count, Math.floor(((Date.now() - t0) / 1000) * rate) + 1);
        for (; done < due; done++) {
          const i = next; next = (next + 1) % o.agents;
          step[i] = (step[i]! + 1) % CYCLE.length;
          const s = CYCLE[step[i]!]!;
          sent?.push([String(7000 + i), LABEL[s], Date.now()]);
          clients[i]!.request('seat.report', report(s)).catch((e: unknown) => { failed++; firstFailure ||= String(e); });
        }
        await new Promise((r) => setTimeout(r, tick));
      }
    };

    // Measured phase.
    const events = Math.round(o.rate * o.seconds);
    const sent: [string, string, number][] = [];
    await lead.evaluate('window.__measure = true');
    const before = hostUsage(host.process.pid!);
    const t0 = Date.now();
    await send(events, o.rate, sent);
    const wall = (Date.now() - t0) / 1000;
    await lead.waitForTimeout(1500); // the last events land
    const after = hostUsage(host.process.pid!);
    const page = await lead.evaluate<{ seen: [string, string, number][]; frames: number[]; long: number[] }>(
      '(() => { window.__measure = false; return { seen: window.__seen, frames: window.__frames, long: window.__long }; })()');
    await screenshot(lead, 'wallboard-live-load');
    // Each sent event: the first time after its sending that its seat shows its state.
    const byExt = new Map<string, [string, number][]>();
    for (const [ext, text, at] of page.seen) (byExt.get(ext) ?? byExt.set(ext, []).get(ext)!).push([text, at]);
    const latencies: number[] = [];
    let missed = 0;
    for (const [ext, label, at] of sent) {
      const hit = byExt.get(ext)?.find(([text, seenAt]) => text.startsWith(label) && seenAt >= at - 2);
      if (hit) latencies.push(hit[1] - at); else missed++;
    }
    const cpuPerEventMs = ((after.cpuS - before.cpuS) * 1000) / events;

    // An hour's events, compressed in time, then memory.
    o.log(`measured ${events} events in ${wall.toFixed(1)} s; now ${o.hourEvents} more at ${o.soakRate}/s for memory`);
    const soakStart = Date.now();
    await send(o.hourEvents, o.soakRate);
    const soakSeconds = (Date.now() - soakStart) / 1000;
    await lead.waitForTimeout(3000);
    const mem = hostUsage(host.process.pid!);
    const heap = await lead.evaluate<number>('performance.memory ? performance.memory.usedJSHeapSize : NaN');
    const stillLive = await lead.getByTestId('wb-seat-counts').innerText();

    const wallUrl = new URL(host.url);
    wallUrl.search = '?wall&rotate=15';
    const wallPage = await newConsolePage(browser, wallUrl.toString());
    await login(wallPage, 'lead01', PASSWORD).catch(() => undefined);
    await wallPage.waitForTimeout(3000);
    const wallLoad = send(o.rate * 5, o.rate);
    await wallPage.waitForTimeout(2500);
    await screenshot(wallPage, 'wallboard-live-wall-mode');
    await wallLoad;

    const rows = [
      `### Live wallboard: ${o.agents} agents, ${o.rate} events/s for ${o.seconds} s (sent in ${wall.toFixed(1)} s), Debian Chromium, host mode, ${o.allRows ? 'every seat row rendered (heavier than the screen)' : 'the screen as it is (virtualized seat list)'}`,
      '',
      '| figure | p50 | p95 | p99 | max | budget |',
      '|---|---:|---:|---:|---:|---|',
      `| event → screen (ms), ${latencies.length} of ${events} seen${missed ? `, ${missed} not seen` : ''} | ${f(pct(latencies, 50))} | ${f(pct(latencies, 95))} | ${f(pct(latencies, 99))} | ${f(Math.max(...latencies))} | p99 ≤ 250 ms |`,
      `| frame time (ms), ${page.frames.length} frames | ${f(pct(page.frames, 50))} | ${f(pct(page.frames, 95))} | ${f(pct(page.frames, 99))} | ${f(Math.max(...page.frames))} | ≤ 16 ms |`,
      `| long tasks > 50 ms: ${page.long.length}${page.long.length ? `, longest ${f(Math.max(...page.long))} ms` : ''} | | | | | |`,
      '',
      `main process: ${f(cpuPerEventMs, 2)} ms CPU per event (${f(after.cpuS - before.cpuS, 1)} s CPU over ${events} events; includes receiving the 300 sessions' reports, the store write, the seat view and delivery), ${failed} reports failed`,
      `after an hour's count of events (${events + o.hourEvents} in all; ${o.hourEvents} sent compressed at ${f(o.hourEvents / soakSeconds, 0)}/s in ${f(soakSeconds, 0)} s): main RSS ${f(mem.rssMb, 0)} MB (was ${f(before.rssMb, 0)} MB before the measured phase), renderer JS heap ${f(heap / 1048576, 1)} MB; the board's counts after it: ${stillLive.replace(/\s+/g, ' ')}`,
      failed ? `first failed report: ${firstFailure}` : '',
    ];
    return rows.join('\n');
  } finally {
    for (const c of clients) c.close();
    await browser.close();
    await host.stop();
  }
}

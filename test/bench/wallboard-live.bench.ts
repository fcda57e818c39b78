/**
 * The live wallboard under a center's load (issue 13, Benchmarks): BENCH_WALL_AGENTS signed-in
 * agents (default 300), each its own WebSocket session against a host-mode console, report their
 * seats (seat.report, as desks of a center do) at BENCH_WALL_RATE events a second (default 50),
 * cycling 就绪 → 振铃 → 通话中 → 话后处理; a shift lead's wallboard is open in Debian Chromium.
 *
 * Measured for BENCH_WALL_SECONDS (default 60):
 * - event to screen, on what the lead is looking at: the seat list is virtualized and sorted busiest
 *   first, so of 300 seats about nine rows are on the screen, and rows move in and out of it as seats
 *   change. A row that scrolls into view because other seats left the view shows a state set seconds
 *   ago: timing it from that state's event (as this bench did before) is not a latency. Now:
 *   - seat rows: the bench keeps the board's order (activity, then name) from the events it sent,
 *     and times only events whose seat is in view (with a margin of BENCH_WALL_MARGIN rows for
 *     events in flight) before or after the event: from sending the report to the first animation
 *     frame in which the row is on screen (inside the list's visible area, not the overscan) with
 *     the new state, or has left the screen when the event took it out of view;
 *   - the aggregate tiles: BENCH_WALL_PROBES of the agents (not in the call cycle) go 示忙 one
 *     after another and back, a few times a second (part of the rate), so the 示忙 count on the
 *     board's header walks up and down by one; each of those events is timed to the first frame whose
 *     count includes it.
 *   Where the time goes, for the seat rows: report acknowledged by main (request in, store write),
 *   seat.changed received by the page's WebSocket, the page's DOM changed (React commit), the frame.
 * - the renderer's frame time: requestAnimationFrame intervals (16.7 ms at the display's 60 Hz
 *   whatever the work, so the budget of 16 ms of work a frame reads as: no frame missed), the frames
 *   missed, and long tasks (> 50 ms) meanwhile.
 * - main-process CPU per event: the host process's user+system CPU (/proc) over the phase / events.
 * Then an hour's worth of events (BENCH_WALL_HOUR_EVENTS, default rate × 3600) is sent compressed in
 * time at BENCH_WALL_SOAK_RATE a second (default 400), and memory is read: the host's RSS (/proc; its
 * JS heap is not reachable from outside the process) and the renderer's JS heap (performance.memory).
 *
 * BENCH_WALL_ALL_ROWS=1 gives the list the height of every row (every row drawn, a heavier page
 * than the real one); every seat event is then on the (tall) screen.
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
/** The board's order of activities (shared/domain/seats SEAT_ACTIVITY_ORDER): busiest first. */
const RANK: Record<Step, number> = { ringing: 0, talking: 1, after_call_work: 3, ready: 4 };
/** Generated seats: cycle agents from 7000, probes from 6900 (their names sort before, in the ready/示忙 groups far below the view). */
const CYCLE_EXT = 7000;
const PROBE_EXT = 6900;

export interface WallboardLiveOptions {
  agents: number; rate: number; seconds: number; hourEvents: number; soakRate: number;
  /** Render every seat row (a taller list than the screen's): every event is on the (tall) screen, on a heavier page. */
  allRows: boolean;
  /** Agents of the `agents` that walk the 示忙 count instead of cycling through calls (BENCH_WALL_PROBES, default 12). */
  probes: number;
  /** Probe events a second, part of `rate` (BENCH_WALL_PROBE_RATE, default 4). */
  probeRate: number;
  /** Rows of slack at the view's edge for events in flight (BENCH_WALL_MARGIN, default 3). */
  margin: number;
  /** Another checkout's build to run instead of this one's (its host and page). */
  appDir?: string;
  /** Node flags for the host (BENCH_WALL_HOST_ARGS, e.g. --cpu-prof). */
  hostArgs?: string[];
  log: (s: string) => void;
}

function report(step: Step | 'not_ready') {
  const since = new Date().toISOString();
  switch (step) {
    case 'ready': return { agent: 'ready', registered: true, since, call: null };
    case 'not_ready': return { agent: 'not_ready', reason: 'rest', registered: true, since, call: null };
    case 'ringing': return { agent: 'on_call', registered: true, since, call: { direction: 'inbound', remote: '13800138000', state: 'ringing', held: false } };
    case 'talking': return { agent: 'on_call', registered: true, since, call: { direction: 'inbound', remote: '13800138000', state: 'active', held: false } };
    case 'after_call_work': return { agent: 'after_call_work', registered: true, since, call: null };
  }
}

/** CPU seconds (user + system) of a /proc stat file. */
function cpuOf(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/**
 * The host's CPU seconds (user + system), all threads (workers of startup jobs included) and its
 * main thread alone (the JS event loop that serves requests), and resident memory, from /proc.
 */
function hostUsage(pid: number): { cpuS: number; mainCpuS: number; rssMb: number } {
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuS: cpuOf(`/proc/${pid}/stat`), mainCpuS: cpuOf(`/proc/${pid}/task/${pid}/stat`), rssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

/** Gives every generated agent (these extensions) an account and a phone seat, straight into the host's store. */
function seedAgents(host: RunningHost, extensions: number[]): string[] {
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
      for (const e of extensions) {
        const id = `01900000-0000-7000-8000-${String(900000000000 + e)}`;
        const ext = String(e);
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

/**
 * Stamps, in the page, before the console's script runs: each seat.changed its WebSocket receives
 * (extension, activity, when), and from the instrument below the frames.
 */
const RECEIVE_HOOK = `(() => {
  const w = window;
  w.__recv = []; w.__measure = false;
  const Native = w.WebSocket;
  w.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        if (!w.__measure || typeof ev.data !== 'string' || !ev.data.includes('"seat.changed"')) return;
        const at = performance.timeOrigin + performance.now();
        const ext = /"extension":"([^"]*)"/.exec(ev.data); const act = /"activity":"([^"]*)"/.exec(ev.data);
        if (ext && act) w.__recv.push([ext[1], act[1], at]);
      });
    }
  };
})()`;

/**
 * Stamps, in the page, what the lead sees: in the first animation frame after the DOM changed, each
 * seat row's state if the row is on the screen (inside the list's visible area) or null if not, when
 * that changed, with when the DOM changed (the React commit); and the 示忙 count on the header.
 */
async function instrument(page: Page, allRows: boolean): Promise<void> {
  if (allRows) await page.addStyleTag({ content: '[data-testid="wb-seats"] { height: 12000px !important; }' });
  // A string, so that the bench's Node types need no DOM: it runs in the page.
  await page.evaluate(`(() => {
    const w = window;
    w.__seen = []; w.__counts = []; w.__frames = []; w.__long = [];
    const last = new Map();
    let lastCount = null;
    let pending = false;
    let changedAt = 0;
    const scan = (ts, nowMs) => {
      pending = false;
      const at = performance.timeOrigin + (nowMs ?? ts);
      const list = document.querySelector('[data-testid="wb-seat-list"]');
      const box = list ? list.getBoundingClientRect() : null;
      const now = new Map();
      for (const el of document.querySelectorAll('[data-testid^="seat-activity-"]')) {
        const r = el.getBoundingClientRect();
        const mid = (r.top + r.bottom) / 2;
        if (box && mid > box.top && mid < box.bottom) now.set(el.dataset.testid.slice('seat-activity-'.length), el.textContent || '');
      }
      for (const [ext, text] of now) if (last.get(ext) !== text) { last.set(ext, text); w.__seen.push([ext, text, at, changedAt]); }
      for (const [ext] of last) if (!now.has(ext)) { last.delete(ext); w.__seen.push([ext, null, at, changedAt]); }
      const c = document.querySelector('[data-testid="seat-count-not_ready"]');
      const n = c ? Number(/(\\d+)\\s*$/.exec(c.textContent || '')?.[1]) : NaN;
      if (n !== lastCount) { lastCount = n; w.__counts.push([n, at]); }
    };
    // A change made while the frame's animation callbacks run (before its paint) is painted in that
    // frame; one made in a task, in the next. The frame's callbacks end before the next task runs.
    let frameTs = 0;
    let inFrame = false;
    const afterFrame = new MessageChannel();
    afterFrame.port1.onmessage = () => { inFrame = false; };
    new MutationObserver(() => {
      if (pending) return;
      pending = true;
      changedAt = performance.timeOrigin + performance.now();
      // In the frame: painted once its callbacks are done, now at the earliest; else at the next frame.
      if (inFrame) scan(frameTs, performance.now()); else requestAnimationFrame((ts) => scan(ts));
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['style'] });
    let prev = 0;
    const frame = (ts) => {
      frameTs = ts; inFrame = true; afterFrame.port2.postMessage(0);
      if (w.__measure && prev) w.__frames.push(ts - prev);
      prev = ts; requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    new PerformanceObserver((list) => { if (w.__measure) for (const e of list.getEntries()) w.__long.push(e.duration); }).observe({ type: 'longtask' });
    requestAnimationFrame((ts) => scan(ts));
  })()`);
}

/** Display frames that passed without a new frame of the page: each interval is a whole number of 60 Hz periods. */
const missedFrames = (intervals: number[]) => intervals.reduce((n, d) => n + Math.max(0, Math.round(d / (1000 / 60)) - 1), 0);
const pct = (xs: number[], p: number) => (xs.length ? percentile([...xs].sort((a, b) => a - b), p) : NaN);
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const line = (label: string, xs: number[], budget = '') => `| ${label} | ${f(pct(xs, 50))} | ${f(pct(xs, 95))} | ${f(pct(xs, 99))} | ${f(xs.length ? Math.max(...xs) : NaN)} | ${budget} |`;

/** One seat event as sent: its row's place on the board (generated seats only) before and after it. */
interface SentRow { ext: string; step: Step; at: number; ackAt?: number; before: number; after: number }
/** One probe event: the 示忙 count the board must show once it is drawn. */
interface SentProbe { count: number; at: number }

/** One run's samples (ms unless said), for pooling rounds of a comparison. */
export interface WallboardLiveResult {
  report: string;
  samples: { rows: number[]; tile: number[]; received: number[]; frames: number[] };
  missedFrames: number;
  longTasks: number;
  cpuPerEventMs: number;
  mainCpuPerEventMs: number;
  rssMb: number;
  heapMb: number;
}

export async function benchWallboardLive(o: WallboardLiveOptions): Promise<WallboardLiveResult> {
  const host = await startHost({ demo: true, demoTickets: 2000, appDir: o.appDir, execArgv: o.hostArgs });
  const browser = await launchBrowser(['--enable-precise-memory-info', '--js-flags=--expose-gc']);
  const clients: ContractClient[] = [];
  const probes: ContractClient[] = [];
  try {
    const cycling = o.agents - o.probes;
    o.log(`host ${host.url}, seeding ${cycling} agents in the call cycle and ${o.probes} probes`);
    const usernames = seedAgents(host, [...Array.from({ length: cycling }, (_, i) => CYCLE_EXT + i), ...Array.from({ length: o.probes }, (_, i) => PROBE_EXT + i)]);
    // Sign in a few at a time: each is a password check on the host (and 20 a minute per address are allowed to fail, not to succeed).
    const signedIn: ContractClient[] = [];
    for (let i = 0; i < usernames.length; i += 10) {
      const batch = await Promise.all(usernames.slice(i, i + 10).map(async (u) => {
        const c = await ContractClient.connect(host.url);
        await c.request('session.login', { username: u, password: PASSWORD });
        const ext = Number(u.slice('bench'.length));
        // Seats start spread over the cycle, as a shift's are: some ringing, some talking, some wrapping up. Probes start ready.
        await c.request('seat.report', report(ext >= CYCLE_EXT ? CYCLE[ext % CYCLE.length]! : 'ready'));
        return c;
      }));
      signedIn.push(...batch);
    }
    clients.push(...signedIn.slice(0, cycling));
    probes.push(...signedIn.slice(cycling));
    o.log(`${signedIn.length} agents signed in`);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await context.addInitScript(RECEIVE_HOOK);
    const lead = await context.newPage();
    await lead.goto(host.url);
    await login(lead, 'lead01', PASSWORD);
    await lead.getByTestId('wb-seats').waitFor({ timeout: 60_000 });
    await instrument(lead, o.allRows);
    await (o.allRows ? lead.getByTestId(`seat-activity-${CYCLE_EXT + cycling - 1}`) : lead.locator('[data-testid^="seat-activity-7"]').first()).waitFor({ timeout: 60_000 });
    await lead.waitForTimeout(1000);

    const step = Array.from({ length: cycling }, (_, i) => (CYCLE_EXT + i) % CYCLE.length);
    /** The row of cycle agent i on the board: seats of a busier activity, then those before it by name (same-length numbers: numeric). */
    const rowOf = (i: number) => {
      const rank = RANK[CYCLE[step[i]!]!];
      let n = 0;
      for (let j = 0; j < cycling; j++) {
        const r = RANK[CYCLE[step[j]!]!];
        if (r < rank || (r === rank && j < i)) n++;
      }
      return n;
    };
    // The rows on screen now, and whether the top of the board is the bench's order (no other seat above).
    const start = await lead.evaluate<{ seen: [string, string | null, number, number][] }>('({ seen: window.__seen })');
    const onScreen = new Map<string, string | null>();
    for (const [ext, text] of start.seen) onScreen.set(ext, text);
    const visible = [...onScreen.values()].filter((x) => x !== null).length;
    const topExpected = Array.from({ length: cycling }, (_, i) => i).filter((i) => rowOf(i) === 0).map((i) => String(CYCLE_EXT + i))[0];
    const counted = await lead.evaluate<[number, number][]>('window.__counts');
    const baseNotReady = counted.at(-1)?.[0] ?? 0;
    o.log(`${visible} seat rows on the lead's screen; board's top row expected ${topExpected}, on screen: ${[...onScreen].filter(([, x]) => x).map(([e]) => e).slice(0, 3).join(', ')}…; 示忙 ${baseNotReady}`);

    let next = 0;
    let probeNext = 0;
    let failed = 0;
    let firstFailure = '';
    const fail = (e: unknown) => { failed++; firstFailure ||= String(e); };
    /** Sends `count` events spread over the phase at `rate` a second (probes among them when measuring). */
    const send = async (count: number, rate: number, sent?: { rows: SentRow[]; probes: SentProbe[] }) => {
      const t0 = Date.now();
      const tick = 10;
      let done = 0;
      const probeEvery = sent && o.probes > 0 && o.probeRate > 0 ? Math.max(1, Math.round(rate / o.probeRate)) : 0;
      while (done < count) {
        const due = Math.min(count, Math.floor(((Date.now() - t0) / 1000) * rate) + 1);
        for (; done < due; done++) {
          if (probeEvery && done % probeEvery === probeEvery - 1) {
            // The 示忙 count walks 1, 2, … probes, then back down to 0, and again.
            const q = probeNext % (2 * o.probes);
            probeNext++;
            const up = q < o.probes;
            const which = up ? q : 2 * o.probes - 1 - q;
            sent!.probes.push({ count: baseNotReady + (up ? q + 1 : which), at: Date.now() });
            probes[which]!.request('seat.report', report(up ? 'not_ready' : 'ready')).catch(fail);
            continue;
          }
          const i = next; next = (next + 1) % cycling;
          const before = sent ? rowOf(i) : 0;
          step[i] = (step[i]! + 1) % CYCLE.length;
          const s = CYCLE[step[i]!]!;
          const row: SentRow | null = sent ? { ext: String(CYCLE_EXT + i), step: s, at: Date.now(), before, after: rowOf(i) } : null;
          if (row) sent!.rows.push(row);
          clients[i]!.request('seat.report', report(s)).then(() => { if (row) row.ackAt = Date.now(); }, fail);
        }
        await new Promise((r) => setTimeout(r, tick));
      }
    };

    // Measured phase.
    const events = Math.round(o.rate * o.seconds);
    const sent = { rows: [] as SentRow[], probes: [] as SentProbe[] };
    await lead.evaluate('window.__measure = true');
    const before = hostUsage(host.process.pid!);
    const t0 = Date.now();
    await send(events, o.rate, sent);
    const wall = (Date.now() - t0) / 1000;
    await lead.waitForTimeout(1500); // the last events land
    const after = hostUsage(host.process.pid!);
    const page = await lead.evaluate<{ seen: [string, string | null, number, number][]; counts: [number, number][]; recv: [string, string, number][]; frames: number[]; long: number[] }>(
      '(() => { window.__measure = false; return { seen: window.__seen, counts: window.__counts, recv: window.__recv, frames: window.__frames, long: window.__long }; })()');
    await screenshot(lead, 'wallboard-live-load');

    // Seat rows the lead sees change: in view (with the margin) before or after the event.
    const inView = visible - o.margin;
    const byExt = new Map<string, [string | null, number, number][]>();
    for (const [ext, text, at, changedAt] of page.seen) (byExt.get(ext) ?? byExt.set(ext, []).get(ext)!).push([text, at, changedAt]);
    const recvByExt = new Map<string, [string, number][]>();
    for (const [ext, activity, at] of page.recv) (recvByExt.get(ext) ?? recvByExt.set(ext, []).get(ext)!).push([activity, at]);
    const screen: number[] = [];
    const ack: number[] = [];
    const recv: number[] = [];
    const commit: number[] = [];
    const frame: number[] = [];
    const allRecv: number[] = [];
    let watched = 0;
    let missed = 0;
    for (const e of sent.rows) {
      const got = recvByExt.get(e.ext)?.find(([activity, at]) => activity === e.step && at >= e.at - 2);
      if (got) allRecv.push(got[1] - e.at);
      const enters = e.after < inView;
      if (!enters && !(e.before < inView)) continue;
      watched++;
      // On screen with the new state, or (leaving the view) gone from the screen.
      const hit = byExt.get(e.ext)?.find(([text, at]) => at >= e.at - 2 && (text === null ? !enters : text.startsWith(LABEL[e.step])));
      if (!hit) { missed++; continue; }
      screen.push(hit[1] - e.at);
      if (e.ackAt) ack.push(e.ackAt - e.at);
      if (got) { recv.push(got[1] - e.at); commit.push(hit[2] - got[1]); }
      frame.push(hit[1] - hit[2]);
    }
    // The 示忙 tile: each observed count is the newest probe sent with that count (the board draws the events in order).
    const tile: number[] = [];
    let matched = 0;
    for (const [n, at] of page.counts) {
      let j = matched;
      while (j < sent.probes.length && sent.probes[j]!.at <= at + 2 && sent.probes[j]!.count !== n) j++;
      if (j >= sent.probes.length || sent.probes[j]!.at > at + 2) continue;
      for (; matched <= j; matched++) tile.push(at - sent.probes[matched]!.at);
    }
    const cpuPerEventMs = ((after.cpuS - before.cpuS) * 1000) / events;
    const mainCpuPerEventMs = ((after.mainCpuS - before.mainCpuS) * 1000) / events;

    // An hour's events, compressed in time, then memory.
    o.log(`measured ${events} events in ${wall.toFixed(1)} s; now ${o.hourEvents} more at ${o.soakRate}/s for memory`);
    const soakStart = Date.now();
    await send(o.hourEvents, o.soakRate);
    const soakSeconds = (Date.now() - soakStart) / 1000;
    await lead.waitForTimeout(3000);
    const mem = hostUsage(host.process.pid!);
    // After a full collection: what the page keeps, not the garbage not yet collected.
    const heap = await lead.evaluate<number>('(() => { if (window.gc) window.gc(); return performance.memory ? performance.memory.usedJSHeapSize : NaN; })()');
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
      `### Live wallboard${o.appDir ? ` (build of ${o.appDir})` : ''}: ${o.agents} agents (${o.probes} of them walking the 示忙 count, ${o.probeRate}/s), ${o.rate} events/s for ${o.seconds} s (sent in ${wall.toFixed(1)} s), Debian Chromium, host mode, ${o.allRows ? 'every seat row rendered (heavier than the screen)' : `the screen as it is (virtualized seat list, ${visible} rows on screen)`}`,
      '',
      '| figure | p50 | p95 | p99 | max | budget |',
      '|---|---:|---:|---:|---:|---|',
      line(`event → screen, seat rows in view (ms): ${screen.length} of ${watched} events on screen (within ${inView} rows)${missed ? `, ${missed} not seen` : ''}`, screen, 'p99 ≤ 250 ms'),
      line(`event → screen, 示忙 tile (ms): ${tile.length} of ${sent.probes.length} probe events`, tile, 'p99 ≤ 250 ms'),
      line('… of the rows: report acknowledged by main (ms)', ack),
      line('… of the rows: seat.changed received by the page (ms)', recv),
      line('… of the rows: received → DOM changed (batching + React) (ms)', commit),
      line('… of the rows: DOM changed → its frame (ms; 0 when changed in the frame\'s own callbacks, before its paint)', frame),
      line(`every event: seat.changed received by the page (ms), ${allRecv.length} of ${sent.rows.length}`, allRecv),
      line(`frame interval (ms), ${page.frames.length} frames; 16.7 is every frame of the 60 Hz display, above it frames were missed: ${missedFrames(page.frames)} missed (${f((100 * missedFrames(page.frames)) / Math.max(1, page.frames.length + missedFrames(page.frames)), 2)}%)`, page.frames, '≤ 16 ms of work: no missed frame'),
      `| long tasks > 50 ms: ${page.long.length}${page.long.length ? `, longest ${f(Math.max(...page.long))} ms` : ''} | | | | | |`,
      '',
      `main process: ${f(cpuPerEventMs, 2)} ms CPU per event, of which its main thread ${f(mainCpuPerEventMs, 2)} ms (${f(after.cpuS - before.cpuS, 1)} s CPU over ${events} events; includes receiving the ${o.agents} sessions' reports, the store write, the seat view and delivery), ${failed} reports failed`,
      `after an hour's count of events (${events + o.hourEvents} in all; ${o.hourEvents} sent compressed at ${f(o.hourEvents / soakSeconds, 0)}/s in ${f(soakSeconds, 0)} s): main RSS ${f(mem.rssMb, 0)} MB (was ${f(before.rssMb, 0)} MB before the measured phase), renderer JS heap after a full GC ${f(heap / 1048576, 1)} MB; the board's counts after it: ${stillLive.replace(/\s+/g, ' ')}`,
      failed ? `first failed report: ${firstFailure}` : '',
    ];
    return {
      report: rows.join('\n'), samples: { rows: screen, tile, received: allRecv, frames: page.frames }, missedFrames: missedFrames(page.frames),
      longTasks: page.long.length, cpuPerEventMs, mainCpuPerEventMs, rssMb: mem.rssMb, heapMb: heap / 1048576,
    };
  } finally {
    for (const c of [...clients, ...probes]) c.close();
    await browser.close();
    await host.stop();
  }
}

/**
 * A baseline build (another checkout, `baselineDir`) and this one, run in alternation for `rounds`
 * rounds on the same machine, so that both see the same load of the machine; the samples of each
 * are pooled and printed side by side with every run's own table.
 */
export async function compareWallboardLive(o: WallboardLiveOptions, baselineDir: string, rounds: number): Promise<string> {
  const runs: { base: WallboardLiveResult[]; next: WallboardLiveResult[] } = { base: [], next: [] };
  const out: string[] = [];
  for (let r = 1; r <= rounds; r++) {
    for (const which of ['base', 'next'] as const) {
      o.log(`round ${r} of ${rounds}: ${which === 'base' ? `baseline ${baselineDir}` : 'this build'}`);
      const res = await benchWallboardLive({ ...o, appDir: which === 'base' ? baselineDir : undefined });
      runs[which].push(res);
      out.push(`${res.report}\n`);
    }
  }
  const pool = (xs: WallboardLiveResult[], k: keyof WallboardLiveResult['samples']) => xs.flatMap((x) => x.samples[k]);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const cell = (xs: number[]) => `${f(pct(xs, 50))} / ${f(pct(xs, 95))} / ${f(pct(xs, 99))} / ${f(xs.length ? Math.max(...xs) : NaN)}`;
  const figure = (label: string, k: keyof WallboardLiveResult['samples'], budget: string) => {
    const b = pool(runs.base, k);
    const n = pool(runs.next, k);
    return `| ${label} | ${b.length} | ${cell(b)} | ${n.length} | ${cell(n)} | ${f(pct(n, 99) / pct(b, 99), 2)} | ${budget} |`;
  };
  const missed = (xs: WallboardLiveResult[]) => {
    const missedN = xs.reduce((a, x) => a + x.missedFrames, 0);
    const frames = xs.reduce((a, x) => a + x.samples.frames.length, 0);
    return `${missedN} of ${frames + missedN} (${f((100 * missedN) / Math.max(1, frames + missedN), 2)}%)`;
  };
  return [
    `### Live wallboard, baseline (${baselineDir}) against this build: ${rounds} round(s) each, alternating, samples pooled; ${o.agents} agents, ${o.rate} events/s for ${o.seconds} s a run`,
    '',
    '| figure (ms) | baseline n | baseline p50 / p95 / p99 / max | this n | this p50 / p95 / p99 / max | p99 this / baseline | budget |',
    '|---|---:|---:|---:|---:|---:|---|',
    figure('event → screen, seat rows in view', 'rows', 'p99 ≤ 250 ms'),
    figure('event → screen, 示忙 tile', 'tile', 'p99 ≤ 250 ms'),
    figure('every event → received by the page', 'received', ''),
    figure('frame interval (16.7 = every frame at 60 Hz)', 'frames', 'no missed frame'),
    '',
    `frames missed: baseline ${missed(runs.base)}, this build ${missed(runs.next)}; long tasks > 50 ms: baseline ${runs.base.reduce((a, x) => a + x.longTasks, 0)}, this build ${runs.next.reduce((a, x) => a + x.longTasks, 0)}`,
    `main CPU per event (mean of runs): baseline ${f(mean(runs.base.map((x) => x.cpuPerEventMs)), 2)} ms (main thread ${f(mean(runs.base.map((x) => x.mainCpuPerEventMs)), 2)} ms), this build ${f(mean(runs.next.map((x) => x.cpuPerEventMs)), 2)} ms (main thread ${f(mean(runs.next.map((x) => x.mainCpuPerEventMs)), 2)} ms)`,
    `memory after the soak (last run): baseline main RSS ${f(runs.base.at(-1)!.rssMb, 0)} MB, renderer heap ${f(runs.base.at(-1)!.heapMb, 1)} MB; this build main RSS ${f(runs.next.at(-1)!.rssMb, 0)} MB, renderer heap ${f(runs.next.at(-1)!.heapMb, 1)} MB`,
    '',
    '#### Each run',
    '',
    ...out,
  ].join('\n');
}

/**
 * A center with many desks (issue 12): BENCH_DESKS WebSocket desks (default 200) against one, then
 * two console servers (`npm run server` from source, 127.0.0.1, no TLS) on one PostgreSQL database.
 *
 * - Demo data (BENCH_DESK_TICKETS tickets, default 20,000) is loaded once in this process through
 *   createConsoleApp, with one agent account per desk (bench001 …, role agent): the demo has only
 *   two agents, and a center's desks sign in as different people.
 * - Each desk signs in, then for BENCH_DESK_SECONDS (default 60) works in a loop with 2–4 s of think
 *   time: 40 % screen pop, 25 % search, 20 % intake (tickets.create with a clientId), 8 % recent
 *   tickets, 7 % overview stats. Every request's latency is kept, per kind.
 * - Cross-desk events: a new ticket's ticket.changed goes to every agent; the time from the
 *   creating desk's send to its arrival at each other desk is kept, split by same/other server.
 * - Server CPU (utime+stime from /proc) over the loop and RSS (VmRSS) idle vs. after the loop;
 *   PostgreSQL's CPU too (the postmaster with its reaped children, plus the live backends).
 * - Outbox replay: 20 desks each replay 10 writes made during a 10-minute cut (registeredAt one a
 *   minute back), in order per desk, all desks at once; then the same writes again (replies lost);
 *   PostgreSQL must hold each ticket and its register event exactly once.
 *
 * The load generator runs in this process on the same machine: its CPU is reported beside the
 * servers', and on a small machine the latencies include its queueing.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import pg from 'pg';
import { createConsoleApp } from '../../electron/app/console-app';
import { loadDemoData, seedDemoKnowledge } from '../../electron/demo';
import { silentLogger } from '../../electron/log';
import { uuidv7 } from '../../electron/util/ids';
import type { Result, TicketChanged } from '../../shared/contract';
import { spawnServerFromSource, type SpawnedHost } from '../security/spawn-host';
import { startPostgres, type PostgresServer } from '../support/postgres';
import { WireClient } from '../support/wire-client';
import { fmtMs, percentile } from './harness';

const PASSWORD = 'Bench-desk-2026';
const KINDS = ['phone.screenPop', 'tickets.search', 'tickets.create', 'tickets.recent', 'stats.overview'] as const;
type Kind = (typeof KINDS)[number];
const MIX: [Kind, number][] = [['phone.screenPop', 0.40], ['tickets.search', 0.25], ['tickets.create', 0.20], ['tickets.recent', 0.08], ['stats.overview', 0.07]];
const SEARCH_WORDS = ['路灯', '噪音', '停车', '物业', '供暖', '垃圾', '漏水', '施工', '公交', '医保', '拖欠工资', '占道'];
const TITLES = ['小区门口路灯不亮', '夜间施工噪音扰民', '楼道堆放杂物', '公交站台破损', '物业费收费不合理', '供暖温度不达标'];
const CONTENTS = ['来电人反映小区门口路灯已经坏了一周，夜间出行不便，请尽快维修。', '来电人反映附近工地夜间十点后仍在施工，噪音很大，影响休息。',
  '来电人反映楼道内长期堆放杂物，存在消防隐患，希望物业清理。', '来电人咨询医保异地就医备案需要哪些材料，在哪里办理。'];
const CLOCK_TICKS_PER_S = 100;

export interface DeskBenchOptions {
  desks: number;
  seconds: number;
  tickets: number;
  /** Outbox replay: desks and writes each. */
  replayDesks: number;
  replayWrites: number;
  log: (s: string) => void;
}

interface ProcSample { cpuMs: number; rssMb: number }
interface PhaseResult {
  servers: number;
  latency: Map<Kind, number[]>;
  errors: Map<string, number>;
  eventSame: number[];
  eventOther: number[];
  eventsExpected: number;
  eventsReceived: number;
  loopMs: number;
  requests: number;
  serverCpuMs: number;
  probeMs: number[];
  /** The load generator's event-loop delay (ms): p99, max. */
  benchLoopDelay: { p99: number; max: number };
  /** Replies over 250 ms: how many, and in which seconds of the run. */
  slow: { replies: number; seconds: string[] };
  /** Server log lines at warn/error, or about retraining, by message. */
  serverLog: Map<string, number>;
  /** Servers' CPU while idle, per millisecond. */
  serverIdleCpu: number;
  replayDesks: number;
  serverIdleRssMb: number;
  serverLoadedRssMb: number;
  serverSignedInRssMb: number;
  pgCpuMs: number;
  machineCpuMs: number;
  benchCpuMs: number;
  replay: { writes: number; ms: number; lat: number[]; againMs: number; againOk: number; errors: Map<string, number>; tickets: number; distinct: number; registerEvents: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** utime+stime (ms) and VmRSS (MB) of one process; `children` adds the reaped children's time (cutime+cstime). */
function procSample(pid: number, children = false): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuMs: ticks * (1000 / CLOCK_TICKS_PER_S), rssMb: rss ? Number(rss[1]) / 1024 : 0 };
}

/** The whole machine's busy CPU time so far (ms, all cores), from /proc/stat: what else ran beside the bench shows. */
function machineBusyMs(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const busy = f.slice(0, 8).reduce((a, v, i) => (i === 3 || i === 4 ? a : a + v), 0);
  return busy * (1000 / CLOCK_TICKS_PER_S);
}

/** PostgreSQL's CPU so far: the postmaster listening on `port` (with its reaped children) and its live children. */
function postgresCpuMs(port: number): number {
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const read = (pid: number, what: 'cmdline' | 'stat') => { try { return readFileSync(`/proc/${pid}/${what}`, 'utf8'); } catch { return ''; } };
  // pg_ctl starts it through a shell: `.../bin/postgres -D … -p PORT …`, one argument each.
  const master = pids.find((pid) => {
    const cmd = read(pid, 'cmdline').split('\0');
    const p = cmd.indexOf('-p');
    return /postgres$/.test(cmd[0] ?? '') && p > 0 && cmd[p + 1] === String(port);
  });
  if (master === undefined) return NaN;
  let total = procSample(master, true).cpuMs;
  for (const pid of pids) {
    const stat = read(pid, 'stat');
    if (!stat) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[1]) === master) total += (Number(f[11]) + Number(f[12])) * (1000 / CLOCK_TICKS_PER_S);
  }
  return total;
}

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(Math.random() * xs.length)]!;
}

function kindAt(r: number): Kind {
  let acc = 0;
  for (const [k, p] of MIX) {
    acc += p;
    if (r < acc) return k;
  }
  return MIX[MIX.length - 1]![0];
}

const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

/** Loads the demo data and the desks' accounts into `url` once; returns callers' phones and leaf categories. */
async function prepareDatabase(url: string, opts: DeskBenchOptions, work: string): Promise<{ phones: string[]; leaves: string[] }> {
  const t0 = performance.now();
  const app = await createConsoleApp({
    dataDir: join(work, 'loader'), runtime: 'host', version: 'bench', log: silentLogger,
    store: { kind: 'postgres', url }, demo: true, demoTickets: opts.tickets, loadDemoData, seedKnowledge: seedDemoKnowledge,
  });
  try {
    opts.log(`  demo data (${opts.tickets} tickets) loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (let i = 0; i < opts.desks; i += 8) {
      await Promise.all(Array.from({ length: Math.min(8, opts.desks - i) }, (_, j) => app.users.create(
        { username: deskUser(i + j), displayName: `坐席${i + j + 1}`, password: PASSWORD, roles: ['agent'] }, null, { skipStrength: true })));
    }
    const phones = (await app.store.db.selectFrom('citizens').select('phone').limit(2000).execute()).map((r) => r.phone).filter((p): p is string => !!p);
    const leaves = (await app.store.db.selectFrom('categories').select('id').where('level', '=', 3).limit(200).execute()).map((r) => r.id);
    if (!phones.length || !leaves.length) throw new Error('demo data without callers or leaf categories');
    opts.log(`  ${opts.desks} desk accounts created; ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
    return { phones, leaves };
  } finally {
    await app.close();
  }
}

/** The servers' JSON log lines at warn or error, or about the category model, counted by message. */
function serverLogOf(servers: SpawnedHost[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of servers) {
    for (const line of s.stdout().split('\n')) {
      if (!line) continue;
      try {
        const j = JSON.parse(line) as { level?: string; msg?: string; message?: string };
        const msg = j.msg ?? j.message ?? '';
        if (j.level === 'warn' || j.level === 'error' || /retrain|category/.test(msg)) bump(m, `${j.level ?? '?'}: ${msg}`);
      } catch {
        bump(m, 'not JSON');
      }
    }
  }
  return m;
}

const deskUser = (i: number) => `bench${String(i + 1).padStart(3, '0')}`;

async function startServers(n: number, url: string, work: string, phase: string): Promise<{ servers: SpawnedHost[]; ports: number[] }> {
  // Every desk of this bench comes from 127.0.0.1: the per-address sign-in limit (20 a minute) is for a real network.
  const config = join(work, 'server.json');
  writeFileSync(config, JSON.stringify({ loginLimits: { perUser: { max: 1000, windowSeconds: 60 }, perAddress: { max: 10_000, windowSeconds: 60 } } }));
  const servers = Array.from({ length: n }, (_, i) => spawnServerFromSource(join(work, `data-${phase}-${i}`), ['--config', config, '--store-url', url]));
  const ports: number[] = [];
  for (const s of servers) {
    const o = await s.outcome;
    if (!o.ready) {
      await Promise.all(servers.map((x) => x.stop()));
      throw new Error(`server did not start (${o.code}): ${o.stderr.slice(-2000)}`);
    }
    ports.push(o.port);
  }
  return { servers, ports };
}

function appealInput(leaves: string[], phones: string[], extra: Record<string, unknown>) {
  return {
    channel: 'phone', citizen: { phone: pick(phones), confidential: false }, appealType: pick(['complaint', 'consultation', 'help', 'suggestion']),
    categoryId: pick(leaves), urgency: 'normal', title: pick(TITLES), content: pick(CONTENTS), ...extra,
  };
}

async function runPhase(serverCount: number, url: string, pgServer: PostgresServer, data: { phones: string[]; leaves: string[] }, opts: DeskBenchOptions, work: string): Promise<PhaseResult> {
  const { log } = opts;
  log(`${serverCount} server(s): starting ...`);
  const { servers, ports } = await startServers(serverCount, url, work, `s${serverCount}`);
  const desks: { client: WireClient; server: number }[] = [];
  try {
    // Idle: no desk connected. A server may work in the background after its start (a category
    // model retrained after the last phase's back-dated writes): wait until the servers are quiet.
    const idleMs = 3000;
    const settleEnd = performance.now() + 60_000;
    let idle: ProcSample[];
    let idleCpuMs: number;
    for (;;) {
      idle = servers.map((s) => procSample(s.process.pid!));
      await sleep(idleMs);
      idleCpuMs = servers.reduce((a, s, i) => a + procSample(s.process.pid!).cpuMs - idle[i]!.cpuMs, 0);
      if (idleCpuMs / idleMs < 0.03 || performance.now() > settleEnd) break;
      log(`  servers busy while idle (${((idleCpuMs / idleMs) * 100).toFixed(0)} % of a core): waiting`);
    }
    // One signed-out probe per server: session.current answers from memory, so its round trip shows the server's event loop.
    const probes = await Promise.all(ports.map((p) => WireClient.open(p, '')));
    const probeMs: number[] = [];
    // Connect and sign in, a few at a time (a center's desks come in over the start of a shift).
    for (let i = 0; i < opts.desks; i += 10) {
      await Promise.all(Array.from({ length: Math.min(10, opts.desks - i) }, async (_, j) => {
        const server = (i + j) % serverCount;
        const client = await WireClient.open(ports[server]!, '');
        const r = await client.call('session.login', { username: deskUser(i + j), password: PASSWORD });
        if (!r.ok) throw new Error(`sign-in of ${deskUser(i + j)} refused: ${JSON.stringify(r.error)}`);
        desks[i + j] = { client, server };
      }));
    }
    const signedIn = servers.map((s) => procSample(s.process.pid!));
    log(`  ${opts.desks} desks signed in; working for ${opts.seconds} s ...`);

    const latency = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
    const errors = new Map<string, number>();
    const sent = new Map<string, { at: number; desk: number; server: number }>();
    const eventSame: number[] = [];
    const eventOther: number[] = [];
    let eventsExpected = 0;
    let eventsReceived = 0;
    let measuring = true;
    desks.forEach((d, di) => {
      d.client.onEvent = (name, payload) => {
        d.client.events.length = 0;
        if (name !== 'ticket.changed' || !measuring) return;
        const at = performance.now();
        const origin = sent.get((payload as TicketChanged).ticketId);
        if (!origin || origin.desk === di) return;
        eventsReceived++;
        (origin.server === d.server ? eventSame : eventOther).push(at - origin.at);
      };
    });

    const eld = monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    const slowSeconds = new Map<string, number>();
    const cpu0 = servers.map((s) => procSample(s.process.pid!).cpuMs);
    const pg0 = postgresCpuMs(pgServer.port);
    const machine0 = machineBusyMs();
    const bench0 = process.cpuUsage();
    const t0 = performance.now();
    const end = t0 + opts.seconds * 1000;
    let requests = 0;
    const probing = probes.map(async (p) => {
      while (performance.now() < end) {
        const a = performance.now();
        await p.call('session.current', {});
        probeMs.push(performance.now() - a);
        await sleep(100);
      }
    });
    const loop = async (di: number) => {
      const d = desks[di]!;
      await sleep(Math.random() * 3000);
      while (performance.now() < end) {
        const kind = kindAt(Math.random());
        let input: unknown;
        let clientId: string | null = null;
        if (kind === 'phone.screenPop') input = { phone: pick(data.phones) };
        else if (kind === 'tickets.search') input = { text: pick(SEARCH_WORDS), limit: 20 };
        else if (kind === 'tickets.recent') input = { limit: 50 };
        else if (kind === 'stats.overview') input = {};
        else {
          clientId = uuidv7();
          input = appealInput(data.leaves, data.phones, { clientId });
        }
        const at = performance.now();
        if (clientId) sent.set(clientId, { at, desk: di, server: d.server });
        const r: Result<unknown> = await d.client.call(kind, input);
        const ms = performance.now() - at;
        requests++;
        if (ms > 250) bump(slowSeconds, String(Math.floor((at - t0) / 1000)));
        if (r.ok) {
          latency.get(kind)!.push(ms);
          if (clientId) eventsExpected += opts.desks - 1;
        } else {
          const reason = r.error.details?.reason;
          bump(errors, `${kind}: ${r.error.code}${reason ? ` (${String(reason)})` : ''}`);
        }
        // Think time, cut short at the end so the CPU window holds work only.
        await sleep(Math.min(2000 + Math.random() * 2000, Math.max(0, end - performance.now())));
      }
    };
    await Promise.all([...desks.map((_, i) => loop(i)), ...probing]);
    const loopMs = performance.now() - t0;
    eld.disable();
    for (const p of probes) p.ws.close();
    const cpu1 = servers.map((s) => procSample(s.process.pid!).cpuMs);
    const pg1 = postgresCpuMs(pgServer.port);
    const machine1 = machineBusyMs();
    const bench1 = process.cpuUsage(bench0);
    // Events of the last writes still on their way.
    await sleep(3000);
    measuring = false;
    const loaded = servers.map((s) => procSample(s.process.pid!));
    log(`  loop done: ${requests} requests in ${(loopMs / 1000).toFixed(1)} s; outbox replay ...`);

    // Outbox replay after a 10-minute cut: desks replay in order, all desks at once.
    const k = Math.min(opts.replayDesks, desks.length);
    const base = Date.now();
    const writes = Array.from({ length: k }, (_, di) => Array.from({ length: opts.replayWrites }, (_, j) => {
      // Saved one a minute during the cut: the desk made the id and the time then.
      const savedAt = base - (opts.replayWrites - j) * 60_000 + di;
      const clientId = uuidv7(savedAt);
      return { di, clientId, input: appealInput(data.leaves, data.phones, { clientId, registeredAt: new Date(savedAt).toISOString() }) };
    }));
    const replayErrors = new Map<string, number>();
    const lat: number[] = [];
    const replayOnce = async (keep: boolean) => {
      let ok = 0;
      const r0 = performance.now();
      await Promise.all(writes.map(async (list) => {
        for (const w of list) {
          const a = performance.now();
          const r = await desks[w.di]!.client.call('tickets.create', w.input);
          if (keep) lat.push(performance.now() - a);
          if (r.ok) ok++; else bump(replayErrors, `${keep ? '' : 'again: '}tickets.create: ${r.error.code}`);
        }
      }));
      return { ms: performance.now() - r0, ok };
    };
    const first = await replayOnce(true);
    const again = await replayOnce(false);
    const ids = writes.flat().map((w) => w.clientId);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    let counts: { n: number; d: number; e: number };
    try {
      const t = await client.query<{ n: number; d: number }>('select count(*)::int as n, count(distinct id)::int as d from tickets where id::text = any($1::text[])', [ids]);
      const e = await client.query<{ e: number }>('select count(*)::int as e from ticket_events where ticket_id::text = any($1::text[])', [ids]);
      counts = { n: t.rows[0]!.n, d: t.rows[0]!.d, e: e.rows[0]!.e };
    } finally {
      await client.end();
    }
    return {
      servers: serverCount, latency, errors, eventSame, eventOther, eventsExpected, eventsReceived, loopMs, requests,
      probeMs, benchLoopDelay: { p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 },
      slow: { replies: [...slowSeconds.values()].reduce((a, b) => a + b, 0), seconds: [...slowSeconds].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([sec, n]) => `${sec} s: ${n}`) },
      serverLog: serverLogOf(servers),
      serverCpuMs: cpu1.reduce((a, c, i) => a + c - cpu0[i]!, 0), serverIdleCpu: idleCpuMs / idleMs, replayDesks: k,
      serverIdleRssMb: idle.reduce((a, s) => a + s.rssMb, 0),
      serverLoadedRssMb: loaded.reduce((a, s) => a + s.rssMb, 0),
      serverSignedInRssMb: signedIn.reduce((a, s) => a + s.rssMb, 0),
      pgCpuMs: pg1 - pg0, machineCpuMs: machine1 - machine0,
      benchCpuMs: (bench1.user + bench1.system) / 1000,
      replay: { writes: ids.length, ms: first.ms, lat, againMs: again.ms, againOk: again.ok, errors: replayErrors, tickets: counts.n, distinct: counts.d, registerEvents: counts.e },
    };
  } finally {
    for (const d of desks) d?.client.ws.close();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

export async function benchDesks(opts: DeskBenchOptions): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'hotline-bench-desks-'));
  const pgServer = await startPostgres({ durable: true });
  const results: PhaseResult[] = [];
  try {
    const url = await pgServer.createDatabase();
    opts.log('desks: loading demo data ...');
    const data = await prepareDatabase(url, opts, work);
    for (const n of [1, 2]) results.push(await runPhase(n, url, pgServer, data, opts, work));
  } finally {
    await pgServer.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return report(results, opts);
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

function report(results: PhaseResult[], opts: DeskBenchOptions): string {
  const out: string[] = [];
  out.push(`### A center with ${opts.desks} desks: one and two console servers on one PostgreSQL (${opts.tickets.toLocaleString('en')} demo tickets, ${opts.seconds} s of work each)\n`);
  out.push('| servers | measure | n | p50 | p90 | p99 | max | errors |', '|---:|---|---:|---:|---:|---:|---:|---:|');
  const line = (servers: number, name: string, ms: number[], errs: number) => {
    const s = [...ms].sort((a, b) => a - b);
    const f = (ms: number) => (Number.isNaN(ms) ? '–' : fmtMs(ms));
    out.push(row([servers, name, s.length, f(percentile(s, 50)), f(percentile(s, 90)), f(percentile(s, 99)), s.length ? fmtMs(s[s.length - 1]!) : '–', errs]));
  };
  for (const r of results) {
    const errsOf = (k: string) => [...r.errors].filter(([key]) => key.startsWith(`${k}:`)).reduce((a, [, n]) => a + n, 0);
    for (const k of KINDS) line(r.servers, k === 'tickets.create' ? 'tickets.create (intake write)' : k, r.latency.get(k)!, errsOf(k));
    line(r.servers, 'ticket.changed to desks on the same server', r.eventSame, 0);
    if (r.servers > 1) line(r.servers, 'ticket.changed to desks on the other server', r.eventOther, 0);
    line(r.servers, 'probe: session.current, signed out (server event loop)', r.probeMs, 0);
    line(r.servers, 'outbox replay: one write', r.replay.lat, [...r.replay.errors].filter(([k]) => !k.startsWith('again')).reduce((a, [, n]) => a + n, 0));
  }
  out.push('', '| servers | requests/s | server CPU (idle) | server CPU ms per desk per minute (above idle) | server RSS idle → desks signed in → after the work | RSS per desk (signed in − idle) | PostgreSQL CPU | load generator CPU | other processes on the machine | ticket.changed delivered |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const min = r.loopMs / 60_000;
    const pct = (ms: number) => `${((ms / r.loopMs) * 100).toFixed(0)} %`;
    const aboveIdle = r.serverCpuMs - r.serverIdleCpu * r.loopMs;
    out.push(row([r.servers, (r.requests / (r.loopMs / 1000)).toFixed(1), `${pct(r.serverCpuMs)} of a core (${(r.serverIdleCpu * 100).toFixed(1)} %)`, (aboveIdle / opts.desks / min).toFixed(1),
      `${r.serverIdleRssMb.toFixed(0)} → ${r.serverSignedInRssMb.toFixed(0)} → ${r.serverLoadedRssMb.toFixed(0)} MB`, `${((r.serverSignedInRssMb - r.serverIdleRssMb) / opts.desks).toFixed(2)} MB`,
      `${pct(r.pgCpuMs)} of a core`, `${pct(r.benchCpuMs)} of a core`, `${pct(r.machineCpuMs - r.serverCpuMs - r.pgCpuMs - r.benchCpuMs)} of a core`, `${r.eventsReceived} of ${r.eventsExpected}`]));
  }
  out.push('', '| servers | outbox replay | writes | time | writes/s | replayed again (replies lost) | tickets in PostgreSQL | distinct | register events |', '|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const p = r.replay;
    out.push(row([r.servers, `${r.replayDesks} desks × ${opts.replayWrites} writes (10-minute cut)`, p.writes, fmtMs(p.ms), (p.writes / (p.ms / 1000)).toFixed(0),
      `${p.againOk} ok in ${fmtMs(p.againMs)}`, p.tickets, p.distinct, p.registerEvents]));
  }
  const errs = results.flatMap((r) => [...r.errors].map(([k, n]) => `${r.servers} server(s): ${k} ×${n}`).concat([...r.replay.errors].map(([k, n]) => `${r.servers} server(s), replay: ${k} ×${n}`)));
  for (const r of results) {
    out.push('', `${r.servers} server(s): load generator event-loop delay p99 ${fmtMs(r.benchLoopDelay.p99)}, max ${fmtMs(r.benchLoopDelay.max)};`
      + ` ${r.slow.replies} replies over 250 ms, most in seconds ${r.slow.seconds.join(', ') || '–'} of the run.`
      + (r.serverLog.size ? ` Server log: ${[...r.serverLog].map(([k, n]) => `${k} ×${n}`).join('; ')}.` : ' Server log: no warning.'));
  }
  out.push('', errs.length ? `Errors returned: ${errs.join('; ')}.` : 'No request was refused.');
  for (const r of results) {
    const p99 = percentile([...r.eventSame, ...r.eventOther].sort((a, b) => a - b), 99);
    const intake = percentile([...r.latency.get('tickets.create')!].sort((a, b) => a - b), 99);
    out.push(`${r.servers} server(s): cross-desk event p99 ${fmtMs(p99)}: budget ≤ 300 ms ${p99 <= 300 ? 'MET' : 'NOT MET'}; intake write p99 ${fmtMs(intake)}.`
      + ` Replay: ${r.replay.tickets === r.replay.writes && r.replay.distinct === r.replay.writes && r.replay.registerEvents === r.replay.writes ? 'every clientId exactly once' : 'MISMATCH in PostgreSQL'}.`);
  }
  out.push('', 'Latencies are from the desk\'s send to its reply (or, for events, from the creating desk\'s send to the event\'s arrival), measured by a load generator on the same machine.'
    + ' Each desk is its own agent account (bench001 …). RSS per desk is the servers\' VmRSS with the desks signed in minus the idle servers\', over the desks (GC makes it rough; a negative figure is GC noise).');
  return out.join('\n');
}

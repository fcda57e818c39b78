/**
 * Incoming-call latency of the console's main process, end to end over real SIP:
 *   sipp (citizen, UDP) → private Kamailio → WebSocket → sip.js in main → seat (auto-answer) + screen pop.
 *
 * Run: npx tsx test/bench/sip/calls.bench.ts
 *   BENCH_CALLS=200     calls per phase and grammar variant (default 200)
 *   BENCH_TICKETS=1000000  store size (default 1,000,000: the cached store of test/bench/store-cache.ts)
 *   BENCH_GRAMMARS=original,patched   which sip.js grammars to run (see below)
 *   BENCH_PHASES=fixed,sliced,idle    which store states to measure (see Phases)
 *   BENCH_HOPS=1        Kamailio logs every hop (kamailio.cfg WITH_HOP_TRACE); 0 turns it off
 *   BENCH_PAUSE_MS=150  talk time of each call
 *   BENCH_PROFILE=DIR   CPU-profiles main's thread (node:inspector, 100 µs sampling) over the idle phase's measured
 *                       calls only: DIR/idle.cpuprofile, and DIR/idle.windows.json with each call's rx → 200 OK
 *                       window on the profile's clock; `npx tsx test/bench/sip/profile-summary.ts DIR/idle` reads them
 *
 * The console app runs in this process (createTestApp: the real dispatcher, PhoneService, SoftphoneService,
 * sip.js), with `phone: { autoAnswer: true }`, media 'null', over a copy of the cached demo store. Agent
 * agent01 signs in as extension 1001 exactly as test/phone/seat.test.ts does. Calls are sequential (one
 * agent takes one call at a time); after each call the bench sends phone.wrapUp + phone.setReady, as an
 * agent would, so the next call rings a ready agent.
 *
 * Phases (issue 15): the cached store is written without its derived data (search index, department
 * routing tallies, category model), so an app opened on a copy rebuilds them in the background on
 * main's thread; an INVITE that arrives meanwhile waits in the socket until the loop is free. Each
 * phase opens the app on a fresh copy:
 *   fixed   the background work in the whole batches of before (backgroundSliceMs: Infinity; the replay's and the
 *           training's page queries seek to their cursor in both phases: that fix has no switch);
 *   sliced  in slices of about 4 ms (util/time-slice.ts, the default);
 *   idle    measured once all three are rebuilt (main idle between calls: the floor of the path
 *           sipp → Kamailio → main → Kamailio → sipp on this machine);
 *   reference  no console: sipp → Kamailio → a sipp UAS that answers at once (Kamailio's gateway
 *           route), the same Kamailio and machine: what sipp, Kamailio and the machine's load cost alone.
 * `fixed` and `sliced` measure only calls that start while the search index is still being built.
 *
 * Grammar A/B in one run: blocks of 25 calls alternate between the pristine sip.js grammar
 * (grammar.orig.js kept by build/patch-sipjs.mjs) and the patched one, switched in-process through
 * sip.js's Grammar.parse (test/bench/sip/grammars.ts); node_modules is not touched, and both variants
 * see the same Kamailio, store, JIT state and machine load.
 *
 * Timestamps (performance.now() in this process; the hops use the wall clock, shared by sipp's trace,
 * Kamailio's $TV(Sn) and performance.timeOrigin + now here):
 *   rx       the INVITE's bytes reach main (NodeWsTransport receive, before sip.js parses them)
 *   incoming the `phone.incoming` event reaches the renderer connection (dispatcher → Connection.send)
 *   pop      the `phone.screenPop` request, sent by that connection on `phone.incoming`, returns. The bench's
 *            connection sends it from inside the event's delivery, so its queries share the microtask queue
 *            with the auto-answer's 200 OK (a real renderer's request comes over IPC or its WebSocket, a turn
 *            later): in the profile of the rx → 200 OK windows it is about a fifth of main's time
 *   ok200    sip.js hands the 200 OK for the INVITE to the WebSocket (NodeWsTransport send)
 *   sipp     sipp's own message trace: INVITE sent → 200 OK received (includes Kamailio, both ways)
 *   hops     sipp INVITE sent → Kamailio request_route → relayed → main rx … 200 handed to ws →
 *            Kamailio onreply_route → sipp 200 received
 *   lagAtRx  how long main's event loop was busy before it read the INVITE: a 10 ms heartbeat's
 *            lateness, either still running at rx or of the beat that ran just before it (after a
 *            stall libuv runs due timers before it polls sockets, so the lateness at rx alone read ~0).
 */
import Database from 'better-sqlite3';
import { closeSync, copyFileSync, existsSync, fstatSync, mkdtempSync, openSync, readSync, readdirSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { Session as InspectorSession } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { Core } from 'sip.js';
import type { EventName, EventPayload, Result } from '../../../shared/contract';
import type { Connection } from '../../../electron/rpc/dispatcher';
import { NodeWsTransport } from '../../../electron/sip/ws-transport';
import { GENERATOR_VERSION, loadDemoData } from '../../../electron/demo';
import { migrations } from '../../../electron/store/migrations';
import { KamailioHarness, TEST_AGENTS } from '../../sip/kamailio';
import { describeRun, startUac, startUas } from '../../sip/sipp';
import { freePort } from '../../sip/ports';
import { createTestApp, type TestApp } from '../../support/app';
import { BENCH_SEED, benchCacheDir, cachedStorePath, ensureBenchStore } from '../store-cache';
import { restoreGrammar, useGrammar, type GrammarChoice } from './grammars';

const CALLS = Number(process.env['BENCH_CALLS'] ?? 200);
const TICKETS = Number(process.env['BENCH_TICKETS'] ?? 1_000_000);
const PAUSE_MS = Number(process.env['BENCH_PAUSE_MS'] ?? 150);
const VARIANTS = (process.env['BENCH_GRAMMARS'] ?? 'original,patched').split(',').map((s) => s.trim()) as GrammarChoice[];
const BLOCK = 25;
/** Kamailio logs each hop (kamailio.cfg WITH_HOP_TRACE) so that every call's time splits by hop; BENCH_HOPS=0 turns it off. */
const HOPS = process.env['BENCH_HOPS'] !== '0';
const PHASES = (process.env['BENCH_PHASES'] ?? 'fixed,sliced,idle,reference').split(',').map((s) => s.trim()) as Phase[];
const WARMUP_CALLS = 6;
const PROFILE_DIR = process.env['BENCH_PROFILE'];
const log = (s: string) => process.stderr.write(`${s}\n`);

// ---- in-process probes (bench only; they wrap, never change, product behaviour) -------------------

interface Probe {
  rx?: number; parseMs?: number; ok200?: number; lagAtRx?: number;
  /** Wall clock (ms since the epoch, µs resolution) of rx, of the 200 handed to ws, of ws's write callback: lined up with Kamailio's and sipp's clocks. */
  rxWall?: number; ok200Wall?: number; ok200WrittenWall?: number;
}
const wall = (t: number) => performance.timeOrigin + t;

/**
 * Main's event loop heartbeat: each tick notes when it ran; work that holds the loop delays it.
 * 10 ms, not 1: on a loaded machine a 1 ms timer's wake-ups took enough CPU from Kamailio and sipp
 * to slow the calls it measures.
 */
const BEAT_MS = 10;
let lastBeat = performance.now();
/** How late the last heartbeat ran: after a stall libuv runs due timers before polling sockets, so the beat just before rx carries the stall. */
let lastBeatLate = 0;
const heartbeat = setInterval(() => { const now = performance.now(); lastBeatLate = Math.max(0, now - lastBeat - BEAT_MS); lastBeat = now; }, BEAT_MS);
heartbeat.unref();
/** Keyed by SIP Call-ID: filled by the transport/parser hooks, read when phone.incoming arrives. */
const probes = new Map<string, Probe>();
const sipCallId = (text: string) => /\r\n(?:Call-ID|i)[ \t]*:[ \t]*([^\r\n]+)/i.exec(text)?.[1]?.trim();
let lastInviteCallId: string | undefined;

type TransportInternals = { receive(data: unknown, isBinary: boolean): void; send(message: string): Promise<void> };
const proto = NodeWsTransport.prototype as unknown as TransportInternals;
if (typeof proto.receive !== 'function' || typeof proto.send !== 'function') {
  throw new Error('NodeWsTransport no longer has receive()/send(): update the probes in test/bench/sip/calls.bench.ts');
}
const originalReceive = proto.receive;
proto.receive = function (this: unknown, data: unknown, isBinary: boolean) {
  const t = performance.now();
  const head = Buffer.isBuffer(data) ? data.subarray(0, 7).toString('latin1') : '';
  if (head === 'INVITE ') {
    const id = sipCallId(String(data));
    if (id && !probes.has(id)) {
      // Time the loop was busy before reading: the running lateness of the next beat, or the lateness of a
      // beat that ran right before this read (the stall ended, timers ran first, then the socket was read).
      const sinceBeat = t - lastBeat;
      probes.set(id, { rx: t, rxWall: wall(t), lagAtRx: Math.max(0, sinceBeat - BEAT_MS, sinceBeat < BEAT_MS ? lastBeatLate : 0) });
      lastInviteCallId = id;
    }
  }
  originalReceive.call(this, data, isBinary);
};
const originalSend = proto.send;
proto.send = function (this: unknown, message: string) {
  if (message.startsWith('SIP/2.0 200') && /\r\nCSeq:\s*\d+\s+INVITE\r\n/i.test(message)) {
    const p = probes.get(sipCallId(message) ?? '');
    if (p && p.ok200 === undefined) {
      p.ok200 = performance.now();
      p.ok200Wall = wall(p.ok200);
      const sent = originalSend.call(this, message);
      void sent.then(() => { p.ok200WrittenWall = wall(performance.now()); }, () => undefined);
      return sent;
    }
  }
  return originalSend.call(this, message);
};
const parser = Core.Parser as { parseMessage: typeof Core.Parser.parseMessage };
const originalParse = parser.parseMessage;
parser.parseMessage = (data, logger) => {
  const t = performance.now();
  const m = originalParse(data, logger);
  if (data.startsWith('INVITE ')) {
    const p = probes.get(sipCallId(data) ?? '');
    if (p && p.parseMs === undefined) p.parseMs = performance.now() - t;
  }
  return m;
};

// ---- CPU profile of the measured idle calls (BENCH_PROFILE) ----------------------------------------------

/** performance.now() in the CPU profile's clock (µs of the monotonic clock, as V8 stamps its samples). */
const hrOriginUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
const profileUs = (t: number) => hrOriginUs + t * 1000;

async function startProfile(): Promise<InspectorSession> {
  const s = new InspectorSession();
  s.connect();
  const post = (method: string, params?: object) => new Promise<void>((resolve, reject) => s.post(method, params ?? {}, (e) => (e ? reject(e) : resolve())));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  return s;
}

async function stopProfile(s: InspectorSession, file: string, windows: { rx: number; ok200: number; }[], extra: object): Promise<void> {
  const profile = await new Promise<unknown>((resolve, reject) => s.post('Profiler.stop', (e, r) => (e ? reject(e) : resolve(r.profile))));
  s.disconnect();
  writeFileSync(`${file}.cpuprofile`, JSON.stringify(profile));
  writeFileSync(`${file}.windows.json`, JSON.stringify({ ...extra, windows: windows.map((w) => ({ fromUs: profileUs(w.rx), toUs: profileUs(w.ok200) })) }));
  log(`CPU profile: ${file}.cpuprofile (${windows.length} rx → 200 OK windows in ${file}.windows.json)`);
}

// ---- store -------------------------------------------------------------------------------------------

/**
 * The cached demo store for BENCH_TICKETS. If only a store built for an older schema exists (same seed,
 * size and generator), a copy of it is used and the app migrates it on open, as an upgraded installation
 * would — rebuilding 1M tickets takes many minutes of both cores.
 */
async function benchStore(): Promise<{ file: string; note: string }> {
  const current = cachedStorePath(BENCH_SEED, TICKETS);
  if (existsSync(current)) return { file: current, note: 'cached' };
  const older = readdirSync(benchCacheDir())
    .map((name) => ({ name, m: new RegExp(`^demo-s${BENCH_SEED}-n${TICKETS}-schema(\\d+)-gen${GENERATOR_VERSION}\\.sqlite$`).exec(name) }))
    .filter((x) => x.m && Number(x.m[1]) < migrations.length)
    .sort((a, b) => Number(b.m![1]) - Number(a.m![1]))[0];
  if (older) return { file: path.join(benchCacheDir(), older.name), note: `cached for schema ${older.m![1]}, migrated to ${migrations.length} on open` };
  log(`building the ${TICKETS}-ticket store (once; cached for later runs) ...`);
  const built = await ensureBenchStore(TICKETS, BENCH_SEED, log);
  return { file: built.file, note: 'built now' };
}

/** Caller numbers that exist in the store (read from the private copy: the shared cache file is never opened). */
function callerNumbers(file: string, n: number): string[] {
  const db = new Database(file, { fileMustExist: true });
  try {
    const total = db.prepare('select count(*) from citizens').pluck().get() as number;
    const step = Math.max(1, Math.floor(total / n));
    // Every step-th citizen: a deterministic spread over one-time and frequent callers.
    return db.prepare('select phone from citizens where rowid % ? = 0 and phone is not null limit ?').pluck().all(step, n) as string[];
  } finally {
    db.close();
  }
}

// ---- measurement --------------------------------------------------------------------------------------

interface Seen { name: string; payload: unknown; at: number }
type Samples = Record<string, number[]>;

function connection(onEvent: (e: Seen) => void): Connection & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    id: `bench-${Math.random()}`, session: null, seen,
    send: (name, payload) => {
      const e = { name, payload, at: performance.now() };
      seen.push(e);
      onEvent(e);
    },
  };
}

async function waitFor<E extends EventName>(c: { seen: Seen[] }, name: E, pred: (p: EventPayload<E>) => boolean, from: number, ms = 15_000): Promise<EventPayload<E>> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = c.seen.slice(from).find((e) => e.name === name && pred(e.payload as EventPayload<E>));
    if (hit) return hit.payload as EventPayload<E>;
    if (Date.now() > end) throw new Error(`no ${name} within ${ms} ms; saw ${c.seen.slice(from).map((e) => e.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** sipp's -trace_msg file: "----- 2025-11-28 05:40:00.123456" then "UDP message sent/received ..." then the message. */
function sippInviteTo200(messages: string): number | undefined {
  const blocks = messages.split(/^-{10,}\s+/m).slice(1);
  let inviteAt: number | undefined;
  for (const b of blocks) {
    const m = /^(\d{4}-\d\d-\d\d)\s+(\d\d):(\d\d):(\d\d(?:\.\d+)?)/.exec(b);
    if (!m) continue;
    const t = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1000;
    const body = b.slice(b.indexOf('\n') + 1);
    if (inviteAt === undefined && /message sent/i.test(body) && /^\s*INVITE /m.test(body)) inviteAt = t;
    if (inviteAt !== undefined && /message received/i.test(body) && /^\s*SIP\/2\.0 200/m.test(body) && /CSeq:\s*\d+ INVITE/i.test(body)) {
      return t - inviteAt;
    }
  }
  return undefined;
}

/** Wall clock (ms since the epoch) of sipp's trace header "2025-11-28 05:40:00.123456" (sipp writes local time). */
function sippWall(date: string, hh: string, mm: string, ss: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, mo - 1, d).getTime() + (Number(hh) * 3600 + Number(mm) * 60 + Number(ss)) * 1000;
}

interface SippHops { inviteSent: number; provisional?: number; ok200: number }

/** Wall-clock times of the INVITE sipp sent, the first provisional and the 200 OK it received. */
function sippHops(messages: string): SippHops | undefined {
  let inviteSent: number | undefined;
  let provisional: number | undefined;
  for (const b of messages.split(/^-{10,}\s+/m).slice(1)) {
    const m = /^(\d{4}-\d\d-\d\d)\s+(\d\d):(\d\d):(\d\d(?:\.\d+)?)/.exec(b);
    if (!m) continue;
    const t = sippWall(m[1]!, m[2]!, m[3]!, m[4]!);
    const body = b.slice(b.indexOf('\n') + 1);
    if (inviteSent === undefined && /message sent/i.test(body) && /^\s*INVITE /m.test(body)) inviteSent = t;
    if (inviteSent === undefined || !/message received/i.test(body) || !/CSeq:\s*\d+ INVITE/i.test(body)) continue;
    if (provisional === undefined && /^\s*SIP\/2\.0 1\d\d/m.test(body)) provisional = t;
    if (/^\s*SIP\/2\.0 200/m.test(body)) return { inviteSent, ok200: t, ...(provisional !== undefined ? { provisional } : {}) };
  }
  return undefined;
}

/** Kamailio's HOP lines (kamailio.cfg WITH_HOP_TRACE) of one call: wall clock of the INVITE in and relayed, and of the 200 in. */
interface KamailioHops { inviteRx?: number; inviteRelayed?: number; ok200Rx?: number }

/** Reads Kamailio's log as it grows and files the HOP lines by Call-ID. */
class HopLog {
  private offset = 0;
  private readonly byCall = new Map<string, KamailioHops>();
  constructor(private readonly file: string) {}
  take(callId: string): KamailioHops | undefined {
    this.readNew();
    const hops = this.byCall.get(callId);
    this.byCall.delete(callId);
    return hops;
  }
  private readNew(): void {
    let text: string;
    try {
      const fd = openSync(this.file, 'r');
      try {
        const size = fstatSync(fd).size;
        const buf = Buffer.alloc(size - this.offset);
        readSync(fd, buf, 0, buf.length, this.offset);
        const end = buf.lastIndexOf(10) + 1; // whole lines only
        this.offset += end;
        text = buf.subarray(0, end).toString('utf8');
      } finally {
        closeSync(fd);
      }
    } catch {
      return;
    }
    for (const line of text.split('\n')) {
      const m = /HOP (rx|relayed|reply (\d{3})) (\S+) (\S+) (\d+\.\d+)/.exec(line);
      if (!m || m[3] !== 'INVITE') continue;
      const h = this.byCall.get(m[4]!) ?? {};
      const t = Number(m[5]) * 1000;
      if (m[1] === 'rx') h.inviteRx ??= t;
      else if (m[1] === 'relayed') h.inviteRelayed ??= t;
      else if (m[2] === '200') h.ok200Rx ??= t;
      this.byCall.set(m[4]!, h);
    }
  }
}

const pct = (sorted: number[], p: number) => sorted.length === 0 ? NaN : sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
const fmt = (ms: number) => Number.isNaN(ms) ? '–' : ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;

/** The calls' store while they are measured: see the file comment (Phases). */
type Phase = 'fixed' | 'sliced' | 'idle' | 'reference';
const PHASE_LABEL: Record<Phase, string> = {
  fixed: 'first open, background rebuilds in whole batches (before)',
  sliced: 'first open, background rebuilds in 4 ms slices (after)',
  idle: 'index complete (no background work)',
  reference: 'no console: sipp → Kamailio → sipp UAS (answers at once), same Kamailio, same time',
};

/** Whether the store's search index is still being rebuilt; read from a read-only connection between calls. */
function indexStatus(file: string): { indexed: number; tickets: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      indexed: db.prepare('select count(*) from ticket_search_docs').pluck().get() as number,
      tickets: db.prepare('select count(*) from tickets').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  if (!Number.isInteger(CALLS) || CALLS < 1) throw new Error('BENCH_CALLS must be a positive integer');
  for (const v of VARIANTS) if (v !== 'original' && v !== 'patched') throw new Error(`BENCH_GRAMMARS: unknown variant ${v}`);
  for (const p of PHASES) if (!(p in PHASE_LABEL)) throw new Error(`BENCH_PHASES: unknown phase ${p}`);
  const t0 = performance.now();
  const store = await benchStore();
  log(`store: ${store.file} (${store.note})`);
  const cols = PHASES.flatMap((p) => VARIANTS.map((g) => `${p}/${g}`));
  const samples: Record<string, Samples> = Object.fromEntries(cols.map((c) => [c, {}]));
  const grammarCalls: Record<GrammarChoice, number> = { original: 0, patched: 0 };
  const notes: string[] = [];
  let failures = 0;
  const gatewayPort = await freePort();
  const kamailio = await KamailioHarness.start({ logLevel: 1, hopTrace: HOPS, gatewayPort });
  const hopLog = new HopLog(kamailio.logPath);
  let numbersFrom = 0;

  /**
   * One phase: a fresh copy of the cached store (its search index not built, as the cache is written),
   * the app opened on it, the agent signed in, then calls. `fixed` and `sliced` measure only calls that
   * start while the app rebuilds the index in the background; `idle` waits until the index is complete.
   */
  const span = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? b - a : undefined);
  /** sipp as the citizen, a second sipp as the called party behind Kamailio's gateway route: the path without the console. */
  const runReference = async (): Promise<void> => {
    const col = `reference/${VARIANTS[0]!}`;
    const s = samples[col]!;
    const add = (k: string, v: number | undefined) => { if (v !== undefined && Number.isFinite(v)) (s[k] ??= []).push(v); };
    for (let i = 0; i < WARMUP_CALLS + CALLS; i++) {
      const uas = await startUas({ scenario: 'uas-answer', localPort: gatewayPort, pauseMs: 0, timerResolutionMs: 1, timeoutMs: 30_000 });
      const uac = await startUac({
        scenario: 'uac-answer-bye', proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain,
        called: 'gateway-echo', pauseMs: PAUSE_MS, timeoutMs: 30_000,
      });
      const [result, answered] = await Promise.all([uac.result, uas.result]);
      const callId = /^\s*Call-ID:\s*(\S+)/im.exec(result.messages)?.[1];
      const kh = callId ? hopLog.take(callId) : undefined;
      if (result.exitCode !== 0 || answered.exitCode !== 0) {
        failures++;
        log(`reference call ${i + 1} failed: ${describeRun(result).slice(0, 1500)}\n${describeRun(answered).slice(0, 1500)}`);
        continue;
      }
      if (i < WARMUP_CALLS) continue;
      const sh = sippHops(result.messages);
      add('sipp200', sippInviteTo200(result.messages));
      add('hopSippKam', span(sh?.inviteSent, kh?.inviteRx));
      add('hopKamIn', span(kh?.inviteRx, kh?.inviteRelayed));
      add('hopRelayed200', span(kh?.inviteRelayed, kh?.ok200Rx));
      add('hopKamSipp', span(kh?.ok200Rx, sh?.ok200));
      add('sippProvisional', span(sh?.inviteSent, sh?.provisional));
    }
    log(`[reference] ${s['sipp200']?.length ?? 0} calls (load ${os.loadavg()[0]!.toFixed(2)})`);
  };

  const runPhase = async (phase: Phase): Promise<void> => {
    if (phase === 'reference') return runReference();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hotline-calls-bench-'));
    const file = path.join(dataDir, 'hotline.sqlite');
    let t: TestApp | undefined;
    try {
      log(`[${phase}] copying the store to ${dataDir} ...`);
      copyFileSync(store.file, file);
      const need = CALLS * VARIANTS.length + WARMUP_CALLS;
      const numbers = callerNumbers(file, numbersFrom + need).slice(numbersFrom);
      numbersFrom += need;
      if (numbers.length < need) throw new Error(`only ${numbers.length} unused citizen numbers in the store`);
      const tOpen = performance.now();
      // The app's log, to see its background rebuilds end (silent otherwise, as in every test app).
      const logged = new Set<string>();
      const note = (msg: string) => { logged.add(msg); };
      t = await createTestApp({
        dataDir, loadDemoData, demo: true, phone: { autoAnswer: true, acwSeconds: 3600 },
        log: { debug: note, info: note, warn: note, error: note },
        // `fixed` is the console before the change: whole batches on main's thread; `idle` rebuilds that way too
        // (the soonest done) and is measured once everything is rebuilt.
        ...(phase !== 'sliced' ? { backgroundSliceMs: Infinity } : {}),
      });
      log(`[${phase}] app open on the ${TICKETS.toLocaleString('en')}-ticket store in ${((performance.now() - tOpen) / 1000).toFixed(1)} s`);
      const app = t.app;
      const reindexStarted = performance.now();

      // The agent's renderer: asks for the screen pop the moment the phone rings, like AgentDesk does.
      const pops = new Map<string, Promise<number>>();
      const agent = connection((e) => {
        if (e.name !== 'phone.incoming') return;
        const i = e.payload as EventPayload<'phone.incoming'>;
        if (i.autoRejected) return;
        pops.set(i.callId, app.dispatcher.dispatch(agent, 'phone.screenPop', { callId: i.callId }).then((r) => {
          const done = performance.now();
          if (!(r as Result<unknown>).ok) throw new Error(`screenPop failed: ${JSON.stringify(r)}`);
          return done;
        }));
      });
      app.dispatcher.attach(agent);
      const call = async <T = unknown>(c: Connection, name: string, input: unknown): Promise<T> => {
        const r = (await app.dispatcher.dispatch(c, name, input)) as Result<T>;
        if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.error)}`);
        return r.value;
      };
      await call(agent, 'session.login', { username: 'agent01', password: 'Demo-12345' });
      const admin = connection(() => {});
      app.dispatcher.attach(admin);
      await call(admin, 'session.login', { username: 'admin', password: 'Demo-12345' });
      await call(admin, 'sip.setAccount', {
        userId: agent.session!.user.id, wsUrl: kamailio.wsUrl, aor: `1001@${kamailio.domain}`, authUser: '1001', password: TEST_AGENTS['1001'], media: 'null',
      });
      await call(agent, 'phone.signIn', {});
      await waitFor(agent, 'phone.registration', (r) => r.state === 'registered', 0);
      await call(agent, 'phone.setReady', {});

      let next = 0;
      let profiling: InspectorSession | undefined;
      const windows: { rx: number; ok200: number }[] = [];
      const oneCall = async (col: string | null): Promise<void> => {
        const from = agent.seen.length;
        lastInviteCallId = undefined;
        const callerNumber = numbers[next++]!;
        const sipp = await startUac({
          scenario: 'uac-answer-bye', proxy: { host: kamailio.host, port: kamailio.udpPort }, domain: kamailio.domain,
          called: '1001', callerNumber, pauseMs: PAUSE_MS, timeoutMs: 30_000,
        });
        const incoming = await waitFor(agent, 'phone.incoming', (i) => !i.autoRejected, from);
        const incomingAt = agent.seen.slice(from).find((e) => e.name === 'phone.incoming')!.at;
        const popAt = await pops.get(incoming.callId)!;
        pops.delete(incoming.callId);
        await waitFor(agent, 'phone.ended', (e) => e.callId === incoming.callId, from);
        await waitFor(agent, 'phone.agent', (a) => a.name === 'after_call_work', from);
        const result = await sipp.result;
        await call(agent, 'phone.wrapUp', { callId: incoming.callId, code: 'answered' });
        await call(agent, 'phone.setReady', {});
        const probe = lastInviteCallId ? probes.get(lastInviteCallId) : undefined;
        if (lastInviteCallId) probes.delete(lastInviteCallId);
        const kh = lastInviteCallId ? hopLog.take(lastInviteCallId) : undefined;
        if (result.exitCode !== 0) {
          failures++;
          log(`call ${next} failed: ${describeRun(result).slice(0, 2000)}`);
          return;
        }
        if (!col) return;
        const s = samples[col]!;
        const add = (k: string, v: number | undefined) => { if (v !== undefined && Number.isFinite(v)) (s[k] ??= []).push(v); };
        add('pop', popAt - incomingAt);
        add('rxPop', probe?.rx !== undefined ? popAt - probe.rx : undefined);
        add('rx200', probe?.rx !== undefined && probe.ok200 !== undefined ? probe.ok200 - probe.rx : undefined);
        if (profiling && probe?.rx !== undefined && probe.ok200 !== undefined) windows.push({ rx: probe.rx, ok200: probe.ok200 });
        add('incoming200', probe?.ok200 !== undefined ? probe.ok200 - incomingAt : undefined);
        add('rxIncoming', probe?.rx !== undefined ? incomingAt - probe.rx : undefined);
        add('parse', probe?.parseMs);
        const viaSipp = sippInviteTo200(result.messages);
        const sh = sippHops(result.messages);
        add('hopRelayed200', span(kh?.inviteRelayed, kh?.ok200Rx));
        add('hopSippKam', span(sh?.inviteSent, kh?.inviteRx));
        add('hopKamIn', span(kh?.inviteRx, kh?.inviteRelayed));
        add('hopKamMain', span(kh?.inviteRelayed, probe?.rxWall));
        add('hopWrite', span(probe?.ok200Wall, probe?.ok200WrittenWall));
        add('hopMainKam', span(probe?.ok200Wall, kh?.ok200Rx));
        add('hopKamSipp', span(kh?.ok200Rx, sh?.ok200));
        add('sippProvisional', span(sh?.inviteSent, sh?.provisional));
        add('sipp200', viaSipp);
        add('lagAtRx', probe?.lagAtRx);
        add('outside', viaSipp !== undefined && probe?.rx !== undefined && probe.ok200 !== undefined ? viaSipp - (probe.ok200 - probe.rx) : undefined);
        if (viaSipp !== undefined && viaSipp > 20) {
          const invites = (result.messages.match(/message sent[^\n]*\n\s*INVITE /gi) ?? []).length;
          const f = (v: number | undefined) => (v === undefined ? '?' : v.toFixed(1));
          log(`[${col}] slow call: sipp ${viaSipp.toFixed(1)} ms = sipp→kam ${f(span(sh?.inviteSent, kh?.inviteRx))}, kam ${f(span(kh?.inviteRx, kh?.inviteRelayed))}, ` +
            `kam→main ${f(span(kh?.inviteRelayed, probe?.rxWall))} (loop lag ${f(probe?.lagAtRx)}), main ${f(span(probe?.rx, probe?.ok200))}, ` +
            `main→kam ${f(span(probe?.ok200Wall, kh?.ok200Rx))}, kam→sipp ${f(span(kh?.ok200Rx, sh?.ok200))}; INVITEs sent ${invites}, load ${os.loadavg()[0]!.toFixed(1)}`);
        }
      };

      log(`[${phase}] warm-up: ${WARMUP_CALLS} calls`);
      for (let i = 0; i < WARMUP_CALLS; i++) await oneCall(null);
      if (phase === 'idle') {
        const done = () => { const st = indexStatus(file); return st.indexed >= st.tickets && logged.has('department routing rebuilt from history') && logged.has('category model trained'); };
        while (!done()) await new Promise((r) => setTimeout(r, 2000));
        log(`[idle] search index, routing tallies and category model complete after ${((performance.now() - reindexStarted) / 1000).toFixed(0)} s; measuring`);
        if (PROFILE_DIR) profiling = await startProfile();
      }
      const cpuBefore = process.cpuUsage();
      const measureStarted = performance.now();
      const order: GrammarChoice[] = [];
      for (let done = 0; done < CALLS; done += BLOCK) for (const v of (order.length / VARIANTS.length) % 2 ? [...VARIANTS].reverse() : VARIANTS) order.push(v);
      const perVariant: Record<GrammarChoice, number> = { original: 0, patched: 0 };
      let reindexDone = false;
      for (const choice of order) {
        const n = Math.min(BLOCK, CALLS - perVariant[choice]);
        const counter = await useGrammar(choice);
        for (let i = 0; i < n; i++) {
          if (phase !== 'idle') {
            const st = indexStatus(file);
            if (st.indexed >= st.tickets) { reindexDone = true; break; }
          }
          await oneCall(`${phase}/${choice}`);
        }
        grammarCalls[choice] += counter.calls;
        perVariant[choice] += n;
        log(`[${phase}] ${choice}: ${perVariant[choice]}/${CALLS} calls (load ${os.loadavg()[0]!.toFixed(2)})`);
        if (reindexDone) break;
      }
      restoreGrammar();
      const cpu = process.cpuUsage(cpuBefore);
      const measured = VARIANTS.reduce((n, v) => n + (samples[`${phase}/${v}`]?.['sipp200']?.length ?? 0), 0);
      notes.push(`${phase}: this process used ${((cpu.user + cpu.system) / 1000 / Math.max(1, measured)).toFixed(2)} ms CPU per measured call (app and bench, user+system) over ${((performance.now() - measureStarted) / 1000).toFixed(0)} s`);
      if (profiling) {
        await stopProfile(profiling, path.join(PROFILE_DIR!, phase), windows, { calls: measured, cpuUs: cpu.user + cpu.system });
        profiling = undefined;
      }
      if (phase !== 'idle') {
        const st = indexStatus(file);
        notes.push(`${phase}: ${reindexDone ? `the reindex finished ${((performance.now() - reindexStarted) / 1000).toFixed(0)} s after open, before ${CALLS} calls` : `reindex still running after the calls (${st.indexed.toLocaleString('en')}/${st.tickets.toLocaleString('en')} indexed, ${((performance.now() - reindexStarted) / 1000).toFixed(0)} s after open)`}`);
      }
    } finally {
      restoreGrammar();
      await t?.dispose().catch((e: unknown) => log(`dispose: ${String(e)}`));
      rmSync(dataDir, { recursive: true, force: true });
    }
  };

  try {
    for (const phase of PHASES) await runPhase(phase);
  } finally {
    await kamailio.stop();
  }

  const rows: [string, string][] = [
    ['sipp200', '**caller: sipp INVITE sent → 200 OK received (via Kamailio)**'],
    ['rx200', '**main: INVITE bytes in main → 200 OK handed to ws (auto-answer)**'],
    ['hopSippKam', 'hop 1: sipp INVITE sent → Kamailio request_route (UDP)'],
    ['hopKamIn', 'hop 2: Kamailio request_route → INVITE relayed (t_relay returned)'],
    ['hopKamMain', 'hop 3: Kamailio relayed → INVITE bytes read in main (WebSocket, main\'s event loop)'],
    ['hopMainKam', 'hop 4: 200 handed to ws → Kamailio onreply_route'],
    ['hopRelayed200', 'hops 3+main+4: Kamailio relayed the INVITE → Kamailio has the 200 (the called party\'s share)'],
    ['hopKamSipp', 'hop 5: Kamailio onreply_route → sipp 200 received'],
    ['lagAtRx', 'main\'s event loop lag when the INVITE was read'],
    ['hopWrite', '200 handed to ws → ws write callback'],
    ['sippProvisional', 'sipp: INVITE sent → first provisional (Kamailio\'s 100) received'],
    ['outside', 'per call: caller clock − main clock'],
    ['pop', '`phone.incoming` → `phone.screenPop` returned'],
    ['rxPop', 'INVITE bytes in main → screen pop returned'],
    ['incoming200', '`phone.incoming` → 200 OK sent'],
    ['rxIncoming', 'INVITE bytes in main → `phone.incoming`'],
    ['parse', 'sip.js parseMessage of the INVITE (in main)'],
  ];
  const ratio = cols.length >= 2;
  const short = (c: string) => (VARIANTS.length === 1 ? c.split('/')[0]! : c);
  console.log(`\n### Incoming calls: sipp → Kamailio → console main (auto-answer, media null), ${TICKETS.toLocaleString('en')}-ticket store\n`);
  console.log(`Columns: ${PHASES.map((p) => `${p} = ${PHASE_LABEL[p]}`).join('; ')}. Grammar: ${VARIANTS.join(', ')}.\n`);
  console.log(`| metric | ${cols.map((c) => `${short(c)} n | p50 | p99`).join(' | ')}${ratio ? ` | p50 ${short(cols[0]!)}÷${short(cols[1]!)} | p99 ${short(cols[0]!)}÷${short(cols[1]!)}` : ''} |`);
  console.log(`|---|${cols.map(() => '---:|---:|---:').join('|')}${ratio ? '|---:|---:' : ''}|`);
  for (const [key, label] of rows) {
    const sorted = cols.map((c) => (samples[c]![key] ?? []).sort((a, b) => a - b));
    const cells = sorted.map((v) => `${v.length} | ${fmt(pct(v, 50))} | ${fmt(pct(v, 99))}`);
    const r = ratio ? ` | ${(pct(sorted[0]!, 50) / pct(sorted[1]!, 50)).toFixed(2)}× | ${(pct(sorted[0]!, 99) / pct(sorted[1]!, 99)).toFixed(2)}×` : '';
    console.log(`| ${label} | ${cells.join(' | ')}${r} |`);
  }
  console.log(`\nUp to ${CALLS} measured calls per phase and grammar (+${WARMUP_CALLS} warm-up per phase), sequential, ${BLOCK}-call blocks alternating grammars; ` +
    `${PAUSE_MS} ms talk time; ${notes.join('; ')}; grammar calls seen: ${VARIANTS.map((c) => `${c} ${grammarCalls[c]}`).join(', ')}; failed calls: ${failures}. ` +
    `Store: ${store.note}. Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ` +
    `total ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
}

await main();

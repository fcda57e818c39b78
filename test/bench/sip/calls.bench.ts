/**
 * Incoming-call latency of the console's main process, end to end over real SIP:
 *   sipp (citizen, UDP) → private Kamailio → WebSocket → sip.js in main → seat (auto-answer) + screen pop.
 *
 * Run: npx tsx test/bench/sip/calls.bench.ts
 *   BENCH_CALLS=200     calls per grammar variant (default 200; two variants → 400 calls)
 *   BENCH_TICKETS=1000000  store size (default 1,000,000: the cached store of test/bench/store-cache.ts)
 *   BENCH_GRAMMARS=original,patched   which sip.js grammars to run (see below)
 *   BENCH_PAUSE_MS=150  talk time of each call
 *
 * The console app runs in this process (createTestApp: the real dispatcher, PhoneService, SoftphoneService,
 * sip.js), with `phone: { autoAnswer: true }`, media 'null', over a copy of the cached demo store. Agent
 * agent01 signs in as extension 1001 exactly as test/phone/seat.test.ts does. Calls are sequential (one
 * agent takes one call at a time); after each call the bench sends phone.wrapUp + phone.setReady, as an
 * agent would, so the next call rings a ready agent. No product code is changed.
 *
 * Grammar A/B in one run: blocks of 25 calls alternate between the pristine sip.js grammar
 * (grammar.orig.js kept by build/patch-sipjs.mjs) and the patched one, switched in-process through
 * sip.js's Grammar.parse (test/bench/sip/grammars.ts); node_modules is not touched, and both variants
 * see the same Kamailio, store, JIT state and machine load.
 *
 * Timestamps (all performance.now() in this process unless said otherwise):
 *   rx       the INVITE's bytes reach main (NodeWsTransport receive, before sip.js parses them)
 *   incoming the `phone.incoming` event reaches the renderer connection (dispatcher → Connection.send)
 *   pop      the `phone.screenPop` request, sent by that connection on `phone.incoming`, returns
 *   ok200    sip.js hands the 200 OK for the INVITE to the WebSocket (NodeWsTransport send)
 *   sipp     sipp's own message trace: INVITE sent → 200 OK received (includes Kamailio, both ways)
 *   lagAtRx  how late main's event loop was when the INVITE's bytes were read: a 1 ms heartbeat's
 *            lateness at rx. Bytes that wait in the socket while main is busy are invisible to the
 *            in-main clock (it starts at rx) but not to sipp's: the two clocks side by side, with
 *            this lag, show where a caller-side tail comes from.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { Core } from 'sip.js';
import type { EventName, EventPayload, Result } from '../../../shared/contract';
import type { Connection } from '../../../electron/rpc/dispatcher';
import { NodeWsTransport } from '../../../electron/sip/ws-transport';
import { GENERATOR_VERSION, loadDemoData } from '../../../electron/demo';
import { migrations } from '../../../electron/store/migrations';
import { KamailioHarness, TEST_AGENTS } from '../../sip/kamailio';
import { describeRun, startUac } from '../../sip/sipp';
import { createTestApp, type TestApp } from '../../support/app';
import { BENCH_SEED, benchCacheDir, cachedStorePath, ensureBenchStore } from '../store-cache';
import { restoreGrammar, useGrammar, type GrammarChoice } from './grammars';

const CALLS = Number(process.env['BENCH_CALLS'] ?? 200);
const TICKETS = Number(process.env['BENCH_TICKETS'] ?? 1_000_000);
const PAUSE_MS = Number(process.env['BENCH_PAUSE_MS'] ?? 150);
const VARIANTS = (process.env['BENCH_GRAMMARS'] ?? 'original,patched').split(',').map((s) => s.trim()) as GrammarChoice[];
const BLOCK = 25;
const WARMUP_CALLS = 6;
const log = (s: string) => process.stderr.write(`${s}\n`);

// ---- in-process probes (bench only; they wrap, never change, product behaviour) -------------------

interface Probe { rx?: number; parseMs?: number; ok200?: number; lagAtRx?: number }

/**
 * Main's event loop heartbeat: each tick notes when it ran; work that holds the loop delays it.
 * 10 ms, not 1: on a loaded machine a 1 ms timer's wake-ups took enough CPU from Kamailio and sipp
 * to slow the calls it measures.
 */
const BEAT_MS = 10;
let lastBeat = performance.now();
const heartbeat = setInterval(() => { lastBeat = performance.now(); }, BEAT_MS);
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
      // The heartbeat is due every ~1 ms; anything past that was time the loop was busy before reading.
      probes.set(id, { rx: t, lagAtRx: Math.max(0, t - lastBeat - BEAT_MS) });
      lastInviteCallId = id;
    }
  }
  originalReceive.call(this, data, isBinary);
};
const originalSend = proto.send;
proto.send = function (this: unknown, message: string) {
  if (message.startsWith('SIP/2.0 200') && /\r\nCSeq:\s*\d+\s+INVITE\r\n/i.test(message)) {
    const p = probes.get(sipCallId(message) ?? '');
    if (p && p.ok200 === undefined) p.ok200 = performance.now();
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

const pct = (sorted: number[], p: number) => sorted.length === 0 ? NaN : sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
const fmt = (ms: number) => Number.isNaN(ms) ? '–' : ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;

async function main(): Promise<void> {
  if (!Number.isInteger(CALLS) || CALLS < 1) throw new Error('BENCH_CALLS must be a positive integer');
  for (const v of VARIANTS) if (v !== 'original' && v !== 'patched') throw new Error(`BENCH_GRAMMARS: unknown variant ${v}`);
  const t0 = performance.now();
  const store = await benchStore();
  log(`store: ${store.file} (${store.note})`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hotline-calls-bench-'));
  let kamailio: KamailioHarness | undefined;
  let t: TestApp | undefined;
  const samples: Record<GrammarChoice, Samples> = { original: {}, patched: {} };
  const grammarCalls: Record<GrammarChoice, number> = { original: 0, patched: 0 };
  let failures = 0;
  try {
    log(`copying the store to ${dataDir} ...`);
    copyFileSync(store.file, path.join(dataDir, 'hotline.sqlite'));
    const numbers = callerNumbers(path.join(dataDir, 'hotline.sqlite'), CALLS * VARIANTS.length + WARMUP_CALLS);
    if (numbers.length < CALLS * VARIANTS.length + WARMUP_CALLS) throw new Error(`only ${numbers.length} citizen numbers in the store`);
    kamailio = await KamailioHarness.start({ logLevel: 1 });
    const tOpen = performance.now();
    t = await createTestApp({ dataDir, loadDemoData, demo: true, phone: { autoAnswer: true, acwSeconds: 3600 } });
    log(`app open on the ${TICKETS.toLocaleString('en')}-ticket store in ${((performance.now() - tOpen) / 1000).toFixed(1)} s`);
    const app = t.app;

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
    const oneCall = async (choice: GrammarChoice | null): Promise<void> => {
      const from = agent.seen.length;
      lastInviteCallId = undefined;
      const callerNumber = numbers[next++]!;
      const sipp = await startUac({
        scenario: 'uac-answer-bye', proxy: { host: kamailio!.host, port: kamailio!.udpPort }, domain: kamailio!.domain,
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
      if (result.exitCode !== 0) {
        failures++;
        log(`call ${next} failed: ${describeRun(result).slice(0, 2000)}`);
        return;
      }
      if (!choice) return;
      const probe = lastInviteCallId ? probes.get(lastInviteCallId) : undefined;
      if (lastInviteCallId) probes.delete(lastInviteCallId);
      const s = samples[choice];
      const add = (k: string, v: number | undefined) => { if (v !== undefined && Number.isFinite(v)) (s[k] ??= []).push(v); };
      add('pop', popAt - incomingAt);
      add('rxPop', probe?.rx !== undefined ? popAt - probe.rx : undefined);
      add('rx200', probe?.rx !== undefined && probe.ok200 !== undefined ? probe.ok200 - probe.rx : undefined);
      add('incoming200', probe?.ok200 !== undefined ? probe.ok200 - incomingAt : undefined);
      add('rxIncoming', probe?.rx !== undefined ? incomingAt - probe.rx : undefined);
      add('parse', probe?.parseMs);
      const viaSipp = sippInviteTo200(result.messages);
      add('sipp200', viaSipp);
      add('lagAtRx', probe?.lagAtRx);
      add('outside', viaSipp !== undefined && probe?.rx !== undefined && probe.ok200 !== undefined ? viaSipp - (probe.ok200 - probe.rx) : undefined);
      if (viaSipp !== undefined && viaSipp > 20) {
        const invites = (result.messages.match(/message sent[^\n]*\n\s*INVITE /gi) ?? []).length;
        log(`slow call: sipp ${viaSipp.toFixed(1)} ms, in main ${probe?.rx !== undefined && probe.ok200 !== undefined ? (probe.ok200 - probe.rx).toFixed(1) : '?'} ms, ` +
          `loop lag at rx ≥${probe?.lagAtRx?.toFixed(1) ?? '?'} ms, INVITEs sent by sipp ${invites}, load ${os.loadavg()[0]!.toFixed(1)}`);
      }
    };

    log(`warm-up: ${WARMUP_CALLS} calls`);
    for (let i = 0; i < WARMUP_CALLS; i++) await oneCall(null);
    const order: GrammarChoice[] = [];
    for (let done = 0; done < CALLS; done += BLOCK) for (const v of (order.length / VARIANTS.length) % 2 ? [...VARIANTS].reverse() : VARIANTS) order.push(v);
    const perVariant: Record<GrammarChoice, number> = { original: 0, patched: 0 };
    for (const choice of order) {
      const n = Math.min(BLOCK, CALLS - perVariant[choice]);
      const counter = await useGrammar(choice);
      for (let i = 0; i < n; i++) await oneCall(choice);
      grammarCalls[choice] += counter.calls;
      perVariant[choice] += n;
      log(`${choice}: ${perVariant[choice]}/${CALLS} calls (load ${os.loadavg()[0]!.toFixed(2)})`);
    }
    restoreGrammar();
  } finally {
    restoreGrammar();
    await t?.dispose().catch((e: unknown) => log(`dispose: ${String(e)}`));
    await kamailio?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const rows: [string, string][] = [
    ['pop', '(a) `phone.incoming` → `phone.screenPop` returned'],
    ['rxPop', '(a′) INVITE bytes in main → screen pop returned'],
    ['rx200', '(b) INVITE bytes in main → 200 OK sent (auto-answer)'],
    ['incoming200', '(b′) `phone.incoming` → 200 OK sent'],
    ['sipp200', '(b″) sipp: INVITE sent → 200 OK received (via Kamailio)'],
    ['outside', '(b″ − b) per call: time outside main\'s clock (Kamailio, sockets, loop busy before rx)'],
    ['lagAtRx', 'main\'s event loop lag when the INVITE was read'],
    ['rxIncoming', 'INVITE bytes in main → `phone.incoming`'],
    ['parse', 'sip.js parseMessage of the INVITE (in main)'],
  ];
  const cols = VARIANTS;
  const ratio = VARIANTS.length === 2;
  console.log(`\n### Incoming calls: sipp → Kamailio → console main (auto-answer, media null), ${TICKETS.toLocaleString('en')}-ticket store\n`);
  console.log(`| metric | ${cols.map((c) => `${c} n | ${c} p50 | ${c} p99`).join(' | ')}${ratio ? ' | p50 orig/patched | p99 orig/patched' : ''} |`);
  console.log(`|---|${cols.map(() => '---:|---:|---:').join('|')}${ratio ? '|---:|---:' : ''}|`);
  for (const [key, label] of rows) {
    const cells = cols.map((c) => {
      const v = (samples[c][key] ?? []).sort((a, b) => a - b);
      return `${v.length} | ${fmt(pct(v, 50))} | ${fmt(pct(v, 99))}`;
    });
    let r = '';
    if (ratio) {
      const [a, b] = cols.map((c) => (samples[c][key] ?? []).sort((x, y) => x - y));
      r = ` | ${(pct(a!, 50) / pct(b!, 50)).toFixed(2)}× | ${(pct(a!, 99) / pct(b!, 99)).toFixed(2)}×`;
    }
    console.log(`| ${label} | ${cells.join(' | ')}${r} |`);
  }
  console.log(`\n${CALLS} measured calls per grammar (+${WARMUP_CALLS} warm-up), sequential, ${BLOCK}-call blocks alternating; ` +
    `${PAUSE_MS} ms talk time; grammar calls seen: ${cols.map((c) => `${c} ${grammarCalls[c]}`).join(', ')}; failed calls: ${failures}. ` +
    `Store: ${store.note}. Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ` +
    `total ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
}

await main();

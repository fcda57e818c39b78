/**
 * Reads a CPU profile written by calls.bench.ts (BENCH_PROFILE=DIR) and says where main's time went:
 * over the whole measured period and inside the calls' rx → 200 OK windows, per call, by function
 * (self and inclusive) and by area (sip.js, ws, the store, the app's own folders, GC, idle).
 *
 * Run: npx tsx test/bench/sip/profile-summary.ts DIR/idle [top=25]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }
interface Windows { calls: number; cpuUs: number; windows: { fromUs: number; toUs: number }[] }

const base = process.argv[2];
if (!base) throw new Error('usage: profile-summary.ts DIR/idle [top]');
const TOP = Number(process.argv[3] ?? 25);
const profile = JSON.parse(readFileSync(`${base}.cpuprofile`, 'utf8')) as Profile;
const win = JSON.parse(readFileSync(`${base}.windows.json`, 'utf8')) as Windows;
const root = path.resolve(import.meta.dirname, '../../..');

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** Where a frame's code lives, in a few words. */
function area(f: CallFrame): string {
  const u = f.url.replace(/^file:\/\//, '');
  if (!u) return f.functionName.startsWith('(') ? f.functionName : '(native)';
  if (u.startsWith('node:')) return 'node internals';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (nm) return nm[1]!;
  const rel = path.relative(root, u);
  if (rel.startsWith('..')) return u;
  return rel.split('/').slice(0, 2).join('/');
}
const label = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${f.url ? `${path.relative(root, f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : ''}`.trim();

// Each sample lasts until the next one.
const times: number[] = [];
let t = profile.startTime;
for (const d of profile.timeDeltas) { t += d; times.push(t); }
const windows = [...win.windows].sort((a, b) => a.fromUs - b.fromUs);

interface Tally { self: Map<string, number>; total: Map<string, number>; areas: Map<string, number>; us: number }
const tally = (): Tally => ({ self: new Map(), total: new Map(), areas: new Map(), us: 0 });
const all = tally();
const inWin = tally();
/** Samples with the console's code on the stack (its own folders, sip.js, ws, the store): the app's share, not the bench's (sipp spawns, trace files). */
const APP = /\/(electron|shared)\/|node_modules\/(sip\.js|ws|kysely|better-sqlite3)\//;
const appNodes = new Set<number>();
for (const n of profile.nodes) {
  for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
    if (APP.test(byId.get(id)!.callFrame.url)) { appNodes.add(n.id); break; }
  }
}
let appUs = 0;
let gcUs = 0;
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

let w = 0;
for (let i = 0; i < profile.samples.length - 1; i++) {
  const at = times[i]!;
  const us = times[i + 1]! - at;
  const node = byId.get(profile.samples[i]!)!;
  while (w < windows.length && windows[w]!.toUs < at) w++;
  const inside = w < windows.length && windows[w]!.fromUs <= at && at <= windows[w]!.toUs;
  if (appNodes.has(node.id)) appUs += us;
  if (node.callFrame.functionName === '(garbage collector)') gcUs += us;
  for (const tl of inside ? [all, inWin] : [all]) {
    tl.us += us;
    add(tl.self, label(node.callFrame), us);
    add(tl.areas, area(node.callFrame), us);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const l = label(byId.get(id)!.callFrame);
      if (seen.has(l)) continue;
      seen.add(l);
      add(tl.total, l, us);
    }
  }
}

const calls = Math.max(1, win.calls);
const ms = (us: number, per: number) => (us / 1000 / per).toFixed(3);
function print(title: string, tl: Tally, per: number, perLabel: string): void {
  const busy = tl.us - (tl.areas.get('(idle)') ?? 0);
  console.log(`\n## ${title}: ${ms(tl.us, per)} ms ${perLabel} sampled, ${ms(busy, per)} ms not idle\n`);
  console.log('| area | ms ' + perLabel + ' |\n|---|---:|');
  for (const [k, v] of [...tl.areas].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`| ${k} | ${ms(v, per)} |`);
  console.log(`\n| function (self) | ms ${perLabel} |\n|---|---:|`);
  for (const [k, v] of [...tl.self].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`| ${k} | ${ms(v, per)} |`);
  console.log(`\n| function (inclusive) | ms ${perLabel} |\n|---|---:|`);
  for (const [k, v] of [...tl.total].sort((a, b) => b[1] - a[1]).slice(0, TOP * 2)) console.log(`| ${k} | ${ms(v, per)} |`);
}

console.log(`${win.calls} calls; the process's CPU (app and bench, user+system, from process.cpuUsage): ${ms(win.cpuUs, calls)} ms per call`);
console.log(`main's thread, whole measured period: ${ms(appUs, calls)} ms per call with the console's code on the stack, ${ms(gcUs, calls)} ms GC (app and bench)`);
print('inside rx → 200 OK windows', inWin, windows.length, 'per call');
print('whole measured period', all, calls, 'per call');

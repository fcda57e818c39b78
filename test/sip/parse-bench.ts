/**
 * How long sip.js's generated grammar parser spends on one incoming INVITE, as the main process
 * would see it from Kamailio (two Vias, two Record-Routes, Chinese display name, SDP) — with the
 * pristine sip.js grammar and with the one patched by build/patch-sipjs.mjs, in the same process.
 * Run: npx tsx test/sip/parse-bench.ts   (PARSE_BENCH_SAMPLES=n per variant, default 4000)
 *
 * Three figures per grammar: parseMessage alone (start line + the headers sip.js parses eagerly),
 * parseMessage plus the headers a UAS reads while answering (Contact, Record-Route, Via, PAI), and
 * one bare grammar call (the start line). Variants alternate in rounds so that load from other
 * processes on this machine hits both alike. Prints a markdown table.
 */
import os from 'node:os';
import { Core } from 'sip.js';
import { KAMAILIO_INVITE as invite } from '../bench/sip/corpus';
import { loadGrammars, restoreGrammar, sipjsParse, useGrammar, type GrammarChoice } from '../bench/sip/grammars';

const logger = new Core.LoggerFactory().getLogger('bench');
const SAMPLES = Number(process.env['PARSE_BENCH_SAMPLES'] ?? 4000);
const ROUNDS = 4;
const grammars = await loadGrammars();

function parseOnly(): void {
  if (!Core.Parser.parseMessage(invite, logger)) throw new Error('INVITE did not parse');
}

function parseAsUas(): void {
  const message = Core.Parser.parseMessage(invite, logger);
  if (!message) throw new Error('INVITE did not parse');
  message.parseHeader('contact');
  for (let i = 0; i < message.getHeaders('record-route').length; i++) message.parseHeader('record-route', i);
  message.parseHeader('via');
  message.parseHeader('p-asserted-identity');
}

const startLine = invite.slice(0, invite.indexOf('\r\n'));
const bare = (choice: GrammarChoice) => {
  const parse = sipjsParse(grammars[choice]);
  return () => {
    if (parse(startLine, 'Request_Response') === -1) throw new Error('start line did not parse');
  };
};

interface Bench { name: string; fn: (choice: GrammarChoice) => () => void; grammarCalls?: number }
const benches: Bench[] = [
  { name: 'INVITE parseMessage', fn: () => parseOnly },
  { name: 'INVITE parseMessage + UAS headers', fn: () => parseAsUas },
  { name: 'one grammar call (start line)', fn: bare },
];

/** µs per call, sorted. */
function sample(fn: () => void, n: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return times;
}
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);

const results = new Map<string, Record<GrammarChoice, number[]>>();
for (const b of benches) {
  const times: Record<GrammarChoice, number[]> = { original: [], patched: [] };
  for (const choice of ['original', 'patched'] as const) {
    const counter = await useGrammar(choice);
    const fn = b.fn(choice);
    fn();
    if (b.name.startsWith('INVITE')) b.grammarCalls = counter.calls; // grammar calls made by one run
    sample(fn, Math.min(1000, SAMPLES)); // JIT warm-up
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const choice of (round % 2 ? ['patched', 'original'] : ['original', 'patched']) as GrammarChoice[]) {
      await useGrammar(choice);
      times[choice].push(...sample(b.fn(choice), Math.ceil(SAMPLES / ROUNDS)));
    }
  }
  times.original.sort((x, y) => x - y);
  times.patched.sort((x, y) => x - y);
  results.set(b.name, times);
  process.stderr.write(`${b.name}: done\n`);
}
restoreGrammar();

console.log(`\n### sip.js ${grammars.sipjsVersion} grammar: pristine vs patched (build/patch-sipjs.mjs)\n`);
console.log('| per INVITE (' + invite.length + ' bytes) | grammar calls | original p50 | original p99 | patched p50 | patched p99 | p50 speed-up | p99 speed-up |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const b of benches) {
  const t = results.get(b.name)!;
  const [o50, o99, p50, p99] = [pct(t.original, 50), pct(t.original, 99), pct(t.patched, 50), pct(t.patched, 99)];
  console.log(`| ${b.name} | ${b.grammarCalls ?? 1} | ${fmt(o50)} | ${fmt(o99)} | ${fmt(p50)} | ${fmt(p99)} | ${(o50 / p50).toFixed(1)}× | ${(o99 / p99).toFixed(1)}× |`);
}
console.log(`\n${SAMPLES} samples per cell in ${ROUNDS} alternating rounds after warm-up; Node ${process.version}, ` +
  `${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`);

/**
 * npm run hotspots -- FILE.jsonl [--all] [--verbose]
 *
 * Prints ranked hotspots as JSON lines {rank, title, score, ids, terms, first, last} (top 50, or all
 * with --all; --verbose adds people, area, category, burst, growth, alert). A malformed line is
 * skipped with a warning on stderr naming its line number: one bad row in an analyst's export
 * should not cost the whole run, and the warning says what to fix. If no line is usable, or the
 * file cannot be read, it exits with status 1 and a message, never a stack trace.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { detectHotspots } from './engine';
import { formatTime, parseMessageLine } from './read-jsonl';
import type { HotspotInput } from './types';

async function main(argv: string[]): Promise<number> {
  const files = argv.filter((a) => !a.startsWith('--'));
  const all = argv.includes('--all');
  const verbose = argv.includes('--verbose');
  if (files.length !== 1) {
    process.stderr.write('usage: npm run hotspots -- FILE.jsonl [--all] [--verbose]\n');
    return 2;
  }
  const file = files[0]!;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch (e) {
    process.stderr.write(`hotspots: cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  const inputs: HotspotInput[] = [];
  const seen = new Set<string>();
  let bad = 0;
  let lineNo = 0;
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const raw of rl) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!line.trim()) continue;
    const r = parseMessageLine(line);
    if (!r.ok) {
      bad++;
      process.stderr.write(`hotspots: line ${lineNo} skipped: ${r.error}\n`);
      continue;
    }
    if (seen.has(r.input.id)) {
      process.stderr.write(`hotspots: line ${lineNo} skipped: id ${r.input.id} already seen\n`);
      bad++;
      continue;
    }
    seen.add(r.input.id);
    inputs.push(r.input);
  }
  if (inputs.length === 0) {
    process.stderr.write(`hotspots: ${file} has no usable message lines${bad ? ` (${bad} malformed)` : ''}\n`);
    return 1;
  }
  if (bad) process.stderr.write(`hotspots: ${bad} of ${lineNo} lines skipped\n`);
  // Times in the file are naive local times: day boundaries as written.
  const hotspots = detectHotspots(inputs, { tzOffsetMinutes: 0 });
  const shown = all ? hotspots : hotspots.slice(0, 50);
  const out = shown.map((h, i) => {
    const row: Record<string, unknown> = { rank: i + 1, title: h.title, score: h.score, ids: h.ids, terms: h.terms, first: formatTime(h.first), last: formatTime(h.last) };
    if (verbose) Object.assign(row, { id: h.id, people: h.people, area: h.area, category: h.category, burst: h.burst, growth: h.growth, alert: h.alert });
    return JSON.stringify(row);
  });
  process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`hotspots: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);

/**
 * The hotspot evaluation on real data (read at run time, never copied):
 *   npx tsx test/eval/hotspots-eval.ts
 * prints the top 10 of the unlabelled messages (as the CLI sees them) and of the NYC and SF 311
 * samples (complaint type as category, neighbourhood/borough as area, coordinates), each with a
 * few member titles so that a reader can judge whether the hotspot is real.
 */
import { detectHotspots } from '../../electron/hotspots/engine';
import { formatTime } from '../../electron/hotspots/read-jsonl';
import type { HotspotInput } from '../../electron/hotspots/types';
import { hotspotDataPresent, NYC, read311, readUnlabelled, SF } from './hotspots-data';

function show(name: string, inputs: HotspotInput[]): void {
  const byId = new Map(inputs.map((i) => [i.id, i]));
  const t0 = performance.now();
  const hs = detectHotspots(inputs, { tzOffsetMinutes: 0 });
  console.log(`\n=== ${name}: ${inputs.length} messages, ${hs.length} hotspots, ${(performance.now() - t0).toFixed(0)} ms, ${hs.filter((h) => h.alert).length} alerts`);
  for (const [i, h] of hs.slice(0, 10).entries()) {
    console.log(`${i + 1}. [${h.score}] ${h.title}  people=${h.people} n=${h.ids.length} burst=${h.burst} alert=${h.alert} ${formatTime(h.first)?.slice(0, 10)}..${formatTime(h.last)?.slice(0, 10)} area=${h.area} cat=${h.category}`);
    console.log(`   terms: ${h.terms.slice(0, 5).join(' | ')}`);
    for (const id of h.ids.slice(0, 4)) {
      const m = byId.get(id)!;
      console.log(`   - ${formatTime(m.time)?.slice(0, 10)} ${m.title.slice(0, 60)}`);
    }
  }
}

if (!hotspotDataPresent()) {
  console.log('real data not found (../shared/data/real): nothing to evaluate');
} else {
  show('messages-unlabelled', readUnlabelled());
  show('nyc311', read311(NYC));
  show('sf311', read311(SF));
}

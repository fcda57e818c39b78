/**
 * Chooses the hotspot engine's clustering and ranking parameters on held-out data, and reports
 * recall of planted hotspots in the top 10 and false alarms on data with none.
 *
 *   npx tsx test/eval/hotspots-tune.ts
 *
 * Tuning set: generated seeds 11–12, plus half A (by id hash) of the real unlabelled messages
 * with generated hotspots planted in it. Held-out: seeds 21–23 and half B. The alert threshold is
 * the largest burst/growth of a non-planted hotspot on the generated tuning sets, rounded up (the
 * real half is left out: its own bursts are real, not false alarms).
 */
import { buildCorpus, detectFromCorpus, prepareDoc, type Corpus } from '../../electron/hotspots/engine';
import { hash32 } from '../../electron/hotspots/text';
import { DEFAULT_PARAMS, type HotspotParams } from '../../electron/hotspots/types';
import { matchPlanted, synthMessages, type Planted } from '../support/hotspot-synth';
import { hotspotDataPresent, readUnlabelled } from './hotspots-data';

interface Case {
  name: string;
  corpus: Corpus;
  planted: Planted[];
}

const p0: HotspotParams = { ...DEFAULT_PARAMS, tzOffsetMinutes: 0 };

function synthCase(seed: number, planted: number): Case {
  const s = synthMessages({ seed, background: 2500, planted, days: 180 });
  return { name: `synth${seed}/${planted}`, corpus: buildCorpus(s.messages.map((m) => prepareDoc(m, p0)), p0), planted: s.planted };
}

function realCase(half: 0 | 1, seed: number): Case {
  const real = readUnlabelled().filter((m) => parseInt(hash32(m.id), 16) % 2 === half);
  const times = real.map((m) => m.time).filter((t): t is number => t !== null);
  const start = Math.min(...times);
  const days = Math.floor((Math.max(...times) - start) / 86_400_000);
  const s = synthMessages({ seed, background: 0, planted: 6, days, start });
  return { name: `real-half${half}+6`, corpus: buildCorpus([...real, ...s.messages].map((m) => prepareDoc(m, p0)), p0), planted: s.planted };
}

function evaluate(c: Case, p: HotspotParams): { recall: number; alerts: number; maxLlr: number } {
  const hs = detectFromCorpus(c.corpus, p);
  const found = matchPlanted(c.planted, hs.slice(0, 10)).filter(Boolean).length;
  const plantedIds = new Set(c.planted.flatMap((x) => x.ids));
  const falseAlerts = hs.filter((h) => h.alert && h.ids.filter((i) => plantedIds.has(i)).length * 2 < h.ids.length);
  const maxLlr = Math.max(0, ...hs.filter((h) => h.ids.filter((i) => plantedIds.has(i)).length * 2 < h.ids.length).map((h) => Math.max(h.burst, h.growth)));
  return { recall: c.planted.length ? found / c.planted.length : 1, alerts: falseAlerts.length, maxLlr };
}

function main(): void {
  const tune = [synthCase(11, 8), synthCase(12, 8)];
  const tuneNull = [synthCase(13, 0)];
  const held = [synthCase(21, 8), synthCase(22, 8), synthCase(23, 8)];
  const heldNull = [synthCase(24, 0), synthCase(25, 0)];
  if (hotspotDataPresent()) {
    tune.push(realCase(0, 31));
    held.push(realCase(1, 32));
  }
  let best: { p: HotspotParams; recall: number } | null = null;
  for (const linkThreshold of [0.15, 0.2, 0.25, 0.3, 0.35]) {
    for (const burstWeight of [1, 2, 3]) {
      for (const coherence of [0.4, 0.6]) {
        const p = { ...p0, linkThreshold, burstWeight, coherence };
        const recall = tune.reduce((s, c) => s + evaluate(c, p).recall, 0) / tune.length;
        console.log(`tune τ=${linkThreshold} wB=${burstWeight} κ=${coherence}: recall@10 ${recall.toFixed(3)}`);
        if (!best || recall > best.recall + 1e-9) best = { p, recall };
      }
    }
  }
  const chosen = best!.p;
  const alertLlr = Math.ceil(Math.max(...[...tune.filter((c) => c.name.startsWith('synth')), ...tuneNull].map((c) => evaluate(c, { ...chosen, alertLlr: Infinity }).maxLlr)) + 1e-9);
  const final = { ...chosen, alertLlr };
  console.log(`chosen: linkThreshold=${final.linkThreshold} burstWeight=${final.burstWeight} coherence=${final.coherence} alertLlr=${final.alertLlr}`);
  for (const c of [...held, ...heldNull]) {
    const r = evaluate(c, final);
    console.log(`held-out ${c.name}: recall@10 ${c.planted.length ? r.recall.toFixed(3) : '-'}  false alerts ${r.alerts}`);
  }
}

main();

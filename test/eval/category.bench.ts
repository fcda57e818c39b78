/**
 * Category suggestion latency: `npx tsx test/eval/category.bench.ts`
 * (BENCH_DEMO_TICKETS, default 100000; BENCH_QUERIES, default 2000).
 *
 * 1. A model trained on the real labelled messages (both files; ../shared/data/real, read here
 *    only) with 7 level-1 classes; queries are real unlabelled messages cut to 50–400 characters.
 * 2. A model trained on generated demo tickets (electron/demo, 3-level taxonomy, leaf labels);
 *    queries are further generated tickets, cut the same way.
 * Each query is timed end to end (feature extraction + scoring + top 3). Then incremental learn,
 * unlearn, the first suggestion after a learn (it refreshes the touched rows) and persistence.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CategorySuggester, type TrainingRow } from '../../electron/classify/category-suggester';
import { DEFAULT_REFERENCE_DATE, generateReferenceData, generateTickets } from '../../electron/demo';
import { fmtMs, percentile } from '../bench/harness';
import { table } from './classify-eval';
import { REAL_DIR, loadLabelled, loadSegmented, realDataPresent } from './real-messages';

const DEMO_TICKETS = Number(process.env.BENCH_DEMO_TICKETS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 2000);
const LENGTHS = [50, 100, 200, 400];
const log = (s: string) => process.stderr.write(`${s}\n`);
const rows: (string | number)[][] = [];

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function latency(model: string, s: CategorySuggester, texts: string[]): void {
  for (const len of LENGTHS) {
    const qs = texts.filter((t) => t.length >= len).map((t) => t.slice(0, len));
    for (let i = 0; i < 200; i++) s.suggest(qs[i % qs.length]!, 3); // warm-up
    const ms = qs.slice(0, QUERIES).map((q) => time(() => s.suggest(q, 3))).sort((a, b) => a - b);
    rows.push([model, `suggest, ${len} chars`, ms.length, fmtMs(percentile(ms, 50)), fmtMs(percentile(ms, 99)), fmtMs(ms[ms.length - 1]!)]);
  }
}

function incremental(model: string, s: CategorySuggester, learnRows: TrainingRow[], probe: string): void {
  const learn: number[] = [];
  const after: number[] = [];
  const unlearn: number[] = [];
  for (const r of learnRows) {
    learn.push(time(() => s.learn(r)));
    after.push(time(() => s.suggest(probe, 3)));
  }
  for (const r of learnRows) unlearn.push(time(() => s.unlearn(r)));
  for (const [what, ms] of [['learn one ticket', learn], ['first suggest after a learn', after], ['unlearn one ticket', unlearn]] as const) {
    ms.sort((a, b) => a - b);
    rows.push([model, what, ms.length, fmtMs(percentile(ms, 50)), fmtMs(percentile(ms, 99)), fmtMs(ms[ms.length - 1]!)]);
  }
}

function persistence(model: string, s: CategorySuggester): void {
  let json = '';
  const save = time(() => { json = JSON.stringify(s.toJSON()); });
  const back: CategorySuggester[] = [];
  const load = time(() => { back.push(CategorySuggester.fromJSON(JSON.parse(json) as ReturnType<CategorySuggester['toJSON']>)); });
  rows.push([model, `save: JSON.stringify(toJSON()), ${(json.length / 1024 / 1024).toFixed(1)} MB`, 1, fmtMs(save), '', '']);
  rows.push([model, 'load: fromJSON(JSON.parse())', 1, fmtMs(load), '', `${back[0]!.documents} docs`]);
}

const heap = () => process.memoryUsage().heapUsed / 1024 / 1024;

async function real(): Promise<void> {
  if (!realDataPresent()) { log('real data absent: skipping the real-data model'); return; }
  const labelled = loadLabelled().rows;
  const train: TrainingRow[] = [
    ...labelled.map((r) => ({ title: r.title, text: r.text, categoryId: r.category })),
    ...loadSegmented().map((r) => ({ text: r.text, categoryId: r.category })),
  ];
  const s = new CategorySuggester();
  const h0 = heap();
  const ms = time(() => { for (const r of train) s.learn(r); });
  rows.push(['real (7 classes)', `train ${train.length} messages`, 1, fmtMs(ms), '', `heap +${(heap() - h0).toFixed(0)} MB`]);
  const unl = resolve(REAL_DIR, 'messages-unlabelled.jsonl');
  const texts = existsSync(unl)
    ? readFileSync(unl, 'utf8').split('\n').filter(Boolean).map((l) => { const r = JSON.parse(l) as { title?: string; text?: string }; return `${r.title ?? ''}${r.text ?? ''}`; })
    : labelled.map((r) => r.title + r.text);
  latency('real (7 classes)', s, texts);
  incremental('real (7 classes)', s, labelled.slice(0, 500).map((r) => ({ title: r.title, text: r.text, categoryId: r.category })), texts[0]!.slice(0, 200));
  persistence('real (7 classes)', s);
}

async function demo(): Promise<void> {
  const ref = generateReferenceData(1);
  const t0 = performance.now();
  const tickets: TrainingRow[] = [];
  for (const b of generateTickets({ seed: 1, count: DEMO_TICKETS + 3000, referenceDate: DEFAULT_REFERENCE_DATE, reference: ref })) {
    if (b.ticket.category_id) tickets.push({ title: b.ticket.title, text: b.ticket.content, categoryId: b.ticket.category_id });
  }
  log(`generated ${tickets.length} demo tickets in ${fmtMs(performance.now() - t0)}`);
  const train = tickets.slice(0, DEMO_TICKETS);
  const held = tickets.slice(DEMO_TICKETS);
  const taxonomy = ref.categories.map((c) => ({ id: c.id, parentId: c.parent_id }));
  const s = new CategorySuggester(taxonomy);
  const h0 = heap();
  const ms = time(() => { for (const r of train) s.learn(r); });
  const model = `demo (${s.categories.length} leaves)`;
  rows.push([model, `train ${train.length} tickets`, 1, fmtMs(ms), '', `heap +${(heap() - h0).toFixed(0)} MB`]);
  // Accuracy on held-out generated tickets: synthetic text, so only a sanity check.
  let leaf1 = 0, leaf3 = 0, top1 = 0;
  for (const r of held) {
    const sg = s.suggest({ title: r.title, content: r.text }, 3);
    if (sg[0]?.categoryId === r.categoryId) leaf1++;
    if (sg.some((x) => x.categoryId === r.categoryId)) leaf3++;
    if (s.suggest({ title: r.title, content: r.text }, 1, { level: 1 })[0]?.categoryId === s.ancestorAt(r.categoryId, 1)) top1++;
  }
  log(`demo held-out (${held.length}): leaf top-1 ${(leaf1 / held.length * 100).toFixed(1)} %, leaf top-3 ${(leaf3 / held.length * 100).toFixed(1)} %, level-1 top-1 ${(top1 / held.length * 100).toFixed(1)} %`);
  const texts = held.map((r) => `${r.title}${r.text}`);
  const long = held.map((r) => `${r.title}${r.text}`.repeat(4)); // demo contents are short; repeat them for 200–400 chars
  latency(model, s, [...texts, ...long]);
  incremental(model, s, held.slice(0, 1000), texts[0]!);
  persistence(model, s);
}

await real();
await demo();
console.log(table(['model', 'operation', 'n', 'p50', 'p99', 'max / note'], rows));

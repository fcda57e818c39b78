import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TrainingRow } from './category-suggester';
import { DEFAULT_FEATURES, extractFeatures } from './features';
import { FitCancelled, LinearModel } from './linear-model';
import { refitInWorker } from './refit-client';

const features = { ...DEFAULT_FEATURES, minN: 1, maxN: 2, titleWeight: 2 };
const ROWS: TrainingRow[] = [
  { title: '路灯不亮', text: '小区门口路灯坏了一周', categoryId: 'lamp' }, { title: '路灯损坏', text: '路灯晚上不亮很危险', categoryId: 'lamp' },
  { title: '停水', text: '小区停水两天了，水管爆裂', categoryId: 'water' }, { title: '水压低', text: '自来水水压太低', categoryId: 'water' },
  { title: '公积金提取', text: '咨询公积金提取需要哪些材料', categoryId: 'fund' }, { title: '公积金贷款', text: '公积金贷款额度怎么算', categoryId: 'fund' },
];
async function* pages(rows: TrainingRow[], size: number) { for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size); }

describe('refitInWorker', () => {
  it('fits in a worker the same model as in-process, from pages', { timeout: 30_000 }, async () => {
    const progress: number[] = [];
    const r = await refitInWorker(pages(ROWS, 4), { features, onProgress: (d) => progress.push(d) });
    const local = LinearModel.fit(ROWS.map((x) => ({ f: extractFeatures(x.title ?? '', x.text, features), label: x.categoryId })));
    expect(r.rows).toBe(6);
    expect(r.model.toJSON()).toEqual(local.toJSON());
    expect(progress).toEqual([1, 2, 3]);
    const q = extractFeatures('', '路灯坏了', features);
    expect(r.model.scores(q)[0]!.label).toBe('lamp');
  });

  it('rejects with FitCancelled when aborted while the rows are still coming, and when aborted before', { timeout: 30_000 }, async () => {
    const ac = new AbortController();
    async function* slow() { yield ROWS.slice(0, 3); ac.abort(); await new Promise((r) => setTimeout(r, 50)); yield ROWS.slice(3); }
    await expect(refitInWorker(slow(), { features, signal: ac.signal })).rejects.toBeInstanceOf(FitCancelled);
    await expect(refitInWorker([ROWS], { features, signal: ac.signal })).rejects.toBeInstanceOf(FitCancelled);
  });

  it('terminates a fit that is running when aborted', { timeout: 30_000 }, async () => {
    // Enough rows and classes that the fit is still running when the abort comes.
    const many: TrainingRow[] = [];
    for (let i = 0; i < 3000; i++) many.push({ title: `第${i % 97}类问题`, text: `${'反映诉求内容'.repeat(5)}编号${i}类别${i % 97}`, categoryId: `c${i % 97}` });
    const ac = new AbortController();
    const done = refitInWorker([many], { features, signal: ac.signal, onProgress: () => ac.abort() });
    await expect(done).rejects.toBeInstanceOf(FitCancelled);
  });

  it('fails with a clear error when there is nothing to fit, or the worker dies', { timeout: 30_000 }, async () => {
    await expect(refitInWorker([[]], { features })).rejects.toThrow(/category refit failed: no categorised tickets/);
    const dir = mkdtempSync(join(tmpdir(), 'refit-'));
    const broken = join(dir, 'broken-worker.mjs');
    writeFileSync(broken, "throw new Error('model file damaged');\n");
    await expect(refitInWorker([ROWS], { features, workerUrl: pathToFileURL(broken) })).rejects.toThrow(/category refit worker failed: model file damaged/);
  });
});

import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { ImportResult, JobViewOf } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { ImportExportPanel } from './ImportExportPanel';

const JOB_ID = '0190a0b0-0000-7000-8000-0000000000aa';
const doneView = (result: ImportResult): JobViewOf<'tickets.import'> => ({
  id: JOB_ID, kind: 'tickets.import', state: 'done', phase: 'checking', done: 1, total: 1,
  startedAt: '2026-12-05T02:30:00.000Z', finishedAt: '2026-12-05T02:30:01.000Z', result, error: null,
});

describe('ImportExportPanel', () => {
  it('offers 导入 only once the chosen file has been read and its columns mapped', async () => {
    // The check of the chosen file is answered only when the test says so: a slow main.
    let answerCheck: () => void = () => undefined;
    const checked = new Promise<void>((r) => { answerCheck = r; });
    const api = fakeApi({
      'tickets.importXlsx': (async (i: { dryRun: boolean }) => {
        if (i.dryRun) await checked;
        return { ok: true, value: doneView({ ok: true, imported: i.dryRun ? 0 : 3, rows: 3, errors: [], headers: ['工单号', '受理时间', '诉求类型', '分类', '标题', '诉求内容'] }) };
      }) as never,
    });
    const { container } = renderWithProviders(<ImportExportPanel />, api);
    const input = container.querySelector('input[type=file]') as HTMLInputElement;
    fireEvent.change(input, { target: { files: [new File([new Uint8Array([80, 75, 3, 4])], '旧台账.xlsx')] } });

    await screen.findByText('旧台账.xlsx');
    const importButton = screen.getByRole('button', { name: '导入' });
    expect(importButton).toBeDisabled();
    fireEvent.click(importButton);
    const imports = () => api.calls.filter((c) => c.name === 'tickets.importXlsx').map((c) => c.input as { dryRun: boolean; mapping: Record<string, string> });
    expect(imports().map((c) => c.dryRun)).toEqual([true]);

    answerCheck();
    await waitFor(() => expect(screen.getByRole('button', { name: '导入' })).toBeEnabled());
    fireEvent.click(screen.getByRole('button', { name: '导入' }));
    await screen.findByText(/已导入 3 件工单/);
    const [, real] = imports();
    expect(real).toMatchObject({ dryRun: false, mapping: { number: '工单号', title: '标题', content: '诉求内容', category: '分类' } });
  });
});

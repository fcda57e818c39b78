import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useState } from 'react';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import type { ClassCaseCloseResult, ClassCaseDetail } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { ClassCases } from './ClassCases';
import { ClassCaseNotice } from './ClassCaseNotice';

beforeAll(() => { Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 }); });
afterAll(() => { delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight; });

const ID = '00000000-0000-4000-8000-0000000000c1';
const COUNTER = '00000000-0000-4000-8000-0000000000k1';

function detail(value: number, counterVersion = 1, extra: Partial<ClassCaseDetail> = {}): ClassCaseDetail {
  return {
    id: ID, number: 'LA20260001', title: '建设路沿线路灯不亮', state: 'open', source: 'hotspot', createdAt: '2026-12-01T01:00:00.000Z',
    category: '路灯照明', area: '东城区', terms: ['路灯'], members: 3, finished: 0, leadDepartment: '市城管委', version: 4,
    counters: [{ id: COUNTER, label: '路灯修复', unit: '盏', target: 6000, value, ownerDepartmentId: 'd1', ownerDepartment: '市城管委', version: counterVersion, updatedAt: '2026-12-02T01:00:00.000Z', canUpdate: true }],
    categoryId: 'c1', areaCode: '110101', package: { leadDepartmentId: 'd1', leadDepartment: '市城管委', person: '王科长', coDepartments: [] },
    measures: [], reply: null, repliedAt: null, closedAt: null, closeNote: null,
    memberList: [1, 2, 3].map((n) => ({ id: `00000000-0000-4000-8000-00000000000${n}`, number: `GD202612010000${n}`, title: `路灯不亮 ${n}`, status: n === 3 ? 'dispatched' : 'registered', createdAt: '2026-12-01T01:00:00.000Z', district: '东城区', leadDepartment: null, auto: n === 2 })),
    consultation: null, timeline: [{ at: '2026-12-01T01:00:00.000Z', actorName: '值班长', action: 'classCase.created', data: {} }], allowed: { manage: true }, ...extra,
  };
}

function caseApi() {
  let current = detail(5200);
  const api = fakeApi({
    'classCases.list': (() => ({ ok: true, value: [current] })) as never,
    'classCases.get': (() => ({ ok: true, value: current })) as never,
    'reference.get': (() => ({ ok: true, value: { categories: [], divisions: [], departments: [{ id: 'd1', code: 'd1', name: '市城管委', kind: 'bureau', districtCode: null }] } })) as never,
    'classCases.updateCounter': ((i: { expectedVersion: number; value: number }) => {
      if (i.expectedVersion !== current.counters[0]!.version) return { ok: false, error: { code: 'conflict', details: { reason: 'class_case_counter_stale' } } };
      current = detail(i.value, i.expectedVersion + 1);
      return { ok: true, value: current };
    }) as never,
    'classCases.close': ((i: { reply?: string }) => {
      if (!i.reply) return { ok: false, error: { code: 'invalid_input', details: { reason: 'class_case_reply_required' } } };
      current = detail(current.counters[0]!.value, 2, { state: 'closed', allowed: { manage: false } });
      const r: ClassCaseCloseResult = { detail: current, closed: 2, alreadyFinished: 0, blocked: [{ id: current.memberList[2]!.id, number: 'GD2026120100003', status: 'dispatched' }] };
      return { ok: true, value: r };
    }) as never,
  });
  return { api, move: (value: number, version: number) => { current = detail(value, version); } };
}

describe('ClassCaseWorkspace', () => {
  it('shows progress as "路灯修复 5,200 / 6,000 盏" and saves a new figure against the counter\'s version', async () => {
    const { api } = caseApi();
    renderWithProviders(<ClassCases initialId={ID} />, api);
    expect(await screen.findByTestId('cc-counter-text')).toHaveTextContent('路灯修复 5,200 / 6,000 盏');
    fireEvent.change(screen.getByTestId('cc-counter-input'), { target: { value: '5800' } });
    await act(async () => { fireEvent.click(screen.getByTestId('cc-counter-save')); });
    await waitFor(() => expect(screen.getByTestId('cc-counter-text')).toHaveTextContent('路灯修复 5,800 / 6,000 盏'));
    expect(api.calls.find((c) => c.name === 'classCases.updateCounter')!.input).toEqual({ id: ID, counterId: COUNTER, expectedVersion: 1, value: 5800 });
  });

  it('says in Chinese that someone else updated the figure, and shows theirs', async () => {
    const { api, move } = caseApi();
    renderWithProviders(<ClassCases initialId={ID} />, api);
    await screen.findByTestId('cc-counter-text');
    move(5900, 2); // the owner department reported meanwhile
    fireEvent.change(screen.getByTestId('cc-counter-input'), { target: { value: '5300' } });
    await act(async () => { fireEvent.click(screen.getByTestId('cc-counter-save')); });
    expect(await screen.findByTestId('cc-error')).toHaveTextContent('该进度刚被他人更新');
    await waitFor(() => expect(screen.getByTestId('cc-counter-text')).toHaveTextContent('5,900 / 6,000'));
  });

  it('closing lists the members it could not close', async () => {
    const { api } = caseApi();
    renderWithProviders(<ClassCases initialId={ID} />, api);
    fireEvent.click(await screen.findByTestId('cc-close'));
    expect(await screen.findByTestId('cc-close-confirm')).toBeDisabled();
    fireEvent.change(screen.getByTestId('cc-close-reply'), { target: { value: '沿线路灯已全部修复，感谢监督。' } });
    fireEvent.change(screen.getByTestId('cc-close-note'), { target: { value: '整治完成' } });
    await act(async () => { fireEvent.click(screen.getByTestId('cc-close-confirm')); });
    const result = await screen.findByTestId('cc-close-result');
    expect(result).toHaveTextContent('已办结 2 件');
    expect(result).toHaveTextContent('GD2026120100003（已派单）');
  });
});

describe('ClassCaseNotice', () => {
  it('tells the agent while typing that a class case covers the appeal, and nothing for an unrelated one', async () => {
    const api = fakeApi({
      'classCases.matchIntake': ((i: { text: string }) => ({ ok: true, value: i.text.includes('路灯')
        ? [{ id: ID, number: 'LA20260001', title: '建设路沿线路灯不亮', terms: ['路灯'], members: 42, reply: '本月底前完成检修' }] : [] })) as never,
    });
    function Typing() {
      const [text, setText] = useState('小区噪音');
      return <><input data-testid="typing" value={text} onChange={(e) => setText(e.currentTarget.value)} /><ClassCaseNotice text={text} /></>;
    }
    renderWithProviders(<Typing />, api);
    await waitFor(() => expect(api.calls.some((c) => c.name === 'classCases.matchIntake')).toBe(true), { timeout: 2000 });
    expect(screen.queryByTestId('class-case-notice')).toBeNull();
    fireEvent.change(screen.getByTestId('typing'), { target: { value: '建设路路灯一周不亮' } });
    const notice = await screen.findByTestId('class-case-notice', {}, { timeout: 2000 });
    expect(notice).toHaveTextContent('类案 LA20260001「建设路沿线路灯不亮」正在整治（已归集 42 件，命中：路灯）');
    expect(notice).toHaveTextContent('统一答复口径：本月底前完成检修');
  });
});

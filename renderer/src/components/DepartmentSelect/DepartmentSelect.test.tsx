import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { departmentOptions } from './DepartmentSelect';
import { CreateUserModal } from '../../frames/Admin/CreateUserModal';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import type { DepartmentRef } from '../../../../shared/contract';

const departments: DepartmentRef[] = [
  { id: 'd1', code: 'JC-ZJ', name: '市住房和城乡建设局', kind: 'bureau' },
  { id: 'd2', code: 'S43990201', name: '新华街道办事处', kind: 'street' },
  { id: 'd3', code: 'S43990301', name: '新华街道办事处', kind: 'street' },
  { id: 'd4', code: 'D439902', name: '江岸区人民政府', kind: 'district' },
];

describe('DepartmentSelect', () => {
  it('groups departments by kind and tells two offices of the same name apart by their code', () => {
    const groups = departmentOptions(departments, (k) => k);
    expect(groups.map((g) => g.group)).toEqual(['bureau', 'district', 'street']);
    expect(groups[2]!.items.map((i) => i.label)).toEqual(['新华街道办事处（S43990201）', '新华街道办事处（S43990301）']);
    expect(groups[0]!.items[0]).toEqual({ value: 'd1', label: '市住房和城乡建设局' });
  });
});

describe('CreateUserModal with the department role', () => {
  it('asks for the department before creating a department user, and sends the one chosen', async () => {
    localStorage.setItem('hotline.draft.admin.create-user', JSON.stringify({
      value: { username: 'zjj01', displayName: '住建局联络员', roles: ['department'], departmentId: null }, savedAt: new Date().toISOString(),
    }));
    const api = fakeApi({
      'reference.get': (() => ({ ok: true, value: { categories: [], divisions: [], departments } })) as never,
      'users.create': ((i: { displayName: string }) => ({ ok: true, value: { id: 'u1', username: 'zjj01', displayName: i.displayName, roles: ['department'], departmentId: 'd1', departmentName: '市住房和城乡建设局', disabled: false, lockedUntil: null, lastLoginAt: null } })) as never,
    });
    const user = userEvent.setup();
    renderWithProviders(<CreateUserModal opened onClose={() => {}} onCreated={() => {}} />, api);
    const field = await screen.findByTestId('create-user-department');
    await user.type(screen.getByLabelText(/初始密码/), 'Strong-Pass-2025');
    await user.click(screen.getByRole('button', { name: '新建用户' }));
    expect(await screen.findByText('承办单位角色必须选择所属承办单位')).toBeInTheDocument();
    expect(api.calls.some((c) => c.name === 'users.create')).toBe(false);

    await user.click(field);
    await user.type(field, '住房');
    // The dropdown's opening transition never finishes in jsdom: the option is there but not yet shown.
    await user.click(await screen.findByRole('option', { name: '市住房和城乡建设局', hidden: true }));
    await user.click(screen.getByRole('button', { name: '新建用户' }));
    await waitFor(() => expect(api.calls.find((c) => c.name === 'users.create')?.input).toMatchObject({ roles: ['department'], departmentId: 'd1' }));
  });
});

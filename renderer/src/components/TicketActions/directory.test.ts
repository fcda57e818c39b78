import { describe, expect, it } from 'vitest';
import type { DepartmentRef, DivisionRef } from '../../../../shared/contract';
import { departmentLabel, directoryGroups } from './directory';

const divisions: DivisionRef[] = [
  { code: '439900', name: '江城市', level: 0, parentCode: null, retired: false },
  { code: '439902', name: '江岸区', level: 1, parentCode: '439900', retired: false },
  { code: '439903', name: '临江区', level: 1, parentCode: '439900', retired: false },
];
const departments: DepartmentRef[] = [
  { id: 's2', code: 'S439903001', name: '临江区建外街道办事处', kind: 'street', districtCode: '439903' },
  { id: 's1', code: 'S439902001', name: '建外街道办事处', kind: 'street', districtCode: '439902' },
  { id: 'u1', code: 'JC-WATER', name: '江城水务集团有限公司', kind: 'utility', districtCode: null },
  { id: 'b1', code: 'JC-ZJJ', name: '市住房和城乡建设局', kind: 'bureau', districtCode: null },
  { id: 'd1', code: 'D439902', name: '江岸区人民政府', kind: 'district', districtCode: '439902' },
];
const kindName = (k: string) => ({ bureau: '委办局', district: '区政府', street: '街道乡镇', utility: '公共服务企业', other: '其他单位' })[k]!;

describe('the dispatch directory', () => {
  it('puts the district beside every street office, once', () => {
    expect(departmentLabel(departments[1]!, '江岸区')).toBe('江岸区 · 建外街道办事处');
    expect(departmentLabel(departments[0]!, '临江区')).toBe('临江区 · 建外街道办事处');
    expect(departmentLabel(departments[3]!, undefined)).toBe('市住房和城乡建设局');
  });

  it('groups by kind, street offices also by district, in directory order', () => {
    const groups = directoryGroups(departments, divisions, kindName);
    expect(groups.map((g) => g.group)).toEqual(['委办局', '区政府', '街道乡镇 · 江岸区', '街道乡镇 · 临江区', '公共服务企业']);
    expect(groups[2]!.items).toEqual([{ value: 's1', label: '江岸区 · 建外街道办事处' }]);
  });

  it('narrows to one kind and one district, and leaves out the chosen lead', () => {
    expect(directoryGroups(departments, divisions, kindName, { kind: 'street', districtCode: '439903' }).flatMap((g) => g.items.map((i) => i.value))).toEqual(['s2']);
    expect(directoryGroups(departments, divisions, kindName, { districtCode: '439902', exclude: ['s1'] }).flatMap((g) => g.items.map((i) => i.value))).toEqual(['d1']);
  });
});

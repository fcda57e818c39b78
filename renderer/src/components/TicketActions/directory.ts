import type { DepartmentRef, DivisionRef } from '../../../../shared/contract';

/** The kinds of the dispatch directory, in the order a dispatcher looks for them. */
export const DEPARTMENT_KINDS = ['bureau', 'district', 'street', 'utility', 'other'] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

export const kindOf = (d: DepartmentRef): DepartmentKind =>
  (DEPARTMENT_KINDS as readonly string[]).includes(d.kind) ? d.kind as DepartmentKind : 'other';

/**
 * What a dispatcher reads for a unit: street offices and district governments carry their
 * district ("江岸区 · 建外街道办事处"), so two offices of the same name cannot be confused.
 */
export function departmentLabel(d: DepartmentRef, districtName: string | undefined): string {
  if (!districtName || (kindOf(d) !== 'street' && kindOf(d) !== 'district')) return d.name;
  const name = d.name.startsWith(districtName) && d.name.length > districtName.length ? d.name.slice(districtName.length) : d.name;
  return `${districtName} · ${name}`;
}

export interface DirectoryGroup { group: string; items: { value: string; label: string }[] }

/**
 * The directory grouped by kind, street offices also by district, filtered by kind and district.
 * `kindName` names a kind in the UI language; groups with nothing in them are left out.
 */
export function directoryGroups(
  departments: readonly DepartmentRef[], divisions: readonly DivisionRef[], kindName: (k: DepartmentKind) => string,
  filter: { kind?: DepartmentKind | null; districtCode?: string | null; exclude?: readonly string[] } = {},
): DirectoryGroup[] {
  const districtNames = new Map(divisions.filter((d) => d.level === 1).map((d) => [d.code, d.name]));
  const groups = new Map<string, DirectoryGroup>();
  const districtOrder = [...districtNames.keys()];
  const sorted = [...departments].sort((a, b) => {
    const k = DEPARTMENT_KINDS.indexOf(kindOf(a)) - DEPARTMENT_KINDS.indexOf(kindOf(b));
    if (k !== 0) return k;
    const da = districtOrder.indexOf(a.districtCode ?? '');
    const db = districtOrder.indexOf(b.districtCode ?? '');
    return da !== db ? da - db : a.code.localeCompare(b.code);
  });
  for (const d of sorted) {
    const kind = kindOf(d);
    if (filter.kind && kind !== filter.kind) continue;
    if (filter.districtCode && d.districtCode !== filter.districtCode) continue;
    if (filter.exclude?.includes(d.id)) continue;
    const districtName = d.districtCode ? districtNames.get(d.districtCode) : undefined;
    const group = kind === 'street' && districtName ? `${kindName(kind)} · ${districtName}` : kindName(kind);
    if (!groups.has(group)) groups.set(group, { group, items: [] });
    groups.get(group)!.items.push({ value: d.id, label: departmentLabel(d, districtName) });
  }
  return [...groups.values()];
}

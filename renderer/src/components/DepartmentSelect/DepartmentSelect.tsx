import { useMemo } from 'react';
import { Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DepartmentRef } from '../../../../shared/contract';

const KIND_ORDER = ['bureau', 'district', 'street', 'utility'] as const;

/** Departments grouped by kind, searchable by name or code; a name that repeats shows its code. */
export function departmentOptions(departments: readonly DepartmentRef[], kindLabel: (kind: string) => string) {
  const counts = new Map<string, number>();
  for (const d of departments) counts.set(d.name, (counts.get(d.name) ?? 0) + 1);
  const rank = (k: string) => { const i = (KIND_ORDER as readonly string[]).indexOf(k); return i < 0 ? KIND_ORDER.length : i; };
  const kinds = [...new Set(departments.map((d) => d.kind))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return kinds.map((kind) => ({
    group: kindLabel(kind),
    items: departments.filter((d) => d.kind === kind).map((d) => ({ value: d.id, label: (counts.get(d.name) ?? 0) > 1 ? `${d.name}（${d.code}）` : d.name })),
  }));
}

/** A searchable select of the departments (承办单位) a department user can be bound to. */
export function DepartmentSelect({ departments, value, onChange, error, required, testId }: {
  /** The departments to choose from (reference data). */
  departments: readonly DepartmentRef[];
  /** The chosen department id, or null. */
  value: string | null;
  /** Called with the new department id (null when cleared). */
  onChange(id: string | null): void;
  /** Error text shown under the field. */
  error?: string;
  /** Marks the field as required. @default false */
  required?: boolean;
  /** data-testid of the input. */
  testId?: string;
}) {
  const { t } = useTranslation();
  const data = useMemo(() => departmentOptions(departments, (k) => t(`departmentBinding.kinds.${k}`, { defaultValue: t('departmentBinding.kinds.other') })), [departments, t]);
  return (
    <Select label={t('departmentBinding.label')} description={t('departmentBinding.description')} placeholder={t('departmentBinding.placeholder')}
      data={data} value={value} onChange={onChange} error={error} required={required} searchable clearable
      nothingFoundMessage={t('departmentBinding.nothingFound')} maxDropdownHeight={280} comboboxProps={{ withinPortal: true }} data-testid={testId} />
  );
}

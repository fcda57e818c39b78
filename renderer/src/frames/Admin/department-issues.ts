import type { TFunction } from 'i18next';
import { problemMessage } from '../../i18n/problems';

/** What main's check of a user's department binding said, in words an admin can act on. */
export function departmentIssueMessage(t: TFunction, problem: string): string {
  if (problem === 'required') return t('departmentBinding.required');
  if (problem === 'unknown') return t('departmentBinding.unknown');
  if (problem === 'department_role_required') return t('departmentBinding.notDepartmentRole');
  return problemMessage(problem, 'departmentId');
}

import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN } from './zh-CN';
import type { ContractError } from '../../../shared/contract';
import { hasProblemMessage, problemMessage } from './problems';

void i18next.use(initReactI18next).init({
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  resources: { 'zh-CN': { translation: zhCN } },
  interpolation: { escapeValue: false },
  returnNull: false,
});

export const i18n = i18next;

/** The one way a contract error becomes a sentence; reasons in `details` refine the code. */
export function errorMessage(error: ContractError): string {
  const reason = error.details?.reason;
  if (typeof reason === 'string' && i18next.exists(`errors.${reason}`)) return i18next.t(`errors.${reason}`);
  // "Check the red fields" says nothing where no field is red (a dialog, a toast): name the first problem.
  const issue = error.code === 'invalid_input' ? error.issues?.[0] : undefined;
  if (issue && hasProblemMessage(issue.problem, issue.path)) return i18next.t('problems.summary', { message: problemMessage(issue.problem, issue.path) });
  return i18next.t(`errors.${error.code}`, { ...error.details });
}

import { List, Text, ThemeIcon } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { passwordChecks } from '../../../../shared/domain/password';

/** The password rules, each ticked off as soon as what the user typed meets it. */
export function PasswordRules({ password, confirm, current }: {
  /** The new password as typed. */
  password: string;
  /** The repeated password; the "both the same" rule is shown when given. */
  confirm?: string;
  /** The current password; the "differs from it" rule is shown when given. */
  current?: string;
}) {
  const { t } = useTranslation();
  const checks = passwordChecks(password);
  const rules = [
    { key: 'ruleLength', ok: checks.length },
    { key: 'ruleClasses', ok: checks.classes },
    ...(current === undefined ? [] : [{ key: 'ruleDiffers', ok: password.length > 0 && password !== current }]),
    ...(confirm === undefined ? [] : [{ key: 'ruleConfirm', ok: confirm.length > 0 && confirm === password }]),
  ];
  return (
    <div>
      <Text size="sm" fw={500} mb={4}>{t('password.rules')}</Text>
      <List spacing={2} size="sm" center data-testid="password-rules">
        {rules.map((r) => (
          <List.Item key={r.key} data-ok={r.ok}
            icon={<ThemeIcon size={18} radius="xl" color={r.ok ? 'teal' : 'gray'} variant={r.ok ? 'filled' : 'light'} aria-hidden>{r.ok ? '✓' : '·'}</ThemeIcon>}>
            <Text size="sm" c={r.ok ? undefined : 'dimmed'}>{t(`password.${r.key}`)}</Text>
          </List.Item>
        ))}
      </List>
    </div>
  );
}
